// What every dashboard shares: the title bar with its refresh state and controls, the time-window
// selector, states as badges, cards, and where the figures come from (in "Technical details").
import { RefreshCw } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { TimeWindow } from '../shared/api.ts';
import { useNow } from '../shared/use-now.ts';
import { absolute, ago, Badge, Button, clockTime, Details, Select, type Tone } from '../ui/index.ts';
import { TIME_WINDOWS, WINDOW_LABEL } from './dashboard-api.ts';

export function Frame(props: {
  id: string;
  title: string;
  intro: ReactNode;
  generatedAt: string | undefined;
  fetching: boolean;
  onRefresh: () => void;
  controls?: ReactNode;
  /** Function names and routes the figures come from, for those who want them. */
  technical: ReactNode;
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
          <span className="dash-updated" title={props.generatedAt && absolute(props.generatedAt)}>
            {props.fetching ? 'Refreshing…' : props.generatedAt ? `Updated ${clockTime(props.generatedAt)}` : ''} ·
            every 30 s
          </span>
          <Button size="sm" icon={RefreshCw} onPress={props.onRefresh} isDisabled={props.fetching}>
            Refresh now
          </Button>
        </span>
      </div>
      {props.children}
      <Details>{props.technical}</Details>
    </section>
  );
}

export function WindowSelect({ value, onChange }: { value: TimeWindow; onChange: (w: TimeWindow) => void }) {
  return (
    <Select
      className="dash-field"
      label="Time window"
      value={value}
      onChange={(id) => onChange(id as TimeWindow)}
      options={TIME_WINDOWS.map((w) => ({ id: w, label: WINDOW_LABEL[w] }))}
    />
  );
}

const TONE = { good: 'success', warn: 'warning', bad: 'danger', quiet: 'neutral' } as const satisfies Record<
  string,
  Tone
>;

/** A state as a word in a badge; `tone` only colours it. */
export function Tag({ tone, children }: { tone: keyof typeof TONE; children: ReactNode }) {
  return <Badge tone={TONE[tone]}>{children}</Badge>;
}

/** A dashboard card titled by its h2; while `empty` is set it shows that sentence instead of its content. */
export function Card({
  id,
  title,
  empty,
  children,
}: {
  id: string;
  title: ReactNode;
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

/** One figure of a `<dl className="stats">`: its name over its value. */
export function Stat({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function Failed({ what, error }: { what: string; error: Error }) {
  return (
    <p className="error" role="alert">
      Could not load {what}: {error.message}
    </p>
  );
}

/** A time as "4 min ago", with the absolute time and its zone as the tooltip; "—" when there is none. */
export function Since({ at }: { at: string | null | undefined }) {
  const now = useNow(15_000);
  if (!at) return <>—</>;
  return (
    <time dateTime={at} title={absolute(at)}>
      {ago(at, now)}
    </time>
  );
}
