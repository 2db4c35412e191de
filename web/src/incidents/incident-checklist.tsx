// The incident's runbook checklist: the steps copied from the runbook that applied when it opened, grouped
// by phase (the current phase open, the others folded), each with who ticked it or the event that completed
// it by itself. Responders tick and untick; ticks go on the timeline, so the page's timeline reloads too.
// Viewers read the same list with marks instead of boxes.
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { Circle, CircleCheck } from 'lucide-react';
import { useState } from 'react';
import { api, type Checklist, type ChecklistStep } from '../shared/api.ts';
import { Problem } from '../shared/ui-kit.tsx';
import { absolute, Button } from '../ui/index.ts';
import { byPhase, CHECKLIST_PHASE_LABEL, doneBy, eventLabel } from './checklist-words.ts';

const omit = (o: Record<string, boolean>, key: string) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

export function IncidentChecklist({
  incidentRef,
  queryKey,
  phase,
  resolved,
  canAct,
  onRunAction,
}: {
  incidentRef: string;
  /** Opens the run dialog for a step's mitigation action. */
  onRunAction?: (name: string) => void;
  /** The incident page's query key: a tick adds a timeline entry. */
  queryKey: QueryKey;
  phase: string;
  resolved: boolean;
  canAct: boolean;
}) {
  const queryClient = useQueryClient();
  // Under the page's key: whatever reloads the incident (its live updates, an action) reloads the checklist.
  const key = [...queryKey, 'checklist'];
  const checklist = useQuery({
    queryKey: key,
    queryFn: () => api<Checklist>('GET', `/api/v1/incidents/${encodeURIComponent(incidentRef)}/checklist`),
    refetchInterval: 30_000,
  });
  const toggle = useMutation({
    mutationFn: (step: ChecklistStep) =>
      api<ChecklistStep>(
        'POST',
        `/api/v1/incidents/${encodeURIComponent(incidentRef)}/checklist/${step.id}/${step.done ? 'untick' : 'tick'}`,
        {},
      ),
    onSettled: (_, __, step) => {
      void queryClient.invalidateQueries({ queryKey }).then(() => setClicked((c) => omit(c, step.id)));
    },
  });
  // The box follows the click at once (a controlled box would snap back until the answer); the answer, or a
  // refusal, then sets it right.
  const [clicked, setClicked] = useState<Record<string, boolean>>({});
  const isDone = (step: ChecklistStep) => clicked[step.id] ?? step.done;
  const data = checklist.data;
  if (!data) return <Problem error={checklist.error} />;
  if (data.steps.length === 0) return null;
  // After the resolve the steps after it are the ones to do; before it, the incident's phase.
  const current = resolved ? 'post_resolution' : phase;
  return (
    <section className="panel incident-checklist" aria-labelledby="checklist-title">
      <h2 id="checklist-title">
        Checklist{' '}
        <span className="ui-muted ui-small">
          {data.done} of {data.total} done{data.runbook ? ` · ${data.runbook.name}` : ''}
        </span>
      </h2>
      <Problem error={toggle.error} />
      {byPhase(data.steps).map(([stepPhase, steps]) => {
        const done = steps.filter((s) => s.done).length;
        return (
          <details key={stepPhase} className="checklist-phase" open={stepPhase === current}>
            <summary>
              {CHECKLIST_PHASE_LABEL[stepPhase]}{' '}
              <span className="ui-muted ui-small">
                {done} of {steps.length}
              </span>
            </summary>
            <ul aria-label={CHECKLIST_PHASE_LABEL[stepPhase]}>
              {steps.map((step) => (
                <li key={step.id} className={step.done ? 'done' : undefined}>
                  {canAct ? (
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={isDone(step)}
                        disabled={toggle.isPending}
                        onChange={() => {
                          setClicked((c) => ({ ...c, [step.id]: !step.done }));
                          toggle.mutate(step);
                        }}
                      />{' '}
                      {step.text}
                    </label>
                  ) : (
                    // Viewers read the list; a box they cannot tick would look like a control.
                    <span className="check">
                      {step.done ? (
                        <CircleCheck size={16} aria-label="done" role="img" />
                      ) : (
                        <Circle size={16} aria-label="open" role="img" />
                      )}{' '}
                      {step.text}
                    </span>
                  )}
                  {step.call && (
                    <code className="ui-small">
                      {step.call.function} {step.call.action}
                    </code>
                  )}
                  {step.link && (
                    <a href={step.link} target="_blank" rel="noreferrer" className="ui-small">
                      guide
                    </a>
                  )}
                  {step.action &&
                    (canAct && onRunAction ? (
                      <Button size="sm" variant="secondary" onPress={() => onRunAction(step.action as string)}>
                        Run {step.action}
                      </Button>
                    ) : (
                      <code className="ui-small">{step.action}</code>
                    ))}
                  {step.done ? (
                    <span className="ui-muted ui-small" title={step.done_at ? absolute(step.done_at) : undefined}>
                      {doneBy(step)}
                    </span>
                  ) : (
                    step.auto_complete_on && (
                      <span className="ui-muted ui-small">completes itself: {eventLabel(step.auto_complete_on)}</span>
                    )
                  )}
                </li>
              ))}
            </ul>
          </details>
        );
      })}
    </section>
  );
}
