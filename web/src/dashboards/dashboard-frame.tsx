// What every dashboard shares: the title bar with its refresh state and controls, the time-window
// selector, status words in tags, and tables that scroll sideways on a phone.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { TimeWindow } from '../shared/api.ts';
import { Table } from '../shared/ui-kit.tsx';
import { TIME_WINDOWS, WINDOW_LABEL } from './dashboard-api.ts';

export function Frame(props: {
  id: string;
  title: string;
  intro: ReactNode;
  generatedAt: string | undefined;
  fetching: boolean;
  onRefresh: () => void;
  controls?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="dashboard" aria-labelledby={`${props.id}-title`}>
      <p className="dash-crumbs">
        <Link to="/dashboards">Dashboards</Link> /
      </p>
      <div className="heading">
        <h1 id={`${props.id}-title`}>{props.title}</h1>
      </div>
      <p className="dash-intro">{props.intro}</p>
      <div className="dash-controls">
        {props.controls}
        <span className="dash-refresh">
          <span className="dash-updated">
            {props.fetching
              ? 'Refreshing…'
              : props.generatedAt
                ? `Updated ${new Date(props.generatedAt).toLocaleTimeString()}`
                : ''}{' '}
            · every 30 s
          </span>
          <button type="button" onClick={props.onRefresh} disabled={props.fetching}>
            Refresh now
          </button>
        </span>
      </div>
      {props.children}
    </section>
  );
}

export function WindowSelect({ value, onChange }: { value: TimeWindow; onChange: (w: TimeWindow) => void }) {
  return (
    <label className="dash-field">
      Time window
      <select value={value} onChange={(e) => onChange(e.target.value as TimeWindow)}>
        {TIME_WINDOWS.map((w) => (
          <option key={w} value={w}>
            {WINDOW_LABEL[w]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A state as a word in a tag; `tone` only colours it. */
export function Tag({ tone, children }: { tone: 'good' | 'warn' | 'bad' | 'quiet'; children: ReactNode }) {
  return <span className={`tag tag-${tone}`}>{children}</span>;
}

/**
 * A wide table (its column headings, its rows as children) in a box that scrolls sideways, reachable with the
 * keyboard.
 */
export function TableBox({
  label,
  columns,
  children,
}: {
  label: string;
  columns: Array<ReactNode | false>;
  children: ReactNode;
}) {
  return (
    <div className="table-box" role="region" aria-label={label} tabIndex={0}>
      <Table columns={columns}>{children}</Table>
    </div>
  );
}

/** A dashboard card titled by its h2; while `empty` is set it shows that sentence instead of its content. */
export function Card({
  id,
  title,
  empty,
  children,
}: {
  id: string;
  title: string;
  empty?: string | false;
  children: ReactNode;
}) {
  return (
    <section className="dash-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty ? <p className="hint">{empty}</p> : children}
    </section>
  );
}

export function Failed({ what, error }: { what: string; error: Error }) {
  return (
    <p className="error" role="alert">
      Could not load {what}: {error.message}
    </p>
  );
}
