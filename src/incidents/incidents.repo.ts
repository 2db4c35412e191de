// Incidents, their daily numbering, role assignments and timeline.
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';
import { insertRows } from '../db/insert-rows.js';
import type { IncidentEventsTable, IncidentsTable } from '../db/schema.js';
import type { Incident, Phase, Role, Severity, Status, UserRef } from '../incident.js';

const date = (s: string | null): Date | null => (s ? new Date(s) : null);
const text = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Incidents with their escalation's standing (level reached, next due time) from the escalation engine's row. */
const selectIncidents = (db: Db) =>
  db
    .selectFrom('incidents')
    .leftJoin('escalations', 'escalations.incident_id', 'incidents.id')
    .selectAll('incidents')
    .select(['escalations.level as escalation_level', 'escalations.next_escalation_at as escalation_next_at']);

type IncidentRow = IncidentsTable & { escalation_level: number | null; escalation_next_at: string | null };

function toIncident(r: IncidentRow, roles: Partial<Record<Role, UserRef>>): Incident {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    description: r.description,
    impact: r.impact,
    severity: r.severity as Severity,
    status: r.status as Status,
    phase: r.phase as Phase,
    serviceId: r.service_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    createdBy: r.created_by,
    ackDueAt: new Date(r.ack_due_at),
    acknowledgedAt: date(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: date(r.resolved_at),
    resolvedBy: r.resolved_by,
    breachRecordedAt: date(r.breach_recorded_at),
    phaseStartedAt: new Date(r.phase_started_at),
    phaseDueAt: date(r.phase_due_at),
    groupKey: r.group_key,
    classifiedBy: r.classified_by,
    roles,
    escalationLevel: Number(r.escalation_level ?? 0),
    nextEscalationAt: date(r.escalation_next_at),
  };
}

function toRow(i: Incident): IncidentsTable {
  // escalationLevel and nextEscalationAt belong to the escalation engine's row, not this one.
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    description: i.description,
    impact: i.impact,
    severity: i.severity,
    status: i.status,
    phase: i.phase,
    service_id: i.serviceId,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    created_by: i.createdBy,
    ack_due_at: i.ackDueAt.toISOString(),
    acknowledged_at: text(i.acknowledgedAt),
    acknowledged_by: i.acknowledgedBy,
    resolved_at: text(i.resolvedAt),
    resolved_by: i.resolvedBy,
    breach_recorded_at: text(i.breachRecordedAt),
    phase_started_at: i.phaseStartedAt.toISOString(),
    phase_due_at: text(i.phaseDueAt),
    group_key: i.groupKey,
    classified_by: i.classifiedBy,
  };
}

/**
 * Takes the next `count` numbers of the day (returns the first). The upsert locks the day's counter row
 * until the transaction ends (PostgreSQL) or runs under SQLite's single writer, so concurrent
 * creations never share a number.
 */
export async function nextSequences(db: Db, day: string, count: number): Promise<number> {
  const row = await db
    .insertInto('incident_counters')
    .values({ day, last: count })
    .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ last: eb('incident_counters.last', '+', count) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last) - count + 1;
}

const INCIDENT_COLUMNS = [
  'id',
  'number',
  'title',
  'description',
  'impact',
  'severity',
  'status',
  'phase',
  'service_id',
  'created_at',
  'updated_at',
  'created_by',
  'ack_due_at',
  'acknowledged_at',
  'acknowledged_by',
  'resolved_at',
  'resolved_by',
  'breach_recorded_at',
  'phase_started_at',
  'phase_due_at',
  'group_key',
  'classified_by',
] as const satisfies ReadonlyArray<keyof IncidentsTable>;

export async function insertIncidents(db: Db, incidents: Incident[]): Promise<void> {
  await insertRows(db, 'incidents', INCIDENT_COLUMNS, incidents.map(toRow), { max: 64 });
}

