// Settings → one runbook (/settings/runbooks/{id}), or a new one (/settings/runbooks/new, `?from=` a runbook
// to start from its steps). Admins get the editor, Duplicate and Delete; everyone else reads the runbook:
// what it applies to and its steps by phase.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Copy } from 'lucide-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, type Runbook, type RunbookEvent, type Session } from '../shared/api.ts';
import { AdminsOnly, ConfirmButton, Problem } from '../shared/form-kit.tsx';
import { id } from '../shared/resources.ts';
import { absolute, Badge, ButtonLink, count, Skeleton, toast } from '../ui/index.ts';
import { appliesToWords, byPhase, PHASE_LABEL } from './runbook-draft.ts';
import { RunbookEditor } from './runbook-editor.tsx';
import { StepSummary } from './runbook-step.tsx';
import { RUNBOOKS, useRunbook, useRunbookEvents, useServiceNames } from './runbooks-api.ts';

export function RunbookPage({ session }: { session: Session }) {
  const { runbookId = '' } = useParams();
  const [search] = useSearchParams();
  const isNew = runbookId === 'new';
  const from = search.get('from') ?? undefined;
  const runbook = useRunbook(isNew ? from : runbookId);
  const events = useRunbookEvents();
  const services = useServiceNames();
  const isAdmin = session.role === 'admin';
  const eventList = events.data?.data ?? [];

  const back = (
    <Link className="back" to="/settings/runbooks">
      ← All runbooks
    </Link>
  );
  if (isNew && !isAdmin)
    return (
      <>
        {back}
        <AdminsOnly>Only admins create runbooks.</AdminsOnly>
      </>
    );
  if (runbook.isError)
    return (
      <>
        {back}
        <Problem error={runbook.error} />
      </>
    );
  if ((!isNew || from) && runbook.isPending) return <Skeleton lines={6} label="Loading the runbook" />;
  const loaded = runbook.data;

  return (
    <>
      {back}
      <Problem error={events.error ?? services.error} />
      {isNew ? (
        <RunbookEditor key={from ?? 'blank'} copyOf={loaded} events={eventList} services={services} />
      ) : (
        loaded && (
          <>
            <RunbookHeader runbook={loaded} isAdmin={isAdmin} serviceName={services.name} />
            {isAdmin ? (
              <RunbookEditor key={loaded.id} runbook={loaded} events={eventList} services={services} />
            ) : (
              <>
                <AdminsOnly>Only admins change, assign or delete runbooks.</AdminsOnly>
                <RunbookSteps runbook={loaded} events={eventList} />
              </>
            )}
          </>
        )
      )}
    </>
  );
}

/** The runbook's name, what it applies to and its last change; an admin's Duplicate and Delete. */
function RunbookHeader({
  runbook,
  isAdmin,
  serviceName,
}: {
  runbook: Runbook;
  isAdmin: boolean;
  serviceName: (id: string) => string;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/runbooks/${id(runbook.id)}`),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: [...RUNBOOKS, 'one', runbook.id] });
      void queryClient.invalidateQueries({ queryKey: [...RUNBOOKS, 'list'] });
      toast(`Runbook “${runbook.name}” deleted`);
      void navigate('/settings/runbooks');
    },
  });
  return (
    <section className="ui-panel" aria-labelledby="runbook-title">
      <header>
        <h2 id="runbook-title">
          {runbook.name} {runbook.default && <Badge tone="info">Default</Badge>}
        </h2>
        {isAdmin && (
          <span className="topics">
            <ButtonLink size="sm" icon={Copy} href={`/settings/runbooks/new?from=${id(runbook.id)}`}>
              Duplicate
            </ButtonLink>
            <ConfirmButton
              label="Delete"
              title={`Delete “${runbook.name}”?`}
              confirm="Delete runbook"
              detail={
                <p>
                  Incidents that opened with it keep their checklists; new incidents get another runbook. This cannot be
                  undone.
                </p>
              }
              onConfirm={() => remove.mutate()}
              disabled={remove.isPending}
            />
          </span>
        )}
      </header>
      {runbook.description && <p>{runbook.description}</p>}
      <p className="ui-small">
        Applies to {appliesToWords(runbook, serviceName)} · {count(runbook.steps.length, 'step')} · last changed{' '}
        {absolute(runbook.updated_at)}
      </p>
      <Problem error={remove.error} />
    </section>
  );
}

/** The steps by phase as everyone reads them (phases without steps left out). */
function RunbookSteps({ runbook, events }: { runbook: Runbook; events: readonly RunbookEvent[] }) {
  const phases = byPhase(runbook.steps).filter(([, steps]) => steps.length > 0);
  return (
    <section className="ui-panel runbook-phases" aria-labelledby="runbook-steps-title">
      <h2 id="runbook-steps-title">Steps</h2>
      {phases.length === 0 && <p className="ui-muted">No steps yet.</p>}
      {phases.map(([phase, steps]) => (
        <section key={phase} className="runbook-phase" aria-label={PHASE_LABEL[phase]}>
          <h3>{PHASE_LABEL[phase]}</h3>
          <ol aria-label={`${PHASE_LABEL[phase]} steps`}>
            {steps.map((s, i) => (
              <li key={i}>
                <StepSummary
                  text={s.text}
                  link={s.link ?? ''}
                  call={s.call ? `${s.call.function} ${s.call.action}` : ''}
                  event={s.auto_complete_on ?? ''}
                  events={events}
                  action={s.action ?? ''}
                />
              </li>
            ))}
          </ol>
        </section>
      ))}
    </section>
  );
}
