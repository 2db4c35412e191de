// The runbook's performance report (production-monitoring performance_report) and the degradation
// alerts that watch the same figures: response times measured by the monitors, per service and per
// monitor, against the baseline of the same stretch of the previous seven days (baseline.ts).
//
// Degradation: once a minute, every service whose p95 over the last 5 minutes is more than 100 %
// above its baseline gets an alert through the ordinary ingestion path (dedup key
// `performance:<service>`), with the figures in custom_details. The default classification rules turn
// `latency_degradation_pct` over 200 into a P1 and from 100 a P2, and a later, worse reading raises
// the incident; a reading back under the threshold resolves the alert. Several instances may send the
// same trigger: dedup makes it one alert.
import { authorize, type Actor } from '../access/index.js';
import type { AlertEvent, IngestService } from '../alerts/index.js';
import type { Clock } from '../clock.js';
import type { StatsRow } from '../monitors/index.js';
import type { Service } from '../services/index.js';
import {
  baselineRanges,
  degradationLevel,
  degradationPct,
  MIN_BASELINE_SAMPLES,
  MIN_WINDOW_SAMPLES,
  windowRange,
  type Range,
} from './baseline.js';

export interface PerformanceDeps {
  clock: Clock;
  ingest: IngestService;
  /** Every service (the report lists those without monitors too). */
  services: () => Promise<Service[]>;
  /** Every monitor's name and service. */
  monitors: () => Promise<Array<{ id: string; name: string; serviceId: string; kind: string }>>;
  /** Whether the service has an open alert with this dedup key. */
  isOpen: (serviceId: string, dedupKey: string) => Promise<boolean>;
  /** Check counts and latency percentiles over the ranges, pooled (monitors/monitorStats). */
  stats: (q: { ranges: Range[]; serviceId?: string }) => Promise<{ monitors: StatsRow[]; services: StatsRow[] }>;
}

/** The stretch degradation alerts look at. */
export const DEGRADATION_WINDOW_MS = 5 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;

const round = (n: number | null, digits = 1): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

/** One row of the report: the window's figures, its baseline's, and how much slower p95 is. */
function figures(current: StatsRow | undefined, baseline: StatsRow | undefined) {
  const count = current?.count ?? 0;
  const failures = current?.failures ?? 0;
  const enough = count >= MIN_WINDOW_SAMPLES && (baseline?.count ?? 0) >= MIN_BASELINE_SAMPLES;
  return {
    request_count: count,
    error_count: failures,
    error_rate: count > 0 ? round(failures / count, 4) : null,
    latency_ms: {
      p50: round(current?.p50 ?? null),
      p95: round(current?.p95 ?? null),
      p99: round(current?.p99 ?? null),
    },
    baseline: {
      request_count: baseline?.count ?? 0,
      error_rate: baseline && baseline.count > 0 ? round(baseline.failures / baseline.count, 4) : null,
      latency_ms: {
        p50: round(baseline?.p50 ?? null),
        p95: round(baseline?.p95 ?? null),
        p99: round(baseline?.p99 ?? null),
      },
    },
    // Too few checks on either side make a percentage that means nothing; say so with null.
    degradation_pct: enough ? degradationPct(current?.p95 ?? null, baseline?.p95 ?? null) : null,
  };
}

