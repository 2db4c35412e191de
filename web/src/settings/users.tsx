// Settings → Users: everyone in Vigil (with who holds the privacy flag), and (admins) a form to add a person.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, type Session, type User } from '../shared/api.ts';
import { KEYS, useUsers } from '../shared/resources.ts';
import { AdminsOnly, FormPanel, Problem, LOCAL_ZONE, ZoneOptions } from '../shared/form-kit.tsx';
import { Badge, count, DataTable, Skeleton, toast, type Column } from '../ui/index.ts';

const COLUMNS: ReadonlyArray<Column<User>> = [
  {
    id: 'name',
    header: 'Name',
    role: 'primary',
    cell: (u) => <Link to={`/settings/users/${encodeURIComponent(u.handle)}`}>{u.name}</Link>,
  },
  { id: 'handle', header: 'Handle', cell: (u) => `@${u.handle}` },
  { id: 'email', header: 'Email', cell: (u) => u.email },
  { id: 'zone', header: 'Time zone', cell: (u) => u.timezone },
  {
    id: 'status',
    header: 'Status',
    cell: (u) => (
      <span className="topics">
        {u.active ? <Badge tone="success">Active</Badge> : <Badge>Deactivated</Badge>}
        {u.privacy && (
          <Badge tone="info" title="May see and change the GDPR module's personal data">
            Privacy
          </Badge>
        )}
      </span>
    ),
  },
];

export function UsersTab({ session }: { session: Session }) {
  const users = useUsers();
  const isAdmin = session.role === 'admin';
  return (
    <>
      <section className="ui-panel" aria-labelledby="users-title">
        <header>
          <h2 id="users-title">
            Users{' '}
            {users.data && <span className="ui-muted">· {count(users.data.data.length, 'person', 'people')}</span>}
          </h2>
          <Link to={`/settings/users/${encodeURIComponent(session.user.handle)}`}>
            Your contact methods and notification rules
          </Link>
        </header>
        <Problem error={users.error} />
        {users.isPending ? (
          <Skeleton lines={4} label="Loading people" />
        ) : (
          <DataTable
            label="People"
            columns={COLUMNS}
            rows={users.data?.data ?? []}
            rowKey={(u) => u.id}
            rowClassName={(u) => (u.active ? undefined : 'off')}
          />
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
    onSuccess: (made) => {
      void queryClient.invalidateQueries({ queryKey: KEYS.users });
      toast(`Added ${made.name}`, { detail: 'Give them a password or a token to sign in.' });
    },
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
