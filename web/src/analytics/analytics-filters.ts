// The Analytics page's filters, pure: the quick ranges, the page's URL query (so a view can be shared and a
// reload keeps it) and the API's query for the same view.
//
// A range is whole calendar days in the browser's time zone, first and last day included: the API's
// [from, to) is from the first day's midnight to the midnight after the last day. A quick range is kept in
// the URL by its name (`range=90d`), so a bookmark of "last 90 days" still means the last 90 days next
// month; picked days are kept as dates (`from=2026-11-01&to=2026-11-30`).
import { CalendarDate, parseDate, startOfMonth, today, type DateValue } from '@internationalized/date';
import type { Severity } from '../shared/api.ts';

export const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];

export const PRESETS = ['7d', '30d', '90d', 'quarter', '365d'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABEL: Record<Preset, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  quarter: 'This quarter',
  '365d': 'Last 365 days',
};

/** The page's range when the URL names none: the API's own default, the last 30 days. */
export const DEFAULT_PRESET: Preset = '30d';

/** Days (first and last included) as ISO dates, "2026-12-07". */
export interface Days {
  start: string;
  end: string;
}

export interface Filters {
  /** A quick range by name, or days picked in the calendar. */
  range: Preset | Days;
  service: string | null;
  team: string | null;
  severities: Severity[];
}

export const DEFAULT_FILTERS: Filters = { range: DEFAULT_PRESET, service: null, team: null, severities: [] };

/** The days a quick range covers on `now`'s date in `timeZone`, today included. */
export function presetDays(preset: Preset, timeZone: string, now: DateValue = today(timeZone)): Days {
  const end = new CalendarDate(now.year, now.month, now.day);
  const start =
    preset === 'quarter'
      ? startOfMonth(end).set({ month: end.month - ((end.month - 1) % 3) })
      : end.subtract({ days: Number.parseInt(preset, 10) - 1 });
  return { start: start.toString(), end: end.toString() };
}

/** The days of the filters' range. */
export function rangeDays(f: Filters, timeZone: string, now?: DateValue): Days {
  return typeof f.range === 'string' ? presetDays(f.range, timeZone, now) : f.range;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: string | null): value is string {
  if (!value || !DATE.test(value)) return false;
  try {
    return parseDate(value).toString() === value;
  } catch {
    return false;
  }
}

/** The filters a URL query holds; what it does not hold, or holds wrong, is the default. */
export function filtersFromQuery(q: URLSearchParams): Filters {
  const preset = q.get('range');
  const from = q.get('from');
  const to = q.get('to');
  const range: Filters['range'] =
    isDate(from) && isDate(to)
      ? { start: from, end: to }
      : PRESETS.includes(preset as Preset)
        ? (preset as Preset)
        : DEFAULT_PRESET;
  const severities = (q.get('severity') ?? '')
    .split(',')
    .filter((s): s is Severity => SEVERITIES.includes(s as Severity));
  return {
    range,
    service: q.get('service') || null,
    team: q.get('team') || null,
    severities: SEVERITIES.filter((s) => severities.includes(s)),
  };
}

/** The URL query of the filters, leaving out what is the default (so the bare /analytics is the default view). */
export function queryFromFilters(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (typeof f.range === 'string') {
    if (f.range !== DEFAULT_PRESET) q.set('range', f.range);
  } else {
    q.set('from', f.range.start);
    q.set('to', f.range.end);
  }
  if (f.service) q.set('service', f.service);
  if (f.team) q.set('team', f.team);
  if (f.severities.length) q.set('severity', f.severities.join(','));
  return q;
}

/** How many days the range covers, first and last included (negative when the end comes first). */
export function dayCount(days: Days): number {
  const start = parseDate(days.start);
  const end = parseDate(days.end);
  return end.compare(start) + 1;
}

/** The time series' bucket: days for a range of a month or less, else weeks. */
export function bucketFor(days: Days): 'day' | 'week' {
  return dayCount(days) <= 31 ? 'day' : 'week';
}

/** The API's [from, to) instants: the first day's midnight and the midnight after the last day, in `timeZone`. */
export function instants(days: Days, timeZone: string): { from: string; to: string } {
  const midnight = (d: CalendarDate) => d.toDate(timeZone).toISOString();
  return { from: midnight(parseDate(days.start)), to: midnight(parseDate(days.end).add({ days: 1 })) };
}

/**
 * The query of GET /api/v1/analytics/summary (or /timeseries, with `bucket`) for the filters, e.g.
 * "?from=…&to=…&severity=P0,P1&bucket=day&format=csv".
 */
export function apiQuery(
  f: Filters,
  timeZone: string,
  extra: { bucket?: 'day' | 'week'; format?: 'csv'; now?: DateValue } = {},
): string {
  const { from, to } = instants(rangeDays(f, timeZone, extra.now), timeZone);
  const q = new URLSearchParams({ from, to });
  if (f.service) q.set('service_id', f.service);
  if (f.team) q.set('team_id', f.team);
  if (f.severities.length) q.set('severity', f.severities.join(','));
  if (extra.bucket) q.set('bucket', extra.bucket);
  if (extra.format) q.set('format', extra.format);
  return `?${q.toString()}`;
}

/** "1 Nov – 30 Nov 2026" or "7 Dec 2026": the range for a heading or a file name's reader. */
export function daysWords(days: Days): string {
  const fmt = (iso: string, year: boolean) =>
    new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: year ? 'numeric' : undefined,
      timeZone: 'UTC',
    }).format(new Date(`${iso}T00:00:00Z`));
  if (days.start === days.end) return fmt(days.start, true);
  const sameYear = days.start.slice(0, 4) === days.end.slice(0, 4);
  return `${fmt(days.start, !sameYear)} – ${fmt(days.end, true)}`;
}
