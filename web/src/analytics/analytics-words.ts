// Analytics figures in words, pure: durations ("4 min 10 s"), shares ("12.5 %"), and the sentences that say
// what a chart shows for people who cannot see the canvas.

const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
];

/**
 * A duration in seconds as words with its two largest units: "42 s", "4 min 10 s", "2 h 5 min", "3 d 4 h".
 * Under 10 s one decimal stays ("0.4 s", "4.2 s"); null (nothing measured) is "—".
 */
export function durationWords(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (s < 10) return `${Number(s.toFixed(1))} s`;
  let left = Math.round(s);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(left / size);
    left -= n * size;
    if (n > 0) parts.push(`${n} ${unit}`);
    else if (parts.length === 1) break; // "2 h", not "2 h 0 min 5 s"
  }
  return parts.join(' ');
}

/** "12.5 %" from a 0–1 share, or "—" when there is none (nothing to divide by). */
export function shareWords(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined) return '—';
  return `${Number((share * 100).toFixed(digits))} %`;
}

/** A chart axis value in minutes, hours or days, whichever reads best for the largest value shown. */
export function durationUnit(maxSeconds: number): { label: string; size: number } {
  if (maxSeconds >= 2 * 86_400) return { label: 'days', size: 86_400 };
  if (maxSeconds >= 2 * 3_600) return { label: 'hours', size: 3_600 };
  if (maxSeconds >= 120) return { label: 'minutes', size: 60 };
  return { label: 'seconds', size: 1 };
}

/** The value with the most of something, e.g. the busiest week: its index, or -1 when all are 0 or none. */
export function peak(values: ReadonlyArray<number | null>): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v !== null && v > 0 && (best < 0 || v > (values[best] ?? 0))) best = i;
  });
  return best;
}

/**
 * Series stacked for bars drawn over one another: the first is itself, each next one the running sum, so
 * drawing the last (the tallest) first and the first on top shows each part as its own band.
 */
export function stack(series: ReadonlyArray<readonly number[]>): number[][] {
  const sums: number[][] = [];
  series.forEach((values, i) => {
    const below = sums[i - 1];
    sums.push(values.map((v, j) => v + (below?.[j] ?? 0)));
  });
  return sums;
}

/** The parts of a summary that say whether anything happened in its range. */
export interface Happenings {
  incidents: { total: number };
  pages: { total: number };
  interruptions: { total: number };
  follow_ups: { due: number };
  postmortems: { due: number };
}

/**
 * Whether nothing at all happened in the range: no incident, page, interruption, follow-up due or post-mortem
 * due. The page then says so instead of showing a wall of zeros and dashes as if they were findings.
 */
export function nothingHappened(s: Happenings): boolean {
  return (
    s.incidents.total === 0 &&
    s.pages.total === 0 &&
    s.interruptions.total === 0 &&
    s.follow_ups.due === 0 &&
    s.postmortems.due === 0
  );
}

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A bucket of the time series in words: "2 Dec" for a day, "week of 30 Nov" for a week (both UTC). */
export function bucketWords(start: string, bucket: 'day' | 'week'): string {
  const day = DAY.format(new Date(start));
  return bucket === 'day' ? day : `week of ${day}`;
}
