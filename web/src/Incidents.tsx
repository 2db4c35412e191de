// The incident list: newest first, kept live by the /api/v1/stream EventSource, driven by j/k/a/r.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { acknowledge, listIncidents, listServices, resolve, type Incident, type Role } from './api.ts';
import { useLiveIncidents } from './live.ts';

const SEVERITY_LABEL = { P0: 'P0 critical', P1: 'P1 high', P2: 'P2 medium', P3: 'P3 low' } as const;

/** "3m", "2h", "5d": how long ago `iso` was, relative to `now`. */
export function age(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Typing in a field must not trigger the list's shortcuts. */
function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function Incidents({ role }: { role: Role }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { ref } = useParams();
  const live = useLiveIncidents();
  const incidents = useQuery({ queryKey: ['incidents'], queryFn: listIncidents });
  const services = useQuery({ queryKey: ['services'], queryFn: listServices, staleTime: 5 * 60_000 });
  const [now, setNow] = useState(() => Date.now());
  const canAct = role !== 'viewer';

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  const rows = useMemo(() => [...(incidents.data?.data ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at)), [incidents.data]);
  const serviceName = useMemo(() => new Map((services.data?.data ?? []).map((s) => [s.id, s.name])), [services.data]);
  const selectedIndex = Math.max(
    0,
    rows.findIndex((i) => i.id === ref || String(i.number) === ref),
  );
  const selected: Incident | undefined = rows[selectedIndex];

  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'acknowledge' | 'resolve' }) => (action === 'acknowledge' ? acknowledge(id) : resolve(id)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['incidents'] }),
  });

  const select = (incident: Incident | undefined) => {
    if (incident) void navigate(`/incidents/${incident.number}`, { replace: true });
  };

  const keys = useRef({ rows, selectedIndex, selected, canAct, select, act });
  keys.current = { rows, selectedIndex, selected, canAct, select, act };

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const k = keys.current;
      if (event.key === 'j') k.select(k.rows[Math.min(k.rows.length - 1, k.selectedIndex + 1)]);
      else if (event.key === 'k') k.select(k.rows[Math.max(0, k.selectedIndex - 1)]);
      else if (event.key === 'a' && k.canAct && k.selected?.status === 'triggered') k.act.mutate({ id: k.selected.id, action: 'acknowledge' });
      else if (event.key === 'r' && k.canAct && k.selected && k.selected.status !== 'resolved') k.act.mutate({ id: k.selected.id, action: 'resolve' });
      else return;
      event.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Keep the selected row in view as j/k move through a long list.
  useEffect(() => {
    document.querySelector('.incidents [aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selected?.id]);

  if (incidents.isPending) return <p className="notice">Loading incidents…</p>;
  if (incidents.isError) return <p className="notice error" role="alert">Could not load incidents: {incidents.error.message}</p>;

  return (
    <section aria-labelledby="incidents-title">
      <div className="heading">
        <h1 id="incidents-title">Incidents</h1>
        <span className={`live ${live}`} role="status">
          {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Disconnected (reload to retry)'}
        </span>
      </div>
      <p className="hint">
        <kbd>j</kbd>/<kbd>k</kbd> move{canAct && (<>, <kbd>a</kbd> acknowledge, <kbd>r</kbd> resolve</>)}
      </p>
      {act.isError && (
        <p className="error" role="alert">
          {act.error.message}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="notice">No incidents. All quiet.</p>
      ) : (
        <ul className="incidents" role="listbox" aria-label="Incidents, newest first">
          {rows.map((incident) => (
            <li key={incident.id} role="option" aria-selected={incident.id === selected?.id} className={`incident status-${incident.status}`} onClick={() => select(incident)}>
              <span className={`sev sev-${incident.severity}`} title={SEVERITY_LABEL[incident.severity]}>
                {incident.severity}
              </span>
              <span className="title">
                <span className="number">#{incident.number}</span> {incident.title}
              </span>
              <span className="meta">
                <span className="status">{incident.status}</span>
                <span className="service">{incident.service_id ? (serviceName.get(incident.service_id) ?? 'service') : 'no service'}</span>
                <time dateTime={incident.created_at} title={new Date(incident.created_at).toLocaleString()}>
                  {age(incident.created_at, now)} ago
                </time>
              </span>
              {canAct && incident.status !== 'resolved' && (
                <span className="actions">
                  {incident.status === 'triggered' && (
                    <button type="button" disabled={act.isPending} onClick={(e) => {
                        e.stopPropagation();
                        act.mutate({ id: incident.id, action: 'acknowledge' });
                      }}>
                      Acknowledge
                    </button>
                  )}
                  <button type="button" disabled={act.isPending} onClick={(e) => {
                      e.stopPropagation();
                      act.mutate({ id: incident.id, action: 'resolve' });
                    }}>
                    Resolve
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