async function rolesFor(db: Db, ids: string[]): Promise<Map<string, Partial<Record<Role, UserRef>>>> {
  const map = new Map<string, Partial<Record<Role, UserRef>>>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('incident_roles')
    .innerJoin('users', 'users.id', 'incident_roles.user_id')
    .select(['incident_roles.incident_id', 'incident_roles.role', 'users.id', 'users.handle', 'users.name'])
    .where('incident_roles.incident_id', 'in', ids)
    .execute();
  for (const r of rows) {
    const roles = map.get(r.incident_id) ?? {};
    roles[r.role as Role] = { id: r.id, handle: r.handle, name: r.name };
    map.set(r.incident_id, roles);
  }
  return map;
}

/** By id or by number (INC-YYYYMMDD-XXXX). */
export async function findIncident(db: Db, ref: string): Promise<Incident | undefined> {
  const row = await selectIncidents(db)
    .where((eb) => eb.or([eb('incidents.id', '=', ref), eb('number', '=', ref)]))
    .executeTakeFirst();
  if (!row) return undefined;
  const roles = await rolesFor(db, [row.id]);
  return toIncident(row, roles.get(row.id) ?? {});
}

/** Incidents by id, in no particular order (ids not found are left out). */
export async function findIncidents(db: Db, ids: readonly string[]): Promise<Incident[]> {
  const out: Incident[] = [];
  for (const part of chunks([...new Set(ids)], 128)) {
    const rows = await selectIncidents(db).where('incidents.id', 'in', part).execute();
    const roles = await rolesFor(db, part);
    for (const row of rows) out.push(toIncident(row, roles.get(row.id) ?? {}));
  }
  return out;
}

export interface IncidentQuery {
  limit: number;
  status?: Status[] | undefined;
  severity?: Severity[] | undefined;
  serviceId?: string | undefined;
  /** The (created_at, id) of the last incident on the previous page. */
  before?: { createdAt: string; id: string } | undefined;
}

