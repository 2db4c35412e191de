// One service: its state, its integration key (whole only right after it was issued), the set-up
// snippets for its alert sources, its maintenance window and its monitors.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { Session } from '../shared/api.ts';
import { countdown } from '../shared/format.ts';
import { useNow } from '../shared/use-now.ts';
import { CopyButton } from './service-copy.tsx';
import { ServiceMonitors } from './service-monitors.tsx';
import {
  endMaintenance,
  getDsn,
  getMaintenance,
  getService,
  healthCheck,
  openIncidentsText,
  rotateKey,
  startMaintenance,
} from '../shared/service-api.ts';
import { absolute, Button, count, Select } from '../ui/index.ts';
import { KEY_PLACEHOLDER, snippets } from './service-snippets.ts';
import { ServiceState } from './service-state.tsx';
import { SnippetBlock } from './service-snippet-block.tsx';

// A key the server has just issued (on create), handed from the list to this page in memory only: it
// is never written to history state or storage, and the page forgets it once shown.
const issued = new Map<string, string>();

/** Hands a freshly issued key to the service's page, which shows it once. */
export function handOverKey(serviceId: string, key: string): void {
  issued.set(serviceId, key);
}

const DURATIONS = [
  [1800, '30 minutes'],
  [3600, '1 hour'],
  [7200, '2 hours'],
  [14_400, '4 hours'],
  [28_800, '8 hours'],
  [86_400, '24 hours'],
] as const;

