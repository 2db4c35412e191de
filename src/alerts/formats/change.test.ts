import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChangeEvent } from './change.js';

const key = 'abcdefghijklmnopqrstuvwxyz012345';

describe('parseChangeEvent', () => {
  it('accepts a deploy with links and details', () => {
    const result = parseChangeEvent({
      routing_key: key,
      payload: {
        summary: 'Deployed checkout v42',
        source: 'ci-runner-3',
        timestamp: '2033-01-01T10:00:00+01:00',
        custom_details: { build: 42, commit: 'abc123' },
      },
      links: [{ href: 'https://ci.example.test/builds/42', text: 'Build 42' }],
    });
    expect(result).toEqual({
      ok: true,
      value: {
        routingKey: key,
        summary: 'Deployed checkout v42',
        source: 'ci-runner-3',
        timestamp: '2033-01-01T09:00:00.000Z',
        customDetails: { build: 42, commit: 'abc123' },
        links: [{ href: 'https://ci.example.test/builds/42', text: 'Build 42' }],
      },
    });
  });

  it.each([
    ['not an object', [], ['the body must be a JSON object']],
    ['nothing', {}, ["'routing_key' is missing or blank", "'payload' is missing or not an object"]],
    [
      'blank summary and a bad time',
      { routing_key: key, payload: { summary: ' ', timestamp: 'yesterday' } },
      ["'payload.summary' is missing or blank", "'payload.timestamp' must be an ISO 8601 date-time"],
    ],
    [
      'summary too long',
      { routing_key: key, payload: { summary: 'x'.repeat(1025) } },
      ["'payload.summary' is longer than 1024 characters"],
    ],
    [
      'NUL in details',
      { routing_key: key, payload: { summary: 's', custom_details: { a: ['\u0000'] } } },
      ["'payload.custom_details' must not contain NUL characters or nest deeper than 64 levels"],
    ],
    [
      'a link without href',
      { routing_key: key, payload: { summary: 's' }, links: [{ text: 'x' }] },
      ["'links[0].href' is missing or invalid"],
    ],
  ])('refuses %s, naming every bad field', (_name, body, errors) => {
    expect(parseChangeEvent(body)).toEqual({ ok: false, errors });
  });

  it('never throws on random input and always names what is wrong', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            { routing_key: fc.jsonValue(), payload: fc.jsonValue(), links: fc.jsonValue() },
            { requiredKeys: [] },
          ),
        ),
        (body) => {
          const result = parseChangeEvent(body);
          if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
          else expect(result.value.summary.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
