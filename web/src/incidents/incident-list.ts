// Pure rules of the incident list: filters as URL parameters, which rows a filter keeps, live stream
// rows folded into the loaded pages, and the texts of a row's response target and phase.
import type { IncidentFilter, IncidentRow, Page, Severity, Status } from '../shared/api.ts';
import { countdown } from '../shared/format.ts';

export const STATUSES: readonly Status[] = ['triggered', 'acknowledged', 'resolved'];
export const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];
/** What the list shows when no filter is given: the incidents someone still has to work on. */
export const OPEN: readonly Status[] = ['triggered', 'acknowledged'];

function listOf<T extends string>(value: string | null, allowed: readonly T[]): T[] {
  if (!value) return [];
  const wanted = new Set(value.split(','));
  return allowed.filter((v) => wanted.has(v));
}

/** The filter in a URL's query: `status=…` ("all" for every status), `severity=…`, `service=…`. */
export function filterFromParams(params: URLSearchParams): IncidentFilter {
  const status = params.get('status');
  return {
    status: status === 'all' ? [] : status ? listOf(status, STATUSES) : [...OPEN],
    severity: listOf(params.get('severity'), SEVERITIES),
    service_id: params.get('service') || undefined,
  };
}

/** The inverse of filterFromParams; the default (open incidents) leaves `status` out. */
export function paramsFromFilter(filter: IncidentFilter): URLSearchParams {
  const params = new URLSearchParams();
  const status = filter.status ?? [];
  if (status.length === 0) params.set('status', 'all');
  else if (!(status.length === OPEN.length && OPEN.every((s) => status.includes(s))))
    params.set('status', status.join(','));
  if (filter.severity?.length) params.set('severity', filter.severity.join(','));
  if (filter.service_id) params.set('service', filter.service_id);
  return params;
}

export function matches(row: Pick<IncidentRow, 'status' | 'severity' | 'service_id'>, filter: IncidentFilter): boolean {
  if (filter.status?.length && !filter.status.includes(row.status)) return false;
  if (filter.severity?.length && !filter.severity.includes(row.severity)) return false;
  if (filter.service_id && row.service_id !== filter.service_id) return false;
  return true;
}

export interface LiveChange {
  kind: 'created' | 'updated';
  row: IncidentRow;
}

/**
 * Folds stream rows into loaded pages (newest first) without refetching: a changed row is replaced
 * where it is, or dropped when it no longer matches the filter; a new matching row goes on top.
 * A changed row that was not loaded but now matches (say, reopened) goes on top too — if it is no
 * older than the oldest loaded row. An older one belongs to a page not loaded yet, which will
 * bring it; adding it now would show it twice. Returns the same object when nothing changed.
 */
export function applyLive(
  pages: Page<IncidentRow>[],
  changes: readonly LiveChange[],
  filter: IncidentFilter,
): Page<IncidentRow>[] {
  if (changes.length === 0 || pages.length === 0) return pages;
  const latest = new Map<string, LiveChange>();
  for (const change of changes) latest.set(change.row.id, change);
  let changed = false;
  const seen = new Set<string>();
  const next = pages.map((page) => {
    let pageChanged = false;
    const data: IncidentRow[] = [];
    for (const row of page.data) {
      const change = latest.get(row.id);
      if (!change) {
        data.push(row);
        continue;
      }
      seen.add(row.id);
      pageChanged = true;
      if (matches(change.row, filter)) data.push({ ...row, ...change.row });
    }
    if (!pageChanged) return page;
    changed = true;
    return { ...page, data };
  });
  const oldestLoaded = pages.at(-1)?.data.at(-1)?.created_at ?? '';
  const fresh = [...latest.values()]
    .filter(
      (c) =>
        !seen.has(c.row.id) && matches(c.row, filter) && (c.kind === 'created' || c.row.created_at >= oldestLoaded),
    )
    .map((c) => c.row)
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
  const first = next[0];
  if (fresh.length > 0 && first) {
    changed = true;
    next[0] = { ...first, data: [...fresh, ...first.data] };
  }
  return changed ? next : pages;
}

/** The response target as a row shows it: a countdown while unacknowledged, else whether it was met. */
export function responseText(row: IncidentRow, now: number): { text: string; late: boolean } {
  if (row.status === 'triggered') {
    const c = countdown(row.ack_due_at, now);
    return { text: c.overdue ? `response ${c.text}` : `respond ${c.text}`, late: c.overdue };
  }
  const respondedAt = row.acknowledged_at ?? row.resolved_at;
  const late = respondedAt !== null && Date.parse(respondedAt) > Date.parse(row.ack_due_at);
  return { text: late ? 'response target missed' : 'responded in time', late };
}

/** The phase and, while unresolved, how long until (or since) it was due to end. */
export function phaseText(row: IncidentRow, now: number): { text: string; overdue: boolean } {
  if (row.status === 'resolved' || !row.phase_due_at) return { text: row.phase, overdue: false };
  const c = countdown(row.phase_due_at, now);
  return { text: c.overdue ? `${row.phase}, ${c.text}` : `${row.phase}, ends ${c.text}`, overdue: c.overdue };
}
