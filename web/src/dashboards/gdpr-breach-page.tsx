// One personal data breach (/dashboards/gdpr/breaches/:ref, ref = its number or id): its clock and state,
// the facts the Art. 33(3) report needs, the reports made and the Art. 34 decision, the draft report to
// download, the steps the API allows in its state (breach-steps.tsx), and its history. Breach records are
// personal data: the server answers 403 to anyone but admins and privacy-flagged responders.
import { FileDown } from 'lucide-react';
import { Link, useParams } from 'react-router';
import { ApiError, type Breach, type Session } from '../shared/api.ts';
import { absolute, ButtonLink, count, DataTable, type Column } from '../ui/index.ts';
import { Card, Since, Stat, Tag } from './dashboard-frame.tsx';
import { BreachClockText } from '../shared/breach-clock.tsx';
import { BreachSteps } from './gdpr-breach-steps.tsx';
import { breachReportUrl, useBreach, useBreachEvents } from '../shared/gdpr-api.ts';
import { seesPersonalData } from '../shared/gdpr-clocks.ts';
import { BREACH_STATE_LABEL, describeStep, EXEMPTION_LABEL, RISK_LABEL } from '../shared/gdpr-words.ts';
import './gdpr.css';

const STATE_TONE = {
  overdue: 'bad',
  assessing: 'warn',
  notified: 'good',
  not_notifiable: 'good',
  closed: 'quiet',
} as const;

export function BreachPage({ session }: { session: Session }) {
  const { ref = '' } = useParams();
  const privy = seesPersonalData(session);
  return (
    <section className="dashboard gdpr-breach" aria-labelledby="breach-title">
      <p className="dash-crumbs">
        <Link to="/dashboards">Dashboards</Link> / <Link to="/dashboards/gdpr">GDPR compliance</Link> /
      </p>
      {privy ? (
        <BreachView breachRef={ref} />
      ) : (
        <>
          <div className="heading">
            <h1 id="breach-title">Breach {ref}</h1>
          </div>
          <p className="gdpr-note" role="note">
            Breach records are personal data: only admins and responders with the privacy flag see them.
          </p>
        </>
      )}
    </section>
  );
}

function BreachView({ breachRef }: { breachRef: string }) {
  const breach = useBreach(breachRef);
  if (breach.isPending) return <p className="notice">Loading breach…</p>;
  if (breach.isError) {
    const missing = breach.error instanceof ApiError && breach.error.status === 404;
    return (
      <>
        <div className="heading">
          <h1 id="breach-title">Breach {breachRef}</h1>
        </div>
        <p className="error" role="alert">
          {missing ? `There is no breach ${breachRef}.` : `Could not load breach ${breachRef}: ${breach.error.message}`}
        </p>
      </>
    );
  }
  const b = breach.data;
  return (
    <>
      <div className="heading gdpr-breach-heading">
        <h1 id="breach-title">
          <span className="number">{b.number}</span> {b.title}
        </h1>
        <span className="gdpr-breach-state">
          <Tag tone={STATE_TONE[b.overdue ? 'overdue' : b.state]}>{BREACH_STATE_LABEL[b.state]}</Tag>
          <BreachClockText breach={b} />
        </span>
      </div>
      <p className="gdpr-report">
        <span className="muted">Draft report to the authority (Art. 33(3)):</span>
        <ButtonLink size="sm" icon={FileDown} href={breachReportUrl(b.number, 'md')} download>
          Markdown
        </ButtonLink>
        <ButtonLink size="sm" icon={FileDown} href={breachReportUrl(b.number, 'pdf')} download>
          PDF
        </ButtonLink>
      </p>
      <Facts breach={b} />
      <Reports breach={b} />
      <Decision breach={b} />
      {b.state !== 'closed' && <BreachSteps breach={b} />}
      <History breachRef={b.number} />
    </>
  );
}

const approx = (n: number | null, what: string, plural?: string) =>
  n === null ? 'not known yet' : `about ${count(n, what, plural)}`;
const unknown = (text: string | null) => text ?? <span className="muted">not known yet</span>;

