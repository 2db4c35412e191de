// Services: the list with each one's state (open incidents, maintenance, monitors), creating one
// (admin), and a page per service (service-page.tsx) at /services/:id.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { Server } from 'lucide-react';
import type { Monitor, Service, Session } from '../shared/api.ts';
import { useNow } from '../shared/use-now.ts';
import { createService, getMonitors, getServices, healthCheck, openIncidentsText } from '../shared/service-api.ts';
import { handOverKey, ServicePage } from './service-page.tsx';
import { Problem } from '../shared/ui-kit.tsx';
import { absolute, ago, Button, count, DataTable, EmptyState, Skeleton, type Column } from '../ui/index.ts';
import { ServiceState } from './service-state.tsx';
import './services.css';

export function Services({ session }: { session: Session }) {
  return (
    <Routes>
      <Route index element={<ServiceList session={session} />} />
      <Route path=":id" element={<ServiceRoute session={session} />} />
    </Routes>
  );
}

function ServiceRoute({ session }: { session: Session }) {
  const { id = '' } = useParams();
  // A new id is a new page: nothing (least of all a revealed key) carries over from the last one.
  return <ServicePage key={id} id={id} session={session} />;
}

/** "1 up, 2 down" or "None": a service's monitors by state. */
function monitorSummary(list: Monitor[] | undefined): string {
  if (!list || list.length === 0) return 'None';
  const count = (pred: (m: Monitor) => boolean) => list.filter(pred).length;
  const parts = [
    [count((m) => !m.paused && m.state === 'up'), 'up'],
    [count((m) => !m.paused && m.state === 'down'), 'down'],
    [count((m) => !m.paused && m.state === 'pending'), 'not checked yet'],
    [count((m) => m.paused), 'paused'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} ${label}`)
    .join(', ');
}

function ServiceList({ session }: { session: Session }) {
  const services = useQuery({ queryKey: ['services', 'list'], queryFn: getServices, refetchInterval: 30_000 });
  const health = useQuery({ queryKey: ['services', 'health'], queryFn: healthCheck, refetchInterval: 30_000 });
  const monitors = useQuery({ queryKey: ['monitors', 'all'], queryFn: () => getMonitors(), refetchInterval: 30_000 });
  const now = useNow(15_000);

  const stateOf = useMemo(() => new Map((health.data?.services ?? []).map((s) => [s.id, s])), [health.data]);
  const monitorsOf = useMemo(() => {
    const map = new Map<string, Monitor[]>();
    for (const m of monitors.data?.data ?? []) map.set(m.service_id, [...(map.get(m.service_id) ?? []), m]);
    return map;
  }, [monitors.data]);

  if (services.isPending) return <Skeleton lines={4} label="Loading services" />;
  if (services.isError)
    return (
      <p className="notice error" role="alert">
        Could not load services: {services.error.message}
      </p>
    );

  const rows = [...services.data.data].sort((a, b) => a.name.localeCompare(b.name));
  const columns: Array<Column<Service>> = [
    {
      id: 'name',
      header: 'Service',
      role: 'primary',
      cell: (s) => (
        <>
          <Link to={`/services/${encodeURIComponent(s.id)}`} className="svc-name">
            {s.name}
          </Link>
          {s.description && <span className="svc-row-description">{s.description}</span>}
        </>
      ),
    },
    { id: 'state', header: 'State', cell: (s) => <ServiceState status={stateOf.get(s.id)?.status} /> },
    {
      id: 'incidents',
      header: 'Open incidents',
      cell: (s) => (stateOf.has(s.id) ? openIncidentsText(stateOf.get(s.id)?.open_incidents) : '—'),
    },
    { id: 'monitors', header: 'Monitors', cell: (s) => monitorSummary(monitorsOf.get(s.id)) },
    {
      id: 'maintenance',
      header: 'Maintenance',
      cell: (s) => {
        const until = stateOf.get(s.id)?.maintenance_until;
        return until ? (
          <time dateTime={until} title={absolute(until)}>
            ends {ago(until, now)}
          </time>
        ) : (
          'None'
        );
      },
    },
    {
      id: 'key',
      header: 'Key ends in',
      role: 'end',
      cell: (s) => <code title="The integration key's last characters">{s.integration_key_hint}</code>,
    },
  ];

  return (
    <section className="services" aria-labelledby="services-title">
      <div className="heading">
        <h1 id="services-title">Services</h1>
        {rows.length > 0 && <span className="ui-muted">{count(rows.length, 'service')}</span>}
      </div>
      <p className="svc-intro">
        A service is what alerts are sent to: each has its own key, monitors that check it and a maintenance switch.
        What customers see of them is on the <Link to="/status-page">status page</Link>.
      </p>
      {health.isError && (
        <p className="error" role="alert">
          Could not load service states: {health.error.message}
        </p>
      )}
      {session.role === 'admin' && <CreateService />}
      <DataTable
        label="Services"
        columns={columns}
        rows={rows}
        rowKey={(s) => s.id}
        rowClassName={() => 'svc-row'}
        empty={
          <EmptyState icon={Server} title="No services yet">
            {session.role === 'admin'
              ? 'Create the first one with “New service” above, then point your monitoring at its key.'
              : 'An admin creates services; ask one to add the systems you look after.'}
          </EmptyState>
        }
      />
      {services.data.next_cursor && <p className="hint">Showing the first 100 services.</p>}
    </section>
  );
}

function CreateService() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () =>
      createService({ name: name.trim(), ...(description.trim() && { description: description.trim() }) }),
    onSuccess: async (service) => {
      handOverKey(service.id, service.integration_key);
      await queryClient.invalidateQueries({ queryKey: ['services'] });
      void navigate(`/services/${encodeURIComponent(service.id)}`);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim()) create.mutate();
  }

  return (
    <details className="card create-service">
      <summary>New service</summary>
      <form onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Description (optional)
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </label>
        <Button type="submit" variant="primary" isDisabled={create.isPending || !name.trim()}>
          Create service
        </Button>
        <Problem error={create.error} />
      </form>
    </details>
  );
}
