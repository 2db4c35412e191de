// Follow-ups: the action items after incidents, across all of them. Outstanding ones first (overdue, then
// the nearest due time), filters for mine, overdue, state, kind and incident; responders and admins add
// one, mark it done, record why it is not being done, reopen or delete it. Reminders reach the owner from
// the server (the day before and on the due day); this page is where they are worked through.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ExternalLink } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type FollowUp, type Page, type Session } from '../shared/api.ts';
import { FormPanel, Problem } from '../shared/form-kit.tsx';
import { useUsers } from '../shared/resources.ts';
import { useNow } from '../shared/use-now.ts';
import {
  absolute,
  ActionMenu,
  Badge,
  ConfirmDialog,
  count,
  DataTable,
  DateTimeField,
  Select,
  Skeleton,
  toast,
  type Column,
  type MenuAction,
} from '../ui/index.ts';
import {
  byUrgency,
  DEFAULT_FILTERS,
  dueText,
  filterQuery,
  KIND_LABEL,
  PRIORITY_LABEL,
  PRIORITY_TONE,
  STATUS_LABEL,
  type Filters,
} from './follow-up-words.ts';
import './follow-ups.css';

const KEY = ['follow-ups'] as const;
const options = <K extends string>(labels: Record<K, string>) =>
  (Object.keys(labels) as K[]).map((id) => ({ id, label: labels[id] }));

type Change = Partial<Pick<FollowUp, 'status' | 'reason'>>;

export function FollowUps({ session }: { session: Session }) {
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  const list = useQuery({
    queryKey: [...KEY, filters],
    queryFn: () => api<Page<FollowUp>>('GET', `/api/v1/follow-ups${filterQuery(filters)}`),
    refetchInterval: 60_000,
  });
  const canWork = session.role !== 'viewer';
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const rows = list.data ? byUrgency(list.data.data) : undefined;
  const overdue = rows?.filter((f) => f.overdue).length ?? 0;

  return (
    <section className="follow-ups" aria-labelledby="follow-ups-title">
      <div className="heading">
        <h1 id="follow-ups-title">Follow-ups</h1>
        <span className="ui-muted ui-small">
          What incidents left to do: an owner, a due time, reminders the day before and on the day.
        </span>
      </div>
      <div className="follow-up-filters" role="group" aria-label="Filters">
        <label className="check">
          <input type="checkbox" checked={filters.mine} onChange={(e) => set({ mine: e.target.checked })} /> Mine
        </label>
        <label className="check">
          <input type="checkbox" checked={filters.overdue} onChange={(e) => set({ overdue: e.target.checked })} />{' '}
          Overdue only
        </label>
        <Select
          label="State"
          options={[...options(STATUS_LABEL).filter((o) => o.id !== 'deleted'), { id: 'any', label: 'Any' }]}
          value={filters.status}
          onChange={(status) => set({ status: status as Filters['status'] })}
        />
        <Select
          label="Kind"
          options={[{ id: 'any', label: 'Any' }, ...options(KIND_LABEL)]}
          value={filters.kind}
          onChange={(kind) => set({ kind: kind as Filters['kind'] })}
        />
        <label className="ui-field">
          <span className="ui-label">Incident</span>
          <input
            value={filters.incident}
            onChange={(e) => set({ incident: e.target.value })}
            placeholder="INC-…"
            autoComplete="off"
          />
        </label>
      </div>
      <section className="ui-panel" aria-labelledby="follow-up-list-title">
        <header>
          <h2 id="follow-up-list-title">
            {rows ? count(rows.length, 'follow-up') : 'Follow-ups'}
            {overdue > 0 && <Badge tone="danger">{overdue} overdue</Badge>}
          </h2>
        </header>
        <Problem error={list.error} />
        {rows ? (
          <FollowUpTable rows={rows} canWork={canWork} />
        ) : (
          list.isPending && <Skeleton lines={3} label="Loading follow-ups" />
        )}
      </section>
      {canWork && <NewFollowUp incident={filters.incident} me={session.user.handle} />}
    </section>
  );
}

