// The Analytics page's charts, each through shared/chart.tsx (the one door to uPlot) with its figures as
// text too: incidents per day or week by severity (stacked bars), MTTA and MTTR at p50 and p95 over time
// (lines), and interruptions per responder by business, off and sleep hours (stacked bars). Buckets are UTC
// days or weeks, as the API makes them, so the time axis is drawn in UTC.
import { useCallback, useMemo } from 'react';
import uPlot from 'uplot';
import type { AnalyticsResponder, AnalyticsSummary, AnalyticsTimeseries } from '../shared/api.ts';
import { bars, categoryAxes, Chart, type ChartOptions, type Paint } from '../shared/chart.tsx';
import { count } from '../ui/index.ts';
import { SEVERITIES } from './analytics-filters.ts';
import { bucketWords, durationUnit, durationWords, peak, stack } from './analytics-words.ts';

type Bucket = AnalyticsTimeseries['buckets'][number];

const SEVERITY_TOKEN = { P0: '--sev-p0', P1: '--sev-p1', P2: '--sev-p2', P3: '--sev-p3' } as const;
const HOURS = [
  ['business_hours', 'Business hours', '--accent'],
  ['off_hours', 'Off hours', '--sev-p2'],
  ['sleep_hours', 'Sleep hours', '--sev-p0'],
] as const;

/** Bar heights, with no bar at all (not a flat stroke on the axis) where there is nothing. */
const barHeights = (values: readonly number[]) => values.map((v) => (v === 0 ? null : v));

const BUCKET_S = { day: 86_400, week: 7 * 86_400 } as const;

/** Steps of a count axis: whole numbers only (there is no half an incident). */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

/**
 * Where each bucket stands on the time axis: its start (a UTC midnight, or a Monday's), so a day's bar stands
 * on that day's tick. Only the first bucket can start off a boundary (the API cuts it to the range), so it
 * stands where its whole day or week would have started.
 */
const positions = (buckets: readonly Bucket[], bucket: 'day' | 'week') =>
  buckets.map((b, i) => (i === 0 ? Date.parse(b.end) / 1000 - BUCKET_S[bucket] : Date.parse(b.start) / 1000));

/** A category chart's scales and axes with whole numbers up the side. */
function withCountAxis({ scales, axes }: ReturnType<typeof categoryAxes>): ReturnType<typeof categoryAxes> {
  return { scales, axes: [axes?.[0] ?? {}, { size: 48, incrs: COUNT_STEPS }] };
}

/** A time axis in UTC, with half a bucket of room at either end for the bars. */
function timeScale(bucket: 'day' | 'week'): Pick<ChartOptions, 'scales' | 'tzDate'> {
  const half = BUCKET_S[bucket] / 2;
  return {
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: {
      x: {
        time: true,
        range: (_u, min, max) => [Math.min(min, max) - half, Math.max(min, max) + half],
      },
      y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] },
    },
  };
}