/** Newest first. */
export async function listIncidents(db: Db, q: IncidentQuery): Promise<Incident[]> {
  let query = selectIncidents(db)
    .orderBy('incidents.created_at', 'desc')
    .orderBy('incidents.id', 'desc')
    .limit(q.limit);
  if (q.status?.length) query = query.where('status', 'in', q.status);
  if (q.severity?.length) query = query.where('severity', 'in', q.severity);
  if (q.serviceId) query = query.where('service_id', '=', q.serviceId);
  const before = q.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('incidents.created_at', '<', before.createdAt),
        eb.and([eb('incidents.created_at', '=', before.createdAt), eb('incidents.id', '<', before.id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const roles = await rolesFor(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toIncident(r, roles.get(r.id) ?? {}));
}

/**
 * Writes the incident's fields. With `expectStatus`, the write happens only if the stored status
 * still matches, so two racing transitions cannot both win; returns whether a row changed.
 */
export async function saveIncident(db: Db, incident: Incident, expectStatus?: Status): Promise<boolean> {
  const { id: _id, number: _n, created_at: _c, ...fields } = toRow(incident);
  let query = db.updateTable('incidents').set(fields).where('id', '=', incident.id);
  if (expectStatus) query = query.where('status', '=', expectStatus);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setRole(db: Db, incidentId: string, role: Role, userId: string, at: Date): Promise<void> {
  await db
    .insertInto('incident_roles')
    .values({ incident_id: incidentId, role, user_id: userId, assigned_at: at.toISOString() })
    .onConflict((oc) =>
      oc.columns(['incident_id', 'role']).doUpdateSet({ user_id: userId, assigned_at: at.toISOString() }),
    )
    .execute();
}

export async function clearRole(db: Db, incidentId: string, role: Role): Promise<void> {
  await db.deleteFrom('incident_roles').where('incident_id', '=', incidentId).where('role', '=', role).execute();
}

export interface TimelineEvent {
  id: string;
  incidentId: string;
  at: Date;
  actor: { type: string; id: string | null; name: string };
  kind: string;
  data: Record<string, unknown>;
}

function toEvent(r: IncidentEventsTable): TimelineEvent {
  return {
    id: r.id,
    incidentId: r.incident_id,
    at: new Date(r.at),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    kind: r.kind,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}

/** Writes timeline entries in multi-row statements, in the order given. */
export async function insertEvents(db: Db, events: TimelineEvent[]): Promise<void> {
  const rows = events.map((e) => ({
    id: e.id,
    incident_id: e.incidentId,
    at: e.at.toISOString(),
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    actor_name: e.actor.name,
    kind: e.kind,
    data: JSON.stringify(e.data),
  }));
  await insertRows(
    db,
    'incident_events',
    ['id', 'incident_id', 'at', 'actor_type', 'actor_id', 'actor_name', 'kind', 'data'],
    rows,
    { max: 64 },
  );
}

/** Newest first, as every list is; `before` is the id of the last event of the previous page. */
export async function listEvents(
  db: Db,
  incidentId: string,
  q: { limit: number; before?: string | undefined },
): Promise<TimelineEvent[]> {
  let query = db
    .selectFrom('incident_events')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('id', 'desc')
    .limit(q.limit);
  if (q.before) query = query.where('id', '<', q.before);
  return (await query.execute()).map(toEvent);
}

/** Triggered incidents past their response target whose breach is not yet on the timeline. */
export async function findUnrecordedBreaches(db: Db, now: Date, limit: number): Promise<Incident[]> {
  const rows = await selectIncidents(db)
    .where('status', '=', 'triggered')
    .where('breach_recorded_at', 'is', null)
    .where('ack_due_at', '<', now.toISOString())
    .orderBy('ack_due_at')
    .limit(limit)
    .execute();
  return rows.map((r) => toIncident(r, {}));
}

/** Claims the breach for recording; only one caller (of many instances) gets true. */
export async function claimBreach(db: Db, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('incidents')
    .set({ breach_recorded_at: at.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'triggered')
    .where('breach_recorded_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Incident counts by status and severity, for /metrics and the console's filters; of one service if given. */
export async function countByStatusAndSeverity(
  db: Db,
  serviceId?: string,
): Promise<Array<{ status: string; severity: string; count: number }>> {
  let query = db
    .selectFrom('incidents')
    .select(['status', 'severity', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['status', 'severity']);
  if (serviceId) query = query.where('service_id', '=', serviceId);
  const rows = await query.execute();
  return rows.map((r) => ({ status: r.status, severity: r.severity, count: Number(r.n) }));
}

/** The open incident of a service that alerts with `groupKey` join, if any. */
export async function findOpenByGroupKey(db: Db, serviceId: string, groupKey: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('incidents')
    .select('id')
    .where('service_id', '=', serviceId)
    .where('group_key', '=', groupKey)
    .where('status', '!=', 'resolved')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** The newest open incident of a service opened at or after `since` (the service's grouping window). */
export async function findOpenSince(db: Db, serviceId: string, since: Date): Promise<string | undefined> {
  const row = await db
    .selectFrom('incidents')
    .select('id')
    .where('service_id', '=', serviceId)
    .where('status', '!=', 'resolved')
    .where('created_at', '>=', since.toISOString())
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** What alert ingestion needs to know about many incidents at once, without their roles. */
export interface IncidentState {
  id: string;
  number: string;
  status: Status;
  severity: Severity;
}

export async function findIncidentStates(db: Db, ids: string[]): Promise<IncidentState[]> {
  const out: IncidentState[] = [];
  for (const part of chunks(ids, 256)) {
    const rows = await db
      .selectFrom('incidents')
      .select(['id', 'number', 'status', 'severity'])
      .where('id', 'in', part)
      .execute();
    for (const r of rows)
      out.push({ id: r.id, number: r.number, status: r.status as Status, severity: r.severity as Severity });
  }
  return out;
}

/** Unresolved incidents per service and severity (service null for incidents without one). */
export async function countOpenByService(
  db: Db,
): Promise<Array<{ serviceId: string | null; severity: string; count: number }>> {
  const rows = await db
    .selectFrom('incidents')
    .select((eb) => ['service_id', 'severity', eb.fn.countAll<string | number>().as('count')])
    .where('status', '<>', 'resolved')
    .groupBy(['service_id', 'severity'])
    .execute();
  return rows.map((r) => ({ serviceId: r.service_id, severity: r.severity, count: Number(r.count) }));
}
