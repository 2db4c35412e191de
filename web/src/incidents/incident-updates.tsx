// Status updates to stakeholders: when the next one is due (or how late it is) and the severity's
// cadence in words, a composer with the server's preview of exactly what will be sent, and the
// runbook's initial and resolution notifications as they would read now. Once the incident is
// resolved nothing more is due; the box says so and offers a final update.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import type { IncidentDetail, UpdateSchedule } from '../shared/api.ts';
import { age, countdown } from '../shared/format.ts';
import { absolute, Button, clockTime, count, DateTimeField, toast } from '../ui/index.ts';
import { getUpdateSchedule, previewNotification, previewUpdate, sendUpdate, type UpdateDraft } from './incident-api.ts';
import { cadenceText } from './incident-page-severity.ts';

const PREVIEW_DELAY_MS = 350;

/** The due line: what stakeholders were promised and whether that promise is kept. */
export function dueText(
  schedule: UpdateSchedule,
  incident: IncidentDetail,
  now: number,
): { text: string; overdue: boolean } {
  const next = schedule.next_update_at;
  if (!schedule.updates_needed)
    return {
      text: 'Resolved: no more updates are due. Post a final update if customers need one.',
      overdue: false,
    };
  const cadence = cadenceText({ seconds: schedule.cadence_seconds });
  if (!next)
    return {
      text: cadence
        ? 'No update is due yet; the next update sets the time.'
        : `No update is due: ${incident.severity} incidents have no regular cadence, so the next one is due ` +
          'only when an update names a time.',
      overdue: false,
    };
  const c = countdown(next, now);
  if (schedule.missed > 0)
    return {
      text:
        `Update overdue: ${schedule.missed} missed since the last one (reminders went out). ` +
        `Next slot ${c.text} (${clockTime(next)}).`,
      overdue: true,
    };
  if (c.overdue || schedule.overdue)
    return {
      text: `Next update overdue: was due ${clockTime(next)}, ${c.text.replace(' overdue', '')} ago.`,
      overdue: true,
    };
  const usual = cadence ? ` ${incident.severity} incidents update stakeholders ${cadence}.` : '';
  return {
    text: `Next update due ${c.text} (${clockTime(next)}).${usual}`,
    overdue: false,
  };
}

/** The line under "Next update by": what leaving it empty means for this incident. */
export function nextHint(schedule: UpdateSchedule | undefined, incident: IncidentDetail): string {
  if (incident.status === 'resolved' || schedule?.updates_needed === false)
    return 'Resolved: leave it empty, no next update is needed.';
  const cadence = cadenceText(schedule ? { seconds: schedule.cadence_seconds } : incident.severity);
  if (cadence && schedule?.default_next_update_at)
    return `Empty: the usual ${cadence}, so by ${clockTime(schedule.default_next_update_at)}.`;
  return `Empty: no next update is scheduled (${incident.severity} has no regular cadence).`;
}

export function StatusUpdates({
  incident,
  incidentRef,
  queryKey,
  now,
  canAct,
}: {
  incident: IncidentDetail;
  incidentRef: string;
  queryKey: readonly unknown[];
  now: number;
  canAct: boolean;
}) {
  const queryClient = useQueryClient();
  const schedule = useQuery({ queryKey: [...queryKey, 'updates'], queryFn: () => getUpdateSchedule(incidentRef) });
  const [text, setText] = useState('');
  const [nextAt, setNextAt] = useState<string | null>(null);
  const [draft, setDraft] = useState<UpdateDraft | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [runbookOpen, setRunbookOpen] = useState(false);

  // The preview follows the form after a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => {
      setDraft(text.trim() ? { status_text: text.trim(), ...(nextAt && { next_update_at: nextAt }) } : null);
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, nextAt]);

  const preview = useQuery({
    queryKey: [...queryKey, 'update-preview', draft],
    queryFn: () => previewUpdate(incidentRef, draft as UpdateDraft),
    enabled: canAct && draft !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });

  const send = useMutation({
    mutationFn: (d: UpdateDraft) => sendUpdate(incidentRef, d),
    onSuccess: (result) => {
      setText('');
      setNextAt(null);
      setDraft(null);
      const message =
        `Sent to ${count(result.notified, 'stakeholder')}; ` +
        (result.next_update_at ? `next update by ${absolute(result.next_update_at)}.` : 'no further update scheduled.');
      setSent(message);
      toast('Status update sent', { detail: message });
      void queryClient.invalidateQueries({ queryKey });
    },
  });

  const initial = useQuery({
    queryKey: [...queryKey, 'notification', 'initial'],
    queryFn: () => previewNotification(incidentRef, 'initial'),
    enabled: runbookOpen,
  });
  const resolution = useQuery({
    queryKey: [...queryKey, 'notification', 'resolution'],
    queryFn: () => previewNotification(incidentRef, 'resolution'),
    enabled: runbookOpen,
  });

  const due = schedule.data ? dueText(schedule.data, incident, now) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    send.mutate({ status_text: text.trim(), ...(nextAt && { next_update_at: nextAt }) });
  };

  return (
    <section className="panel updates" aria-labelledby="updates-title">
      <h2 id="updates-title">Status updates</h2>
      {schedule.isError && (
        <p className="error" role="alert">
          Could not load the update schedule: {schedule.error.message}
        </p>
      )}
      {due && (
        <p className={`due ${due.overdue ? 'overdue' : ''}`} role="status">
          {due.overdue && <strong>Overdue. </strong>}
          {due.text}
          {schedule.data?.last_update_at && <> Last update {age(schedule.data.last_update_at, now)} ago.</>}
        </p>
      )}
      {canAct && (
        <form onSubmit={submit} className="composer">
          <label htmlFor="update-text">Status update to stakeholders</label>
          <textarea
            id="update-text"
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="What we know, what we are doing, what users see"
          />
          <DateTimeField
            label="Next update by (optional)"
            value={nextAt}
            onChange={setNextAt}
            description={nextHint(schedule.data, incident)}
          />
          <div className="preview" aria-live="polite">
            <h3>Preview</h3>
            {!draft ? (
              <p className="muted">Write the update to see what stakeholders get.</p>
            ) : preview.isError ? (
              <p className="error">{preview.error.message}</p>
            ) : preview.data ? (
              <>
                <p className="subject">{preview.data.subject}</p>
                <pre>{preview.data.text}</pre>
              </>
            ) : (
              <p className="muted">Rendering…</p>
            )}
          </div>
          {send.isError && (
            <p className="error" role="alert">
              {send.error.message}
            </p>
          )}
          <div className="row">
            <Button type="submit" isDisabled={!text.trim() || send.isPending}>
              {incident.status === 'resolved' ? 'Send final update' : 'Send update'}
            </Button>
            {sent && <span role="status">{sent}</span>}
          </div>
        </form>
      )}
      <details onToggle={(e) => setRunbookOpen(e.currentTarget.open)}>
        <summary>Runbook notifications as they would read now</summary>
        {[['Initial incident notification', initial] as const, ['Resolution notification', resolution] as const].map(
          ([title, q]) => (
            <div key={title} className="preview">
              <h3>{title}</h3>
              {q.isError ? (
                <p className="error">{q.error.message}</p>
              ) : q.data ? (
                <>
                  <p className="subject">{q.data.subject}</p>
                  <pre>{q.data.text}</pre>
                </>
              ) : (
                <p className="muted">Loading…</p>
              )}
            </div>
          ),
        )}
      </details>
    </section>
  );
}