export function ServicePage({ id, session }: { id: string; session: Session }) {
  const queryClient = useQueryClient();
  const isAdmin = session.role === 'admin';
  const canMaintain = session.role !== 'viewer';
  const [key, setKey] = useState<string | null>(() => issued.get(id) ?? null);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const now = useNow(15_000);

  useEffect(() => {
    issued.delete(id);
  }, [id]);

  const service = useQuery({ queryKey: ['services', id], queryFn: () => getService(id) });
  const health = useQuery({ queryKey: ['services', 'health'], queryFn: healthCheck, refetchInterval: 30_000 });
  const dsn = useQuery({ queryKey: ['services', id, 'dsn'], queryFn: () => getDsn(id), staleTime: 5 * 60_000 });
  const maintenance = useQuery({
    queryKey: ['services', id, 'maintenance'],
    queryFn: () => getMaintenance(id),
    refetchInterval: 30_000,
  });

  const rotate = useMutation({
    mutationFn: () => rotateKey(id),
    onSuccess: ({ integration_key: issuedKey, ...rest }) => {
      setKey(issuedKey);
      setConfirmRotate(false);
      // The cache keeps the service without its key: only this page's state holds that.
      queryClient.setQueryData(['services', id], rest);
      return queryClient.invalidateQueries({ queryKey: ['services', 'list'] });
    },
  });

  const [duration, setDuration] = useState<number>(3600);
  const [reason, setReason] = useState('');
  const refreshMaintenance = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['services', id, 'maintenance'] }),
      queryClient.invalidateQueries({ queryKey: ['services', 'health'] }),
    ]);
  const start = useMutation({
    mutationFn: () => startMaintenance(id, { duration_s: duration, ...(reason.trim() && { reason: reason.trim() }) }),
    onSuccess: () => {
      setReason('');
      return refreshMaintenance();
    },
  });
  const end = useMutation({ mutationFn: () => endMaintenance(id), onSuccess: refreshMaintenance });

  if (service.isPending) return <p className="notice">Loading service…</p>;
  if (service.isError) {
    return (
      <p className="notice error" role="alert">
        Could not load the service: {service.error.message}. <Link to="/services">All services</Link>
      </p>
    );
  }

  const s = service.data;
  const state = health.data?.services.find((h) => h.id === s.id);
  const windows = maintenance.data?.data ?? [];
  const active = windows.find((w) => w.active);
  const scheduled = windows.filter((w) => !w.active);
  const list = snippets({
    origin: window.location.origin,
    key,
    dsn: dsn.data?.dsn ?? null,
    grafanaSignatureHeader: s.grafana_signature ? s.grafana_signature_header : null,
  });

  function submitMaintenance(event: FormEvent) {
    event.preventDefault();
    start.mutate();
  }

  return (
    <section className="service-page" aria-labelledby="service-title">
      <p className="svc-crumbs">
        <Link to="/services">Services</Link> /
      </p>
      <div className="heading">
        <h1 id="service-title">{s.name}</h1>
        {state && (
          <span data-testid="service-status">
            <ServiceState status={state.status} />
          </span>
        )}
      </div>
      {s.description && <p className="svc-description">{s.description}</p>}
      {state && <p className="svc-facts">Open incidents: {openIncidentsText(state.open_incidents)}</p>}

      <ServiceMonitors serviceId={s.id} session={session} now={now} />

      <section className="card" aria-labelledby="maintenance-title">
        <h2 id="maintenance-title">Maintenance</h2>
        <p className="svc-section-intro">
          While a service is in maintenance its alerts are recorded, but nothing escalates and nobody is paged.
        </p>
        {maintenance.isError && (
          <p className="error" role="alert">
            Could not load maintenance windows: {maintenance.error.message}
          </p>
        )}
        {active ? (
          <p data-testid="maintenance-state">
            <strong>On</strong> until{' '}
            <time dateTime={active.end} title={absolute(active.end)}>
              {new Date(active.end).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
            </time>{' '}
            ({countdown(active.end, now).text}){active.reason && <> — {active.reason}</>}.
          </p>
        ) : (
          <p data-testid="maintenance-state">
            <strong>Off</strong>: alerts escalate and page as usual.
          </p>
        )}
        {scheduled.length > 0 && (
          <ul className="plain">
            {scheduled.map((w) => (
              <li key={w.id}>
                Scheduled from <time dateTime={w.start}>{absolute(w.start)}</time> to{' '}
                <time dateTime={w.end}>{absolute(w.end)}</time>
                {w.reason && <> — {w.reason}</>}
              </li>
            ))}
          </ul>
        )}
        {canMaintain &&
          (active || scheduled.length > 0 ? (
            <Button onPress={() => end.mutate()} isDisabled={end.isPending}>
              End maintenance
            </Button>
          ) : (
            <form className="maintenance-form" onSubmit={submitMaintenance}>
              <Select
                label="Duration"
                value={String(duration)}
                onChange={(id) => setDuration(Number(id))}
                options={DURATIONS.map(([seconds, label]) => ({ id: String(seconds), label }))}
              />
              <label>
                Reason (optional)
                <input
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  maxLength={2000}
                  placeholder="e.g. database upgrade"
                />
              </label>
              <Button type="submit" isDisabled={start.isPending}>
                Start maintenance
              </Button>
            </form>
          ))}
        {(start.isError || end.isError) && (
          <p className="error" role="alert">
            {start.error?.message ?? end.error?.message}
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="key-title">
        <h2 id="key-title">Integration key</h2>
        <p className="svc-section-intro">Every tool that sends alerts to this service proves it with this key.</p>
        {key ? (
          <div className="key-reveal" role="status">
            <p>
              <strong>New key — copy it now.</strong> Vigil shows a key only once; it is gone when you leave this page.
            </p>
            <div className="key-line">
              <code id="integration-key" data-testid="integration-key">
                {key}
              </code>
              <CopyButton targetId="integration-key" text={key} what="Integration key" />
              <Button size="sm" variant="ghost" onPress={() => setKey(null)}>
                Hide key
              </Button>
            </div>
          </div>
        ) : (
          <p>
            The key ends in <code data-testid="key-hint">{s.integration_key_hint}</code>. Vigil shows a key only once,
            when the service is created or its key is rotated
            {isAdmin ? '; rotate it to issue a new one.' : '.'}
          </p>
        )}
        {isAdmin &&
          (confirmRotate ? (
            <div className="svc-confirm" role="group" aria-label="Confirm key rotation">
              <p>The current key stops working at once: every tool sending alerts needs the new one.</p>
              <Button variant="danger" onPress={() => rotate.mutate()} isDisabled={rotate.isPending}>
                Rotate now
              </Button>
              <Button onPress={() => setConfirmRotate(false)}>Cancel</Button>
            </div>
          ) : (
            <Button onPress={() => setConfirmRotate(true)}>Rotate key…</Button>
          ))}
        {rotate.isError && (
          <p className="error" role="alert">
            Could not rotate the key: {rotate.error.message}
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="setup-title">
        <h2 id="setup-title">Send alerts to this service</h2>
        <p className="svc-section-intro">
          {count(list.length, 'way')} to connect your monitoring: copy the block for your tool into its settings.
        </p>
        {!key && (
          <p className="hint">
            The snippets show <code>{KEY_PLACEHOLDER}</code> where the key goes: Vigil does not keep keys it could show
            again.
          </p>
        )}
        {dsn.isError && (
          <p className="error" role="alert">
            Could not load the Sentry DSN: {dsn.error.message}
          </p>
        )}
        <div className="snippets">
          {list.map((snippet) => (
            <SnippetBlock key={snippet.id} snippet={snippet} />
          ))}
        </div>
      </section>
    </section>
  );
}
