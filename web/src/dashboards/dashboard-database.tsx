// Database performance: database-scalability health_check, connection_pool_status and
// performance_analysis, for Vigil's own database or a registered PostgreSQL one.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, type Analysis, type DbHealth, type PoolStatus, type RegisteredDatabase } from '../shared/api.ts';
import { bars, Chart, type ChartOptions } from '../shared/chart.tsx';
import { bytes, ms, pct, useFunction } from './dashboard-api.ts';
import { Failed, Frame, TableBox, Tag } from './dashboard-frame.tsx';
import { when } from '../shared/format.ts';

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
        'Connections against their limit (connection_pool_status) ' +
        'and where time and contention go (performance_analysis), as of now.'
      }
      generatedAt={pool.data?.generated_at}
      fetching={health.isFetching || pool.isFetching || analysis.isFetching}
      onRefresh={() => void queryClient.invalidateQueries({ queryKey: ['function', 'database-scalability'] })}
      controls={
        <label className="dash-field">
          Database
          <select value={database} onChange={(e) => setDatabase(e.target.value)}>
            <option value="">Vigil's own database</option>
            {(registered.data?.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.location})
              </option>
            ))}
          </select>
        </label>
      }
    >
      {health.isError && <Failed what="the database health check" error={health.error} />}
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
        <div>
          <dt>Round trip</dt>
          <dd>{ms(d.latency_ms)}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{bytes(d.size_bytes)}</dd>
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
            ({s.used_pct === null ? '—' : `${s.used_pct} %`}; {s.superuser_reserved} reserved for superusers)
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
            <dt>Vigil's pool</dt>
            <dd>
              {p.total} open of {p.max ?? '—'} max
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
              <dt>In a transaction</dt>
              <dd>{p.in_transaction ? 'yes' : 'no'}</dd>
            </div>
          )}
          {p.busy_timeout_ms !== undefined && (
            <div>
              <dt>Busy timeout</dt>
              <dd>{ms(p.busy_timeout_ms)}</dd>
            </div>
          )}
        </dl>
      )}
      {data.engine === 'sqlite' && (
        <p className="hint">
          SQLite has one writer and no server connections; contention shows as writers waiting out the busy timeout.
        </p>
      )}
    </>
  );
}

