// "Run action" on an incident: the enabled actions that apply to its service, a form made from the chosen
// action's parameters (text with its pattern and length, a whole number in its range, a switch, a list of
// values; defaults filled in, required ones marked), a dry run where the action has one, and a note when a
// second person must approve it first. The form is checked here as the server checks it; a refusal that names
// a parameter (422, `params.x`) shows on that field. "Roll back this deploy" opens it with an offer's values.
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import {
  appliesTo,
  CATEGORY_LABEL,
  initialValues,
  needsApproval,
  paramError,
  paramHint,
  readValues,
  targetWords,
  type FormValues,
  type ParamValue,
} from '../shared/action-words.ts';
import { useActionDefinitions, useInvoke } from '../shared/actions-api.ts';
import type { ActionDefinition, ActionParam, IncidentDetail } from '../shared/api.ts';
import { SEVERITY_LABEL } from '../shared/format.ts';
import { Problem } from '../shared/form-kit.tsx';
import { Button, Dialog, Select, Skeleton, toast } from '../ui/index.ts';

/** What the dialog opens with: an action and values ("roll back this deploy"), or nothing chosen. */
export interface RunRequest {
  /** The action's id or name. */
  definitionId?: string;
  params?: Record<string, ParamValue>;
  /** The dialog's title when it is not "Roll back this deploy" (a checklist step's action). */
  title?: string;
}

export function RunActionDialog({
  incident,
  incidentRef,
  queryKey,
  serviceName,
  request,
  onClose,
}: {
  incident: IncidentDetail;
  incidentRef: string;
  queryKey: readonly unknown[];
  serviceName: string | null;
  request: RunRequest;
  onClose: () => void;
}) {
  const definitions = useActionDefinitions(incident.service_id ? { service_id: incident.service_id } : {});
  const runnable = (definitions.data?.data ?? []).filter((d) => d.enabled && appliesTo(d, incident.service_id));
  const [chosenId, setChosenId] = useState<string | null>(request.definitionId ?? null);
  const chosen =
    runnable.find((d) => d.id === chosenId || d.name === chosenId) ?? (runnable.length === 1 ? runnable[0] : undefined);
  const offered = request.definitionId !== undefined && chosen !== undefined && chosenId === request.definitionId;

  return (
    <Dialog
      isOpen
      onClose={onClose}
      title={request.title ?? (request.definitionId ? 'Roll back this deploy' : 'Run an action')}
    >
      <Problem error={definitions.error} />
      {definitions.isSuccess &&
        request.definitionId &&
        runnable.length > 0 &&
        !runnable.some((d) => d.id === request.definitionId || d.name === request.definitionId) && (
          <p className="ui-small ui-muted">
            The action “{request.definitionId}” is not enabled for {serviceName ?? 'this incident'}; admins switch it on
            under <Link to="/settings/actions">Settings → Actions</Link>.
          </p>
        )}
      {definitions.isPending && <Skeleton lines={3} label="Loading the actions" />}
      {definitions.isSuccess && runnable.length === 0 && (
        <p>
          No enabled action applies to {serviceName ? `${serviceName}` : 'incidents without a service'}. Admins add and
          enable them under <Link to="/settings/actions">Settings → Actions</Link>.
        </p>
      )}
      {runnable.length > 0 && (
        <div className="run-action">
          {runnable.length > 1 && (
            <Select
              label="Action"
              options={runnable.map((d) => ({
                id: d.id,
                label: d.name,
                detail: d.description ?? CATEGORY_LABEL[d.category],
              }))}
              value={chosen?.id ?? null}
              onChange={setChosenId}
              placeholder="Choose an action…"
            />
          )}
          {chosen && (
            <RunForm
              key={chosen.id}
              action={chosen}
              incident={incident}
              incidentRef={incidentRef}
              queryKey={queryKey}
              prefill={offered ? request.params : undefined}
              onClose={onClose}
            />
          )}
          {!chosen && (
            <div className="buttons">
              <Button onPress={onClose}>Cancel</Button>
            </div>
          )}
        </div>
      )}
      {definitions.isSuccess && runnable.length === 0 && (
        <div className="buttons">
          <Button onPress={onClose}>Close</Button>
        </div>
      )}
    </Dialog>
  );
}

