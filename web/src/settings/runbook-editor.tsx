// An admin's form for one runbook: name, description, what it is assigned to (services, severities), and its
// steps by phase — added, edited, removed and moved within their phase in the draft, then sent in one save
// (POST for a new runbook, PATCH for one that exists). A refusal shows the server's message beside the Save
// button, names the steps it points at, and leaves the draft as it was.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, type Runbook, type RunbookEvent } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { id, SEVERITIES } from '../shared/resources.ts';
import { Button, count, toast } from '../ui/index.ts';
import {
  addStep,
  appliesToWords,
  blankStep,
  bodyOf,
  byPhase,
  canMove,
  changeStep,
  draftOf,
  moveStep,
  PHASE_LABEL,
  removeStep,
  stepsNamedIn,
  type RunbookDraft,
} from './runbook-draft.ts';
import { StepFields, StepRow, type StepFocus } from './runbook-step.tsx';
import { RUNBOOKS, runbookPath } from './runbooks-api.ts';

export function RunbookEditor({
  runbook,
  copyOf,
  events,
  services,
}: {
  /** The runbook to change; unset for a new one. */
  runbook?: Runbook;
  /** A new runbook's starting point ("Duplicate"). */
  copyOf?: Runbook;
  events: readonly RunbookEvent[];
  services: { list: ReadonlyArray<{ id: string; name: string }>; name: (id: string) => string };
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  // What the server holds, to tell unsaved changes; a save moves it. A refetch (another admin's change)
  // does not reset the form: what is typed here stays until it is saved or discarded.
  const [initial, setInitial] = useState(() => (runbook ? draftOf(runbook) : draftOf(copyOf, true)));
  const [draft, setDraft] = useState<RunbookDraft>(initial);
  const [editing, setEditing] = useState<number | null>(null);
  const [focus, setFocus] = useState<{ key: number; button: StepFocus } | null>(null);
  const focused = useCallback(() => setFocus(null), []);
  const isDefault = runbook?.default ?? false;

  const save = useMutation({
    mutationFn: (sent: RunbookDraft) =>
      runbook
        ? api<Runbook>('PATCH', `/api/v1/runbooks/${id(runbook.id)}`, bodyOf(sent, isDefault))
        : api<Runbook>('POST', '/api/v1/runbooks', bodyOf(sent, false)),
    onSuccess: (saved, sent) => {
      setInitial(sent);
      queryClient.setQueryData([...RUNBOOKS, 'one', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: [...RUNBOOKS, 'list'] });
      toast(`Runbook “${saved.name}” ${runbook ? 'saved' : 'created'}`);
      if (!runbook) void navigate(runbookPath(saved.id), { replace: true });
    },
  });
  const dirty = JSON.stringify(bodyOf(draft, isDefault)) !== JSON.stringify(bodyOf(initial, isDefault));
  const steps = draft.steps;
  const setSteps = (next: RunbookDraft['steps']) => setDraft((d) => ({ ...d, steps: next }));
  const toggle = <T,>(list: readonly T[], value: T, on: boolean) =>
    on ? [...list, value] : list.filter((v) => v !== value);
  // Services the runbook names that the list lacks (deleted since) stay visible, so unticking them is possible.
  const serviceChoices = [
    ...services.list,
    ...draft.serviceIds.filter((s) => !services.list.some((x) => x.id === s)).map((s) => ({ id: s, name: s })),
  ];
  // The steps as they were sent: the refusal's step numbers count in that list.
  const refused = save.error && save.variables ? stepsNamedIn(save.error.message, save.variables.steps) : [];
  const title = runbook ? `Edit “${runbook.name}”` : 'New runbook';

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(draft);
  }

  return (
    <section className="ui-panel runbook-editor" aria-labelledby="runbook-editor-title">
      <h2 id="runbook-editor-title">{title}</h2>
      {copyOf && (
        <p className="ui-small ui-muted">Starts from the steps of “{copyOf.name}”; assign it below, then create it.</p>
      )}
      <form className="ui-form" onSubmit={submit} aria-label={title}>
        <label>
          Name
          <input
            value={draft.name}
            required
            maxLength={200}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
        </label>
        <label className="wide">
          Description
          <input value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
        </label>
        {isDefault ? (
          <p className="wide ui-small">
            <strong>Assigned to every incident not assigned elsewhere.</strong> The default runbook cannot be assigned;
            create another runbook for particular services or severities.
          </p>
        ) : (
          <fieldset className="wide runbook-assignment">
            <legend>Assigned to</legend>
            <div role="group" aria-label="Services">
              <span className="ui-small">Services</span>
              {serviceChoices.length === 0 && <span className="ui-muted ui-small">No services yet.</span>}
              {serviceChoices.map((s) => (
                <label key={s.id} className="check">
                  <input
                    type="checkbox"
                    checked={draft.serviceIds.includes(s.id)}
                    onChange={(e) =>
                      setDraft({ ...draft, serviceIds: toggle(draft.serviceIds, s.id, e.target.checked) })
                    }
                  />
                  {s.name}
                </label>
              ))}
            </div>
            <div role="group" aria-label="Severities">
              <span className="ui-small">Severities</span>
              {SEVERITIES.map((sev) => (
                <label key={sev} className="check">
                  <input
                    type="checkbox"
                    checked={draft.severities.includes(sev)}
                    onChange={(e) =>
                      setDraft({ ...draft, severities: toggle(draft.severities, sev, e.target.checked) })
                    }
                  />
                  {sev}
                </label>
              ))}
            </div>
            <p className="ui-small" role="status">
              Applies to{' '}
              {appliesToWords(
                { default: false, applies_to: { service_ids: draft.serviceIds, severities: draft.severities } },
                services.name,
              )}
              .
            </p>
          </fieldset>
        )}
        <div className="wide runbook-phases">
          <h3>
            Steps <span className="ui-muted ui-small">· {count(steps.length, 'step')}</span>
          </h3>
          {byPhase(steps).map(([phase, inPhase]) => (
            <section key={phase} className="runbook-phase" aria-label={PHASE_LABEL[phase]}>
              <h4>{PHASE_LABEL[phase]}</h4>
              {inPhase.length === 0 ? (
                <p className="ui-muted ui-small">No steps in this phase.</p>
              ) : (
                <ol aria-label={`${PHASE_LABEL[phase]} steps`}>
                  {inPhase.map((step, i) => (
                    <li key={step.key}>
                      {editing === step.key ? (
                        <StepFields
                          step={step}
                          place={i + 1}
                          events={events}
                          onChange={(patch) => setSteps(changeStep(steps, step.key, patch))}
                          onDone={() => {
                            setEditing(null);
                            setFocus({ key: step.key, button: 'edit' });
                          }}
                          onRemove={() => setSteps(removeStep(steps, step.key))}
                        />
                      ) : (
                        <StepRow
                          step={step}
                          place={i + 1}
                          events={events}
                          canUp={canMove(steps, step.key, 'up')}
                          canDown={canMove(steps, step.key, 'down')}
                          focus={focus?.key === step.key ? focus.button : undefined}
                          onFocused={focused}
                          onMove={(direction) => {
                            setSteps(moveStep(steps, step.key, direction));
                            setFocus({ key: step.key, button: direction });
                          }}
                          onEdit={() => setEditing(step.key)}
                          onRemove={() => setSteps(removeStep(steps, step.key))}
                        />
                      )}
                    </li>
                  ))}
                </ol>
              )}
              <Button
                size="sm"
                aria-label={`Add a step to ${PHASE_LABEL[phase]}`}
                onPress={() => {
                  const step = blankStep(phase);
                  setSteps(addStep(steps, step));
                  setEditing(step.key);
                }}
              >
                Add a step
              </Button>
            </section>
          ))}
        </div>
        <div className="buttons">
          <Button type="submit" variant="primary" isDisabled={save.isPending || (runbook && !dirty)}>
            {runbook ? 'Save runbook' : 'Create runbook'}
          </Button>
          {runbook && dirty && (
            <>
              <Button
                onPress={() => {
                  setDraft(initial);
                  setEditing(null);
                  save.reset();
                }}
              >
                Discard changes
              </Button>
              <span className="ui-small ui-muted" role="status">
                Unsaved changes
              </span>
            </>
          )}
        </div>
      </form>
      <Problem error={save.error} />
      {refused.length > 0 && (
        <ul className="ui-small" aria-label="Steps the server refused">
          {refused.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
