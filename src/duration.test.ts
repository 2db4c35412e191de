import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['7d', 604_800_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    [' 5m ', 300_000],
    ['0.5ms', 1],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '5',
    'm',
    '5 m',
    '5M',
    '-5m',
    '+5m',
    '0m',
    '0.4ms',
    '0.0001s',
    '1e3s',
    '.5m',
    '5.m',
    '5mm',
    '1h30m',
    '5min',
    '٥m',
    '5m\u0000',
    `${'9'.repeat(400)}d`,
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('never throws, and answers undefined or a positive whole number of milliseconds', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.stringMatching(/^\s?-?\d{0,20}(\.\d{0,8})?(ms|s|m|h|d|x)?\s?$/),
        ),
        (text) => {
          const ms = parseDuration(text);
          if (ms !== undefined) {
            expect(Number.isInteger(ms)).toBe(true);
            expect(ms).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads any whole or decimal amount of any unit', () => {
    const unit = fc.constantFrom(...(Object.keys(UNIT_MS) as Array<keyof typeof UNIT_MS>));
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.option(fc.nat({ max: 999 }), { nil: undefined }),
        unit,
        (whole, fraction, u) => {
          const text = fraction === undefined ? `${whole}${u}` : `${whole}.${fraction}${u}`;
          const expected = Math.round(Number(text.slice(0, -u.length)) * UNIT_MS[u]);
          expect(parseDuration(text)).toBe(expected > 0 ? expected : undefined);
        },
      ),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [1000, '1s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [90_061_000, '1d1h1m1s'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('spells the same number of whole seconds, and each part parses back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 400 * 86_400_000 }), (ms) => {
        const text = formatDuration(ms);
        const parts = text.match(/\d+(?:d|h|m|s)/g) ?? [];
        expect(parts.join('')).toBe(text);
        const total = parts.reduce((sum, part) => sum + (parseDuration(part) as number), 0);
        expect(total).toBe(Math.round(ms / 1000) * 1000);
      }),
    );
  });
});
