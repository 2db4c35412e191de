// The fault schedule: which faults happen when, derived from the seed alone, so a failing run can be
// replayed. Times are milliseconds from the start of the load. The counts grow with the run's length
// (a 30-minute run gets 23 kills, 5 SIGTERMs and 3 PostgreSQL restarts; the 2-minute run 2, 1 and 1).
//
// Faults that take an instance away (kill, SIGTERM, clock skew, which restarts it twice) reserve it
// for their whole span plus a restart margin, and never all instances are away at once, so the load
// always has somewhere to go and each fault's effect can be told apart from the next one's.
import type { Random } from './random.js';

export const RECEIVERS = ['webhook', 'slack', 'sms', 'email'] as const;
export type ReceiverName = (typeof RECEIVERS)[number];
export type ReceiverMode = 'healthy' | 'slow' | 'error' | 'timeout';

export type Fault =
  | { kind: 'kill'; atMs: number; instance: number; downMs: number }
  | { kind: 'sigterm'; atMs: number; instance: number; downMs: number }
  | { kind: 'pg-restart'; atMs: number; downMs: number }
  | {
      kind: 'receiver';
      atMs: number;
      durationMs: number;
      receiver: ReceiverName;
      mode: Exclude<ReceiverMode, 'healthy'>;
    }
  | { kind: 'skew'; atMs: number; durationMs: number; instance: number; offsetSeconds: number }
  | { kind: 'burst'; atMs: number; instance: number; requests: number };

export type FaultKind = Fault['kind'];

export interface ScheduleInput {
  minutes: number;
  instances: number;
}

/** How many of each fault a run of `minutes` gets. */
export function faultCounts(minutes: number): Record<Exclude<FaultKind, 'receiver'>, number> & { receiver: number } {
  return {
    kill: Math.max(2, Math.ceil(minutes * 0.75)),
    sigterm: Math.max(1, Math.round(minutes / 6)),
    'pg-restart': Math.max(1, Math.round(minutes / 10)),
    skew: Math.max(1, Math.round(minutes / 10)),
    burst: Math.max(1, Math.round(minutes / 5)),
    /** Windows per receiver. */
    receiver: Math.max(1, Math.round(minutes * 0.8)),
  };
}

/** Time an instance needs after its process starts before it answers /readyz, and some slack. */
const RESTART_MARGIN_MS = 15_000;
/** No fault starts in the first seconds (the load warms up) or the last ones (the run winds down). */
const LEAD_MS = 15_000;
const TAIL_MS = 20_000;

/** `count` times spread over [from, to): one per equal slot, at a random place inside it. */
function spread(random: Random, count: number, from: number, to: number): number[] {
  const width = (to - from) / count;
  return Array.from({ length: count }, (_, i) => Math.round(from + i * width + random.between(0.1, 0.9) * width));
}

/** Busy spans of each instance, to keep faults on one instance apart and one instance always up. */
class Reservations {
  private readonly spans: Array<{ instance: number; from: number; to: number }> = [];
  constructor(private readonly instances: number) {}

  /** The instances free over [from, to) such that at least one other instance stays free too. */
  free(from: number, to: number): number[] {
    const overlapping = this.spans.filter((s) => s.from < to && from < s.to);
    const busy = new Set(overlapping.map((s) => s.instance));
    if (this.instances > 1 && busy.size >= this.instances - 1) return [];
    return Array.from({ length: this.instances }, (_, i) => i).filter((i) => !busy.has(i));
  }

  take(instance: number, from: number, to: number): void {
    this.spans.push({ instance, from, to });
  }
}

/**
 * Places one instance fault near each of the spread times: on a random free instance, at the wanted
 * time or the nearest second around it (later first) where one is free, within [from, end); a fault
 * with no room at all is dropped. `make` draws the fault's own numbers once per wanted time.
 */
function placeOnInstances<F extends Fault>(
  random: Random,
  reservations: Reservations,
  times: number[],
  range: { from: number; end: number },
  make: (wantedMs: number) => { spanMs: number; build: (atMs: number, instance: number) => F },
): F[] {
  const placed: F[] = [];
  for (const wanted of times) {
    const { spanMs, build } = make(wanted);
    const reach = Math.max(wanted - range.from, range.end - wanted);
    for (let step = 0; step <= reach; step += 1000) {
      const at = (step === 0 ? [wanted] : [wanted + step, wanted - step]).find(
        (t) => t >= range.from && t < range.end && reservations.free(t, t + spanMs).length > 0,
      );
      if (at === undefined) continue;
      const instance = random.pick(reservations.free(at, at + spanMs));
      reservations.take(instance, at, at + spanMs);
      placed.push(build(at, instance));
      break;
    }
  }
  return placed;
}

