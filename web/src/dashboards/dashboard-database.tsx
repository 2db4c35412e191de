// Database performance: database-scalability health_check, connection_pool_status and
// performance_analysis, for Vigil's own database or a registered PostgreSQL one.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { api, type Analysis, type DbHealth, type PoolStatus, type RegisteredDatabase } from '../shared/api.ts';
import { bars, categoryAxes, Chart, type ChartOptions, type Paint } from '../shared/chart.tsx';
import { count, DataTable, Details, Select, type Column } from '../ui/index.ts';
import { bytes, ms, pct, useFunction } from './dashboard-api.ts';
import { Failed, Frame, Since, Tag } from './dashboard-frame.tsx';
import { Kpi, Kpis } from './dashboard-kpi.tsx';

/** The database choice that stands for Vigil's own (an option id cannot be empty). */
const OWN = 'own';

const seconds = (n: number | null) => (n === null ? '—' : `${Math.round(n * 10) / 10} s`);

export function DatabasePerformance() {
  const queryClient = useQueryClient();
  const [database, setDatabase] = useState('');
  const registered = useQuery({
    queryKey: ['databases'],
    queryFn: () => api<{ data: RegisteredDatabase[] }>('GET', '/api/v1/databases'),
    staleTime: 60_000,
  });
  const target = database ? { database_id: database } : {};
  const health = useFunction<DbHealth>('database-scalability', { action: 'health_check', ...target });
  const pool = useFunction<PoolStatus>('database-scalability', { action: 'connection_pool_status', ...target });
  const analysis = useFunction<Analysis>('database-scalability', { action: 'performance_analysis', ...target });

  return (
    <Frame
      id="database"
      title="Database performance"
      intro={
        'How busy the database is right now: connections against their limit, queries waiting on each other, ' +
        'and how often reads are served from memory.'
      }
      technical={
        <>
          Figures from the <code>database-scalability</code> function, actions <code>health_check</code>,{' '}
          <code>connection_pool_status</code> and <code>performance_analysis</code> (
          <code>POST /functions/v1/database-scalability</code>); registered databases from{' '}
          <code>GET /api/v1/databases</code>.
        </>
      }
      generatedAt={pool.data?.generated_at}
      fetching={health.isFetching || pool.isFetching || analysis.isFetching}
      onRefresh={() => void queryClient.invalidateQueries({ queryKey: ['function', 'database-scalability'] })}
      controls={
        <Select
          className="dash-field"
          label="Database"
          value={database || OWN}
          onChange={(id) => setDatabase(id === OWN ? '' : id)}
          options={[
            { id: OWN, label: "Vigil's own database" },
            ...(registered.data?.data ?? []).map((d) => ({ id: d.id, label: d.name, detail: d.location })),
          ]}
        />
      }
    >
      {health.isError && <Failed what="the database health check" error={health.error} />}
      <Kpis label="Database at a glance">
        {health.data && (
          <>
            <Kpi label="Round trip" value={ms(health.data.database.latency_ms)} />
            <Kpi label="Size" value={bytes(health.data.database.size_bytes)} />
          </>
        )}
        {pool.data?.server && (
          <Kpi
            label="Connections in use"
            value={pool.data.server.used_pct === null ? '—' : `${pool.data.server.used_pct} %`}
            note={`${pool.data.server.connections} of ${pool.data.server.max_connections}`}
          />
        )}
        {pool.data?.pool && (
          <Kpi label="Waiting for a connection" value={pool.data.pool.waiting} note={`${pool.data.pool.total} open`} />
        )}
        {analysis.data && (
          <Kpi
            label="Queries held up by others"
            value={analysis.data.blocking_queries.length}
            testId="blocking-count"
            note={analysis.data.blocking_queries.length ? 'see below' : 'nothing waits'}
          />
        )}
        {analysis.data?.cache_hit_ratio !== undefined && analysis.data.cache_hit_ratio !== null && (
          <Kpi label="Cache hit ratio" value={pct(analysis.data.cache_hit_ratio, 2)} note="reads served from memory" />
        )}
      </Kpis>
      {health.data && <HealthCard data={health.data} />}
      <section className="dash-card" aria-labelledby="pool-title">
        <h2 id="pool-title">Connections</h2>
        {pool.isPending && <p className="hint">Loading connection pool status…</p>}
        {pool.isError && <Failed what="the connection pool status" error={pool.error} />}
        {pool.data && <Pool data={pool.data} />}
      </section>
      <section className="dash-card" aria-labelledby="analysis-title">
        <h2 id="analysis-title">Queries and cache</h2>
        {analysis.isPending && <p className="hint">Running the performance analysis…</p>}
        {analysis.isError && <Failed what="the performance analysis" error={analysis.error} />}
        {analysis.data && <AnalysisView data={analysis.data} />}
      </section>
    </Frame>
  );
}

