// Error projects, groups, their latest events, affected users and per-minute counts.
import { sql } from 'kysely';
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';
import type { ErrorGroupsTable, ErrorProjectsTable } from '../db/schema.js';
import type { Level } from './event.js';

export interface ErrorProject {
  projectId: number;
  serviceId: string;
  publicKey: string;
  spikeThresholdPerMin: number;
  spikeOpen: boolean;
  createdAt: Date;
}

export type GroupStatus = 'unresolved' | 'resolved';

export interface ErrorGroup {
  id: string;
  serviceId: string;
  environment: string;
  fingerprint: string;
  type: string | null;
  title: string;
  culprit: string | null;
  level: Level;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
  status: GroupStatus;
  resolvedAt: Date | null;
  regressedAt: Date | null;
  lastMessage: string | null;
  alertDue: 'new' | 'regressed' | null;
}

export interface StoredEvent {
  id: string;
  groupId: string;
  eventId: string;
  receivedAt: Date;
  timestamp: Date;
  level: string;
  message: string | null;
  release: string | null;
  userKey: string | null;
  data: Record<string, unknown>;
}

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

function toProject(r: ErrorProjectsTable): ErrorProject {
  return {
    projectId: Number(r.project_id),
    serviceId: r.service_id,
    publicKey: r.public_key,
    spikeThresholdPerMin: Number(r.spike_threshold_per_min),
    spikeOpen: Number(r.spike_open) === 1,
    createdAt: new Date(r.created_at),
  };
}

function toGroup(r: ErrorGroupsTable): ErrorGroup {
  return {
    id: r.id,
    serviceId: r.service_id,
    environment: r.environment,
    fingerprint: r.fingerprint,
    type: r.type,
    title: r.title,
    culprit: r.culprit,
    level: r.level as Level,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    count: Number(r.count),
    status: r.status as GroupStatus,
    resolvedAt: date(r.resolved_at),
    regressedAt: date(r.regressed_at),
    lastMessage: r.last_message,
    alertDue: r.alert_due as ErrorGroup['alertDue'],
  };
}

function groupRow(g: ErrorGroup): ErrorGroupsTable {
  return {
    id: g.id,
    service_id: g.serviceId,
    environment: g.environment,
    fingerprint: g.fingerprint,
    type: g.type,
    title: g.title,
    culprit: g.culprit,
    level: g.level,
    first_seen: g.firstSeen.toISOString(),
    last_seen: g.lastSeen.toISOString(),
    count: g.count,
    status: g.status,
    resolved_at: g.resolvedAt?.toISOString() ?? null,
    regressed_at: g.regressedAt?.toISOString() ?? null,
    last_message: g.lastMessage,
    alert_due: g.alertDue,
  };
}

// ---------------------------------------------------------------------------------------------------
// Projects

export async function findProjectByService(db: Db, serviceId: string): Promise<ErrorProject | undefined> {
  const row = await db.selectFrom('error_projects').selectAll().where('service_id', '=', serviceId).executeTakeFirst();
  return row && toProject(row);
}

export async function findProjectByKey(db: Db, publicKey: string): Promise<ErrorProject | undefined> {
  const row = await db.selectFrom('error_projects').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
  return row && toProject(row);
}

/** Inserts a project with the next free numeric id; a concurrent insert surfaces as a unique violation. */
export async function insertProject(db: Db, p: Omit<ErrorProject, 'projectId' | 'spikeOpen'>): Promise<ErrorProject> {
  const { max } = await db
    .selectFrom('error_projects')
    .select((eb) => eb.fn.max<number | string | null>('project_id').as('max'))
    .executeTakeFirstOrThrow();
  const projectId = Number(max ?? 0) + 1;
  await db
    .insertInto('error_projects')
    .values({
      project_id: projectId,
      service_id: p.serviceId,
      public_key: p.publicKey,
      spike_threshold_per_min: p.spikeThresholdPerMin,
      spike_open: 0,
      created_at: p.createdAt.toISOString(),
    })
    .execute();
  return { ...p, projectId, spikeOpen: false };
}