/** The whole schedule for a run, sorted by start time. Same random stream, same schedule. */
export function planFaults(random: Random, input: ScheduleInput): Fault[] {
  const durationMs = Math.round(input.minutes * 60_000);
  const from = LEAD_MS;
  const to = Math.max(from + 10_000, durationMs - TAIL_MS);
  const counts = faultCounts(input.minutes);
  const reservations = new Reservations(input.instances);
  const range = { from, end: to };
  const faults: Fault[] = [];

  // Skew windows first (they hold an instance longest), then SIGTERMs (few), then the many kills.
  const skewRandom = random.fork('skew');
  faults.push(
    ...placeOnInstances(skewRandom, reservations, spread(skewRandom, counts.skew, from, to), range, (wanted) => {
      const durationMs = Math.round(
        Math.min(60_000, Math.max(20_000, (to - wanted) * 0.5)) * skewRandom.between(0.6, 1),
      );
      const offsetSeconds = skewRandom.chance(0.5) ? 30 : -30;
      return {
        spanMs: durationMs + 2 * RESTART_MARGIN_MS,
        build: (atMs, instance) => ({ kind: 'skew', atMs, durationMs, instance, offsetSeconds }),
      };
    }),
  );

  const termRandom = random.fork('sigterm');
  faults.push(
    ...placeOnInstances(termRandom, reservations, spread(termRandom, counts.sigterm, from, to), range, () => {
      const downMs = termRandom.int(2_000, 8_000);
      // A graceful stop may take a while (sends in flight finish first): reserve for that too.
      return {
        spanMs: downMs + 2 * RESTART_MARGIN_MS,
        build: (atMs, instance) => ({ kind: 'sigterm', atMs, instance, downMs }),
      };
    }),
  );

  const killRandom = random.fork('kill');
  faults.push(
    ...placeOnInstances(killRandom, reservations, spread(killRandom, counts.kill, from, to), range, () => {
      const downMs = killRandom.int(2_000, 10_000);
      return {
        spanMs: downMs + RESTART_MARGIN_MS,
        build: (atMs, instance) => ({ kind: 'kill', atMs, instance, downMs }),
      };
    }),
  );

  const pgRandom = random.fork('pg');
  for (const atMs of spread(pgRandom, counts['pg-restart'], from, to))
    faults.push({ kind: 'pg-restart', atMs, downMs: pgRandom.int(2_000, 8_000) });

  const burstRandom = random.fork('burst');
  for (const atMs of spread(burstRandom, counts.burst, from, to))
    faults.push({
      kind: 'burst',
      atMs,
      instance: burstRandom.int(0, input.instances - 1),
      requests: burstRandom.int(200, 400),
    });

  const receiverRandom = random.fork('receivers');
  for (const receiver of RECEIVERS) {
    for (const atMs of spread(receiverRandom, counts.receiver, from, to)) {
      faults.push({
        kind: 'receiver',
        atMs,
        durationMs: receiverRandom.int(8_000, 30_000),
        receiver,
        mode: receiverRandom.pick(['slow', 'error', 'timeout'] as const),
      });
    }
  }
  return faults.sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind));
}

/** One line per fault, for the start of a run and the report. */
export function describeFault(f: Fault): string {
  const at = `+${(f.atMs / 1000).toFixed(1)}s`;
  switch (f.kind) {
    case 'kill':
      return `${at} kill -9 instance ${f.instance}, restart after ${(f.downMs / 1000).toFixed(1)}s`;
    case 'sigterm':
      return `${at} SIGTERM instance ${f.instance} under load, restart after ${(f.downMs / 1000).toFixed(1)}s`;
    case 'pg-restart':
      return `${at} PostgreSQL stop -m fast, start after ${(f.downMs / 1000).toFixed(1)}s`;
    case 'receiver':
      return `${at} ${f.receiver} receiver ${f.mode} for ${(f.durationMs / 1000).toFixed(1)}s`;
    case 'skew':
      return (
        `${at} instance ${f.instance} clock ${f.offsetSeconds > 0 ? '+' : ''}${f.offsetSeconds}s ` +
        `for ${(f.durationMs / 1000).toFixed(1)}s`
      );
    case 'burst':
      return `${at} burst of ${f.requests} concurrent requests at instance ${f.instance}`;
  }
}
