// Alerts (one open alert per service and dedup key) and the events that touched them.
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';
import { insertRows } from '../db/insert-rows.js';
import type { AlertsTable } from '../db/schema.js';

export type AlertStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface Alert {
  id: string;
  serviceId: string;
  dedupKey: string;
  status: AlertStatus;
  incidentId: string | null;
  format: string;
  summary: string;
  source: string;
  severity: string;
  /** P0–P3 from classification, or null when the alert opened no incident. */
  classifiedAs: string | null;
  rule: string;
  details: Record<string, unknown>;
  groupKey: string | null;
  eventCount: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

function toAlert(r: AlertsTable): Alert {
  return {
    id: r.id,
    serviceId: r.service_id,
    dedupKey: r.dedup_key,
    status: r.status as AlertStatus,
    incidentId: r.incident_id,
    format: r.format,
    summary: r.summary,
    source: r.source,
    severity: r.severity,
    classifiedAs: r.classified_as,
    rule: r.rule,
    details: JSON.parse(r.details) as Record<string, unknown>,
    groupKey: r.group_key,
    eventCount: Number(r.event_count),
    firstSeenAt: new Date(r.first_seen_at),
    lastSeenAt: new Date(r.last_seen_at),
    acknowledgedAt: date(r.acknowledged_at),
    resolvedAt: date(r.resolved_at),
  };
}

function toRow(a: Alert): AlertsTable {
  return {
    id: a.id,
    service_id: a.serviceId,
    dedup_key: a.dedupKey,
    open_key: a.status === 'resolved' ? null : a.dedupKey,
    status: a.status,
    incident_id: a.incidentId,
    format: a.format,
    summary: a.summary,
    source: a.source,
    severity: a.severity,
    classified_as: a.classifiedAs,
    rule: a.rule,
    details: JSON.stringify(a.details),
    group_key: a.groupKey,
    event_count: a.eventCount,
    first_seen_at: a.firstSeenAt.toISOString(),
    last_seen_at: a.lastSeenAt.toISOString(),
    acknowledged_at: a.acknowledgedAt?.toISOString() ?? null,
    resolved_at: a.resolvedAt?.toISOString() ?? null,
  };
}

/** The open alerts of a service among these dedup keys (a whole batch's in a few statements). */
export async function findOpenAlerts(db: Db, serviceId: string, dedupKeys: string[]): Promise<Alert[]> {
  const out: Alert[] = [];
  for (const keys of chunks(dedupKeys, 256)) {
    const rows = await db
      .selectFrom('alerts')
      .selectAll()
      .where('service_id', '=', serviceId)
      .where('open_key', 'in', keys)
      .execute();
    for (const r of rows) out.push(toAlert(r));
  }
  return out;
}

/** Every column of a stored alert, in the order multi-row statements list them. */
const ALERT_COLUMNS = [
  'id',
  'service_id',
  'dedup_key',
  'open_key',
  'status',
  'incident_id',
  'format',
  'summary',
  'source',
  'severity',
  'classified_as',
  'rule',
  'details',
  'group_key',
  'event_count',
  'first_seen_at',
  'last_seen_at',
  'acknowledged_at',
  'resolved_at',
] as const satisfies ReadonlyArray<keyof AlertsTable>;

export async function insertAlerts(db: Db, alerts: Alert[]): Promise<void> {
  await insertRows(db, 'alerts', ALERT_COLUMNS, alerts.map(toRow));
}

/** What a later event may change; identity (id, service, dedup key, first seen) is never rewritten. */
const ALERT_CHANGES = ALERT_COLUMNS.filter(
  (c) => c !== 'id' && c !== 'service_id' && c !== 'dedup_key' && c !== 'first_seen_at',
);

/**
 * Writes changed alerts back, many rows a statement: an insert of the whole rows that, as every id
 * exists, turns into an update of the fields that may change (ON CONFLICT … DO UPDATE on both dialects).
 */
export async function updateAlerts(db: Db, alerts: Alert[]): Promise<void> {
  await insertRows(db, 'alerts', ALERT_COLUMNS, alerts.map(toRow), {
    onConflictUpdate: { key: 'id', set: ALERT_CHANGES },
  });
}

export interface NewAlertEvent {
  id: string;
  alertId: string;
  at: Date;
  action: string;
  data: unknown;
}

export async function insertAlertEvents(db: Db, events: NewAlertEvent[]): Promise<void> {
  const rows = events.map((e) => ({
    id: e.id,
    alert_id: e.alertId,
    at: e.at.toISOString(),
    action: e.action,
    data: JSON.stringify(e.data),
  }));
  await insertRows(db, 'alert_events', ['id', 'alert_id', 'at', 'action', 'data'], rows, { max: 256 });
}

/** An incident's alerts that are not resolved (triggered or acknowledged), oldest first. */
export async function findOpenAlertsOfIncident(db: Db, incidentId: string): Promise<Alert[]> {
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('status', '!=', 'resolved')
    .orderBy('id')
    .execute();
  return rows.map(toAlert);
}

/** How many of an incident's alerts are still triggered, and how many are not resolved. */
export async function openAlertCounts(db: Db, incidentId: string): Promise<{ triggered: number; unresolved: number }> {
  const rows = await db
    .selectFrom('alerts')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('incident_id', '=', incidentId)
    .where('status', '!=', 'resolved')
    .groupBy('status')
    .execute();
  const triggered = Number(rows.find((r) => r.status === 'triggered')?.n ?? 0);
  const acknowledged = Number(rows.find((r) => r.status === 'acknowledged')?.n ?? 0);
  return { triggered, unresolved: triggered + acknowledged };
}

export interface AlertQuery {
  limit: number;
  before?: string | undefined;
  serviceId?: string | undefined;
  status?: AlertStatus[] | undefined;
  incidentId?: string | undefined;
}

/** Newest first (ids sort by time); `before` is the id of the last alert of the previous page. */
export async function listAlerts(db: Db, q: AlertQuery): Promise<Alert[]> {
  let query = db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.before) query = query.where('id', '<', q.before);
  if (q.serviceId) query = query.where('service_id', '=', q.serviceId);
  if (q.status?.length) query = query.where('status', 'in', q.status);
  if (q.incidentId) query = query.where('incident_id', '=', q.incidentId);
  return (await query.execute()).map(toAlert);
}

export async function findAlert(db: Db, id: string): Promise<Alert | undefined> {
  const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAlert(row);
}

/** Alerts with this dedup key on any service, open ones first, then newest first. */
export async function findAlertsByDedupKey(db: Db, dedupKey: string, limit = 20): Promise<Alert[]> {
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where('dedup_key', '=', dedupKey)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toAlert).sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved'));
}

export interface StoredAlertEvent {
  id: string;
  at: Date;
  action: string;
  data: unknown;
}

/** The newest `limit` events of an alert and how many it has in all. */
export async function recentAlertEvents(
  db: Db,
  alertId: string,
  limit: number,
): Promise<{ events: StoredAlertEvent[]; total: number }> {
  const rows = await db
    .selectFrom('alert_events')
    .selectAll()
    .where('alert_id', '=', alertId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const count = await db
    .selectFrom('alert_events')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('alert_id', '=', alertId)
    .executeTakeFirstOrThrow();
  return {
    events: rows.map((r) => ({ id: r.id, at: new Date(r.at), action: r.action, data: JSON.parse(r.data) as unknown })),
    total: Number(count.n),
  };
}
