// Settings → Users: everyone in Vigil, and (admins) a form to add a person.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, type Session, type User } from '../shared/api.ts';
import { KEYS, useUsers } from '../shared/resources.ts';
import { AdminsOnly, FormPanel, Problem } from '../shared/form-kit.tsx';
import { Table } from '../shared/ui-kit.tsx';

/** Every IANA zone the browser knows, for the time zone fields' suggestions. */
export const ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
export const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function ZoneOptions({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {ZONES.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}

export function UsersTab({ session }: { session: Session }) {
  const users = useUsers();
  const isAdmin = session.role === 'admin';
  return (
    <>
      <section className="ui-panel" aria-labelledby="users-title">
        <header>
          <h2 id="users-title">Users</h2>
          <Link to={`/settings/users/${encodeURIComponent(session.user.handle)}`}>
            Your contact methods and notification rules
          </Link>
        </header>
        <Problem error={users.error} />
        {users.isPending ? (
          <p className="ui-muted">Loading…</p>
        ) : (
          <Table className="ui-table" columns={['Name', 'Handle', 'Email', 'Time zone', 'Status']}>
            {users.data?.data.map((u) => (
              <tr key={u.id} className={u.active ? '' : 'off'}>
                <td data-label="Name">
                  <Link to={`/settings/users/${encodeURIComponent(u.handle)}`}>{u.name}</Link>
                </td>
                <td data-label="Handle">@{u.handle}</td>
                <td data-label="Email">{u.email}</td>
                <td data-label="Time zone">{u.timezone}</td>
                <td data-label="Status">{u.active ? 'active' : 'deactivated'}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      {isAdmin ? <NewUser /> : <AdminsOnly>Only admins add people or change their details.</AdminsOnly>}
    </>
  );
}

function NewUser() {
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: { handle: string; name: string; email: string; timezone: string }) =>
      api<User>('POST', '/api/v1/users', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS.users }),
  });
  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    create.mutate(
      {
        handle: String(f.get('handle')).trim(),
        name: String(f.get('name')).trim(),
        email: String(f.get('email')).trim(),
        timezone: String(f.get('timezone')).trim(),
      },
      { onSuccess: () => form.reset() },
    );
  }
  return (
    <FormPanel
      titleId="new-user-title"
      title="Add a user"
      onSubmit={submit}
      pending={create.isPending}
      submitLabel="Add user"
      error={create.error}
      after={
        create.isSuccess && (
          <span role="status">Added @{create.data.handle}. Give them a password or a token to sign in.</span>
        )
      }
    >
      <label>
        Handle
        <input
          name="handle"
          required
          autoComplete="off"
          placeholder="ada"
          pattern="[a-z0-9][a-z0-9._\-]{1,31}"
          title="2–32 characters: a-z, 0-9, . _ -"
        />
      </label>
      <label>
        Name
        <input name="name" required autoComplete="off" placeholder="Ada Lovelace" />
      </label>
      <label>
        Email
        <input name="email" type="email" required autoComplete="off" />
      </label>
      <label>
        Time zone
        <input name="timezone" required defaultValue={LOCAL_ZONE} list="user-zones" autoComplete="off" />
        <ZoneOptions id="user-zones" />
      </label>
    </FormPanel>
  );
}
