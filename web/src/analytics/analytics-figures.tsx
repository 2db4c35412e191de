// The Analytics page's figure cards: each names its figure, gives the number in words, the counts behind
// it, and the definition the API states for it — in a disclosure, and the card's accessible description.
import { useId, type ReactNode } from 'react';
import type { AnalyticsSummary } from '../shared/api.ts';
import { count, DataTable, type Column } from '../ui/index.ts';
import { SEVERITIES } from './analytics-filters.ts';
import { durationWords, shareWords } from './analytics-words.ts';

/** One figure: its name, the number, what lies behind it, and its definition (described-by). */
function FigureCard({
  title,
  value,
  children,
  definition,
  testId,
}: {
  title: string;
  value: ReactNode;
  children?: ReactNode;
  definition: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <article
      className="an-figure"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-definition`}
      data-testid={testId}
    >
      <h3 id={`${id}-title`} className="an-figure-title">
        {title}
      </h3>
      <p className="an-figure-value">{value}</p>
      {children && <div className="an-figure-detail">{children}</div>}
      <details className="an-definition">
        <summary>Definition</summary>
        <p id={`${id}-definition`}>{definition}</p>
      </details>
    </article>
  );
}

/** MTTA or MTTR: the mean in words, then p50, p95 and how many incidents were measured. */
function Duration({ figure }: { figure: AnalyticsSummary['mtta'] }) {
  return (
    <dl className="an-pairs">
      <div>
        <dt>p50</dt>
        <dd>{durationWords(figure.p50_s)}</dd>
      </div>
      <div>
        <dt>p95</dt>
        <dd>{durationWords(figure.p95_s)}</dd>
      </div>
      <div>
        <dt>measured</dt>
        <dd>{count(figure.n, 'incident')}</dd>
      </div>
    </dl>
  );
}

function Pairs({ pairs }: { pairs: ReadonlyArray<readonly [string, ReactNode]> }) {
  return (
    <dl className="an-pairs">
      {pairs.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Figures({ summary: s }: { summary: AnalyticsSummary }) {
  const b = s.response_target_breaches;
  const e = s.escalated_beyond_l1;
  const p = s.postmortems;
  const f = s.follow_ups;
  const i = s.interruptions;
  return (
    <div className="an-figures">
      <FigureCard
        title="Incidents"
        value={s.incidents.total.toLocaleString('en')}
        definition={s.incidents.definition}
        testId="figure-incidents"
      >
        <Pairs pairs={SEVERITIES.map((sev) => [sev, s.incidents.by_severity[sev]] as const)} />
      </FigureCard>
      <FigureCard
        title="Time to acknowledge (MTTA)"
        value={<>mean {durationWords(s.mtta.mean_s)}</>}
        definition={s.mtta.definition}
        testId="figure-mtta"
      >
        <Duration figure={s.mtta} />
      </FigureCard>
      <FigureCard
        title="Time to resolve (MTTR)"
        value={<>mean {durationWords(s.mttr.mean_s)}</>}
        definition={s.mttr.definition}
        testId="figure-mttr"
      >
        <Duration figure={s.mttr} />
      </FigureCard>
      <FigureCard
        title="Response target breached"
        value={shareWords(b.rate)}
        definition={b.definition}
        testId="figure-breaches"
      >
        <p>
          {b.breached} of {count(b.decided, 'incident')} decided
        </p>
      </FigureCard>
      <FigureCard
        title="Escalated beyond L1"
        value={shareWords(e.share)}
        definition={e.definition}
        testId="figure-escalated"
      >
        <p>
          {e.escalated} of {count(e.incidents, 'incident')}
        </p>
      </FigureCard>
      <FigureCard title="Pages" value={s.pages.total.toLocaleString('en')} definition={s.pages.definition}>
        <p>people paged by escalation</p>
      </FigureCard>
      <FigureCard
        title="Interruptions"
        value={i.total.toLocaleString('en')}
        definition={i.definition}
        testId="figure-interruptions"
      >
        <Pairs
          pairs={[
            ['business', i.business_hours],
            ['off hours', i.off_hours],
            ['sleep', i.sleep_hours],
          ]}
        />
      </FigureCard>
      <FigureCard
        title="Post-mortems within 72 h"
        value={p.due === 0 ? '—' : `${p.published_within_72h} of ${p.due}`}
        definition={p.definition}
        testId="figure-postmortems"
      >
        <Pairs
          pairs={[
            ['later', p.published_later],
            ['not yet', p.unpublished],
          ]}
        />
      </FigureCard>
      <FigureCard
        title="Follow-ups due"
        value={f.due.toLocaleString('en')}
        definition={f.definition}
        testId="figure-follow-ups"
      >
        <Pairs
          pairs={[
            ['completed', f.completed],
            ['overdue', f.overdue],
            ['not doing', f.not_doing],
            ['outstanding', f.outstanding],
          ]}
        />
      </FigureCard>
    </div>
  );
}

type Responder = AnalyticsSummary['interruptions']['by_responder'][number];

const RESPONDER_COLUMNS: ReadonlyArray<Column<Responder>> = [
  {
    id: 'who',
    header: 'Responder',
    role: 'primary',
    cell: (r) => (
      <span>
        {r.name} <span className="ui-muted">@{r.handle}</span>
      </span>
    ),
  },
  { id: 'zone', header: 'Time zone', cell: (r) => r.timezone },
  { id: 'business', header: 'Business hours', role: 'end', cell: (r) => r.business_hours },
  { id: 'off', header: 'Off hours', role: 'end', cell: (r) => r.off_hours },
  { id: 'sleep', header: 'Sleep hours', role: 'end', cell: (r) => r.sleep_hours },
  { id: 'total', header: 'Total', role: 'end', cell: (r) => r.total },
];

/**
 * Interruptions per responder: the chart (given as `chart`, so uPlot stays in the charts' file), a table of
 * business, off and sleep hours, and the definition, which also describes the section.
 */
export function Interruptions({ figure, chart }: { figure: AnalyticsSummary['interruptions']; chart: ReactNode }) {
  const id = useId();
  return (
    <section className="an-panel" aria-labelledby={`${id}-title`} aria-describedby={`${id}-definition`}>
      <h2 id={`${id}-title`}>Interruptions per responder</h2>
      {figure.by_responder.length > 0 && chart}
      <DataTable
        label="Interruptions by responder and hours"
        columns={RESPONDER_COLUMNS}
        rows={figure.by_responder}
        rowKey={(r) => r.user_id}
        empty={
          <p className="ui-muted" data-testid="no-interruptions">
            No page reached anyone by {figure.channels.join(' or ')} in this range.
          </p>
        }
      />
      <p id={`${id}-definition`} className="an-definition-text">
        Definition: {figure.definition}
      </p>
    </section>
  );
}
