// The Maintenance tab: maintenance by state (running now, scheduled, completed) and, for responders, the form
// that schedules one. The engine moves each through its states at the times given, opening maintenance windows
// on the components' services (nothing pages meanwhile); "Complete now" ends one early.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CalendarClock } from 'lucide-react';
import { useState } from 'react';
import type { Session, StatusMaintenance } from '../shared/api.ts';
import { ACTIONS, FormPanel, Problem } from '../shared/form-kit.tsx';
import {
  completeMaintenance,
  componentsKey,
  getComponents,
  getMaintenances,
  scheduleMaintenance,
  STATUS_KEY,
} from '../shared/status-api.ts';
import {
  byGroupAndPosition,
  MAINTENANCE_STATE_LABEL,
  MAINTENANCE_STATE_TONE,
  maintenanceByState,
  maintenanceProblem,
} from '../shared/status-words.ts';
import {
  absolute,
  Badge,
  Button,
  DataTable,
  DateTimeField,
  EmptyState,
  Skeleton,
  toast,
  type Column,
} from '../ui/index.ts';
import { CheckList } from './check-list.tsx';

const maintenancesKey = [...STATUS_KEY, 'maintenances'] as const;

export function MaintenanceTab({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const canWork = session.role !== 'viewer';
  const list = useQuery({ queryKey: maintenancesKey, queryFn: getMaintenances, refetchInterval: 30_000 });
  const components = useQuery({ queryKey: componentsKey, queryFn: getComponents });
  const componentName = (id: string) => components.data?.data.find((c) => c.id === id)?.name ?? id;
  const complete = useMutation({
    mutationFn: (m: StatusMaintenance) => completeMaintenance(m.id),
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: STATUS_KEY });
      toast(`Completed “${m.title}”`);
    },
    onError: (error) => toast('The maintenance was not completed', { tone: 'danger', detail: error.message }),
  });

  const columns: ReadonlyArray<Column<StatusMaintenance> | false> = [
    {
      id: 'title',
      header: 'Maintenance',
      role: 'primary',
      cell: (m) => (
        <span className="status-maintenance-title">
          {m.title}
          <span className="ui-muted ui-small">{m.body}</span>
        </span>
      ),
    },
    {
      id: 'components',
      header: 'Components',
      cell: (m) => (m.component_ids.length ? m.component_ids.map(componentName).join(', ') : '—'),
    },
    { id: 'starts', header: 'Starts', cell: (m) => <time dateTime={m.starts_at}>{absolute(m.starts_at)}</time> },
    { id: 'ends', header: 'Ends', cell: (m) => <time dateTime={m.ends_at}>{absolute(m.ends_at)}</time> },
    {
      id: 'state',
      header: 'State',
      cell: (m) => <Badge tone={MAINTENANCE_STATE_TONE[m.state]}>{MAINTENANCE_STATE_LABEL[m.state]}</Badge>,
    },
    canWork && {
      id: 'actions',
      header: ACTIONS,
      role: 'end',
      cell: (m) =>
        m.state !== 'completed' && (
          <Button
            size="sm"
            onPress={() => complete.mutate(m)}
            isDisabled={complete.isPending}
            aria-label={`Complete now: ${m.title}`}
          >
            Complete now
          </Button>
        ),
    },
  ];

  const groups = list.data ? maintenanceByState(list.data.data) : undefined;
  return (
    <>
      <section className="ui-panel" aria-labelledby="maintenance-title">
        <h2 id="maintenance-title">Maintenance</h2>
        <Problem error={list.error} />
        {list.isPending && <Skeleton label="Loading maintenance" />}
        {groups?.length === 0 && (
          <EmptyState icon={CalendarClock} title="No maintenance scheduled">
            Planned work shows on the public page ahead of time and marks its components under maintenance while it
            runs.
          </EmptyState>
        )}
        {groups?.map((g) => (
          <section key={g.state} aria-labelledby={`maintenance-${g.state}`}>
            <h3 id={`maintenance-${g.state}`}>{MAINTENANCE_STATE_LABEL[g.state]}</h3>
            <DataTable
              label={`Maintenance: ${MAINTENANCE_STATE_LABEL[g.state].toLowerCase()}`}
              rows={g.items}
              columns={columns}
              rowKey={(m) => m.id}
            />
          </section>
        ))}
      </section>
      {canWork && <ScheduleForm />}
    </>
  );
}

function ScheduleForm() {
  const queryClient = useQueryClient();
  const components = useQuery({ queryKey: componentsKey, queryFn: getComponents });
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [startsAt, setStartsAt] = useState<string | null>(null);
  const [endsAt, setEndsAt] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [notify, setNotify] = useState(false);
  const [tried, setTried] = useState(false);
  const problem = maintenanceProblem({ title, body, startsAt, endsAt });
  const schedule = useMutation({
    mutationFn: () =>
      scheduleMaintenance({
        title: title.trim(),
        body: body.trim(),
        component_ids: chosen,
        starts_at: startsAt as string,
        ends_at: endsAt as string,
        notify_subscribers: notify,
      }),
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: STATUS_KEY });
      toast(`Scheduled “${m.title}”`, { detail: `${absolute(m.starts_at)} – ${absolute(m.ends_at)}` });
      setTitle('');
      setBody('');
      setStartsAt(null);
      setEndsAt(null);
      setChosen([]);
      setNotify(false);
      setTried(false);
    },
  });
  return (
    <FormPanel
      titleId="schedule-maintenance-title"
      title="Schedule maintenance"
      pending={schedule.isPending}
      submitLabel="Schedule maintenance"
      error={schedule.error}
      onSubmit={() => {
        setTried(true);
        if (!problem) schedule.mutate();
      }}
      after={
        tried &&
        problem && (
          <span className="error" role="alert">
            {problem}
          </span>
        )
      }
    >
      <label className="wide">
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} autoComplete="off" />
      </label>
      <label className="wide">
        What will happen (public)
        <textarea rows={3} value={body} onChange={(e) => setBody(e.target.value)} required maxLength={10_000} />
      </label>
      <DateTimeField label="Starts" value={startsAt} onChange={setStartsAt} isRequired />
      <DateTimeField label="Ends" value={endsAt} onChange={setEndsAt} isRequired />
      <CheckList
        legend="Components under maintenance"
        items={byGroupAndPosition(components.data?.data ?? []).map((c) => ({ id: c.id, label: c.name }))}
        chosen={chosen}
        onChange={setChosen}
        none="No components yet."
      />
      <label className="check wide">
        <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} /> Notify subscribers of
        these components
      </label>
    </FormPanel>
  );
}
