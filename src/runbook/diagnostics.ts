// The runbook's Phase 2, done before anyone asks: when a P0 or P1 incident opens, the engine runs the
// health checks of the runbook functions and attaches what they found to the incident's timeline.
// Driven by rows, not by the request that opened the incident: whichever instance sweeps first
// claims it (a claim left unfinished by a dead instance is taken over after a minute), so it happens
// once, also for incidents the ingest worker opened. One run of the checks serves all the incidents a
// sweep claims (they describe the system, not the incident).
import { SYSTEM_ACTOR } from '../access/index.js';
import type { Clock } from '../clock.js';
import { chunks } from '../db/chunks.js';
import { inTransaction, yieldToEventLoop, type Db } from '../db/database.js';
import type { IncidentsService } from '../incidents/index.js';
import { claimDiagnostics, finishDiagnostics, undiagnosedIncidents } from './diagnostics.repo.js';
import type { FunctionsService } from './functions.service.js';

/**
 * Incidents older than this when first seen get no diagnostics (a server that was down for a day does not diagnose
 * the past).
 */
const LOOK_BACK_MS = 60 * 60_000;
const STALE_CLAIM_MS = 60_000;
/** Incidents claimed or recorded per transaction. */
const WRITE_CHUNK = 32;
const MIN_INTERVAL_MS = 1_000;
/** Services listed by name in the entry: those not operational, at most this many. */
const LISTED_SERVICES = 25;

interface Check {
  label: string;
  fn: string;
  body: Record<string, unknown>;
  /** For reports that list every service: the timeline keeps only those `troubled` picks, under `listAs`. */
  only?: { listAs: string; troubled: (service: Record<string, unknown>) => boolean };
}

/** The checks run: the runbook's Phase 2 list. */
const CHECKS: Check[] = [
  {
    label: 'production_health',
    fn: 'production-monitoring',
    body: { action: 'health_check' },
    only: { listAs: 'services_not_operational', troubled: (s) => s.status !== 'operational' },
  },
  { label: 'database_health', fn: 'database-scalability', body: { action: 'health_check' } },
  { label: 'error_analytics', fn: 'error-tracking', body: { action: 'get_error_analytics', time_window: '1h' } },
  {
    label: 'performance',
    fn: 'production-monitoring',
    body: { action: 'performance_report', time_window: '1h' },
    only: {
      listAs: 'services_degraded_or_failing',
      troubled: (s) => s.status !== 'normal' || Number(s.error_rate ?? 0) > 0,
    },
  },
];

export function createDiagnostics({
  db,
  clock,
  functions,
  incidents,
}: {
  db: Db;
  clock: Clock;
  functions: FunctionsService;
  incidents: IncidentsService;
}) {
  let lastRun = -Infinity;
  /** Runs the checks, each on its own: one failing check is reported, not fatal to the others. */
  async function gather(): Promise<Record<string, unknown>> {
    const found: Record<string, unknown> = {};
    for (const { label, fn, body, only } of CHECKS) {
      try {
        const result = await functions.call(SYSTEM_ACTOR, fn, body);
        if (only) {
          const { services, ...rest } = result as { services?: Array<Record<string, unknown>> };
          found[label] = {
            ...rest,
            services_checked: services?.length ?? 0,
            [only.listAs]: (services ?? []).filter(only.troubled).slice(0, LISTED_SERVICES),
          };
        } else found[label] = result;
      } catch (error) {
        found[label] = { error: error instanceof Error ? error.message : String(error) };
      }
    }
    return found;
  }

  return {
    /** Whether a second has passed since it last looked for work. */
    due: (now: Date) => now.getTime() - lastRun >= MIN_INTERVAL_MS,

    /**
     * Diagnoses new P0/P1 incidents not yet diagnosed; returns how many it did. The checks describe
     * the whole system, so one run serves every incident claimed in the same sweep: a storm of P1s
     * costs one set of checks a sweep, not one per incident.
     */
    async sweep(limit = 100): Promise<number> {
      const now = clock.now();
      const stale = new Date(now.getTime() - STALE_CLAIM_MS);
      // The engine sweeps on every wake-up; looking for work (and so the checks) happens at most once a
      // second, well inside the 10 s the runbook allows.
      if (now.getTime() - lastRun < MIN_INTERVAL_MS) return 0;
      lastRun = now.getTime();
      const candidates = await undiagnosedIncidents(db, new Date(now.getTime() - LOOK_BACK_MS), stale, limit);
      if (candidates.length === 0) return 0;
      // In transactions of a few incidents, with a turn for requests between them: a storm's backlog of
      // P1s written in one transaction held ingestion for tens of milliseconds every second.
      const claimed: string[] = [];
      for (const part of chunks(candidates, WRITE_CHUNK)) {
        claimed.push(...(await inTransaction(db, (trx) => claimDiagnostics(trx, part, now, stale))));
        await yieldToEventLoop();
      }
      if (claimed.length === 0) return 0;
      const findings = await gather();
      for (const part of chunks(claimed, WRITE_CHUNK)) {
        await inTransaction(db, async (trx) => {
          const at = clock.now();
          const found = await incidents.within(trx).states(part);
          await incidents.within(trx).recordMany(
            found.map((incident) => ({
              incident,
              actor: SYSTEM_ACTOR,
              kind: 'diagnostics',
              data: {
                ...findings,
                took_ms: at.getTime() - now.getTime(),
                ...(claimed.length > 1 && { shared_with: claimed.length - 1 }),
              },
              at,
            })),
          );
          await finishDiagnostics(trx, part, at);
        });
        await yieldToEventLoop();
      }
      return claimed.length;
    },
  };
}

export type Diagnostics = ReturnType<typeof createDiagnostics>;
