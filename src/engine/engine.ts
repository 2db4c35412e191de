// The engine runs due work: an ordered list of sweeps (escalations, response targets, diagnostics,
// performance, error spikes, status-update reminders; app.ts registers them) once a second, and the
// notification outbox's delivery in a lane of its own, so a slow receiver never holds up an
// escalation. Due work is rows with due times, so a restart loses nothing; claims are row locks
// (db/lease.ts) or conditional updates, so several instances on PostgreSQL do each piece once.
//
// Sweeps are isolated: one that throws is logged with its name and counted
// (vigil_sweep_failures_total{sweep}), and the ones after it still run. One that PostgreSQL aborted to break
// a deadlock or a serialization conflict (its transaction rolled back, nothing half-done) is run again, up
// to RETRIES times, and counted (vigil_sweep_retries_total{sweep,reason}). Besides the tick, the engine
// runs early when told that work became due at once (wake, from an after-commit hook), and a timer
// wakes it for a due time that falls before the next tick. Timers only wake the sweep; the rows stay
// the truth.
import type { Clock } from '../clock.js';
import { conflictOf, type Conflict } from '../db/conflicts.js';
import { yieldToEventLoop } from '../db/database.js';

/** How many times a sweep aborted by a deadlock or serialization conflict is run again before it counts as failed. */
const RETRIES = 3;

export interface EngineLogger {
  error(obj: unknown, msg: string): void;
  info(obj: unknown, msg: string): void;
}

/**
 * One kind of due work. A sweep opens its own transactions: several commit in slices (25 escalations
 * at a time, requests served between them) or call out between transactions (diagnostics run the
 * runbook's checks, error spikes and degradation go through ingestion), which one transaction held by
 * the engine would forbid.
 */
export interface Sweep {
  /** Its name in logs and in vigil_sweep_failures_total{sweep}. */
  readonly name: string;
  /** Whether it runs at `now`: a cheap check of its own (once a minute, say); the rows it finds decide the rest. */
  due(now: Date): boolean;
  /** Works what is due; resolves to how many items it moved (0: nothing was due). */
  run(): Promise<number>;
  /** The log line when it moved something, e.g. "escalations moved on". */
  readonly moved: string;
  /** What it writes is to be delivered at once: the delivery lane runs as soon as it moved something. */
  readonly delivers?: boolean;
  /** When its next item falls due, for a wake-up before the next tick (escalations know it). */
  nextDue?(): Promise<Date | null>;
}

/** Work that runs in a loop of its own while the engine runs (the monitor checks). */
export interface Loop {
  start(logger: EngineLogger): { stop(): Promise<void> };
}

export interface EngineParts {
  clock: Clock;
  /** Run in this order, once per tick. */
  sweeps: readonly Sweep[];
  /** One delivery sweep of the outbox; resolves to how many rows it worked. */
  deliver: () => Promise<number>;
  loops?: readonly Loop[];
}

/** The name the delivery lane's failures are counted under. */
export const DELIVERY = 'delivery';

export interface Engine {
  /**
   * Starts ticking every `intervalMs`, with the loops and the early wake-ups; with 0 there is no tick,
   * timer or loop, and tests run each sweep themselves. Wake-ups after a commit (`wake`) run a sweep
   * either way, unless `wake: false` (tests that decide alone when sweeps run). Returns the engine.
   */
  start(logger: EngineLogger, intervalMs?: number, options?: { wake?: boolean }): Engine;
  /** Runs the sweeps now (tests call this instead of waiting); a call during a sweep gets the next one. */
  sweep(): Promise<void>;
  /** Runs the delivery lane now, until a sweep of it finds less than a full batch. */
  deliver(): Promise<void>;
  /** Asks for a sweep now (a commit made work due); nothing before start or after stop. */
  wake(): void;
  /** When the last tick ended with every sweep succeeding, for health reporting. */
  lastSweepAt(): Date | null;
  /** Failures so far per sweep name (delivery included), every sweep listed. */
  failures(): ReadonlyMap<string, number>;
  /** Runs again after a deadlock or serialization conflict, per sweep name and kind of conflict. */
  retries(): ReadonlyArray<{ sweep: string; reason: Conflict; count: number }>;
  stop(): Promise<void>;
}

