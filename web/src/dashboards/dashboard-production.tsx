// Production health: production-monitoring health_check (every service, monitor and Vigil's own
// machinery) and performance_report (p50/p95/p99 response times against their baseline, degradation).
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { Figures, HealthCheck, PerformanceReport, TimeWindow } from '../shared/api.ts';
import { Chart, type ChartOptions, type Paint } from '../shared/chart.tsx';
import { openIncidentsText } from '../shared/service-api.ts';
import { clockTime, count, DataTable, type Column } from '../ui/index.ts';
import { versus } from './chart-summary.ts';
import { ms, pct, useFunction, WINDOW_LABEL } from './dashboard-api.ts';
import { Card, Failed, Frame, Since, Tag, WindowSelect } from './dashboard-frame.tsx';
import { Kpi, Kpis } from './dashboard-kpi.tsx';

const OVERALL = { healthy: ['good', 'Healthy'], degraded: ['warn', 'Degraded'], down: ['bad', 'Down'] } as const;
const SERVICE = {
  operational: ['good', 'Operational'],
  degraded: ['warn', 'Degraded'],
  down: ['bad', 'Down'],
  maintenance: ['quiet', 'In maintenance'],
} as const;
const MONITOR = { up: ['good', 'Up'], down: ['bad', 'Down'], pending: ['quiet', 'Not checked yet'] } as const;

export function ProductionHealth() {
  const queryClient = useQueryClient();
  const [window_, setWindow] = useState<TimeWindow>('1h');
  const health = useFunction<HealthCheck>('production-monitoring', { action: 'health_check' });
  const perf = useFunction<PerformanceReport>('production-monitoring', {
    action: 'performance_report',
    time_window: window_,
  });

  return (
    <Frame
      id="production"
      title="Production health"
      intro={
        'Whether every service and Vigil itself are working, and how fast the services answer their monitors ' +
        'compared with the same time of day over the previous week.'
      }
      generatedAt={health.data?.generated_at}
      fetching={health.isFetching || perf.isFetching}
      onRefresh={() => void queryClient.invalidateQueries({ queryKey: ['function', 'production-monitoring'] })}
      controls={<WindowSelect value={window_} onChange={setWindow} />}
      technical={
        <>
          Figures from the <code>production-monitoring</code> function, actions <code>health_check</code> and{' '}
          <code>performance_report</code> (<code>POST /functions/v1/production-monitoring</code>).
          {perf.data && <> Source of the response times: {perf.data.source}.</>}
        </>
      }
    >
      <Kpis label="Production at a glance">
        {health.data && <HealthKpis data={health.data} />}
        {perf.data && <PerformanceKpis report={perf.data} />}
      </Kpis>
      {health.isPending && <p className="hint">Running the health check…</p>}
      {health.isError && <Failed what="the health check" error={health.error} />}
      {health.data && <Health data={health.data} />}
      <section className="dash-card" aria-labelledby="perf-title">
        <h2 id="perf-title">Response times — {WINDOW_LABEL[window_].toLowerCase()}</h2>
        {perf.isPending && <p className="hint">Loading the response times…</p>}
        {perf.isError && <Failed what="the response times" error={perf.error} />}
        {perf.data && <Performance report={perf.data} />}
      </section>
    </Frame>
  );
}

function HealthKpis({ data }: { data: HealthCheck }) {
  const working = data.services.filter((s) => s.status === 'operational').length;
  const watched = data.monitors.filter((m) => !m.paused);
  const up = watched.filter((m) => m.state === 'up').length;
  return (
    <>
      <Kpi
        label="Overall"
        value={OVERALL[data.status][1]}
        note={data.problems.length ? count(data.problems.length, 'problem') : 'No problems found'}
      />
      <Kpi label="Services operational" value={working} note={`of ${count(data.services.length, 'service')}`} />
      <Kpi label="Monitors up" value={up} note={`of ${count(watched.length, 'active monitor')}`} />
    </>
  );
}

function PerformanceKpis({ report }: { report: PerformanceReport }) {
  const slowest = report.services
    .filter((s) => s.latency_ms.p95 !== null)
    .sort((a, b) => (b.latency_ms.p95 ?? 0) - (a.latency_ms.p95 ?? 0))[0];
  const degraded = report.summary.degraded_services;
  return (
    <>
      <Kpi label="Checks in the window" value={report.summary.request_count.toLocaleString('en')} />
      <Kpi label="Failed checks" value={pct(report.summary.error_rate, 2)} />
      <Kpi
        label={slowest ? `Slowest p95 (${slowest.name})` : 'Slowest p95'}
        value={ms(slowest?.latency_ms.p95)}
        trend={versus(slowest?.degradation_pct, 'its baseline')}
        note={slowest ? 'no baseline yet' : 'no checks yet'}
      />
      <Kpi
        label="Degraded services"
        value={degraded.length}
        testId="degraded-count"
        note={degraded.length ? degraded.join(', ') : 'none'}
      />
    </>
  );
}

type ServiceRow = HealthCheck['services'][number];
type MonitorRow = HealthCheck['monitors'][number];