function HealthCard({ data }: { data: DbHealth }) {
  const d = data.database;
  return (
    <section className="dash-card" aria-labelledby="dbhealth-title">
      <h2 id="dbhealth-title">
        {data.target.name}: <Tag tone={d.reachable ? 'good' : 'bad'}>{d.reachable ? 'Reachable' : 'Not reachable'}</Tag>
      </h2>
      {d.error && <p className="error">{d.error}</p>}
      <dl className="stats">
        <div>
          <dt>Engine</dt>
          <dd>
            {d.engine} {d.version ?? ''}
          </dd>
        </div>
        {d.role && (
          <div>
            <dt>Role</dt>
            <dd>{d.role}</dd>
          </div>
        )}
        {d.wal_bytes !== undefined && (
          <div>
            <dt>Write-ahead log</dt>
            <dd>{bytes(d.wal_bytes)}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function Pool({ data }: { data: PoolStatus }) {
  const s = data.server;
  const p = data.pool;
  return (
    <>
      {s && (
        <>
          <p>
            <strong>
              {s.connections} of {s.max_connections} connections in use
            </strong>{' '}
            ({s.used_pct === null ? '—' : `${s.used_pct} %`}; {s.superuser_reserved} kept for administrators)
          </p>
          <meter
            className="dash-meter"
            min={0}
            max={s.max_connections}
            low={s.max_connections * 0.7}
            high={s.max_connections * 0.9}
            optimum={0}
            value={s.connections}
            aria-label="Connections in use"
          />
          <StateChart byState={s.by_state} />
        </>
      )}
      {p && (
        <dl className="stats">
          <div>
            <dt>Vigil's connections</dt>
            <dd>
              {p.total} open{p.max !== null && ` of ${p.max} at most`}
            </dd>
          </div>
          <div>
            <dt>Idle</dt>
            <dd>{p.idle}</dd>
          </div>
          <div>
            <dt>Waiting for a connection</dt>
            <dd>{p.waiting}</dd>
          </div>
          {p.in_transaction !== undefined && (
            <div>
              <dt>Writing now</dt>
              <dd>{p.in_transaction ? 'Yes' : 'No'}</dd>
            </div>
          )}
          {p.busy_timeout_ms !== undefined && (
            <div>
              <dt>A writer waits at most</dt>
              <dd>{ms(p.busy_timeout_ms)}</dd>
            </div>
          )}
        </dl>
      )}
      {data.engine === 'sqlite' && (
        <p className="hint">
          SQLite writes one change at a time and has no server connections; when it is busy, writers wait their turn for
          up to the time above.
        </p>
      )}
    </>
  );
}

/** Server connections by state (PostgreSQL) as bars, with the counts as text. */
function StateChart({ byState }: { byState: Record<string, number> }) {
  const states = useMemo(() => Object.keys(byState).sort(), [byState]);
  const options = useCallback(
    (paint: Paint): ChartOptions => ({
      ...categoryAxes(states),
      series: [
        { label: 'State', value: (_u, v) => states[v] ?? '—' },
        {
          label: 'Connections',
          stroke: paint('--accent'),
          fill: paint('--accent', 0.45),
          paths: bars(),
          points: { show: false },
        },
      ],
      legend: { live: false },
      cursor: { show: false },
    }),
    [states],
  );
  const data = useMemo(
    () => [states.map((_s, i) => i), states.map((s) => byState[s] ?? 0)] as [number[], number[]],
    [states, byState],
  );
  return (
    <Chart
      title="Server connections by state"
      unit="connections"
      summary={states.length ? states.map((s) => `${s}: ${byState[s]}`).join(', ') : 'No connections.'}
      options={options}
      data={data}
      height={180}
    />
  );
}

type Blocking = Analysis['blocking_queries'][number];
type LongRunning = NonNullable<Analysis['long_running_queries']>['queries'][number];
type DeadRows = NonNullable<Analysis['dead_tuples']>[number];
type Statement = NonNullable<Analysis['top_statements']>[number];

const sql = (query: string | null) => (query ? <code className="sql">{query}</code> : '—');

const BLOCKING_COLUMNS: Array<Column<Blocking>> = [
  { id: 'blocked', header: 'Waiting query', role: 'primary', cell: (b) => sql(b.blocked.query) },
  {
    id: 'waiting',
    header: 'Waiting for',
    role: 'end',
    cell: (b) => (
      <span>
        {seconds(b.blocked.waiting_seconds)}{' '}
        {b.blocked.wait_event && <span className="muted">{b.blocked.wait_event}</span>}
      </span>
    ),
  },
  { id: 'blocking', header: 'Held up by', cell: (b) => sql(b.blocking.query) },
  {
    id: 'holder',
    header: 'Holder',
    role: 'end',
    cell: (b) => `${b.blocking.state ?? '—'}, ${seconds(b.blocking.transaction_seconds)} in its transaction`,
  },
  { id: 'pids', header: 'Process ids', role: 'end', cell: (b) => `${b.blocked.pid} ← ${b.blocking.pid}` },
];

const LONG_COLUMNS: Array<Column<LongRunning>> = [
  { id: 'query', header: 'Query', role: 'primary', cell: (q) => sql(q.query) },
  { id: 'running', header: 'Running for', role: 'end', cell: (q) => seconds(q.running_seconds) },
  {
    id: 'state',
    header: 'State',
    cell: (q) => (
      <span>
        {q.state} {q.wait_event && <span className="muted">{q.wait_event}</span>}
      </span>
    ),
  },
  { id: 'database', header: 'Database', cell: (q) => q.database ?? '—' },
  { id: 'pid', header: 'Process id', role: 'end', cell: (q) => q.pid },
];

const DEAD_COLUMNS: Array<Column<DeadRows>> = [
  { id: 'table', header: 'Table', role: 'primary', cell: (t) => t.table },
  { id: 'dead', header: 'Dead rows', role: 'end', cell: (t) => t.dead.toLocaleString('en') },
  { id: 'live', header: 'Live rows', role: 'end', cell: (t) => t.live.toLocaleString('en') },
  { id: 'vacuum', header: 'Last cleaned up', role: 'end', cell: (t) => <Since at={t.last_vacuum} /> },
];

const STATEMENT_COLUMNS: Array<Column<Statement>> = [
  { id: 'query', header: 'Statement', role: 'primary', cell: (t) => sql(t.query) },
  { id: 'calls', header: 'Calls', role: 'end', cell: (t) => t.calls.toLocaleString('en') },
  { id: 'total', header: 'Total time', role: 'end', cell: (t) => ms(Math.round(t.total_ms)) },
  { id: 'mean', header: 'Average', role: 'end', cell: (t) => ms(Math.round(t.mean_ms * 10) / 10) },
];

function AnalysisView({ data }: { data: Analysis }) {
  if (data.engine === 'sqlite') {
    return (
      <>
        <dl className="stats">
          <div>
            <dt>Write-ahead log</dt>
            <dd>{bytes(data.wal?.bytes)}</dd>
          </div>
          <div>
            <dt>Free space in the file</dt>
            <dd>
              {data.pages?.free ?? 0} of {count(data.pages?.count ?? 0, 'page')}
            </dd>
          </div>
          <div>
            <dt>Writing now</dt>
            <dd>{data.in_transaction ? 'Yes' : 'No'}</dd>
          </div>
        </dl>
        <Details summary="SQLite details">
          {count(data.wal?.frames ?? 0, 'frame')} in the write-ahead log;{' '}
          {data.wal?.autocheckpoint_pages
            ? `SQLite writes it back every ${count(data.wal.autocheckpoint_pages, 'page')}`
            : 'Vigil writes it back itself (automatic checkpoints are off)'}
          ; pages of {bytes(data.pages?.size)}.
        </Details>
        {data.note && <p className="hint">{data.note}</p>}
      </>
    );
  }
  const long = data.long_running_queries;
  const longer = long?.longer_than_seconds ?? 5;
  return (
    <>
      <dl className="stats">
        <div>
          <dt>Cache hit ratio</dt>
          <dd>{pct(data.cache_hit_ratio, 2)}</dd>
        </div>
        <div>
          <dt>Running over {longer} s</dt>
          <dd>{count(long?.queries.length ?? 0, 'query', 'queries')}</dd>
        </div>
        <div>
          <dt>Statistics since</dt>
          <dd>
            <Since at={data.statistics_since} />
          </dd>
        </div>
      </dl>
      {data.cache_hit_ratio !== null && data.cache_hit_ratio !== undefined && (
        <meter
          className="dash-meter"
          min={0}
          max={1}
          low={0.9}
          high={0.99}
          optimum={1}
          value={data.cache_hit_ratio}
          aria-label="Cache hit ratio"
        />
      )}
      <h3>Queries waiting on others</h3>
      <DataTable
        label="Queries waiting on others"
        columns={BLOCKING_COLUMNS}
        rows={data.blocking_queries}
        rowKey={(b) => `${b.blocked.pid}-${b.blocking.pid}`}
        empty={<p className="hint">No query is waiting on another.</p>}
      />
      <h3>Long-running queries</h3>
      <DataTable
        label="Long-running queries"
        columns={LONG_COLUMNS}
        rows={long?.queries ?? []}
        rowKey={(q) => String(q.pid)}
        empty={<p className="hint">No query has run longer than {longer} s.</p>}
      />
      {data.dead_tuples && data.dead_tuples.length > 0 && (
        <>
          <h3>Tables with the most dead rows</h3>
          <DataTable
            label="Tables with the most dead rows"
            columns={DEAD_COLUMNS}
            rows={data.dead_tuples}
            rowKey={(t) => t.table}
          />
        </>
      )}
      {data.top_statements && data.top_statements.length > 0 && (
        <>
          <h3>Statements that took the most time</h3>
          <DataTable
            label="Statements that took the most time"
            columns={STATEMENT_COLUMNS}
            rows={data.top_statements}
            rowKey={(t) => `${t.query}-${t.calls}-${t.total_ms}`}
          />
        </>
      )}
      {data.note && <p className="hint">{data.note}</p>}
    </>
  );
}
