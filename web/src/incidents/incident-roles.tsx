// The runbook's response roles, each assigned in place: "Assign" turns the row into a picker of
// people (with "Take it" for oneself), Escape or Cancel puts it back.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { IncidentDetail, ResponseRole, Session } from '../shared/api.ts';
import { Button } from '../ui/index.ts';
import { listUsers, ROLE_LABEL, ROLES } from './incident-api.ts';

export function Roles({
  incident,
  session,
  canAct,
  busy,
  assign,
}: {
  incident: IncidentDetail;
  session: Session;
  canAct: boolean;
  busy: boolean;
  assign: (role: ResponseRole, user: string | null) => Promise<unknown>;
}) {
  const [editing, setEditing] = useState<ResponseRole | null>(null);
  // Where keyboard focus goes back to when a picker closes: the row's Assign/Change button.
  const closed = useRef<ResponseRole | null>(null);
  useEffect(() => {
    if (editing !== null || closed.current === null) return;
    document.getElementById(`assign-${closed.current}`)?.focus();
    closed.current = null;
  }, [editing]);
  const close = (role: ResponseRole) => {
    closed.current = role;
    setEditing(null);
  };
  return (
    <section className="panel incident-roles" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <dl className="roles">
        {ROLES.map((role) => {
          const holder = incident.roles[role];
          return (
            <div key={role} className="role-row">
              <dt id={`role-${role}`}>{ROLE_LABEL[role]}</dt>
              <dd>
                {editing === role ? (
                  <RolePicker
                    role={role}
                    current={holder?.id ?? ''}
                    me={session.user.id}
                    busy={busy}
                    onDone={() => close(role)}
                    assign={assign}
                  />
                ) : (
                  <>
                    <span className={holder ? 'holder' : 'ui-muted'}>
                      {holder ? `${holder.name} (@${holder.handle})` : 'Nobody yet'}
                    </span>
                    {canAct && (
                      <Button
                        size="sm"
                        variant="ghost"
                        id={`assign-${role}`}
                        aria-label={`${holder ? 'Change' : 'Assign'} ${ROLE_LABEL[role]}`}
                        onPress={() => setEditing(role)}
                      >
                        {holder ? 'Change' : 'Assign'}
                      </Button>
                    )}
                  </>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

function RolePicker({
  role,
  current,
  me,
  busy,
  onDone,
  assign,
}: {
  role: ResponseRole;
  current: string;
  me: string;
  busy: boolean;
  onDone: () => void;
  assign: (role: ResponseRole, user: string | null) => Promise<unknown>;
}) {
  const users = useQuery({ queryKey: ['users', 'all'], queryFn: listUsers, staleTime: 60_000 });
  const [choice, setChoice] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const label = ROLE_LABEL[role];

  const save = async (user: string | null) => {
    setError(null);
    try {
      await assign(role, user);
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(choice || null);
  };
  const escape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onDone();
    }
  };

  return (
    <form className="role-picker" onSubmit={submit} onKeyDown={escape}>
      <select
        aria-label={`${label}: person`}
        value={choice}
        onChange={(e) => setChoice(e.target.value)}
        disabled={users.isPending}
        autoFocus
      >
        <option value="">— unassigned —</option>
        {(users.data?.data ?? [])
          .filter((u) => u.active || u.id === current)
          .map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} (@{u.handle})
            </option>
          ))}
      </select>
      <Button type="submit" size="sm" isDisabled={busy || choice === current}>
        Save
      </Button>
      {current !== me && (
        <Button size="sm" isDisabled={busy} onPress={() => void save(me)}>
          Take it
        </Button>
      )}
      <Button size="sm" variant="ghost" onPress={onDone}>
        Cancel
      </Button>
      {users.isError && <span className="error">Could not load people: {users.error.message}</span>}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
