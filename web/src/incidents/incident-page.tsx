// One incident (/incidents/:ref, ref = number or id), laid out calm: the header (status, severity,
// phase, commander, next deadline, why this severity, the clocks), the one next step with the rest in
// a menu, the status update, the mitigation actions run on it, what the public status page shows about
// it, the roles, the timeline grouped by phase, and the alerts. On a phone that is the order, one
// column; from 1100 px the timeline takes the left and the rest the right. Viewers get the same page
// without anything that changes the incident.
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
import { ApiError, type IncidentDetail, listServices, type Session } from '../shared/api.ts';
import { SEVERITY_LABEL } from '../shared/format.ts';
import { seesPersonalData } from '../shared/gdpr-clocks.ts';
import { useShortcuts } from '../shared/keys.ts';
import { useNow } from '../shared/use-now.ts';
import { Button, toast } from '../ui/index.ts';
import {
  getEscalation,
  getIncident,
  getUpdateSchedule,
  perform,
  ROLE_LABEL,
  type IncidentAction,
} from './incident-api.ts';
import { useLiveIncident } from './incident-live.ts';
import { RunActionDialog, type RunRequest } from './action-run-dialog.tsx';
import { ChangeOffers } from './change-offers.tsx';
import { IncidentActions } from './incident-actions.tsx';
import { Actions, ChangeDialog, type Pending } from './incident-page-actions.tsx';
import { Alerts } from './incident-page-alerts.tsx';
import { IncidentChecklist } from './incident-checklist.tsx';
import { PostmortemLink } from './incident-postmortem-link.tsx';
import { BreachBanner, PersonalDataDialog } from './incident-personal-data.tsx';
import { canEscalate } from './incident-page-clocks.ts';
import { Header } from './incident-page-header.tsx';
import { Roles } from './incident-roles.tsx';
import { IncidentStatusPage } from './incident-status-page.tsx';
import { StatusUpdates } from './incident-updates.tsx';
import { Timeline } from './timeline.tsx';
import './incident-page.css';

/** What a toast says once an action went through. */
function done(action: IncidentAction, i: IncidentDetail): string {
  switch (action.do) {
    case 'acknowledge':
      return `Acknowledged ${i.number}`;
    case 'resolve':
      return `Resolved ${i.number}`;
    case 'reopen':
      return `Reopened ${i.number}`;
    case 'escalate':
      return `Escalated ${i.number} to level ${i.escalation_level}`;
    case 'note':
      return 'Note added to the timeline';
    case 'phase':
      return `Moved to ${i.phase}`;
    case 'severity':
      return `Severity changed to ${SEVERITY_LABEL[i.severity]}`;
    case 'role':
      return action.user
        ? `${ROLE_LABEL[action.role]}: ${i.roles[action.role]?.name ?? 'assigned'}`
        : `${ROLE_LABEL[action.role]} unassigned`;
  }
}

/** Focus after a menu closes: the menu gives focus back to its button first, so this waits a moment. */
const focusSoon = (find: () => HTMLElement | null | undefined) =>
  setTimeout(() => {
    const target = find();
    target?.focus();
    target?.scrollIntoView({ block: 'center' });
  }, 60);

