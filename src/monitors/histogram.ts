// Latency percentiles: exact from raw samples, approximate from a fixed log-spaced histogram once
// samples are rolled up into minutes. Bucket i holds latencies in (2^((i-1)/2), 2^(i/2)] ms — each
// bucket is √2 wider than the one before, so a percentile read from it is within a factor of √2 of
// the exact one (usually much closer, as it is interpolated within the bucket) —
// bucket 0 holds everything up to 1 ms and the last bucket everything above 2^15 ms (32.8 s).
// Because the bounds are fixed, minutes of any monitors merge by adding their counts.

export const BUCKETS = 32;
const LAST = BUCKETS - 1;
/** The overflow bucket's nominal upper end, for interpolation (the longest timeout allowed). */
const OVERFLOW_UPPER_MS = 60_000;

/** The bucket a latency falls into. */
export function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(LAST, Math.ceil(2 * Math.log2(ms) - 1e-9));
}

/** The latency range a bucket covers: [lower, upper]. */
export function bucketBounds(i: number): [lower: number, upper: number] {
  if (i <= 0) return [0, 1];
  if (i >= LAST) return [2 ** ((LAST - 1) / 2), OVERFLOW_UPPER_MS];
  return [2 ** ((i - 1) / 2), 2 ** (i / 2)];
}

/** Percentile `p` (0–1) of a histogram, interpolated geometrically within its bucket; null when empty. */
export function histogramPercentile(counts: readonly number[], p: number): number | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let before = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (c > 0 && before + c >= rank) {
      const [lower, upper] = bucketBounds(i);
      const f = (rank - before - 0.5) / c;
      const value = i === 0 ? upper * f : lower * (upper / lower) ** f;
      return Math.round(value * 10) / 10;
    }
    before += c;
  }
  return null;
}

/** Nearest-rank percentile `p` (0–1) of latencies sorted ascending; null when empty. */
export function exactPercentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}
