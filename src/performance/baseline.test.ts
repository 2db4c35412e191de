import { describe, expect, it } from 'vitest';
import { baselineRanges, degradationLevel, degradationPct, windowRange } from './baseline.js';

const at = (iso: string) => new Date(iso);

describe('baselineRanges', () => {
  it('compares a window shorter than a day with the same time of day on each of the 7 days before', () => {
    const ranges = baselineRanges(windowRange(3_600_000, at('2026-11-28T14:00:00Z')));
    expect(ranges).toHaveLength(7);
    expect(ranges[0]).toEqual({ from: at('2026-11-27T13:00:00Z'), to: at('2026-11-27T14:00:00Z') });
    expect(ranges[6]).toEqual({ from: at('2026-11-21T13:00:00Z'), to: at('2026-11-21T14:00:00Z') });
  });

  it.each([
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
  ])('compares a %s window with the 7 days before it', (_name, ms) => {
    const window = windowRange(ms, at('2026-11-28T14:00:00Z'));
    expect(baselineRanges(window)).toEqual([
      { from: new Date(window.from.getTime() - 7 * 86_400_000), to: window.from },
    ]);
  });
});

describe('degradation', () => {
  it.each([
    [100, 100, 0, 'none'],
    [150, 100, 50, 'none'],
    [200, 100, 100, 'none'],
    [201, 100, 101, 'P2'],
    [300, 100, 200, 'P2'],
    [301, 100, 201, 'P1'],
    [1000, 100, 900, 'P1'],
    [50, 100, -50, 'none'],
  ] as const)('p95 %d ms against %d ms is %d%% → %s', (current, baseline, pct, level) => {
    expect(degradationPct(current, baseline)).toBe(pct);
    expect(degradationLevel(current, baseline)).toBe(level);
  });

  it('says nothing without both figures or with a zero baseline', () => {
    expect(degradationPct(null, 100)).toBeNull();
    expect(degradationPct(100, null)).toBeNull();
    expect(degradationPct(100, 0)).toBeNull();
    expect(degradationLevel(null, 100)).toBe('none');
    expect(degradationLevel(100, 0)).toBe('none');
  });

  it('ignores a large ratio of small figures: fewer than 20 ms slower is noise', () => {
    expect(degradationPct(3, 1)).toBe(200);
    expect(degradationLevel(3, 1)).toBe('none');
    expect(degradationLevel(15, 4)).toBe('none');
    expect(degradationLevel(30, 8)).toBe('P1');
  });
});