export function createEngine({ clock, sweeps, deliver: deliverOnce, loops = [] }: EngineParts): Engine {
  let logger: EngineLogger | undefined;
  let intervalMs = 0;
  let wakes = true;
  let started = false;
  let stopped = false;
  let last: Date | null = null;
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let delivering: Promise<void> | null = null;
  let deliverAgain = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let early: ReturnType<typeof setTimeout> | undefined;
  let loopHandles: Array<{ stop(): Promise<void> }> = [];
  const failures = new Map<string, number>([...sweeps.map((s): [string, number] => [s.name, 0]), [DELIVERY, 0]]);

  const retries = new Map<string, { sweep: string; reason: Conflict; count: number }>();

  function failed(name: string, err: unknown): void {
    failures.set(name, (failures.get(name) ?? 0) + 1);
    logger?.error({ err, sweep: name }, `sweep ${name} failed`);
  }

  /**
   * `work`, run again while PostgreSQL aborts it to break a deadlock or a serialization conflict (the whole
   * transaction rolled back, so running it again is safe), at most RETRIES times, each run counted.
   */
  async function retrying<T>(name: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        const reason = conflictOf(err);
        if (!reason || attempt >= RETRIES || stopped) throw err;
        const key = `${name}\n${reason}`;
        const entry = retries.get(key) ?? { sweep: name, reason, count: 0 };
        entry.count += 1;
        retries.set(key, entry);
        logger?.info({ sweep: name, reason, attempt: attempt + 1 }, `sweep ${name} hit a ${reason}; running it again`);
        // The other party of the conflict goes on; a short pause (spread out) keeps the two from meeting again.
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20)));
      }
    }
  }

  /** A wake-up for a due time before the next tick, so due rows do not wait out the tick. */
  async function wakeBefore(sweep: Sweep): Promise<void> {
    if (!sweep.nextDue || intervalMs <= 0 || stopped) return;
    const next = await sweep.nextDue();
    const delay = next ? next.getTime() - clock.now().getTime() : Infinity;
    if (delay >= intervalMs) return;
    if (early) clearTimeout(early);
    early = setTimeout(
      () => {
        early = undefined;
        if (!stopped) void sweepAll();
      },
      Math.max(0, delay),
    );
    early.unref();
  }

  async function tick(): Promise<void> {
    let allWell = true;
    for (const sweep of sweeps) {
      try {
        if (!sweep.due(clock.now())) continue;
        const moved = await retrying(sweep.name, () => sweep.run());
        await wakeBefore(sweep);
        if (moved > 0) {
          logger?.info({ sweep: sweep.name, moved }, sweep.moved);
          if (sweep.delivers) void deliver(); // what it wrote is due now
        }
      } catch (err) {
        allWell = false;
        failed(sweep.name, err);
      }
      await yieldToEventLoop(); // each sweep is its own work; requests get a turn between them
    }
    if (allWell) last = clock.now();
  }

  function run(): Promise<void> {
    running = tick().finally(() => {
      running = null;
    });
    return running;
  }

  /**
   * One sweep at a time. A call during a sweep gets the next one, which starts when the current one
   * ends (so it sees whatever changed meanwhile); calls during that wait share it.
   */
  function sweepAll(): Promise<void> {
    if (!running) return run();
    queued ??= running.then(() => {
      queued = null;
      return stopped ? undefined : run();
    });
    return queued;
  }

  /**
   * One delivery run at a time. A call during a run is not lost: the rows its caller just wrote may
   * have been committed after the run's last look at the outbox, so the run looks once more before it
   * ends (without that, such rows waited for the next tick).
   */
  function deliver(): Promise<void> {
    if (delivering) {
      deliverAgain = true;
      return delivering;
    }
    delivering = (async () => {
      do {
        deliverAgain = false;
        // Keep going while batches come back, so a backlog drains without waiting a tick per batch.
        while (!stopped && (await retrying(DELIVERY, deliverOnce)) > 0);
      } while (deliverAgain && !stopped);
    })()
      .catch((err: unknown) => failed(DELIVERY, err))
      .finally(() => {
        delivering = null;
      });
    return delivering;
  }

  const engine: Engine = {
    start(log, every = 1000, { wake = true } = {}) {
      if (started) throw new Error('the engine is already started');
      started = true;
      logger = log;
      intervalMs = every;
      wakes = wake;
      if (intervalMs > 0) {
        timer = setInterval(() => {
          void sweepAll();
          void deliver();
        }, intervalMs);
        timer.unref();
        loopHandles = loops.map((loop) => loop.start(log));
      }
      return engine;
    },
    sweep: sweepAll,
    deliver,
    // Called from an after-commit hook, inside the committing caller's continuation: the sweep starts on
    // the next turn of the event loop, so it neither runs inside that caller's flow nor delays its answer.
    wake() {
      if (started && wakes && !stopped) setImmediate(() => void sweepAll());
    },
    lastSweepAt: () => last,
    failures: () => failures,
    retries: () => [...retries.values()],
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      if (early) clearTimeout(early);
      await queued;
      await running;
      await delivering;
      await Promise.all(loopHandles.map((loop) => loop.stop()));
    },
  };
  return engine;
}
