// What every ingest parser owes its caller, shared by the parsers' property tests: either events that
// keep the AlertEvent invariants, or a non-empty list of readable errors.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { AlertEvent, ParseResult } from '../src/alerts/event.js';
import { eventInvariantProblems } from '../src/alerts/formats/fields.js';
import { nastyString } from './fuzz-inputs.js';

/** Any JSON value or a hostile string. */
export const junk = fc.oneof(fc.jsonValue({ stringUnit: 'binary' }), nastyString);

/** `arb`, or junk in its place. */
export const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, junk);

/** Asserts a parse result is sound; `events` picks the events out of a successful value. */
export function expectSoundParse<T>(result: ParseResult<T>, events: (value: T) => AlertEvent[]): void {
  if (result.ok) {
    for (const event of events(result.value)) expect(eventInvariantProblems(event)).toEqual([]);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors)
    expect(typeof error === 'string' && error.length > 0 && !error.includes('\u0000')).toBe(true);
}
