// Running the checks: claim due monitors, probe them concurrently (bounded), and write the results a
// batch at a time — samples and state in one transaction about once a second, not one per check —
// then send the alerts their transitions call for through ordinary ingestion (so incidents, dedup,
// classification and escalation are the same as for any outside alert). Also keeps enhanced
// monitoring in step with resolved incidents and rolls week-old samples into per-minute rows.
//
// Due times are rows (next_check_at, from the injected clock); timers only decide how often to look.
// A check is claimed by moving its monitor's next_check_at forward while it is still due (one
// conditional UPDATE, monitors.repo.ts), so several instances on PostgreSQL each run a check once.
// Alerts are sent after the state commit: if the process dies in between, that one transition's
// alert is lost, which a later transition (or a responder) repairs; sending first instead could
// page for a state that never committed.
import type { IngestService, AlertEvent } from '../alerts/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { bucketOf } from './histogram.js';
import {
  applyResult,
  effectiveInterval,
  ENHANCED_FOR_MS,
  heartbeatDeadline,
  stateEvent,
  tlsEvent,
  tlsExpiresSoon,
  type CheckResult,
  type Monitor,
} from './monitor.js';
import {
  claimMonitors,
  dueMonitors,
  enhancedCandidates,
  insertSamples,
  lockMonitors,
  markAlertsSent,
  recentlyResolved,
  saveCheckState,
  setEnhanced,
  unsentAlerts,
  type Sample,
} from './monitors.repo.js';
import { rollUpSamples } from './stats.repo.js';

/** Raw samples are kept this long, then rolled into minutes. */
export const RAW_RETENTION_MS = 7 * 86_400_000;

export interface RunnerOptions {
  /** Checks in flight at once on this instance. */
  concurrency: number;
  /** How often the loop looks for due checks (ms). */
  tickMs: number;
  /** Results are written at least this often (ms), in one transaction. */
  flushMs: number;
  /** How often enhanced monitoring and the roll-up are looked at (clock ms). */
  housekeepingMs: number;
  /** Minutes of raw samples rolled up per housekeeping pass. */
  rollupMinutes: number;
}

/** A monitor's alerts to send, and the state change (alertSeq) they belong to. */
interface Outgoing {
  monitor: Monitor;
  events: AlertEvent[];
}

/** A state change this old whose alerts are still unconfirmed was interrupted, not in flight. */
const RESEND_AFTER_MS = 30_000;

export const DEFAULT_RUNNER: RunnerOptions = {
  concurrency: 100,
  tickMs: 250,
  flushMs: 1000,
  housekeepingMs: 10_000,
  rollupMinutes: 10,
};

export interface RunnerLogger {
  error(obj: unknown, msg: string): void;
  info(obj: unknown, msg: string): void;
}

interface Finished {
  monitorId: string;
  at: Date;
  result: CheckResult;
}

export interface RunnerDeps {
  db: Db;
  clock: Clock;
  ingest: Pick<IngestService, 'submit'>;
  probe: (m: Monitor) => Promise<CheckResult>;
  options?: Partial<RunnerOptions>;
}

