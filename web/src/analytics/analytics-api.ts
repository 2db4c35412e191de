// The Analytics page's data: GET /api/v1/analytics/summary and /timeseries for the page's filters, and the
// addresses of the same answers as CSV. The session cookie authenticates a plain link, so the CSV buttons
// are links the browser downloads (the server names the file).
import { useQuery } from '@tanstack/react-query';
import { api, type AnalyticsSummary, type AnalyticsTimeseries } from '../shared/api.ts';
import { apiQuery, bucketFor, rangeDays, type Filters } from './analytics-filters.ts';

const SUMMARY = '/api/v1/analytics/summary';
const TIMESERIES = '/api/v1/analytics/timeseries';

/** The figures of the range; a range the server refuses (over 400 days, end before start) is its 400. */
export function useSummary(filters: Filters, timeZone: string) {
  const query = apiQuery(filters, timeZone);
  return useQuery({
    queryKey: ['analytics', 'summary', query],
    queryFn: () => api<AnalyticsSummary>('GET', `${SUMMARY}${query}`),
    staleTime: 60_000,
  });
}

/** The same figures per day (a range of a month or less) or per week. */
export function useTimeseries(filters: Filters, timeZone: string) {
  const query = apiQuery(filters, timeZone, { bucket: bucketFor(rangeDays(filters, timeZone)) });
  return useQuery({
    queryKey: ['analytics', 'timeseries', query],
    queryFn: () => api<AnalyticsTimeseries>('GET', `${TIMESERIES}${query}`),
    staleTime: 60_000,
  });
}

/** Where the summary (metric, value, definition) and the series (a row per bucket) download as CSV. */
export function csvLinks(filters: Filters, timeZone: string): { summary: string; timeseries: string } {
  const bucket = bucketFor(rangeDays(filters, timeZone));
  return {
    summary: `${SUMMARY}${apiQuery(filters, timeZone, { format: 'csv' })}`,
    timeseries: `${TIMESERIES}${apiQuery(filters, timeZone, { bucket, format: 'csv' })}`,
  };
}