export async function setSpikeThreshold(db: Db, projectId: number, threshold: number): Promise<void> {
  await db
    .updateTable('error_projects')
    .set({ spike_threshold_per_min: threshold })
    .where('project_id', '=', projectId)
    .execute();
}

/** Flips the spike flag if it is not already so; true when this call flipped it (the caller owns the alert). */
export async function claimSpike(db: Db, projectId: number, open: boolean): Promise<boolean> {
  const result = await db
    .updateTable('error_projects')
    .set({ spike_open: open ? 1 : 0 })
    .where('project_id', '=', projectId)
    .where('spike_open', '=', open ? 0 : 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function openSpikes(db: Db): Promise<ErrorProject[]> {
  return (await db.selectFrom('error_projects').selectAll().where('spike_open', '=', 1).limit(1000).execute()).map(
    toProject,
  );
}

// ---------------------------------------------------------------------------------------------------
// Groups and events, written a batch at a time

/** The groups of a service among these fingerprints (every environment). */
export async function findGroups(db: Db, serviceId: string, fingerprints: string[]): Promise<ErrorGroup[]> {
  const out: ErrorGroup[] = [];
  for (const part of chunks(fingerprints, 256)) {
    for (const r of await db
      .selectFrom('error_groups')
      .selectAll()
      .where('service_id', '=', serviceId)
      .where('fingerprint', 'in', part)
      .execute())
      out.push(toGroup(r));
  }
  return out;
}

/**
 * Writes a batch's new and changed groups in a few statements (insert, or update on the id). A
 * changed group's `alert_due` is written only when `alertDue` has it: another batch may have cleared
 * the flag since this one read the group.
 */
export async function upsertGroups(db: Db, groups: Array<{ group: ErrorGroup; alertDue: boolean }>): Promise<void> {
  for (const part of chunks(groups, 64)) {
    await db
      .insertInto('error_groups')
      .values(part.map(({ group, alertDue }) => ({ ...groupRow(group), alert_due: alertDue ? group.alertDue : null })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          culprit: eb.ref('excluded.culprit'),
          level: eb.ref('excluded.level'),
          last_seen: eb.ref('excluded.last_seen'),
          count: eb.ref('excluded.count'),
          status: eb.ref('excluded.status'),
          resolved_at: eb.ref('excluded.resolved_at'),
          regressed_at: eb.ref('excluded.regressed_at'),
          last_message: eb.ref('excluded.last_message'),
          alert_due: eb.fn.coalesce(eb.ref('excluded.alert_due'), eb.ref('error_groups.alert_due')),
        })),
      )
      .execute();
  }
}

/** Saves what events and people change; `alert_due` only when asked (another batch may have cleared it meanwhile). */
export async function saveGroup(db: Db, g: ErrorGroup, withAlertDue = false): Promise<void> {
  const {
    id: _id,
    service_id: _s,
    environment: _e,
    fingerprint: _f,
    first_seen: _fs,
    alert_due,
    ...fields
  } = groupRow(g);
  await db
    .updateTable('error_groups')
    .set(withAlertDue ? { ...fields, alert_due } : fields)
    .where('id', '=', g.id)
    .execute();
}

export async function insertEvents(db: Db, events: StoredEvent[]): Promise<void> {
  for (const part of chunks(events, 64)) {
    await db
      .insertInto('error_events')
      .values(
        part.map((e) => ({
          id: e.id,
          group_id: e.groupId,
          event_id: e.eventId,
          received_at: e.receivedAt.toISOString(),
          timestamp: e.timestamp.toISOString(),
          level: e.level,
          message: e.message,
          release: e.release,
          user_key: e.userKey,
          data: JSON.stringify(e.data),
        })),
      )
      .execute();
  }
}

/** Deletes a group's events older than its `keep` newest. */
export async function trimEvents(db: Db, groupId: string, keep: number): Promise<void> {
  const cutoff = await db
    .selectFrom('error_events')
    .select('id')
    .where('group_id', '=', groupId)
    .orderBy('id', 'desc')
    .offset(keep - 1)
    .limit(1)
    .executeTakeFirst();
  if (cutoff) await db.deleteFrom('error_events').where('group_id', '=', groupId).where('id', '<', cutoff.id).execute();
}