function Facts({ breach: b }: { breach: Breach }) {
  return (
    <Card id="breach-facts-title" title="Facts">
      <dl className="stats">
        <Stat label="Aware since">
          <time dateTime={b.aware_at}>{absolute(b.aware_at)}</time>
        </Stat>
        <Stat label="Report by (72 hours)">
          <time dateTime={b.deadline_at}>{absolute(b.deadline_at)}</time>
          {b.reported_late && ' · reported late'}
        </Stat>
        <Stat label="Assessed risk">{RISK_LABEL[b.risk]}</Stat>
        <Stat label="Data subjects">{approx(b.subjects_approx, 'person', 'people')}</Stat>
        <Stat label="Records">{approx(b.records_approx, 'record')}</Stat>
        <Stat label="Data categories">{b.data_categories.length ? b.data_categories.join(', ') : 'not known yet'}</Stat>
        <Stat label="Incident">
          {b.incident ? <Link to={`/incidents/${b.incident.number}`}>{b.incident.number}</Link> : 'none'}
        </Stat>
        <Stat label="Opened">
          by {b.opened_by}, <Since at={b.created_at} />
        </Stat>
      </dl>
      <dl className="gdpr-prose">
        <Stat label="Nature of the breach">{unknown(b.nature)}</Stat>
        <Stat label="Likely consequences">{unknown(b.likely_consequences)}</Stat>
        <Stat label="Measures taken or proposed">{unknown(b.measures_taken)}</Stat>
        {b.not_notifiable_reason && <Stat label="Why it is not notifiable">{b.not_notifiable_reason}</Stat>}
      </dl>
    </Card>
  );
}

type Report = Breach['authority_reports'][number];
const REPORT_COLUMNS: ReadonlyArray<Column<Report>> = [
  { id: 'kind', header: 'Report', role: 'primary', cell: (r) => (r.kind === 'initial' ? 'Initial' : 'Supplementary') },
  { id: 'authority', header: 'Authority', cell: (r) => r.authority },
  { id: 'reference', header: 'Reference', cell: (r) => r.reference ?? '—' },
  { id: 'at', header: 'Reported', cell: (r) => absolute(r.reported_at) },
  { id: 'delay', header: 'Reasons for the delay', cell: (r) => r.delay_reason ?? '—' },
  { id: 'by', header: 'Recorded by', cell: (r) => r.recorded_by },
];

function Reports({ breach: b }: { breach: Breach }) {
  return (
    <Card id="breach-reports-title" title="Reports to the supervisory authority">
      <DataTable
        label="Reports to the supervisory authority"
        columns={REPORT_COLUMNS}
        rows={b.authority_reports}
        rowKey={(r) => r.id}
        empty={
          <p className="hint">
            {b.state === 'not_notifiable'
              ? 'None: the breach is documented as not notifiable.'
              : 'Nothing reported yet.'}
          </p>
        }
      />
    </Card>
  );
}

function Decision({ breach: b }: { breach: Breach }) {
  const d = b.subjects_decision;
  return (
    <Card
      id="breach-decision-title"
      title={
        <>
          Telling the data subjects (Art. 34){' '}
          {b.subjects_decision_needed ? (
            <Tag tone="warn">Decision needed</Tag>
          ) : d ? (
            <Tag tone="good">Decided</Tag>
          ) : (
            <Tag tone="quiet">Not required</Tag>
          )}
        </>
      }
    >
      <p data-testid="breach-decision">
        {d?.decision === 'communicated' &&
          `Told on ${d.communicated_at ? absolute(d.communicated_at) : '—'} by ${d.channel ?? '—'}.`}
        {d?.decision === 'exempt' && d.exemption && `Exempt under Art. ${EXEMPTION_LABEL[d.exemption]}.`}
        {!d &&
          (b.subjects_decision_needed
            ? 'A breach with a high risk to people is told to each of them, unless an exemption of Art. 34(3) applies.'
            : 'Needed only when the breach is likely to result in a high risk to people.')}
      </p>
      {d && (
        <p className="hint">
          {d.reason && <>Reason: {d.reason}. </>}Recorded by {d.decided_by}, <Since at={d.decided_at} />.
        </p>
      )}
    </Card>
  );
}

function History({ breachRef }: { breachRef: string }) {
  const events = useBreachEvents(breachRef);
  return (
    <Card id="breach-history-title" title="History">
      {events.isError && (
        <p className="error" role="alert">
          Could not load the history: {events.error.message}
        </p>
      )}
      <ol className="gdpr-history">
        {events.data?.data.map((e) => {
          const step = describeStep(e.kind, e.data);
          return (
            <li key={e.id} className={`gdpr-step gdpr-step-${step?.tone ?? 'plain'}`}>
              <span className="gdpr-step-label">{step?.label ?? e.kind.replaceAll('_', ' ')}</span>{' '}
              <span className="muted">
                · {e.actor.name}, <time dateTime={e.at}>{absolute(e.at)}</time>
              </span>
              {step && step.lines.length > 0 && <span className="gdpr-step-lines">{step.lines.join(' · ')}</span>}
              {step?.quote && <q className="gdpr-step-quote">{step.quote}</q>}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
