// The breach register end to end on both dialects: the routes and their refusals, privacy access, the
// incident timeline and audit rows, the report draft; and the 72-hour clock on a fake clock — a
// gdpr_violation alert through /v2/enqueue opens a P0 incident and a breach, the gdpr stakeholder (a
// loopback HTTP receiver) hears of it and gets one reminder at 24, 48 and 66 h, at 72 h it is overdue
// and the admins are told; a restarted app and a second instance on the same database send none twice.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import type { Engine } from '../src/engine/index.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness } from './http-harness.js';
import { receiver } from './receiver.js';

const H = 3_600_000;

describeEachDialect('GDPR breaches', (env) => {
  const hooks = receiver();
  let base = '';
  let h: Harness;
  let admin: Caller;
  const engines: Engine[] = [];
  const config = () => testConfig({ notify: { ...testConfig().notify, outboundAllow: '127.0.0.1/32' } });

  beforeAll(async () => {
    base = await hooks.start();
    h = await startHarness(env, { clock: new FakeClock('2026-12-07T08:00:00Z'), config: config() });
    admin = await h.caller('admin');
  });
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    await h.close();
    await hooks.stop();
  });

  const json = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown, as: Caller = admin) => {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Record<string, unknown> & { id: string; number: string };
  };
  const open = (body: Record<string, unknown> = {}) =>
    json('POST', '/api/v1/gdpr/breaches', { title: 'Customer export leaked', ...body });

  /** An engine for `app` that the test runs by hand. */
  function engineOf(app: App): Engine {
    const logger = { info: vi.fn(), error: vi.fn() };
    const engine = app.engine.start(logger, 0, { wake: false });
    engines.push(engine);
    return engine;
  }

  describe('routes', () => {
    it('opens a breach with its clock, and refuses aware_at in the future', async () => {
      const b = await open({ aware_at: '2026-12-07T06:00:00Z', data_categories: ['email', 'email', 'name'] });
      expect(b).toMatchObject({
        state: 'assessing',
        deadline_at: '2026-12-10T06:00:00.000Z',
        hours_left: 70,
        overdue: false,
        risk: 'risk',
        data_categories: ['email', 'name'],
        subjects_decision: null,
        subjects_decision_needed: false,
        authority_reports: [],
        incident: null,
      });
      expect(b.number).toMatch(/^BR-20261207-\d{4}$/);
      const future = await h.call('POST', '/api/v1/gdpr/breaches', {
        as: admin,
        body: { title: 'x', aware_at: '2026-12-07T10:00:00Z' },
      });
      expect(expectError(future, 400, 'breach.invalid').message).toMatch(/aware_at/);
      const missing = await h.call('POST', '/api/v1/gdpr/breaches', { as: admin, body: { aware_at: 'yesterday' } });
      expect(missing.statusCode).toBe(400);
    });

    it('needs admin or a responder with the privacy flag; settings need admin to change', async () => {
      const viewer = await h.caller('viewer');
      const responder = await h.caller('responder');
      const b = await open();
      for (const who of [viewer, responder]) {
        expectError(await h.call('GET', '/api/v1/gdpr/breaches', { as: who }), 403, 'auth.forbidden');
        expectError(await h.call('GET', `/api/v1/gdpr/breaches/${b.id}`, { as: who }), 403, 'auth.forbidden');
      }
      await json('PATCH', `/api/v1/users/${responder.userId}`, { privacy: true });
      expect((await json('GET', `/api/v1/gdpr/breaches/${b.number}`, undefined, responder)).id).toBe(b.id);
      expectError(
        await h.call('PUT', '/api/v1/gdpr/settings', { as: responder, body: { dpo_name: 'x' } }),
        403,
        'auth.forbidden',
      );
    });

    it('reports: initial then supplementary; a late first report needs its delay reason', async () => {
      await json('PUT', '/api/v1/gdpr/settings', {
        authority_name: 'BfDI',
        dpo_name: 'Dana Officer',
        dpo_email: 'dpo@example.test',
      });
      const b = await open({ aware_at: '2026-12-04T06:00:00Z' }); // 74 h ago: past its deadline
      expect(b).toMatchObject({ overdue: true, hours_left: -2 });
      const late = await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/notifications`, {
        as: admin,
        body: { reference: 'C-1' },
      });
      expect(expectError(late, 400, 'breach.invalid').message).toMatch(/^delay_reason: required/);
      const supplementaryFirst = await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/notifications`, {
        as: admin,
        body: { kind: 'supplementary', delay_reason: 'x' },
      });
      expectError(supplementaryFirst, 409, 'breach.invalid_transition');
      const reported = await json('POST', `/api/v1/gdpr/breaches/${b.id}/notifications`, {
        reference: 'C-1',
        delay_reason: 'forensics took 74 hours',
      });
      expect(reported).toMatchObject({ state: 'notified', reported_late: true, overdue: false });
      expect(reported.authority_reports).toMatchObject([
        { kind: 'initial', authority: 'BfDI', reference: 'C-1', delay_reason: 'forensics took 74 hours' },
      ]);
      const more = await json('POST', `/api/v1/gdpr/breaches/${b.id}/notifications`, {
        authority: 'BfDI',
        note: 'phase 2',
      });
      expect((more.authority_reports as unknown[]).length).toBe(2);
      expect(more.authority_reports).toMatchObject([{ kind: 'initial' }, { kind: 'supplementary', note: 'phase 2' }]);
      // The list filters by state and overdue.
      const notified = await json('GET', '/api/v1/gdpr/breaches?state=notified');
      expect((notified.data as Array<{ id: string }>).map((x) => x.id)).toContain(b.id);
      const overdue = await json('GET', '/api/v1/gdpr/breaches?overdue=true');
      expect((overdue.data as Array<{ id: string }>).map((x) => x.id)).not.toContain(b.id);
    });

    it('closing needs a reason (never reported) and the Art. 34 decision (high risk); guarded steps', async () => {
      const b = await open({ risk: 'high_risk' });
      const bare = await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/close`, { as: admin, body: {} });
      const error = expectError(bare, 400, 'breach.invalid');
      expect(error.details).toEqual({ field: 'reason', missing: ['reason', 'subjects_decision'] });
      expectError(
        await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/not-notifiable`, { as: admin, body: { reason: 'minor' } }),
        409,
        'breach.invalid_transition',
      );
      expect(
        (await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/not-notifiable`, { as: admin, body: {} })).statusCode,
      ).toBe(400);
      await json('POST', `/api/v1/gdpr/breaches/${b.id}/notifications`, { authority: 'BfDI', reference: 'C-2' });
      const needs = await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/close`, { as: admin, body: {} });
      expect(expectError(needs, 400, 'breach.invalid').message).toMatch(/^subjects_decision:/);
      const badDecision = await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/subjects-decision`, {
        as: admin,
        body: { decision: 'communicated', communicated_at: '2026-12-07T07:00:00Z' },
      });
      expect(badDecision.statusCode).toBe(400);
      expect(badDecision.body).toMatch(/channel/);
      const decided = await json('POST', `/api/v1/gdpr/breaches/${b.id}/subjects-decision`, {
        decision: 'exempt',
        exemption: '34(3)(a)',
        reason: 'the data was encrypted at rest with keys not affected',
      });
      expect(decided).toMatchObject({
        subjects_decision: { decision: 'exempt', exemption: '34(3)(a)', decided_by: admin.handle },
        subjects_decision_needed: false,
      });
      const closed = await json('POST', `/api/v1/gdpr/breaches/${b.id}/close`, {});
      expect(closed).toMatchObject({ state: 'closed' });
      expect(closed.closed_at).toBeTruthy();
      for (const [path, body] of [
        ['close', {}],
        ['notifications', { authority: 'x' }],
        ['subjects-decision', { decision: 'exempt', exemption: '34(3)(b)', reason: 'x' }],
      ] as const)
        expectError(
          await h.call('POST', `/api/v1/gdpr/breaches/${b.id}/${path}`, { as: admin, body }),
          409,
          'breach.invalid_transition',
        );
      expectError(
        await h.call('PATCH', `/api/v1/gdpr/breaches/${b.id}`, { as: admin, body: { title: 'y' } }),
        409,
        'breach.invalid_transition',
      );
    });

    it('not notifiable once assessed unlikely a risk; closing from assessing with a reason documents it', async () => {
      const b = await open();
      await json('PATCH', `/api/v1/gdpr/breaches/${b.id}`, { risk: 'unlikely', subjects_approx: 3 });
      const declared = await json('POST', `/api/v1/gdpr/breaches/${b.id}/not-notifiable`, {
        reason: 'three test accounts',
      });
      expect(declared).toMatchObject({
        state: 'not_notifiable',
        not_notifiable_reason: 'three test accounts',
        subjects_approx: 3,
      });
      const other = await open({ risk: 'unlikely' });
      const closed = await json('POST', `/api/v1/gdpr/breaches/${other.id}/close`, {
        reason: 'a misdirected internal mail',
      });
      expect(closed).toMatchObject({ state: 'closed', not_notifiable_reason: 'a misdirected internal mail' });
      const events = (await json('GET', `/api/v1/gdpr/breaches/${other.id}/events`)).data as Array<{ kind: string }>;
      expect(events.map((e) => e.kind)).toEqual(['closed', 'not_notifiable', 'opened']);
    });

    it('personal data on an incident: opens its breach once, with timeline entries and audit rows', async () => {
      const incident = await json('POST', '/api/v1/incidents', { title: 'Bucket public', severity: 'P2' });
      const first = await h.call('POST', `/api/v1/incidents/${incident.number}/personal-data`, {
        as: admin,
        body: { note: 'customer CSVs' },
      });
      expect(first.statusCode, first.body).toBe(201);
      const breach = first.json() as { id: string; number: string; incident: unknown; title: string };
      expect(breach).toMatchObject({
        incident: { id: incident.id, number: incident.number, title: 'Bucket public' },
        title: 'Bucket public',
      });
      const again = await h.call('POST', `/api/v1/incidents/${incident.id}/personal-data`, { as: admin, body: {} });
      expect(again.statusCode).toBe(200);
      expect((again.json() as { id: string }).id).toBe(breach.id);
      await json('PATCH', `/api/v1/gdpr/breaches/${breach.id}`, { risk: 'unlikely' });
      await json('POST', `/api/v1/gdpr/breaches/${breach.id}/close`, { reason: 'only hashed ids' });
      const timeline = (await json('GET', `/api/v1/incidents/${incident.id}/timeline`)).data as Array<{
        kind: string;
        data: Record<string, unknown>;
      }>;
      expect(timeline.map((e) => e.kind).filter((k) => k.startsWith('breach_'))).toEqual([
        'breach_closed',
        'breach_not_notifiable',
        'breach_updated',
        'breach_opened',
      ]);
      expect(timeline.find((e) => e.kind === 'breach_opened')?.data).toMatchObject({ breach_number: breach.number });
      const audit = (await json('GET', `/api/v1/audit?target_id=${breach.id}&limit=50`)).data as Array<{
        action: string;
      }>;
      expect(audit.map((a) => a.action)).toEqual([
        'gdpr.breach.closed',
        'gdpr.breach.not_notifiable',
        'gdpr.breach.updated',
        'gdpr.breach.opened',
      ]);
      const viewer = await h.caller('viewer');
      expectError(
        await h.call('POST', `/api/v1/incidents/${incident.id}/personal-data`, { as: viewer, body: {} }),
        403,
        'auth.forbidden',
      );
    });

    it('an alert naming data_loss that joins an open incident opens its breach once', async () => {
      const { service, integrationKey } = await h.app.services.create(env.admin, {
        name: `joined-${env.dialect}`,
        groupingWindowSeconds: 600,
      });
      const send = async (dedup: string, extra: Record<string, unknown>) => {
        const res = await h.call('POST', '/v2/enqueue', {
          body: {
            routing_key: integrationKey,
            event_action: 'trigger',
            dedup_key: dedup,
            payload: { summary: 'Orders DB replica lagging', source: 'db-2', severity: 'critical', ...extra },
          },
        });
        expect(res.statusCode, res.body).toBe(202);
      };
      const breachesOf = async (incidentId: string) =>
        ((await json('GET', '/api/v1/gdpr/breaches')).data as Array<{ incident: { id: string } | null }>).filter(
          (b) => b.incident?.id === incidentId,
        );
      const started = h.clock.now();
      await send('replica-lag', {});
      const incidents = (await json('GET', `/api/v1/incidents?service_id=${service.id}`)).data as Array<{
        id: string;
      }>;
      expect(incidents).toHaveLength(1);
      const incidentId = incidents[0]?.id as string;
      expect(await breachesOf(incidentId)).toEqual([]);

      h.clock.advance(60_000);
      await send('backup-gone', { custom_details: { category: 'Data Loss' } });
      const opened = await breachesOf(incidentId);
      expect(opened).toMatchObject([
        { state: 'assessing', source: 'classification', aware_at: h.clock.now().toISOString() },
      ]);
      const timeline = (await json('GET', `/api/v1/incidents/${incidentId}/timeline`)).data as Array<{
        kind: string;
      }>;
      expect(timeline.filter((e) => e.kind === 'breach_opened')).toHaveLength(1);

      // The sender repeats itself, and another data_loss alert joins: still the one breach.
      await send('backup-gone', { custom_details: { category: 'data_loss' } });
      await send('backup-gone-2', { class: 'data_loss' });
      expect(await breachesOf(incidentId)).toHaveLength(1);
      h.clock.set(started); // the other tests count from the harness's start
    });

    it('the Art. 33(3) draft as Markdown and PDF', async () => {
      await json('PUT', '/api/v1/gdpr/settings', {
        controller_name: 'Example GmbH',
        dpo_name: 'Dana Officer',
        dpo_email: 'dpo@example.test',
        dpo_phone: '+49 30 1234',
        authority_name: 'BfDI',
      });
      expect(await json('GET', '/api/v1/gdpr/settings')).toMatchObject({
        dpo_name: 'Dana Officer',
        updated_by: admin.handle,
      });
      const b = await open({
        nature: 'Unauthenticated export endpoint',
        data_categories: ['email', 'postal address'],
        subjects_approx: 1200,
        records_approx: 5400,
        likely_consequences: 'Phishing',
        measures_taken: 'Endpoint removed; keys rotated',
      });
      const md = await h.call('GET', `/api/v1/gdpr/breaches/${b.number}/report?format=md`, { as: admin });
      expect(md.statusCode).toBe(200);
      expect(md.headers['content-type']).toMatch(/^text\/markdown/);
      for (const part of [
        `# Personal data breach notification (draft): ${b.number}`,
        '- **Controller:** Example GmbH',
        '## (a) Nature of the breach',
        'Unauthenticated export endpoint',
        '- Categories of personal data: email, postal address',
        '- Approximate number of data subjects concerned: about 1200',
        '- Approximate number of personal data records concerned: about 5400',
        '## (b) Data protection officer',
        '- Name: Dana Officer',
        '- Contact: dpo@example.test, +49 30 1234',
        '## (c) Likely consequences\n\nPhishing',
        '## (d) Measures taken or proposed\n\nEndpoint removed; keys rotated',
        '| Deadline (72 h, Art. 33(1)) | 2026-12-10T08:00:00.000Z |',
      ])
        expect(md.body).toContain(part);
      const pdf = await h.call('GET', `/api/v1/gdpr/breaches/${b.id}/report?format=pdf`, { as: admin });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.rawPayload.length).toBeGreaterThan(1500);
      expect((await h.call('GET', `/api/v1/gdpr/breaches/${b.id}/report?format=doc`, { as: admin })).statusCode).toBe(
        400,
      );
    });
  });

  describe('the 72-hour clock', () => {
    it('a gdpr_violation alert opens a P0 incident and a breach; reminders 24/48/66 h, overdue at 72 h', async () => {
      const clock = h.clock;
      const legal = await json('POST', '/api/v1/stakeholders', {
        name: 'Legal Counsel',
        kind: 'webhook',
        address: `${base}/legal`,
        topics: ['gdpr'],
      });
      expect(legal).toMatchObject({ topics: ['gdpr'], severities: [] });
      expect(
        ((await json('GET', '/api/v1/stakeholders')).data as Array<{ id: string; topics: string[] }>).find(
          (s) => s.id === legal.id,
        )?.topics,
      ).toEqual(['gdpr']);
      await h.app.users.addContactMethod(env.admin, admin.userId, {
        kind: 'webhook',
        address: `${base}/admin-${admin.handle}`,
      });
      const service = await h.app.services.create(env.admin, { name: `gdpr-svc-${env.dialect}` });
      const enqueued = await h.call('POST', '/v2/enqueue', {
        body: {
          routing_key: service.integrationKey,
          event_action: 'trigger',
          payload: {
            summary: 'Consent records exported without consent',
            source: 'dlp',
            severity: 'warning',
            class: 'gdpr_violation',
          },
        },
      });
      expect(enqueued.statusCode, enqueued.body).toBe(202);
      const listed = (await json('GET', '/api/v1/gdpr/breaches?state=assessing')).data as Array<{
        id: string;
        number: string;
        incident: { id: string; number: string } | null;
        aware_at: string;
        source: string;
        title: string;
      }>;
      const breach = listed.find(
        (b) => b.source === 'classification' && b.title === 'Consent records exported without consent',
      );
      expect(breach).toBeDefined();
      const incident = await json('GET', `/api/v1/incidents/${breach?.incident?.id}`);
      expect(incident).toMatchObject({ severity: 'P0' });
      expect(breach?.aware_at).toBe(clock.now().toISOString());

      let engine = engineOf(h.app);
      const toLegal = () =>
        hooks.received
          .filter((r) => r.path === '/legal' && r.body.breach?.number === breach?.number)
          .map((r) => r.body.event);
      const toAdmin = () =>
        hooks.received.filter((r) => r.path === `/admin-${admin.handle}` && r.body.breach?.number === breach?.number);
      const tick = async (e: Engine = engine) => {
        await e.sweep();
        await e.sweep(); // twice: nothing is sent twice
        await e.deliver();
      };
      await tick();
      expect(toLegal()).toEqual(['gdpr.breach.opened']);

      clock.advance(24 * H - 1000);
      await tick();
      expect(toLegal()).toEqual(['gdpr.breach.opened']);
      clock.advance(1000);
      await tick();
      expect(toLegal()).toEqual(['gdpr.breach.opened', 'gdpr.breach.reminder']);

      // A restart: a new app on the same database picks the clock up where it was.
      engine = engineOf(createApp(config(), env.database, clock));
      clock.advance(24 * H);
      await tick();
      expect(toLegal()).toEqual(['gdpr.breach.opened', 'gdpr.breach.reminder', 'gdpr.breach.reminder']);

      // Two instances sweeping the same database at once: one reminder.
      const second = engineOf(createApp(config(), env.database, clock));
      clock.advance(18 * H);
      await Promise.all([engine.sweep(), second.sweep()]);
      await Promise.all([engine.deliver(), second.deliver()]);
      expect(toLegal()).toEqual(['gdpr.breach.opened', ...Array(3).fill('gdpr.breach.reminder')]);
      expect(toAdmin()).toEqual([]);

      clock.advance(6 * H);
      await Promise.all([engine.sweep(), second.sweep()]);
      await Promise.all([engine.deliver(), second.deliver()]);
      expect(toLegal()).toEqual([
        'gdpr.breach.opened',
        ...Array(3).fill('gdpr.breach.reminder'),
        'gdpr.breach.overdue',
      ]);
      expect(toAdmin().map((r) => r.body.event)).toEqual(['gdpr.breach.overdue']);
      const overdue = await json('GET', `/api/v1/gdpr/breaches/${breach?.id}`);
      expect(overdue).toMatchObject({ overdue: true, hours_left: 0, state: 'assessing' });
      const kinds = (
        (await json('GET', `/api/v1/gdpr/breaches/${breach?.id}/events`)).data as Array<{ kind: string }>
      ).map((e) => e.kind);
      expect(kinds).toEqual(['overdue', 'reminder_sent', 'reminder_sent', 'reminder_sent', 'opened']);
      const timeline = (
        (await json('GET', `/api/v1/incidents/${breach?.incident?.id}/timeline?limit=100`)).data as Array<{
          kind: string;
        }>
      ).map((e) => e.kind);
      expect(timeline.filter((k) => k.startsWith('breach_'))).toEqual([
        'breach_overdue',
        'breach_reminder_sent',
        'breach_reminder_sent',
        'breach_reminder_sent',
        'breach_opened',
      ]);
      clock.advance(48 * H);
      await tick();
      expect(toLegal().length).toBe(5);
    });

    it('a breach reported before its first reminder gets none', async () => {
      const clock = h.clock;
      const engine = engineOf(createApp(config(), env.database, clock));
      const b = await open();
      await engine.sweep();
      await engine.deliver();
      const count = () => hooks.received.filter((r) => r.body.breach?.number === b.number).length;
      expect(count()).toBe(1); // the opened notice
      clock.advance(10 * H);
      await json('POST', `/api/v1/gdpr/breaches/${b.id}/notifications`, { authority: 'BfDI', reference: 'C-9' });
      for (const hours of [24, 24, 18, 6, 48]) {
        clock.advance(hours * H);
        await engine.sweep();
        await engine.deliver();
      }
      expect(count()).toBe(1);
      expect(await json('GET', `/api/v1/gdpr/breaches/${b.id}`)).toMatchObject({ overdue: false, state: 'notified' });
    });
  });
});
