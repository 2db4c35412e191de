import { describe, expect, it } from 'vitest';
import { seriesSummary, versus } from './chart-summary.ts';

const ms = (n: number) => `${n} ms`;

describe('seriesSummary', () => {
  it.each([
    [[], 'no values'],
    [[null, null], 'no values'],
    [[5], 'latest 5 ms, lowest 5 ms, highest 5 ms'],
    [[12, 4, null, 40, 9], 'latest 9 ms, lowest 4 ms, highest 40 ms'],
    [[12, 4, 40, null], 'latest 40 ms, lowest 4 ms, highest 40 ms'],
  ])('%j → %s', (values, expected) => expect(seriesSummary(values, ms)).toBe(expected));
});

describe('versus', () => {
  it.each([
    [null, null],
    [undefined, null],
    [0.4, { direction: 'flat', good: true, text: 'about usual' }],
    [12, { direction: 'up', good: false, text: '12 % above usual' }],
    [-30, { direction: 'down', good: true, text: '30 % below usual' }],
  ])('%s → %j', (change, expected) => expect(versus(change)).toEqual(expected));
});
