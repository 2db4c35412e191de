// One incident (/incidents/:ref, ref = number or id): the header with its clocks (phase time box,
// response target, next escalation), the roles assigned in place, the actions (a/r/n on the keyboard),
// the live timeline with a note box, the alerts, and the status updates to stakeholders. Viewers get
// the same page without anything that changes the incident.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent as ReactKeyboardEvent,
  type RefObject,
} from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, type IncidentDetail, listServices, type Phase, type Session, type Severity } from '../shared/api.ts';
import { age, countdown, SEVERITY_LABEL, span, when } from '../shared/format.ts';
import {
  getAlerts,
  getEscalation,
  getIncident,
  perform,
  PHASE_LABEL,
  PHASES,
  type IncidentAction,
} from './incident-api.ts';
import { useLiveIncident } from './incident-live.ts';
import { useShortcuts } from '../shared/keys.ts';
import { useNow } from '../shared/use-now.ts';
import { Roles } from './incident-roles.tsx';
import { StatusUpdates } from './incident-updates.tsx';
import { Timeline } from './timeline.tsx';
import './incident-page.css';

const SEVERITIES = Object.keys(SEVERITY_LABEL) as Severity[];

export function IncidentPage({ session }: { session: Session }) {
  const { ref = '' } = useParams();
  const queryClient = useQueryClient();
  const queryKey = ['incident', ref] as const;
  const now = useNow(1000);
  const canAct = session.role !== 'viewer';
  const noteBox = useRef<HTMLTextAreaElement>(null);

  const detail = useQuery({
    queryKey: [...queryKey, 'detail'],
    queryFn: () => getIncident(ref),
    retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 2,
  });
  const incident = detail.data;
  const live = useLiveIncident(incident?.id, incident?.service_id, queryKey);
  const services = useQuery({ queryKey: ['services'], queryFn: listServices, staleTime: 5 * 60_000 });
  const escalation = useQuery({
    queryKey: [...queryKey, 'escalation'],
    queryFn: () => getEscalation(ref),
    enabled: incident !== undefined,
  });

  const act = useMutation({
    mutationFn: (action: IncidentAction) => perform(ref, action),
    onSuccess: (updated) => {
      queryClient.setQueryData([...queryKey, 'detail'], updated);
      void queryClient.invalidateQueries({ queryKey });
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
    },
  });

  const heading = incident ? `${incident.number} ${incident.title} · Vigil` : null;
  useEffect(() => {
    if (!heading) return;
    const before = document.title;
    document.title = heading;
    return () => {
      document.title = before;
    };
  }, [heading]);

  useShortcuts((event) => {
    if (!incident || !canAct || act.isPending) return false;
    if (event.key === 'a' && incident.status === 'triggered') act.mutate({ do: 'acknowledge' });
    else if (event.key === 'r' && incident.status !== 'resolved') act.mutate({ do: 'resolve' });
    else if (event.key === 'n') noteBox.current?.focus();
    else return false;
    return true;
  });

  if (detail.isPending) return <p className="notice">Loading incident…</p>;
  if (detail.isError) {
    const missing = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <p className="notice error" role="alert">
        {missing ? `There is no incident ${ref}.` : `Could not load incident ${ref}: ${detail.error.message}`}{' '}
        <Link to="/incidents">Back to incidents</Link>
      </p>
    );
  }
  const i = detail.data;
  const serviceName = i.service_id
    ? (services.data?.data.find((s) => s.id === i.service_id)?.name ?? 'a service')
    : null;
  const stopped = escalation.data?.escalation?.stopped_at ? escalation.data.escalation.stop_reason : null;

  return (
    <article className="incident-page" aria-labelledby="incident-title">
      <Link to="/incidents" className="back">
        ← Incidents
      </Link>
      <header className="incident-head">
        <h1 id="incident-title">
          <span className="number">{i.number}</span> {i.title}
        </h1>
        <p className="badges">
          <span className={`sev sev-${i.severity}`}>{SEVERITY_LABEL[i.severity]}</span>
          <span className={`badge status-${i.status}`}>{i.status}</span>
          <span className="badge">phase: {i.phase}</span>
          <span className={`live ${live}`} role="status">
            {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Disconnected'}
          </span>
        </p>
        <dl className="clocks">
          <Clock
            label="Phase"
            value={phaseText(i, now)}
            alert={
              i.phase_overdue ||
              (i.phase_due_at !== null && i.status !== 'resolved' && Date.parse(i.phase_due_at) < now)
            }
            title={
              `started ${when(i.phase_started_at)}` +
              `${i.phase_due_at ? `, time box ends ${when(i.phase_due_at)}` : ''}`
            }
          />
          <Clock
            label="Response target"
            value={responseText(i, now)}
            alert={i.response_breached || (!i.acknowledged_at && !i.resolved_at && Date.parse(i.ack_due_at) < now)}
            title={`due ${when(i.ack_due_at)}`}
          />
          <Clock
            label="Escalation"
            value={escalationText(i, now, stopped)}
            alert={false}
            title={i.next_escalation_at ? `next ${when(i.next_escalation_at)}` : undefined}
          />
          <Clock
            label="Opened"
            value={
              `${age(i.created_at, now)} ago${serviceName ? ` on ${serviceName}` : ''}` +
              `${i.resolved_at ? `, lasted ${span(Date.parse(i.resolved_at) - Date.parse(i.created_at))}` : ''}`
            }
            alert={false}
            title={when(i.created_at)}
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

      {canAct && <Actions incident={i} busy={act.isPending} run={(a) => act.mutate(a)} />}
      {act.isError && (
        <p className="error" role="alert">
          {act.error.message}
        </p>
      )}

      <div className="incident-cols">
        <div className="col-main">
          <section className="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            {canAct && (
              <NoteBox box={noteBox} busy={act.isPending} add={(text) => act.mutateAsync({ do: 'note', text })} />
            )}
            <Timeline incidentRef={ref} queryKey={queryKey} now={now} />
          </section>
        </div>
        <div className="col-side">
          <Roles
            incident={i}
            session={session}
            canAct={canAct}
            busy={act.isPending}
            assign={(role, user) => act.mutateAsync({ do: 'role', role, user })}
          />
          <StatusUpdates incident={i} incidentRef={ref} queryKey={queryKey} now={now} canAct={canAct} />
          <Alerts incidentRef={ref} queryKey={queryKey} now={now} />
        </div>
      </div>
    </article>
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

