// Pure rules of the incident list: filters as URL parameters, saved filters, the counts on the filter
// chips, which rows a filter keeps, live stream rows folded into the loaded pages, and the texts of a
// row's response target and phase.
import type {
  Incident,
  IncidentCounts,
  IncidentFilter,
  IncidentRow,
  IncidentStreamRow,
  Page,
  Severity,
  Status,
} from '../shared/api.ts';
import { countdown } from '../shared/format.ts';
import { ago } from '../ui/index.ts';

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

const sameSet = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The status chips: each stands for a set of statuses, and "All" for no status filter. */
export const STATUS_CHIPS: readonly { label: string; status: readonly Status[] }[] = [
  { label: 'Open', status: OPEN },
  { label: 'Triggered', status: ['triggered'] },
  { label: 'Acknowledged', status: ['acknowledged'] },
  { label: 'Resolved', status: ['resolved'] },
  { label: 'All', status: [] },
];

/** Whether a status chip is the filter's current choice. */
export const chipChosen = (chip: { status: readonly Status[] }, filter: IncidentFilter) =>
  sameSet(chip.status, filter.status ?? []);

/** A severity chip toggles its severity in or out of the filter. */
export function toggleSeverity(filter: IncidentFilter, severity: Severity): IncidentFilter {
  const now = filter.severity ?? [];
  return {
    ...filter,
    severity: now.includes(severity)
      ? now.filter((s) => s !== severity)
      : SEVERITIES.filter((s) => s === severity || now.includes(s)),
  };
}

/**
 * The number on each chip, from the server's counts per status and severity: a status chip counts the
 * incidents of the severities chosen, a severity chip those of the statuses chosen (as facets do), so
 * a chip says how many rows choosing it would show.
 */
export function chipCounts(
  groups: IncidentCounts['groups'],
  filter: IncidentFilter,
): { status: number[]; severity: Record<Severity, number> } {
  const severities = filter.severity ?? [];
  const statuses = filter.status ?? [];
  const status = STATUS_CHIPS.map((chip) =>
    groups
      .filter(
        (g) =>
          (chip.status.length === 0 || chip.status.includes(g.status)) &&
          (severities.length === 0 || severities.includes(g.severity)),
      )
      .reduce((sum, g) => sum + g.count, 0),
  );
  const severity = { P0: 0, P1: 0, P2: 0, P3: 0 };
  for (const g of groups) if (statuses.length === 0 || statuses.includes(g.status)) severity[g.severity] += g.count;
  return { status, severity };
}

/** Named filters offered as links; each is just a URL, so a link to the list reproduces the view. */
export const SAVED_FILTERS: readonly { name: string; filter: IncidentFilter }[] = [
  { name: 'All open', filter: { status: [...OPEN] } },
  { name: 'Open P0/P1', filter: { status: [...OPEN], severity: ['P0', 'P1'] } },
  { name: 'Needs a responder', filter: { status: ['triggered'] } },
  { name: 'Resolved', filter: { status: ['resolved'] } },
];

/** A row of the list: the list's fields and its commander (the stream names people by handle only). */
export type ListRow = IncidentRow & { commander: { handle: string; name: string } | null };

/** A row from GET /api/v1/incidents. */
export function rowOfIncident(incident: Incident): ListRow {
  const commander = incident.roles.incident_commander;
  return { ...rowFields(incident), commander: commander ? { handle: commander.handle, name: commander.name } : null };
}

/** A row from the stream; the commander's name is their handle until the list is loaded again. */
export function rowOfStream(streamed: IncidentStreamRow): ListRow {
  const handle = streamed.roles.incident_commander;
  return { ...rowFields(streamed), commander: handle ? { handle, name: handle } : null };
}

function rowFields(r: IncidentRow): IncidentRow {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    severity: r.severity,
    status: r.status,
    phase: r.phase,
    service_id: r.service_id,
    escalation_level: r.escalation_level,
    created_at: r.created_at,
    updated_at: r.updated_at,
    ack_due_at: r.ack_due_at,
    acknowledged_at: r.acknowledged_at,
    resolved_at: r.resolved_at,
    phase_due_at: r.phase_due_at,
  };
}

export function matches(row: Pick<IncidentRow, 'status' | 'severity' | 'service_id'>, filter: IncidentFilter): boolean {
  if (filter.status?.length && !filter.status.includes(row.status)) return false;
  if (filter.severity?.length && !filter.severity.includes(row.severity)) return false;
  if (filter.service_id && row.service_id !== filter.service_id) return false;
  return true;
}

export interface LiveChange {
  kind: 'created' | 'updated';
  row: ListRow;
}

/** The stream's commander, under the name the list already knows when it is the same person. */
const sameCommander = (known: ListRow['commander'], streamed: ListRow['commander']) =>
  known && streamed && known.handle === streamed.handle ? known : streamed;

/**
 * Folds stream rows into loaded pages (newest first) without refetching: a changed row is replaced
 * where it is, or dropped when it no longer matches the filter; a new matching row goes on top.
 * A changed row that was not loaded but now matches (say, reopened) goes on top too — if it is no
 * older than the oldest loaded row. An older one belongs to a page not loaded yet, which will
 * bring it; adding it now would show it twice. Returns the same object when nothing changed.
 */
export function applyLive(
  pages: Page<ListRow>[],
  changes: readonly LiveChange[],
  filter: IncidentFilter,
): Page<ListRow>[] {
  if (changes.length === 0 || pages.length === 0) return pages;
  const latest = new Map<string, LiveChange>();
  for (const change of changes) latest.set(change.row.id, change);
  let changed = false;
  const seen = new Set<string>();
  const next = pages.map((page) => {
    let pageChanged = false;
    const data: ListRow[] = [];
    for (const row of page.data) {
      const change = latest.get(row.id);
      if (!change) {
        data.push(row);
        continue;
      }
      seen.add(row.id);
      pageChanged = true;
      if (matches(change.row, filter))
        data.push({ ...row, ...change.row, commander: sameCommander(row.commander, change.row.commander) });
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

/** When the incident last changed, as "3 min ago" (a change stamped by a server clock a little ahead reads "now"). */
export function activityText(row: Pick<IncidentRow, 'updated_at'>, now: number): string {
  return ago(Date.parse(row.updated_at) > now ? new Date(now).toISOString() : row.updated_at, now);
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
