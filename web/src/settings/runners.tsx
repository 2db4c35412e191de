// Settings → Runners: the `vigil runner` processes that run actions' commands on their hosts — each with
// whether it is online (seen in the last minute), its last heartbeat, version, host and the commands its
// runner.yaml defines. Admins add one ("Add runner" shows its token once, with the command line that starts it)
// and revoke them (the token is refused from then on); everyone else reads the list.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createRunner, revokeRunner, runnersKey, useRunners } from '../shared/actions-api.ts';
import type { ActionRunner, Session } from '../shared/api.ts';
import { AdminsOnly, ConfirmButton, CopyField, FormPanel, Problem } from '../shared/form-kit.tsx';
import { useNow } from '../shared/use-now.ts';
import { absolute, ago, Button, count, DataTable, Skeleton, toast, type Column } from '../ui/index.ts';

export function RunnersTab({ session }: { session: Session }) {
  const isAdmin = session.role === 'admin';
  return (
    <>
      {isAdmin && <NewRunner />}
      <Runners isAdmin={isAdmin} />
      {!isAdmin && <AdminsOnly>Only admins add and revoke runners.</AdminsOnly>}
    </>
  );
}

function When({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {ago(iso, now)}
    </time>
  );
}

function Runners({ isAdmin }: { isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const runners = useRunners();
  const now = useNow(15_000);
  const [showRevoked, setShowRevoked] = useState(false);
  const revoke = useMutation({
    mutationFn: (runner: ActionRunner) => revokeRunner(runner.id),
    onSuccess: (_, runner) => {
      void queryClient.invalidateQueries({ queryKey: runnersKey });
      toast(`Revoked runner “${runner.name}”`, { detail: 'It can claim no more actions.' });
    },
  });
  const all = runners.data?.data ?? [];
  const rows = all.filter((r) => showRevoked || r.revoked_at === null);
  const revokedCount = all.length - all.filter((r) => r.revoked_at === null).length;

  const columns: ReadonlyArray<Column<ActionRunner> | false> = [
    {
      id: 'name',
      header: 'Name',
      role: 'primary',
      cell: (r) => (
        <span className="runner-name">
          <span className={`runner-dot ${r.revoked_at ? 'revoked' : r.online ? 'online' : 'offline'}`} aria-hidden />
          {r.name}
          <span className="ui-visually-hidden">
            {r.revoked_at ? ' (revoked)' : r.online ? ' (online)' : ' (offline)'}
          </span>
        </span>
      ),
    },
    { id: 'group', header: 'Group', cell: (r) => <code>{r.group}</code> },
    {
      id: 'seen',
      header: 'Last heartbeat',
      cell: (r) =>
        r.last_seen_at ? (
          <span>
            <span className={r.online ? 'runner-online' : undefined}>{r.online ? 'Online' : 'Offline'}</span> ·{' '}
            <When iso={r.last_seen_at} now={now} />
          </span>
        ) : (
          'Never connected'
        ),
    },
    { id: 'version', header: 'Version', cell: (r) => r.version ?? '—' },
    { id: 'host', header: 'Host', cell: (r) => (r.hostname ? <code>{r.hostname}</code> : '—') },
    {
      id: 'commands',
      header: 'Commands',
      cell: (r) =>
        r.commands.length ? (
          <span className="runner-commands">
            {r.commands.map((c) => (
              <code key={c}>{c}</code>
            ))}
          </span>
        ) : (
          '—'
        ),
    },
    isAdmin && {
      id: 'actions',
      header: <span className="ui-visually-hidden">Revoke</span>,
      label: '',
      role: 'end',
      cell: (r) =>
        r.revoked_at ? (
          <span className="ui-muted">
            revoked <When iso={r.revoked_at} now={now} />
          </span>
        ) : (
          <ConfirmButton
            label="Revoke"
            title={`Revoke runner “${r.name}”?`}
            confirm="Revoke runner"
            detail={
              <p>
                Its token is refused from now on: it claims no more actions, and a command it is running now is lost
                when its lease runs out. Add a new runner to replace it.
              </p>
            }
            onConfirm={() => revoke.mutate(r)}
            disabled={revoke.isPending}
          />
        ),
    },
  ];

  return (
    <section className="ui-panel" aria-labelledby="runners-title">
      <header>
        <h2 id="runners-title">
          Runners {runners.data && <span className="ui-muted">· {count(rows.length, 'runner')}</span>}
        </h2>
        {revokedCount > 0 && (
          <Button size="sm" variant="ghost" onPress={() => setShowRevoked(!showRevoked)}>
            {showRevoked ? 'Hide revoked' : `Show ${count(revokedCount, 'revoked runner')}`}
          </Button>
        )}
      </header>
      <p className="ui-muted ui-small">
        A runner claims the queued runs of its group&apos;s actions and runs only the commands its{' '}
        <code>runner.yaml</code> lists, never a shell. Online means it asked for work in the last minute.
      </p>
      <Problem error={runners.error ?? revoke.error} />
      {runners.isPending ? (
        <Skeleton lines={3} label="Loading runners" />
      ) : (
        <DataTable
          label="Runners"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          empty={<p className="ui-muted">No runners yet.</p>}
        />
      )}
    </section>
  );
}

function NewRunner() {
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: createRunner,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: runnersKey }),
  });
  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const name = String(data.get('name')).trim();
    const group = String(data.get('group')).trim();
    if (!name || !group) return;
    create.mutate({ name, group }, { onSuccess: () => form.reset() });
  }
  const created = create.data;
  return (
    <FormPanel
      titleId="new-runner-title"
      title="Add a runner"
      onSubmit={submit}
      pending={create.isPending}
      submitLabel="Add runner"
      error={create.error}
      intro={
        created && (
          <div className="secret-once" role="region" aria-label="New runner token">
            <p>
              <strong>Copy this token now: it will not be shown again.</strong> Runner “{created.runner.name}” claims
              the actions of group <code>{created.runner.group}</code>.
            </p>
            <CopyField label={`Token of “${created.runner.name}”`} value={created.token} />
            <CopyField
              label="Start it on its host"
              value={`vigil runner --url ${window.location.origin} --token ${created.token} --config runner.yaml`}
            />
            <Button onPress={() => create.reset()}>Done, I have stored it</Button>
          </div>
        )
      }
    >
      <label>
        Name
        <input name="name" required maxLength={100} autoComplete="off" placeholder="web-1" />
      </label>
      <label>
        Group
        <input name="group" required maxLength={100} autoComplete="off" placeholder="production" />
      </label>
    </FormPanel>
  );
}
