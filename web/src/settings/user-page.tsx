// Settings → one user: their details and privacy flag (admins change them), password, contact methods and the
// notification rules that say which method is used how long after a page. A person manages their
// own methods and rules; admins manage everyone's.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import {
  api,
  type ContactKind,
  type ContactMethod,
  type NotificationRule,
  type Session,
  type User,
} from '../shared/api.ts';
import { id, KEYS, minutes, readContact } from '../shared/resources.ts';
import { Badge, Button, Select, toast } from '../ui/index.ts';
import {
  AdminsOnly,
  CONTACT_KIND_LABEL,
  ConfirmButton,
  ContactFields,
  ListTable,
  Problem,
  SettingsForm,
  ZoneOptions,
} from '../shared/form-kit.tsx';

const ADDRESS_HINT: Record<ContactKind, string> = {
  email: 'name@example.com',
  sms: '+15551234567',
  voice: '+15551234567',
  slack: 'https://hooks.slack.com/services/…',
  teams: 'https://…webhook.office.com/…',
  mattermost: 'https://mattermost.example.com/hooks/…',
  webhook: 'https://example.com/vigil',
};

export function UserPage({ session }: { session: Session }) {
  const { ref = '' } = useParams();
  const user = useQuery({
    queryKey: ['users', 'one', ref],
    queryFn: () => api<User>('GET', `/api/v1/users/${id(ref)}`),
  });
  if (user.isPending) return <p className="notice">Loading…</p>;
  if (user.isError) return <Problem error={user.error} />;
  const u = user.data;
  const isAdmin = session.role === 'admin';
  const self = u.id === session.user.id;
  return (
    <>
      <Link className="back" to="/settings/users">
        ← All users
      </Link>
      <section className="ui-panel" aria-labelledby="user-title">
        <h2 id="user-title">
          {u.name} <span className="ui-muted">@{u.handle}</span>{' '}
          {!u.active && <span className="ui-tag warn">deactivated</span>}
        </h2>
        {isAdmin ? (
          <Profile key={u.id} user={u} />
        ) : (
          <>
            <p>
              {u.email} · {u.timezone}
            </p>
            <AdminsOnly>Only admins change a person’s details.</AdminsOnly>
          </>
        )}
        {(isAdmin || self) && <Password user={u} self={self} isAdmin={isAdmin} />}
      </section>
      {isAdmin || self ? (
        <>
          <ContactMethods user={u} isAdmin={isAdmin} />
          <Rules user={u} />
        </>
      ) : (
        <AdminsOnly>Contact methods and notification rules are private to {u.name} and admins.</AdminsOnly>
      )}
    </>
  );
}

function Profile({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: Partial<User>) => api<User>('PATCH', `/api/v1/users/${id(user.id)}`, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      toast('Details saved');
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    save.mutate({
      name: String(f.get('name')).trim(),
      email: String(f.get('email')).trim(),
      timezone: String(f.get('timezone')).trim(),
      active: f.get('active') === 'on',
      privacy: f.get('privacy') === 'on',
    });
  }
  return (
    <form className="ui-form" onSubmit={submit} aria-label="User details">
      <label>
        Name
        <input name="name" required defaultValue={user.name} />
      </label>
      <label>
        Email
        <input name="email" type="email" required defaultValue={user.email} />
      </label>
      <label>
        Time zone
        <input name="timezone" required defaultValue={user.timezone} list="profile-zones" />
        <ZoneOptions id="profile-zones" />
      </label>
      <label className="check">
        <input type="checkbox" name="active" defaultChecked={user.active} /> Active (unchecked: deactivated, tokens stop
        working)
      </label>
      <label className="check wide">
        <input type="checkbox" name="privacy" defaultChecked={user.privacy} /> Privacy flag: as a responder, may see and
        change GDPR breaches, data-subject requests and consent records (admins always may)
      </label>
      <div className="buttons">
        <Button type="submit" variant="primary" isDisabled={save.isPending}>
          Save details
        </Button>
        {save.isSuccess && <span role="status">Saved.</span>}
      </div>
      <div className="wide">
        <Problem error={save.error} />
      </div>
    </form>
  );
}

