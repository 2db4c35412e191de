// The engine sweeps due work once a second: for now, response targets that passed unanswered.
// Due work is rows with due times, so a restart loses nothing; each claim is a conditional update,
// so several instances on PostgreSQL record each event once.
import type { App } from '../app.js';

export interface EngineLogger {
  error(obj: unknown, msg: string): void;
  info(obj: unknown, msg: string): void;
}

export interface Engine {
  /** Runs one sweep now (tests call this instead of waiting). */
  sweep(): Promise<void>;
  /** When the last sweep finished, for health reporting. */
  lastSweepAt(): Date | null;
  stop(): Promise<void>;
}

export function startEngine(app: App, logger: EngineLogger, intervalMs = 1000): Engine {
  let last: Date | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function sweepOnce(): Promise<void> {
    const recorded = await app.incidents.recordBreaches();
    if (recorded > 0) logger.info({ recorded }, 'response targets missed');
    last = app.clock.now();
  }

  function sweep(): Promise<void> {
    // One sweep at a time; a tick that finds one running waits for it rather than overlapping.
    running ??= sweepOnce()
      .catch((err: unknown) => logger.error({ err }, 'engine sweep failed'))
      .finally(() => {
        running = null;
      });
    return running;
  }

  const timer = intervalMs > 0 ? setInterval(() => void sweep(), intervalMs) : undefined;
  timer?.unref();

  return {
    sweep,
    lastSweepAt: () => last,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
