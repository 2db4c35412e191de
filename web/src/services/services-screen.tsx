// Services: the list with each one's state (open incidents, maintenance, monitors), creating one
// (admin), and a page per service (service-page.tsx) at /services/:id.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import type { Monitor, Session } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import {
  createService,
  getMonitors,
  getServices,
  healthCheck,
  openIncidentsText,
  STATUS_LABEL,
} from '../shared/service-api.ts';
import { handOverKey, ServicePage } from './service-page.tsx';
import { Problem } from '../shared/ui-kit.tsx';
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

function monitorSummary(list: Monitor[] | undefined): string {
  if (!list || list.length === 0) return 'no monitors';
  const count = (pred: (m: Monitor) => boolean) => list.filter(pred).length;
  const parts = [
    [count((m) => !m.paused && m.state === 'up'), 'up'],
    [count((m) => !m.paused && m.state === 'down'), 'down'],
    [count((m) => !m.paused && m.state === 'pending'), 'pending'],
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

  const stateOf = useMemo(() => new Map((health.data?.services ?? []).map((s) => [s.id, s])), [health.data]);
  const monitorsOf = useMemo(() => {
    const map = new Map<string, Monitor[]>();
    for (const m of monitors.data?.data ?? []) map.set(m.service_id, [...(map.get(m.service_id) ?? []), m]);
    return map;
  }, [monitors.data]);

  if (services.isPending) return <p className="notice">Loading services…</p>;
  if (services.isError)
    return (
      <p className="notice error" role="alert">
        Could not load services: {services.error.message}
      </p>
    );

  const rows = [...services.data.data].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section className="services" aria-labelledby="services-title">
      <div className="heading">
        <h1 id="services-title">Services</h1>
      </div>
      {health.isError && (
        <p className="error" role="alert">
          Could not load service states: {health.error.message}
        </p>
      )}
      {session.role === 'admin' && <CreateService />}
      {rows.length === 0 ? (
        <p className="notice">
          No services yet.{session.role === 'admin' ? ' Create the first one above.' : ' An admin creates them.'}
        </p>
      ) : (
        <ul className="svc-list" aria-label="Services">
          {rows.map((s) => {
            const state = stateOf.get(s.id);
            return (
              <li key={s.id} className="svc-row" data-testid="service-row">
                <Link to={`/services/${encodeURIComponent(s.id)}`} className="svc-name">
                  {s.name}
                </Link>
                <span className={`svc-status svc-${state?.status ?? 'unknown'}`}>
                  {state ? STATUS_LABEL[state.status] : 'State unknown'}
                </span>
                <span className="svc-meta">
                  <span>Open incidents: {openIncidentsText(state?.open_incidents)}</span>
                  <span>
                    {state?.maintenance_until ? (
                      <>Maintenance until {when(state.maintenance_until)}</>
                    ) : (
                      'No maintenance'
                    )}
                  </span>
                  <span>Monitors: {monitorSummary(monitorsOf.get(s.id))}</span>
                  <span>
                    Key <code>{s.integration_key_hint}</code>
                  </span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
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
        <button type="submit" disabled={create.isPending || !name.trim()}>
          Create service
        </button>
        <Problem error={create.error} />
      </form>
    </details>
  );
}
