// Settings → one mitigation action (/settings/actions/{id}), or a new one (/settings/actions/new). Admins get the
// form: name, category, description, the services it applies to, its parameters (a row each), what it runs (an
// HTTP request with headers, write-only secret headers and a JSON body, or a runner group's command), its dry
// run, timeout and approval. Everyone else reads the definition. The server checks the whole definition again
// and names what it refuses (a parameter's pattern, the URL's address), shown under the form.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  ACTION_CATEGORIES,
  APPROVAL_LABEL,
  APPROVAL_POLICIES,
  CATEGORY_LABEL,
  defaultApproval,
  targetWords,
  type ActionCategory,
  type ApprovalPolicy,
} from '../shared/action-words.ts';
import { createDefinition, definitionsKey, updateDefinition, useActionDefinition } from '../shared/actions-api.ts';
import type { ActionDefinition, Session } from '../shared/api.ts';
import { AdminsOnly, Problem } from '../shared/form-kit.tsx';
import { absolute, Button, count, Select, Skeleton, toast } from '../ui/index.ts';
import {
  blankHeader,
  blankParam,
  bodyOf,
  draftOf,
  DraftError,
  HTTP_METHODS,
  type ActionDraft,
} from './action-draft.ts';
import { HeaderRows, ParamRows } from './action-rows.tsx';
import { actionPath } from './actions.tsx';
import { useServiceNames } from './runbooks-api.ts';

const CATEGORY_OPTIONS = ACTION_CATEGORIES.map((c) => ({ id: c, label: CATEGORY_LABEL[c] }));
const APPROVAL_OPTIONS = APPROVAL_POLICIES.map((a) => ({ id: a, label: APPROVAL_LABEL[a] }));
const METHOD_OPTIONS = HTTP_METHODS.map((m) => ({ id: m, label: m }));
const PLACEHOLDERS = [
  '{{params.NAME}}',
  '{{incident.number}}',
  '{{incident.id}}',
  '{{incident.title}}',
  '{{incident.severity}}',
  '{{service.name}}',
  '{{service.id}}',
  '{{invocation.id}}',
  '{{dry_run}}',
];

export function ActionPage({ session }: { session: Session }) {
  const { actionId = '' } = useParams();
  const isNew = actionId === 'new';
  const action = useActionDefinition(isNew ? undefined : actionId);
  const isAdmin = session.role === 'admin';
  const back = (
    <Link className="back" to="/settings/actions">
      ← All actions
    </Link>
  );
  if (isNew && !isAdmin)
    return (
      <>
        {back}
        <AdminsOnly>Only admins add actions.</AdminsOnly>
      </>
    );
  if (action.isError)
    return (
      <>
        {back}
        <Problem error={action.error} />
      </>
    );
  if (!isNew && action.isPending) return <Skeleton lines={6} label="Loading the action" />;
  return (
    <>
      {back}
      {isNew ? (
        <ActionEditor />
      ) : (
        action.data &&
        (isAdmin ? (
          <ActionEditor key={action.data.updated_at} action={action.data} />
        ) : (
          <ActionSummary action={action.data} />
        ))
      )}
    </>
  );
}

/** The definition as a non-admin reads it. */
function ActionSummary({ action }: { action: ActionDefinition }) {
  const services = useServiceNames();
  return (
    <section className="ui-panel" aria-labelledby="action-title">
      <h2 id="action-title">{action.name}</h2>
      {action.description && <p>{action.description}</p>}
      <dl className="action-facts">
        <dt>Category</dt>
        <dd>{CATEGORY_LABEL[action.category]}</dd>
        <dt>Runs</dt>
        <dd>{targetWords(action.target)}</dd>
        <dt>Applies to</dt>
        <dd>{action.service_ids.length ? action.service_ids.map(services.name).join(', ') : 'Every service'}</dd>
        <dt>Parameters</dt>
        <dd>{action.params.length ? action.params.map((p) => `${p.name} (${p.type})`).join(', ') : 'None'}</dd>
        <dt>Approval</dt>
        <dd>{APPROVAL_LABEL[action.approval]}</dd>
        <dt>Dry run</dt>
        <dd>{action.dry_run.supported ? 'Supported' : 'None'}</dd>
        <dt>Timeout</dt>
        <dd>{count(action.timeout_seconds, 'second')}</dd>
        <dt>Enabled</dt>
        <dd>{action.enabled ? 'Yes' : 'No'}</dd>
        <dt>Last change</dt>
        <dd>{absolute(action.updated_at)}</dd>
      </dl>
      <AdminsOnly>Only admins change actions.</AdminsOnly>
    </section>
  );
}

