// The post-mortem meeting: when it is (the runbook holds it 24–72 h after the resolve, and the server says
// when a time falls outside that; it is stored anyway) and who attends (every responder at first).
import { X } from 'lucide-react';
import { useState } from 'react';
import type { Postmortem } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { useUsers } from '../shared/resources.ts';
import { absolute, Button, DateTimeField, IconButton, Select, toast } from '../ui/index.ts';
import { patchPostmortem, usePostmortemChange, type PostmortemPatch } from './postmortem-api.ts';
import { hoursAfterResolve, warningText, windowText } from './postmortem-words.ts';

export function MeetingPanel({ pmRef, pm, editable }: { pmRef: string; pm: Postmortem; editable: boolean }) {
  // Keyed by the stored time, so the field starts again from it after every save.
  return (
    <section className="ui-panel pm-meeting" aria-labelledby="pm-meeting-title">
      <h2 id="pm-meeting-title">Meeting</h2>
      <MeetingTime key={pm.meeting_at ?? 'none'} pmRef={pmRef} pm={pm} editable={editable} />
      <Attendees pmRef={pmRef} pm={pm} editable={editable} />
    </section>
  );
}

function MeetingTime({ pmRef, pm, editable }: { pmRef: string; pm: Postmortem; editable: boolean }) {
  const [at, setAt] = useState<string | null>(pm.meeting_at);
  const save = usePostmortemChange(pmRef, (body: PostmortemPatch) => patchPostmortem(pmRef, body));
  const set = (meetingAt: string | null) =>
    save.mutate(
      { meeting_at: meetingAt },
      {
        onSuccess: (after) =>
          toast(after.meeting_at ? `Meeting set for ${absolute(after.meeting_at)}` : 'Meeting cleared', {
            detail: after.warnings.length ? 'Outside the runbook’s 24–72 h window: see the warning.' : undefined,
          }),
      },
    );
  return (
    <>
      <p className="pm-window">{windowText(pm.meeting_window)}</p>
      {pm.meeting_at ? (
        <p>
          Set for <strong>{absolute(pm.meeting_at)}</strong>
          {pm.resolved_at && (
            <span className="ui-muted"> ({hoursAfterResolve(pm.meeting_at, pm.resolved_at)} h after the resolve)</span>
          )}
        </p>
      ) : (
        <p className="ui-muted">No meeting set yet.</p>
      )}
      {pm.warnings.length > 0 && (
        <div className="pm-warning" role="status" aria-label="Meeting warning">
          {pm.warnings.map((w) => (
            <p key={w}>
              <strong>Outside the window.</strong> {warningText(w)}
            </p>
          ))}
        </div>
      )}
      {editable && (
        <form
          className="pm-meeting-form"
          aria-label="Meeting time"
          onSubmit={(e) => {
            e.preventDefault();
            if (at) set(at);
          }}
        >
          <DateTimeField label="Meeting at" value={at} onChange={setAt} />
          <div className="pm-buttons">
            <Button
              type="submit"
              variant="primary"
              size="sm"
              isDisabled={!at || at === pm.meeting_at || save.isPending}
            >
              Save meeting
            </Button>
            {pm.meeting_at && (
              <Button size="sm" variant="ghost" isDisabled={save.isPending} onPress={() => set(null)}>
                Clear meeting
              </Button>
            )}
          </div>
        </form>
      )}
      <Problem error={save.error} />
    </>
  );
}

function Attendees({ pmRef, pm, editable }: { pmRef: string; pm: Postmortem; editable: boolean }) {
  const users = useUsers();
  const save = usePostmortemChange(pmRef, (attendees: string[]) => patchPostmortem(pmRef, { attendees }));
  const ids = pm.attendees.map((a) => a.id);
  const more = (users.data?.data ?? []).filter((u) => u.active && !ids.includes(u.id));
  return (
    <>
      <h3 id="pm-attendees-title">Attendees</h3>
      {pm.attendees.length === 0 ? (
        <p className="ui-muted">Nobody yet.</p>
      ) : (
        <ul className="pm-attendees" aria-labelledby="pm-attendees-title">
          {pm.attendees.map((a) => (
            <li key={a.id}>
              {a.name} <span className="ui-muted">@{a.handle}</span>
              {editable && (
                <IconButton
                  icon={X}
                  size="sm"
                  label={`Remove ${a.name}`}
                  isDisabled={save.isPending}
                  onPress={() => save.mutate(ids.filter((id) => id !== a.id))}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && more.length > 0 && (
        <Select
          label="Add an attendee"
          className="pm-add-attendee"
          options={more.map((u) => ({ id: u.id, label: `${u.name} (@${u.handle})` }))}
          value={null}
          isDisabled={save.isPending}
          onChange={(id) => save.mutate([...ids, id])}
        />
      )}
      <Problem error={save.error ?? users.error} />
    </>
  );
}
