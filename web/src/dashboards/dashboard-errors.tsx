// Error tracking: error-tracking get_error_analytics (events over time, top groups, new and regressed
// groups) for a time window and optionally one service, and the unresolved groups (GET /api/v1/errors/groups).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check } from 'lucide-react';
import { useCallback, useMemo, useState } from 'react';
import {
  type AnalyticsGroup,
  api,
  type ErrorAnalytics,
  type ErrorGroup,
  type Page,
  type TimeWindow,
} from '../shared/api.ts';
import { bars, Chart, type ChartOptions, type Paint } from '../shared/chart.tsx';
import { getServices } from '../shared/service-api.ts';
import { Button, clockTime, count, DataTable, Select, type Column } from '../ui/index.ts';
import { seriesSummary } from './chart-summary.ts';
import { REFRESH_MS, useFunction, WINDOW_LABEL } from './dashboard-api.ts';
import { Failed, Frame, Since, Tag, WindowSelect } from './dashboard-frame.tsx';
import { Kpi, Kpis, type Trend } from './dashboard-kpi.tsx';

/** The service filter's choice for no filter (an option id cannot be empty). */
const ALL = 'all';

const LEVEL_TONE: Record<string, 'bad' | 'warn' | 'quiet'> = { fatal: 'bad', error: 'bad', warning: 'warn' };

/** The error's title with where it was raised under it, as one table cell. */
function ErrorTitle({ title, culprit }: { title: string; culprit: string | null }) {
  return (
    <>
      <span className="err-title">{title}</span>
      {culprit && <span className="muted err-culprit">{culprit}</span>}
    </>
  );
}

const level = (l: string) => <Tag tone={LEVEL_TONE[l] ?? 'quiet'}>{l}</Tag>;

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

  const unresolvedColumns: Array<Column<ErrorGroup> | false> = [
    {
      id: 'error',
      header: 'Error',
      role: 'primary',
      cell: (g) => (
        <>
          <ErrorTitle title={g.title} culprit={g.culprit} />
          {g.regressed_at && <Tag tone="warn">Came back</Tag>}
        </>
      ),
    },
    { id: 'level', header: 'Level', cell: (g) => level(g.level) },
    { id: 'events', header: 'Events', role: 'end', cell: (g) => g.count.toLocaleString('en') },
    { id: 'users', header: 'Users', role: 'end', cell: (g) => g.users_affected.toLocaleString('en') },
    { id: 'service', header: 'Service', cell: (g) => nameOf.get(g.service_id) ?? '—' },
    { id: 'seen', header: 'Last seen', role: 'end', cell: (g) => <Since at={g.last_seen} /> },
    canResolve && {
      id: 'action',
      header: 'Action',
      role: 'end',
      cell: (g) => (
        <Button
          size="sm"
          icon={Check}
          onPress={() => resolve.mutate(g.id)}
          isDisabled={resolve.isPending}
          aria-label={`Resolve ${g.title}`}
        >
          Resolve
        </Button>
      ),
    },
  ];

  return (
    <Frame
      id="errors"
      title="Error tracking"
      intro={
        'Errors your applications report, through a Sentry SDK or Vigil’s own errors API, grouped so that ' +
        'every repeat of one problem counts once.'
      }
      technical={
        <>
          Figures from the <code>error-tracking</code> function, action <code>get_error_analytics</code>; errors arrive
          at <code>POST /api/v1/errors</code> and the Sentry endpoints and are grouped by fingerprint; the unresolved
          groups come from <code>GET /api/v1/errors/groups</code>.
        </>
      }
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
          <Select
            className="dash-field"
            label="Service"
            value={service || ALL}
            onChange={(id) => setService(id === ALL ? '' : id)}
            options={[
              { id: ALL, label: 'All services' },
              ...(services.data?.data ?? []).map((s) => ({ id: s.id, label: s.name })),
            ]}
          />
        </>
      }
    >
      {analytics.isPending && <p className="hint">Loading error figures…</p>}
      {analytics.isError && <Failed what="error figures" error={analytics.error} />}
      {analytics.data && <Analytics data={analytics.data} window_={window_} nameOf={nameOf} />}
      <section className="dash-card" aria-labelledby="unresolved-title">
        <h2 id="unresolved-title">Unresolved errors, newest first</h2>
        {groups.isError && <Failed what="unresolved errors" error={groups.error} />}
        {groups.data && (
          <DataTable
            label="Unresolved errors"
            columns={unresolvedColumns}
            rows={groups.data.data}
            rowKey={(g) => g.id}
            rowClassName={() => 'error-group'}
            empty={<p className="hint">No unresolved errors.</p>}
          />
        )}
        {resolve.isError && (
          <p className="error" role="alert">
            Could not resolve the error: {resolve.error.message}
          </p>
        )}
      </section>
    </Frame>
  );
}

