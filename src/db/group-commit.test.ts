import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import { EAGER_BATCH, GroupCommitter } from './group-commit.js';

describe('GroupCommitter', () => {
  it('puts concurrent submissions into few batches and answers each with its own result', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        batches.push(items);
        await new Promise((r) => setTimeout(r, 5));
        return items.map((n) => n * 2);
      },
      { maxBatch: 50, maxQueue: 1000, maxWaitMs: 2 },
    );
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => gc.submit(i)));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(batches.length).toBeLessThanOrEqual(5);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(50);
  });

  it('with maxWaitMs 0, commits what one turn of the event loop submitted as one batch, without a timer', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        batches.push(items);
        return items;
      },
      { maxBatch: 100, maxQueue: 1000, maxWaitMs: 0 },
    );
    // Timers frozen: a committer waiting on setTimeout would never answer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await Promise.all(Array.from({ length: 30 }, (_, i) => gc.submit(i)));
      await Promise.all(Array.from({ length: 5 }, (_, i) => gc.submit(100 + i)));
    } finally {
      vi.useRealTimers();
    }
    expect(batches).toEqual([Array.from({ length: 30 }, (_, i) => i), [100, 101, 102, 103, 104]]);
  });

  it('commits a full enough batch at once, and waits up to maxWaitMs only for a trickle', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        batches.push(items);
        return items;
      },
      { maxBatch: 512, maxQueue: 1000, maxWaitMs: 60_000 },
    );
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // EAGER_BATCH items arrive in one turn: committed without waiting out the (frozen) timer.
      await Promise.all(Array.from({ length: EAGER_BATCH }, (_, i) => gc.submit(i)));
      expect(batches).toHaveLength(1);
      // A lone item waits for company until the timer fires.
      const lone = gc.submit(99);
      await new Promise((r) => setImmediate(r));
      expect(batches).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(60_000);
      await lone;
      expect(batches).toEqual([Array.from({ length: EAGER_BATCH }, (_, i) => i), [99]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not answer before the batch has run', async () => {
    let committed = false;
    const gc = new GroupCommitter<number, boolean>(
      async (items) => {
        await new Promise((r) => setTimeout(r, 20));
        committed = true;
        return items.map(() => committed);
      },
      { maxBatch: 10, maxQueue: 10, maxWaitMs: 1 },
    );
    expect(await gc.submit(1)).toBe(true);
  });

  it('refuses with rate_limited once the queue is full, and takes items again after it drains', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        await gate;
        return items;
      },
      { maxBatch: 2, maxQueue: 4, maxWaitMs: 1 },
    );
    const first = [gc.submit(1), gc.submit(2)];
    await new Promise((r) => setTimeout(r, 10)); // first batch is now running and blocked
    const queued = [gc.submit(3), gc.submit(4), gc.submit(5), gc.submit(6)];
    const refused = await gc.submit(7).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).kind).toBe('rate_limited');
    release();
    expect(await Promise.all([...first, ...queued])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await gc.submit(8)).toBe(8);
  });

  it('retries a failed batch item by item so one poisoned item fails alone', async () => {
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        if (items.includes(13)) throw new Error('poison');
        return items;
      },
      { maxBatch: 10, maxQueue: 100, maxWaitMs: 5 },
    );
    const results = await Promise.allSettled([1, 13, 2].map((n) => gc.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('drains queued items on close and then refuses new ones', async () => {
    const seen: number[] = [];
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        seen.push(...items);
        return items;
      },
      { maxBatch: 10, maxQueue: 100, maxWaitMs: 50 },
    );
    const pending = gc.submit(1);
    await gc.close();
    expect(await pending).toBe(1);
    expect(seen).toEqual([1]);
    await expect(gc.submit(2)).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
