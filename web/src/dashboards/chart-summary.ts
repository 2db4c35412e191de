// What a chart says in words: the latest, lowest and highest of a series with their unit, for the
// sentence under each chart that a screen reader reads instead of the canvas.

/** "latest 12 ms, lowest 4 ms, highest 40 ms" over the values present; "no values" when none are. */
export function seriesSummary(values: ReadonlyArray<number | null>, format: (n: number) => string): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return 'no values';
  const latest = present.at(-1) as number;
  return `latest ${format(latest)}, lowest ${format(Math.min(...present))}, highest ${format(Math.max(...present))}`;
}

/** How a value compares with its baseline, as a trend: "12 % above usual" (bad when higher is worse). */
export function versus(
  changePct: number | null | undefined,
  what = 'usual',
): { direction: 'up' | 'down' | 'flat'; good: boolean; text: string } | null {
  if (changePct === null || changePct === undefined) return null;
  if (Math.abs(changePct) < 1) return { direction: 'flat', good: true, text: `about ${what}` };
  const up = changePct > 0;
  return {
    direction: up ? 'up' : 'down',
    good: !up,
    text: `${Math.abs(changePct)} % ${up ? 'above' : 'below'} ${what}`,
  };
}
