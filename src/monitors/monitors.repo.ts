// Monitors and their raw samples. A due monitor is claimed with a conditional UPDATE of its
// next_check_at (only while it is still due), so of several instances sweeping at once exactly one
// gets each check; the results are then written a batch at a time with the rows locked
// (db/lease.ts), so two instances' results for one monitor apply one after the other.
import type { Db } from '../db/database.js';
import { chunks } from '../db/chunks.js';
import { lockForUpdate } from '../db/lease.js';
import type { MonitorsTable } from '../db/schema.js';
import type { Monitor, MonitorKind, MonitorState } from './monitor.js';

const t = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const d = (s: string | null): Date | null => (s ? new Date(s) : null);

export function toMonitor(r: MonitorsTable): Monitor {
  return {
    id: r.id,
    serviceId: r.service_id,
    name: r.name,
    kind: r.kind as MonitorKind,
    target: r.target,
    targetSealed: r.target_sealed,
    loginUrl: r.login_url,
    loginBodySealed: r.login_body_sealed,
    intervalSeconds: r.interval_seconds,
    timeoutMs: r.timeout_ms,
    expectStatus: r.expect_status,
    expectKeyword: r.expect_keyword,
    method: r.method,
    headers: r.headers ? (JSON.parse(r.headers) as Record<string, string>) : null,
    failuresBeforeDown: r.failures_before_down,
    periodSeconds: r.period_seconds,
    graceSeconds: r.grace_seconds,
    lastBeatAt: d(r.last_beat_at),
    state: r.state as MonitorState,
    consecutiveFailures: r.consecutive_failures,
    lastCheckAt: d(r.last_check_at),
    lastOkAt: d(r.last_ok_at),
    lastError: r.last_error,
    lastLatencyMs: r.last_latency_ms,
    nextCheckAt: new Date(r.next_check_at),
    enhancedUntil: d(r.enhanced_until),
    tlsExpiresAt: d(r.tls_expires_at),
    tlsWarnedAt: d(r.tls_warned_at),
    alertSeq: r.alert_seq,
    alertSentSeq: r.alert_sent_seq,
    paused: Boolean(r.paused),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** The columns a monitor's settings live in (what create and update write). */
function settingsRow(m: Monitor) {
  return {
    name: m.name,
    target: m.target,
    target_sealed: m.targetSealed,
    login_url: m.loginUrl,
    login_body_sealed: m.loginBodySealed,
    interval_seconds: m.intervalSeconds,
    timeout_ms: m.timeoutMs,
    expect_status: m.expectStatus,
    expect_keyword: m.expectKeyword,
    method: m.method,
    headers: m.headers ? JSON.stringify(m.headers) : null,
    failures_before_down: m.failuresBeforeDown,
    period_seconds: m.periodSeconds,
    grace_seconds: m.graceSeconds,
    paused: m.paused ? 1 : 0,
    next_check_at: m.nextCheckAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

export async function insertMonitor(db: Db, m: Monitor, heartbeatDigest: string | null): Promise<void> {
  await db
    .insertInto('monitors')
    .values({
      id: m.id,
      service_id: m.serviceId,
      kind: m.kind,
      ...settingsRow(m),
      heartbeat_digest: heartbeatDigest,
      last_beat_at: null,
      state: m.state,
      consecutive_failures: 0,
      last_check_at: null,
      last_ok_at: null,
      last_error: null,
      last_latency_ms: null,
      enhanced_until: t(m.enhancedUntil),
      tls_expires_at: null,
      tls_warned_at: null,
      alert_seq: 0,
      alert_sent_seq: 0,
      created_at: m.createdAt.toISOString(),
    })
    .execute();
}

/** Writes a monitor's settings (not its check state). */
export async function updateMonitorSettings(db: Db, m: Monitor): Promise<void> {
  await db.updateTable('monitors').set(settingsRow(m)).where('id', '=', m.id).execute();
}

export async function findMonitor(db: Db, id: string): Promise<Monitor | undefined> {
  const row = await db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMonitor(row);
}

/** The heartbeat monitor whose token has this digest, locked for the beat on PostgreSQL. */
export async function findByHeartbeatDigest(db: Db, digest: string): Promise<Monitor | undefined> {
  const row = await lockForUpdate(
    db,
    db.selectFrom('monitors').selectAll().where('heartbeat_digest', '=', digest),
  ).executeTakeFirst();
  return row && toMonitor(row);
}

/** Newest first, `limit` after the cursor (an id). */
export async function listMonitors(
  db: Db,
  q: { limit: number; before?: string | undefined; serviceId?: string | undefined },
): Promise<Monitor[]> {
  let query = db.selectFrom('monitors').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.before) query = query.where('id', '<', q.before);
  if (q.serviceId) query = query.where('service_id', '=', q.serviceId);
  return (await query.execute()).map(toMonitor);
}

/** Every monitor (for the health check), by service and name. */
export async function allMonitors(db: Db): Promise<Monitor[]> {
  return (await db.selectFrom('monitors').selectAll().orderBy('service_id').orderBy('name').execute()).map(toMonitor);
}

/** Deletes a monitor with its samples and minutes; false when it did not exist. */
export async function deleteMonitor(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('monitor_samples').where('monitor_id', '=', id).execute();
  await db.deleteFrom('monitor_minutes').where('monitor_id', '=', id).execute();
  const result = await db.deleteFrom('monitors').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Unpaused monitors due at `now`, soonest first. */
export async function dueMonitors(db: Db, now: Date, limit: number): Promise<Monitor[]> {
  const rows = await db
    .selectFrom('monitors')
    .selectAll()
    .where('paused', '=', 0)
    .where('next_check_at', '<=', now.toISOString())
    .orderBy('next_check_at')
    .limit(limit)
    .execute();
  return rows.map(toMonitor);
}

/**
 * Claims the monitors still due at `now` by moving their next check to `next`; returns the ids this
 * caller won. On PostgreSQL a concurrent claim of the same row waits for the first to commit and then
 * finds the row no longer due, so every check is claimed once.
 */
export async function claimMonitors(db: Db, ids: string[], now: Date, next: Date): Promise<string[]> {
  const won: string[] = [];
  for (const part of chunks(ids)) {
    const rows = await db
      .updateTable('monitors')
      .set({ next_check_at: next.toISOString() })
      .where('id', 'in', part)
      .where('paused', '=', 0)
      .where('next_check_at', '<=', now.toISOString())
      .returning('id')
      .execute();
    won.push(...rows.map((r) => r.id));
  }
  return won;
}

/** The monitors with these ids, locked until the transaction ends (PostgreSQL), to apply results. */
export async function lockMonitors(db: Db, ids: string[]): Promise<Monitor[]> {
  const out: Monitor[] = [];
  for (const part of chunks([...new Set(ids)].sort()))
    out.push(
      ...(
        await lockForUpdate(db, db.selectFrom('monitors').selectAll().where('id', 'in', part).orderBy('id')).execute()
      ).map(toMonitor),
    );
  return out;
}

/** What a check (or a beat) changes on its monitor; `alertSeq` when the change has alerts to send. */
export type CheckState = Pick<
  Monitor,
  | 'state'
  | 'consecutiveFailures'
  | 'lastCheckAt'
  | 'lastOkAt'
  | 'lastError'
  | 'lastLatencyMs'
  | 'tlsExpiresAt'
  | 'tlsWarnedAt'
> &
  Partial<Pick<Monitor, 'alertSeq' | 'lastBeatAt' | 'nextCheckAt'>>;

export async function saveCheckState(db: Db, id: string, s: CheckState): Promise<void> {
  await db
    .updateTable('monitors')
    .set({
      state: s.state,
      consecutive_failures: s.consecutiveFailures,
      last_check_at: t(s.lastCheckAt),
      last_ok_at: t(s.lastOkAt),
      last_error: s.lastError,
      last_latency_ms: s.lastLatencyMs,
      tls_expires_at: t(s.tlsExpiresAt),
      tls_warned_at: t(s.tlsWarnedAt),
      ...(s.alertSeq !== undefined && { alert_seq: s.alertSeq }),
      ...(s.lastBeatAt !== undefined && { last_beat_at: t(s.lastBeatAt) }),
      ...(s.nextCheckAt !== undefined && { next_check_at: s.nextCheckAt.toISOString() }),
    })
    .where('id', '=', id)
    .execute();
}

/** Records that ingestion took the alerts of change `seq` (a later change keeps its own gap). */
export async function markAlertsSent(db: Db, sent: Array<{ id: string; seq: number }>): Promise<void> {
  for (const { id, seq } of sent)
    await db
      .updateTable('monitors')
      .set({ alert_sent_seq: seq })
      .where('id', '=', id)
      .where('alert_sent_seq', '<', seq)
      .execute();
}

/** Monitors whose last state change's alerts were never confirmed sent, checked before `before` (so not in flight). */
export async function unsentAlerts(db: Db, before: Date, limit: number): Promise<Monitor[]> {
  const rows = await db
    .selectFrom('monitors')
    .selectAll()
    .whereRef('alert_seq', '>', 'alert_sent_seq')
    .where((eb) => eb.or([eb('last_check_at', 'is', null), eb('last_check_at', '<', before.toISOString())]))
    .limit(limit)
    .execute();
  return rows.map(toMonitor);
}

export interface Sample {
  monitorId: string;
  serviceId: string;
  at: Date;
  ok: boolean;
  latencyMs: number | null;
  bucket: number | null;
  status: number | null;
  error: string | null;
}

export async function insertSamples(db: Db, samples: Sample[]): Promise<void> {
  for (const part of chunks(samples, 64)) {
    await db
      .insertInto('monitor_samples')
      .values(
        part.map((s) => ({
          monitor_id: s.monitorId,
          service_id: s.serviceId,
          at: s.at.toISOString(),
          ok: s.ok ? 1 : 0,
          latency_ms: s.latencyMs,
          bucket: s.bucket,
          status: s.status,
          error: s.error,
        })),
      )
      .execute();
  }
}

/** A monitor's raw samples, newest first, older than the cursor (an ISO time). */
export async function listSamples(
  db: Db,
  monitorId: string,
  q: { limit: number; before?: string | undefined },
): Promise<Sample[]> {
  let query = db
    .selectFrom('monitor_samples')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .orderBy('at', 'desc')
    .limit(q.limit);
  if (q.before) query = query.where('at', '<', q.before);
  return (await query.execute()).map((r) => ({
    monitorId: r.monitor_id,
    serviceId: r.service_id,
    at: new Date(r.at),
    ok: Boolean(r.ok),
    latencyMs: r.latency_ms,
    bucket: r.bucket,
    status: r.status,
    error: r.error,
  }));
}

/** Services with an incident resolved at or after `since`, and when the latest of them resolved. */
export async function recentlyResolved(db: Db, since: Date): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('incidents')
    .select((eb) => ['service_id', eb.fn.max('resolved_at').as('resolved_at')])
    .where('resolved_at', '>=', since.toISOString())
    .where('service_id', 'is not', null)
    .groupBy('service_id')
    .execute();
  return new Map(
    rows
      .filter((r) => r.service_id && r.resolved_at)
      .map((r) => [r.service_id as string, new Date(r.resolved_at as string)]),
  );
}

/** Monitors whose enhanced_until should change: those of `services` that differ from the target, and expired ones. */
export async function enhancedCandidates(db: Db, serviceIds: string[]): Promise<Monitor[]> {
  let query = db.selectFrom('monitors').selectAll();
  query =
    serviceIds.length > 0
      ? query.where((eb) => eb.or([eb('service_id', 'in', serviceIds), eb('enhanced_until', 'is not', null)]))
      : query.where('enhanced_until', 'is not', null);
  return (await query.execute()).map(toMonitor);
}

export async function setEnhanced(db: Db, id: string, until: Date | null, nextCheckAt: Date): Promise<void> {
  await db
    .updateTable('monitors')
    .set({ enhanced_until: t(until), next_check_at: nextCheckAt.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** The newest check per service, across its monitors. */
export async function lastCheckByService(db: Db): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('monitors')
    .select((eb) => ['service_id', eb.fn.max('last_check_at').as('at')])
    .groupBy('service_id')
    .execute();
  return new Map(rows.filter((r) => r.at).map((r) => [r.service_id, new Date(r.at as string)]));
}
