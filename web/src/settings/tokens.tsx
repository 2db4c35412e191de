// Settings → API tokens (admins): issue a token for a person with a role, see its secret once,
// list tokens with their last use, and revoke them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type IssuedToken, type Page, type Role, type Session, type Token } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import { id, KEYS, useUsers } from '../shared/resources.ts';
import {
  ACTIONS,
  AdminsOnly,
  AdminsOnlyPanel,
  ConfirmButton,
  CopyField,
  FormPanel,
  PersonOptions,
  Problem,
} from '../shared/form-kit.tsx';
import { Table } from '../shared/ui-kit.tsx';

const ROLES: readonly Role[] = ['viewer', 'responder', 'admin'];

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

function Tokens() {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: KEYS.tokens,
    queryFn: () => api<Page<Token>>('GET', '/api/v1/tokens?limit=200'),
  });
  const revoke = useMutation({
    mutationFn: (tokenId: string) => api<Token>('DELETE', `/api/v1/tokens/${id(tokenId)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS.tokens }),
  });
  const [showRevoked, setShowRevoked] = useState(false);
  const rows = (tokens.data?.data ?? []).filter((t) => showRevoked || t.revoked_at === null);

  return (
    <>
      <NewToken />
      <section className="ui-panel" aria-labelledby="tokens-title">
        <header>
          <h2 id="tokens-title">API tokens</h2>
          <label className="ui-small">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> Show
            revoked
          </label>
        </header>
        <Problem error={tokens.error ?? revoke.error} />
        {tokens.isPending ? (
          <p className="ui-muted">Loading…</p>
        ) : rows.length === 0 ? (
          <p className="ui-muted">No tokens.</p>
        ) : (
          <Table className="ui-table" columns={['Name', 'User', 'Role', 'Starts with', 'Last used', ACTIONS]}>
            {rows.map((t) => (
              <tr key={t.id} className={t.revoked_at ? 'off' : ''}>
                <td data-label="Name">
                  <span>
                    {t.name} {t.kind === 'bootstrap' && <span className="ui-tag">bootstrap</span>}
                  </span>
                </td>
                <td data-label="User">{t.user ? `@${t.user}` : '—'}</td>
                <td data-label="Role">{t.role}</td>
                <td data-label="Starts with">
                  <code>{t.hint}</code>
                </td>
                <td data-label="Last used">{t.last_used_at ? when(t.last_used_at) : 'never'}</td>
                <td className="actions">
                  {t.revoked_at ? (
                    <span className="ui-muted">revoked {when(t.revoked_at)}</span>
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      confirm={`Confirm revoke “${t.name}”`}
                      onConfirm={() => revoke.mutate(t.id)}
                      disabled={revoke.isPending}
                    />
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}

function NewToken() {
  const queryClient = useQueryClient();
  const users = useUsers();
  const create = useMutation({
    mutationFn: (body: { user: string; role: Role; name?: string }) => api<IssuedToken>('POST', '/api/v1/tokens', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS.tokens }),
  });
  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    const name = String(f.get('name')).trim();
    create.mutate(
      { user: String(f.get('user')), role: f.get('role') as Role, ...(name ? { name } : {}) },
      { onSuccess: () => form.reset() },
    );
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
            <button type="button" onClick={() => create.reset()}>
              Done, I have stored it
            </button>
          </div>
        )
      }
    >
      <label>
        User
        <select name="user" required>
          <PersonOptions users={users.data?.data.filter((u) => u.active) ?? []} optionValue={(u) => u.handle} />
        </select>
      </label>
      <label>
        Role
        <select name="role" defaultValue="responder">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name (what it is for)
        <input name="name" autoComplete="off" placeholder="CI deploy hook" />
      </label>
    </FormPanel>
  );
}
