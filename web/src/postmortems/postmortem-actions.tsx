// The post-mortem's action items: the incident's follow-ups, each with its owner, due time and state (they are
// worked through on the Follow-ups screen), and a form to add one that comes out of the review, linked to
// this post-mortem.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ListChecks } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type FollowUp, type Postmortem } from '../shared/api.ts';
import { FormPanel, Problem } from '../shared/form-kit.tsx';
import { useUsers } from '../shared/resources.ts';
import { useNow } from '../shared/use-now.ts';
import {
  absolute,
  ago,
  Badge,
  count,
  DataTable,
  DateTimeField,
  EmptyState,
  Select,
  Skeleton,
  toast,
  type Column,
} from '../ui/index.ts';
import { KIND_LABEL, STATUS_LABEL } from '../shared/follow-up-labels.ts';
import { listFollowUps } from './postmortem-api.ts';

const STATUS = STATUS_LABEL;
const KINDS = (Object.keys(KIND_LABEL) as Array<FollowUp['kind']>).map((id) => ({ id, label: KIND_LABEL[id] }));

export function ActionItems({ pm, canAdd, me }: { pm: Postmortem; canAdd: boolean; me: string }) {
  const now = useNow(60_000);
  const items = useQuery({
    queryKey: ['follow-ups', 'incident', pm.incident_id],
    queryFn: () => listFollowUps(pm.incident_id),
  });
  const rows = items.data?.data;
  const columns: ReadonlyArray<Column<FollowUp>> = [
    { id: 'title', header: 'Follow-up', role: 'primary', cell: (f) => f.title },
    { id: 'owner', header: 'Owner', cell: (f) => `@${f.owner}` },
    {
      id: 'due',
      header: 'Due',
      cell: (f) => (
        <time dateTime={f.due_at} title={absolute(f.due_at)}>
          {f.status === 'outstanding' ? `${f.overdue ? 'overdue, was due' : 'due'} ${ago(f.due_at, now)}` : '—'}
        </time>
      ),
    },
    {
      id: 'state',
      header: 'State',
      cell: (f) => (
        <Badge tone={f.status === 'completed' ? 'success' : f.overdue ? 'danger' : 'neutral'}>{STATUS[f.status]}</Badge>
      ),
    },
  ];
  return (
    <>
      <section className="ui-panel pm-actions" aria-labelledby="pm-actions-title">
        <header>
          <h2 id="pm-actions-title">
            Follow-ups {rows && <span className="ui-muted ui-small">{count(rows.length, 'follow-up')}</span>}
          </h2>
          <Link to="/follow-ups">Open the Follow-ups screen</Link>
        </header>
        <Problem error={items.error} />
        {rows ? (
          <DataTable
            label="Follow-ups of the incident"
            columns={columns}
            rows={rows}
            rowKey={(f) => f.id}
            empty={
              <EmptyState icon={ListChecks} title="No follow-ups yet">
                What the review decides to change becomes a follow-up with an owner and a due time.
              </EmptyState>
            }
          />
        ) : (
          items.isPending && <Skeleton lines={2} label="Loading the action items" />
        )}
      </section>
      {canAdd && <NewActionItem pm={pm} me={me} />}
    </>
  );
}

function NewActionItem({ pm, me }: { pm: Postmortem; me: string }) {
  const queryClient = useQueryClient();
  const users = useUsers();
  const people = (users.data?.data ?? []).filter((u) => u.active);
  const [owner, setOwner] = useState(me);
  const [kind, setKind] = useState<FollowUp['kind']>('technical');
  const [due, setDue] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<FollowUp>('POST', '/api/v1/follow-ups', body),
    onSuccess: (f) => {
      void queryClient.invalidateQueries({ queryKey: ['follow-ups'] });
      void queryClient.invalidateQueries({ queryKey: ['postmortem'] });
      toast(`Follow-up added: ${f.title}`, { detail: `@${f.owner} is reminded before it is due.` });
    },
  });
  return (
    <FormPanel
      titleId="pm-new-action-title"
      title="Add a follow-up"
      pending={create.isPending}
      submitLabel="Add follow-up"
      error={create.error ?? users.error}
      onSubmit={(form) => {
        const title = String(new FormData(form).get('title') ?? '').trim();
        create.mutate(
          { incident_id: pm.incident_id, postmortem_id: pm.id, title, kind, owner_id: owner, due_at: due ?? '' },
          {
            onSuccess: () => {
              form.reset();
              setDue(null);
            },
          },
        );
      }}
    >
      <label className="wide">
        What to do
        <input name="title" required maxLength={300} placeholder="Alert on replica lag" autoComplete="off" />
      </label>
      <Select label="Kind" options={KINDS} value={kind} onChange={(k) => setKind(k as FollowUp['kind'])} />
      <Select
        label="Owner"
        options={people.map((u) => ({ id: u.handle, label: `${u.name} (@${u.handle})` }))}
        value={owner}
        onChange={setOwner}
      />
      <DateTimeField label="Due" value={due} onChange={setDue} isRequired />
    </FormPanel>
  );
}