function Password({ user, self, isAdmin }: { user: User; self: boolean; isAdmin: boolean }) {
  const set = useMutation({
    mutationFn: (body: { password: string; current_password?: string }) =>
      api<void>('PUT', `/api/v1/users/${id(user.id)}/password`, body),
  });
  const needsCurrent = self && !isAdmin;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const f = new FormData(form);
    set.mutate(
      { password: String(f.get('password')), ...(needsCurrent ? { current_password: String(f.get('current')) } : {}) },
      { onSuccess: () => form.reset() },
    );
  }
  return (
    <form className="ui-form" onSubmit={submit} aria-label="Password">
      {needsCurrent && (
        <label>
          Current password
          <input name="current" type="password" required autoComplete="current-password" />
        </label>
      )}
      <label>
        {self ? 'New password' : `New password for @${user.handle}`}
        <input name="password" type="password" required autoComplete="new-password" />
      </label>
      <div className="buttons">
        <Button type="submit" isDisabled={set.isPending}>
          Set password
        </Button>
        {set.isSuccess && <span role="status">Password set{self ? '' : '; their sessions were ended'}.</span>}
      </div>
      <div className="wide">
        <Problem error={set.error} />
      </div>
    </form>
  );
}

function useContactMethods(userId: string) {
  return useQuery({
    queryKey: KEYS.contactMethods(userId),
    queryFn: () => api<{ data: ContactMethod[] }>('GET', `/api/v1/users/${id(userId)}/contact-methods`),
  });
}

function ContactMethods({ user, isAdmin }: { user: User; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const methods = useContactMethods(user.id);
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: KEYS.contactMethods(user.id) });
    void queryClient.invalidateQueries({ queryKey: KEYS.rules(user.id) });
  };
  const base = `/api/v1/users/${id(user.id)}/contact-methods`;
  const [kind, setKind] = useState<ContactKind>('email');
  const add = useMutation({
    mutationFn: (body: { kind: ContactKind; address: string; secret?: string }) =>
      api<ContactMethod>('POST', base, body),
    onSuccess: changed,
  });
  const verify = useMutation({
    mutationFn: (m: ContactMethod) => api<ContactMethod>('PATCH', `${base}/${id(m.id)}`, { verified: !m.verified }),
    onSuccess: changed,
  });
  const remove = useMutation({
    mutationFn: (methodId: string) => api<void>('DELETE', `${base}/${id(methodId)}`),
    onSuccess: changed,
  });

  function submit(form: HTMLFormElement) {
    add.mutate(readContact(new FormData(form)), {
      onSuccess: () => {
        form.reset();
        setKind('email');
      },
    });
  }

  return (
    <section className="ui-panel" aria-labelledby="methods-title">
      <h2 id="methods-title">Contact methods</h2>
      <Problem error={methods.error ?? verify.error ?? remove.error} />
      <ListTable
        label="Contact methods"
        rows={methods.data?.data}
        empty="No contact methods yet: add one, then a notification rule that uses it."
        rowKey={(m) => m.id}
        columns={[
          { id: 'kind', header: 'Kind', role: 'primary', cell: (m) => CONTACT_KIND_LABEL[m.kind] },
          {
            id: 'address',
            header: 'Address',
            cell: (m) => (
              <span>
                {m.address} {m.signed && <Badge>signed</Badge>}
              </span>
            ),
          },
          {
            id: 'verified',
            header: 'Verified',
            cell: (m) => (m.verified ? <Badge tone="success">Verified</Badge> : <Badge>Not verified</Badge>),
          },
          {
            id: 'actions',
            header: 'Actions',
            role: 'end',
            cell: (m) => (
              <span className="row-actions">
                {isAdmin && (
                  <Button size="sm" variant="ghost" onPress={() => verify.mutate(m)} isDisabled={verify.isPending}>
                    {m.verified ? 'Mark unverified' : 'Mark verified'}
                  </Button>
                )}
                <ConfirmButton
                  label="Remove"
                  title={`Remove ${m.address}?`}
                  confirm="Remove contact method"
                  detail={<p>Notification rules that use it stop sending there.</p>}
                  onConfirm={() => remove.mutate(m.id)}
                  disabled={remove.isPending}
                />
              </span>
            ),
          },
        ]}
      />
      <h3>Add a contact method</h3>
      <SettingsForm
        label="Add a contact method"
        onSubmit={submit}
        pending={add.isPending}
        submitLabel="Add contact method"
      >
        <ContactFields kind={kind} onKind={setKind} placeholder={ADDRESS_HINT[kind]} />
      </SettingsForm>
      <p className="ui-muted ui-small">
        Phone numbers in international form ({ADDRESS_HINT.sms}); Slack, Teams, Mattermost and webhooks take an https
        URL.
      </p>
      <Problem error={add.error} />
    </section>
  );
}

