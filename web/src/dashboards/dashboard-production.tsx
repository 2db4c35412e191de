// Production health: production-monitoring health_check (every service, monitor and Vigil's own
// machinery) and performance_report (p50/p95/p99 response times against their baseline, degradation).
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { Figures, HealthCheck, PerformanceReport, TimeWindow } from '../shared/api.ts';
import { Chart, type ChartOptions } from '../shared/chart.tsx';
import { ms, pct, useFunction, WINDOW_LABEL } from './dashboard-api.ts';
import { Card, Failed, Frame, TableBox, Tag, WindowSelect } from './dashboard-frame.tsx';
import { when } from '../shared/format.ts';
import { openIncidentsText } from '../shared/service-api.ts';

const OVERALL = { healthy: ['good', 'Healthy'], degraded: ['warn', 'Degraded'], down: ['bad', 'Down'] } as const;
const SERVICE = {
  operational: ['good', 'Operational'],
  degraded: ['warn', 'Degraded'],
  down: ['bad', 'Down'],
  maintenance: ['quiet', 'In maintenance'],
} as const;
const MONITOR = { up: ['good', 'Up'], down: ['bad', 'Down'], pending: ['quiet', 'Pending'] } as const;

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
        "Every service's state and Vigil's own health (health_check), " +
        'and response times measured by the monitors against the same time of day over the previous 7 days ' +
        '(performance_report).'
      }
      generatedAt={health.data?.generated_at}
      fetching={health.isFetching || perf.isFetching}
      onRefresh={() => void queryClient.invalidateQueries({ queryKey: ['function', 'production-monitoring'] })}
      controls={<WindowSelect value={window_} onChange={setWindow} />}
    >
      {health.isPending && <p className="hint">Running the health check…</p>}
      {health.isError && <Failed what="the health check" error={health.error} />}
      {health.data && <Health data={health.data} />}
      <section className="dash-card" aria-labelledby="perf-title">
        <h2 id="perf-title">Response times — {WINDOW_LABEL[window_].toLowerCase()}</h2>
        {perf.isPending && <p className="hint">Loading the performance report…</p>}
        {perf.isError && <Failed what="the performance report" error={perf.error} />}
        {perf.data && <Performance report={perf.data} />}
      </section>
    </Frame>
  );
}

