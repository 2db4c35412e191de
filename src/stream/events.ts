// Live-update events: what a committed incident change becomes on the stream, how events are packed
// into channel messages, the stream filters, and the server-sent-events framing. Pure functions.
import { ROLES, type Incident, type Severity } from '../incident.js';
import type { CommittedEntry } from '../incidents/index.js';

/** A list row's fields: enough to insert or update a row without fetching the incident. */
export interface IncidentRowJson {
  id: string;
  number: string;
  title: string;
  severity: Severity;
  status: string;
  phase: string;
  service_id: string | null;
  escalation_level: number;
  /** Role → handle of whoever holds it, or null. */
  roles: Record<string, string | null>;
  created_at: string;
  updated_at: string;
  ack_due_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  phase_due_at: string | null;
}

export interface TimelineEntryJson {
  incident_id: string;
  kind: string;
  at: string;
  /** The incident's service and severity, so that filters apply to entries too. */
  service_id: string | null;
  severity: Severity;
}

export type StreamEvent =
  | { event: 'incident.created' | 'incident.updated'; data: IncidentRowJson }
  | { event: 'timeline.entry'; data: TimelineEntryJson };

export interface StreamFilter {
  serviceId?: string | undefined;
  severity?: readonly Severity[] | undefined;
}

/** Titles are cut so that any one event fits a channel message with room to spare. */
const TITLE_MAX = 300;

export function incidentRow(i: Incident): IncidentRowJson {
  return {
    id: i.id,
    number: i.number,
    title: i.title.length > TITLE_MAX ? `${i.title.slice(0, TITLE_MAX - 1)}…` : i.title,
    severity: i.severity,
    status: i.status,
    phase: i.phase,
    service_id: i.serviceId,
    escalation_level: i.escalationLevel,
    roles: Object.fromEntries(ROLES.map((role) => [role, i.roles[role]?.handle ?? null])),
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    ack_due_at: i.ackDueAt.toISOString(),
    acknowledged_at: i.acknowledgedAt?.toISOString() ?? null,
    resolved_at: i.resolvedAt?.toISOString() ?? null,
    phase_due_at: i.phaseDueAt?.toISOString() ?? null,
  };
}

/**
 * The events of one committed transaction: per incident, `incident.created` (its "created" entry is
 * among them) or else `incident.updated`, with the row as stored now, then one `timeline.entry` per
 * entry in the order written. Incidents that no longer exist are left out.
 */
export function eventsOf(entries: readonly CommittedEntry[], incidents: readonly Incident[]): StreamEvent[] {
  const byId = new Map(incidents.map((i) => [i.id, i]));
  const order = [...new Set(entries.map((e) => e.incidentId))];
  const out: StreamEvent[] = [];
  for (const id of order) {
    const incident = byId.get(id);
    if (!incident) continue;
    const mine = entries.filter((e) => e.incidentId === id);
    out.push({
      event: mine.some((e) => e.kind === 'created') ? 'incident.created' : 'incident.updated',
      data: incidentRow(incident),
    });
    for (const e of mine)
      out.push({
        event: 'timeline.entry',
        data: {
          incident_id: id,
          kind: e.kind,
          at: e.at.toISOString(),
          service_id: incident.serviceId,
          severity: incident.severity,
        },
      });
  }
  return out;
}

/** JSON arrays of events, each at most `maxBytes` long (several events per channel message). */
export function pack(events: readonly StreamEvent[], maxBytes: number): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let size = 2;
  for (const e of events) {
    const json = JSON.stringify(e);
    const bytes = Buffer.byteLength(json) + 1;
    if (bytes + 2 > maxBytes) continue; // cannot happen with the title cut; never send what the channel refuses
    if (part.length > 0 && size + bytes > maxBytes) {
      out.push(`[${part.join(',')}]`);
      part = [];
      size = 2;
    }
    part.push(json);
    size += bytes;
  }
  if (part.length > 0) out.push(`[${part.join(',')}]`);
  return out;
}

/** Events from a channel message; anything malformed is dropped. */
export function unpack(payload: string): StreamEvent[] {
  try {
    const parsed = JSON.parse(payload) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is StreamEvent =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as { event?: unknown }).event === 'string' &&
        typeof (e as { data?: unknown }).data === 'object',
    );
  } catch {
    return [];
  }
}

export function matches(filter: StreamFilter, e: StreamEvent): boolean {
  if (filter.serviceId !== undefined && e.data.service_id !== filter.serviceId) return false;
  if (filter.severity?.length && !filter.severity.includes(e.data.severity)) return false;
  return true;
}

/** One server-sent event. JSON has no raw newlines, so `data:` is one line. */
export function frame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
