// The dashboards' data: the runbook's functions (POST /functions/v1/{function} with {action, …}), whose
// answers are generated API types, plus the refresh rule and the number formats they share.
import { useQuery } from '@tanstack/react-query';
import { api, type TimeWindow } from '../shared/api.ts';

/** Every dashboard reloads its figures this often. */
export const REFRESH_MS = 30_000;

export const TIME_WINDOWS = ['15m', '1h', '6h', '24h', '7d'] as const satisfies readonly TimeWindow[];
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
