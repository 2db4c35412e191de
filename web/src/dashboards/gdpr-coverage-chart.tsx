// Consent coverage per purpose as stacked bars (granted, withdrawn, stale, none), drawn with the shared
// chart: each state's bar reaches the sum of itself and the states under it, and the bars are painted
// tallest first, so each covers the one before and together they read as a stack. The counts are in
// the sentence under it and, for screen readers, in a table.
import { useCallback, useMemo } from 'react';
import type { GdprCoverage } from '../shared/api.ts';
import { bars, categoryAxes, Chart, type ChartOptions, type Paint } from '../shared/chart.tsx';
import { COVERAGE_STATES, coverageSummary, stackedCoverage, type CoverageState } from '../shared/gdpr-clocks.ts';

const COLOUR: Record<CoverageState, string> = {
  granted: '--success',
  withdrawn: '--danger',
  stale: '--warning-text',
  none: '--border-strong',
};

export function CoverageChart({ coverage }: { coverage: GdprCoverage }) {
  const purposes = coverage.purposes;
  const names = useMemo(() => purposes.map((p) => p.name), [purposes]);
  const options = useCallback(
    (paint: Paint): ChartOptions => ({
      ...categoryAxes(names),
      series: [
        { label: 'Purpose' },
        ...COVERAGE_STATES.map((state) => ({
          label: state,
          stroke: paint(COLOUR[state]),
          fill: paint(COLOUR[state], 0.75),
          paths: bars(),
          points: { show: false },
        })),
      ],
      legend: { live: false },
      cursor: { show: false },
    }),
    [names],
  );
  const data = useMemo(() => {
    const tops = stackedCoverage(purposes);
    return [purposes.map((_p, i) => i), ...COVERAGE_STATES.map((s) => tops[s])] as [number[], ...number[][]];
  }, [purposes]);

  return (
    <Chart title="Consent by purpose" unit="subjects" summary={coverageSummary(purposes)} options={options} data={data}>
      <table className="ui-visually-hidden">
        <caption>Subjects per purpose and consent status</caption>
        <thead>
          <tr>
            <th scope="col">Purpose</th>
            {COVERAGE_STATES.map((s) => (
              <th key={s} scope="col">
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {purposes.map((p) => (
            <tr key={p.purpose}>
              <th scope="row">{p.name}</th>
              {COVERAGE_STATES.map((s) => (
                <td key={s}>{p[s]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Chart>
  );
}
