// The dashboards' data: the runbook's functions (POST /functions/v1/{function} with {action, …}) and
// the shapes of the answers they read, plus the refresh rule they share.
import { useQuery } from '@tanstack/react-query';
import { api, type Severity } from '../shared/api.ts';

/** Every dashboard reloads its figures this often. */
export const REFRESH_MS = 30_000;

export const TIME_WINDOWS = ['15m', '1h', '6h', '24h', '7d'] as const;
export type TimeWindow = (typeof TIME_WINDOWS)[number];
export const WINDOW_LABEL: Record<TimeWindow, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};

type Body = { action: string } & Record<string, unknown>;

export function runFunction<T>(name: string, body: Body): Promise<T> {
  return api<T>('POST', `/functions/v1/${encodeURIComponent(name)}`, body);
}

/** The request without its time window: what the figures are about. */
const subject = (body: unknown) => JSON.stringify({ ...(body as Body), time_window: undefined });

/**
 * A function's answer, fetched now and every 30 s while the dashboard is open. While another time
 * window loads, the previous window's figures stay on screen; figures of another database or
 * service never do (they would be read as this one's).
 */
export function useFunction<T>(name: string, body: Body) {
  return useQuery({
    queryKey: ['function', name, body],
    queryFn: () => runFunction<T & { generated_at: string }>(name, body),
    refetchInterval: REFRESH_MS,
    placeholderData: (previous, previousQuery) =>
      previousQuery && subject(previousQuery.queryKey[2]) === subject(body) ? previous : undefined,
  });
}

// production-monitoring health_check
export interface HealthCheck {
  status: 'healthy' | 'degraded' | 'down';
  problems: string[];
  services: Array<{
    id: string;
    name: string;
    status: 'operational' | 'degraded' | 'down' | 'maintenance';
    open_incidents: Partial<Record<Severity, number>>;
    maintenance_until: string | null;
    last_check: string | null;
  }>;
  monitors: Array<{
    id: string;
    name: string;
    service_id: string;
    service: string | null;
    kind: string;
    state: 'up' | 'down' | 'pending';
    paused: boolean;
    last_check: string | null;
    last_latency_ms: number | null;
    enhanced_until: string | null;
  }>;
  vigil: {
    database: { engine: string; reachable: boolean; latency_ms: number | null };
    escalation_engine: { overdue_escalations: number; lag_seconds: number };
    outbox: { due: number; oldest_due_seconds: number; dead_last_24h: number };
    ingest_queue: number;
  };
}

export interface Latency {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Figures {
  request_count: number;
  error_count: number;
  error_rate: number | null;
  latency_ms: Latency;
  baseline: { request_count: number; error_rate: number | null; latency_ms: Latency };
  degradation_pct: number | null;
}

// production-monitoring performance_report
export interface PerformanceReport {
  time_window: TimeWindow;
  window: { from: string; to: string };
  baseline: { description: string; ranges: number };
  summary: { request_count: number; error_rate: number | null; degraded_services: string[] };
  services: Array<
    Figures & {
      id: string;
      name: string;
      status: 'degraded' | 'normal';
      monitors: Array<Figures & { id: string; name: string; kind: string }>;
    }
  >;
  source: string;
}

// database-scalability
export interface DbTarget {
  target: { id: string | null; name: string; location?: string };
}

export interface DbHealth extends DbTarget {
  database: {
    engine: string;
    reachable: boolean;
    latency_ms: number | null;
    version: string | null;
    size_bytes: number | null;
    role?: string;
    wal_bytes?: number | null;
    journal_mode?: unknown;
    error?: string;
  };
}

export interface PoolStatus extends DbTarget {
  engine: 'postgres' | 'sqlite';
  server: {
    connections: number;
    max_connections: number;
    superuser_reserved: number;
    used_pct: number | null;
    by_state: Record<string, number>;
    this_database_by_state: Record<string, number>;
  } | null;
  pool: {
    max: number | null;
    total: number;
    idle: number;
    waiting: number;
    in_transaction?: boolean;
    busy_timeout_ms?: number | null;
  } | null;
}

export interface Analysis extends DbTarget {
  engine: 'postgres' | 'sqlite';
  blocking_queries: Array<{
    blocked: { pid: number; query: string; waiting_seconds: number | null; wait_event: string | null };
    blocking: { pid: number; query: string | null; state: string | null; transaction_seconds: number | null };
  }>;
  long_running_queries: {
    longer_than_seconds: number;
    queries: Array<{
      pid: number;
      database: string | null;
      state: string;
      query: string;
      running_seconds: number | null;
      wait_event: string | null;
    }>;
  } | null;
  cache_hit_ratio?: number | null;
  dead_tuples?: Array<{ table: string; dead: number; live: number; last_vacuum: string | null }>;
  top_statements?: Array<{ query: string; calls: number; total_ms: number; mean_ms: number; rows: number }> | null;
  statistics_since?: string | null;
  wal?: { bytes: number | null; frames: number | null; autocheckpoint_pages: number | null };
  pages?: { size: number; count: number | null; free: number | null; cache_size: number | null };
  in_transaction?: boolean;
  busy_timeout_ms?: number | null;
  note?: string;
}

// error-tracking get_error_analytics
export interface AnalyticsGroup {
  id: string;
  service_id: string;
  environment: string;
  title: string;
  type: string | null;
  culprit: string | null;
  level: string;
  status: string;
  events: number | null;
  events_total: number;
  users_affected: number;
  first_seen: string | null;
  last_seen: string | null;
  regressed_at?: string | null;
}

export interface ErrorAnalytics {
  time_window: TimeWindow;
  since: string;
  until: string;
  totals: { events: number; groups: number; users_affected: number; new_groups: number; regressed_groups: number };
  rate: {
    per_minute_avg: number;
    peak_per_minute: number;
    bucket_minutes: number;
    series: Array<{ at: string; events: number; per_minute: number }>;
  };
  top_groups: AnalyticsGroup[];
  new_groups: AnalyticsGroup[];
  regressed_groups: AnalyticsGroup[];
}

/** GET /api/v1/errors/groups */
export interface ErrorGroup {
  id: string;
  service_id: string;
  environment: string;
  title: string;
  culprit: string | null;
  level: string;
  status: string;
  count: number;
  users_affected: number;
  first_seen: string | null;
  last_seen: string | null;
  regressed_at: string | null;
}

/** "12.5 %" from a 0–1 ratio, or "—". */
export const pct = (ratio: number | null | undefined, digits = 1) =>
  ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)} %`;
/** "42 ms" or "—". */
export const ms = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${n} ms`);
/** "1.2 MB" from bytes, or "—". */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