const SERVICE_COLUMNS: Array<Column<ServiceRow>> = [
  {
    id: 'name',
    header: 'Service',
    role: 'primary',
    cell: (s) => <Link to={`/services/${encodeURIComponent(s.id)}`}>{s.name}</Link>,
  },
  {
    id: 'state',
    header: 'State',
    cell: (s) => <Tag tone={SERVICE[s.status][0]}>{SERVICE[s.status][1]}</Tag>,
  },
  { id: 'open', header: 'Open incidents', cell: (s) => openIncidentsText(s.open_incidents) },
  {
    id: 'maintenance',
    header: 'Maintenance',
    cell: (s) =>
      s.maintenance_until ? (
        <span>
          ends <Since at={s.maintenance_until} />
        </span>
      ) : (
        'None'
      ),
  },
  { id: 'check', header: 'Last check', role: 'end', cell: (s) => <Since at={s.last_check} /> },
];

const MONITOR_COLUMNS: Array<Column<MonitorRow>> = [
  {
    id: 'name',
    header: 'Monitor',
    role: 'primary',
    cell: (m) => (
      <>
        {m.name} <span className="muted">{m.kind.toUpperCase()}</span>
      </>
    ),
  },
  { id: 'service', header: 'Service', cell: (m) => m.service ?? '—' },
  {
    id: 'state',
    header: 'State',
    cell: (m) => {
      const [tone, word] = m.paused ? (['quiet', 'Paused'] as const) : MONITOR[m.state];
      return (
        <span>
          <Tag tone={tone}>{word}</Tag>
          {m.enhanced_until && <span className="muted"> checked more often</span>}
        </span>
      );
    },
  },
  { id: 'latency', header: 'Last response', role: 'end', cell: (m) => ms(m.last_latency_ms) },
  { id: 'check', header: 'Last check', role: 'end', cell: (m) => <Since at={m.last_check} /> },
];