function FollowUpTable({ rows, canWork }: { rows: FollowUp[]; canWork: boolean }) {
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const [notDoing, setNotDoing] = useState<FollowUp | null>(null);
  const [reason, setReason] = useState('');
  const change = useMutation({
    mutationFn: ({ f, body }: { f: FollowUp; body: Change }) =>
      api<FollowUp>('PATCH', `/api/v1/follow-ups/${encodeURIComponent(f.id)}`, body),
    onSuccess: (f) => {
      void queryClient.invalidateQueries({ queryKey: KEY });
      toast(`“${f.title}”: ${STATUS_LABEL[f.status].toLowerCase()}`);
      setNotDoing(null);
      setReason('');
    },
  });
  const actions = (f: FollowUp): MenuAction[] =>
    f.status === 'outstanding'
      ? [
          { id: 'completed', label: 'Mark done' },
          { id: 'not_doing', label: 'Not doing…' },
          { id: 'deleted', label: 'Delete', danger: true, separated: true },
        ]
      : [
          { id: 'outstanding', label: 'Reopen' },
          { id: 'deleted', label: 'Delete', danger: true, separated: true },
        ];
  const act = (f: FollowUp, id: string) => {
    if (id === 'not_doing') setNotDoing(f);
    else change.mutate({ f, body: { status: id as FollowUp['status'] } });
  };
  const columns: ReadonlyArray<Column<FollowUp>> = [
    {
      id: 'title',
      header: 'Follow-up',
      role: 'primary',
      cell: (f) => (
        <span className="follow-up-title">
          {f.title}{' '}
          {f.external_url && (
            <a href={f.external_url} target="_blank" rel="noreferrer" aria-label={`${f.title} in the issue tracker`}>
              <ExternalLink size={14} aria-hidden />
            </a>
          )}
          {f.status === 'not_doing' && f.reason && <span className="ui-muted ui-small"> — {f.reason}</span>}
        </span>
      ),
    },
    {
      id: 'incident',
      header: 'Incident',
      cell: (f) => <Link to={`/incidents/${f.incident_number}`}>{f.incident_number}</Link>,
    },
    { id: 'kind', header: 'Kind', cell: (f) => KIND_LABEL[f.kind] },
    {
      id: 'priority',
      header: 'Priority',
      cell: (f) => <Badge tone={PRIORITY_TONE[f.priority]}>{PRIORITY_LABEL[f.priority]}</Badge>,
    },
    { id: 'owner', header: 'Owner', cell: (f) => `@${f.owner}` },
    {
      id: 'due',
      header: 'Due',
      cell: (f) => (
        <time dateTime={f.due_at} title={absolute(f.due_at)} className={f.overdue ? 'follow-up-overdue' : undefined}>
          {dueText(f, now)}
        </time>
      ),
    },
    { id: 'state', header: 'State', cell: (f) => STATUS_LABEL[f.status] },
    ...(canWork
      ? [
          {
            id: 'actions',
            header: 'Actions',
            role: 'end' as const,
            cell: (f: FollowUp) => (
              <ActionMenu
                label={`Actions for ${f.title}`}
                actions={actions(f)}
                onAction={(id) => act(f, id)}
                size="sm"
              />
            ),
          },
        ]
      : []),
  ];
  return (
    <>
      <Problem error={notDoing ? null : change.error} />
      <DataTable
        label="Follow-ups"
        columns={columns}
        rows={rows}
        rowKey={(f) => f.id}
        rowClassName={(f) => (f.status === 'outstanding' ? undefined : 'off')}
        empty={<p className="ui-muted">No follow-ups match.</p>}
      />
      <ConfirmDialog
        isOpen={notDoing !== null}
        onCancel={() => {
          setNotDoing(null);
          change.reset();
        }}
        onConfirm={() => notDoing && change.mutate({ f: notDoing, body: { status: 'not_doing', reason } })}
        pending={change.isPending}
        title="Not doing this follow-up?"
        confirmLabel="Record why"
      >
        <p>Say why, for the post-mortem and whoever asks later.</p>
        <div className="ui-field">
          <label className="ui-label" htmlFor="not-doing-reason">
            Reason
          </label>
          <textarea
            id="not-doing-reason"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={2000}
          />
        </div>
        <Problem error={notDoing ? change.error : null} />
      </ConfirmDialog>
    </>
  );
}

function NewFollowUp({ incident, me }: { incident: string; me: string }) {
  const queryClient = useQueryClient();
  const users = useUsers();
  const people = (users.data?.data ?? []).filter((u) => u.active);
  const [owner, setOwner] = useState<string>(me);
  const [kind, setKind] = useState<FollowUp['kind']>('technical');
  const [priority, setPriority] = useState<FollowUp['priority']>('medium');
  const [due, setDue] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<FollowUp>('POST', '/api/v1/follow-ups', body),
    onSuccess: (f) => {
      void queryClient.invalidateQueries({ queryKey: KEY });
      toast(`Follow-up added for ${f.incident_number}`, { detail: `@${f.owner} is reminded before it is due.` });
    },
  });
  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    create.mutate(
      {
        incident_id: text('incident'),
        title: text('title'),
        kind,
        priority,
        owner_id: owner,
        due_at: due ?? '',
        ...(text('url') && { external_url: text('url') }),
      },
      {
        onSuccess: () => {
          form.reset();
          setDue(null);
        },
      },
    );
  }
  return (
    <FormPanel
      titleId="new-follow-up-title"
      title="Add a follow-up"
      onSubmit={submit}
      pending={create.isPending}
      submitLabel="Add follow-up"
      error={create.error ?? users.error}
    >
      <label>
        Incident
        <input name="incident" required defaultValue={incident} placeholder="INC-20261207-0001" autoComplete="off" />
      </label>
      <label className="wide">
        What to do
        <input name="title" required maxLength={300} placeholder="Add an alert on replica lag" autoComplete="off" />
      </label>
      <Select label="Kind" options={options(KIND_LABEL)} value={kind} onChange={(k) => setKind(k as typeof kind)} />
      <Select
        label="Priority"
        options={options(PRIORITY_LABEL)}
        value={priority}
        onChange={(p) => setPriority(p as typeof priority)}
      />
      <Select
        label="Owner"
        options={people.map((u) => ({ id: u.handle, label: `${u.name} (@${u.handle})` }))}
        value={owner}
        onChange={(handle) => setOwner(handle ?? me)}
      />
      <DateTimeField label="Due" value={due} onChange={setDue} isRequired />
      <label className="wide">
        Issue tracker link (optional)
        <input name="url" type="url" placeholder="https://tracker.example.com/OPS-123" autoComplete="off" />
      </label>
    </FormPanel>
  );
}
