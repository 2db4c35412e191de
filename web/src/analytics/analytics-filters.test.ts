// The Analytics page's filters: quick ranges on fixed days, the URL query both ways, and the API's query.
import { CalendarDate } from '@internationalized/date';
import { describe, expect, it } from 'vitest';
import {
  apiQuery,
  bucketFor,
  dayCount,
  daysWords,
  DEFAULT_FILTERS,
  filtersFromQuery,
  instants,
  presetDays,
  queryFromFilters,
  type Filters,
} from './analytics-filters.ts';

const DEC_7 = new CalendarDate(2026, 12, 7);

describe('presetDays', () => {
  it.each([
    ['7d', DEC_7, '2026-12-01', '2026-12-07'],
    ['30d', DEC_7, '2026-11-08', '2026-12-07'],
    ['90d', DEC_7, '2026-09-09', '2026-12-07'],
    ['365d', DEC_7, '2025-12-08', '2026-12-07'],
    ['quarter', DEC_7, '2026-10-01', '2026-12-07'],
    ['quarter', new CalendarDate(2026, 3, 31), '2026-01-01', '2026-03-31'],
    ['quarter', new CalendarDate(2026, 4, 1), '2026-04-01', '2026-04-01'],
    ['quarter', new CalendarDate(2026, 8, 15), '2026-07-01', '2026-08-15'],
  ] as const)('%s on %s covers %s to %s', (preset, now, start, end) => {
    expect(presetDays(preset, 'UTC', now)).toEqual({ start, end });
  });

  it('counts the days of each quick range, today included', () => {
    expect(dayCount(presetDays('7d', 'UTC', DEC_7))).toBe(7);
    expect(dayCount(presetDays('365d', 'UTC', DEC_7))).toBe(365);
  });
});

describe('the URL query', () => {
  const cases: Array<[string, Filters]> = [
    ['', DEFAULT_FILTERS],
    ['range=90d', { ...DEFAULT_FILTERS, range: '90d' }],
    ['range=quarter&severity=P0%2CP2', { ...DEFAULT_FILTERS, range: 'quarter', severities: ['P0', 'P2'] }],
    [
      'from=2026-11-01&to=2026-11-30&service=svc_1&team=team_1',
      { range: { start: '2026-11-01', end: '2026-11-30' }, service: 'svc_1', team: 'team_1', severities: [] },
    ],
  ];
  it.each(cases)('"%s" holds the filters and is written back the same', (query, filters) => {
    expect(filtersFromQuery(new URLSearchParams(query))).toEqual(filters);
    expect(queryFromFilters(filters).toString()).toBe(query);
  });

  it('leaves out the default range, and writes days picked even when they equal a quick range', () => {
    expect(queryFromFilters({ ...DEFAULT_FILTERS, range: '30d' }).toString()).toBe('');
    expect(queryFromFilters({ ...DEFAULT_FILTERS, range: { start: '2026-11-08', end: '2026-12-07' } }).toString()).toBe(
      'from=2026-11-08&to=2026-12-07',
    );
  });

  it('takes the defaults for what is missing or wrong, and severities in their order, once', () => {
    expect(filtersFromQuery(new URLSearchParams('range=12d&severity=P9,P3,P1,P3&service='))).toEqual({
      ...DEFAULT_FILTERS,
      severities: ['P1', 'P3'],
    });
    expect(filtersFromQuery(new URLSearchParams('from=2026-02-30&to=2026-03-01')).range).toBe('30d');
    expect(filtersFromQuery(new URLSearchParams('from=2026-11-01')).range).toBe('30d');
    expect(filtersFromQuery(new URLSearchParams('from=2026-11-01&to=2026-11-30&range=7d')).range).toEqual({
      start: '2026-11-01',
      end: '2026-11-30',
    });
  });

  it('keeps days whose end comes first, for the server to refuse with its own words', () => {
    const f = filtersFromQuery(new URLSearchParams('from=2026-12-01&to=2026-11-01'));
    expect(f.range).toEqual({ start: '2026-12-01', end: '2026-11-01' });
    expect(dayCount(f.range as { start: string; end: string })).toBe(-29);
  });
});

describe('the API query', () => {
  it('runs from the first midnight to the midnight after the last day, in the browser zone', () => {
    expect(instants({ start: '2026-11-01', end: '2026-11-30' }, 'UTC')).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
    // Berlin: CEST (UTC+2) until 25 Oct 2026, CET (UTC+1) after.
    expect(instants({ start: '2026-10-20', end: '2026-10-31' }, 'Europe/Berlin')).toEqual({
      from: '2026-10-19T22:00:00.000Z',
      to: '2026-10-31T23:00:00.000Z',
    });
  });

  it('names the filters as the API does, with the bucket and the format when asked', () => {
    const f: Filters = { range: '7d', service: 'svc_1', team: 'ops', severities: ['P0', 'P1'] };
    expect(apiQuery(f, 'UTC', { now: DEC_7, bucket: 'day', format: 'csv' })).toBe(
      '?from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-08T00%3A00%3A00.000Z&service_id=svc_1&team_id=ops' +
        '&severity=P0%2CP1&bucket=day&format=csv',
    );
    expect(apiQuery(DEFAULT_FILTERS, 'UTC', { now: DEC_7 })).toBe(
      '?from=2026-11-08T00%3A00%3A00.000Z&to=2026-12-08T00%3A00%3A00.000Z',
    );
  });

  it('buckets by day up to 31 days and by week past that', () => {
    expect(bucketFor({ start: '2026-11-01', end: '2026-12-01' })).toBe('day');
    expect(bucketFor({ start: '2026-11-01', end: '2026-12-02' })).toBe('week');
    expect(bucketFor(presetDays('7d', 'UTC', DEC_7))).toBe('day');
    expect(bucketFor(presetDays('90d', 'UTC', DEC_7))).toBe('week');
  });
});

describe('daysWords', () => {
  it.each([
    [{ start: '2026-11-01', end: '2026-11-30' }, '1 Nov – 30 Nov 2026'],
    [{ start: '2025-12-08', end: '2026-12-07' }, '8 Dec 2025 – 7 Dec 2026'],
    [{ start: '2026-12-07', end: '2026-12-07' }, '7 Dec 2026'],
  ])('%o reads "%s"', (days, words) => {
    expect(daysWords(days)).toBe(words);
  });
});
