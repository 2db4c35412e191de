import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capErrors, charLength, isoTimestamp, jsonProblem, stringMap, textProblem, truncate } from './fields.js';

describe('isoTimestamp', () => {
  it.each([
    ['2026-03-14T09:26:53Z', '2026-03-14T09:26:53.000Z'],
    ['2026-03-14T09:26:53.589+01:00', '2026-03-14T08:26:53.589Z'],
    ['2026-03-14T09:26:53.589+0100', '2026-03-14T08:26:53.589Z'],
    ['2026-03-14T09:26:53-05', '2026-03-14T14:26:53.000Z'],
    ['2026-03-14T09:26:53.589271832Z', '2026-03-14T09:26:53.589Z'],
    ['2026-03-14T09:26:53,5Z', '2026-03-14T09:26:53.500Z'],
    ['2026-03-14 09:26:53z', '2026-03-14T09:26:53.000Z'],
    ['2026-03-14T09:26', '2026-03-14T09:26:00.000Z'],
    ['2026-03-14', '2026-03-14T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
    ['2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00.000Z'],
  ])('%s → %s (a time without offset is UTC)', (input, expected) => {
    expect(isoTimestamp(input)).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '1773480413',
    'March 14 2026',
    '2026-02-29T00:00:00Z',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-03-14T24:00:00Z',
    '2026-03-14T09:60:00Z',
    '2026-03-14T09:26:53+25:00',
    '2026-03-14T09:26:53 +01:00',
    ' 2026-03-14',
    '2026-3-14',
  ])('refuses %j', (input) => {
    expect(isoTimestamp(input)).toBeUndefined();
  });
});

describe('isoTimestamp properties', () => {
  it('reads any instant of years 0000–9999 written with any offset back as that instant', () => {
    const instant = fc.date({
      min: new Date('0000-01-02T00:00:00Z'),
      max: new Date('9999-12-30T00:00:00Z'),
      noInvalidDate: true,
    });
    const offset = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
    fc.assert(
      fc.property(instant, offset, (at, minutes) => {
        const local = new Date(at.getTime() + minutes * 60_000).toISOString().slice(0, 23);
        const abs = Math.abs(minutes);
        const zone =
          `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:` +
          `${String(abs % 60).padStart(2, '0')}`;
        expect(isoTimestamp(local + zone)).toBe(at.toISOString());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('text checks', () => {
  it.each([
    ['plain', undefined],
    ['emoji 😀 and é', undefined],
    ['nul \u0000 inside', 'contains a NUL character'],
    ['lone high \ud800', 'contains an unpaired UTF-16 surrogate'],
    ['lone low \udc00 x', 'contains an unpaired UTF-16 surrogate'],
    ['reversed \udc00\ud800', 'contains an unpaired UTF-16 surrogate'],
  ])('textProblem(%j)', (input, expected) => {
    expect(textProblem(input)).toBe(expected);
  });

  it('counts and cuts characters, not UTF-16 units', () => {
    expect(charLength('😀'.repeat(255))).toBe(255);
    expect(charLength('a😀b')).toBe(3);
    expect(truncate('😀'.repeat(10), 3)).toBe('😀😀😀');
    expect(truncate('abc', 5)).toBe('abc');
  });

  it('stringMap names the bad value or key', () => {
    const errors: string[] = [];
    expect(stringMap(errors, { ok: 'x', bad: 'a\u0000b' }, 'labels')).toBeUndefined();
    expect(stringMap(errors, { ['k\u0000']: 'x' }, 'labels')).toBeUndefined();
    expect(stringMap(errors, { n: 1 }, 'labels')).toBeUndefined();
    expect(stringMap(errors, ['x'], 'labels')).toBeUndefined();
    expect(errors).toEqual([
      'labels.bad contains a NUL character',
      'labels has a key that contains a NUL character',
      'labels must be an object of strings',
      'labels must be an object of strings',
    ]);
  });

  it('jsonProblem finds NUL deep inside, in keys, and refuses deep nesting', () => {
    expect(jsonProblem({ a: [1, { b: 'x\u0000' }] }, 'd')).toEqual({
      path: 'd.a[1].b',
      problem: 'contains a NUL character',
    });
    expect(jsonProblem({ a: { ['\u0000']: 1 } }, 'd')).toEqual({
      path: 'd.a',
      problem: 'has a key that contains a NUL character',
    });
    const nest = (n: number): unknown => (n === 0 ? 'leaf' : { a: nest(n - 1) });
    expect(jsonProblem(nest(32), 'd')).toBeUndefined();
    expect(jsonProblem(nest(33), 'd')?.problem).toBe('is nested deeper than 32 levels');
    expect(jsonProblem([null, true, 1.5, 'x'], 'd')).toBeUndefined();
  });

  it('caps long error lists', () => {
    const many = Array.from({ length: 150 }, (_, i) => `e${i}`);
    expect(capErrors(many)).toHaveLength(101);
    expect(capErrors(many).at(-1)).toBe('… and 50 more errors');
    expect(capErrors(['a'])).toEqual(['a']);
  });
});