/** Server connections by state (PostgreSQL) as bars, with the counts as text. */
function StateChart({ byState }: { byState: Record<string, number> }) {
  const states = useMemo(() => Object.keys(byState).sort(), [byState]);
  const options = useMemo<ChartOptions>(
    () => ({
      scales: {
        x: { time: false, range: () => [-0.6, states.length - 0.4] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] },
      },
      axes: [
        { splits: () => states.map((_s, i) => i), values: (_u, splits) => splits.map((v) => states[v] ?? '') },
        { size: 48 },
      ],
      series: [
        { label: 'State', value: (_u, v) => states[v] ?? '—' },
        {
          label: 'Connections',
          stroke: '#2f6fe4',
          fill: 'rgba(47, 111, 228, 0.4)',
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
    <Chart label="Server connections by state" options={options} data={data} height={180}>
      {states.map((s) => `${s}: ${byState[s]}`).join(', ')}
    </Chart>
  );
}

function AnalysisView({ data }: { data: Analysis }) {
  if (data.engine === 'sqlite') {
    return (
      <>
        <dl className="stats">
          <div>
            <dt>Write-ahead log</dt>
            <dd>
              {bytes(data.wal?.bytes)} ({data.wal?.frames ?? '—'} frames;{' '}
              {data.wal?.autocheckpoint_pages
                ? `checkpoint every ${data.wal.autocheckpoint_pages} pages`
                : 'checkpoints run by Vigil, not automatic'}
              )
            </dd>
          </div>
          <div>
            <dt>Pages</dt>
            <dd>
              {data.pages?.count ?? '—'} × {bytes(data.pages?.size)}, {data.pages?.free ?? '—'} free
            </dd>
          </div>
          <div>
            <dt>Writer</dt>
            <dd>{data.in_transaction ? 'in a transaction' : 'idle'}</dd>
          </div>
          <div>
            <dt>Blocking queries</dt>
            <dd data-testid="blocking-count">{data.blocking_queries.length}</dd>
          </div>
        </dl>
        {data.note && <p className="hint">{data.note}</p>}
      </>
    );
  }
  const long = data.long_running_queries;
  return (
    <>
      <dl className="stats">
        <div>
          <dt>Cache hit ratio</dt>
          <dd>{pct(data.cache_hit_ratio, 2)}</dd>
        </div>
        <div>
          <dt>Blocking pairs</dt>
          <dd data-testid="blocking-count">{data.blocking_queries.length}</dd>
        </div>
        <div>
          <dt>Long-running (over {long?.longer_than_seconds ?? 5} s)</dt>
          <dd>{long?.queries.length ?? 0}</dd>
        </div>
        <div>
          <dt>Statistics since</dt>
          <dd>{when(data.statistics_since)}</dd>
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
      <h3>Blocking queries</h3>
      {data.blocking_queries.length === 0 ? (
        <p className="hint">No statement is waiting on another.</p>
      ) : (
        <TableBox
          label="Blocking queries"
          columns={[
            'Blocked (pid, waiting)',
            'Blocked query',
            'Blocking (pid, state, in transaction)',
            'Blocking query',
          ]}
        >
          {data.blocking_queries.map((b, i) => (
            <tr key={`${b.blocked.pid}-${b.blocking.pid}-${i}`}>
              <td>
                {b.blocked.pid}, {seconds(b.blocked.waiting_seconds)}{' '}
                {b.blocked.wait_event && <span className="muted">{b.blocked.wait_event}</span>}
              </td>
              <td>
                <code className="sql">{b.blocked.query}</code>
              </td>
              <td>
                {b.blocking.pid}, {b.blocking.state ?? '—'}, {seconds(b.blocking.transaction_seconds)}
              </td>
              <td>
                <code className="sql">{b.blocking.query ?? '—'}</code>
              </td>
            </tr>
          ))}
        </TableBox>
      )}
      <h3>Long-running queries</h3>
      {!long || long.queries.length === 0 ? (
        <p className="hint">No statement has run longer than {long?.longer_than_seconds ?? 5} s.</p>
      ) : (
        <TableBox label="Long-running queries" columns={['pid', 'Running', 'State', 'Database', 'Query']}>
          {long.queries.map((q) => (
            <tr key={q.pid}>
              <td>{q.pid}</td>
              <td>{seconds(q.running_seconds)}</td>
              <td>
                {q.state} {q.wait_event && <span className="muted">{q.wait_event}</span>}
              </td>
              <td>{q.database ?? '—'}</td>
              <td>
                <code className="sql">{q.query}</code>
              </td>
            </tr>
          ))}
        </TableBox>
      )}
      {data.dead_tuples && data.dead_tuples.length > 0 && (
        <>
          <h3>Dead rows</h3>
          <TableBox label="Tables with most dead rows" columns={['Table', 'Dead', 'Live', 'Last vacuum']}>
            {data.dead_tuples.map((t) => (
              <tr key={t.table}>
                <th scope="row">{t.table}</th>
                <td>{t.dead}</td>
                <td>{t.live}</td>
                <td>{when(t.last_vacuum)}</td>
              </tr>
            ))}
          </TableBox>
        </>
      )}
      {data.top_statements && data.top_statements.length > 0 && (
        <>
          <h3>Top statements by total time</h3>
          <TableBox label="Top statements" columns={['Statement', 'Calls', 'Total', 'Mean']}>
            {data.top_statements.map((t, i) => (
              <tr key={i}>
                <td>
                  <code className="sql">{t.query}</code>
                </td>
                <td>{t.calls}</td>
                <td>{ms(Math.round(t.total_ms))}</td>
                <td>{ms(Math.round(t.mean_ms * 10) / 10)}</td>
              </tr>
            ))}
          </TableBox>
        </>
      )}
      {data.note && <p className="hint">{data.note}</p>}
    </>
  );
}
