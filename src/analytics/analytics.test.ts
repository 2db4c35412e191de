import { describe, expect, it } from 'vitest';
import { bucketOrigin, bucketsOf, checkRange, offsetSegments } from './analytics.js';

const d = (s: string) => new Date(s);

describe('offsetSegments', () => {
  it.each([
    // zone, from, to, expected [start, end, offset minutes]
    [
      'Europe/Berlin',
      '2026-03-01T00:00:00Z',
      '2026-11-01T00:00:00Z',
      [
        ['2026-03-01T00:00:00.000Z', '2026-03-29T01:00:00.000Z', 60],
        ['2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z', 120],
        ['2026-10-25T01:00:00.000Z', '2026-11-01T00:00:00.000Z', 60],
      ],
    ],
    [
      'America/New_York',
      '2026-03-08T06:59:30.500Z',
      '2026-03-09T00:00:00Z',
      [
        ['2026-03-08T06:59:30.500Z', '2026-03-08T07:00:00.000Z', -300],
        ['2026-03-08T07:00:00.000Z', '2026-03-09T00:00:00.000Z', -240],
      ],
    ],
    [
      'Asia/Kolkata',
      '2026-01-01T00:00:00Z',
      '2026-12-31T00:00:00Z',
      [['2026-01-01T00:00:00.000Z', '2026-12-31T00:00:00.000Z', 330]],
    ],
    // A change exactly at the end of the range is outside it.
    [
      'Europe/Berlin',
      '2026-03-28T00:00:00Z',
      '2026-03-29T01:00:00Z',
      [['2026-03-28T00:00:00.000Z', '2026-03-29T01:00:00.000Z', 60]],
    ],
    [
      'Not/AZone',
      '2026-01-01T00:00:00Z',
      '2026-01-02T00:00:00Z',
      [['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', 0]],
    ],
  ])('%s from %s to %s', (zone, from, to, expected) => {
    const got = offsetSegments(zone, { from: d(from), to: d(to) }).map((s) => [s.start, s.end, s.offsetMinutes]);
    expect(got).toEqual(expected);
  });
});

describe('ranges and buckets', () => {
  const now = d('2026-03-10T12:00:00Z');
  it('defaults to the 30 days up to now and refuses bad ranges', () => {
    expect(checkRange(undefined, undefined, now)).toEqual({ from: d('2026-02-08T12:00:00Z'), to: now });
    expect(() => checkRange(now, now, now)).toThrow(/must be before to/);
    expect(() => checkRange(d('2025-01-01T00:00:00Z'), now, now)).toThrow(/at most 400/);
    expect(checkRange(d('2025-02-03T12:00:00Z'), now, now).from).toEqual(d('2025-02-03T12:00:00Z'));
  });
  it('aligns weeks to Monday and days to midnight, UTC', () => {
    expect(bucketOrigin(d('2026-03-08T23:00:00Z'), 'week')).toEqual(d('2026-03-02T00:00:00Z'));
    expect(bucketOrigin(d('2026-03-09T00:00:00Z'), 'week')).toEqual(d('2026-03-09T00:00:00Z'));
    expect(bucketOrigin(d('2026-03-08T23:00:00Z'), 'day')).toEqual(d('2026-03-08T00:00:00Z'));
    const days = bucketsOf({ from: d('2026-03-08T23:00:00Z'), to: d('2026-03-10T01:00:00Z') }, 'day');
    expect(days.map((b) => [b.index, b.start.toISOString(), b.end.toISOString()])).toEqual([
      [0, '2026-03-08T23:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      [1, '2026-03-09T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
      [2, '2026-03-10T00:00:00.000Z', '2026-03-10T01:00:00.000Z'],
    ]);
  });
});
