// Follow-ups end to end on both dialects: adding, reading and changing them over HTTP by role, every bad
// input refused with nothing stored, the filters and pagination of the list with overdue flagged, the
// incident's timeline and the audit log, and the owner's reminders (the day before and the due day, in the
// owner's zone) sent once each by two instances sweeping one database, none once a follow-up is closed.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import type { Engine } from '../src/engine/index.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness } from './http-harness.js';
import { receiver } from './receiver.js';

type Json = Record<string, unknown> & { id: string };
type Page = { data: Json[]; next_cursor: string | null };
const HOUR = 3_600_000;

describeEachDialect('follow-ups', (env) => {
  const hooks = receiver();
  const clock = new FakeClock('2026-12-07T08:00:00Z');
  const config = () => testConfig({ notify: { ...testConfig().notify, outboundAllow: '127.0.0.1/32' } });
  let h: Harness;
  let admin: Caller;
  let owner: Caller;
  let viewer: Caller;
  let incident: Json;
  let engine: Engine;
  let second: Engine;

  function engineOf(app: App): Engine {
    return app.engine.start({ info: vi.fn(), error: vi.fn() }, 0, { wake: false });
  }
  async function json(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, as: Caller = owner) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Json;
  }
  const list = async (query = '', as: Caller = owner) =>
    (await json('GET', `/api/v1/follow-ups${query}`, undefined, as)) as unknown as Page;
  const at = (hoursFromNow: number) => new Date(clock.now().getTime() + hoursFromNow * HOUR).toISOString();
  const add = (body: Record<string, unknown> = {}, as: Caller = owner) =>
    json(
      'POST',
      '/api/v1/follow-ups',
      {
        incident_id: incident.number,
        title: 'Alert on disk usage above 80%',
        kind: 'monitoring',
        owner_id: 'me',
        due_at: at(72),
        ...body,
      },
      as,
    );
  const timelineOf = async (id: string) =>
    (await json('GET', `/api/v1/incidents/${id}/timeline`, undefined, viewer)) as unknown as {
      data: Array<{ kind: string; data: Record<string, unknown> }>;
    };
  const reminders = (id: string) =>
    hooks.received.filter(
      (r) => (r.body as { follow_up?: { id?: string } }).follow_up?.id === id && r.body.event === 'follow_up.reminder',
    );

  beforeAll(async () => {
    const base = await hooks.start();
    h = await startHarness(env, { clock, config: config() });
    admin = await h.caller('admin');
    owner = await h.caller('responder', 'owner');
    viewer = await h.caller('viewer');
    await json('PATCH', `/api/v1/users/${owner.userId}`, { timezone: 'Europe/Berlin' }, admin);
    await json('POST', `/api/v1/users/${owner.userId}/contact-methods`, {
      kind: 'webhook',
      address: `${base}/owner-${env.dialect}`,
    });
    incident = await json('POST', '/api/v1/incidents', { title: 'Database disk full', severity: 'P1' }, admin);
    engine = engineOf(h.app);
    second = engineOf(createApp(config(), env.database, clock));
  });
  afterAll(async () => {
    await engine.stop();
    await second.stop();
    await h.close();
    await hooks.stop();
  });

  it('adds a follow-up (responder), which every role reads, with a timeline entry and an audit row', async () => {
    const created = await add({ priority: 'high', external_url: 'https://tracker.example.com/OPS-12' });
    expect(created).toMatchObject({
      incident_id: incident.id,
      incident_number: incident.number,
      postmortem_id: null,
      title: 'Alert on disk usage above 80%',
      kind: 'monitoring',
      owner_id: owner.userId,
      owner: owner.handle,
      due_at: at(72),
      priority: 'high',
      status: 'outstanding',
      reason: null,
      external_url: 'https://tracker.example.com/OPS-12',
      overdue: false,
      completed_at: null,
      created_by: { name: owner.handle },
    });
    expect(await json('GET', `/api/v1/follow-ups/${created.id}`, undefined, viewer)).toEqual(created);
    const withDefaults = await add({ owner_id: owner.handle, postmortem_id: 'pm-not-yet' }, admin);
    expect(withDefaults).toMatchObject({ priority: 'medium', postmortem_id: 'pm-not-yet', owner_id: owner.userId });

    const timeline = await timelineOf(incident.id);
    expect(timeline.data.filter((e) => e.kind === 'follow_up_added').map((e) => e.data.follow_up_id)).toEqual([
      withDefaults.id,
      created.id,
    ]);
    const audit = (await json('GET', `/api/v1/audit?target_id=${created.id}`, undefined, admin)) as unknown as Page;
    expect(audit.data.map((a) => a.action)).toEqual(['follow_up.create']);

    expectError(await h.call('POST', '/api/v1/follow-ups', { as: viewer, body: {} }), 400, 'request.invalid');
    const denied = await h.call('POST', '/api/v1/follow-ups', {
      as: viewer,
      body: { incident_id: incident.id, title: 'x', kind: 'process', owner_id: owner.userId, due_at: at(5) },
    });
    expectError(denied, 403, 'auth.forbidden');
    const created2 = await h.call('PATCH', `/api/v1/follow-ups/${created.id}`, {
      as: viewer,
      body: { status: 'completed' },
    });
    expectError(created2, 403, 'auth.forbidden');
  });

  it('refuses bad input with a clear 4xx and stores nothing', async () => {
    const before = await list('?status=outstanding&limit=200');
    const auditBefore = (await json('GET', '/api/v1/audit?limit=200', undefined, admin)) as unknown as Page;
    const good = {
      incident_id: incident.id,
      title: 'Write the restore runbook',
      kind: 'process',
      owner_id: owner.userId,
      due_at: at(24),
    };
    const post = (body: Record<string, unknown>) => h.call('POST', '/api/v1/follow-ups', { as: owner, body });
    expect(expectError(await post({ ...good, due_at: at(-1) }), 400, 'follow_up.invalid').message).toMatch(/due_at/);
    expectError(await post({ ...good, due_at: clock.now().toISOString() }), 400, 'follow_up.invalid');
    expect(
      expectError(await post({ ...good, owner_id: 'nobody-here' }), 422, 'follow_up.unknown_owner').message,
    ).toMatch(/not a user/);
    expectError(await post({ ...good, incident_id: 'INC-20000101-0000' }), 404, 'incident.not_found');
    expectError(await post({ ...good, assignee: 'x' }), 400, 'request.invalid');
    expectError(await post({ ...good, status: 'completed' }), 400, 'request.invalid');
    expectError(await post({ ...good, kind: 'hope' }), 400, 'request.invalid');
    expectError(await post({ ...good, priority: 'whenever' }), 400, 'request.invalid');
    for (const url of ['ftp://tracker.example.com/1', 'javascript:alert(1)', 'tracker.example.com/1'])
      expectError(await post({ ...good, external_url: url }), 400, 'request.invalid');
    expectError(await post({ ...good, due_at: 'next week' }), 400, 'request.invalid');

    const target = before.data[0] as Json;
    const patch = (body: Record<string, unknown>) =>
      h.call('PATCH', `/api/v1/follow-ups/${target.id}`, { as: owner, body });
    expect(expectError(await patch({ status: 'not_doing' }), 400, 'follow_up.invalid').message).toMatch(/reason/);
    expectError(await patch({ owner_id: 'nobody-here' }), 422, 'follow_up.unknown_owner');
    expectError(await patch({ external_url: 'file:///etc/passwd' }), 400, 'request.invalid');
    expectError(await patch({ incident_id: incident.id }), 400, 'request.invalid');
    expectError(
      await h.call('PATCH', '/api/v1/follow-ups/fu-none', { as: owner, body: {} }),
      404,
      'follow_up.not_found',
    );
    expectError(await h.call('GET', '/api/v1/follow-ups/fu-none', { as: owner }), 404, 'follow_up.not_found');
    expectError(
      await h.call('GET', '/api/v1/follow-ups?owner_id=nobody-here', { as: owner }),
      422,
      'follow_up.unknown_owner',
    );
    expectError(await h.call('GET', '/api/v1/follow-ups?incident_id=INC-x', { as: owner }), 404, 'incident.not_found');
    expectError(await h.call('GET', '/api/v1/follow-ups?overdue=yes', { as: owner }), 400, 'request.invalid');

    expect(await list('?status=outstanding&limit=200')).toEqual(before);
    const auditAfter = (await json('GET', '/api/v1/audit?limit=200', undefined, admin)) as unknown as Page;
    expect(auditAfter.data.length).toBe(auditBefore.data.length);
  });

  it('lists newest first with filters, cursor pages and overdue; status changes reach the timeline', async () => {
    const other = await json('POST', '/api/v1/incidents', { title: 'Checkout slow', severity: 'P2' }, admin);
    const soon = await add({
      incident_id: other.id,
      title: 'Train on the slow-query log',
      kind: 'training',
      due_at: at(2),
    });
    const someoneElse = await add({ incident_id: other.id, owner_id: admin.userId, kind: 'technical' }, admin);

    expect((await list(`?incident_id=${String(other.number)}`)).data.map((f) => f.id)).toEqual([
      someoneElse.id,
      soon.id,
    ]);
    expect((await list(`?owner_id=me&incident_id=${other.id}`)).data.map((f) => f.id)).toEqual([soon.id]);
    expect((await list(`?owner_id=${admin.handle}`)).data.map((f) => f.id)).toEqual([someoneElse.id]);
    expect((await list('?kind=training')).data.map((f) => f.id)).toEqual([soon.id]);

    const all = await list();
    const first = await list('?limit=2');
    expect(first.data.map((f) => f.id)).toEqual(all.data.slice(0, 2).map((f) => f.id));
    const rest = await list(`?limit=200&cursor=${String(first.next_cursor)}`);
    expect([...first.data, ...rest.data].map((f) => f.id)).toEqual(all.data.map((f) => f.id));
    expect(rest.next_cursor).toBeNull();

    expect((await list('?overdue=true')).data).toEqual([]);
    clock.advance(3 * HOUR);
    const overdue = await list('?overdue=true');
    expect(overdue.data.map((f) => [f.id, f.overdue])).toEqual([[soon.id, true]]);
    expect((await json('GET', `/api/v1/follow-ups/${soon.id}`, undefined, viewer)).overdue).toBe(true);
    expect((await list('?overdue=true&status=completed')).data).toEqual([]);

    const done = await json('PATCH', `/api/v1/follow-ups/${soon.id}`, { status: 'completed' });
    expect(done).toMatchObject({ status: 'completed', overdue: false, completed_at: clock.now().toISOString() });
    const skipped = await json('PATCH', `/api/v1/follow-ups/${someoneElse.id}`, {
      status: 'not_doing',
      reason: 'the new autoscaler covers it',
    });
    expect(skipped).toMatchObject({ status: 'not_doing', reason: 'the new autoscaler covers it' });
    const gone = await json('PATCH', `/api/v1/follow-ups/${someoneElse.id}`, { status: 'deleted' });
    expect(gone.status).toBe('deleted');
    expect((await list(`?incident_id=${other.id}`)).data.map((f) => f.id)).toEqual([soon.id]);
    expect((await list(`?incident_id=${other.id}&status=deleted`)).data.map((f) => f.id)).toEqual([someoneElse.id]);
    expectError(
      await h.call('PATCH', `/api/v1/follow-ups/${someoneElse.id}`, { as: owner, body: { title: 'back' } }),
      409,
      'follow_up.conflict',
    );
    const timeline = await timelineOf(other.id);
    expect(
      timeline.data.filter((e) => e.kind.startsWith('follow_up_')).map((e) => [e.kind, e.data.to ?? null]),
    ).toEqual([
      ['follow_up_deleted', 'deleted'],
      ['follow_up_not_doing', 'not_doing'],
      ['follow_up_completed', 'completed'],
      ['follow_up_added', null],
      ['follow_up_added', null],
    ]);
    const audit = (await json('GET', `/api/v1/audit?target_id=${someoneElse.id}`, undefined, admin)) as unknown as Page;
    expect(audit.data.map((a) => a.action)).toEqual(['follow_up.deleted', 'follow_up.not_doing', 'follow_up.create']);
    const edited = await json('PATCH', `/api/v1/follow-ups/${soon.id}`, { title: 'Train everyone', priority: 'low' });
    expect(edited).toMatchObject({ title: 'Train everyone', priority: 'low', status: 'completed' });
    const editAudit = (await json('GET', `/api/v1/audit?target_id=${soon.id}`, undefined, admin)) as unknown as Page;
    expect(editAudit.data.map((a) => a.action)).toEqual([
      'follow_up.update',
      'follow_up.completed',
      'follow_up.create',
    ]);
  });

  it("reminds the owner the day before and on the due day (owner's zone), once each across two instances", async () => {
    // Now 2026-12-07T11:00Z. Due 2026-12-10T06:30Z: 07:30 in Berlin on the 10th, so the owner is reminded
    // at 09:00 Berlin (08:00Z) on the 9th and at the due time itself on the 10th.
    const f = await add({ title: 'Tune autovacuum', kind: 'technical', due_at: '2026-12-10T06:30:00Z' });
    const closed = await add({ title: 'Closed before its reminders', due_at: '2026-12-10T06:30:00Z' });
    await json('PATCH', `/api/v1/follow-ups/${closed.id}`, { status: 'completed' });
    const bothSweep = async () => {
      await Promise.all([engine.sweep(), second.sweep()]);
      await Promise.all([engine.deliver(), second.deliver()]);
    };

    clock.set(new Date('2026-12-09T07:59:00Z'));
    await bothSweep();
    expect(reminders(f.id)).toEqual([]);
    clock.set(new Date('2026-12-09T08:00:00Z'));
    await bothSweep();
    await bothSweep();
    expect(reminders(f.id).map((r) => [r.path, r.body.reminder])).toEqual([[`/owner-${env.dialect}`, 'day_before']]);
    expect(reminders(f.id)[0]?.body.message?.subject).toMatch(/due tomorrow: Tune autovacuum \(INC-/);

    clock.set(new Date('2026-12-10T06:30:00Z'));
    await bothSweep();
    await bothSweep();
    expect(reminders(f.id).map((r) => r.body.reminder)).toEqual(['day_before', 'due_day']);
    expect(reminders(closed.id)).toEqual([]);

    // Moved to a later day: new reminders for the new days; leaving outstanding cancels them.
    const moved = await json('PATCH', `/api/v1/follow-ups/${f.id}`, { due_at: '2026-12-12T12:00:00Z' });
    expect(moved.overdue).toBe(false);
    clock.set(new Date('2026-12-11T08:00:00Z'));
    await bothSweep();
    expect(reminders(f.id).map((r) => r.body.reminder)).toEqual(['day_before', 'due_day', 'day_before']);
    await json('PATCH', `/api/v1/follow-ups/${f.id}`, { status: 'not_doing', reason: 'superseded by OPS-99' });
    clock.set(new Date('2026-12-12T12:00:00Z'));
    await bothSweep();
    expect(reminders(f.id)).toHaveLength(3);
  });
});