export function createPerformanceService({ clock, ingest, services, monitors, stats, isOpen }: PerformanceDeps) {
  let lastSweep = -Infinity;

  return {
    /** production-monitoring performance_report: per service and per monitor, the window against its baseline. */
    async report(actor: Actor, windowMs: number) {
      authorize(actor, 'read');
      const window = windowRange(windowMs, clock.now());
      const baseline = baselineRanges(window);
      const [now, before, allServices, allMonitors] = await Promise.all([
        stats({ ranges: [window] }),
        stats({ ranges: baseline }),
        services(),
        monitors(),
      ]);
      const key = (r: StatsRow) => r.monitorId ?? r.serviceId;
      const nowBy = new Map(now.services.concat(now.monitors).map((r) => [key(r), r]));
      const beforeBy = new Map(before.services.concat(before.monitors).map((r) => [key(r), r]));
      const monitorsOf = new Map<string, typeof allMonitors>();
      for (const m of allMonitors) monitorsOf.set(m.serviceId, [...(monitorsOf.get(m.serviceId) ?? []), m]);
      const rows = allServices.map((s) => {
        const own = figures(nowBy.get(s.id), beforeBy.get(s.id));
        return {
          id: s.id,
          name: s.name,
          ...own,
          status:
            own.degradation_pct !== null && degradationLevel(own.latency_ms.p95, own.baseline.latency_ms.p95) !== 'none'
              ? 'degraded'
              : 'normal',
          monitors: (monitorsOf.get(s.id) ?? []).map((m) => ({
            id: m.id,
            name: m.name,
            kind: m.kind,
            ...figures(nowBy.get(m.id), beforeBy.get(m.id)),
          })),
        };
      });
      const total = rows.reduce((sum, r) => sum + r.request_count, 0);
      const errors = rows.reduce((sum, r) => sum + r.error_count, 0);
      return {
        window: { from: window.from.toISOString(), to: window.to.toISOString() },
        baseline: {
          description:
            windowMs >= 86_400_000
              ? 'the 7 days before the window'
              : 'the same time of day on each of the 7 days before',
          ranges: baseline.length,
        },
        summary: {
          request_count: total,
          error_rate: total > 0 ? round(errors / total, 4) : null,
          degraded_services: rows.filter((r) => r.status === 'degraded').map((r) => r.name),
        },
        services: rows,
        source: 'response times of Vigil’s monitors (HTTP, TCP, PostgreSQL and auth checks)',
      };
    },

    /** Whether a minute has passed since the last sweep. */
    due: (now: Date) => now.getTime() - lastSweep >= SWEEP_INTERVAL_MS,

    /**
     * Raises, updates or resolves the degradation alert of every service; runs at most once a minute
     * (a 5-minute window moves little in less). Returns how many alerts it triggered or resolved.
     */
    async sweep(): Promise<number> {
      const at = clock.now();
      if (at.getTime() - lastSweep < SWEEP_INTERVAL_MS) return 0;
      lastSweep = at.getTime();
      const window = windowRange(DEGRADATION_WINDOW_MS, at);
      const [now, before] = await Promise.all([stats({ ranges: [window] }), stats({ ranges: baselineRanges(window) })]);
      const beforeBy = new Map(before.services.map((r) => [r.serviceId, r]));
      let sent = 0;
      for (const current of now.services) {
        const baseline = beforeBy.get(current.serviceId);
        const enough = current.count >= MIN_WINDOW_SAMPLES && (baseline?.count ?? 0) >= MIN_BASELINE_SAMPLES;
        if (!enough) continue;
        const pct = degradationPct(current.p95, baseline?.p95 ?? null);
        const level = degradationLevel(current.p95, baseline?.p95 ?? null);
        const event: AlertEvent = {
          format: 'performance',
          action: level === 'none' ? 'resolve' : 'trigger',
          dedupKey: `performance:${current.serviceId}`,
          summary:
            `p95 response time ${round(current.p95)} ms is ${pct}% above ` +
            `its baseline of ${round(baseline?.p95 ?? null)} ms`,
          source: 'vigil performance baseline',
          severity: 'warning',
          class: 'latency_degradation',
          customDetails: {
            latency_degradation_pct: pct,
            p95_ms: round(current.p95),
            baseline_p95_ms: round(baseline?.p95 ?? null),
            window_minutes: DEGRADATION_WINDOW_MS / 60_000,
            checks: current.count,
            baseline_checks: baseline?.count ?? 0,
          },
          links: [],
          images: [],
        };
        // A resolve with no open alert would change nothing; asking first keeps a healthy minute free of writes.
        if (event.action === 'resolve' && !(await isOpen(current.serviceId, event.dedupKey))) continue;
        await ingest.submit({ serviceId: current.serviceId, events: [event] });
        sent++;
      }
      return sent;
    },
  };
}

export type PerformanceService = ReturnType<typeof createPerformanceService>;