export function IncidentPage({ session }: { session: Session }) {
  const { ref = '' } = useParams();
  const queryClient = useQueryClient();
  const queryKey = ['incident', ref] as const;
  const now = useNow(1000);
  const canAct = session.role !== 'viewer';
  const handlesBreaches = seesPersonalData(session);
  const noteBox = useRef<HTMLTextAreaElement>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [flagging, setFlagging] = useState(false);
  const [running, setRunning] = useState<RunRequest | null>(null);

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
  // The same query as the status-update box, so the header's deadline and the box agree.
  const schedule = useQuery({
    queryKey: [...queryKey, 'updates'],
    queryFn: () => getUpdateSchedule(ref),
    enabled: incident !== undefined,
  });

  const act = useMutation({
    mutationFn: (action: IncidentAction) => perform(ref, action),
    onSuccess: (updated, action) => {
      queryClient.setQueryData([...queryKey, 'detail'], updated);
      void queryClient.invalidateQueries({ queryKey });
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
      toast(done(action, updated));
    },
    onError: (error) => toast('That did not go through', { tone: 'danger', detail: error.message }),
  });
  const run = (action: IncidentAction) => act.mutate(action);

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
    if (!incident || !canAct || act.isPending || pending || flagging || running) return false;
    if (event.key === 'a' && incident.status === 'triggered') run({ do: 'acknowledge' });
    else if (event.key === 'r' && incident.status !== 'resolved') run({ do: 'resolve' });
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
  const state = escalation.data?.escalation;
  const stopped = state?.stopped_at ? state.stop_reason : null;

  return (
    <article className="incident-page" aria-labelledby="incident-title">
      <Link to="/incidents" className="back">
        ← Incidents
      </Link>
      <Header
        incident={i}
        now={now}
        live={live}
        canAct={canAct}
        ask={setPending}
        serviceName={serviceName}
        stopped={stopped}
        updateDueAt={schedule.data?.next_update_at ?? null}
        postmortem={
          <PostmortemLink incidentRef={ref} queryKey={queryKey} resolved={i.status === 'resolved'} canAct={canAct} />
        }
      />
      {handlesBreaches && <BreachBanner incidentId={i.id} />}
      {canAct && (
        <Actions
          incident={i}
          busy={act.isPending}
          canEscalate={canEscalate(i, stopped)}
          run={run}
          ask={setPending}
          focusNote={() => focusSoon(() => noteBox.current)}
          focusRoles={() => focusSoon(() => document.getElementById('assign-incident_commander'))}
          flagPersonalData={handlesBreaches ? () => setFlagging(true) : undefined}
        />
      )}
      {handlesBreaches && (
        <PersonalDataDialog
          isOpen={flagging}
          onClose={() => setFlagging(false)}
          incidentRef={i.id}
          incidentKey={queryKey}
        />
      )}
      {canAct && (
        <ChangeDialog
          pending={pending}
          incident={i}
          now={now}
          busy={act.isPending}
          onCancel={() => setPending(null)}
          onConfirm={(action) => {
            setPending(null);
            run(action);
          }}
        />
      )}
      <StatusUpdates incident={i} incidentRef={ref} queryKey={queryKey} now={now} canAct={canAct} />
      <IncidentActions
        incident={i}
        incidentRef={ref}
        queryKey={queryKey}
        session={session}
        canAct={canAct}
        now={now}
        onRun={() => setRunning({})}
      />
      {canAct && running && (
        <RunActionDialog
          incident={i}
          incidentRef={ref}
          queryKey={queryKey}
          serviceName={serviceName}
          request={running}
          onClose={() => setRunning(null)}
        />
      )}
      <IncidentStatusPage incidentId={i.id} canAct={canAct} />
      <Roles
        incident={i}
        session={session}
        canAct={canAct}
        busy={act.isPending}
        assign={(role, user) => act.mutateAsync({ do: 'role', role, user })}
      />
      <IncidentChecklist
        incidentRef={ref}
        queryKey={queryKey}
        phase={i.phase}
        resolved={i.status === 'resolved'}
        canAct={canAct}
        onRunAction={(name) => setRunning({ definitionId: name, title: `Run ${name}` })}
      />
      <section className="panel incident-timeline" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        {canAct && (
          <NoteBox box={noteBox} busy={act.isPending} add={(text, key) => act.mutateAsync({ do: 'note', text, key })} />
        )}
        <Timeline
          incidentRef={ref}
          queryKey={queryKey}
          now={now}
          phase={i.phase}
          resolved={i.status === 'resolved'}
          extra={
            canAct
              ? (event) => (
                  <ChangeOffers
                    event={event}
                    onOffer={(offer) => setRunning({ definitionId: offer.definition_id, params: offer.params })}
                  />
                )
              : undefined
          }
        />
      </section>
      <Alerts incidentRef={ref} queryKey={queryKey} now={now} />
    </article>
  );
}

function NoteBox({
  box,
  busy,
  add,
}: {
  box: RefObject<HTMLTextAreaElement | null>;
  busy: boolean;
  add: (text: string, key: boolean) => Promise<unknown>;
}) {
  const [text, setText] = useState('');
  const [key, setKey] = useState(false);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!text.trim() || busy) return;
    add(text.trim(), key).then(
      () => {
        setText('');
        setKey(false);
      },
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
      <span className="note-send">
        <label className="note-key">
          <input type="checkbox" checked={key} onChange={(e) => setKey(e.target.checked)} /> Key moment
          <span className="ui-muted"> (goes into the post-mortem&apos;s timeline)</span>
        </label>
        <Button type="submit" size="sm" isDisabled={busy || !text.trim()}>
          Add note
        </Button>
      </span>
    </form>
  );
}
