// Performance baselines, as pure functions of `now`: which stretches of the past a window is compared
// with, how much slower it is, and what that means under the runbook's thresholds (p95 more than
// 100 % over its baseline is a P2, more than 200 % a P1).

export interface Range {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;
/** How many days back the baseline reaches. */
export const BASELINE_DAYS = 7;

/** The window ending at `now`. */
export function windowRange(windowMs: number, now: Date): Range {
  return { from: new Date(now.getTime() - windowMs), to: now };
}

/**
 * The baseline of a window: the same stretch of the day on each of the previous seven days, so a
 * 15-minute window at 14:00 is compared with 14:00 on the days before (traffic has a daily shape).
 * A window of a day or more has no time of day; it is compared with the seven days before it.
 */
export function baselineRanges(window: Range): Range[] {
  const length = window.to.getTime() - window.from.getTime();
  if (length >= DAY_MS) return [{ from: new Date(window.from.getTime() - BASELINE_DAYS * DAY_MS), to: window.from }];
  return Array.from({ length: BASELINE_DAYS }, (_, i) => ({
    from: new Date(window.from.getTime() - (i + 1) * DAY_MS),
    to: new Date(window.to.getTime() - (i + 1) * DAY_MS),
  }));
}

/** How much slower `current` is than `baseline`, in whole percent (negative when faster); null without both. */
export function degradationPct(current: number | null, baseline: number | null): number | null {
  if (current === null || baseline === null || baseline <= 0) return null;
  return Math.round(((current - baseline) / baseline) * 100);
}

/** Fewer checks than these in the window or its baseline say nothing about a trend. */
export const MIN_WINDOW_SAMPLES = 5;
export const MIN_BASELINE_SAMPLES = 20;

export type DegradationLevel = 'none' | 'P2' | 'P1';

/**
 * A p95 fewer milliseconds than this above its baseline is not a degradation however large the
 * ratio: 1 ms becoming 3 ms is 200 % and noise (a busy host, a GC pause), not an incident.
 */
export const MIN_SLOWER_MS = 20;

/** The runbook's thresholds on p95 against its baseline: more than 200 % slower is a P1, more than 100 % a P2. */
export function degradationLevel(current: number | null, baseline: number | null): DegradationLevel {
  const pct = degradationPct(current, baseline);
  if (pct === null || pct <= 100 || (current as number) - (baseline as number) < MIN_SLOWER_MS) return 'none';
  return pct > 200 ? 'P1' : 'P2';
}