function Rules({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const methods = useContactMethods(user.id);
  const base = `/api/v1/users/${id(user.id)}/notification-rules`;
  const rules = useQuery({
    queryKey: KEYS.rules(user.id),
    queryFn: () => api<{ data: NotificationRule[] }>('GET', base),
  });
  const changed = () => queryClient.invalidateQueries({ queryKey: KEYS.rules(user.id) });
  const add = useMutation({
    mutationFn: (body: { contact_method_id: string; delay_seconds: number }) =>
      api<NotificationRule>('POST', base, body),
    onSuccess: changed,
  });
  const remove = useMutation({
    mutationFn: (ruleId: string) => api<void>('DELETE', `${base}/${id(ruleId)}`),
    onSuccess: changed,
  });
  const [method, setMethod] = useState<string | null>(null);
  const byId = new Map((methods.data?.data ?? []).map((m) => [m.id, m]));
  const describe = (methodId: string) => {
    const m = byId.get(methodId);
    return m ? `${m.kind}: ${m.address}` : 'a removed contact method';
  };

  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    add.mutate({ contact_method_id: String(f.get('method')), delay_seconds: Math.round(Number(f.get('delay')) * 60) });
  }

  return (
    <section className="ui-panel" aria-labelledby="rules-title">
      <h2 id="rules-title">Notification rules</h2>
      <p className="ui-muted ui-small">
        When {user.name} is paged, each rule sends to its contact method after its delay, until the page is
        acknowledged.
      </p>
      <Problem error={rules.error ?? remove.error} />
      {rules.data && rules.data.data.length === 0 && (
        <p className="ui-muted">No rules: {user.name} would not be notified when paged.</p>
      )}
      {rules.data && rules.data.data.length > 0 && (
        <ul className="policy-levels">
          {rules.data.data.map((r) => (
            <li key={r.id}>
              After {minutes(r.delay_seconds)}: {describe(r.contact_method_id)}{' '}
              <ConfirmButton
                label="Remove"
                title="Remove this rule?"
                confirm="Remove rule"
                detail={<p>{user.name} is no longer notified this way when paged.</p>}
                onConfirm={() => remove.mutate(r.id)}
                disabled={remove.isPending}
              />
            </li>
          ))}
        </ul>
      )}
      {(methods.data?.data.length ?? 0) > 0 && (
        <SettingsForm label="Add a notification rule" onSubmit={submit} pending={add.isPending} submitLabel="Add rule">
          <Select
            label="Contact method"
            name="method"
            options={(methods.data?.data ?? []).map((m) => ({
              id: m.id,
              label: `${CONTACT_KIND_LABEL[m.kind]}: ${m.address}`,
            }))}
            value={method ?? methods.data?.data[0]?.id ?? null}
            onChange={setMethod}
            isRequired
          />
          <label>
            Minutes after the page
            <input name="delay" type="number" min={0} max={1440} step={1} required defaultValue={0} />
          </label>
        </SettingsForm>
      )}
      <Problem error={add.error} />
    </section>
  );
}
