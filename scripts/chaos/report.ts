// The end of a run in words: what was injected, how the load and receivers fared, how Vigil answered
// while PostgreSQL was down, and the invariants as a table, ending in PASS or FAIL. A failing run
// names its seed and the first violated invariant's incidents and delivery ids.
import type { LogSummary } from './instance-logs.js';
import type { InvariantResult } from './invariants/index.js';
import type { Attempt, LoadStats } from './load.js';
import type { Delivery, FaultRecord } from './records.js';
import { RECEIVERS } from './schedule.js';

export interface RunSummary {
  seed: string;
  minutes: number;
  instances: number;
  commit: string;
  machine: string;
  faults: FaultRecord[];
  skippedFaults: number;
  load: LoadStats;
  attempts: readonly Attempt[];
  deliveries: readonly Delivery[];
  bursts: ReadonlyArray<{ requests: number; ok: number; statuses: Record<string, number>; slowestMs: number }>;
  results: InvariantResult[];
  logs: LogSummary;
}

/** Counts of faults by kind, receiver faults by mode: "kill 2, sigterm 1, …". */
export function faultsInjected(faults: readonly FaultRecord[]): string {
  const kinds = ['kill', 'sigterm', 'pg-restart', 'skew', 'burst', 'receiver'] as const;
  return kinds
    .map((kind) => {
      const of = faults.filter((f) => f.kind === kind);
      if (kind === 'receiver') {
        const modes = ['slow', 'error', 'timeout'].map((m) => `${m} ${of.filter((f) => f.mode === m).length}`);
        return `receiver windows ${of.length} (${modes.join(', ')})`;
      }
      if (kind === 'sigterm')
        return `sigterm ${of.length} (${of.filter((f) => f.escalatedToKill).length} needed SIGKILL)`;
      return `${kind} ${of.length}`;
    })
    .join(', ');
}

/** How ingest answered requests that began while PostgreSQL was down (or within 2 s of it coming back). */
export function outageAnswers(faults: readonly FaultRecord[], attempts: readonly Attempt[]): string {
  const outages = faults.filter((f) => f.kind === 'pg-restart');
  const during = attempts.filter((a) => {
    const began = a.atMs - a.ms;
    const ingest = a.path.startsWith('/v2/') || a.path.startsWith('/api/v1/integrations/');
    return ingest && outages.some((o) => began >= o.startMs && began <= o.endMs + 2000);
  });
  if (during.length === 0) return 'no ingest requests during PostgreSQL outages';
  const by = new Map<string, number>();
  for (const a of during) {
    const key =
      a.status === 0
        ? a.error === 'ECONNREFUSED'
          ? 'connection refused (instance down)'
          : /timeout|abort/i.test(a.error ?? '')
            ? 'no answer in 10 s'
            : `no answer (${a.error})`
        : `${a.status}`;
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  const slowest = Math.max(...during.map((a) => a.ms));
  return (
    [...by]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') + ` (slowest ${(slowest / 1000).toFixed(1)} s)`
  );
}

export function receiverCounts(deliveries: readonly Delivery[]): string {
  return RECEIVERS.map((r) => {
    const of = deliveries.filter((d) => d.receiver === r);
    const by = (o: Delivery['outcome']) => of.filter((d) => d.outcome === o).length;
    return `${r} ${of.length} (ok ${by('ok')}, refused ${by('error')}, sender left ${by('aborted')})`;
  }).join('; ');
}

/** The invariants as a fixed-width table. */
export function invariantTable(results: readonly InvariantResult[]): string {
  const width = Math.max(...results.map((r) => r.title.length));
  const figureWidth = Math.max(6, ...results.map((r) => r.figure.length));
  const rows = results.map((r, i) => {
    const verdict = r.holds ? 'holds' : 'FAILS';
    return `${String(i + 1).padStart(2)}  ${r.title.padEnd(width)}  ${r.figure.padEnd(figureWidth)}  ${verdict}`;
  });
  return [`${' #'}  ${'invariant'.padEnd(width)}  ${'figure'.padEnd(figureWidth)}  result`, ...rows].join('\n');
}

/** The whole report, as printed at the end of a run. */
export function renderReport(s: RunSummary): string {
  const failed = s.results.filter((r) => !r.holds);
  const lines = [
    '',
    `Vigil chaos run: seed ${s.seed}, ${s.instances} instances, ${s.minutes} min, commit ${s.commit}`,
    `machine: ${s.machine}`,
    `faults injected: ${faultsInjected(s.faults)}${s.skippedFaults ? `; skipped ${s.skippedFaults}` : ''}`,
    `load: planned ${s.load.planned}, sent ${s.load.sent}, answered 2xx ${s.load.answered}, ` +
      `gave up ${s.load.gaveUp}, refused ${s.load.refused}, needed a retry ${s.load.retried}; ` +
      `API acknowledgements on page ${s.load.reactiveAcks} (already answered: ${s.load.ackConflicts})`,
    `ingest while PostgreSQL was down: ${outageAnswers(s.faults, s.attempts)}`,
    `bursts: ${
      s.bursts
        .map(
          (b) =>
            `${b.ok}/${b.requests} answered 2xx (` +
            `${Object.entries(b.statuses)
              .map(([k, v]) => `${k}×${v}`)
              .join(' ')}, slowest ${(b.slowestMs / 1000).toFixed(1)} s)`,
        )
        .join('; ') || 'none'
    }`,
    `receivers: ${receiverCounts(s.deliveries)}`,
    `instance logs: ${s.logs.errors} error lines, ${s.logs.deadlocks} mentioning a deadlock (40P01)`,
    ...s.logs.top.map((t) => `  ${t}`),
    '',
    invariantTable(s.results),
    '',
    ...s.results.flatMap((r, i) => r.notes.map((n) => `  (${i + 1}) ${n}`)),
    '',
    failed.length === 0
      ? 'PASS: every invariant holds'
      : `FAIL: ${failed.length} of ${s.results.length} invariants fail`,
  ];
  const first = failed[0];
  if (first) {
    lines.push(`seed ${s.seed}; first violated invariant: ${first.title} (${first.violations.length} violations)`);
    for (const v of first.violations.slice(0, 10)) {
      lines.push(`  - ${v.detail}`);
      if (v.incidentIds.length) lines.push(`    incidents: ${v.incidentIds.join(', ')}`);
      if (v.deliveryIds.length) lines.push(`    delivery ids: ${v.deliveryIds.slice(0, 12).join(', ')}`);
    }
    if (first.violations.length > 10) lines.push(`  … ${first.violations.length - 10} more in the JSON report`);
  }
  return lines.join('\n');
}
