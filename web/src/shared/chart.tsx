// The console's one door to uPlot: a chart that fills its container's width, follows resizes, takes
// its axis colours from the page's CSS variables, and carries its figures as text as well (children,
// shown under the canvas), because a canvas says nothing to a screen reader. Only the dashboards
// import this file, so uPlot loads with them and never with the first page.
import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

export interface ChartProps {
  /** Names the chart for assistive technology. */
  label: string;
  /** Keep it stable (useMemo): a new object rebuilds the chart. */
  options: ChartOptions;
  data: uPlot.AlignedData;
  height?: number;
  /** The chart's figures as text. */
  children?: ReactNode;
}

function themed(options: ChartOptions, el: HTMLElement): ChartOptions {
  const css = getComputedStyle(el);
  const muted = css.getPropertyValue('--muted').trim() || '#5b6270';
  const line = css.getPropertyValue('--line').trim() || '#d9dce1';
  const axes = (options.axes ?? [{}, {}]).map((a) => ({
    stroke: muted,
    ...a,
    grid: { stroke: line, width: 1, ...a.grid },
    ticks: { stroke: line, width: 1, ...a.ticks },
  }));
  return { ...options, axes };
}

export function Chart({ label, options, data, height = 220, children }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);

  // Declared before the effect that builds the chart, so a rebuild always starts from the newest data.
  useEffect(() => {
    latest.current = data;
    plot.current?.setData(data);
  }, [data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot({ ...themed(options, el), width: Math.max(200, el.clientWidth), height }, latest.current, el);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (width !== u.width) u.setSize({ width, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [options, height]);

  return (
    <figure className="chart" aria-label={label}>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      {children && <figcaption className="chart-text">{children}</figcaption>}
    </figure>
  );
}

/** A bar path for charts whose x values are categories (0, 1, 2 …). */
export const bars = (): uPlot.Series.PathBuilder => uPlot.paths.bars!({ size: [0.6, 48] });
