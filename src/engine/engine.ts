// The engine sweeps due work once a second: escalations whose next level is due, response targets
// that passed unanswered, the automatic diagnostics of new P0/P1 incidents, status updates that are
// overdue, and (in a loop of its own) the notification outbox. Besides the tick, a timer wakes the
// sweep when the next escalation falls due; the rows stay the truth, the timer only saves waiting
// for the tick. Due work is rows with due times, so a restart loses nothing; claims are row locks
// (db/lease.ts) or conditional updates, so several instances on PostgreSQL do each piece of work
// once. New incidents wake the sweep early instead of waiting for the tick.
import type { App } from '../app.js';
import { yieldToEventLoop } from '../db/database.js';

export interface EngineLogger {
  error(obj: unknown, msg: string): void;
  info(obj: unknown, msg: string): void;
}

export interface Engine {
  /** Runs one sweep now (tests call this instead of waiting). */
  sweep(): Promise<void>;
  /** Runs one delivery sweep of the outbox now. */
  deliver(): Promise<void>;
  /** When the last sweep finished, for health reporting. */
  lastSweepAt(): Date | null;
  stop(): Promise<void>;
}

export function startEngine(app: App, logger: EngineLogger, intervalMs = 1000): Engine {
  let last: Date | null = null;
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let stopped = false;

  // A wake-up for the next escalation due before the next tick, so due rows do not wait out the tick.
  let early: ReturnType<typeof setTimeout> | undefined;
  async function wakeForNextDue(): Promise<void> {
    if (intervalMs <= 0 || stopped) return;
    const next = await app.escalation.nextDue();
    const delay = next ? next.getTime() - app.clock.now().getTime() : Infinity;
    if (delay >= intervalMs) return;
    if (early) clearTimeout(early);
    early = setTimeout(
      () => {
        early = undefined;
        if (!stopped) void sweep();
      },
      Math.max(0, delay),
    );
    early.unref();
  }

  async function sweepOnce(): Promise<void> {
    const escalated = await app.escalation.sweep();
    await wakeForNextDue();
    if (escalated > 0) {
      logger.info({ escalated }, 'escalations moved on');
      void deliver(); // the pages just written are due now
    }
    await yieldToEventLoop(); // each sweep below is its own transaction; requests get a turn between them
    const recorded = await app.incidents.recordBreaches();
    if (recorded > 0) logger.info({ recorded }, 'response targets missed');
    // Runs checks that may take a moment; the escalation sweep above has already gone.
    await yieldToEventLoop();
    const diagnosed = await app.diagnostics.sweep();
    if (diagnosed > 0) logger.info({ diagnosed }, 'new P0/P1 incidents diagnosed');
    const degraded = await app.performance.sweep(); // at most once a minute
    if (degraded > 0) logger.info({ degraded }, 'performance degradation alerts raised or resolved');
    await app.errors.sweep(); // error spikes back under their threshold resolve; alerts left due are retried
    await yieldToEventLoop();
    const reminded = await app.notify.remindOverdueUpdates();
    if (reminded > 0) {
      logger.info({ reminded }, 'status updates overdue');
      void deliver(); // the reminders just written are due now
    }
    last = app.clock.now();
  }

  function run(): Promise<void> {
    running = sweepOnce()
      .catch((err: unknown) => logger.error({ err }, 'engine sweep failed'))
      .finally(() => {
        running = null;
      });
    return running;
  }

  /**
   * One sweep at a time. A call during a sweep gets the next one, which starts when the current one
   * ends (so it sees whatever changed meanwhile); calls during that wait share it.
   */
  function sweep(): Promise<void> {
    if (!running) return run();
    queued ??= running.then(() => {
      queued = null;
      return stopped ? undefined : run();
    });
    return queued;
  }

  app.escalation.setWaker(() => {
    if (!stopped) void sweep();
  });

  // Delivery runs apart from the sweep: a slow receiver must not hold up escalations.
  let delivering: Promise<void> | null = null;
  function deliver(): Promise<void> {
    delivering ??= (async () => {
      // Keep going while full batches come back, so a backlog drains without waiting a tick per batch.
      while (!stopped && (await app.dispatcher.sweep()) > 0);
    })()
      .catch((err: unknown) => logger.error({ err }, 'delivery sweep failed'))
      .finally(() => {
        delivering = null;
      });
    return delivering;
  }

  const timer =
    intervalMs > 0
      ? setInterval(() => {
          void sweep();
          void deliver();
        }, intervalMs)
      : undefined;
  timer?.unref();
  // Monitor checks run in a loop of their own (monitors/runner.ts): a slow target must not hold up the sweep.
  const monitorLoop = intervalMs > 0 ? app.monitors.runner.start(logger) : undefined;

  return {
    sweep,
    deliver,
    lastSweepAt: () => last,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      if (early) clearTimeout(early);
      await queued;
      await running;
      await delivering;
      await monitorLoop?.stop();
    },
  };
}