function RunForm({
  action,
  incident,
  incidentRef,
  queryKey,
  prefill,
  onClose,
}: {
  action: ActionDefinition;
  incident: IncidentDetail;
  incidentRef: string;
  queryKey: readonly unknown[];
  prefill: Record<string, ParamValue> | undefined;
  onClose: () => void;
}) {
  const [values, setValues] = useState<FormValues>(() => initialValues(action.params, prefill));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dryRun, setDryRun] = useState(false);
  const dryRunHint = useId();
  const run = useInvoke(incidentRef, queryKey);
  const approval = needsApproval(action.approval, incident.severity, dryRun);
  const refused = paramError(run.error);
  // The dry-run parameter is set by the server on a dry run; it is not asked for.
  const fields = action.params.filter((p) => !(dryRun && p.name === action.dry_run.param));

  function submit(event: FormEvent) {
    event.preventDefault();
    const read = readValues(fields, values);
    setErrors(read.errors);
    if (Object.keys(read.errors).length > 0) {
      document.getElementById(`param-${Object.keys(read.errors)[0]}`)?.focus();
      return;
    }
    run.mutate(
      { definition_id: action.id, params: read.values, dry_run: dryRun },
      {
        onSuccess: (invocation) => {
          toast(
            invocation.state === 'awaiting_approval'
              ? `Asked for approval to run ${invocation.name}`
              : `${dryRun ? 'Dry run of' : 'Running'} ${invocation.name}`,
          );
          onClose();
        },
        onError: (error) => {
          const field = paramError(error);
          if (field) setErrors({ [field.name]: field.message });
        },
      },
    );
  }
  const set = (name: string, value: string | boolean) => {
    setValues((v) => ({ ...v, [name]: value }));
    if (errors[name])
      setErrors((before) => {
        const rest = { ...before };
        delete rest[name];
        return rest;
      });
  };

  return (
    <form className="ui-form stack run-action-form" onSubmit={submit} noValidate aria-label={`Run ${action.name}`}>
      <div className="run-action-about">
        <p className="run-action-name">
          <strong>{action.name}</strong> <span className="ui-muted">· {CATEGORY_LABEL[action.category]}</span>
        </p>
        {action.description && <p>{action.description}</p>}
        <p className="ui-muted ui-small">Runs {targetWords(action.target)}.</p>
      </div>
      {fields.length > 0 && (
        <fieldset className="run-action-params">
          <legend>Parameters</legend>
          {fields.map((p) => (
            <ParamField
              key={p.name}
              param={p}
              value={values[p.name] ?? ''}
              error={errors[p.name]}
              onChange={(v) => set(p.name, v)}
            />
          ))}
        </fieldset>
      )}
      <div className="run-toggle-field">
        <label className="run-toggle">
          <input
            type="checkbox"
            checked={dryRun}
            disabled={!action.dry_run.supported}
            aria-describedby={dryRunHint}
            onChange={(e) => setDryRun(e.target.checked)}
          />
          Dry run
        </label>
        <span id={dryRunHint} className="ui-muted ui-small">
          {action.dry_run.supported ? 'Changes nothing and never needs approval.' : 'This action has no dry run.'}
        </span>
      </div>
      {approval && (
        <p className="run-action-approval" role="note">
          <strong>Needs approval.</strong> A second responder must approve it within 15 minutes before it runs:{' '}
          {action.approval === 'always'
            ? 'this action always asks for one.'
            : `this action asks for one on P0 and P1 incidents, and this one is ${SEVERITY_LABEL[incident.severity]}.`}
        </p>
      )}
      {run.error && !(refused && fields.some((f) => f.name === refused.name)) && <Problem error={run.error} />}
      <div className="buttons">
        <Button onPress={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" isDisabled={run.isPending}>
          {approval ? 'Ask for approval' : dryRun ? 'Start dry run' : 'Run now'}
        </Button>
      </div>
    </form>
  );
}

/** One parameter's field: its name (marked when required), the control for its type, a hint and its error. */
function ParamField({
  param: p,
  value,
  error,
  onChange,
}: {
  param: ActionParam;
  value: string | boolean;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const hintId = useId();
  const errorId = useId();
  const hint = paramHint(p);
  const describedBy = [hint && hintId, error && errorId].filter(Boolean).join(' ') || undefined;
  const foot = (
    <>
      {hint && (
        <span id={hintId} className="ui-muted ui-small">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
  const name = (
    <span className="param-name">
      <code>{p.name}</code>
      {p.required && (
        <span className="required" title="Required">
          {' '}
          (required)
        </span>
      )}
    </span>
  );

  if (p.type === 'boolean')
    return (
      <div className="param-field">
        <label className="run-toggle">
          <input
            id={`param-${p.name}`}
            type="checkbox"
            role="switch"
            checked={value === true}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.checked)}
          />
          {name}
        </label>
        {foot}
      </div>
    );
  if (p.type === 'enum')
    return (
      <div className="param-field">
        <Select
          label={p.required ? `${p.name} (required)` : p.name}
          options={(p.enum ?? []).map((v) => ({ id: v, label: v }))}
          value={typeof value === 'string' && value !== '' ? value : null}
          onChange={onChange}
          isRequired={p.required}
        />
        {foot}
      </div>
    );
  return (
    <div className="param-field">
      <label htmlFor={`param-${p.name}`}>{name}</label>
      <input
        id={`param-${p.name}`}
        type={p.type === 'integer' ? 'number' : 'text'}
        inputMode={p.type === 'integer' ? 'numeric' : undefined}
        step={p.type === 'integer' ? 1 : undefined}
        min={p.type === 'integer' ? (p.min ?? undefined) : undefined}
        max={p.type === 'integer' ? (p.max ?? undefined) : undefined}
        maxLength={p.type === 'string' ? (p.max ?? undefined) : undefined}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value)}
        required={p.required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        spellCheck={false}
      />
      {foot}
    </div>
  );
}
