// The console's one door to uPlot: a titled chart that fills its container's width, follows resizes,
// paints with the design tokens and carries its figures as text as well (a summary sentence and, as
// children, a table), because a canvas says nothing to a screen reader. Only the dashboards and the
// Analytics page import this file, so uPlot loads with them and never with the first page.
//
// A canvas cannot read CSS custom properties, and the tokens are light-dark() pairs that only an
// element can resolve: so a hidden probe element inside the figure is given `color: var(--token)`
// and its computed colour is what uPlot draws with. The chart is rebuilt when the theme changes —
// the switch in the top bar (<html data-theme>) or the OS scheme while the switch follows it.
import { useEffect, useId, useRef, useSyncExternalStore, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** A token's colour as the canvas needs it, e.g. paint('--accent') or paint('--danger', 0.4). */
export type Paint = (token: string, alpha?: number) => string;

export interface ChartProps {
  /** What the chart shows, shown above it and naming it for assistive technology. */
  title: string;
  /** The unit of the values, shown beside the title ("ms", "events per 5 min"). */
  unit: string;
  /** One or two sentences with the figures that matter (latest, lowest, highest), shown under the chart. */
  summary: string;
  /** Builds the options with the current theme's colours; keep it stable (useCallback). */
  options: (paint: Paint) => ChartOptions;
  data: uPlot.AlignedData;
  height?: number;
  /** The chart's figures in full, usually a (visually hidden) table. */
  children?: ReactNode;
}

/** Changes whenever the page's colours may have: the theme switch or the OS colour scheme. */
function subscribeTheme(onChange: () => void): () => void {
  const attribute = new MutationObserver(onChange);
  attribute.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', onChange);
  return () => {
    attribute.disconnect();
    scheme.removeEventListener('change', onChange);
  };
}
const themeSnapshot = () =>
  `${document.documentElement.dataset.theme ?? 'system'}:${window.matchMedia('(prefers-color-scheme: dark)').matches}`;

/** "rgb(1, 2, 3)" with an alpha, as "rgba(1, 2, 3, 0.4)"; other forms pass through unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : color;
}

function painter(probe: HTMLElement): Paint {
  return (token, alpha) => {
    probe.style.color = `var(${token})`;
    const color = getComputedStyle(probe).color;
    return alpha === undefined ? color : withAlpha(color, alpha);
  };
}

/** The caller's options with axis text, ticks and grid in the theme's colours. */
function themed(options: ChartOptions, paint: Paint): ChartOptions {
  const text = paint('--text-muted');
  const line = paint('--border');
  const axes = (options.axes ?? [{}, {}]).map((a) => ({
    stroke: text,
    ...a,
    grid: { stroke: line, width: 1, ...a.grid },
    ticks: { stroke: line, width: 1, ...a.ticks },
  }));
  return { ...options, axes };
}

export function Chart({ title, unit, summary, options, data, height = 220, children }: ChartProps) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const probe = useRef<HTMLSpanElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  const theme = useSyncExternalStore(subscribeTheme, themeSnapshot);

  // Declared before the effect that builds the chart, so a rebuild always starts from the newest data.
  useEffect(() => {
    latest.current = data;
    plot.current?.setData(data);
  }, [data]);

  useEffect(() => {
    const el = box.current;
    const colors = probe.current;
    if (!el || !colors) return;
    const paint = painter(colors);
    const u = new uPlot(
      { ...themed(options(paint), paint), width: Math.max(200, el.clientWidth), height },
      latest.current,
      el,
    );
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
  }, [options, height, theme]);

  return (
    <figure className="chart" aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`}>
      <figcaption className="chart-title" id={`${id}-title`}>
        {title} <span className="chart-unit">({unit})</span>
      </figcaption>
      <span ref={probe} className="chart-probe" aria-hidden="true" />
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      <p className="chart-text" id={`${id}-summary`}>
        {summary}
      </p>
      {children}
    </figure>
  );
}

/** A bar path for charts whose x values are categories (0, 1, 2 …). */
export const bars = (): uPlot.Series.PathBuilder => uPlot.paths.bars!({ size: [0.6, 48] });

/** Scales and axes of a bar chart over categories: x is 0, 1, 2 … named by `names`; y runs from 0 with headroom. */
export function categoryAxes(names: readonly string[]): Pick<ChartOptions, 'scales' | 'axes'> {
  return {
    scales: {
      x: { time: false, range: () => [-0.6, names.length - 0.4] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] },
    },
    axes: [
      { splits: () => names.map((_n, i) => i), values: (_u, splits) => splits.map((v) => names[v] ?? '') },
      { size: 48 },
    ],
  };
}
