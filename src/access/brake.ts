// A brute-force brake for sign-in: after MAX failures within WINDOW for one key (a handle, an IP),
// further attempts for that key are refused until the oldest failure leaves the window. Kept in
// memory per instance: with several instances an attacker gets that many times the attempts, which
// still turns millions of guesses into a handful per quarter hour.

export const BRAKE_MAX_FAILURES = 10;
export const BRAKE_WINDOW_MS = 15 * 60_000;
/** Bound on remembered keys, so a flood of made-up handles cannot grow memory without limit. */
const MAX_KEYS = 50_000;

export class Brake {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = BRAKE_MAX_FAILURES,
    private readonly windowMs = BRAKE_WINDOW_MS,
  ) {}

  /** Seconds until any of `keys` may try again, or 0 when none is braked. */
  retryAfter(keys: string[], now: Date): number {
    let wait = 0;
    for (const key of keys) {
      const times = this.recent(key, now);
      if (times.length >= this.max)
        wait = Math.max(
          wait,
          Math.ceil(((times[times.length - this.max] as number) + this.windowMs - now.getTime()) / 1000),
        );
    }
    return wait;
  }

  fail(keys: string[], now: Date): void {
    if (this.failures.size >= MAX_KEYS) this.prune(now);
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now.getTime()].slice(-this.max));
  }

  /** Forgets a key's failures (a handle that signed in correctly). */
  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: Date): number[] {
    const since = now.getTime() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(now: Date): void {
    for (const key of [...this.failures.keys()]) if (this.recent(key, now).length === 0) this.failures.delete(key);
    if (this.failures.size >= MAX_KEYS) this.failures.clear();
  }
}
