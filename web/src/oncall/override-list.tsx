// The schedule's overrides from now on, in words ("Bob Builder instead of Ada Lovelace"), each
// removable after a confirmation by those who may change the schedule.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Override } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { id, range } from '../shared/resources.ts';
import { Button, ConfirmDialog, toast } from '../ui/index.ts';
import type { People } from './person-chip.tsx';
import { useScheduleChanged } from './shift-queries.ts';

function describe(o: Override, people: People): string {
  if (o.user_id === null) return `${people.label(o.replaces_user_id)} taken off`;
  if (o.replaces_user_id === null) return `${people.label(o.user_id)} added`;
  return `${people.label(o.user_id)} instead of ${people.label(o.replaces_user_id)}`;
}

export function OverrideList({
  scheduleId,
  overrides,
  people,
  canEdit,
}: {
  scheduleId: string;
  overrides: Override[];
  people: People;
  canEdit: boolean;
}) {
  const changed = useScheduleChanged();
  const [removing, setRemoving] = useState<Override | null>(null);
  const remove = useMutation({
    mutationFn: (overrideId: string) =>
      api<void>('DELETE', `/api/v1/schedules/${id(scheduleId)}/overrides/${id(overrideId)}`),
    onSuccess: () => {
      changed();
      setRemoving(null);
      toast('Override removed');
    },
  });
  if (overrides.length === 0) return <p className="ui-muted">No overrides from now on.</p>;
  return (
    <>
      <ul className="oc-overrides" aria-label="Overrides">
        {overrides.map((o) => (
          <li key={o.id}>
            <span>{describe(o, people)}</span>
            <span className="ui-muted">{range(o.start, o.end)}</span>
            {canEdit && (
              <Button size="sm" variant="ghost" onPress={() => setRemoving(o)}>
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      <Problem error={remove.error} />
      <ConfirmDialog
        isOpen={removing !== null}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing.id)}
        title="Remove this override?"
        confirmLabel="Remove override"
        danger
        pending={remove.isPending}
      >
        {removing && (
          <p>
            {describe(removing, people)}, {range(removing.start, removing.end)}. The schedule goes back to its rotation
            for that time.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
