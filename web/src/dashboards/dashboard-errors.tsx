// Error tracking: error-tracking get_error_analytics (events over time, top groups, new and regressed
// groups) for a time window and optionally one service, and the unresolved groups (GET /api/v1/errors/groups).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  type AnalyticsGroup,
  api,
  type ErrorAnalytics,
  type ErrorGroup,
  type Page,
  type TimeWindow,
} from '../shared/api.ts';
import { bars, Chart, type ChartOptions } from '../shared/chart.tsx';
import { REFRESH_MS, useFunction, WINDOW_LABEL } from './dashboard-api.ts';
import { Failed, Frame, TableBox, Tag, WindowSelect } from './dashboard-frame.tsx';
import { when } from '../shared/format.ts';
import { getServices } from '../shared/service-api.ts';

const LEVEL_TONE: Record<string, 'bad' | 'warn' | 'quiet'> = { fatal: 'bad', error: 'bad', warning: 'warn' };

export function ErrorTracking({ canResolve }: { canResolve: boolean }) {
  const queryClient = useQueryClient();
  const [window_, setWindow] = useState<TimeWindow>('1h');
  const [service, setService] = useState('');
  const services = useQuery({ queryKey: ['services', 'list'], queryFn: getServices, staleTime: 60_000 });
  const analytics = useFunction<ErrorAnalytics>('error-tracking', {
    action: 'get_error_analytics',
    time_window: window_,
    ...(service && { service }),
  });
  const groups = useQuery({
    queryKey: ['errors', 'groups', service],
    queryFn: () =>
      api<Page<ErrorGroup>>(
        'GET',
        '/api/v1/errors/groups?status=unresolved&limit=50' +
          `${service ? `&service_id=${encodeURIComponent(service)}` : ''}`,
      ),
    refetchInterval: REFRESH_MS,
  });
  const resolve = useMutation({
    mutationFn: (id: string) => api<ErrorGroup>('POST', `/api/v1/errors/groups/${encodeURIComponent(id)}/resolve`),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['errors', 'groups'] }),
        queryClient.invalidateQueries({ queryKey: ['function', 'error-tracking'] }),
      ]),
  });
  const nameOf = useMemo(() => new Map((services.data?.data ?? []).map((s) => [s.id, s.name])), [services.data]);

  return (
    <Frame
      id="errors"
      title="Error tracking"
      intro="Errors reported by Sentry SDKs and POST /api/v1/errors, grouped by fingerprint (get_error_analytics)."
      generatedAt={analytics.data?.generated_at}
      fetching={analytics.isFetching || groups.isFetching}
      onRefresh={() =>
        void Promise.all([
          queryClient.invalidateQueries({ queryKey: ['function', 'error-tracking'] }),
          queryClient.invalidateQueries({ queryKey: ['errors', 'groups'] }),
        ])
      }
      controls={
        <>
          <WindowSelect value={window_} onChange={setWindow} />
          <label className="dash-field">
            Service
            <select value={service} onChange={(e) => setService(e.target.value)}>
              <option value="">All services</option>
              {(services.data?.data ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        </>
      }
    >
      {analytics.isPending && <p className="hint">Loading error analytics…</p>}
      {analytics.isError && <Failed what="error analytics" error={analytics.error} />}
      {analytics.data && <Analytics data={analytics.data} window_={window_} nameOf={nameOf} />}
      <section className="dash-card" aria-labelledby="unresolved-title">
        <h2 id="unresolved-title">Unresolved groups, newest first</h2>
        {groups.isError && <Failed what="error groups" error={groups.error} />}
        {groups.data && groups.data.data.length === 0 && <p className="hint">No unresolved error groups.</p>}
        {groups.data && groups.data.data.length > 0 && (
          <TableBox
            label="Unresolved error groups"
            columns={['Error', 'Level', 'Events', 'Users', 'Service', 'Last seen', canResolve && 'Action']}
          >
            {groups.data.data.map((g) => (
              <tr key={g.id} data-testid="error-group">
                <th scope="row">
                  <span className="err-title">{g.title}</span>
                  {g.culprit && <span className="muted err-culprit">{g.culprit}</span>}
                  {g.regressed_at && <Tag tone="warn">Regressed</Tag>}
                </th>
                <td>
                  <Tag tone={LEVEL_TONE[g.level] ?? 'quiet'}>{g.level}</Tag>
                </td>
                <td>{g.count}</td>
                <td>{g.users_affected}</td>
                <td>{nameOf.get(g.service_id) ?? '—'}</td>
                <td>{when(g.last_seen)}</td>
                {canResolve && (
                  <td>
                    <button
                      type="button"
                      onClick={() => resolve.mutate(g.id)}
                      disabled={resolve.isPending}
                      aria-label={`Resolve ${g.title}`}
                    >
                      Resolve
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </TableBox>
        )}
        {resolve.isError && (
          <p className="error" role="alert">
            Could not resolve the group: {resolve.error.message}
          </p>
        )}
      </section>
    </Frame>
  );
}

function Analytics({
  data,
  window_,
  nameOf,
}: {
  data: ErrorAnalytics;
  window_: TimeWindow;
  nameOf: Map<string, string>;
}) {
  const t = data.totals;
  const series = data.rate.series;
  const busiest = series.reduce<(typeof series)[number] | undefined>(
    (best, p) => (p.events > (best?.events ?? 0) ? p : best),
    undefined,
  );
  const options = useMemo<ChartOptions>(
    () => ({
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] } },
      axes: [{}, { values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')), size: 48 }],
      series: [
        {},
        {
          label: `Events per ${data.rate.bucket_minutes} min`,
          stroke: '#c2410c',
          fill: 'rgba(194, 65, 12, 0.6)',
          width: 0,
          paths: bars(),
          points: { show: false },
        },
      ],
    }),
    [data.rate.bucket_minutes],
  );
  const chartData = useMemo(
    () => [series.map((p) => Date.parse(p.at) / 1000), series.map((p) => p.events)] as [number[], number[]],
    [series],
  );

  return (
    <>
      <section className="dash-card" aria-labelledby="err-rate-title">
        <h2 id="err-rate-title">Errors — {WINDOW_LABEL[window_].toLowerCase()}</h2>
        <dl className="stats">
          <div>
            <dt>Events</dt>
            <dd data-testid="error-events">{t.events}</dd>
          </div>
          <div>
            <dt>Groups</dt>
            <dd>{t.groups}</dd>
          </div>
          <div>
            <dt>Users affected</dt>
            <dd>{t.users_affected}</dd>
          </div>
          <div>
            <dt>New groups</dt>
            <dd>{t.new_groups}</dd>
          </div>
          <div>
            <dt>Regressed groups</dt>
            <dd>{t.regressed_groups}</dd>
          </div>
          <div>
            <dt>Rate</dt>
            <dd>
              {data.rate.per_minute_avg}/min average, peak {data.rate.peak_per_minute}/min
            </dd>
          </div>
        </dl>
        <Chart
          label={`Error events per ${data.rate.bucket_minutes} minute${data.rate.bucket_minutes > 1 ? 's' : ''}`}
          options={options}
          data={chartData}
          height={200}
        >
          {t.events === 0
            ? 'No error events in this window.'
            : `${t.events} ${t.events === 1 ? 'event' : 'events'} from ${new Date(data.since).toLocaleString()} ` +
              `to ${new Date(data.until).toLocaleTimeString()}; ` +
              `the busiest ${data.rate.bucket_minutes}-minute stretch began ` +
              `${busiest ? new Date(busiest.at).toLocaleTimeString() : '—'} with ${busiest?.events ?? 0}.`}
        </Chart>
      </section>
      <GroupTable
        id="top"
        title="Top groups in the window"
        groups={data.top_groups}
        nameOf={nameOf}
        empty="No errors in this window."
      />
      <div className="dash-pair">
        <GroupTable
          id="new"
          title="New groups"
          groups={data.new_groups}
          nameOf={nameOf}
          empty="No new groups in this window."
        />
        <GroupTable
          id="regressed"
          title="Regressed groups"
          groups={data.regressed_groups}
          nameOf={nameOf}
          empty="Nothing came back after being resolved."
        />
      </div>
    </>
  );
}

function GroupTable({
  id,
  title,
  groups,
  nameOf,
  empty,
}: {
  id: string;
  title: string;
  groups: AnalyticsGroup[];
  nameOf: Map<string, string>;
  empty: string;
}) {
  return (
    <section className="dash-card" aria-labelledby={`${id}-groups-title`} data-testid={`${id}-groups`}>
      <h2 id={`${id}-groups-title`}>{title}</h2>
      {groups.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <TableBox label={title} columns={['Error', 'Level', 'In window', 'Users', 'Service', 'First seen']}>
          {groups.map((g) => (
            <tr key={g.id}>
              <th scope="row">
                <span className="err-title">{g.title}</span>
                {g.culprit && <span className="muted err-culprit">{g.culprit}</span>}
              </th>
              <td>
                <Tag tone={LEVEL_TONE[g.level] ?? 'quiet'}>{g.level}</Tag>
              </td>
              <td>
                {g.events ?? '—'} <span className="muted">of {g.events_total}</span>
              </td>
              <td>{g.users_affected}</td>
              <td>{nameOf.get(g.service_id) ?? '—'}</td>
              <td>{when(g.first_seen)}</td>
            </tr>
          ))}
        </TableBox>
      )}
    </section>
  );
}