/** How the latest stretch compares with the window's average rate. */
function rateTrend(rate: ErrorAnalytics['rate']): Trend | null {
  const latest = rate.series.at(-1);
  if (!latest || rate.per_minute_avg === 0) return null;
  const change = Math.round(((latest.per_minute - rate.per_minute_avg) / rate.per_minute_avg) * 100);
  const stretch = rate.bucket_minutes === 1 ? 'the last minute' : `the last ${rate.bucket_minutes} min`;
  if (Math.abs(change) < 10) return { direction: 'flat', good: true, text: `steady in ${stretch}` };
  return {
    direction: change > 0 ? 'up' : 'down',
    good: change < 0,
    text: `${latest.per_minute} per min in ${stretch}`,
  };
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
  const bucket = count(data.rate.bucket_minutes, 'min', 'min');
  const busiest = series.reduce<(typeof series)[number] | undefined>(
    (best, p) => (p.events > (best?.events ?? 0) ? p : best),
    undefined,
  );
  const options = useCallback(
    (paint: Paint): ChartOptions => ({
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] } },
      axes: [{}, { values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')), size: 48 }],
      series: [
        {},
        {
          label: `Events per ${bucket}`,
          stroke: paint('--danger'),
          fill: paint('--danger', 0.55),
          width: 0,
          paths: bars(),
          points: { show: false },
        },
      ],
    }),
    [bucket],
  );
  const chartData = useMemo(
    () => [series.map((p) => Date.parse(p.at) / 1000), series.map((p) => p.events)] as [number[], number[]],
    [series],
  );

  return (
    <>
      <Kpis label="Errors at a glance">
        <Kpi label="Events" value={t.events.toLocaleString('en')} testId="error-events" trend={rateTrend(data.rate)} />
        <Kpi label="Distinct errors" value={t.groups.toLocaleString('en')} />
        <Kpi label="Users affected" value={t.users_affected.toLocaleString('en')} />
        <Kpi label="New errors" value={t.new_groups.toLocaleString('en')} />
        <Kpi label="Came back after a fix" value={t.regressed_groups.toLocaleString('en')} />
        <Kpi
          label="Rate"
          value={data.rate.per_minute_avg}
          unit="per min"
          note={`peak ${data.rate.peak_per_minute} per min`}
        />
      </Kpis>
      <section className="dash-card" aria-labelledby="err-rate-title">
        <h2 id="err-rate-title">Errors over time — {WINDOW_LABEL[window_].toLowerCase()}</h2>
        <Chart
          title={`Error events per ${bucket}`}
          unit="events"
          summary={
            t.events === 0
              ? 'No error events in this window.'
              : `${count(t.events, 'event')} from ${clockTime(data.since)} to ${clockTime(data.until)}; ` +
                `per ${bucket}: ${seriesSummary(
                  series.map((p) => p.events),
                  (n) => String(n),
                )}; the busiest began ${busiest ? clockTime(busiest.at) : '—'}.`
          }
          options={options}
          data={chartData}
          height={200}
        />
      </section>
      <GroupTable
        id="top"
        title="Most frequent in the window"
        groups={data.top_groups}
        nameOf={nameOf}
        empty="No errors in this window."
      />
      <div className="dash-pair">
        <GroupTable
          id="new"
          title="New errors"
          groups={data.new_groups}
          nameOf={nameOf}
          empty="No new errors in this window."
        />
        <GroupTable
          id="regressed"
          title="Came back after a fix"
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
  const columns: Array<Column<AnalyticsGroup>> = [
    { id: 'error', header: 'Error', role: 'primary', cell: (g) => <ErrorTitle title={g.title} culprit={g.culprit} /> },
    { id: 'level', header: 'Level', cell: (g) => level(g.level) },
    {
      id: 'events',
      header: 'In window',
      role: 'end',
      cell: (g) => (
        <span>
          {g.events ?? '—'} <span className="muted">of {g.events_total}</span>
        </span>
      ),
    },
    { id: 'users', header: 'Users', role: 'end', cell: (g) => g.users_affected },
    { id: 'service', header: 'Service', cell: (g) => nameOf.get(g.service_id) ?? '—' },
    { id: 'first', header: 'First seen', role: 'end', cell: (g) => <Since at={g.first_seen} /> },
  ];
  return (
    <section className="dash-card" aria-labelledby={`${id}-groups-title`} data-testid={`${id}-groups`}>
      <h2 id={`${id}-groups-title`}>{title}</h2>
      <DataTable
        label={title}
        columns={columns}
        rows={groups}
        rowKey={(g) => g.id}
        empty={<p className="hint">{empty}</p>}
      />
    </section>
  );
}