function Health({ data }: { data: HealthCheck }) {
  const v = data.vigil;
  const [tone, word] = OVERALL[data.status];
  return (
    <>
      <section className="dash-card" aria-labelledby="overall-title">
        <h2 id="overall-title">
          Overall: <Tag tone={tone}>{word}</Tag>
        </h2>
        {data.problems.length > 0 && (
          <ul className="problems">
            {data.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <h3>Vigil itself</h3>
        <dl className="stats">
          <div>
            <dt>Database</dt>
            <dd>{v.database.reachable ? `Reachable, answers in ${ms(v.database.latency_ms)}` : 'Not reachable'}</dd>
          </div>
          <div>
            <dt>Escalations</dt>
            <dd>
              {v.escalation_engine.overdue_escalations === 0
                ? 'None overdue'
                : `${count(v.escalation_engine.overdue_escalations, 'escalation')} overdue`}
              , {v.escalation_engine.lag_seconds} s behind
            </dd>
          </div>
          <div>
            <dt>Notifications</dt>
            <dd>
              {count(v.outbox.due, 'waiting to send', 'waiting to send')}
              {v.outbox.due > 0 && ` (oldest ${v.outbox.oldest_due_seconds} s)`},{' '}
              {count(v.outbox.dead_last_24h, 'gave up', 'gave up')} in 24 h
            </dd>
          </div>
          <div>
            <dt>Incoming alerts</dt>
            <dd>{count(v.ingest_queue, 'waiting', 'waiting')}</dd>
          </div>
        </dl>
        <p className="hint">Database engine: {v.database.engine}.</p>
      </section>

      <Card id="svc-health-title" title="Services" empty={data.services.length === 0 && 'No services yet.'}>
        <DataTable
          label="Service health"
          columns={SERVICE_COLUMNS}
          rows={data.services}
          rowKey={(s) => s.id}
          rowClassName={() => 'health-service'}
        />
      </Card>

      <Card id="mon-health-title" title="Monitors" empty={data.monitors.length === 0 && 'No monitors yet.'}>
        <DataTable label="Monitor states" columns={MONITOR_COLUMNS} rows={data.monitors} rowKey={(m) => m.id} />
      </Card>
    </>
  );
}

/** "p95 12 % above its baseline" or why there is no comparison. */
function degradation(f: Figures, status?: 'degraded' | 'normal'): string {
  if (f.degradation_pct === null) return 'not enough checks to compare';
  const trend = versus(f.degradation_pct, 'its baseline');
  return `p95 ${trend?.text ?? ''}${status === 'degraded' ? ' — degraded' : ''}`;
}

interface PerfRow {
  id: string;
  name: string;
  monitor: boolean;
  f: Figures;
}

const PERF_COLUMNS: Array<Column<PerfRow>> = [
  {
    id: 'name',
    header: 'Service / monitor',
    role: 'primary',
    cell: (r) => (r.monitor ? <span className="muted">↳ {r.name}</span> : r.name),
  },
  { id: 'checks', header: 'Checks', role: 'end', cell: (r) => r.f.request_count },
  { id: 'errors', header: 'Failed', role: 'end', cell: (r) => `${r.f.error_count} (${pct(r.f.error_rate)})` },
  { id: 'p50', header: 'p50', role: 'end', cell: (r) => ms(r.f.latency_ms.p50) },
  { id: 'p95', header: 'p95', role: 'end', cell: (r) => ms(r.f.latency_ms.p95) },
  { id: 'p99', header: 'p99', role: 'end', cell: (r) => ms(r.f.latency_ms.p99) },
  { id: 'base', header: 'Usual p95', role: 'end', cell: (r) => ms(r.f.baseline.latency_ms.p95) },
  {
    id: 'change',
    header: 'Change',
    role: 'end',
    cell: (r) => (r.f.degradation_pct === null ? '—' : `${r.f.degradation_pct > 0 ? '+' : ''}${r.f.degradation_pct} %`),
  },
];

function Performance({ report }: { report: PerformanceReport }) {
  const measured = report.services.filter((s) => s.request_count > 0);
  const rows = useMemo(
    () =>
      report.services.flatMap((s): PerfRow[] => [
        { id: s.id, name: s.name, monitor: false, f: s },
        ...s.monitors.map((m) => ({ id: m.id, name: m.name, monitor: true, f: m })),
      ]),
    [report.services],
  );
  return (
    <>
      <p className="hint">
        From {clockTime(report.window.from)} to {clockTime(report.window.to)}, compared with{' '}
        {report.baseline.description}. A service is degraded when its p95 (the time 95 % of checks stay under) is more
        than twice its usual (P2), or more than three times (P1).
      </p>
      {measured.length === 0 ? (
        <p className="notice">No checks in this window. Response times come from the services' monitors.</p>
      ) : (
        <div className="chart-grid">
          {measured.map((s) => (
            <section key={s.id} className="chart-card" aria-labelledby={`perf-${s.id}`} data-testid="perf-service">
              <h3 id={`perf-${s.id}`}>
                {s.name}{' '}
                {s.status === 'degraded' ? (
                  <Tag tone="bad">Degraded</Tag>
                ) : s.degradation_pct === null ? (
                  <Tag tone="quiet">No baseline yet</Tag>
                ) : (
                  <Tag tone="good">Normal</Tag>
                )}
              </h3>
              <p className="degradation">{degradation(s, s.status)}</p>
              <PercentileChart name={s.name} figures={s} />
            </section>
          ))}
        </div>
      )}
      <DataTable
        label="Response times by service and monitor"
        columns={PERF_COLUMNS}
        rows={rows}
        rowKey={(r) => r.id}
        rowClassName={(r) => (r.monitor ? 'sub' : undefined)}
      />
    </>
  );
}

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

/** The window's p50/p95/p99 beside the baseline's, one line each (solid and dashed), with the figures as a table. */
function PercentileChart({ name, figures: f }: { name: string; figures: Figures }) {
  const options = useCallback(
    (paint: Paint): ChartOptions => ({
      scales: {
        x: { time: false, range: () => [-0.3, 2.3] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] },
      },
      axes: [
        { splits: () => [0, 1, 2], values: (_u, splits) => splits.map((v) => PERCENTILES[v] ?? '') },
        { values: (_u, splits) => splits.map((v) => `${v} ms`), size: 64 },
      ],
      series: [
        { label: 'Percentile', value: (_u, v) => PERCENTILES[v] ?? '—' },
        {
          label: 'This window',
          stroke: paint('--accent'),
          width: 2,
          points: { size: 8, fill: paint('--accent') },
          value: (_u, v) => (v === null ? '—' : `${v} ms`),
        },
        {
          label: 'Usual',
          stroke: paint('--text-subtle'),
          width: 2,
          dash: [6, 4],
          points: { size: 8 },
          value: (_u, v) => (v === null ? '—' : `${v} ms`),
        },
      ],
      legend: { live: false },
      cursor: { show: false },
    }),
    [],
  );
  const data = useMemo(
    () =>
      [[0, 1, 2], PERCENTILES.map((p) => f.latency_ms[p]), PERCENTILES.map((p) => f.baseline.latency_ms[p])] as [
        number[],
        Array<number | null>,
        Array<number | null>,
      ],
    [f],
  );
  return (
    <Chart
      title={`${name}: response time by percentile`}
      unit="ms"
      summary={
        `This window: p50 ${ms(f.latency_ms.p50)}, p95 ${ms(f.latency_ms.p95)}, p99 ${ms(f.latency_ms.p99)}; ` +
        `usually p50 ${ms(f.baseline.latency_ms.p50)}, p95 ${ms(f.baseline.latency_ms.p95)}, ` +
        `p99 ${ms(f.baseline.latency_ms.p99)}.`
      }
      options={options}
      data={data}
      height={180}
    >
      <table className="ui-visually-hidden">
        <caption>{name} response time percentiles</caption>
        <thead>
          <tr>
            <th scope="col">Percentile</th>
            <th scope="col">This window</th>
            <th scope="col">Usual</th>
          </tr>
        </thead>
        <tbody>
          {PERCENTILES.map((p) => (
            <tr key={p}>
              <th scope="row">{p}</th>
              <td>{ms(f.latency_ms[p])}</td>
              <td>{ms(f.baseline.latency_ms[p])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Chart>
  );
}
