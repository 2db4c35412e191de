// A tiny inline SVG line of recent values (oldest first), for lists where loading a chart library
// would cost more than it shows. Failed checks (null) are gaps marked with a cross. The numbers are
// in the label, so the picture is never the only way to read them.

export interface SparklineProps {
  values: Array<number | null>;
  /** What the line shows, read out with its figures, e.g. "Response time of the last 30 checks". */
  label: string;
  unit?: string;
  width?: number;
  height?: number;
}

export function Sparkline({ values, label, unit = '', width = 120, height = 28 }: SparklineProps) {
  const present = values.filter((v): v is number => v !== null);
  if (values.length === 0) return <span className="sparkline-empty">no checks yet</span>;
  const max = Math.max(1, ...present);
  const min = Math.min(max, ...present);
  const pad = 2;
  const step = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  const y = (v: number) => height - pad - ((v - min) / Math.max(1, max - min)) * (height - pad * 2);
  const x = (i: number) => pad + i * step;

  // Consecutive present values make one run; a failure breaks the line.
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run.join(' '));
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (run.length) runs.push(run.join(' '));

  const last = present.at(-1);
  const failed = values.length - present.length;
  const summary = present.length
    ? `${label}: latest ${last}${unit}, min ${Math.min(...present)}${unit}, ` +
      `max ${Math.max(...present)}${unit}${failed ? `, ${failed} failed` : ''}`
    : `${label}: all ${failed} failed`;

  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={summary}
    >
      <title>{summary}</title>
      {runs.map((points, i) =>
        points.includes(' ') ? (
          <polyline key={i} points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
        ) : (
          <circle key={i} cx={points.split(',')[0]} cy={points.split(',')[1]} r="1.5" fill="currentColor" />
        ),
      )}
      {values.map((v, i) =>
        v === null ? (
          <path
            key={`f${i}`}
            className="sparkline-fail"
            d={`M${x(i) - 2.5},${height - 6}l5,5m0,-5l-5,5`}
            strokeWidth="1.5"
          />
        ) : null,
      )}
    </svg>
  );
}
