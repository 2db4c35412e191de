// The consent ledger over HTTP on both dialects: purposes and their versions, appends (single, batch,
// duplicates, conflicts, refusals that name the index and store nothing), status with stale grants and
// its audit row, coverage counts, access by role and privacy flag, the chain check finding a row
// tampered with raw SQL, erasure keeping the chain whole, and the seed's get_consent_status.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { inTransaction } from '../src/db/database.js';
import { describeEachDialect } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness } from './http-harness.js';

const event = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  subject_id: 'user-1',
  purpose: 'newsletter',
  policy_version: 1,
  decision: 'granted',
  at: '2026-01-15T08:00:00.000Z',
  source: 'signup-form',
  proof: { form: 'signup-v3', ip_hash: 'ab12' },
  ...over,
});

describeEachDialect('gdpr consent ledger', (env) => {
  let h: Harness;
  let admin: Caller;
  let viewer: Caller;
  let responder: Caller;
  let privacyResponder: Caller;
  const clock = new FakeClock('2026-01-15T09:00:00.000Z');

  beforeAll(async () => {
    h = await startHarness(env, { clock });
    admin = await h.caller('admin');
    viewer = await h.caller('viewer');
    responder = await h.caller('responder');
    privacyResponder = await h.caller('responder', 'priv');
    await h.app.users.update(env.admin, privacyResponder.userId, { privacy: true });
  });
  afterAll(async () => h?.close());

  describe('purposes', () => {
    it('registers a purpose with its first version and lists the empty Art. 30 fields', async () => {
      const res = await h.call('POST', '/api/v1/gdpr/purposes', {
        as: admin,
        body: { key: 'newsletter', name: 'Newsletter', lawful_basis: 'consent' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const p = res.json();
      expect(p).toMatchObject({
        key: 'newsletter',
        policy_version: 1,
        policy_versions: [{ version: 1, since: '2026-01-15T09:00:00.000Z' }],
        transfers_outside_eea: null,
        missing: ['data_categories', 'subject_categories', 'recipients', 'retention_days', 'security_measures'],
      });
      const full = await h.call('POST', '/api/v1/gdpr/purposes', {
        as: privacyResponder,
        body: {
          key: 'analytics',
          name: 'Product analytics',
          lawful_basis: 'legitimate_interests',
          data_categories: ['usage events'],
          subject_categories: ['customers'],
          recipients: ['analytics team'],
          transfers_outside_eea: 'US, standard contractual clauses',
          retention_days: 365,
          security_measures: 'encrypted at rest',
        },
      });
      expect(full.statusCode, full.body).toBe(201);
      expect(full.json().missing).toEqual([]);
    });

    it('refuses a duplicate key, a bad basis, and a responder without the privacy flag', async () => {
      expectError(
        await h.call('POST', '/api/v1/gdpr/purposes', {
          as: admin,
          body: { key: 'newsletter', name: 'x', lawful_basis: 'consent' },
        }),
        409,
        'purpose.already_exists',
      );
      expectError(
        await h.call('POST', '/api/v1/gdpr/purposes', {
          as: admin,
          body: { key: 'x1', name: 'x', lawful_basis: 'whim' },
        }),
        400,
        'request.invalid',
      );
      expectError(
        await h.call('POST', '/api/v1/gdpr/purposes', {
          as: responder,
          body: { key: 'x2', name: 'x', lawful_basis: 'consent' },
        }),
        403,
        'auth.forbidden',
      );
      const listed = await h.call('GET', '/api/v1/gdpr/purposes', { as: viewer });
      expect(listed.statusCode).toBe(200);
      expect(
        listed
          .json()
          .data.map((p: { key: string }) => p.key)
          .sort(),
      ).toEqual(['analytics', 'newsletter']);
    });
  });

  describe('appending', () => {
    it('stores one event with its seq and hash chained from genesis', async () => {
      const res = await h.call('POST', '/api/v1/gdpr/consents', { as: admin, body: event('e1') });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ accepted: 1, duplicates: 0, events: [{ id: 'e1', seq: 1 }] });
      expect(body.events[0].hash).toMatch(/^[0-9a-f]{64}$/);
      const again = await h.call('POST', '/api/v1/gdpr/consents', { as: admin, body: event('e1') });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ accepted: 0, duplicates: 1, events: body.events });
    });

    it('answers 409 naming the id reused with other content', async () => {
      const err = expectError(
        await h.call('POST', '/api/v1/gdpr/consents', { as: admin, body: event('e1', { decision: 'withdrawn' }) }),
        409,
        'consent.conflict',
      );
      expect(err.message).toContain('"e1"');
    });

    it('refuses a batch with one bad event whole, naming its index, storing nothing', async () => {
      const before = (await h.call('GET', '/api/v1/gdpr/ledger', { as: viewer })).json().rows;
      const events = [event('b0'), event('b1'), event('b2'), event('b3', { purpose: 'Bad Key!', policy_version: 0 })];
      const err = expectError(
        await h.call('POST', '/api/v1/gdpr/consents', { as: admin, body: { events } }),
        400,
        'consent.invalid',
      );
      expect(err.message).toMatch(/^events\[3\]\.policy_version: /);
      expect((err.details as { rejected: Array<{ index: number }> }).rejected.map((r) => r.index)).toEqual([3]);
      const unknown = expectError(
        await h.call('POST', '/api/v1/gdpr/consents', {
          as: admin,
          body: { events: [event('c0'), event('c1', { purpose: 'nope' }), event('c2', { policy_version: 2 })] },
        }),
        422,
        'consent.unknown_purpose',
      );
      expect(unknown.message).toContain('events[1].purpose: unknown purpose "nope"');
      expect(unknown.message).toContain('events[2].policy_version: purpose newsletter never had policy version 2');
      const future = expectError(
        await h.call('POST', '/api/v1/gdpr/consents', {
          as: admin,
          body: { events: [event('d0'), event('d1', { at: '2026-01-15T09:06:00.000Z' })] },
        }),
        400,
        'consent.invalid',
      );
      expect(future.message).toMatch(/^events\[1\]\.at: is in the future/);
      // Within the five-minute tolerance is fine; nothing of the refused batches was stored.
      expect((await h.call('GET', '/api/v1/gdpr/ledger', { as: viewer })).json().rows).toBe(before);
    });

    it('takes a batch of 1,000 and counts duplicates inside it', async () => {
      const events = Array.from({ length: 1000 }, (_, i) =>
        event(`bulk-${i}`, {
          subject_id: `s-${i % 200}`,
          at: new Date(Date.parse('2026-01-14T00:00:00Z') + i * 1000).toISOString(),
        }),
      );
      const res = await h.call('POST', '/api/v1/gdpr/consents', { as: admin, body: { events } });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ accepted: 1000, duplicates: 0 });
      const tooMany = await h.call('POST', '/api/v1/gdpr/consents', {
        as: admin,
        body: { events: [...events, event('x')] },
      });
      expectError(tooMany, 400, 'consent.invalid');
      const mixed = await h.call('POST', '/api/v1/gdpr/consents', {
        as: admin,
        body: {
          events: [events[0], event('fresh-1', { subject_id: 's-new' }), event('fresh-1', { subject_id: 's-new' })],
        },
      });
      expect(mixed.statusCode, mixed.body).toBe(201);
      expect(mixed.json()).toMatchObject({ accepted: 1, duplicates: 2 });
    });
  });

  describe('status, stale grants and coverage', () => {
    it('answers each purpose by the latest event by at, stale after a raise, and audits the read', async () => {
      // user-1 granted newsletter at 08:00 (e1); an older withdrawal arriving later does not win.
      await h.call('POST', '/api/v1/gdpr/consents', {
        as: admin,
        body: event('old-w', { decision: 'withdrawn', at: '2026-01-10T00:00:00.000Z' }),
      });
      let s = (await h.call('GET', '/api/v1/gdpr/subjects/user-1/consent', { as: privacyResponder })).json();
      expect(s.purposes).toEqual([
        {
          purpose: 'analytics',
          status: 'none',
          policy_version: null,
          current_policy_version: 1,
          decided_at: null,
          source: null,
        },
        {
          purpose: 'newsletter',
          status: 'granted',
          policy_version: 1,
          current_policy_version: 1,
          decided_at: '2026-01-15T08:00:00.000Z',
          source: 'signup-form',
        },
      ]);
      const raised = await h.call('PATCH', '/api/v1/gdpr/purposes/newsletter', {
        as: admin,
        body: { policy_version: 3 },
      });
      expect(raised.statusCode, raised.body).toBe(200);
      expect(raised.json().policy_versions.map((v: { version: number }) => v.version)).toEqual([1, 3]);
      expectError(
        await h.call('PATCH', '/api/v1/gdpr/purposes/newsletter', { as: admin, body: { policy_version: 2 } }),
        422,
        'purpose.policy_version_lowered',
      );
      // Version 2 never existed; 3 does.
      expectError(
        await h.call('POST', '/api/v1/gdpr/consents', { as: admin, body: event('v2', { policy_version: 2 }) }),
        422,
        'consent.unknown_purpose',
      );
      s = (await h.call('GET', '/api/v1/gdpr/subjects/user-1/consent', { as: admin })).json();
      expect(s.purposes[1]).toMatchObject({ status: 'stale', policy_version: 1, current_policy_version: 3 });
      await h.call('POST', '/api/v1/gdpr/consents', {
        as: admin,
        body: event('regrant', { policy_version: 3, at: '2026-01-15T08:30:00.000Z' }),
      });
      s = (await h.call('GET', '/api/v1/gdpr/subjects/user-1/consent', { as: admin })).json();
      expect(s.purposes[1]).toMatchObject({ status: 'granted', policy_version: 3 });
      const audits = await h.call('GET', `/api/v1/audit?action=gdpr.consent_status.read&target_id=user-1`, {
        as: admin,
      });
      expect(audits.statusCode, audits.body).toBe(200);
      expect(audits.json().data.length).toBeGreaterThanOrEqual(3);
    });

    it('counts coverage per purpose for any role', async () => {
      const c = await h.call('GET', '/api/v1/gdpr/coverage', { as: viewer });
      expect(c.statusCode, c.body).toBe(200);
      const body = c.json();
      // user-1, s-0 … s-199, s-new
      expect(body.subjects).toBe(202);
      const newsletter = body.purposes.find((p: { purpose: string }) => p.purpose === 'newsletter');
      expect(newsletter).toEqual({
        purpose: 'newsletter',
        name: 'Newsletter',
        policy_version: 3,
        granted: 1,
        withdrawn: 0,
        stale: 201,
        none: 0,
      });
      expect(body.purposes.find((p: { purpose: string }) => p.purpose === 'analytics')).toMatchObject({ none: 202 });
    });
  });

  describe('access', () => {
    it('keeps personal data from viewers and responders without the flag', async () => {
      for (const who of [viewer, responder]) {
        expectError(await h.call('GET', '/api/v1/gdpr/subjects/user-1/consent', { as: who }), 403, 'auth.forbidden');
        expectError(await h.call('GET', '/api/v1/gdpr/consents?subject_id=user-1', { as: who }), 403, 'auth.forbidden');
        expectError(
          await h.call('POST', '/api/v1/gdpr/consents', { as: who, body: event('z') }),
          403,
          'auth.forbidden',
        );
        expectError(
          await h.call('POST', '/functions/v1/gdpr-compliance', {
            as: who,
            body: { action: 'get_consent_status', user_id: 'user-1' },
          }),
          403,
          'auth.forbidden',
        );
        expect((await h.call('GET', '/api/v1/gdpr/coverage', { as: who })).statusCode).toBe(200);
        expect((await h.call('GET', '/api/v1/gdpr/ledger', { as: who })).statusCode).toBe(200);
      }
      for (const who of [privacyResponder, admin]) {
        const list = await h.call('GET', '/api/v1/gdpr/consents?subject_id=user-1&limit=2', { as: who });
        expect(list.statusCode, list.body).toBe(200);
        expect(list.json().data.map((e: { id: string }) => e.id)).toEqual(['regrant', 'old-w']);
        const next = await h.call(
          'GET',
          `/api/v1/gdpr/consents?subject_id=user-1&limit=2&cursor=${list.json().next_cursor}`,
          {
            as: who,
          },
        );
        expect(next.json().data.map((e: { id: string }) => e.id)).toEqual(['e1']);
      }
    });
  });

  describe('the seed function', () => {
    it('answers get_consent_status with real data, and every purpose none for an unknown user', async () => {
      const res = await h.call('POST', '/functions/v1/gdpr-compliance', {
        as: admin,
        body: { action: 'get_consent_status', user_id: 'user-1' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        user_id: 'user-1',
        purposes: [
          { purpose: 'analytics', status: 'none' },
          { purpose: 'newsletter', status: 'granted', policy_version: 3, current_policy_version: 3 },
        ],
      });
      const unknown = await h.call('POST', '/functions/v1/gdpr-compliance', {
        as: admin,
        body: { action: 'get_consent_status', user_id: 'nobody' },
      });
      expect(unknown.statusCode).toBe(200);
      expect(unknown.json().purposes.map((p: { status: string }) => p.status)).toEqual(['none', 'none']);
      expectError(
        await h.call('POST', '/functions/v1/gdpr-compliance', { as: admin, body: { action: 'get_consent_status' } }),
        400,
        'function.invalid',
      );
    });
  });

  describe('erasure and the chain check', () => {
    it('verifies the whole chain, then names a row tampered with raw SQL', async () => {
      const ok = await h.call('POST', '/api/v1/gdpr/ledger/verify', { as: admin });
      expect(ok.statusCode, ok.body).toBe(200);
      const rows = ok.json().rows;
      expect(ok.json()).toMatchObject({ ok: true, verified_up_to: rows, first_broken: null });
      expect((await h.call('GET', '/api/v1/gdpr/ledger', { as: viewer })).json()).toMatchObject({
        rows,
        unverified_rows: 0,
        last_check: { ok: true, verified_up_to: rows },
      });
      expectError(await h.call('POST', '/api/v1/gdpr/ledger/verify', { as: viewer }), 403, 'auth.forbidden');
    });

    it('erases a subject without breaking the chain; their status reads none', async () => {
      const done = await inTransaction(h.app.database.db, (trx) =>
        h.app.consents.eraseSubject(trx, 'user-1', env.admin, clock.now()),
      );
      expect(done).toEqual({ events: 3, purposes: 1 });
      const s = (await h.call('GET', '/api/v1/gdpr/subjects/user-1/consent', { as: admin })).json();
      expect(s.erased_at).toBe(clock.now().toISOString());
      expect(s.purposes.map((p: { status: string }) => p.status)).toEqual(['none', 'none']);
      const events = (await h.call('GET', '/api/v1/gdpr/consents?subject_id=user-1', { as: admin })).json().data;
      expect(events.length).toBe(3);
      for (const e of events) expect(e.subject_id).toMatch(/^erased:[0-9a-f]{32}$/);
      const c = (await h.call('GET', '/api/v1/gdpr/coverage', { as: viewer })).json();
      expect(c.subjects).toBe(201);
      const v = await h.call('POST', '/api/v1/gdpr/ledger/verify', { as: admin });
      expect(v.json()).toMatchObject({ ok: true, first_broken: null });
    });

    it('names the tampered row: a changed decision, then a deleted row', async () => {
      const db = h.app.database.db;
      await sql`update gdpr_consent_events set decision = 'withdrawn' where seq = 5`.execute(db);
      const res = await h.call('POST', '/api/v1/gdpr/ledger/verify', { as: admin });
      expect(res.json()).toMatchObject({
        ok: false,
        verified_up_to: 4,
        first_broken: { seq: 5, id: 'bulk-3', reason: 'hash mismatch' },
      });
      await sql`update gdpr_consent_events set decision = 'granted' where seq = 5`.execute(db);
      await sql`delete from gdpr_consent_events where seq = 7`.execute(db);
      const gap = (await h.call('POST', '/api/v1/gdpr/ledger/verify', { as: admin })).json();
      expect(gap).toMatchObject({
        ok: false,
        verified_up_to: 6,
        first_broken: { seq: 8, id: 'bulk-6', reason: 'seq gap' },
      });
      expect((await h.call('GET', '/api/v1/gdpr/ledger', { as: viewer })).json().last_check).toMatchObject({
        ok: false,
        first_broken: { seq: 8 },
      });
    });
  });
});
