// The figures at the top of a dashboard: a label, a number with its unit, and where there is one, the
// way it is heading (against its baseline or the window's average) in words and an arrow.
import { Minus, TrendingDown, TrendingUp } from 'lucide-react';
import type { ReactNode } from 'react';

export interface Trend {
  direction: 'up' | 'down' | 'flat';
  /** Whether this direction is good news; colours the trend, the words carry it. */
  good: boolean;
  text: string;
}

const ARROW = { up: TrendingUp, down: TrendingDown, flat: Minus } as const;

/** A row of KPI cards; each child is a <Kpi>. */
export function Kpis({ label, children }: { label: string; children: ReactNode }) {
  return (
    <dl className="kpis" aria-label={label}>
      {children}
    </dl>
  );
}

export function Kpi({
  label,
  value,
  unit,
  trend,
  note,
  testId,
}: {
  label: string;
  value: ReactNode;
  unit?: string;
  trend?: Trend | null;
  /** A short second line when there is no trend, e.g. "of 3 services". */
  note?: ReactNode;
  testId?: string;
}) {
  const Arrow = trend ? ARROW[trend.direction] : null;
  return (
    <div className="kpi">
      <dt>{label}</dt>
      <dd className="kpi-figure">
        <span className="kpi-value" data-testid={testId}>
          {value}
        </span>
        {unit && <span className="kpi-unit"> {unit}</span>}
      </dd>
      {trend && Arrow && (
        <dd className={`kpi-trend ${trend.direction === 'flat' ? '' : trend.good ? 'kpi-good' : 'kpi-bad'}`}>
          <Arrow size={14} aria-hidden />
          {trend.text}
        </dd>
      )}
      {!trend && note && <dd className="kpi-note">{note}</dd>}
    </div>
  );
}
