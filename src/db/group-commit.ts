// Group commit: many concurrent requests share one transaction. Items wait at most `maxWaitMs` (or
// until `maxBatch` are queued) and each caller's promise settles only after the transaction that
// holds its item has committed, so a 2xx still means "durable". The queue is bounded: past
// `maxQueue` waiting items, submit() refuses at once (admission control) instead of growing memory.
import { AppError } from '../errors.js';

/** Queued items that make a batch worth committing without waiting out maxWaitMs. */
export const EAGER_BATCH = 16;

export interface GroupCommitOptions {
  maxBatch: number;
  maxQueue: number;
  maxWaitMs: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * `runBatch` runs one transaction for the items and returns one result per item, in order. When a
 * batch fails, each of its items is retried alone, so one poisoned item fails only its own caller.
 */
export class GroupCommitter<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private running = false;
  private timer:
    | { kind: 'timeout'; handle: ReturnType<typeof setTimeout> }
    | { kind: 'immediate'; handle: ReturnType<typeof setImmediate> }
    | undefined;
  private closed = false;

  constructor(
    private readonly runBatch: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions,
    /** The first segment of the error codes its refusals carry ("ingest.saturated"). */
    private readonly name = 'ingest',
  ) {}

  /** Items waiting for a transaction, for health reporting. */
  get depth(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    if (this.closed)
      return Promise.reject(new AppError(`${this.name}.unavailable`, 'the server is shutting down; retry shortly'));
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new AppError(
          `${this.name}.saturated`,
          'the server is saturated; retry after a second',
          { retry_after_s: 1 },
          'rate_limited',
        ),
      );
    }
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Stops taking items and waits for the queued ones to commit. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.running) {
      if (!this.running) void this.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private schedule(): void {
    if (this.running) return; // the running flush takes the next batch when it ends
    if (this.queue.length >= this.options.maxBatch) {
      if (this.timer) this.cancelTimer(this.timer);
      this.timer = undefined;
      void this.flush();
      return;
    }
    // Enough for a worthwhile transaction (or no wait configured): commit once this turn of the event
    // loop has handed over every request it read. Fewer: wait up to maxWaitMs for company, since each
    // commit costs an fsync and a trickle of one-event transactions would spend the time on those.
    const eager = this.options.maxWaitMs === 0 || this.queue.length >= Math.min(EAGER_BATCH, this.options.maxBatch);
    if (this.timer && (!eager || this.timer.kind === 'immediate')) return;
    if (this.timer) this.cancelTimer(this.timer);
    const fire = () => {
      this.timer = undefined;
      void this.flush();
    };
    this.timer = eager
      ? { kind: 'immediate', handle: setImmediate(fire) }
      : { kind: 'timeout', handle: setTimeout(fire, this.options.maxWaitMs) };
  }

  private cancelTimer(timer: NonNullable<typeof this.timer>): void {
    if (timer.kind === 'immediate') clearImmediate(timer.handle);
    else clearTimeout(timer.handle);
  }

  private async flush(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        await this.commit(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Array<Pending<T, R>>): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const p of batch) {
        try {
          const [result] = await this.runBatch([p.item]);
          p.resolve(result as R);
        } catch (single) {
          p.reject(single);
        }
      }
    }
  }
}
