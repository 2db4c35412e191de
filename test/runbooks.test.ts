// Runbooks and incidents' checklists end to end on both dialects: the seed's runbook imported once by two
// instances starting on one database, CRUD by role and the assignment rule (most specific wins, else the
// default), the checklist fixed when the incident opens, ticks and unticks as timeline entries, steps that
// complete themselves on acknowledge, phase, resolve, the resolution notification's delivery, the end of the
// enhanced-monitoring window (fake clock; not after a recurrence) and completeOn called directly (the
// post-mortem meeting), and every bad input refused with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import * as views from '../src/http/views/index.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';
import { receiver } from './receiver.js';

type Json = Record<string, unknown> & { id: string };
type Step = {
  id: string;
  position: number;
  phase: string;
  text: string;
  done: boolean;
  done_at: string | null;
  ticked_by: { name: string } | null;
  completed_on: string | null;
  auto_completed_at: string | null;
  auto_complete_on: string | null;
};
type Checklist = { runbook: { id: string; name: string } | null; done: number; total: number; steps: Step[] };
type Entry = { kind: string; actor: { name: string }; data: Record<string, unknown> };
const HOUR = 3_600_000;

describeEachDialect('runbooks and checklists', (env) => {
  const hooks = receiver();
  const clock = new FakeClock('2026-12-07T08:00:00Z');
  const config = () => testConfig({ notify: { ...testConfig().notify, outboundAllow: '127.0.0.1/32' } });
  let h: Harness;
  let admin: Caller;
  let responder: Caller;
  let viewer: Caller;
  let base: string;

  async function json(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, as = admin) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return (res.statusCode === 204 ? {} : res.json()) as Json;
  }
  const open = (body: Record<string, unknown>) =>
    json('POST', '/api/v1/incidents', { title: 'Checkout failing', severity: 'P2', ...body });
  const checklist = async (incident: string, as = viewer) =>
    (await json('GET', `/api/v1/incidents/${incident}/checklist`, undefined, as)) as unknown as Checklist;
  const entries = async (incident: string, kind: string) =>
    (
      (await json('GET', `/api/v1/incidents/${incident}/timeline?limit=200`, undefined, viewer)) as unknown as {
        data: Entry[];
      }
    ).data
      .filter((e) => e.kind === kind)
      .reverse();
  const runbookCount = async () => ((await json('GET', '/api/v1/runbooks?limit=200')).data as Json[]).length;
  const service = async (name: string) => (await json('POST', '/api/v1/services', { name: unique(name) })).id;
  const step = (phase: string, text: string, auto?: string) => ({
    phase,
    text,
    ...(auto && { auto_complete_on: auto }),
  });

  beforeAll(async () => {
    base = await hooks.start();
    h = await startHarness(env, { clock, config: config() });
    admin = await h.caller('admin');
    responder = await h.caller('responder');
    viewer = await h.caller('viewer');
  });
  afterAll(async () => {
    await h.close();
    await hooks.stop();
  });

  it("imports the seed's runbook once, however many instances start on the database, and keeps its edits", async () => {
    const second = createApp(config(), env.database, clock);
    const written = await Promise.all([h.app.checklists.importDefault(), second.checklists.importDefault()]);
    expect(written.filter(Boolean)).toHaveLength(1);
    const listed = (await json('GET', '/api/v1/runbooks', undefined, viewer)).data as Json[];
    expect(listed.map((r) => r.id)).toEqual(['rb_seed']);
    const seed = listed[0] as unknown as {
      default: boolean;
      applies_to: unknown;
      steps: Array<{ phase: string; text: string; call: unknown; auto_complete_on: string | null }>;
    };
    expect(seed).toMatchObject({ default: true, applies_to: { service_ids: [], severities: [] } });
    const phases = seed.steps.map((s) => s.phase);
    expect([...new Set(phases)]).toEqual([
      'detection',
      'investigation',
      'mitigation',
      'resolution',
      'post_resolution',
      'post_mortem',
    ]);
    expect(phases).toEqual([...phases].sort((a, b) => order(a) - order(b)));
    const auto = Object.fromEntries(
      seed.steps.filter((s) => s.auto_complete_on).map((s) => [s.text, s.auto_complete_on]),
    );
    expect(auto).toEqual({
      'Acknowledge the alert': 'incident.acknowledged',
      'Schedule the post-mortem meeting': 'postmortem.meeting_scheduled',
      'Enhanced monitoring for 24 hours': 'monitoring.enhanced_window_ended',
      'Send resolution confirmation': 'notification.resolution_delivered',
    });
    expect(seed.steps.find((s) => s.text === 'Run the comprehensive health check')?.call).toEqual({
      function: 'production-monitoring',
      action: 'health_check',
    });

    await json('PATCH', '/api/v1/runbooks/rb_seed', { name: 'Our runbook' });
    expect(await Promise.all([h.app.checklists.importDefault(), second.checklists.importDefault()])).toEqual([
      false,
      false,
    ]);
    expect((await json('GET', '/api/v1/runbooks/rb_seed', undefined, viewer)).name).toBe('Our runbook');
    expectError(await h.call('DELETE', '/api/v1/runbooks/rb_seed', { as: admin }), 409, 'runbook.conflict');
  });

  it('lists the events a step may complete itself on, each with a sentence, to any role; all are taken', async () => {
    const events = (await json('GET', '/api/v1/runbooks/events', undefined, viewer)) as unknown as {
      data: Array<{ event: string; description: string }>;
      next_cursor: null;
    };
    expect(events.next_cursor).toBeNull();
    for (const e of events.data) expect(views.RunbookEvent.parse(e)).toEqual(e);
    expect(events.data.map((e) => e.event)).toEqual([
      'incident.acknowledged',
      'incident.phase:investigation',
      'incident.phase:mitigation',
      'incident.phase:resolution',
      'incident.resolved',
      'notification.resolution_delivered',
      'monitoring.enhanced_window_ended',
      'postmortem.meeting_scheduled',
    ]);
    expect(events.data[0]?.description).toBe('the incident is acknowledged');
    expect(events.data.find((e) => e.event === 'incident.phase:mitigation')?.description).toContain('mitigation');
    // What the console offers is what the server takes: a runbook waiting for every listed event is stored.
    const all = await json('POST', '/api/v1/runbooks', {
      name: unique('every event'),
      steps: events.data.map((e) => step('post_mortem', `Wait for ${e.event}`, e.event)),
    });
    expect((all.steps as Step[]).map((s) => s.auto_complete_on)).toEqual(events.data.map((e) => e.event));
    await json('DELETE', `/api/v1/runbooks/${all.id}`);
    expectError(await h.call('GET', '/api/v1/runbooks/events'), 401, 'auth.unauthorized');
  });

  it('assigns runbooks by service and severity, the most specific first, else the default', async () => {
    const a = await service('pay');
    const b = await service('search');
    const create = async (name: string, applies_to: Record<string, unknown>) =>
      (await json('POST', '/api/v1/runbooks', { name, applies_to, steps: [step('detection', `${name} first`)] })).id;
    const p1 = await create('Any P1', { severities: ['P1'] });
    const payAny = await create('Payments', { service_ids: [a] });
    const payP1 = await create('Payments P1', { service_ids: [a], severities: ['P1', 'P0'] });
    const laterP1 = await create('Later P1', { severities: ['P1'] });
    const unassigned = await create('Library', {});
    const runbookOf = async (body: Record<string, unknown>) => (await checklist((await open(body)).id)).runbook?.id;

    expect(await runbookOf({ service_id: a, severity: 'P1' })).toBe(payP1);
    expect(await runbookOf({ service_id: a, severity: 'P3' })).toBe(payAny);
    expect(await runbookOf({ service_id: b, severity: 'P1' })).toBe(p1); // created before "Later P1"
    expect(await runbookOf({ service_id: b, severity: 'P3' })).toBe('rb_seed');
    expect(await runbookOf({ severity: 'P2' })).toBe('rb_seed');

    const kept = await open({ service_id: a, severity: 'P0' });
    await json('DELETE', `/api/v1/runbooks/${payP1}`);
    expectError(await h.call('GET', `/api/v1/runbooks/${payP1}`, { as: viewer }), 404, 'runbook.not_found');
    expect(await runbookOf({ service_id: a, severity: 'P0' })).toBe(payAny);
    expect((await checklist(kept.id)).runbook).toEqual({ id: payP1, name: 'Payments P1' });

    const moved = await json('PATCH', `/api/v1/runbooks/${laterP1}`, { applies_to: { service_ids: [b] } });
    expect(moved.applies_to).toEqual({ service_ids: [b], severities: [] });
    expect(await runbookOf({ service_id: b, severity: 'P1' })).toBe(laterP1);
    expect(await runbookOf({ service_id: b, severity: 'P3' })).toBe(laterP1);
    const all = (await json('GET', '/api/v1/runbooks?limit=2', undefined, viewer)) as unknown as {
      data: Json[];
      next_cursor: string;
    };
    expect(all.data.map((r) => r.id)).toEqual([unassigned, laterP1]);
    const rest = (await json('GET', `/api/v1/runbooks?cursor=${all.next_cursor}`, undefined, viewer)).data as Json[];
    expect(rest.map((r) => r.id)).toEqual([payAny, p1, 'rb_seed']);

    for (const as of [responder, viewer]) {
      expectError(
        await h.call('POST', '/api/v1/runbooks', { as, body: { name: 'x', steps: [] } }),
        403,
        'auth.forbidden',
      );
      expectError(await h.call('PATCH', `/api/v1/runbooks/${p1}`, { as, body: { name: 'x' } }), 403, 'auth.forbidden');
      expectError(await h.call('DELETE', `/api/v1/runbooks/${p1}`, { as }), 403, 'auth.forbidden');
    }
    const audit = (await json('GET', `/api/v1/audit?target_id=${payP1}`)).data as Json[];
    expect(audit.map((e) => e.action)).toEqual(['runbook.delete', 'runbook.create']);
  });

  it("fixes the checklist when the incident opens: later edits of the runbook rewrite no incident's list", async () => {
    const svc = await service('fixed');
    const rb = await json('POST', '/api/v1/runbooks', {
      name: 'Fixed',
      applies_to: { service_ids: [svc] },
      steps: [step('post_mortem', 'Write it up'), step('detection', 'Look'), step('detection', 'Listen')],
    });
    expect((rb.steps as Step[]).map((s) => s.text)).toEqual(['Look', 'Listen', 'Write it up']);
    const before = await open({ service_id: svc });
    await json('PATCH', `/api/v1/runbooks/${rb.id}`, { name: 'Fixed v2', steps: [step('mitigation', 'Roll back')] });
    const after = await open({ service_id: svc });
    const first = await checklist(before.id);
    expect(first.runbook).toEqual({ id: rb.id, name: 'Fixed' });
    expect(first.steps.map((s) => [s.position, s.phase, s.text])).toEqual([
      [1, 'detection', 'Look'],
      [2, 'detection', 'Listen'],
      [3, 'post_mortem', 'Write it up'],
    ]);
    expect((await checklist(after.id)).steps.map((s) => s.text)).toEqual(['Roll back']);
    expect((await checklist(after.id)).runbook?.name).toBe('Fixed v2');
  });

  describe('by hand', () => {
    it('ticks and unticks steps (responder), each a timeline entry and an audit row; every role reads', async () => {
      const svc = await service('hand');
      await json('POST', '/api/v1/runbooks', {
        name: 'Hand',
        applies_to: { service_ids: [svc] },
        steps: [step('detection', 'Check the dashboard'), step('investigation', 'Read the logs')],
      });
      const incident = await open({ service_id: svc });
      const other = await open({ service_id: svc });
      const [first, second] = (await checklist(incident.id)).steps as [Step, Step];
      clock.advance(60_000);
      const ticked = (await json(
        'POST',
        `/api/v1/incidents/${incident.number as string}/checklist/${first.id}/tick`,
        undefined,
        responder,
      )) as unknown as Checklist;
      expect(ticked).toMatchObject({ done: 1, total: 2 });
      expect(ticked.steps[0]).toMatchObject({
        id: first.id,
        done: true,
        done_at: clock.now().toISOString(),
        ticked_by: { name: responder.handle },
        completed_on: null,
      });
      expect(ticked.steps[1]).toMatchObject({ id: second.id, done: false, ticked_by: null });
      expectError(
        await h.call('POST', `/api/v1/incidents/${incident.id}/checklist/${first.id}/tick`, { as: responder }),
        409,
        'checklist.invalid_transition',
      );
      await json('POST', `/api/v1/incidents/${incident.id}/checklist/${first.id}/untick`, undefined, admin);
      expectError(
        await h.call('POST', `/api/v1/incidents/${incident.id}/checklist/${first.id}/untick`, { as: admin }),
        409,
        'checklist.invalid_transition',
      );
      expect((await checklist(incident.id)).steps[0]).toMatchObject({ done: false, done_at: null, ticked_by: null });
      expect((await entries(incident.id, 'checklist_ticked')).map((e) => [e.actor.name, e.data])).toEqual([
        [responder.handle, { step_id: first.id, position: 1, phase: 'detection', text: 'Check the dashboard' }],
      ]);
      expect((await entries(incident.id, 'checklist_unticked')).map((e) => e.actor.name)).toEqual([admin.handle]);
      const audit = (await json('GET', `/api/v1/audit?target_id=${first.id}`)).data as Json[];
      expect(audit.map((e) => e.action)).toEqual(['checklist.untick', 'checklist.tick']);

      // A step of another incident's checklist, an unknown step or incident: 404, nothing changes.
      const foreign = (await checklist(other.id)).steps[0] as Step;
      expectError(
        await h.call('POST', `/api/v1/incidents/${incident.id}/checklist/${foreign.id}/tick`, { as: responder }),
        404,
        'checklist_step.not_found',
      );
      expectError(
        await h.call('POST', `/api/v1/incidents/${incident.id}/checklist/cks_nope/tick`, { as: responder }),
        404,
        'checklist_step.not_found',
      );
      expectError(
        await h.call('POST', `/api/v1/incidents/INC-19990101-0001/checklist/${first.id}/tick`, { as: responder }),
        404,
        'incident.not_found',
      );
      expectError(
        await h.call('GET', '/api/v1/incidents/INC-19990101-0001/checklist', { as: viewer }),
        404,
        'incident.not_found',
      );
      expectError(
        await h.call('POST', `/api/v1/incidents/${incident.id}/checklist/${first.id}/tick`, { as: viewer }),
        403,
        'auth.forbidden',
      );
      expect((await checklist(other.id)).done).toBe(0);
      expect((await checklist(incident.id)).done).toBe(0);
      expect(await entries(other.id, 'checklist_ticked')).toEqual([]);
    });
  });

  describe('by themselves', () => {
    const AUTO = [
      step('detection', 'Acknowledge the alert', 'incident.acknowledged'),
      step('detection', 'Find the cause', 'incident.phase:investigation'),
      step('investigation', 'Mitigate', 'incident.phase:mitigation'),
      step('mitigation', 'Resolve', 'incident.resolved'),
      step('resolution', 'Enter resolution', 'incident.phase:resolution'),
      step('post_resolution', 'Send resolution confirmation', 'notification.resolution_delivered'),
      step('post_resolution', 'Enhanced monitoring for 24 hours', 'monitoring.enhanced_window_ended'),
      step('post_mortem', 'Schedule the post-mortem meeting', 'postmortem.meeting_scheduled'),
      step('post_mortem', 'Share lessons learned'),
    ];
    let svc: string;
    const doneOf = async (incident: string) =>
      Object.fromEntries((await checklist(incident)).steps.map((s) => [s.text, s.completed_on ?? s.done]));

    beforeAll(async () => {
      svc = await service('auto');
      await json('POST', '/api/v1/runbooks', { name: 'Auto', applies_to: { service_ids: [svc] }, steps: AUTO });
      await json('POST', '/api/v1/stakeholders', {
        name: 'Support lead',
        kind: 'webhook',
        address: `${base}/stakeholder-${env.dialect}`,
        severities: ['P1'],
      });
    });

    it('completes on acknowledge, phase (skipped ones too), resolve, delivery and the monitoring window', async () => {
      const incident = await open({ service_id: svc, severity: 'P1' });
      expect((await checklist(incident.id)).done).toBe(0);
      await json('POST', `/api/v1/incidents/${incident.id}/acknowledge`, undefined, responder);
      expect((await checklist(incident.id)).steps[0]).toMatchObject({
        done: true,
        ticked_by: null,
        completed_on: 'incident.acknowledged',
        auto_completed_at: clock.now().toISOString(),
      });
      clock.advance(60_000);
      await json('POST', `/api/v1/incidents/${incident.id}/phase`, { phase: 'mitigation' }, responder);
      clock.advance(60_000);
      await json('POST', `/api/v1/incidents/${incident.id}/resolve`, undefined, responder);
      expect(await doneOf(incident.id)).toEqual({
        'Acknowledge the alert': 'incident.acknowledged',
        'Find the cause': 'incident.phase:investigation',
        Mitigate: 'incident.phase:mitigation',
        Resolve: 'incident.resolved',
        'Enter resolution': 'incident.phase:resolution',
        'Send resolution confirmation': false,
        'Enhanced monitoring for 24 hours': false,
        'Schedule the post-mortem meeting': false,
        'Share lessons learned': false,
      });

      // The resolution notification reaches the stakeholder: its step completes with the delivery.
      clock.advance(5_000);
      await h.app.dispatcher.sweep();
      expect(
        hooks.received.some(
          (r) => r.path === `/stakeholder-${env.dialect}` && r.body.event === 'notification.resolution',
        ),
      ).toBe(true);
      const delivered = (await checklist(incident.id)).steps[5] as Step;
      expect(delivered).toMatchObject({
        completed_on: 'notification.resolution_delivered',
        auto_completed_at: clock.now().toISOString(),
      });

      // The window ends 24 h after the resolve, not a moment before.
      const resolvedAt = clock.now().getTime() - 5_000;
      clock.set(new Date(resolvedAt + 24 * HOUR - 1));
      expect(await h.app.checklists.sweepWindows()).toBe(0);
      clock.set(new Date(resolvedAt + 24 * HOUR + 30_000));
      expect(await h.app.checklists.sweepWindows()).toBe(1);
      expect(await h.app.checklists.sweepWindows()).toBe(0);
      expect((await checklist(incident.id)).steps[6]).toMatchObject({
        completed_on: 'monitoring.enhanced_window_ended',
        auto_completed_at: new Date(resolvedAt + 24 * HOUR).toISOString(),
      });

      const completed = await entries(incident.id, 'checklist_completed');
      expect(completed.map((e) => [e.actor.name, e.data.text, e.data.event])).toEqual([
        ['vigil', 'Acknowledge the alert', 'incident.acknowledged'],
        ['vigil', 'Find the cause', 'incident.phase:investigation'],
        ['vigil', 'Mitigate', 'incident.phase:mitigation'],
        ['vigil', 'Resolve', 'incident.resolved'],
        ['vigil', 'Enter resolution', 'incident.phase:resolution'],
        ['vigil', 'Send resolution confirmation', 'notification.resolution_delivered'],
        ['vigil', 'Enhanced monitoring for 24 hours', 'monitoring.enhanced_window_ended'],
      ]);
    });

    it('completes once: repeated events change nothing, an untick after one is kept and recorded', async () => {
      const incident = await open({ service_id: svc, severity: 'P3' });
      const meeting = (await checklist(incident.id)).steps[7] as Step;
      const at = clock.now();
      const first = await env.database.db
        .transaction()
        .execute((trx) => h.app.checklists.completeOn(trx, incident.id, 'postmortem.meeting_scheduled', at));
      expect(first.map((s) => s.id)).toEqual([meeting.id]);
      const again = await env.database.db
        .transaction()
        .execute((trx) => h.app.checklists.completeOn(trx, incident.id, 'postmortem.meeting_scheduled', at));
      expect(again).toEqual([]);
      await json('POST', `/api/v1/incidents/${incident.id}/checklist/${meeting.id}/untick`, undefined, responder);
      await env.database.db
        .transaction()
        .execute((trx) => h.app.checklists.completeOn(trx, incident.id, 'postmortem.meeting_scheduled', at));
      expect((await checklist(incident.id)).steps[7]).toMatchObject({
        done: false,
        completed_on: null,
        auto_completed_at: at.toISOString(),
      });
      expect((await entries(incident.id, 'checklist_unticked')).map((e) => e.data)).toEqual([
        {
          step_id: meeting.id,
          position: 8,
          phase: 'post_mortem',
          text: 'Schedule the post-mortem meeting',
          completed_on: 'postmortem.meeting_scheduled',
        },
      ]);
      expect((await entries(incident.id, 'checklist_completed')).length).toBe(1);
      // A person may still tick it.
      await json('POST', `/api/v1/incidents/${incident.id}/checklist/${meeting.id}/tick`, undefined, responder);
      expect((await checklist(incident.id)).steps[7]).toMatchObject({
        done: true,
        ticked_by: { name: responder.handle },
      });
    });

    it('leaves the monitoring step open on a recurrence (reopened, or a new incident of its service)', async () => {
      const reopened = await open({ service_id: svc, severity: 'P3' });
      await json('POST', `/api/v1/incidents/${reopened.id}/resolve`, undefined, responder);
      clock.advance(HOUR);
      await json('POST', `/api/v1/incidents/${reopened.id}/reopen`, undefined, responder);
      clock.advance(25 * HOUR);
      expect(await h.app.checklists.sweepWindows()).toBe(0);
      expect((await doneOf(reopened.id))['Enhanced monitoring for 24 hours']).toBe(false);

      const recurred = await open({ service_id: svc, severity: 'P3' });
      await json('POST', `/api/v1/incidents/${recurred.id}/resolve`, undefined, responder);
      clock.advance(2 * HOUR);
      await open({ service_id: svc, severity: 'P3' });
      clock.advance(23 * HOUR);
      expect(await h.app.checklists.sweepWindows()).toBe(0);
      expect((await doneOf(recurred.id))['Enhanced monitoring for 24 hours']).toBe(false);
      // Resolving reached the resolution phase, and so passed investigation and mitigation.
      expect((await entries(recurred.id, 'checklist_completed')).map((e) => e.data.event)).toEqual([
        'incident.phase:investigation',
        'incident.phase:mitigation',
        'incident.resolved',
        'incident.phase:resolution',
      ]);
    });
  });

  describe('bad input', () => {
    it('refuses each with a clear 4xx and stores nothing', async () => {
      const count = await runbookCount();
      const unknownEvent = expectError(
        await h.call('POST', '/api/v1/runbooks', {
          as: admin,
          body: { name: 'Bad', steps: [step('detection', 'ok'), step('detection', 'Wait', 'incident.exploded')] },
        }),
        422,
        'runbook.unknown_event',
      );
      expect(unknownEvent.message).toContain('steps[1].auto_complete_on');
      for (const known of [
        'incident.acknowledged',
        'notification.resolution_delivered',
        'postmortem.meeting_scheduled',
      ])
        expect(unknownEvent.message).toContain(known);
      expect(unknownEvent.details).toMatchObject({
        event: 'incident.exploded',
        known: expect.arrayContaining(['incident.resolved']),
      });
      expectError(
        await h.call('PATCH', '/api/v1/runbooks/rb_seed', {
          as: admin,
          body: { steps: [step('detection', 'Wait', 'incident.phase:detection')] },
        }),
        422,
        'runbook.unknown_event',
      );
      expectError(
        await h.call('POST', '/api/v1/runbooks', {
          as: admin,
          body: { name: 'Bad', applies_to: { service_ids: ['no-such-service'] }, steps: [] },
        }),
        422,
        'runbook.unknown_service',
      );
      expectError(
        await h.call('PATCH', '/api/v1/runbooks/rb_seed', { as: admin, body: { applies_to: { severities: ['P0'] } } }),
        400,
        'runbook.invalid',
      );
      for (const body of [
        { name: 'Bad', steps: [{ phase: 'aftermath', text: 'x' }] },
        { name: 'Bad', steps: [{ phase: 'detection', text: '' }] },
        { name: 'Bad', steps: [{ phase: 'detection', text: 'x', link: 'javascript:alert(1)' }] },
        { name: 'Bad', steps: [{ phase: 'detection', text: 'x', call: { function: 'Prod Mon', action: 'x' } }] },
        { name: 'Bad', steps: [{ phase: 'detection', text: 'x', extra: 1 }] },
        { name: 'Bad', applies_to: { severities: ['P9'] }, steps: [] },
        { steps: [] },
      ])
        expectError(await h.call('POST', '/api/v1/runbooks', { as: admin, body }), 400, 'request.invalid');
      for (const method of ['GET', 'PATCH', 'DELETE'] as const)
        expectError(
          await h.call(method, '/api/v1/runbooks/rb_nope', { as: admin, ...(method === 'PATCH' && { body: {} }) }),
          404,
          'runbook.not_found',
        );
      expect(await runbookCount()).toBe(count);
      expect((await json('GET', '/api/v1/runbooks/rb_seed')).name).toBe('Our runbook');
      expect(((await json('GET', '/api/v1/runbooks/rb_seed')).steps as Step[]).length).toBe(50);
    });
  });
});

const PHASE_ORDER = ['detection', 'investigation', 'mitigation', 'resolution', 'post_resolution', 'post_mortem'];
const order = (phase: string) => PHASE_ORDER.indexOf(phase);
