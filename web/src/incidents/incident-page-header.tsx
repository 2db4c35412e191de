// The incident's header: number and title, then what a person arriving needs first (status,
// severity, phase, commander, the next deadline), why it has its severity, and its clocks. For a
// responder, severity and phase are fields that can be changed (with confirmation); a viewer reads them.
import type { ReactNode } from 'react';
import type { IncidentDetail, Severity } from '../shared/api.ts';
import { age, span } from '../shared/format.ts';
import { absolute, Badge, Details, SeverityBadge, StatusBadge } from '../ui/index.ts';
import { PHASE_LABEL } from './incident-api.ts';
import { PhaseField, SeverityField, type Pending } from './incident-page-actions.tsx';
import {
  escalationText,
  nextDeadline,
  phaseOverdue,
  phaseText,
  responseOverdue,
  responseText,
} from './incident-page-clocks.ts';
import { severityWhy } from './incident-page-severity.ts';

export function Header({
  incident: i,
  now,
  live,
  canAct,
  ask,
  serviceName,
  stopped,
  updateDueAt,
  postmortem,
}: {
  incident: IncidentDetail;
  now: number;
  live: 'open' | 'connecting' | 'closed';
  canAct: boolean;
  ask: (p: Pending) => void;
  serviceName: string | null;
  /** Why the escalation stopped, when it did. */
  stopped: string | null;
  updateDueAt: string | null;
  /** The post-mortem's link (or its start), last among the facts. */
  postmortem?: ReactNode;
}) {
  const commander = i.roles.incident_commander;
  const deadline = nextDeadline(i, updateDueAt, now);
  return (
    <header className="panel incident-head">
      <div className="incident-title-row">
        <h1 id="incident-title">
          <span className="number">{i.number}</span> {i.title}
        </h1>
        <span className={`live live-${live}`} role="status">
          {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </span>
      </div>

      <div className={canAct ? 'incident-props' : 'incident-props read-only'}>
        <Prop label="Status">
          <StatusBadge status={i.status} />
        </Prop>
        {canAct ? (
          <SeverityField incident={i} ask={ask} />
        ) : (
          <Prop label="Severity">
            <SeverityBadge severity={i.severity} long />
          </Prop>
        )}
        {canAct && i.status !== 'resolved' ? (
          <PhaseField incident={i} ask={ask} />
        ) : (
          <Prop label="Phase">
            <Badge>{PHASE_LABEL[i.phase]}</Badge>
          </Prop>
        )}
        <Prop label="Commander">
          {commander ? (
            <span title={`@${commander.handle}`}>{commander.name}</span>
          ) : (
            <span className="ui-muted">Nobody yet</span>
          )}
        </Prop>
        <Prop label={i.status === 'resolved' ? 'Resolved' : 'Next deadline'} className="incident-prop-deadline">
          {i.resolved_at ? (
            <time dateTime={i.resolved_at} title={absolute(i.resolved_at)}>
              {age(i.resolved_at, now)} ago, after {span(Date.parse(i.resolved_at) - Date.parse(i.created_at))}
            </time>
          ) : deadline ? (
            <time dateTime={deadline.at} title={absolute(deadline.at)} className={deadline.overdue ? 'overdue' : ''}>
              {deadline.text}
            </time>
          ) : (
            <span className="ui-muted">Nothing due</span>
          )}
        </Prop>
        {postmortem}
      </div>

      <Why severity={i.severity} rule={i.classified_by} />

      <dl className="clocks">
        <Clock
          label="Phase"
          value={phaseText(i, now)}
          alert={phaseOverdue(i, now)}
          title={
            `started ${absolute(i.phase_started_at)}` +
            `${i.phase_due_at ? `, time box ends ${absolute(i.phase_due_at)}` : ''}`
          }
        />
        <Clock
          label="Response target"
          value={responseText(i, now)}
          alert={responseOverdue(i, now)}
          title={`due ${absolute(i.ack_due_at)}`}
        />
        <Clock
          label="Escalation"
          value={escalationText(i, now, stopped)}
          alert={false}
          title={i.next_escalation_at ? `next ${absolute(i.next_escalation_at)}` : undefined}
        />
        <Clock
          label="Opened"
          value={`${age(i.created_at, now)} ago${serviceName ? ` on ${serviceName}` : ''}`}
          alert={false}
          title={absolute(i.created_at)}
        />
      </dl>
      {(i.description || i.impact) && (
        <div className="about">
          {i.description && <p>{i.description}</p>}
          {i.impact && (
            <p>
              <strong>Impact:</strong> {i.impact}
            </p>
          )}
        </div>
      )}
    </header>
  );
}

function Prop({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={className ? `incident-prop ${className}` : 'incident-prop'}>
      <span className="ui-label">{label}</span>
      <span className="incident-prop-value">{children}</span>
    </div>
  );
}

/** "P1 because more than 50 % of users are affected", with the rule's id one click away. */
function Why({ severity, rule }: { severity: Severity; rule: string | null }) {
  return (
    <div className="incident-why">
      <p>
        <strong>Why this severity:</strong> {severityWhy(severity, rule)}
      </p>
      {rule && <Details>Classification rule {rule}</Details>}
    </div>
  );
}

function Clock({
  label,
  value,
  alert,
  title,
}: {
  label: string;
  value: string;
  alert: boolean;
  title?: string | undefined;
}) {
  return (
    <div className={alert ? 'clock overdue' : 'clock'}>
      <dt>{label}</dt>
      <dd title={title}>
        {alert && <span className="flag">Overdue: </span>}
        {value}
      </dd>
    </div>
  );
}