/** Incidents per bucket by severity, as bars stacked P0 at the bottom, with the counts in a hidden table. */
export function IncidentsChart({ series }: { series: AnalyticsTimeseries }) {
  const { buckets, bucket } = series;
  const options = useCallback(
    (paint: Paint): ChartOptions => ({
      ...timeScale(bucket),
      axes: [{}, { size: 48, incrs: COUNT_STEPS }],
      // Drawn tallest first: P3 is the running total, each next series is covered by the one after it.
      series: [
        { label: bucket === 'day' ? 'Day' : 'Week' },
        ...[...SEVERITIES].reverse().map((s) => ({
          label: s,
          stroke: paint(SEVERITY_TOKEN[s]),
          fill: paint(SEVERITY_TOKEN[s], 0.85),
          paths: bars(),
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
            i === null ? '—' : String(buckets[i]?.incidents.by_severity[s] ?? '—'),
        })),
      ],
      legend: { live: false },
      cursor: { show: false },
    }),
    [buckets, bucket],
  );
  const data = useMemo(() => {
    const stacked = stack(SEVERITIES.map((s) => buckets.map((b) => b.incidents.by_severity[s])));
    return [positions(buckets, bucket), ...stacked.reverse().map(barHeights)] as uPlot.AlignedData;
  }, [buckets, bucket]);
  const totals = buckets.map((b) => b.incidents.total);
  const all = totals.reduce((a, b) => a + b, 0);
  const top = peak(totals);
  const unit = bucket === 'day' ? 'day' : 'week';
  const summary =
    all === 0
      ? `No incidents in these ${count(buckets.length, unit)}.`
      : `${count(all, 'incident')} in ${count(buckets.length, unit)}; the most, ${totals[top]}, ` +
        `${bucket === 'day' ? 'on' : 'in the'} ${bucketWords(buckets[top]?.start ?? '', bucket)}.`;
  return (
    <Chart title={`Incidents per ${unit} by severity`} unit="incidents" summary={summary} options={options} data={data}>
      <div className="ui-visually-hidden">
        <table>
          <caption>Incidents per {unit} by severity</caption>
          <thead>
            <tr>
              <th scope="col">{bucket === 'day' ? 'Day (UTC)' : 'Week (UTC)'}</th>
              {SEVERITIES.map((s) => (
                <th key={s} scope="col">
                  {s}
                </th>
              ))}
              <th scope="col">All</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{bucketWords(b.start, bucket)}</th>
                {SEVERITIES.map((s) => (
                  <td key={s}>{b.incidents.by_severity[s]}</td>
                ))}
                <td>{b.incidents.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Chart>
  );
}

const TIMES = [
  ['mtta', 'p50_s', 'MTTA p50', '--accent', undefined],
  ['mtta', 'p95_s', 'MTTA p95', '--accent', [6, 4]],
  ['mttr', 'p50_s', 'MTTR p50', '--success', undefined],
  ['mttr', 'p95_s', 'MTTR p95', '--success', [6, 4]],
] as const;

/** MTTA and MTTR at p50 (solid) and p95 (dashed) per bucket, in minutes, hours or days as fits the largest. */
export function ResponseTimesChart({ series, summary }: { series: AnalyticsTimeseries; summary: AnalyticsSummary }) {
  const { buckets, bucket } = series;
  const largest = Math.max(0, ...buckets.flatMap((b) => TIMES.map(([f, p]) => b[f][p] ?? 0)));
  const { label, size } = durationUnit(largest);
  const options = useCallback(
    (paint: Paint): ChartOptions => ({
      ...timeScale(bucket),
      axes: [{}, { size: 56 }],
      series: [
        { label: bucket === 'day' ? 'Day' : 'Week' },
        ...TIMES.map(([f, p, name, token, dash]) => ({
          label: name,
          stroke: paint(token),
          width: 2,
          dash: dash ? [...dash] : undefined,
          points: { size: 6, fill: paint(token) },
          value: (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
            i === null ? '—' : durationWords(buckets[i]?.[f][p]),
        })),
      ],
      legend: { live: false },
      cursor: { show: false },
    }),
    [buckets, bucket],
  );
  const data = useMemo(
    () =>
      [
        positions(buckets, bucket),
        ...TIMES.map(([f, p]) => buckets.map((b) => (b[f][p] === null ? null : b[f][p] / size))),
      ] as uPlot.AlignedData,
    [buckets, bucket, size],
  );
  const text =
    `Over the whole range: MTTA p50 ${durationWords(summary.mtta.p50_s)}, p95 ${durationWords(summary.mtta.p95_s)} ` +
    `(${count(summary.mtta.n, 'incident')}); MTTR p50 ${durationWords(summary.mttr.p50_s)}, ` +
    `p95 ${durationWords(summary.mttr.p95_s)} (${count(summary.mttr.n, 'incident')}).`;
  const unit = bucket === 'day' ? 'day' : 'week';
  return (
    <Chart
      title={`Time to acknowledge and to resolve per ${unit}`}
      unit={label}
      summary={text}
      options={options}
      data={data}
    >
      <div className="ui-visually-hidden">
        <table>
          <caption>MTTA and MTTR per {unit}, p50 and p95</caption>
          <thead>
            <tr>
              <th scope="col">{bucket === 'day' ? 'Day (UTC)' : 'Week (UTC)'}</th>
              {TIMES.map(([, , name]) => (
                <th key={name} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{bucketWords(b.start, bucket)}</th>
                {TIMES.map(([f, p, name]) => (
                  <td key={name}>{durationWords(b[f][p])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Chart>
  );
}

/** Interruptions per responder, business hours at the bottom, then off hours, then sleep hours. */
export function InterruptionsChart({ responders }: { responders: readonly AnalyticsResponder[] }) {
  const names = useMemo(() => responders.map((r) => `@${r.handle}`), [responders]);
  const options = useCallback(
    (paint: Paint): ChartOptions => ({
      ...withCountAxis(categoryAxes(names)),
      series: [
        { label: 'Responder', value: (_u, v) => names[v] ?? '—' },
        ...[...HOURS].reverse().map(([key, name, token]) => ({
          label: name,
          stroke: paint(token),
          fill: paint(token, 0.85),
          paths: bars(),
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
            i === null ? '—' : String(responders[i]?.[key] ?? '—'),
        })),
      ],
      legend: { live: false },
      cursor: { show: false },
    }),
    [names, responders],
  );
  const data = useMemo(() => {
    const stacked = stack(HOURS.map(([key]) => responders.map((r) => r[key])));
    return [responders.map((_r, i) => i), ...stacked.reverse().map(barHeights)] as uPlot.AlignedData;
  }, [responders]);
  const sum = (key: (typeof HOURS)[number][0]) => responders.reduce((a, r) => a + r[key], 0);
  const first = responders[0];
  const summary = first
    ? `${count(
        responders.reduce((a, r) => a + r.total, 0),
        'interruption',
      )}: ${sum('business_hours')} in business hours, ${sum('off_hours')} off hours, ${sum('sleep_hours')} in ` +
      `sleep hours; the most for @${first.handle} (${first.total}).`
    : 'No interruptions.';
  return (
    <Chart
      title="Interruptions per responder by their hours"
      unit="pages by SMS or voice"
      summary={summary}
      options={options}
      data={data}
    >
      <div className="ui-visually-hidden">
        <table>
          <caption>Interruptions per responder</caption>
          <thead>
            <tr>
              <th scope="col">Responder</th>
              {HOURS.map(([key, name]) => (
                <th key={key} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {responders.map((r) => (
              <tr key={r.user_id}>
                <th scope="row">@{r.handle}</th>
                {HOURS.map(([key]) => (
                  <td key={key}>{r[key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Chart>
  );
}