export async function upsertUsers(db: Db, rows: Array<{ groupId: string; userKey: string; at: Date }>): Promise<void> {
  for (const part of chunks(rows, 128)) {
    await db
      .insertInto('error_group_users')
      .values(part.map((r) => ({ group_id: r.groupId, user_key: r.userKey, last_seen: r.at.toISOString() })))
      .onConflict((oc) =>
        oc.columns(['group_id', 'user_key']).doUpdateSet((eb) => ({ last_seen: eb.ref('excluded.last_seen') })),
      )
      .execute();
  }
}

export async function addMinutes(
  db: Db,
  rows: Array<{ serviceId: string; environment: string; groupId: string; minute: string; count: number }>,
): Promise<void> {
  for (const part of chunks(rows, 128)) {
    await db
      .insertInto('error_minutes')
      .values(
        part.map((r) => ({
          service_id: r.serviceId,
          environment: r.environment,
          group_id: r.groupId,
          minute: r.minute,
          count: r.count,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['group_id', 'minute'])
          .doUpdateSet((eb) => ({ count: eb('error_minutes.count', '+', eb.ref('excluded.count')) })),
      )
      .execute();
  }
}

/** A service's events in the minutes starting at these times, summed (every environment). */
export async function serviceEventsIn(db: Db, serviceId: string, minutes: string[]): Promise<number> {
  const row = await db
    .selectFrom('error_minutes')
    .select((eb) => eb.fn.sum<number | string | null>('count').as('n'))
    .where('service_id', '=', serviceId)
    .where('minute', 'in', minutes)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// Reads

export interface GroupQuery {
  limit: number;
  before?: string | undefined;
  serviceId?: string | undefined;
  environment?: string | undefined;
  status?: GroupStatus | undefined;
}

/** Newest groups first (ids sort by creation). */
export async function listGroups(db: Db, q: GroupQuery): Promise<ErrorGroup[]> {
  let query = db.selectFrom('error_groups').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.before) query = query.where('id', '<', q.before);
  if (q.serviceId) query = query.where('service_id', '=', q.serviceId);
  if (q.environment) query = query.where('environment', '=', q.environment);
  if (q.status) query = query.where('status', '=', q.status);
  return (await query.execute()).map(toGroup);
}

export async function findGroup(db: Db, id: string): Promise<ErrorGroup | undefined> {
  const row = await db.selectFrom('error_groups').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toGroup(row);
}

export async function findGroupsById(db: Db, ids: string[]): Promise<ErrorGroup[]> {
  const out: ErrorGroup[] = [];
  for (const part of chunks(ids, 256))
    for (const r of await db.selectFrom('error_groups').selectAll().where('id', 'in', part).execute())
      out.push(toGroup(r));
  return out;
}

export async function latestEvents(db: Db, groupId: string, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('error_events')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    groupId: r.group_id,
    eventId: r.event_id,
    receivedAt: new Date(r.received_at),
    timestamp: new Date(r.timestamp),
    level: r.level,
    message: r.message,
    release: r.release,
    userKey: r.user_key,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}

export async function countEvents(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('error_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Distinct users per group, seen since `since` (all time when undefined). */
export async function usersPerGroup(db: Db, groupIds: string[], since?: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks(groupIds, 128)) {
    let query = db
      .selectFrom('error_group_users')
      .select(['group_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('group_id', 'in', part)
      .groupBy('group_id');
    if (since) query = query.where('last_seen', '>=', since);
    for (const r of await query.execute()) out.set(r.group_id, Number(r.n));
  }
  return out;
}

export interface WindowFilter {
  since: string;
  serviceId?: string | undefined;
  environment?: string | undefined;
}

/** Events per minute since the window's first minute, for the filter. */
export async function minuteSeries(db: Db, f: WindowFilter): Promise<Array<{ minute: string; count: number }>> {
  let query = db
    .selectFrom('error_minutes')
    .select(['minute', (eb) => eb.fn.sum<number | string>('count').as('n')])
    .where('minute', '>=', f.since)
    .groupBy('minute')
    .orderBy('minute');
  if (f.serviceId) query = query.where('service_id', '=', f.serviceId);
  if (f.environment) query = query.where('environment', '=', f.environment);
  return (await query.execute()).map((r) => ({ minute: r.minute, count: Number(r.n) }));
}

/** The groups with the most events in the window: [group id, events], most first. */
export async function topGroupCounts(
  db: Db,
  f: WindowFilter,
  limit: number,
): Promise<Array<{ groupId: string; count: number }>> {
  let query = db
    .selectFrom('error_minutes')
    .select(['group_id', (eb) => eb.fn.sum<number | string>('count').as('n')])
    .where('minute', '>=', f.since)
    .groupBy('group_id')
    .orderBy(sql`sum(count)`, 'desc')
    .orderBy('group_id')
    .limit(limit);
  if (f.serviceId) query = query.where('service_id', '=', f.serviceId);
  if (f.environment) query = query.where('environment', '=', f.environment);
  return (await query.execute()).map((r) => ({ groupId: r.group_id, count: Number(r.n) }));
}

/** How many groups had events in the window. */
export async function activeGroupCount(db: Db, f: WindowFilter): Promise<number> {
  let query = db
    .selectFrom('error_minutes')
    .select((eb) => eb.fn.count<number | string>('group_id').distinct().as('n'))
    .where('minute', '>=', f.since);
  if (f.serviceId) query = query.where('service_id', '=', f.serviceId);
  if (f.environment) query = query.where('environment', '=', f.environment);
  return Number((await query.executeTakeFirst())?.n ?? 0);
}

/** Distinct people seen in the window across the filter's groups. */
export async function usersAffected(db: Db, f: WindowFilter): Promise<number> {
  let query = db
    .selectFrom('error_group_users')
    .innerJoin('error_groups', 'error_groups.id', 'error_group_users.group_id')
    .select((eb) => eb.fn.count<number | string>('error_group_users.user_key').distinct().as('n'))
    .where('error_group_users.last_seen', '>=', f.since);
  if (f.serviceId) query = query.where('error_groups.service_id', '=', f.serviceId);
  if (f.environment) query = query.where('error_groups.environment', '=', f.environment);
  return Number((await query.executeTakeFirst())?.n ?? 0);
}

/** Groups first seen (or, with `regressed`, regressed) in the window, newest first. */
export async function groupsSince(
  db: Db,
  f: WindowFilter,
  column: 'first_seen' | 'regressed_at',
  limit: number,
): Promise<ErrorGroup[]> {
  let query = db
    .selectFrom('error_groups')
    .selectAll()
    .where(column, '>=', f.since)
    .orderBy(column, 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (f.serviceId) query = query.where('service_id', '=', f.serviceId);
  if (f.environment) query = query.where('environment', '=', f.environment);
  return (await query.execute()).map(toGroup);
}

export async function countGroupsSince(
  db: Db,
  f: WindowFilter,
  column: 'first_seen' | 'regressed_at',
): Promise<number> {
  let query = db
    .selectFrom('error_groups')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where(column, '>=', f.since);
  if (f.serviceId) query = query.where('service_id', '=', f.serviceId);
  if (f.environment) query = query.where('environment', '=', f.environment);
  return Number((await query.executeTakeFirst())?.n ?? 0);
}

/** Groups whose alert was not yet handed to ingestion, seen before `before`. */
export async function alertsDue(db: Db, before: string, limit: number): Promise<ErrorGroup[]> {
  return (
    await db
      .selectFrom('error_groups')
      .selectAll()
      .where('alert_due', 'is not', null)
      .where('last_seen', '<', before)
      .limit(limit)
      .execute()
  ).map(toGroup);
}

export async function clearAlertDue(db: Db, ids: string[]): Promise<void> {
  for (const part of chunks(ids, 128))
    await db.updateTable('error_groups').set({ alert_due: null }).where('id', 'in', part).execute();
}

/** Per-minute counts older than `before` (kept for 30 days). */
export async function deleteMinutesBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('error_minutes').where('minute', '<', before).execute();
}