function Health({ data }: { data: HealthCheck }) {
  const [tone, word] = OVERALL[data.status];
  const v = data.vigil;
  return (
    <>
      <section className="dash-card" aria-labelledby="overall-title">
        <h2 id="overall-title">
          Overall: <Tag tone={tone}>{word}</Tag>
        </h2>
        {data.problems.length ? (
          <ul className="problems">
            {data.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : (
          <p className="hint">No problems found.</p>
        )}
        <dl className="stats">
          <div>
            <dt>Database ({v.database.engine})</dt>
            <dd>{v.database.reachable ? `reachable, ${ms(v.database.latency_ms)}` : 'not reachable'}</dd>
          </div>
          <div>
            <dt>Escalation engine</dt>
            <dd>
              {v.escalation_engine.overdue_escalations} overdue, lag {v.escalation_engine.lag_seconds} s
            </dd>
          </div>
          <div>
            <dt>Notifications</dt>
            <dd>
              {v.outbox.due} due (oldest {v.outbox.oldest_due_seconds} s), {v.outbox.dead_last_24h} dead in 24 h
            </dd>
          </div>
          <div>
            <dt>Alert ingest queue</dt>
            <dd>{v.ingest_queue} waiting</dd>
          </div>
        </dl>
      </section>

      <Card id="svc-health-title" title="Services" empty={data.services.length === 0 && 'No services yet.'}>
        <TableBox label="Service health" columns={['Service', 'State', 'Open incidents', 'Maintenance', 'Last check']}>
          {data.services.map((s) => {
            const [t, w] = SERVICE[s.status];
            return (
              <tr key={s.id} data-testid="health-service">
                <th scope="row">
                  <Link to={`/services/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                </th>
                <td>
                  <Tag tone={t}>{w}</Tag>
                </td>
                <td>{openIncidentsText(s.open_incidents)}</td>
                <td>{s.maintenance_until ? `until ${when(s.maintenance_until)}` : '—'}</td>
                <td>{when(s.last_check)}</td>
              </tr>
            );
          })}
        </TableBox>
      </Card>

      <Card id="mon-health-title" title="Monitors" empty={data.monitors.length === 0 && 'No monitors yet.'}>
        <TableBox label="Monitor states" columns={['Monitor', 'Service', 'State', 'Last response', 'Last check']}>
          {data.monitors.map((m) => {
            const [t, w] = m.paused ? (['quiet', 'Paused'] as const) : MONITOR[m.state];
            return (
              <tr key={m.id}>
                <th scope="row">
                  {m.name} <span className="muted">{m.kind}</span>
                </th>
                <td>{m.service ?? '—'}</td>
                <td>
                  <Tag tone={t}>{w}</Tag>
                  {m.enhanced_until && <span className="muted"> enhanced</span>}
                </td>
                <td>{ms(m.last_latency_ms)}</td>
                <td>{when(m.last_check)}</td>
              </tr>
            );
          })}
        </TableBox>
      </Card>
    </>
  );
}

function degradation(f: Figures, status?: 'degraded' | 'normal'): string {
  if (f.degradation_pct === null) return 'not enough checks to compare';
  const sign = f.degradation_pct > 0 ? '+' : '';
  return `${sign}${f.degradation_pct} % p95 vs baseline${status === 'degraded' ? ' — degraded' : ''}`;
}

function Performance({ report }: { report: PerformanceReport }) {
  const measured = report.services.filter((s) => s.request_count > 0);
  return (
    <>
      <dl className="stats">
        <div>
          <dt>Checks</dt>
          <dd>{report.summary.request_count}</dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd>{pct(report.summary.error_rate, 2)}</dd>
        </div>
        <div>
          <dt>Degraded services</dt>
          <dd data-testid="degraded-services">
            {report.summary.degraded_services.length ? report.summary.degraded_services.join(', ') : 'none'}
          </dd>
        </div>
      </dl>
      {/* Prettier's JSX fill would put the {' '} past column 120. */}
      {/* prettier-ignore */}
      <p className="hint">
        {new Date(report.window.from).toLocaleString()} – {new Date(report.window.to).toLocaleTimeString()};
        baseline:{' '}
        {report.baseline.description}. Degraded means p95 more than 100 % above its baseline (P2), more than 200 % (P1).
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
      <TableBox
        label="Performance by service and monitor"
        columns={['Service / monitor', 'Checks', 'Errors', 'p50', 'p95', 'p99', 'Baseline p95', 'Degradation']}
      >
        {report.services.flatMap((s) => [
          <tr key={s.id}>
            <th scope="row">{s.name}</th>
            <FigureCells f={s} />
          </tr>,
          ...s.monitors.map((m) => (
            <tr key={m.id} className="sub">
              <th scope="row">↳ {m.name}</th>
              <FigureCells f={m} />
            </tr>
          )),
        ])}
      </TableBox>
    </>
  );
}

function FigureCells({ f }: { f: Figures }) {
  return (
    <>
      <td>{f.request_count}</td>
      <td>
        {f.error_count} ({pct(f.error_rate)})
      </td>
      <td>{ms(f.latency_ms.p50)}</td>
      <td>{ms(f.latency_ms.p95)}</td>
      <td>{ms(f.latency_ms.p99)}</td>
      <td>{ms(f.baseline.latency_ms.p95)}</td>
      <td>{f.degradation_pct === null ? '—' : `${f.degradation_pct > 0 ? '+' : ''}${f.degradation_pct} %`}</td>
    </>
  );
}

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

/** The window's p50/p95/p99 beside the baseline's, one line each (solid and dashed), with the figures as a table. */
function PercentileChart({ name, figures: f }: { name: string; figures: Figures }) {
  const options = useMemo<ChartOptions>(
    () => ({
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
          stroke: '#2f6fe4',
          width: 2,
          points: { size: 8, fill: '#2f6fe4' },
          value: (_u, v) => (v === null ? '—' : `${v} ms`),
        },
        {
          label: 'Baseline',
          stroke: '#8a8f98',
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
      label={`${name}: response time percentiles, this window and baseline`}
      options={options}
      data={data}
      height={180}
    >
      <table className="chart-table">
        <caption className="visually-hidden">{name} response time percentiles</caption>
        <thead>
          <tr>
            <th scope="col">Percentile</th>
            <th scope="col">This window</th>
            <th scope="col">Baseline</th>
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