function ActionEditor({ action }: { action?: ActionDefinition }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const services = useServiceNames();
  const stored = action?.target.kind === 'http' ? action.target.secret_headers : [];
  const [draft, setDraft] = useState<ActionDraft>(() => draftOf(action));
  const [approvalChosen, setApprovalChosen] = useState(action !== undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<ActionDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = useMutation({
    mutationFn: (body: ReturnType<typeof bodyOf>) =>
      action ? updateDefinition(action.id, body) : createDefinition(body),
    onSuccess: (saved) => {
      queryClient.setQueryData([...definitionsKey, 'one', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: definitionsKey });
      toast(`Action “${saved.name}” ${action ? 'saved' : 'created'}`);
      if (!action) void navigate(actionPath(saved.id), { replace: true });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const body = bodyOf(draft, stored);
      setProblem(null);
      save.mutate(body);
    } catch (error) {
      if (!(error instanceof DraftError)) throw error;
      setProblem(error.message);
    }
  }

  const booleans = draft.params.filter((p) => p.type === 'boolean' && p.name.trim());
  const title = action ? `Edit “${action.name}”` : 'New action';
  const missingDuration =
    draft.category === 'maintenance_mode' &&
    !draft.params.some((p) => p.name.trim() === 'duration_minutes' && p.type === 'integer');
  const toggle = (list: readonly string[], value: string, on: boolean) =>
    on ? [...list, value] : list.filter((v) => v !== value);

  return (
    <section className="ui-panel action-editor" aria-labelledby="action-editor-title">
      <h2 id="action-editor-title">{title}</h2>
      <form className="ui-form" onSubmit={submit} aria-label={title} noValidate>
        <label>
          Name
          <input
            value={draft.name}
            required
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            placeholder="restart-checkout"
            onChange={(e) => set({ name: e.target.value })}
          />
        </label>
        <Select
          label="Category"
          options={CATEGORY_OPTIONS}
          value={draft.category}
          onChange={(c) =>
            set({
              category: c as ActionCategory,
              ...(approvalChosen ? {} : { approval: defaultApproval(c as ActionCategory) }),
            })
          }
        />
        <label className="wide">
          Description
          <input
            value={draft.description}
            maxLength={2000}
            onChange={(e) => set({ description: e.target.value })}
            placeholder="What it does, in a sentence responders read before they run it"
          />
        </label>
        <fieldset className="wide action-services">
          <legend>Applies to</legend>
          <span className="ui-muted ui-small">None ticked: incidents of every service.</span>
          {services.list.map((s) => (
            <label key={s.id} className="check">
              <input
                type="checkbox"
                checked={draft.serviceIds.includes(s.id)}
                onChange={(e) => set({ serviceIds: toggle(draft.serviceIds, s.id, e.target.checked) })}
              />
              {s.name}
            </label>
          ))}
        </fieldset>

        <fieldset className="wide">
          <legend>Parameters</legend>
          <ParamRows rows={draft.params} onChange={(params) => set({ params })} />
          {missingDuration && (
            <p className="ui-small" role="note">
              A maintenance-mode action needs an integer parameter <code>duration_minutes</code>: Vigil opens its own
              maintenance window on the service for that long.
            </p>
          )}
          <Button size="sm" onPress={() => set({ params: [...draft.params, blankParam()] })}>
            Add a parameter
          </Button>
        </fieldset>

        <fieldset className="wide action-target">
          <legend>What it runs</legend>
          <div className="action-kind" role="radiogroup" aria-label="Kind">
            <label className="check">
              <input type="radio" name="kind" checked={draft.kind === 'http'} onChange={() => set({ kind: 'http' })} />
              An HTTP request Vigil makes
            </label>
            <label className="check">
              <input
                type="radio"
                name="kind"
                checked={draft.kind === 'runner'}
                onChange={() => set({ kind: 'runner' })}
              />
              A command on a runner
            </label>
          </div>
          {draft.kind === 'http' ? (
            <div className="action-target-fields">
              <Select
                label="Method"
                options={METHOD_OPTIONS}
                value={draft.method}
                onChange={(m) => set({ method: m })}
              />
              <label className="wide">
                URL
                <input
                  value={draft.url}
                  type="url"
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="https://ops.example.com/flags/{{params.flag}}"
                  onChange={(e) => set({ url: e.target.value })}
                />
              </label>
              <div className="wide">
                <h3>Headers</h3>
                <HeaderRows
                  label="Header"
                  rows={draft.headers}
                  onChange={(headers) => set({ headers })}
                  onAdd={() => set({ headers: [...draft.headers, blankHeader()] })}
                />
              </div>
              <div className="wide">
                <h3>Secret headers</h3>
                <p className="ui-muted ui-small">
                  Stored sealed and never shown again (an <code>Authorization</code> token, an API key).
                </p>
                {draft.storedSecrets.length > 0 && (
                  <ul className="stored-secrets" aria-label="Secret headers stored">
                    {draft.storedSecrets.map((name) => (
                      <li key={name}>
                        <code>{name}</code> <span className="ui-muted ui-small">stored</span>{' '}
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Remove the secret header ${name}`}
                          onPress={() => set({ storedSecrets: draft.storedSecrets.filter((n) => n !== name) })}
                        >
                          Remove
                        </Button>
                      </li>
                    ))}
                  </ul>
                )}
                <HeaderRows
                  label="Secret header"
                  secret
                  rows={draft.secrets}
                  onChange={(secrets) => set({ secrets })}
                  onAdd={() => set({ secrets: [...draft.secrets, blankHeader()] })}
                />
              </div>
              <label className="wide">
                Body (JSON, optional)
                <textarea
                  value={draft.body}
                  rows={5}
                  spellCheck={false}
                  placeholder={'{ "minutes": "{{params.minutes}}" }'}
                  onChange={(e) => set({ body: e.target.value })}
                />
              </label>
              <p className="wide ui-muted ui-small">
                Placeholders:{' '}
                {PLACEHOLDERS.map((p) => (
                  <code key={p}>{p}</code>
                ))}
                . A body string that is exactly one placeholder becomes the typed value.
              </p>
            </div>
          ) : (
            <div className="action-target-fields">
              <label>
                Runner group
                <input
                  value={draft.group}
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="production"
                  onChange={(e) => set({ group: e.target.value })}
                />
              </label>
              <label>
                Command
                <input
                  value={draft.command}
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="supabase-deploy"
                  onChange={(e) => set({ command: e.target.value })}
                />
              </label>
              <p className="wide ui-muted ui-small">
                The command&apos;s name in the runner&apos;s <code>runner.yaml</code>, which holds its argv; a runner
                runs only the commands its file lists.
              </p>
            </div>
          )}
        </fieldset>

        <fieldset className="wide action-run">
          <legend>Running it</legend>
          <label>
            Timeout (seconds)
            <input
              type="number"
              min={1}
              max={3600}
              value={draft.timeoutSeconds}
              onChange={(e) => set({ timeoutSeconds: e.target.value })}
            />
          </label>
          <Select
            label="Approval"
            options={APPROVAL_OPTIONS}
            value={draft.approval}
            onChange={(a) => {
              setApprovalChosen(true);
              set({ approval: a as ApprovalPolicy });
            }}
          />
          <p className="wide ui-muted ui-small">
            A second person approves a run within 15 minutes or it is cancelled; “P0 and P1” asks only on critical and
            high incidents. Dry runs never need approval.
          </p>
          <label className="check wide">
            <input
              type="checkbox"
              checked={draft.dryRunSupported}
              onChange={(e) => set({ dryRunSupported: e.target.checked })}
            />
            Has a dry run
          </label>
          {draft.dryRunSupported && (
            <Select
              label="Dry-run parameter (set true)"
              options={[
                { id: '', label: 'None' },
                ...booleans.map((p) => ({ id: p.name.trim(), label: p.name.trim() })),
              ]}
              value={draft.dryRunParam}
              onChange={(dryRunParam) => set({ dryRunParam })}
            />
          )}
          {draft.dryRunSupported && draft.kind === 'runner' && (
            <label>
              Dry-run flag (added to the argv)
              <input
                value={draft.dryRunFlag}
                spellCheck={false}
                placeholder="--dry-run"
                onChange={(e) => set({ dryRunFlag: e.target.value })}
              />
            </label>
          )}
          <label className="check wide">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
            Enabled: responders may run it
          </label>
        </fieldset>

        <div className="buttons">
          <Button type="submit" variant="primary" isDisabled={save.isPending}>
            {action ? 'Save action' : 'Create action'}
          </Button>
          {action && (
            <Button
              onPress={() => {
                setDraft(draftOf(action));
                setProblem(null);
                save.reset();
              }}
            >
              Discard changes
            </Button>
          )}
        </div>
      </form>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <Problem error={save.error ?? services.error} />
    </section>
  );
}
