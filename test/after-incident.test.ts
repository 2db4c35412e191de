// Issue 21's walk on a fake clock, on both dialects: a P1 incident goes through the seed's four phases with
// the seed's runbook as its checklist (some steps ticked by hand, some completing themselves: acknowledge,
// the phases, the resolve, the resolution notification delivered, the post-mortem meeting set, the 24-hour
// enhanced-monitoring window), resolves, gets its post-mortem prefilled, a meeting inside the 24–72 h window,
// two follow-ups (one completed, one not done with its reason), and is published and exported as Markdown
// and PDF; then the analytics of the range give its MTTA, MTTR and interruption buckets exactly: the alert at
// 09:00 UTC on a Monday pages Ana in New York by SMS (04:00 there: sleep hours) and Ben in Berlin by voice
// (10:00: business hours), through a Twilio-compatible gateway on loopback.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { startHarness, unique, type Caller, type Harness } from './http-harness.js';
import { receiver } from './receiver.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Json = any;

describeEachDialect('after the incident: checklist, post-mortem, follow-ups, analytics', (env) => {
  const hooks = receiver();
  const clock = new FakeClock('2026-12-07T09:00:00Z');
  let h: Harness;
  let admin: Caller;
  let ana: Caller;
  let ben: Caller;
  let engine: { sweep(): Promise<unknown>; deliver(): Promise<unknown>; stop(): Promise<void> };

  beforeAll(async () => {
    const base = await hooks.start();
    h = await startHarness(env, {
      clock,
      config: testConfig({
        notify: {
          ...testConfig().notify,
          outboundAllow: '127.0.0.1/32',
          twilioUrl: base.replace('http://', 'http://AC123:sekret@'),
          twilioFrom: '+15550000000',
        },
      }),
    });
    await h.app.checklists.importDefault();
    engine = h.app.engine.start({ info: vi.fn(), error: vi.fn() }, 0, { wake: false }); // swept by the test
    admin = await h.caller('admin');
    ana = await h.caller('responder');
    ben = await h.caller('responder');
    await json('PATCH', `/api/v1/users/${ana.userId}`, { timezone: 'America/New_York' });
    await json('PATCH', `/api/v1/users/${ben.userId}`, { timezone: 'Europe/Berlin' });
    await json('POST', `/api/v1/users/${ana.userId}/contact-methods`, { kind: 'sms', address: '+15551230001' });
    await json('POST', `/api/v1/users/${ben.userId}/contact-methods`, { kind: 'voice', address: '+4930123456' });
    await json('POST', '/api/v1/stakeholders', {
      name: 'Support lead',
      kind: 'webhook',
      address: `${base}/support`,
      severities: ['P1'],
    });
  });
  afterAll(async () => {
    await engine.stop();
    await h.close();
    await hooks.stop();
  });

  async function json(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown, as = admin) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Json;
  }
  const doneSteps = async (incident: string) =>
    Object.fromEntries(
      ((await json('GET', `/api/v1/incidents/${incident}/checklist`)).steps as Json[])
        .filter((s) => s.done)
        .map((s) => [s.text, s.completed_on ?? `@${s.ticked_by?.name}`]),
    );

  it('walks a P1 from the alert to a published post-mortem', async () => {
    const policy = await json('POST', '/api/v1/escalation-policies', {
      name: unique('checkout on-call'),
      levels: [
        {
          delay_seconds: 0,
          targets: [
            { type: 'user', id: ana.userId },
            { type: 'user', id: ben.userId },
          ],
        },
      ],
    });
    const service = await json('POST', '/api/v1/services', {
      name: unique('checkout'),
      escalation_policy_id: policy.id,
    });
    const incident = await json('POST', '/api/v1/incidents', {
      title: 'Checkout failing',
      severity: 'P1',
      service_id: service.id,
    });
    const id = incident.id as string;
    const steps = (await json('GET', `/api/v1/incidents/${id}/checklist`)).steps as Json[];
    expect(steps.length).toBeGreaterThan(40);
    const stepId = (text: string) => steps.find((s) => s.text === text)?.id as string;

    // Level 1 pages both at once: Ana by SMS, Ben by a call.
    await engine.sweep();
    await engine.deliver();
    const twilio = (what: string) => hooks.received.filter((r) => r.path === `/2010-04-01/Accounts/AC123/${what}`);
    expect(twilio('Messages.json').map((r) => r.form.get('To'))).toEqual(['+15551230001']);
    expect(twilio('Calls.json').map((r) => r.form.get('To'))).toEqual(['+4930123456']);

    // Phase 1: acknowledged after 4 minutes (the step completes itself); two steps ticked by hand.
    clock.advance(4 * MIN);
    await json('POST', `/api/v1/incidents/${id}/acknowledge`, undefined, ana);
    await json('POST', `/api/v1/incidents/${id}/checklist/${stepId('Assess the scope of user impact')}/tick`, {}, ana);
    await json('POST', `/api/v1/incidents/${id}/checklist/${stepId('Determine the severity level')}/tick`, {}, ana);
    // Phases 2 and 3, then the resolve 50 minutes after the alert.
    clock.advance(10 * MIN);
    await json('POST', `/api/v1/incidents/${id}/phase`, { phase: 'investigation' }, ana);
    clock.advance(15 * MIN);
    await json('POST', `/api/v1/incidents/${id}/phase`, { phase: 'mitigation' }, ana);
    await json('POST', `/api/v1/incidents/${id}/checklist/${stepId('Restart failed services')}/tick`, {}, ana);
    clock.advance(21 * MIN);
    await json('POST', `/api/v1/incidents/${id}/resolve`, { note: 'pool size raised' }, ana);
    const resolvedAt = clock.now();

    // The resolution notification reaches the stakeholder: "Send resolution confirmation" completes.
    clock.advance(5_000);
    await h.app.dispatcher.sweep();
    expect(hooks.received.some((r) => r.path === '/support' && r.body.event === 'notification.resolution')).toBe(true);

    // The post-mortem was drafted by the resolve (P1): impact and timeline prefilled, owner and attendees.
    const pm = await json('GET', `/api/v1/incidents/${id}/postmortem`);
    expect(pm).toMatchObject({ state: 'draft', incident_id: id, resolved_at: resolvedAt.toISOString() });
    const impact = (pm.sections as Json[]).find((s) => s.key === 'impact');
    expect(impact.text).toMatch(/50 min/);
    expect((pm.timeline as Json[]).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['created', 'acknowledged', 'phase_changed', 'resolved']),
    );
    expect((pm.attendees as Json[]).map((a) => a.handle)).toContain(ana.handle);

    // A meeting 30 h after the resolve: inside the window, no warning; the checklist step completes.
    const meeting = await json('PATCH', `/api/v1/incidents/${id}/postmortem`, {
      meeting_at: new Date(resolvedAt.getTime() + 30 * HOUR).toISOString(),
    });
    expect(meeting.warnings).toEqual([]);
    // Root cause written; a stale version is refused.
    const rootCause = (pm.sections as Json[]).find((s) => s.key === 'root_cause');
    await json('PUT', `/api/v1/incidents/${id}/postmortem/sections/root_cause`, {
      text: 'The connection pool was sized for last year’s traffic.',
      version: rootCause.version,
    });
    const stale = await h.call('PUT', `/api/v1/incidents/${id}/postmortem/sections/root_cause`, {
      as: admin,
      body: { text: 'other', version: rootCause.version },
    });
    expect(stale.statusCode).toBe(409);

    // Two follow-ups: one completed, one not done with its reason.
    const due = new Date(clock.now().getTime() + 7 * 24 * HOUR).toISOString();
    const pool = await json('POST', '/api/v1/follow-ups', {
      incident_id: id,
      title: 'Alert on pool saturation',
      kind: 'monitoring',
      owner_id: ana.handle,
      due_at: due,
    });
    const rewrite = await json('POST', '/api/v1/follow-ups', {
      incident_id: id,
      title: 'Rewrite the payment client',
      kind: 'technical',
      owner_id: ana.handle,
      due_at: due,
    });
    await json('PATCH', `/api/v1/follow-ups/${pool.id}`, { status: 'completed' }, ana);
    await json(
      'PATCH',
      `/api/v1/follow-ups/${rewrite.id}`,
      { status: 'not_doing', reason: 'the vendor fixed it' },
      ana,
    );

    // The enhanced-monitoring window ends 24 h after the resolve with no recurrence.
    clock.set(new Date(resolvedAt.getTime() + 24 * HOUR + MIN));
    await h.app.checklists.sweepWindows();

    expect(await doneSteps(id)).toMatchObject({
      'Acknowledge the alert': 'incident.acknowledged',
      'Assess the scope of user impact': `@${ana.handle}`,
      'Determine the severity level': `@${ana.handle}`,
      'Restart failed services': `@${ana.handle}`,
      'Send resolution confirmation': 'notification.resolution_delivered',
      'Schedule the post-mortem meeting': 'postmortem.meeting_scheduled',
      'Enhanced monitoring for 24 hours': 'monitoring.enhanced_window_ended',
    });

    // Review and publish; the export carries the root cause and both action items.
    await json('PATCH', `/api/v1/incidents/${id}/postmortem`, { state: 'in_review' });
    const published = await json('PATCH', `/api/v1/incidents/${id}/postmortem`, { state: 'published' });
    expect(published.state).toBe('published');
    expect((published.action_items as Json[]).map((f) => [f.title, f.status])).toEqual(
      expect.arrayContaining([
        ['Alert on pool saturation', 'completed'],
        ['Rewrite the payment client', 'not_doing'],
      ]),
    );
    const md = await h.call('GET', `/api/v1/incidents/${id}/postmortem?format=md`, { as: admin });
    expect(md.statusCode).toBe(200);
    expect(md.body).toContain('The connection pool was sized for last year’s traffic.');
    expect(md.body).toContain('Rewrite the payment client');
    const pdf = await h.call('GET', `/api/v1/incidents/${id}/postmortem?format=pdf`, { as: admin });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The analytics of that day: acknowledged after 4 minutes, resolved after 50, published within 72 h.
    const day = 'from=2026-12-07T00:00:00Z&to=2026-12-08T00:00:00Z';
    const summary = await json('GET', `/api/v1/analytics/summary?${day}&service_id=${service.id}`);
    expect(summary.incidents).toMatchObject({ total: 1, by_severity: { P0: 0, P1: 1, P2: 0, P3: 0 } });
    expect(summary.mtta).toMatchObject({ n: 1, mean_s: 240, p50_s: 240, p95_s: 240 });
    expect(summary.mttr).toMatchObject({ n: 1, mean_s: 3000, p50_s: 3000, p95_s: 3000 });
    expect(summary.response_target_breaches).toMatchObject({ breached: 0, decided: 1, rate: 0 });
    expect(summary.postmortems).toMatchObject({ due: 1, published_within_72h: 1, published_later: 0, unpublished: 0 });
    expect(summary.postmortems.definition).toMatch(/within 72 h/);
    // The text woke Ana at 04:00 in New York; the call reached Ben at 10:00 on a Monday in Berlin.
    expect(summary.interruptions).toMatchObject({ total: 2, business_hours: 1, off_hours: 0, sleep_hours: 1 });
    expect(
      (summary.interruptions.by_responder as Json[]).map((r) => [
        r.handle,
        r.timezone,
        r.business_hours,
        r.off_hours,
        r.sleep_hours,
      ]),
    ).toEqual(
      [
        [ana.handle, 'America/New_York', 0, 0, 1],
        [ben.handle, 'Europe/Berlin', 1, 0, 0],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });
});
