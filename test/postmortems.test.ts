// Post-mortems end to end on both dialects, on a fake clock: created by a P1 resolve (not a P2's), prefilled
// (impact, the key timeline entries incl. a note marked key, owner, attendees, the incident's follow-ups linked),
// section edits with their versions (a stale one refused, two at once: one wins), the meeting window's warning and
// the postmortem.meeting_scheduled event, the state machine, Markdown and PDF export, the share link and its
// revocation, the owner's reminders at 24 h and 72 h sent once each by two instances, the resolution template's
// post-mortem meeting value, and every bad input refused with nothing changed.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import type { Engine } from '../src/engine/index.js';
import { createPostmortemsService } from '../src/postmortems/index.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { dumpDatabase, expectError, startHarness, type Caller, type Harness } from './http-harness.js';
import { receiver } from './receiver.js';

type Json = Record<string, unknown> & { id: string };
type Section = { key: string; text: string; version: number; updated_by: string | null };
type Entry = { entry_id: string; kind: string; summary: string; included: boolean; annotation: string | null };
type Postmortem = Json & {
  state: string;
  owner: { handle: string } | null;
  attendees: Array<{ handle: string }>;
  warnings: string[];
  meeting_at: string | null;
  sections: Section[];
  timeline: Entry[];
  action_items: Json[];
};
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describeEachDialect('post-mortems', (env) => {
  const hooks = receiver();
  const clock = new FakeClock('2026-12-07T08:00:00Z');
  const config = () => testConfig({ notify: { ...testConfig().notify, outboundAllow: '127.0.0.1/32' } });
  let h: Harness;
  let admin: Caller;
  let commander: Caller;
  let noter: Caller;
  let paged: Caller;
  let viewer: Caller;
  let engine: Engine;
  let second: Engine;
  let serviceId: string;
  /** The P1 incident most tests share. */
  let main: Json;
  let resolvedAt: Date;

  const engineOf = (app: App) => app.engine.start({ info: vi.fn(), error: vi.fn() }, 0, { wake: false });
  const bothSweep = async () => {
    await Promise.all([engine.sweep(), second.sweep()]);
    await Promise.all([engine.deliver(), second.deliver()]);
  };
  async function json(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown, as: Caller = admin) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Json;
  }
  const pmUrl = (incident: Json, rest = '') => `/api/v1/incidents/${String(incident.number)}/postmortem${rest}`;
  const getPm = async (incident: Json, as: Caller = viewer) =>
    (await json('GET', pmUrl(incident), undefined, as)) as Postmortem;
  const later = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));
  const section = (pm: Postmortem, key: string) => pm.sections.find((s) => s.key === key) as Section;
  const open = (body: Record<string, unknown>) =>
    json('POST', '/api/v1/incidents', { title: 'Checkout failing', severity: 'P1', ...body });
  const resolve = (incident: Json, as: Caller = admin) =>
    json('POST', `/api/v1/incidents/${incident.id}/resolve`, {}, as);
  const reminders = (id: string) =>
    hooks.received.filter(
      (r) =>
        r.body.event === 'postmortem.reminder' && (r.body as { postmortem?: { id?: string } }).postmortem?.id === id,
    );

  beforeAll(async () => {
    const base = await hooks.start();
    h = await startHarness(env, { clock, config: config() });
    admin = await h.caller('admin');
    commander = await h.caller('responder', 'commander');
    noter = await h.caller('responder', 'noter');
    paged = await h.caller('responder', 'paged');
    viewer = await h.caller('viewer');
    await json('POST', `/api/v1/users/${commander.userId}/contact-methods`, {
      kind: 'webhook',
      address: `${base}/commander-${env.dialect}`,
    });
    await json('POST', '/api/v1/stakeholders', {
      name: 'Leads',
      kind: 'webhook',
      address: `${base}/stakeholders-${env.dialect}`,
      severities: ['P1'],
    });
    const policy = await json('POST', '/api/v1/escalation-policies', {
      name: 'Checkout on-call',
      levels: [{ delay_seconds: 0, targets: [{ type: 'user', id: paged.userId }] }],
    });
    serviceId = (await json('POST', '/api/v1/services', { name: 'checkout', escalation_policy_id: policy.id })).id;
    engine = engineOf(h.app);
    second = engineOf(createApp(config(), env.database, clock));
  });
  afterAll(async () => {
    await engine.stop();
    await second.stop();
    await h.close();
    await hooks.stop();
  });

  it('creates the post-mortem when a P1 resolves, prefilled from the incident; not for a P2', async () => {
    main = await open({ severity: 'P2', service_id: serviceId, impact: 'About 1,200 checkout users' });
    await bothSweep(); // level 1 pages the on-call person
    later(MINUTE);
    await json('POST', `/api/v1/incidents/${main.id}/severity`, { severity: 'P1', reason: 'revenue impact' });
    later(MINUTE);
    await json('POST', `/api/v1/incidents/${main.id}/phase`, { phase: 'investigation' });
    later(MINUTE);
    await json('POST', `/api/v1/incidents/${main.id}/acknowledge`, {}, commander); // and becomes commander
    later(MINUTE);
    await json('POST', `/api/v1/incidents/${main.id}/notes`, { text: 'Rolled back 4.2.1' }, noter);
    await json('POST', `/api/v1/incidents/${main.id}/notes`, { text: 'Replica promoted', key: true }, noter);
    const followUp = await json(
      'POST',
      '/api/v1/follow-ups',
      {
        incident_id: main.id,
        title: 'Canary deploys',
        kind: 'process',
        owner_id: 'me',
        due_at: '2026-12-20T12:00:00Z',
      },
      commander,
    );
    expectError(await h.call('GET', pmUrl(main), { as: viewer }), 404, 'postmortem.not_found');
    later(40 * MINUTE);
    resolvedAt = clock.now();
    await resolve(main);

    const pm = await getPm(main);
    expect(pm).toMatchObject({
      incident_id: main.id,
      incident_number: main.number,
      severity: 'P1',
      state: 'draft',
      owner: { handle: commander.handle },
      meeting_at: null,
      meeting_window: {
        from: new Date(resolvedAt.getTime() + 24 * HOUR).toISOString(),
        to: new Date(resolvedAt.getTime() + 72 * HOUR).toISOString(),
      },
      published_at: null,
      shared: false,
      warnings: [],
      created_by: { type: 'system' },
    });
    expect(pm.attendees.map((a) => a.handle)).toEqual([commander.handle, noter.handle, paged.handle]);
    expect(pm.sections.map((s) => [s.key, s.version])).toEqual(
      [
        'summary',
        'impact',
        'timeline',
        'root_cause',
        'contributing_factors',
        'went_well',
        'went_badly',
        'lessons',
        'action_items',
      ].map((k) => [k, 1]),
    );
    expect(section(pm, 'impact').text).toBe(
      [
        '- **Users affected:** About 1,200 checkout users',
        '- **Services:** checkout',
        '- **Data loss:** none reported',
        `- **Duration:** 44 min (${String(main.created_at)} → ${resolvedAt.toISOString()})`,
      ].join('\n'),
    );
    expect(pm.timeline.map((e) => [e.kind, e.summary, e.included])).toEqual([
      ['created', 'Triggered: Checkout failing (P2) on checkout', true],
      ['escalated', `Escalated to level 1: paged ${paged.handle}`, true],
      ['severity_changed', 'Severity P2 → P1: revenue impact', true],
      ['phase_changed', 'Phase detection → investigation', true],
      ['acknowledged', `Acknowledged by ${commander.handle}`, true],
      // The key note, and not the plain one before it.
      ['note', `Note by ${noter.handle}: Replica promoted`, true],
      ['resolved', `Resolved by ${admin.handle}`, true],
    ]);
    expect(pm.action_items.map((f) => [f.id, f.postmortem_id])).toEqual([[followUp.id, pm.id]]);
    expect((await json('GET', `/api/v1/follow-ups/${followUp.id}`)).postmortem_id).toBe(pm.id);
    const timeline = (await json('GET', `/api/v1/incidents/${main.id}/timeline`)) as unknown as {
      data: Array<{ kind: string }>;
    };
    expect(timeline.data[0]?.kind).toBe('postmortem_created');

    // A P2 gets none on resolve; one can be made by hand, once, and only once it is resolved.
    const p2 = await open({ severity: 'P2', title: 'Slow search' });
    expectError(await h.call('POST', pmUrl(p2), { as: commander }), 409, 'postmortem.conflict');
    await resolve(p2);
    expectError(await h.call('GET', pmUrl(p2), { as: viewer }), 404, 'postmortem.not_found');
    expectError(await h.call('POST', pmUrl(p2), { as: viewer }), 403, 'auth.forbidden');
    const made = await h.call('POST', pmUrl(p2), { as: commander });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ state: 'draft', owner: { handle: admin.handle }, attendees: [] });
    expectError(await h.call('POST', pmUrl(p2), { as: commander }), 409, 'postmortem.already_exists');
    expectError(
      await h.call('POST', '/api/v1/incidents/INC-20000101-0000/postmortem', { as: admin }),
      404,
      'incident.not_found',
    );
  });

  it('edits sections from their version: a stale version is refused (409), never overwritten', async () => {
    const put = (key: string, body: unknown, as: Caller = commander) =>
      h.call('PUT', pmUrl(main, `/sections/${key}`), { as, body });
    const first = await put('summary', { text: 'Checkout failed for **44 min**.', version: 1 });
    expect(first.statusCode, first.body).toBe(200);
    expect(section(first.json() as Postmortem, 'summary')).toMatchObject({
      text: 'Checkout failed for **44 min**.',
      version: 2,
      updated_by: commander.handle,
    });
    const stale = expectError(
      await put('summary', { text: 'Overwrite', version: 1 }, noter),
      409,
      'postmortem.stale_version',
    );
    expect(stale.details).toMatchObject({ section: 'summary', version: 1, current_version: 2 });
    expect(section(await getPm(main), 'summary')).toMatchObject({
      text: 'Checkout failed for **44 min**.',
      version: 2,
    });

    // Two edits from the same version at once: one is saved, the other refused.
    const racing = await Promise.all([
      put('root_cause', { text: 'A bad deploy', version: 1 }),
      put('root_cause', { text: 'The database', version: 1 }, noter),
    ]);
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = racing.find((r) => r.statusCode === 200)?.json() as Postmortem;
    expect(section(await getPm(main), 'root_cause')).toEqual(section(winner, 'root_cause'));
    expect(section(winner, 'root_cause').version).toBe(2);

    const before = await getPm(main);
    expectError(await put('feelings', { text: 'x', version: 1 }), 404, 'postmortem.section_not_found');
    expectError(await put('summary', { text: 'x', version: 0 }), 400, 'request.invalid');
    expectError(await put('summary', { text: 'x' }), 400, 'request.invalid');
    expectError(await put('summary', { text: 'x', version: 2, extra: 1 }), 400, 'request.invalid');
    expectError(await put('summary', { text: 'x', version: 2 }, viewer), 403, 'auth.forbidden');
    expect(await getPm(main)).toEqual(before);
  });

  it('annotates and excludes timeline entries', async () => {
    const pm = await getPm(main);
    const [created, , , phase] = pm.timeline;
    const patch = (id: string, body: unknown, as: Caller = commander) =>
      h.call('PATCH', pmUrl(main, `/timeline/${id}`), { as, body });
    expect((await patch(phase?.entry_id as string, { included: false })).statusCode).toBe(200);
    const annotated = (
      await patch(created?.entry_id as string, { annotation: 'Alert fired 6 min late' })
    ).json() as Postmortem;
    expect(annotated.timeline.map((e) => [e.kind, e.included, e.annotation])).toEqual([
      ['created', true, 'Alert fired 6 min late'],
      ['escalated', true, null],
      ['severity_changed', true, null],
      ['phase_changed', false, null],
      ['acknowledged', true, null],
      ['note', true, null],
      ['resolved', true, null],
    ]);
    expectError(await patch('evt-none', { included: false }), 404, 'postmortem.entry_not_found');
    expectError(await patch(phase?.entry_id as string, { included: 'no' }), 400, 'request.invalid');
    expectError(await patch(phase?.entry_id as string, { included: true }, viewer), 403, 'auth.forbidden');
  });

  it('sets the meeting (warning outside 24–72 h after resolution), owner and attendees; bad ones refused', async () => {
    const patch = (body: unknown, as: Caller = commander) => h.call('PATCH', pmUrl(main), { as, body });
    const early = new Date(resolvedAt.getTime() + 12 * HOUR).toISOString();
    const res = await patch({ meeting_at: early });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      meeting_at: early,
      warnings: [expect.stringMatching(/12 h after resolution.*24–72 h/)],
    });
    const inside = new Date(resolvedAt.getTime() + 30 * HOUR).toISOString();
    expect((await patch({ meeting_at: inside })).json()).toMatchObject({ meeting_at: inside, warnings: [] });
    const late = new Date(resolvedAt.getTime() + 80 * HOUR).toISOString();
    expect((await patch({ meeting_at: late })).json()).toMatchObject({
      warnings: [expect.stringMatching(/80 h after/)],
    });
    expect((await getPm(main)).warnings).toHaveLength(1);
    expect((await patch({ meeting_at: inside })).json()).toMatchObject({ warnings: [] });
    const timeline = (await json('GET', `/api/v1/incidents/${main.id}/timeline`)) as unknown as {
      data: Array<{ kind: string; data: { meeting_at?: string } }>;
    };
    expect(
      timeline.data.filter((e) => e.kind === 'postmortem_meeting_scheduled').map((e) => e.data.meeting_at),
    ).toEqual([inside, late, inside, early]);

    const changed = (
      await patch({ owner_id: noter.handle, attendees: [commander.handle, paged.userId, commander.userId] })
    ).json() as Postmortem;
    expect(changed.owner?.handle).toBe(noter.handle);
    expect(changed.attendees.map((a) => a.handle)).toEqual([commander.handle, paged.handle]);

    const before = await getPm(main);
    expectError(await patch({ owner_id: 'nobody-here' }), 422, 'postmortem.unknown_owner');
    expectError(await patch({ attendees: [noter.handle, 'nobody-here'] }), 422, 'postmortem.unknown_attendee');
    expectError(await patch({ meeting_at: 'tomorrow' }), 400, 'request.invalid');
    expectError(await patch({ state: 'archived' }), 400, 'request.invalid');
    expectError(await patch({ title: 'x' }), 400, 'request.invalid');
    expectError(await patch({ meeting_at: early }, viewer), 403, 'auth.forbidden');
    expect(await getPm(main)).toEqual(before);
  });

  it('publishes postmortem.meeting_scheduled when the meeting is set or moved, not when cleared or kept', async () => {
    const events: Array<{ incidentId: string; postmortemId: string; meetingAt: string; at: string }> = [];
    const app = h.app;
    const service = createPostmortemsService({
      db: env.database.db,
      clock,
      incidents: app.incidents,
      users: app.users,
      services: app.services,
      followUps: app.followUps,
      tellUser: app.notify.toUser,
      publish: async (_name, e) => {
        events.push({
          incidentId: e.incidentId,
          postmortemId: e.postmortemId,
          meetingAt: e.meetingAt.toISOString(),
          at: e.at.toISOString(),
        });
      },
      autoSeverities: ['P0', 'P1'],
    });
    const other = await open({ title: 'Login slow' });
    await resolve(other);
    const pm = await getPm(other);
    const actor = { type: 'user' as const, id: commander.userId, name: commander.handle, role: 'responder' as const };
    const first = new Date(clock.now().getTime() + 30 * HOUR);
    await service.update(actor, String(other.number), { meetingAt: first });
    await service.update(actor, String(other.number), { meetingAt: first });
    await service.update(actor, String(other.number), { meetingAt: null });
    const moved = new Date(first.getTime() + HOUR);
    await service.update(actor, String(other.number), { meetingAt: moved });
    const at = clock.now().toISOString();
    expect(events).toEqual([
      { incidentId: other.id, postmortemId: pm.id, meetingAt: first.toISOString(), at },
      { incidentId: other.id, postmortemId: pm.id, meetingAt: moved.toISOString(), at },
    ]);
  });

  it('exports Markdown and PDF', async () => {
    const md = await h.call('GET', pmUrl(main, '?format=md'), { as: viewer });
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    const text = md.body;
    expect(text).toContain(`# Post-mortem: ${String(main.number)} Checkout failing`);
    expect(text).toContain(`- **Owner:** Test ${noter.handle} (${noter.handle})`);
    expect(text).toContain('## Summary\n\nCheckout failed for **44 min**.');
    expect(text).toContain('## Impact\n\n- **Users affected:** About 1,200 checkout users');
    expect(text).toContain('| Time (UTC) | What happened | Note |');
    expect(text).toContain('Triggered: Checkout failing (P2) on checkout | Alert fired 6 min late |');
    expect(text).not.toContain('Phase detection');
    expect(text).toContain('| Canary deploys | process |');
    const pdf = await h.call('GET', pmUrl(main, '?format=pdf'), { as: viewer });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.length).toBeGreaterThan(2000);
    expectError(await h.call('GET', pmUrl(main, '?format=docx'), { as: viewer }), 400, 'request.invalid');
  });

  it('shares a read-only link by its own token (stored as a digest), replaced by a new one, revoked', async () => {
    expectError(await h.call('POST', pmUrl(main, '/share'), { as: viewer }), 403, 'auth.forbidden');
    const made = await h.call('POST', pmUrl(main, '/share'), { as: commander });
    expect(made.statusCode).toBe(201);
    const { url, token } = made.json() as { url: string; token: string };
    expect(url).toBe(`/share/postmortems/${token}`);
    const shared = await h.call('GET', url);
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json()).toMatchObject({ id: (await getPm(main)).id, shared: true, incident_number: main.number });
    const md = await h.call('GET', `${url}?format=md`);
    expect(md.body).toContain('## Summary');
    expectError(await h.call('GET', `${url}?format=pdf`), 400, 'request.invalid');
    expect((await dumpDatabase(env.database.db)).text).not.toContain(token);

    const replaced = (await json('POST', pmUrl(main, '/share'), undefined, commander)) as unknown as { url: string };
    expectError(await h.call('GET', url), 404, 'postmortem.not_found');
    expect((await h.call('GET', replaced.url)).statusCode).toBe(200);
    expectError(await h.call('DELETE', pmUrl(main, '/share'), { as: viewer }), 403, 'auth.forbidden');
    expect((await h.call('DELETE', pmUrl(main, '/share'), { as: commander })).statusCode).toBe(204);
    expectError(await h.call('GET', replaced.url), 404, 'postmortem.not_found');
    expect((await getPm(main)).shared).toBe(false);
    expectError(await h.call('GET', '/share/postmortems/vgl_nothing'), 404, 'postmortem.not_found');
  });

  it('moves draft → in_review → published (and back to draft from review); published does not change', async () => {
    const patch = (body: unknown) => h.call('PATCH', pmUrl(main), { as: commander, body });
    expectError(await patch({ state: 'published' }), 409, 'postmortem.invalid_transition');
    expect((await patch({ state: 'in_review' })).json()).toMatchObject({ state: 'in_review' });
    expect((await patch({ state: 'draft' })).json()).toMatchObject({ state: 'draft' });
    await patch({ state: 'in_review' });
    const published = (await patch({ state: 'published' })).json() as Postmortem;
    expect(published).toMatchObject({ state: 'published', published_at: clock.now().toISOString() });
    expectError(await patch({ state: 'draft' }), 409, 'postmortem.invalid_transition');
    expectError(await patch({ meeting_at: null }), 409, 'postmortem.invalid_transition');
    const put = await h.call('PUT', pmUrl(main, '/sections/lessons'), {
      as: commander,
      body: { text: 'Late', version: 1 },
    });
    expectError(put, 409, 'postmortem.invalid_transition');
    const audit = (await json('GET', `/api/v1/audit?target_id=${published.id}&limit=200`)) as unknown as {
      data: Array<{ action: string }>;
    };
    expect(audit.data.map((a) => a.action).slice(0, 4)).toEqual([
      'postmortem.published',
      'postmortem.in_review',
      'postmortem.draft',
      'postmortem.in_review',
    ]);
  });

  it('puts the meeting time in the resolution notification', async () => {
    const told = () =>
      hooks.received.filter(
        (r) => r.path === `/stakeholders-${env.dialect}` && r.body.event === 'notification.resolution',
      );
    const meeting = (await getPm(main)).meeting_at as string;
    const human = `${meeting.slice(0, 16).replace('T', ' ')} UTC`;
    const preview = await json('GET', `/api/v1/incidents/${main.id}/communications/resolution/preview`);
    expect(preview.text).toContain(`Post-mortem meeting scheduled for: ${human}`);

    await json('POST', `/api/v1/incidents/${main.id}/reopen`, {});
    later(MINUTE);
    await resolve(main);
    await bothSweep();
    const last = told().filter((r) => r.body.message?.subject?.includes('Checkout failing'));
    expect(last).toHaveLength(2);
    // The first went out when it resolved, before the post-mortem (or its meeting) existed.
    expect(last[0]?.body.message?.text).toContain('Post-mortem meeting scheduled for: to be scheduled');
    expect(last[1]?.body.message?.text).toContain(`Post-mortem meeting scheduled for: ${human}`);
  });

  it('reminds the owner at 24 h with no meeting and at 72 h unpublished, once each across two instances', async () => {
    const lonely = await open({ title: 'Queue stuck', severity: 'P0' });
    await json('POST', `/api/v1/incidents/${lonely.id}/acknowledge`, {}, commander);
    const planned = await open({ title: 'Cache cold' });
    await json('POST', `/api/v1/incidents/${planned.id}/acknowledge`, {}, commander);
    const t0 = clock.now();
    await resolve(lonely);
    await resolve(planned);
    const lonelyPm = await getPm(lonely);
    const plannedPm = await getPm(planned);
    await json('PATCH', pmUrl(planned), { meeting_at: new Date(t0.getTime() + 30 * HOUR).toISOString() }, commander);

    clock.set(new Date(t0.getTime() + 24 * HOUR - MINUTE));
    await bothSweep();
    expect(reminders(lonelyPm.id)).toEqual([]);
    clock.set(new Date(t0.getTime() + 24 * HOUR));
    await bothSweep();
    await bothSweep();
    expect(reminders(lonelyPm.id).map((r) => [r.path, r.body.reminder])).toEqual([
      [`/commander-${env.dialect}`, 'meeting'],
    ]);
    expect(reminders(lonelyPm.id)[0]?.body.message?.subject).toMatch(/no meeting scheduled yet: INC-.* Queue stuck/);
    expect(reminders(plannedPm.id)).toEqual([]);

    await json('PATCH', pmUrl(planned), { state: 'in_review' }, commander);
    await json('PATCH', pmUrl(planned), { state: 'published' }, commander);
    clock.set(new Date(t0.getTime() + 72 * HOUR));
    await bothSweep();
    await bothSweep();
    expect(reminders(lonelyPm.id).map((r) => r.body.reminder)).toEqual(['meeting', 'publish']);
    expect(reminders(plannedPm.id)).toEqual([]);
    clock.set(new Date(t0.getTime() + 200 * HOUR));
    await bothSweep();
    expect(reminders(lonelyPm.id)).toHaveLength(2);
  });
});
