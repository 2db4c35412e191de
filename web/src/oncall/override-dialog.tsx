// Adding an override in a dialog: who goes on call, whom they replace, from when to when. It opens
// from a shift's menu (replacing that person over that shift), from a drag across the timeline (that
// range, rounded to quarter hours) or from the "Add an override" button; all of it works from the
// keyboard. Times are in the browser's zone, as on the timeline, and the field says which zone.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Override } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { id } from '../shared/resources.ts';
import { Button, ComboBox, DateTimeField, Dialog, Select, toast, type Option } from '../ui/index.ts';
import { personName, type People } from './person-chip.tsx';
import { useScheduleChanged } from './shift-queries.ts';

export interface OverrideDraft {
  start: string;
  end: string;
  /** The person taken off over that time, if any. */
  replaces: string | null;
}

/** The choice of no person (an id no user has: theirs start with a prefix). */
const NOBODY = '-';

export function OverrideDialog({
  scheduleId,
  scheduleName,
  draft,
  people,
  me,
  onClose,
}: {
  scheduleId: string;
  scheduleName: string;
  draft: OverrideDraft | null;
  people: People;
  me: string;
  onClose: () => void;
}) {
  return (
    <Dialog isOpen={draft !== null} onClose={onClose} title={`Override on ${scheduleName}`}>
      {draft && (
        <OverrideForm
          key={`${draft.start}-${draft.end}-${draft.replaces ?? ''}`}
          scheduleId={scheduleId}
          draft={draft}
          people={people}
          me={me}
          onDone={onClose}
        />
      )}
    </Dialog>
  );
}

function OverrideForm({
  scheduleId,
  draft,
  people,
  me,
  onDone,
}: {
  scheduleId: string;
  draft: OverrideDraft;
  people: People;
  me: string;
  onDone: () => void;
}) {
  const changed = useScheduleChanged();
  const [userId, setUserId] = useState(draft.replaces === me ? NOBODY : me);
  const [replaces, setReplaces] = useState(draft.replaces ?? NOBODY);
  const [start, setStart] = useState<string | null>(draft.start);
  const [end, setEnd] = useState<string | null>(draft.end);
  const person = (u: { id: string; name: string; handle: string }): Option => ({
    id: u.id,
    label: `${u.name} (@${u.handle})`,
  });
  const add = useMutation({
    mutationFn: () =>
      api<Override>('POST', `/api/v1/schedules/${id(scheduleId)}/overrides`, {
        user_id: userId === NOBODY ? null : userId,
        replaces_user_id: replaces === NOBODY ? null : replaces,
        start,
        end,
      }),
    onSuccess: (made) => {
      changed();
      toast('Override added', {
        detail: made.user_id
          ? `${personName(people, made.user_id)} is on call for that time.`
          : `${personName(people, made.replaces_user_id ?? '')} is taken off for that time.`,
      });
      onDone();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }
  return (
    <form className="oc-override-form" onSubmit={submit} aria-label="Add an override">
      <ComboBox
        label="Put on call"
        options={[{ id: NOBODY, label: 'Nobody (only take someone off)' }, ...people.active.map(person)]}
        value={userId}
        onChange={setUserId}
      />
      <Select
        label="Instead of"
        options={[{ id: NOBODY, label: 'Nobody (add alongside)' }, ...people.list.map(person)]}
        value={replaces}
        onChange={setReplaces}
      />
      <DateTimeField label="Start" name="start" value={start} onChange={setStart} isRequired />
      <DateTimeField label="End" name="end" value={end} onChange={setEnd} isRequired />
      <Problem error={add.error} />
      <div className="oc-dialog-buttons">
        <Button onPress={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isDisabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add override'}
        </Button>
      </div>
    </form>
  );
}
