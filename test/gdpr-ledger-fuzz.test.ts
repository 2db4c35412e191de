// Random consent bodies (single events and batches, near-valid and wild) never get a 5xx from
// POST /api/v1/gdpr/consents; every refusal is the error shape, and the chain still verifies afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { startHarness, type Caller, type Harness } from './http-harness.js';

const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'user-1', 'a\u0000b', '\ud800', 'newsletter', 'x'.repeat(300)),
);
const json = fc.jsonValue({ maxDepth: 3 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const event = fc.record(
  {
    id: fc.oneof(fc.constantFrom('f1', 'f2', 'f3'), text, json),
    subject_id: fc.oneof(text, json),
    purpose: fc.oneof(fc.constantFrom('newsletter', 'nope'), text, json),
    policy_version: fc.oneof(fc.constantFrom(1, 2, 0, -1, 1.5, 1e12), json),
    decision: fc.oneof(fc.constantFrom('granted', 'withdrawn', 'maybe'), json),
    at: fc.oneof(
      fc.constantFrom('2026-01-15T08:00:00Z', '2026-01-15T09:00:00+01:00', '2999-01-01T00:00:00Z', 'yesterday'),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      json,
    ),
    source: fc.oneof(fc.constant('form'), text, json),
    proof: maybe(fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), json, { maxKeys: 4 }), json)),
    extra: maybe(json),
  },
  { requiredKeys: [] },
);
const bodies = fc.oneof(
  event,
  fc.record({ events: fc.array(event, { maxLength: 6 }) }),
  fc.record({ events: json }),
  json,
);

describeEachDialect('gdpr consents fuzz', (env) => {
  let h: Harness;
  let admin: Caller;
  beforeAll(async () => {
    h = await startHarness(env);
    admin = await h.caller('admin');
    await h.call('POST', '/api/v1/gdpr/purposes', {
      as: admin,
      body: { key: 'newsletter', name: 'Newsletter', lawful_basis: 'consent' },
    });
  });
  afterAll(async () => h?.close());

  it('answers random bodies with a 2xx or a well-formed 4xx, and the chain stays whole', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await h.call('POST', '/api/v1/gdpr/consents', {
          as: admin,
          body: JSON.stringify(body ?? null),
          headers: { 'content-type': 'application/json' },
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const e = res.json().error;
          expect(typeof e.code).toBe('string');
          expect(typeof e.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
    const v = await h.call('POST', '/api/v1/gdpr/ledger/verify', { as: admin });
    expect(v.json()).toMatchObject({ ok: true, first_broken: null });
  });
});