export function createMonitorRunner({ db, clock, ingest, probe, options }: RunnerDeps) {
  const o = { ...DEFAULT_RUNNER, ...options };
  const inFlight = new Map<string, Promise<void>>();
  let buffer: Finished[] = [];

  /** Claims up to `limit` due monitors not already running here; the ones this instance won. */
  async function claim(limit: number): Promise<Monitor[]> {
    if (limit <= 0) return [];
    const now = clock.now();
    const due = (await dueMonitors(db, now, limit + inFlight.size)).filter((m) => !inFlight.has(m.id)).slice(0, limit);
    const groups = new Map<number, Monitor[]>();
    for (const m of due) {
      const seconds = effectiveInterval(m, now);
      groups.set(seconds, [...(groups.get(seconds) ?? []), m]);
    }
    const won = new Set<string>();
    for (const [seconds, ms] of groups)
      for (const id of await claimMonitors(
        db,
        ms.map((m) => m.id),
        now,
        new Date(now.getTime() + seconds * 1000),
      ))
        won.add(id);
    return due.filter((m) => won.has(m.id));
  }

  /** A heartbeat monitor claimed when due has missed its beat (a beat since would have moved it on). */
  function judgeHeartbeat(m: Monitor, now: Date): CheckResult {
    const deadline = heartbeatDeadline(m);
    if (now < deadline) return { ok: true, latencyMs: null, status: null, error: null };
    const since = m.lastBeatAt ? `since ${m.lastBeatAt.toISOString()}` : 'since the monitor was created';
    return {
      ok: false,
      latencyMs: null,
      status: null,
      error: `no heartbeat ${since} (period ${m.periodSeconds ?? 0} s + grace ${m.graceSeconds ?? 0} s)`,
    };
  }

  function run(m: Monitor): Promise<void> {
    const started = clock.now();
    const done = (m.kind === 'heartbeat' ? Promise.resolve(judgeHeartbeat(m, started)) : probe(m))
      .catch((error: unknown): CheckResult => ({
        ok: false,
        latencyMs: null,
        status: null,
        error: error instanceof Error ? error.message : String(error),
      }))
      .then((result) => {
        // A heartbeat that is not late yet (a beat raced the claim) leaves no sample.
        if (m.kind === 'heartbeat' && result.ok) return;
        buffer.push({ monitorId: m.id, at: started, result });
      })
      .finally(() => inFlight.delete(m.id));
    inFlight.set(m.id, done);
    return done;
  }

  /** Writes the buffered results in one transaction, then sends the alerts they call for. */
  async function flush(): Promise<number> {
    if (buffer.length === 0) return 0;
    const batch = buffer;
    buffer = [];
    const events: Outgoing[] = [];
    await inTransaction(db, async (trx) => {
      events.length = 0;
      const current = new Map(
        (
          await lockMonitors(
            trx,
            batch.map((f) => f.monitorId),
          )
        ).map((m) => [m.id, m]),
      );
      const samples: Sample[] = [];
      for (const f of batch) {
        const m = current.get(f.monitorId);
        if (!m) continue; // deleted meanwhile
        if (m.kind === 'heartbeat' && f.at < heartbeatDeadline(m)) continue; // a beat arrived since the claim
        const { result } = f;
        const applied = applyResult(m, result.ok);
        const next: Monitor = {
          ...m,
          state: applied.state,
          consecutiveFailures: applied.consecutiveFailures,
          lastCheckAt: f.at,
          lastOkAt: result.ok ? f.at : m.lastOkAt,
          lastError: result.ok ? null : result.error,
          lastLatencyMs: result.latencyMs ?? (result.ok ? m.lastLatencyMs : null),
          tlsExpiresAt: result.tlsExpiresAt ?? m.tlsExpiresAt,
        };
        const out: AlertEvent[] = [];
        if (applied.transition) out.push(stateEvent(next, applied.transition, result));
        if (result.tlsExpiresAt) {
          const soon = tlsExpiresSoon(result.tlsExpiresAt, f.at);
          if (soon && !m.tlsWarnedAt) {
            next.tlsWarnedAt = f.at;
            out.push(tlsEvent(next, result.tlsExpiresAt, f.at, 'trigger'));
          } else if (!soon && m.tlsWarnedAt) {
            next.tlsWarnedAt = null;
            out.push(tlsEvent(next, result.tlsExpiresAt, f.at, 'resolve'));
          }
        }
        if (out.length > 0) {
          next.alertSeq = m.alertSeq + 1;
          events.push({ monitor: next, events: out });
        }
        current.set(m.id, next);
        samples.push({
          monitorId: m.id,
          serviceId: m.serviceId,
          at: f.at,
          ok: result.ok,
          latencyMs: result.latencyMs,
          bucket: result.ok && result.latencyMs !== null ? bucketOf(result.latencyMs) : null,
          status: result.status,
          error: result.error?.slice(0, 1000) ?? null,
        });
      }
      const touched = new Set(batch.map((f) => f.monitorId));
      for (const m of current.values()) {
        if (!touched.has(m.id)) continue;
        const {
          state,
          consecutiveFailures,
          lastCheckAt,
          lastOkAt,
          lastError,
          lastLatencyMs,
          tlsExpiresAt,
          tlsWarnedAt,
          alertSeq,
        } = m;
        await saveCheckState(trx, m.id, {
          state,
          consecutiveFailures,
          lastCheckAt,
          lastOkAt,
          lastError,
          lastLatencyMs,
          tlsExpiresAt,
          tlsWarnedAt,
          alertSeq,
        });
      }
      await insertSamples(trx, samples);
    }).catch((error: unknown) => {
      // Nothing was written: keep the results for the next flush.
      buffer = batch.concat(buffer).slice(-50_000);
      throw error;
    });
    await sendEvents(events);
    return batch.length;
  }

  /**
   * Sends the alerts of committed state changes and records each monitor's as sent. A monitor whose
   * alerts did not get through (ingestion refused, or the process died first) keeps its gap and is
   * re-sent by resendUnsent; alerts re-sent twice are harmless, as dedup makes them one.
   */
  async function sendEvents(outgoing: Outgoing[]): Promise<void> {
    const results = await Promise.allSettled(
      outgoing.map(({ monitor, events }) => ingest.submit({ serviceId: monitor.serviceId, events })),
    );
    const sent = outgoing
      .filter((_, i) => results[i]?.status === 'fulfilled')
      .map(({ monitor }) => ({ id: monitor.id, seq: monitor.alertSeq }));
    if (sent.length > 0) await markAlertsSent(db, sent);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Re-sends, from each monitor's current state, the alerts of changes never confirmed sent (a crash between commit
   * and send).
   */
  async function resendUnsent(): Promise<number> {
    const pending = await unsentAlerts(db, new Date(clock.now().getTime() - RESEND_AFTER_MS), 100);
    await sendEvents(pending.map((m) => ({ monitor: m, events: currentAlerts(m) })));
    return pending.length;
  }

  /**
   * Enhanced monitoring: the monitors of a service with an incident resolved in the last 24 h run at
   * the shortened interval until 24 h after that resolve; their next check is pulled in to match.
   */
  async function refreshEnhanced(): Promise<number> {
    const now = clock.now();
    const resolved = await recentlyResolved(db, new Date(now.getTime() - ENHANCED_FOR_MS));
    let changed = 0;
    for (const m of await enhancedCandidates(db, [...resolved.keys()])) {
      const at = resolved.get(m.serviceId);
      const until =
        at && at.getTime() + ENHANCED_FOR_MS > now.getTime() ? new Date(at.getTime() + ENHANCED_FOR_MS) : null;
      if ((until?.getTime() ?? null) === (m.enhancedUntil?.getTime() ?? null)) continue;
      const soonest = new Date(now.getTime() + effectiveInterval({ ...m, enhancedUntil: until }, now) * 1000);
      await setEnhanced(db, m.id, until, until && soonest < m.nextCheckAt ? soonest : m.nextCheckAt);
      changed += 1;
    }
    return changed;
  }

  /** The alerts that say what a monitor's state is now: down or up, and its certificate warning or its end. */
  function currentAlerts(m: Monitor): AlertEvent[] {
    const out: AlertEvent[] = [];
    if (m.state !== 'pending')
      out.push(
        stateEvent(m, m.state, { ok: m.state === 'up', latencyMs: m.lastLatencyMs, status: null, error: m.lastError }),
      );
    if (m.tlsExpiresAt) out.push(tlsEvent(m, m.tlsExpiresAt, clock.now(), m.tlsWarnedAt ? 'trigger' : 'resolve'));
    return out;
  }

  /** Rolls one bounded chunk of week-old raw samples into minutes. */
  const rollUp = () => rollUpSamples(db, new Date(clock.now().getTime() - RAW_RETENTION_MS), o.rollupMinutes);

  /** Claims every due check, runs them all, and writes the results (tests and one-shot callers). */
  async function runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const claimed = await claim(Math.max(1, o.concurrency - inFlight.size));
      if (claimed.length === 0) break;
      ran += claimed.length;
      await Promise.all(claimed.map(run));
    }
    await Promise.all(inFlight.values());
    await flush();
    return ran;
  }

  /** The loop `vigil serve` runs: look for due checks every tick, flush about once a second. */
  function start(logger: RunnerLogger): { stop(): Promise<void> } {
    let stopped = false;
    let busy = false;
    // Flushing is about elapsed real time (how long results sit in memory), not domain time.
    let lastFlush = performance.now();
    let lastHousekeeping = -Infinity;
    const tick = async () => {
      if (busy || stopped) return;
      busy = true;
      try {
        for (const m of await claim(o.concurrency - inFlight.size)) void run(m);
        if (performance.now() - lastFlush >= o.flushMs || buffer.length >= 1000) {
          lastFlush = performance.now();
          await flush();
        }
        const now = clock.now().getTime();
        if (now - lastHousekeeping >= o.housekeepingMs) {
          lastHousekeeping = now;
          const resent = await resendUnsent();
          if (resent > 0) logger.info({ resent }, 'monitor alerts re-sent after an interrupted send');
          const enhanced = await refreshEnhanced();
          if (enhanced > 0) logger.info({ enhanced }, 'enhanced monitoring changed');
          await rollUp();
        }
      } catch (err) {
        logger.error({ err }, 'monitor sweep failed');
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), o.tickMs);
    timer.unref();
    return {
      async stop() {
        stopped = true;
        clearInterval(timer);
        while (busy) await new Promise((r) => setTimeout(r, 10));
        await Promise.all(inFlight.values());
        await flush().catch((err: unknown) => logger.error({ err }, 'monitor flush failed'));
      },
    };
  }

  return {
    runDue,
    flush,
    refreshEnhanced,
    rollUp,
    start,
    sendEvents,
    resendUnsent,
  };
}

export type MonitorRunner = ReturnType<typeof createMonitorRunner>;
