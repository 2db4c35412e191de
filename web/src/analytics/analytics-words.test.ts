// Analytics in words: durations with their two largest units, shares, the axis unit, the peak.
import { describe, expect, it } from 'vitest';
import {
  bucketWords,
  durationUnit,
  durationWords,
  nothingHappened,
  peak,
  shareWords,
  stack,
} from './analytics-words.ts';

describe('durationWords', () => {
  it.each([
    [null, '—'],
    [undefined, '—'],
    [Number.NaN, '—'],
    [0, '0 s'],
    [0.4, '0.4 s'],
    [4.25, '4.3 s'],
    [9.96, '10 s'],
    [42.4, '42 s'],
    [60, '1 min'],
    [250, '4 min 10 s'],
    [250.6, '4 min 11 s'],
    [3000, '50 min'],
    [3600, '1 h'],
    [7205, '2 h'],
    [7500, '2 h 5 min'],
    [86_400, '1 d'],
    [86_430, '1 d'],
    [273_600, '3 d 4 h'],
    [-5, '0 s'],
  ])('%s s reads "%s"', (seconds, words) => {
    expect(durationWords(seconds)).toBe(words);
  });
});

describe('shareWords', () => {
  it.each([
    [null, '—'],
    [0, '0 %'],
    [0.5, '50 %'],
    [0.1234, '12.3 %'],
    [1, '100 %'],
  ])('%s reads "%s"', (share, words) => {
    expect(shareWords(share)).toBe(words);
  });
});

describe('durationUnit', () => {
  it.each([
    [30, 'seconds', 1],
    [119, 'seconds', 1],
    [120, 'minutes', 60],
    [7199, 'minutes', 60],
    [7200, 'hours', 3600],
    [172_800, 'days', 86_400],
  ])('a largest value of %s s is drawn in %s', (max, label, size) => {
    expect(durationUnit(max)).toEqual({ label, size });
  });
});

describe('peak', () => {
  it('finds the first largest value, ignoring nulls, and -1 when there is nothing', () => {
    expect(peak([1, 4, null, 4, 2])).toBe(1);
    expect(peak([0, 0, null])).toBe(-1);
    expect(peak([])).toBe(-1);
    expect(peak([null, 3])).toBe(1);
  });
});

describe('stack', () => {
  it('adds each series onto the ones before it', () => {
    expect(
      stack([
        [1, 0, 2],
        [0, 3, 1],
        [4, 0, 0],
      ]),
    ).toEqual([
      [1, 0, 2],
      [1, 3, 3],
      [5, 3, 3],
    ]);
    expect(stack([])).toEqual([]);
  });
});

describe('nothingHappened', () => {
  const none = {
    incidents: { total: 0 },
    pages: { total: 0 },
    interruptions: { total: 0 },
    follow_ups: { due: 0 },
    postmortems: { due: 0 },
  };
  it('is true only when every count is zero', () => {
    expect(nothingHappened(none)).toBe(true);
    expect(nothingHappened({ ...none, incidents: { total: 1 } })).toBe(false);
    expect(nothingHappened({ ...none, follow_ups: { due: 2 } })).toBe(false);
    expect(nothingHappened({ ...none, postmortems: { due: 1 } })).toBe(false);
    expect(nothingHappened({ ...none, pages: { total: 3 } })).toBe(false);
    expect(nothingHappened({ ...none, interruptions: { total: 1 } })).toBe(false);
  });
});

describe('bucketWords', () => {
  it('names a UTC day, or the week by its first day in range', () => {
    expect(bucketWords('2026-12-02T00:00:00.000Z', 'day')).toBe('2 Dec');
    expect(bucketWords('2026-11-30T00:00:00.000Z', 'week')).toBe('week of 30 Nov');
    expect(bucketWords('2026-12-01T23:30:00.000Z', 'day')).toBe('1 Dec');
  });
});
