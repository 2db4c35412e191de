// Changing many incidents at once: the selected rows of the list are acknowledged or resolved a few
// at a time (a storm can select thousands), resolving asks first, and the bar over the table says
// how many are selected and what each action would change.
import { useMutation } from '@tanstack/react-query';
import { Check, CircleCheck, X } from 'lucide-react';
import { useState } from 'react';
import { acknowledge, resolve } from '../shared/api.ts';
import { Button, ConfirmDialog, count, toast } from '../ui/index.ts';
import type { ListRow } from './incident-list.ts';

export type Change = 'acknowledge' | 'resolve';
/** The API call of each change. */
export const CHANGE = { acknowledge, resolve };
const DONE: Record<Change, string> = { acknowledge: 'acknowledged', resolve: 'resolved' };

/** At most this many changes in flight during a bulk change. */
const BULK_PARALLEL = 4;

/** The rows a change applies to: acknowledge the triggered, resolve what is not resolved yet. */
export const applicable = (rows: readonly ListRow[], change: Change) =>
  rows.filter((r) => (change === 'acknowledge' ? r.status === 'triggered' : r.status !== 'resolved'));

/** Applies a change to many incidents; `onDone` runs after (clear the selection, refetch). */
export function useBulkChange(onDone: () => Promise<unknown>) {
  const mutation = useMutation({
    mutationFn: async ({ ids, change }: { ids: string[]; change: Change }) => {
      const failed: string[] = [];
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift())
          await CHANGE[change](id).catch((e: Error) => failed.push(e.message));
      };
      await Promise.all(Array.from({ length: Math.min(BULK_PARALLEL, ids.length) }, worker));
      return { change, done: ids.length - failed.length, failed };
    },
    onSuccess: ({ change, done }) => {
      if (done > 0) toast(`${count(done, 'incident')} ${DONE[change]}`, { tone: 'success' });
      return onDone();
    },
  });
  return {
    mutation,
    /** Starts `change` on those of `rows` it applies to (nothing when none). */
    run(change: Change, rows: readonly ListRow[]) {
      const ids = applicable(rows, change).map((r) => r.id);
      if (ids.length > 0) mutation.mutate({ ids, change });
    },
  };
}

/** The bar over the table while rows are selected, and what failed in the last bulk change. */
export function SelectionBar({
  selected,
  size,
  bulk,
  onClear,
}: {
  /** The selected rows that are loaded. */
  selected: readonly ListRow[];
  /** How many are selected. */
  size: number;
  bulk: ReturnType<typeof useBulkChange>;
  onClear(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const { mutation } = bulk;
  const toAcknowledge = applicable(selected, 'acknowledge').length;
  const toResolve = applicable(selected, 'resolve').length;
  const failed = mutation.data?.failed ?? [];
  return (
    <>
      {size > 0 && (
        <div className="il-bulk" role="region" aria-label="Selected incidents">
          <span className="il-bulk-count">{count(size, 'incident')} selected</span>
          <Button
            size="sm"
            icon={Check}
            onPress={() => bulk.run('acknowledge', selected)}
            isDisabled={mutation.isPending || toAcknowledge === 0}
          >
            {mutation.isPending && mutation.variables.change === 'acknowledge'
              ? 'Acknowledging…'
              : `Acknowledge ${toAcknowledge}`}
          </Button>
          <Button
            size="sm"
            icon={CircleCheck}
            onPress={() => setConfirming(true)}
            isDisabled={mutation.isPending || toResolve === 0}
          >
            {`Resolve ${toResolve}`}
          </Button>
          <Button size="sm" variant="ghost" icon={X} onPress={onClear}>
            Clear selection
          </Button>
        </div>
      )}
      <ConfirmDialog
        isOpen={confirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          bulk.run('resolve', selected);
        }}
        title={`Resolve ${count(toResolve, 'incident')}?`}
        confirmLabel="Resolve"
        pending={mutation.isPending}
      >
        Escalation stops for each of them, and each timeline records that you resolved it.
      </ConfirmDialog>
      {failed.length > 0 && (
        <p className="error" role="alert">
          {count(failed.length, 'incident')} could not be changed: {failed[0]}
        </p>
      )}
    </>
  );
}
