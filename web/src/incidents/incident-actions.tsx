// The incident's "Actions" panel: the mitigation actions run on it, newest first, each with its state in words
// — awaiting approval (until when, and Approve / Reject for anyone but the person who asked), queued, running
// with its output live, or over with its exit code or HTTP status — and "Run action", which opens the run
// dialog. Viewers read the panel without its buttons. The list reloads with the incident's live events and,
// while a run is not over, every 3 s.
import { useQueryClient } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import {
  appliesTo,
  CATEGORY_LABEL,
  isFinal,
  STATE_LABEL,
  STATE_TONE,
  type ParamValue,
} from '../shared/action-words.ts';
import {
  invocationsKey,
  useActionDefinitions,
  useDecide,
  useIncidentInvocations,
  type Decision,
} from '../shared/actions-api.ts';
import type { ActionInvocation, IncidentDetail, Page, Session } from '../shared/api.ts';
import { span } from '../shared/format.ts';
import { Problem } from '../shared/form-kit.tsx';
import { absolute, ago, Badge, Button, clockTime, ConfirmDialog, Dialog, Skeleton, toast } from '../ui/index.ts';
import { useActionOutput } from './action-output.ts';
import './incident-actions.css';

export function IncidentActions({
  incident,
  incidentRef,
  queryKey,
  session,
  canAct,
  now,
  onRun,
}: {
  incident: IncidentDetail;
  incidentRef: string;
  queryKey: readonly unknown[];
  session: Session;
  canAct: boolean;
  now: number;
  /** Opens the run dialog. */
  onRun: () => void;
}) {
  const invocations = useIncidentInvocations(incidentRef, queryKey);
  const definitions = useActionDefinitions(incident.service_id ? { service_id: incident.service_id } : {}, canAct);
  const decide = useDecide(queryKey);
  const runnable = (definitions.data?.data ?? []).filter((d) => d.enabled && appliesTo(d, incident.service_id));
  const list = invocations.data?.data ?? [];
  // The newest run that is over shows its output unfolded; older ones fold theirs away.
  const newestOver = list.find((i) => isFinal(i.state))?.id;

  return (
    <section className="panel incident-mitigation" aria-labelledby="mitigation-title">
      <div className="mitigation-head">
        <h2 id="mitigation-title">Actions</h2>
        {canAct && runnable.length > 0 && (
          <Button size="sm" icon={Play} onPress={onRun}>
            Run action
          </Button>
        )}
      </div>
      <Problem error={invocations.error ?? decide.error} />
      {invocations.isPending && <Skeleton lines={2} label="Loading the actions run" />}
      {canAct && definitions.isSuccess && runnable.length === 0 && list.length === 0 && (
        <p className="ui-muted ui-small">
          No mitigation action applies to this incident&apos;s service. Admins add them under{' '}
          <Link to="/settings/actions">Settings → Actions</Link>.
        </p>
      )}
      {invocations.isSuccess && list.length === 0 && (canAct ? runnable.length > 0 : true) && (
        <p className="ui-muted ui-small">No action has been run on this incident.</p>
      )}
      {list.length > 0 && (
        <ol className="invocations" aria-label="Actions run, newest first">
          {list.map((inv) => (
            <Invocation
              key={inv.id}
              invocation={inv}
              queryKey={queryKey}
              now={now}
              canAct={canAct}
              mine={inv.invoked_by.id !== null && inv.invoked_by.id === session.user.id}
              openOutput={!isFinal(inv.state) || inv.id === newestOver}
              busy={decide.isPending}
              decide={(d) =>
                decide.mutate(d, {
                  onSuccess: (changed) => toast(`${changed.name}: ${STATE_LABEL[changed.state].toLowerCase()}`),
                })
              }
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function Invocation({
  invocation: inv,
  queryKey,
  now,
  canAct,
  mine,
  openOutput,
  busy,
  decide,
}: {
  invocation: ActionInvocation;
  queryKey: readonly unknown[];
  now: number;
  canAct: boolean;
  /** The signed-in person asked for it: they may not approve it themselves. */
  mine: boolean;
  openOutput: boolean;
  busy: boolean;
  decide: (d: Decision) => void;
}) {
  const [rejecting, setRejecting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [shown, setShown] = useState(openOutput);
  const final = isFinal(inv.state);
  const hasOutput = inv.state === 'running' || inv.output_bytes > 0;
  const runner = inv.definition.target.kind === 'runner';

  return (
    <li className={`invocation state-${inv.state}`}>
      <div className="invocation-head">
        <strong className="invocation-name">{inv.name}</strong>
        <Badge tone={STATE_TONE[inv.state]}>{STATE_LABEL[inv.state]}</Badge>
        {inv.dry_run && <Badge tone="info">Dry run</Badge>}
        <span className="ui-muted ui-small">{CATEGORY_LABEL[inv.category]}</span>
      </div>
      <p className="invocation-meta ui-small ui-muted">
        {inv.invoked_by.name} ·{' '}
        <time dateTime={inv.created_at} title={absolute(inv.created_at)}>
          {ago(inv.created_at, Math.max(now, Date.parse(inv.created_at)))}
        </time>
      </p>
      {Object.keys(inv.params).length > 0 && <Params params={inv.params} />}
      <StateLine invocation={inv} now={now} />
      {canAct && !final && (
        <div className="invocation-buttons">
          {inv.state === 'awaiting_approval' && !mine && (
            <>
              <Button
                size="sm"
                variant="primary"
                isDisabled={busy}
                onPress={() => decide({ do: 'approve', invocation: inv })}
              >
                Approve
              </Button>
              <Button size="sm" isDisabled={busy} onPress={() => setRejecting(true)}>
                Reject
              </Button>
            </>
          )}
          <Button size="sm" variant="ghost" isDisabled={busy} onPress={() => setCancelling(true)}>
            {inv.state === 'running' ? 'Stop' : 'Cancel'}
          </Button>
        </div>
      )}
      {hasOutput && (
        <details className="invocation-output" open={shown} onToggle={(e) => setShown(e.currentTarget.open)}>
          <summary>
            Output{inv.output_bytes > 0 && <span className="ui-muted"> · {bytes(inv.output_bytes)}</span>}
          </summary>
          {shown && <Output invocation={inv} queryKey={queryKey} />}
        </details>
      )}
      <ConfirmDialog
        isOpen={cancelling}
        onCancel={() => setCancelling(false)}
        onConfirm={() => {
          setCancelling(false);
          decide({ do: 'cancel', invocation: inv });
        }}
        title={`Cancel “${inv.name}”?`}
        confirmLabel={inv.state === 'running' ? 'Stop the run' : 'Cancel the run'}
        danger
        pending={busy}
      >
        <p>
          {inv.state === 'running'
            ? runner
              ? 'The runner is told to stop the command; it ends as cancelled.'
              : 'Vigil stops waiting for the request; it ends as cancelled.'
            : 'It will not run.'}
        </p>
      </ConfirmDialog>
      {rejecting && (
        <RejectDialog
          name={inv.name}
          onCancel={() => setRejecting(false)}
          onReject={(reason) => {
            setRejecting(false);
            decide({ do: 'reject', invocation: inv, ...(reason ? { reason } : {}) });
          }}
        />
      )}
    </li>
  );
}

function Params({ params }: { params: Record<string, ParamValue> }) {
  return (
    <ul className="invocation-params" aria-label="Parameters">
      {Object.entries(params).map(([name, value]) => (
        <li key={name}>
          <code>
            {name}={String(value)}
          </code>
        </li>
      ))}
    </ul>
  );
}

/** What the state means now: until when approval stands, what it waits for, how it ended. */
function StateLine({ invocation: inv, now }: { invocation: ActionInvocation; now: number }) {
  const decided = inv.decided_by && inv.decided_at && (
    <>
      {inv.state === 'rejected' ? 'Rejected' : 'Approved'} by {inv.decided_by.name}{' '}
      <time dateTime={inv.decided_at} title={absolute(inv.decided_at)}>
        {ago(inv.decided_at, now)}
      </time>
      .{' '}
    </>
  );
  switch (inv.state) {
    case 'awaiting_approval': {
      const until = inv.approval_expires_at;
      const left = until ? Date.parse(until) - now : null;
      return (
        <p className="invocation-state ui-small">
          Needs a second person&apos;s approval
          {until && (
            <>
              {' '}
              by{' '}
              <time dateTime={until} title={absolute(until)}>
                {clockTime(until)}
              </time>{' '}
              ({left !== null && left > 0 ? `${span(left)} left` : 'expiring'})
            </>
          )}
          ; it runs once approved.
        </p>
      );
    }
    case 'queued':
      return (
        <p className="invocation-state ui-small">
          {decided}
          {inv.definition.target.kind === 'runner'
            ? `Waiting for a runner of group ${inv.definition.target.group}.`
            : 'Vigil is about to send the request.'}
        </p>
      );
    case 'running':
      return (
        <p className="invocation-state ui-small">
          {decided}
          Running{inv.runner ? ` on ${inv.runner.name}` : ''}
          {inv.started_at && ` for ${span(Math.max(0, now - Date.parse(inv.started_at)))}`}.
        </p>
      );
    default:
      return (
        <p className="invocation-state ui-small">
          {decided}
          {outcome(inv)}
        </p>
      );
  }
}

/** "Exit code 0 after 12s", "HTTP 503 after 2s", with the reason it failed or was cancelled. */
function outcome(inv: ActionInvocation): string {
  const parts: string[] = [];
  if (inv.http_status !== null) parts.push(`HTTP ${inv.http_status}`);
  if (inv.exit_code !== null) parts.push(`exit code ${inv.exit_code}`);
  if (inv.signal) parts.push(`signal ${inv.signal}`);
  const took =
    inv.started_at && inv.finished_at
      ? ` after ${span(Math.max(0, Date.parse(inv.finished_at) - Date.parse(inv.started_at)))}`
      : '';
  const first = parts.length ? `${parts.join(', ')}${took}.` : '';
  const said = first.charAt(0).toUpperCase() + first.slice(1);
  return [said, inv.reason && `${inv.reason.charAt(0).toUpperCase()}${inv.reason.slice(1)}.`].filter(Boolean).join(' ');
}

const bytes = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`);

/** The output in a monospace block: stderr tinted, Vigil's own lines apart, the truncation marker visible. */
function Output({ invocation, queryKey }: { invocation: ActionInvocation; queryKey: readonly unknown[] }) {
  const queryClient = useQueryClient();
  const output = useActionOutput(invocation, (changed) => {
    queryClient.setQueryData(invocationsKey(queryKey), (page: Page<ActionInvocation> | undefined) =>
      page ? { ...page, data: page.data.map((i) => (i.id === changed.id ? changed : i)) } : page,
    );
    if (isFinal(changed.state)) void queryClient.invalidateQueries({ queryKey });
  });
  const box = useRef<HTMLPreElement>(null);
  const count = output.chunks.length;
  const shownBefore = useRef(0);
  // The last lines are what matter: start at the bottom, and stay there while new lines come, unless the
  // reader scrolled up.
  useEffect(() => {
    const el = box.current;
    if (el && (shownBefore.current === 0 || el.scrollHeight - el.scrollTop - el.clientHeight < 48))
      el.scrollTop = el.scrollHeight;
    shownBefore.current = count;
  }, [count]);
  const truncated = output.truncated || invocation.output_truncated;
  const marked = output.chunks.some((c) => c.data.includes('[output truncated'));
  const empty = count === 0;
  return (
    <pre
      ref={box}
      className="action-output"
      tabIndex={0}
      aria-label={`Output of ${invocation.name}`}
      aria-live={isFinal(invocation.state) ? undefined : 'polite'}
    >
      {empty && (
        <span className="stream-system">
          {isFinal(invocation.state) ? 'No output.' : output.via === 'done' ? '' : 'Waiting for output…'}
        </span>
      )}
      {output.chunks.map((c) => (
        <span key={c.seq} className={`stream-${c.stream}`}>
          {c.data}
        </span>
      ))}
      {truncated && !marked && <span className="stream-system">{'\n[output truncated at 64 KiB]\n'}</span>}
    </pre>
  );
}

function RejectDialog({
  name,
  onCancel,
  onReject,
}: {
  name: string;
  onCancel: () => void;
  onReject: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Dialog
      isOpen
      onClose={onCancel}
      title={`Reject “${name}”?`}
      footer={
        <>
          <Button onPress={onCancel}>Keep it waiting</Button>
          <Button variant="danger" onPress={() => onReject(reason.trim())}>
            Reject
          </Button>
        </>
      }
    >
      <p>It will not run; the person who asked sees why on the incident&apos;s timeline.</p>
      <label className="reject-reason">
        Reason (optional)
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} maxLength={1000} />
      </label>
    </Dialog>
  );
}
