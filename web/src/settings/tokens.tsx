// Settings → API tokens (admins): issue a token for a person with a role, see its secret once,
// list tokens with their last use, and revoke them after a confirmation.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type IssuedToken, type Page, type Role, type Session, type Token } from '../shared/api.ts';
import { id, KEYS, useUsers } from '../shared/resources.ts';
import { useNow } from '../shared/use-now.ts';
import { AdminsOnly, AdminsOnlyPanel, ConfirmButton, CopyField, FormPanel, Problem } from '../shared/form-kit.tsx';
import { absolute, ago, Badge, Button, count, DataTable, Select, Skeleton, toast, type Column } from '../ui/index.ts';

const ROLES: ReadonlyArray<{ id: Role; label: string; detail: string }> = [
  { id: 'viewer', label: 'Viewer', detail: 'Reads everything, changes nothing' },
  { id: 'responder', label: 'Responder', detail: 'Works incidents and overrides' },
  { id: 'admin', label: 'Admin', detail: 'Everything, including settings' },
];

export function TokensTab({ session }: { session: Session }) {
  if (session.role !== 'admin') {
    return (
      <AdminsOnlyPanel titleId="tokens-title" title="API tokens">
        <AdminsOnly>
          Only admins list, issue and revoke API tokens. Ask an admin for a token for scripts or the CLI.
        </AdminsOnly>
      </AdminsOnlyPanel>
    );
  }
  return <Tokens />;
}

/** "3 min ago", with the exact time and zone in a tooltip. */
function When({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {ago(iso, now)}
    </time>
  );
}

function Tokens() {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: KEYS.tokens,
    queryFn: () => api<Page<Token>>('GET', '/api/v1/tokens?limit=200'),
  });
  const revoke = useMutation({
    mutationFn: (token: Token) => api<Token>('DELETE', `/api/v1/tokens/${id(token.id)}`),
    onSuccess: (_, token) => {
      void queryClient.invalidateQueries({ queryKey: KEYS.tokens });
      toast(`Revoked “${token.name}”`, { detail: 'Scripts using it are refused from now on.' });
    },
  });
  const [showRevoked, setShowRevoked] = useState(false);
  const now = useNow(30_000);
  const all = tokens.data?.data ?? [];
  const rows = all.filter((t) => showRevoked || t.revoked_at === null);
  const revokedCount = all.length - all.filter((t) => t.revoked_at === null).length;
  const columns: ReadonlyArray<Column<Token>> = [
    {
      id: 'name',
      header: 'Name',
      role: 'primary',
      cell: (t) => (
        <span>
          {t.name} {t.kind === 'bootstrap' && <Badge>set at start-up</Badge>}
        </span>
      ),
    },
    { id: 'user', header: 'User', cell: (t) => (t.user ? `@${t.user}` : '—') },
    { id: 'role', header: 'Role', cell: (t) => ROLES.find((r) => r.id === t.role)?.label ?? t.role },
    { id: 'hint', header: 'Starts with', cell: (t) => <code>{t.hint}</code> },
    {
      id: 'used',
      header: 'Last used',
      cell: (t) => (t.last_used_at ? <When iso={t.last_used_at} now={now} /> : 'never'),
    },
    {
      id: 'actions',
      header: 'Actions',
      role: 'end',
      cell: (t) =>
        t.revoked_at ? (
          <span className="ui-muted">
            revoked <When iso={t.revoked_at} now={now} />
          </span>
        ) : (
          <ConfirmButton
            label="Revoke"
            title={`Revoke “${t.name}”?`}
            confirm="Revoke token"
            detail={
              <p>
                Anything that signs in with it{t.user ? ` (as @${t.user})` : ''} is refused from now on. This cannot be
                undone; issue a new token if it is still needed.
              </p>
            }
            onConfirm={() => revoke.mutate(t)}
            disabled={revoke.isPending}
          />
        ),
    },
  ];

  return (
    <>
      <NewToken />
      <section className="ui-panel" aria-labelledby="tokens-title">
        <header>
          <h2 id="tokens-title">API tokens</h2>
          {revokedCount > 0 && (
            <Button size="sm" variant="ghost" onPress={() => setShowRevoked(!showRevoked)}>
              {showRevoked ? 'Hide revoked' : `Show ${count(revokedCount, 'revoked token')}`}
            </Button>
          )}
        </header>
        <Problem error={tokens.error ?? revoke.error} />
        {tokens.isPending ? (
          <Skeleton lines={3} label="Loading tokens" />
        ) : (
          <DataTable
            label="API tokens"
            columns={columns}
            rows={rows}
            rowKey={(t) => t.id}
            rowClassName={(t) => (t.revoked_at ? 'off' : undefined)}
            empty={<p className="ui-muted">No tokens.</p>}
          />
        )}
      </section>
    </>
  );
}

function NewToken() {
  const queryClient = useQueryClient();
  const users = useUsers();
  const [user, setUser] = useState<string | null>(null);
  const [role, setRole] = useState<Role>('responder');
  const create = useMutation({
    mutationFn: (body: { user: string; role: Role; name?: string }) => api<IssuedToken>('POST', '/api/v1/tokens', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS.tokens }),
  });
  const people = (users.data?.data ?? []).filter((u) => u.active);
  function submit(form: HTMLFormElement) {
    const name = String(new FormData(form).get('name')).trim();
    const chosen = user ?? people[0]?.handle;
    if (!chosen) return;
    create.mutate({ user: chosen, role, ...(name ? { name } : {}) }, { onSuccess: () => form.reset() });
  }
  return (
    <FormPanel
      titleId="new-token-title"
      title="Issue a token"
      onSubmit={submit}
      pending={create.isPending}
      submitLabel="Issue token"
      error={create.error ?? users.error}
      intro={
        create.data && (
          <div className="secret-once" role="region" aria-label="New token secret">
            {/* Prettier's JSX fill would put the {' '} past column 120. */}
            {/* prettier-ignore */}
            <p>
              <strong>Copy this token now: it will not be shown again.</strong> It acts as
              @{create.data.user} with the{' '}
              {create.data.role} role.
            </p>
            <CopyField label={`Secret of “${create.data.name}”`} value={create.data.token} />
            <Button onPress={() => create.reset()}>Done, I have stored it</Button>
          </div>
        )
      }
    >
      <Select
        label="User"
        options={people.map((u) => ({ id: u.handle, label: `${u.name} (@${u.handle})` }))}
        value={user ?? people[0]?.handle ?? null}
        onChange={setUser}
      />
      <Select label="Role" options={ROLES} value={role} onChange={(next) => setRole(next as Role)} />
      <label>
        Name (what it is for)
        <input name="name" autoComplete="off" placeholder="CI deploy hook" />
      </label>
    </FormPanel>
  );
}