function phaseText(i: IncidentDetail, now: number): string {
  const inPhase = `${i.phase}, ${age(i.phase_started_at, now)} in`;
  if (i.status === 'resolved' || !i.phase_due_at)
    return i.status === 'resolved' ? `${i.phase} (resolved)` : `${inPhase}, open-ended`;
  const c = countdown(i.phase_due_at, now);
  return c.overdue
    ? `${inPhase}, time box ended ${c.text.replace(' overdue', '')} ago`
    : `${inPhase}, time box ends ${c.text}`;
}

function responseText(i: IncidentDetail, now: number): string {
  const responded = i.acknowledged_at ?? i.resolved_at;
  if (responded) {
    const took = span(Date.parse(responded) - Date.parse(i.created_at));
    return (
      `${i.acknowledged_at ? 'acknowledged' : 'resolved'} after ${took}, ` +
      `${i.response_breached ? 'target missed' : 'within target'}`
    );
  }
  const c = countdown(i.ack_due_at, now);
  return c.overdue ? `missed, ${c.text.replace(' overdue', '')} past due` : `acknowledge ${c.text}`;
}

function escalationText(i: IncidentDetail, now: number, stopped: string | null): string {
  const level = i.escalation_level === 0 ? 'not escalated yet' : `level ${i.escalation_level}`;
  if (i.next_escalation_at)
    return `${level}, next ${countdown(i.next_escalation_at, now).text.replace(/^(.*) overdue$/, 'due $1 ago')}`;
  return `${level}${stopped ? ` (stopped: ${stopped})` : i.status === 'resolved' ? '' : ', nothing more scheduled'}`;
}

