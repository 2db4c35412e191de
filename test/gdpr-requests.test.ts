// Data-subject requests, the compliance report and the GDPR overview end to end on both dialects: the
// routes and their refusals, privacy access, the Art. 12(3) deadlines, the reminders 7 days and 1 day
// before (to the gdpr stakeholders, once each, none after the request closes), erasure in the consent
// ledger when an erasure request completes, and the report as JSON, Markdown and PDF.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import type { Engine } from '../src/engine/index.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness } from './http-harness.js';
import { receiver } from './receiver.js';

describeEachDialect('GDPR data-subject requests and the compliance report', (env) => {
  const hooks = receiver();
  let base = '';
  let h: Harness;
  let admin: Caller;
  let privacy: Caller;
  let responder: Caller;
  let viewer: Caller;
  let engine: Engine;

  beforeAll(async () => {
    base = await hooks.start();
    h = await startHarness(env, {
      clock: new FakeClock('2026-12-07T10:00:00Z'),
      config: testConfig({ notify: { ...testConfig().notify, outboundAllow: '127.0.0.1/32' } }),
    });
    admin = await h.caller('admin');
    responder = await h.caller('responder');
    viewer = await h.caller('viewer');
    privacy = await h.caller('responder', 'dpo');
    await json('PATCH', `/api/v1/users/${privacy.userId}`, { privacy: true });
    await json('POST', '/api/v1/stakeholders', {
      name: 'Legal Counsel',
      kind: 'webhook',
      address: `${base}/legal-${env.dialect}`,
      topics: ['gdpr'],
    });
    engine = engineOf(h.app);
  });
  afterAll(async () => {
    await engine.stop();
    await h.close();
    await hooks.stop();
  });

  function engineOf(app: App): Engine {
    return app.engine.start({ info: vi.fn(), error: vi.fn() }, 0, { wake: false });
  }
  async function json(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown, as: Caller = admin) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Record<string, unknown> & { id: string };
  }
  const tick = async () => {
    await engine.sweep();
    await engine.sweep(); // twice: nothing is sent twice
    await engine.deliver();
  };
  const remindersOf = (id: string) =>
    hooks.received.filter((r) => r.body.event === 'gdpr.request_reminder' && r.body.request?.id === id);

  it('records a request due a calendar month after receipt, for admins and privacy-flagged responders', async () => {
    const created = await json(
      'POST',
      '/api/v1/gdpr/requests',
      { subject_id: 'user-7', kind: 'access', received_at: '2026-12-06T15:00:00Z', note: 'via support ticket 123' },
      privacy,
    );
    expect(created).toMatchObject({
      subject_id: 'user-7',
      kind: 'access',
      article: 'Art. 15',
      state: 'open',
      received_at: '2026-12-06T15:00:00.000Z',
      due_at: '2027-01-06T23:59:59.999Z',
      days_left: 30,
      overdue: false,
      created_by: { name: privacy.handle },
    });
    for (const who of [responder, viewer]) {
      expectError(await h.call('GET', '/api/v1/gdpr/requests', { as: who }), 403, 'auth.forbidden');
      expectError(await h.call('GET', `/api/v1/gdpr/requests/${created.id}`, { as: who }), 403, 'auth.forbidden');
    }
    expect((await json('GET', `/api/v1/gdpr/requests/${created.id}`, undefined, privacy)).id).toBe(created.id);
    const audit = (await json('GET', `/api/v1/audit?target_id=${created.id}`)).data as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).toEqual(['gdpr.request.create']);
  });

  it('refuses a receipt in the future, an unknown kind and unknown fields, storing nothing', async () => {
    const before = ((await json('GET', '/api/v1/gdpr/requests?limit=200')).data as unknown[]).length;
    const bad = [
      [{ subject_id: 'u', kind: 'access', received_at: '2026-12-08T00:00:00Z' }, 'gdpr_request.invalid', 'received_at'],
      [{ subject_id: 'u', kind: 'forget-me', received_at: '2026-12-06T00:00:00Z' }, 'request.invalid', 'kind'],
      [{ subject_id: '', kind: 'access', received_at: '2026-12-06T00:00:00Z' }, 'request.invalid', 'subject_id'],
      [{ subject_id: 'u', kind: 'access', received_at: '2026-12-06T00:00:00Z', extra: 1 }, 'request.invalid', 'extra'],
    ] as const;
    for (const [body, code, field] of bad) {
      const res = await h.call('POST', '/api/v1/gdpr/requests', { as: admin, body });
      expectError(res, 400, code);
      expect(res.body).toContain(field);
    }
    expect(((await json('GET', '/api/v1/gdpr/requests?limit=200')).data as unknown[]).length).toBe(before);
  });

  it('extends once within the first month, then completes; refusing needs a reason; closed stays closed', async () => {
    const r = await json('POST', '/api/v1/gdpr/requests', {
      subject_id: 'user-8',
      kind: 'portability',
      received_at: '2026-12-01T09:00:00Z',
    });
    expectError(
      await h.call('PATCH', `/api/v1/gdpr/requests/${r.id}`, { as: admin, body: { state: 'refused' } }),
      400,
      'request.invalid',
    );
    const extended = await json('PATCH', `/api/v1/gdpr/requests/${r.id}`, {
      state: 'extended',
      reason: 'data in 14 systems',
    });
    expect(extended).toMatchObject({
      state: 'extended',
      due_at: '2027-03-01T23:59:59.999Z',
      extension_reason: 'data in 14 systems',
    });
    expectError(
      await h.call('PATCH', `/api/v1/gdpr/requests/${r.id}`, {
        as: admin,
        body: { state: 'extended', reason: 'again' },
      }),
      409,
      'gdpr_request.conflict',
    );
    const done = await json('PATCH', `/api/v1/gdpr/requests/${r.id}`, { state: 'completed', note: 'export sent' });
    expect(done).toMatchObject({ state: 'completed', note: 'export sent', days_left: null, overdue: false });
    expectError(
      await h.call('PATCH', `/api/v1/gdpr/requests/${r.id}`, { as: admin, body: { state: 'refused', reason: 'x' } }),
      409,
      'gdpr_request.conflict',
    );
    const actions = ((await json('GET', `/api/v1/audit?target_id=${r.id}`)).data as Array<{ action: string }>)
      .map((a) => a.action)
      .reverse();
    expect(actions).toEqual(['gdpr.request.create', 'gdpr.request.extend', 'gdpr.request.complete']);
  });

  it('refuses an extension once the first month has ended, and lists the overdue request', async () => {
    const r = await json('POST', '/api/v1/gdpr/requests', {
      subject_id: 'user-9',
      kind: 'rectification',
      received_at: '2026-10-20T09:00:00Z',
    });
    expect(r).toMatchObject({ due_at: '2026-11-20T23:59:59.999Z', overdue: true, days_left: -17 });
    const res = await h.call('PATCH', `/api/v1/gdpr/requests/${r.id}`, {
      as: admin,
      body: { state: 'extended', reason: 'late' },
    });
    expectError(res, 409, 'gdpr_request.conflict');
    expect(res.body).toContain('too late to extend');
    const overdue = (await json('GET', '/api/v1/gdpr/requests?overdue=true')).data as Array<{ id: string }>;
    expect(overdue.map((x) => x.id)).toContain(r.id);
    expect(overdue.every((x) => (x as { overdue?: boolean }).overdue)).toBe(true);
    expect((await json('GET', '/api/v1/gdpr/requests?overdue=true&state=completed')).data).toEqual([]);
    await json('PATCH', `/api/v1/gdpr/requests/${r.id}`, { state: 'refused', reason: 'identity not confirmed' });
  });

  it('reminds the gdpr stakeholders 7 days and 1 day before the due time, once each, none once closed', async () => {
    const clock = h.clock;
    const r = await json('POST', '/api/v1/gdpr/requests', {
      subject_id: 'user-10',
      kind: 'objection',
      received_at: clock.now().toISOString(),
    });
    const other = await json('POST', '/api/v1/gdpr/requests', {
      subject_id: 'user-11',
      kind: 'restriction',
      received_at: clock.now().toISOString(),
    });
    expect(r.due_at).toBe('2027-01-07T23:59:59.999Z');
    await tick();
    expect(remindersOf(r.id)).toEqual([]);
    clock.set('2026-12-31T23:59:59.999Z'); // 7 days before
    await tick();
    expect(remindersOf(r.id).map((x) => x.body.reminder)).toEqual(['due_in_7d']);
    const [first] = remindersOf(r.id);
    expect(first?.path).toBe(`/legal-${env.dialect}`);
    expect(first?.body.message?.subject).toBe(`[GDPR] Art. 21 objection request ${r.id}: due in 7 days`);
    // The subject's id stays out of e-mail and chat.
    expect(JSON.stringify(first?.body)).not.toContain('user-10');
    await json('PATCH', `/api/v1/gdpr/requests/${other.id}`, { state: 'completed' });
    clock.set('2027-01-06T23:59:59.999Z'); // 1 day before
    await tick();
    expect(remindersOf(r.id).map((x) => x.body.reminder)).toEqual(['due_in_7d', 'due_in_1d']);
    expect(remindersOf(other.id).map((x) => x.body.reminder)).toEqual(['due_in_7d']);
    clock.set('2026-12-07T10:00:00Z');
  });

  it('an erasure request completed pseudonymises the subject in the consent ledger, chain intact', async () => {
    await json('POST', '/api/v1/gdpr/purposes', { key: 'newsletter', name: 'Newsletter', lawful_basis: 'consent' });
    await json('POST', '/api/v1/gdpr/consents', {
      events: ['granted', 'withdrawn'].map((decision, i) => ({
        id: `erase-${env.dialect}-${i}`,
        subject_id: 'user-erase',
        purpose: 'newsletter',
        policy_version: 1,
        decision,
        at: new Date(h.clock.now().getTime() - (2 - i) * 60_000).toISOString(),
        source: 'preferences',
        proof: { ip: '203.0.113.7' },
      })),
    });
    const r = await json('POST', '/api/v1/gdpr/requests', {
      subject_id: 'user-erase',
      kind: 'erasure',
      received_at: h.clock.now().toISOString(),
    });
    await json('PATCH', `/api/v1/gdpr/requests/${r.id}`, { state: 'completed' });
    const events = (await json('GET', '/api/v1/gdpr/consents?limit=200')).data as Array<{
      id: string;
      subject_id: string;
    }>;
    const erased = events.filter((e) => e.id.startsWith(`erase-${env.dialect}-`));
    expect(erased).toHaveLength(2);
    expect(erased.every((e) => e.subject_id.startsWith('erased:'))).toBe(true);
    expect(JSON.stringify(events)).not.toContain('user-erase');
    expect(await json('POST', '/api/v1/gdpr/ledger/verify')).toMatchObject({ ok: true, first_broken: null });
  });

  describe('the compliance report', () => {
    it('answers the runbook call with breach clocks, requests, coverage, ledger, Art. 30 and health', async () => {
      await json('POST', '/api/v1/gdpr/breaches', {
        title: 'Support inbox forwarded to a personal account',
        aware_at: new Date(h.clock.now().getTime() - 70 * 3_600_000).toISOString(),
        risk: 'high_risk',
      });
      const report = await json('POST', '/functions/v1/gdpr-compliance', {
        action: 'compliance_report',
        report_type: 'emergency',
      });
      expect(report).toMatchObject({
        report_type: 'emergency',
        status: 'attention',
        breaches: { open: 1, overdue: 0, due_within_12h: 1, reported_late: 0 },
        requests: { open: expect.any(Number), overdue: expect.any(Number) },
        ledger: { ok: true, rows: 2, unverified_rows: 0 },
        health: { ledger_writable: true, ledger_error: null },
        records_of_processing: { purposes: 1, incomplete: 1 },
      });
      const clocks = (report.breaches as { clocks: Array<{ hours_left: number; subjects_decision_needed: boolean }> })
        .clocks;
      expect(clocks).toEqual([expect.objectContaining({ hours_left: 2, subjects_decision_needed: true })]);
      expect(report.actions).toEqual(
        expect.arrayContaining([expect.stringContaining('within 2 h'), expect.stringContaining('Art. 34')]),
      );
      expect(report.consent_coverage).toEqual({
        subjects: 0,
        purposes: [
          { purpose: 'newsletter', name: 'Newsletter', policy_version: 1, granted: 0, withdrawn: 0, stale: 0, none: 0 },
        ],
      });
      expect(typeof report.generated_at).toBe('string');
    });

    it('refuses an unknown report type and an unknown action, naming the valid ones', async () => {
      const type = await h.call('POST', '/functions/v1/gdpr-compliance', {
        as: admin,
        body: { action: 'compliance_report', report_type: 'weekly' },
      });
      expectError(type, 400, 'function.invalid');
      expect(type.body).toContain('report_type');
      const action = await h.call('POST', '/functions/v1/gdpr-compliance', { as: admin, body: { action: 'export' } });
      expectError(action, 400, 'function.invalid');
      expect(action.body).toContain('compliance_report, get_consent_status');
    });

    it('keeps the report from viewers and unflagged responders, and gives everyone the counts', async () => {
      for (const who of [viewer, responder]) {
        expectError(await h.call('GET', '/api/v1/gdpr/report', { as: who }), 403, 'auth.forbidden');
        const overview = await json('GET', '/api/v1/gdpr/overview', undefined, who);
        expect(overview).toMatchObject({
          breaches: { open: 1, overdue: 0, next_deadline_at: expect.any(String) },
          requests: { open: expect.any(Number), overdue: expect.any(Number) },
          coverage: { subjects: 0 },
          ledger: { rows: 2 },
          purposes: { total: 1, incomplete: 1 },
        });
        expect(JSON.stringify(overview)).not.toMatch(/user-|Support inbox/);
      }
    });

    it('renders the full report as Markdown and as a PDF', async () => {
      const md = await h.call('GET', '/api/v1/gdpr/report?type=full&format=md', { as: privacy });
      expect(md.statusCode).toBe(200);
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(md.body).toContain('# GDPR compliance report (full)');
      expect(md.body).toContain('## Breaches (Art. 33 clock)');
      expect(md.body).toContain('Support inbox forwarded to a personal account');
      expect(md.body).toContain('## Purposes in detail');
      const pdf = await h.call('GET', '/api/v1/gdpr/report?type=emergency&format=pdf', { as: privacy });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.rawPayload.length).toBeGreaterThan(1000);
      expectError(await h.call('GET', '/api/v1/gdpr/report?format=docx', { as: admin }), 400, 'request.invalid');
    });
  });

  it('tells a responder without the flag how to get it', async () => {
    const res = await h.call('POST', '/api/v1/gdpr/requests', {
      as: responder,
      body: { subject_id: 'u', kind: 'access', received_at: '2026-12-06T00:00:00Z' },
    });
    expectError(res, 403, 'auth.forbidden');
    expect(res.body).toContain('vigil user privacy');
  });
});
