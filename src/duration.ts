// Human durations ("90s", "15m", "4h", "7d") as used in config, CLI flags and function time windows.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "15m" into milliseconds; returns undefined for anything else so callers can name the bad field. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] as string] as number));
  // Rounded first, so "0.4ms" is refused rather than read as a zero-length duration.
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** Formats milliseconds the short way people read on a pager: "5m", "1h", "1h30m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