function Actions({
  incident,
  busy,
  run,
}: {
  incident: IncidentDetail;
  busy: boolean;
  run: (a: IncidentAction) => void;
}) {
  const [phase, setPhase] = useState<Phase>(incident.phase);
  const [severity, setSeverity] = useState<Severity>(incident.severity);
  const [reason, setReason] = useState('');
  // Follow the incident when it changes elsewhere (live updates), as React's docs suggest for derived state.
  const [seen, setSeen] = useState({ phase: incident.phase, severity: incident.severity });
  if (seen.phase !== incident.phase || seen.severity !== incident.severity) {
    setSeen({ phase: incident.phase, severity: incident.severity });
    setPhase(incident.phase);
    setSeverity(incident.severity);
  }
  const open = incident.status !== 'resolved';

  return (
    <section className="actions-bar" aria-label="Actions">
      <div className="buttons">
        {incident.status === 'triggered' && (
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => run({ do: 'acknowledge' })}
            aria-keyshortcuts="a"
          >
            Acknowledge
          </button>
        )}
        {open && (
          <button type="button" disabled={busy} onClick={() => run({ do: 'resolve' })} aria-keyshortcuts="r">
            Resolve
          </button>
        )}
        {!open && (
          <button type="button" disabled={busy} onClick={() => run({ do: 'reopen' })}>
            Reopen
          </button>
        )}
        {open && (
          <button type="button" disabled={busy} onClick={() => run({ do: 'escalate' })}>
            Escalate now
          </button>
        )}
        <span className="hint">
          {incident.status === 'triggered' && (
            <>
              <kbd>a</kbd> acknowledge,{' '}
            </>
          )}
          {open && (
            <>
              <kbd>r</kbd> resolve,{' '}
            </>
          )}
          <kbd>n</kbd> note
        </span>
      </div>
      <div className="changes">
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            run({ do: 'phase', phase });
          }}
        >
          <select aria-label="Phase" value={phase} onChange={(e) => setPhase(e.target.value as Phase)}>
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {PHASE_LABEL[p]}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy || phase === incident.phase}>
            Move phase
          </button>
        </form>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            run({ do: 'severity', severity, ...(reason.trim() && { reason: reason.trim() }) });
            setReason('');
          }}
        >
          <select aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABEL[s]}
              </option>
            ))}
          </select>
          <input
            aria-label="Reason for the severity change (optional)"
            placeholder="Reason (optional)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={2000}
          />
          <button type="submit" disabled={busy || severity === incident.severity}>
            Change severity
          </button>
        </form>
      </div>
    </section>
  );
}

function NoteBox({
  box,
  busy,
  add,
}: {
  box: RefObject<HTMLTextAreaElement | null>;
  busy: boolean;
  add: (text: string) => Promise<unknown>;
}) {
  const [text, setText] = useState('');
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!text.trim() || busy) return;
    add(text.trim()).then(
      () => setText(''),
      () => undefined, // the page shows the error; the text stays for another try
    );
  };
  const keys = (event: ReactKeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
    else if (event.key === 'Escape') (event.currentTarget as HTMLElement).blur();
  };
  return (
    <form className="note" onSubmit={submit}>
      <label htmlFor="note-text">Add a note</label>
      <textarea
        id="note-text"
        ref={box}
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={keys}
        maxLength={10_000}
        placeholder="What you found or did (Ctrl+Enter adds it)"
      />
      <button type="submit" disabled={busy || !text.trim()}>
        Add note
      </button>
    </form>
  );
}

function Alerts({ incidentRef, queryKey, now }: { incidentRef: string; queryKey: readonly unknown[]; now: number }) {
  const alerts = useQuery({ queryKey: [...queryKey, 'alerts'], queryFn: () => getAlerts(incidentRef) });
  const rows = alerts.data?.data ?? [];
  return (
    <section className="panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts{alerts.data ? ` (${rows.length}${alerts.data.next_cursor ? '+' : ''})` : ''}</h2>
      {alerts.isPending ? (
        <p className="muted">Loading…</p>
      ) : alerts.isError ? (
        <p className="error">Could not load alerts: {alerts.error.message}</p>
      ) : rows.length === 0 ? (
        <p className="muted">No alerts: this incident was opened by hand.</p>
      ) : (
        <ul className="alerts">
          {rows.map((a) => (
            <li key={a.id} className={`alert status-${a.status}`}>
              <span className="alert-summary">{a.summary}</span>
              <span className="alert-meta">
                <span className="alert-status">{a.status}</span>
                {a.classified_as && <span>{SEVERITY_LABEL[a.classified_as]}</span>}
                {a.source && <span>from {a.source}</span>}
                {a.event_count > 1 && <span>{a.event_count} events</span>}
                <time dateTime={a.last_seen_at} title={when(a.last_seen_at)}>
                  last {age(a.last_seen_at, now)} ago
                </time>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
