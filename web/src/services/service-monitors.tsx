// A service's monitors: state in words, the last check, and a sparkline of recent response times.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Activity, Pause, Play } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { Monitor, Session } from '../shared/api.ts';
import { age } from '../shared/format.ts';
import { CopyButton } from './service-copy.tsx';
import { createMonitor, getChecks, getMonitors, monitorStateLabel, setPaused } from '../shared/service-api.ts';
import { Sparkline } from '../shared/sparkline.tsx';
import { Problem } from '../shared/ui-kit.tsx';
import { absolute, Badge, Button, EmptyState, Select, type Tone } from '../ui/index.ts';

const SPARK_CHECKS = 30;

export function ServiceMonitors({ serviceId, session, now }: { serviceId: string; session: Session; now: number }) {
  const monitors = useQuery({
    queryKey: ['monitors', serviceId],
    queryFn: () => getMonitors(serviceId),
    refetchInterval: 30_000,
  });
  const rows = monitors.data?.data ?? [];
  return (
    <section className="card" aria-labelledby="monitors-title">
      <h2 id="monitors-title">Monitors</h2>
      <p className="svc-section-intro">
        Monitors check the service on a schedule and open an incident when it stops answering.
      </p>
      {monitors.isPending && <p className="hint">Loading monitors…</p>}
      {monitors.isError && (
        <p className="error" role="alert">
          Could not load monitors: {monitors.error.message}
        </p>
      )}
      {monitors.isSuccess && rows.length === 0 && (
        <EmptyState icon={Activity} title="No monitors yet">
          {session.role === 'admin'
            ? 'Add one below: a URL or host Vigil checks, or a heartbeat your scheduled job calls.'
            : 'An admin can add a URL or host for Vigil to check, or a heartbeat for a scheduled job.'}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <ul className="monitors" aria-label="Monitors of this service">
          {rows.map((m) => (
            <MonitorRow key={m.id} monitor={m} canEdit={session.role === 'admin'} now={now} />
          ))}
        </ul>
      )}
      {session.role === 'admin' && <AddMonitor serviceId={serviceId} />}
    </section>
  );
}

const KINDS = { http: 'HTTP(S) URL', tcp: 'TCP host:port', heartbeat: 'Heartbeat (a job calls Vigil)' } as const;
const EVERY = [
  [10, '10 seconds'],
  [30, '30 seconds'],
  [60, '1 minute'],
  [300, '5 minutes'],
  [3600, '1 hour'],
] as const;

/** Adds an HTTP, TCP or heartbeat monitor (admin); a heartbeat's URL carries its token, shown once. */
function AddMonitor({ serviceId }: { serviceId: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<keyof typeof KINDS>('http');
  const [target, setTarget] = useState('');
  const [every, setEvery] = useState(60);
  const [beatUrl, setBeatUrl] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () =>
      createMonitor({
        service_id: serviceId,
        name: name.trim(),
        kind,
        ...(kind === 'heartbeat' ? { period_seconds: every } : { target: target.trim(), interval_seconds: every }),
      }),
    onSuccess: (created) => {
      setName('');
      setTarget('');
      setBeatUrl(created.heartbeat_path ? `${window.location.origin}${created.heartbeat_path}` : null);
      return queryClient.invalidateQueries({ queryKey: ['monitors'] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }

  return (
    <details className="add-monitor">
      <summary>Add a monitor</summary>
      <form onSubmit={submit}>
        <label>
          Monitor name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <Select
          label="Kind"
          value={kind}
          onChange={(id) => setKind(id as keyof typeof KINDS)}
          options={Object.entries(KINDS).map(([id, label]) => ({ id, label }))}
        />
        {kind !== 'heartbeat' && (
          <label>
            Target
            <input
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              required
              maxLength={2000}
              placeholder={kind === 'http' ? 'https://example.com/health' : 'db.internal:5432'}
            />
          </label>
        )}
        <Select
          label={kind === 'heartbeat' ? 'Expected every' : 'Check every'}
          value={String(every)}
          onChange={(id) => setEvery(Number(id))}
          options={EVERY.map(([seconds, label]) => ({ id: String(seconds), label }))}
        />
        <Button type="submit" isDisabled={add.isPending || !name.trim()}>
          Add monitor
        </Button>
        <Problem error={add.error} />
      </form>
      {beatUrl && (
        <div className="key-reveal" role="status">
          <p>
            <strong>Heartbeat URL — copy it now</strong>: its token is shown only once. Have the job call it (GET or
            POST) every period.
          </p>
          <div className="key-line">
            <code id="heartbeat-url">{beatUrl}</code>
            <CopyButton targetId="heartbeat-url" text={beatUrl} what="Heartbeat URL" />
          </div>
        </div>
      )}
    </details>
  );
}

const STATE_TONE: Record<'up' | 'down' | 'pending' | 'paused', Tone> = {
  up: 'success',
  down: 'danger',
  pending: 'neutral',
  paused: 'neutral',
};

function MonitorRow({ monitor: m, canEdit, now }: { monitor: Monitor; canEdit: boolean; now: number }) {
  const queryClient = useQueryClient();
  const checks = useQuery({
    queryKey: ['monitors', m.id, 'checks'],
    queryFn: () => getChecks(m.id, SPARK_CHECKS),
    refetchInterval: 30_000,
    enabled: m.kind !== 'heartbeat',
  });
  const pause = useMutation({
    mutationFn: (paused: boolean) => setPaused(m.id, paused),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['monitors'] }),
  });
  // Checks come newest first; the line reads left to right, oldest to newest.
  const latencies = [...(checks.data?.data ?? [])].reverse().map((c) => (c.ok ? c.latency_ms : null));
  const state = m.paused ? 'paused' : m.state;

  return (
    <li className={`monitor mon-${state}`} data-testid="monitor">
      <span className="mon-state">
        <Badge tone={STATE_TONE[state]}>{monitorStateLabel(m)}</Badge>
      </span>
      <span className="mon-name">
        <strong>{m.name}</strong> <span className="muted">{m.kind.toUpperCase()}</span>
        {m.target && <span className="mon-target">{m.target}</span>}
      </span>
      <span className="mon-meta">
        {m.last_check_at ? (
          <time dateTime={m.last_check_at} title={absolute(m.last_check_at)}>
            checked {age(m.last_check_at, now)} ago
          </time>
        ) : (
          'not checked yet'
        )}
        {m.last_latency_ms !== null && <span> · {m.last_latency_ms} ms</span>}
        <span> · every {m.effective_interval_seconds} s</span>
        {m.enhanced_until && <span> · checked more often for now</span>}
        {m.state === 'down' && m.last_error && <span className="error"> · {m.last_error}</span>}
      </span>
      <span className="mon-spark">
        {m.kind !== 'heartbeat' && (
          <Sparkline values={latencies} label={`Response time of the last ${latencies.length} checks`} unit=" ms" />
        )}
      </span>
      {canEdit && (
        <span className="mon-actions">
          <Button
            size="sm"
            variant="ghost"
            icon={m.paused ? Play : Pause}
            onPress={() => pause.mutate(!m.paused)}
            isDisabled={pause.isPending}
            aria-label={`${m.paused ? 'Resume' : 'Pause'} monitor ${m.name}`}
          >
            {m.paused ? 'Resume' : 'Pause'}
          </Button>
        </span>
      )}
      {pause.isError && (
        <span className="error" role="alert">
          {pause.error.message}
        </span>
      )}
    </li>
  );
}
