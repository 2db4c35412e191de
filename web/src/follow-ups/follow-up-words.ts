// Follow-ups in words, pure: the labels of their kinds, priorities and states, how their due time reads
// against now, the order the page lists them in, and the query string of the page's filters.
import type { FollowUp } from '../shared/api.ts';
import { ago } from '../ui/words.ts';

export { KIND_LABEL, PRIORITY_LABEL, PRIORITY_TONE, STATUS_LABEL } from '../shared/follow-up-labels.ts';

/** "due in 3 days", "overdue by 2 hr.", "done 5 min. ago", "not doing": the due column's words at `now`. */
export function dueText(f: Pick<FollowUp, 'status' | 'due_at' | 'completed_at' | 'overdue'>, now: number): string {
  if (f.status === 'completed') return f.completed_at ? `done ${ago(f.completed_at, now)}` : 'done';
  if (f.status === 'not_doing') return 'not doing';
  if (f.status === 'deleted') return 'deleted';
  const relative = ago(f.due_at, now);
  return f.overdue || Date.parse(f.due_at) <= now ? `overdue, was due ${relative}` : `due ${relative}`;
}

const RANK: Record<FollowUp['priority'], number> = { urgent: 0, high: 1, medium: 2, low: 3 };

/**
 * The page's order: outstanding first (overdue, then by due time, then by priority), then the closed ones,
 * newest first as the API gives them.
 */
export function byUrgency(list: readonly FollowUp[]): FollowUp[] {
  const open = list.filter((f) => f.status === 'outstanding');
  const closed = list.filter((f) => f.status !== 'outstanding');
  open.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      Date.parse(a.due_at) - Date.parse(b.due_at) ||
      RANK[a.priority] - RANK[b.priority],
  );
  return [...open, ...closed];
}

export interface Filters {
  mine: boolean;
  overdue: boolean;
  status: FollowUp['status'] | 'any';
  kind: FollowUp['kind'] | 'any';
  incident: string;
}

export const DEFAULT_FILTERS: Filters = {
  mine: false,
  overdue: false,
  status: 'outstanding',
  kind: 'any',
  incident: '',
};

/** GET /api/v1/follow-ups's query for `f` (the API's filters; "any" status leaves out only deleted ones). */
export function filterQuery(f: Filters, limit = 200): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (f.mine) q.set('owner_id', 'me');
  if (f.overdue) q.set('overdue', 'true');
  if (f.status !== 'any') q.set('status', f.status);
  if (f.kind !== 'any') q.set('kind', f.kind);
  if (f.incident.trim()) q.set('incident_id', f.incident.trim());
  return `?${q.toString()}`;
}
