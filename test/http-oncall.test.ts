// The on-call features over HTTP on both dialects: people's time zones and contact methods, schedules
// with their overrides, fixed schedules and "who is on call", escalation policies (the seed chain
// included), teams, services' policies and maintenance windows, escalating an incident and its pages,
// and the iCal feeds with their tokens.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness, type Response } from './http-harness.js';

const SEC = 1000;
const HOUR = 3600 * SEC;
const DAY = 24 * HOUR;
const START = '2030-03-02T00:00:00.000Z';
/** The daily rotation used throughout: the first shift starts here, handoffs every day at 09:00 UTC. */
const HANDOFF = '2030-03-01T09:00:00.000Z';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const at = (s: string, plusMs = 0) => new Date(new Date(s).getTime() + plusMs).toISOString();

describeEachDialect('HTTP on-call', (env) => {
  let h: Harness;
  let admin: Caller;
  let alice: Caller;
  let bob: Caller;
  let carol: Caller;
  let viewer: Caller;

  beforeAll(async () => {
    h = await startHarness(env, { clock: new FakeClock(START) });
    admin = await h.caller('admin', 'oc-admin');
    alice = await h.caller('responder', 'alice');
    bob = await h.caller('responder', 'bob');
    carol = await h.caller('responder', 'carol');
    viewer = await h.caller('viewer', 'oc-viewer');
  });
  afterAll(async () => h?.close());

  const ok = (res: Response, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const daily = (participants: string[], extra: Record<string, unknown> = {}) => ({
    name: unique('sched'),
    timezone: 'UTC',
    layers: [{ name: 'primary', rotation: { kind: 'daily', handoff_at: HANDOFF, participants } }],
    ...extra,
  });
  const createSchedule = async (body: Record<string, unknown>) =>
    ok(await h.call('POST', '/api/v1/schedules', { as: admin, body }), 201) as { id: string; name: string };
  const onCall = async (id: string, when: string, as: Caller = viewer) =>
    ok(await h.call('GET', `/api/v1/schedules/${id}/oncall?at=${encodeURIComponent(when)}`, { as }))
      .user_ids as string[];
  const createPolicy = async (body: Record<string, unknown>) =>
    ok(await h.call('POST', '/api/v1/escalation-policies', { as: admin, body }), 201) as { id: string; name: string };
  const createService = async (body: Record<string, unknown> = {}) =>
    ok(await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique('oc-svc'), ...body } }), 201) as {
      id: string;
      name: string;
    };

  // People

  it('creates users with a time zone (UTC by default) and names `timezone` when it is unknown', async () => {
    const handle = unique('tz');
    const berlin = ok(
      await h.call('POST', '/api/v1/users', {
        as: admin,
        body: { handle, name: 'Berliner', email: `${handle}@example.test`, timezone: 'Europe/Berlin' },
      }),
      201,
    );
    expect(berlin).toMatchObject({ handle, timezone: 'Europe/Berlin' });
    expect(ok(await h.call('GET', `/api/v1/users/${handle}`, { as: viewer })).timezone).toBe('Europe/Berlin');

    const plain = unique('tz-utc');
    expect(
      ok(
        await h.call('POST', '/api/v1/users', {
          as: admin,
          body: { handle: plain, name: 'Plain', email: `${plain}@example.test` },
        }),
        201,
      ).timezone,
    ).toBe('UTC');

    const mars = unique('tz-mars');
    const error = expectError(
      await h.call('POST', '/api/v1/users', {
        as: admin,
        body: { handle: mars, name: 'Martian', email: `${mars}@example.test`, timezone: 'Mars/Olympus' },
      }),
      400,
      'request.invalid',
    );
    expect(error.message).toContain('timezone');
    expect(error.details).toMatchObject({ errors: [expect.objectContaining({ field: 'body.timezone' })] });
    expectError(await h.call('GET', `/api/v1/users/${mars}`, { as: admin }), 404, 'user.not_found');

    const patched = ok(
      await h.call('PATCH', `/api/v1/users/${plain}`, { as: admin, body: { timezone: 'America/New_York' } }),
    );
    expect(patched.timezone).toBe('America/New_York');
    expectError(
      await h.call('PATCH', `/api/v1/users/${plain}`, { as: admin, body: { timezone: 'Mars/Olympus' } }),
      400,
      'request.invalid',
    );
  });

  it('lets a responder add, list and delete their own contact methods, and only admins verify', async () => {
    const base = `/api/v1/users/${alice.userId}/contact-methods`;
    const added = ok(await h.call('POST', base, { as: alice, body: { kind: 'sms', address: '+4915112345678' } }), 201);
    expect(added).toMatchObject({ kind: 'sms', address: '+4915112345678', verified: false });
    expect(added.id).toEqual(expect.any(String));
    expect(added.created_at).toMatch(ISO);
    const byHandle = ok(
      await h.call('POST', `/api/v1/users/${alice.handle}/contact-methods`, {
        as: alice,
        body: { kind: 'email', address: `${alice.handle}@example.test` },
      }),
      201,
    );

    const listed = ok(await h.call('GET', base, { as: alice }));
    expect(listed.next_cursor).toBeNull();
    expect((listed.data as Array<{ id: string }>).map((m) => m.id).sort()).toEqual([added.id, byHandle.id].sort());

    expectError(
      await h.call('POST', base, { as: alice, body: { kind: 'sms', address: '+4915112345678' } }),
      409,
      'contact_method.already_exists',
    );
    expectError(
      await h.call('POST', base, { as: alice, body: { kind: 'pigeon', address: 'roof' } }),
      400,
      'request.invalid',
    );
    expectError(
      await h.call('POST', base, { as: alice, body: { kind: 'sms', address: '   ' } }),
      400,
      'request.invalid',
    );

    expectError(
      await h.call('PATCH', `${base}/${added.id}`, { as: alice, body: { verified: true } }),
      403,
      'auth.forbidden',
    );
    expect(ok(await h.call('PATCH', `${base}/${added.id}`, { as: admin, body: { verified: true } }))).toMatchObject({
      id: added.id,
      verified: true,
    });
    expect(ok(await h.call('PATCH', `${base}/${added.id}`, { as: admin, body: { verified: false } })).verified).toBe(
      false,
    );
    expectError(
      await h.call('PATCH', `${base}/cm_missing`, { as: admin, body: { verified: true } }),
      404,
      'contact_method.not_found',
    );

    const del = await h.call('DELETE', `${base}/${added.id}`, { as: alice });
    expect(del.statusCode, del.body).toBe(204);
    expectError(await h.call('DELETE', `${base}/${added.id}`, { as: alice }), 404, 'contact_method.not_found');
    expect((ok(await h.call('GET', base, { as: alice })).data as Array<{ id: string }>).map((m) => m.id)).toEqual([
      byHandle.id,
    ]);
  });

  it('refuses a responder adding or deleting someone else’s contact method (403); an admin may', async () => {
    const base = `/api/v1/users/${bob.userId}/contact-methods`;
    expectError(
      await h.call('POST', base, { as: alice, body: { kind: 'email', address: 'mallory@example.test' } }),
      403,
      'auth.forbidden',
    );
    expectError(
      await h.call('POST', base, { as: viewer, body: { kind: 'email', address: 'mallory@example.test' } }),
      403,
      'auth.forbidden',
    );
    const method = ok(
      await h.call('POST', base, {
        as: admin,
        body: { kind: 'slack', address: 'https://hooks.slack.com/services/T000/B000/XXXX' },
      }),
      201,
    );
    // Addresses a channel could never use, or that the SSRF guard forbids, are refused when saved.
    expect(
      expectError(
        await h.call('POST', base, {
          as: admin,
          body: { kind: 'webhook', address: 'http://169.254.169.254/latest/meta-data/' },
        }),
        400,
        'contact_method.invalid',
      ).message,
    ).toContain('cloud metadata address 169.254.169.254');
    expect(
      expectError(
        await h.call('POST', base, { as: admin, body: { kind: 'webhook', address: 'http://2130706433/' } }),
        400,
        'contact_method.invalid',
      ).message,
    ).toContain('loopback address 127.0.0.1');
    expect(
      expectError(
        await h.call('POST', base, { as: admin, body: { kind: 'sms', address: 'call me' } }),
        400,
        'contact_method.invalid',
      ).message,
    ).toContain('E.164');
    expect(
      expectError(
        await h.call('POST', base, { as: admin, body: { kind: 'email', address: 'bob at example' } }),
        400,
        'contact_method.invalid',
      ).message,
    ).toContain('email address');
    expectError(await h.call('DELETE', `${base}/${method.id}`, { as: alice }), 403, 'auth.forbidden');
    expect((ok(await h.call('GET', base, { as: bob })).data as Array<{ id: string }>).map((m) => m.id)).toEqual([
      method.id,
    ]);
    // Addresses are personal: others see them only as admins.
    expectError(await h.call('GET', base, { as: alice }), 403, 'auth.forbidden');
    expectError(await h.call('GET', base, { as: viewer }), 403, 'auth.forbidden');
    expect(ok(await h.call('GET', base, { as: admin })).data).toHaveLength(1);
    // A method id under the wrong user is not found there.
    expectError(
      await h.call('DELETE', `/api/v1/users/${alice.userId}/contact-methods/${method.id}`, { as: alice }),
      404,
      'contact_method.not_found',
    );
    expect((await h.call('DELETE', `${base}/${method.id}`, { as: admin })).statusCode).toBe(204);
    expectError(await h.call('GET', '/api/v1/users/usr_nobody/contact-methods', { as: admin }), 404, 'user.not_found');
  });

  // Schedules

  it('creates, gets, lists, patches and deletes a schedule', async () => {
    const body = daily([alice.userId, bob.handle]);
    const created = ok(await h.call('POST', '/api/v1/schedules', { as: admin, body }), 201);
    expect(created).toMatchObject({
      name: body.name,
      description: null,
      timezone: 'UTC',
      // Participants given by handle are stored by id.
      layers: [
        {
          name: 'primary',
          rotation: {
            kind: 'daily',
            shift_seconds: null,
            handoff_at: HANDOFF,
            participants: [alice.userId, bob.userId],
          },
          restrictions: [],
        },
      ],
      created_at: START,
      updated_at: START,
    });
    const id = created.id as string;
    expect(ok(await h.call('GET', `/api/v1/schedules/${id}`, { as: viewer }))).toEqual(created);
    expect(ok(await h.call('GET', `/api/v1/schedules/${encodeURIComponent(body.name)}`, { as: viewer }))).toEqual(
      created,
    );
    const list = ok(await h.call('GET', '/api/v1/schedules?limit=200', { as: viewer }));
    expect((list.data as Array<{ id: string }>).map((s) => s.id)).toContain(id);
    expect(list).toHaveProperty('next_cursor');

    expectError(await h.call('POST', '/api/v1/schedules', { as: admin, body }), 409, 'schedule.already_exists');
    expectError(
      await h.call('POST', '/api/v1/schedules', { as: alice, body: daily([alice.userId]) }),
      403,
      'auth.forbidden',
    );
    expectError(
      await h.call('PATCH', `/api/v1/schedules/${id}`, { as: alice, body: { description: 'x' } }),
      403,
      'auth.forbidden',
    );

    const renamed = unique('sched-renamed');
    const patched = ok(
      await h.call('PATCH', `/api/v1/schedules/${id}`, {
        as: admin,
        body: { name: renamed, description: 'primary on-call', timezone: 'Europe/Berlin' },
      }),
    );
    expect(patched).toMatchObject({
      id,
      name: renamed,
      description: 'primary on-call',
      timezone: 'Europe/Berlin',
      layers: created.layers,
    });
    const relayered = ok(
      await h.call('PATCH', `/api/v1/schedules/${id}`, {
        as: admin,
        body: {
          layers: [{ name: 'weekly', rotation: { kind: 'weekly', handoff_at: HANDOFF, participants: [carol.userId] } }],
        },
      }),
    );
    expect(relayered.layers).toEqual([
      {
        name: 'weekly',
        rotation: { kind: 'weekly', shift_seconds: null, handoff_at: HANDOFF, participants: [carol.userId] },
        restrictions: [],
      },
    ]);
    expect(await onCall(id, '2030-03-03T12:00:00Z')).toEqual([carol.userId]);

    const del = await h.call('DELETE', `/api/v1/schedules/${id}`, { as: admin });
    expect(del.statusCode, del.body).toBe(204);
    expectError(await h.call('GET', `/api/v1/schedules/${id}`, { as: admin }), 404, 'schedule.not_found');
    expectError(await h.call('DELETE', `/api/v1/schedules/${id}`, { as: admin }), 404, 'schedule.not_found');
    expectError(await h.call('GET', `/api/v1/schedules/${id}/oncall`, { as: admin }), 404, 'schedule.not_found');
    expectError(await h.call('GET', `/api/v1/schedules/${id}/shifts`, { as: admin }), 404, 'schedule.not_found');
  });

  it('names the field of each invalid schedule', async () => {
    const unknown = expectError(
      await h.call('POST', '/api/v1/schedules', { as: admin, body: daily([alice.userId, 'usr_nobody']) }),
      400,
      'schedule.invalid',
    );
    expect(unknown.message).toContain('layers[0].rotation.participants[1]');
    expect(unknown.message).toContain('usr_nobody');

    const custom = {
      name: unique('custom'),
      timezone: 'UTC',
      layers: [{ name: 'l', rotation: { kind: 'custom', handoff_at: HANDOFF, participants: [alice.userId] } }],
    };
    const noShift = expectError(
      await h.call('POST', '/api/v1/schedules', { as: admin, body: custom }),
      400,
      'request.invalid',
    );
    expect(noShift.message).toContain('body.layers.0.rotation.shift_seconds');

    const withShift = {
      ...custom,
      layers: [
        {
          name: 'l',
          rotation: {
            kind: 'custom',
            shift_seconds: 12 * 3600,
            handoff_at: HANDOFF,
            participants: [alice.userId, bob.userId],
          },
        },
      ],
    };
    const twelve = ok(await h.call('POST', '/api/v1/schedules', { as: admin, body: withShift }), 201);
    expect(twelve.layers[0].rotation.shift_seconds).toBe(43_200);
    expect(await onCall(twelve.id, '2030-03-01T21:00:00Z')).toEqual([bob.userId]);

    const restricted = daily([alice.userId], {});
    restricted.layers = [
      {
        ...restricted.layers[0]!,
        restrictions: [{ start: '25:00', end: '17:00' }],
      } as (typeof restricted.layers)[number],
    ];
    const badTime = expectError(
      await h.call('POST', '/api/v1/schedules', { as: admin, body: restricted }),
      400,
      'request.invalid',
    );
    expect(badTime.message).toContain('body.layers.0.restrictions.0.start');

    const badZone = expectError(
      await h.call('POST', '/api/v1/schedules', {
        as: admin,
        body: daily([alice.userId], { timezone: 'Mars/Olympus' }),
      }),
      400,
      'request.invalid',
    );
    expect(badZone.message).toContain('body.timezone');
    const badKind = expectError(
      await h.call('POST', '/api/v1/schedules', {
        as: admin,
        body: {
          ...daily([alice.userId]),
          layers: [{ name: 'l', rotation: { kind: 'monthly', handoff_at: HANDOFF, participants: [alice.userId] } }],
        },
      }),
      400,
      'request.invalid',
    );
    expect(badKind.message).toContain('body.layers.0.rotation.kind');
    const noParticipants = expectError(
      await h.call('POST', '/api/v1/schedules', { as: admin, body: daily([]) }),
      400,
      'request.invalid',
    );
    expect(noParticipants.message).toContain('body.layers.0.rotation.participants');
    const badHandoff = expectError(
      await h.call('POST', '/api/v1/schedules', {
        as: admin,
        body: {
          ...daily([alice.userId]),
          layers: [{ name: 'l', rotation: { kind: 'daily', handoff_at: 'tomorrow', participants: [alice.userId] } }],
        },
      }),
      400,
      'request.invalid',
    );
    expect(badHandoff.message).toContain('body.layers.0.rotation.handoff_at');
  });

  it('answers who is on call and the shifts of a daily rotation, exactly', async () => {
    const schedule = await createSchedule(daily([alice.userId, bob.userId, carol.userId]));
    expect(await onCall(schedule.id, '2030-03-01T09:00:00Z')).toEqual([alice.userId]);
    expect(await onCall(schedule.id, '2030-03-02T08:59:59.999Z')).toEqual([alice.userId]);
    expect(await onCall(schedule.id, '2030-03-02T09:00:00Z')).toEqual([bob.userId]);
    expect(await onCall(schedule.id, '2030-03-03T09:00:00Z')).toEqual([carol.userId]);
    expect(await onCall(schedule.id, '2030-03-04T10:00:00+01:00')).toEqual([alice.userId]);
    // Before the first shift nobody is on call.
    expect(await onCall(schedule.id, '2030-03-01T08:00:00Z')).toEqual([]);

    const res = ok(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/oncall?at=2030-03-02T12:00:00Z`, { as: viewer }),
    );
    expect(res).toEqual({
      schedule_id: schedule.id,
      name: schedule.name,
      at: '2030-03-02T12:00:00.000Z',
      user_ids: [bob.userId],
    });
    // Without `at`: now, from the server's clock.
    expect(ok(await h.call('GET', `/api/v1/schedules/${schedule.name}/oncall`, { as: viewer }))).toEqual({
      schedule_id: schedule.id,
      name: schedule.name,
      at: h.clock.now().toISOString(),
      user_ids: [alice.userId],
    });

    const shifts = ok(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/shifts?from=2030-03-02T00:00:00Z&to=2030-03-05T00:00:00Z`, {
        as: viewer,
      }),
    );
    expect(shifts).toEqual({
      from: '2030-03-02T00:00:00.000Z',
      to: '2030-03-05T00:00:00.000Z',
      data: [
        {
          user_id: alice.userId,
          start: '2030-03-02T00:00:00.000Z',
          end: '2030-03-02T09:00:00.000Z',
          source: 'rotation',
          layer: 'primary',
        },
        {
          user_id: bob.userId,
          start: '2030-03-02T09:00:00.000Z',
          end: '2030-03-03T09:00:00.000Z',
          source: 'rotation',
          layer: 'primary',
        },
        {
          user_id: carol.userId,
          start: '2030-03-03T09:00:00.000Z',
          end: '2030-03-04T09:00:00.000Z',
          source: 'rotation',
          layer: 'primary',
        },
        {
          user_id: alice.userId,
          start: '2030-03-04T09:00:00.000Z',
          end: '2030-03-05T00:00:00.000Z',
          source: 'rotation',
          layer: 'primary',
        },
      ],
    });
    // Without a window: the next 14 days from now.
    const fortnight = ok(await h.call('GET', `/api/v1/schedules/${schedule.id}/shifts`, { as: viewer }));
    expect(fortnight.from).toBe(h.clock.now().toISOString());
    expect(fortnight.to).toBe(at(h.clock.now().toISOString(), 14 * DAY));
    expect(fortnight.data).toHaveLength(15);

    expectError(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/shifts?from=2030-01-01T00:00:00Z&to=2030-06-01T00:00:00Z`, {
        as: viewer,
      }),
      400,
      'schedule.invalid_window',
    );
    expectError(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/shifts?from=2030-03-05T00:00:00Z&to=2030-03-02T00:00:00Z`, {
        as: viewer,
      }),
      400,
      'schedule.invalid_window',
    );
    expectError(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/shifts?from=yesterday`, { as: viewer }),
      400,
      'request.invalid',
    );
    expectError(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/oncall?at=noon`, { as: viewer }),
      400,
      'request.invalid',
    );
  });

  it('lets responders add, list and delete overrides (not viewers), and /oncall follows them', async () => {
    const schedule = await createSchedule(daily([alice.userId, bob.userId]));
    const base = `/api/v1/schedules/${schedule.id}/overrides`;
    // Bob is on call Mar 2 09:00 – Mar 3 09:00; Carol takes 12:00–18:00 of it.
    const replace = ok(
      await h.call('POST', base, {
        as: alice,
        body: {
          user_id: carol.userId,
          replaces_user_id: bob.handle,
          start: '2030-03-02T12:00:00Z',
          end: '2030-03-02T18:00:00Z',
        },
      }),
      201,
    );
    expect(replace).toEqual({
      id: expect.any(String),
      user_id: carol.userId,
      replaces_user_id: bob.userId,
      start: '2030-03-02T12:00:00.000Z',
      end: '2030-03-02T18:00:00.000Z',
    });
    expect(await onCall(schedule.id, '2030-03-02T11:59:00Z')).toEqual([bob.userId]);
    expect(await onCall(schedule.id, '2030-03-02T12:00:00Z')).toEqual([carol.userId]);
    expect(await onCall(schedule.id, '2030-03-02T18:00:00Z')).toEqual([bob.userId]);
    // Adding a person alongside, and removing one.
    const add = ok(
      await h.call('POST', base, {
        as: bob,
        body: { user_id: carol.userId, start: '2030-03-03T10:00:00Z', end: '2030-03-03T11:00:00Z' },
      }),
      201,
    );
    expect(add.replaces_user_id).toBeNull();
    expect((await onCall(schedule.id, '2030-03-03T10:30:00Z')).sort()).toEqual([alice.userId, carol.userId].sort());
    const remove = ok(
      await h.call('POST', base, {
        as: admin,
        body: { replaces_user_id: alice.userId, start: '2030-03-03T20:00:00Z', end: '2030-03-03T21:00:00Z' },
      }),
      201,
    );
    expect(remove.user_id).toBeNull();
    expect(await onCall(schedule.id, '2030-03-03T20:30:00Z')).toEqual([]);

    const shifts = ok(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/shifts?from=2030-03-02T09:00:00Z&to=2030-03-03T00:00:00Z`, {
        as: viewer,
      }),
    ).data;
    expect(shifts).toEqual([
      {
        user_id: bob.userId,
        start: '2030-03-02T09:00:00.000Z',
        end: '2030-03-02T12:00:00.000Z',
        source: 'rotation',
        layer: 'primary',
      },
      {
        user_id: carol.userId,
        start: '2030-03-02T12:00:00.000Z',
        end: '2030-03-02T18:00:00.000Z',
        source: 'override',
        layer: null,
      },
      {
        user_id: bob.userId,
        start: '2030-03-02T18:00:00.000Z',
        end: '2030-03-03T00:00:00.000Z',
        source: 'rotation',
        layer: 'primary',
      },
    ]);

    const listed = ok(await h.call('GET', `${base}?from=2030-03-01T00:00:00Z&to=2030-03-10T00:00:00Z`, { as: viewer }));
    expect((listed.data as Array<{ id: string }>).map((o) => o.id).sort()).toEqual(
      [replace.id, add.id, remove.id].sort(),
    );
    expect(listed.next_cursor).toBeNull();
    // The default window starts now (Mar 2 00:00) and so includes all three.
    expect(ok(await h.call('GET', base, { as: viewer })).data).toHaveLength(3);
    expectError(
      await h.call('GET', `${base}?from=2030-03-01T00:00:00Z&to=2031-03-01T00:00:00Z`, { as: viewer }),
      400,
      'schedule.invalid_window',
    );

    expectError(
      await h.call('POST', base, {
        as: viewer,
        body: { user_id: carol.userId, start: '2030-03-04T00:00:00Z', end: '2030-03-04T01:00:00Z' },
      }),
      403,
      'auth.forbidden',
    );
    expectError(await h.call('DELETE', `${base}/${replace.id}`, { as: viewer }), 403, 'auth.forbidden');
    expectError(
      await h.call('POST', base, {
        as: alice,
        body: { user_id: carol.userId, start: '2030-03-04T01:00:00Z', end: '2030-03-04T00:00:00Z' },
      }),
      400,
      'schedule.invalid',
    );
    expectError(
      await h.call('POST', base, { as: alice, body: { start: '2030-03-04T00:00:00Z', end: '2030-03-04T01:00:00Z' } }),
      400,
      'schedule.invalid',
    );
    const nobody = expectError(
      await h.call('POST', base, {
        as: alice,
        body: { user_id: 'usr_nobody', start: '2030-03-04T00:00:00Z', end: '2030-03-04T01:00:00Z' },
      }),
      400,
      'schedule.invalid',
    );
    expect(nobody.message).toContain('user_id');
    expectError(
      await h.call('POST', '/api/v1/schedules/sch_nobody/overrides', {
        as: alice,
        body: { user_id: carol.userId, start: '2030-03-04T00:00:00Z', end: '2030-03-04T01:00:00Z' },
      }),
      404,
      'schedule.not_found',
    );

    const del = await h.call('DELETE', `${base}/${replace.id}`, { as: carol });
    expect(del.statusCode, del.body).toBe(204);
    expectError(await h.call('DELETE', `${base}/${replace.id}`, { as: carol }), 404, 'override.not_found');
    expect(await onCall(schedule.id, '2030-03-02T12:00:00Z')).toEqual([bob.userId]);
  });

  it('applies a temporary fixed schedule over its range only (admins only)', async () => {
    const schedule = await createSchedule(daily([alice.userId, bob.userId]));
    const base = `/api/v1/schedules/${schedule.id}/fixed`;
    const body = {
      start: '2030-03-05T00:00:00Z',
      end: '2030-03-06T00:00:00Z',
      shifts: [{ user_id: carol.handle, start: '2030-03-05T00:00:00Z', end: '2030-03-05T12:00:00Z' }],
    };
    expectError(await h.call('POST', base, { as: alice, body }), 403, 'auth.forbidden');
    const fixed = ok(await h.call('POST', base, { as: admin, body }), 201);
    expect(fixed).toEqual({
      id: expect.any(String),
      start: '2030-03-05T00:00:00.000Z',
      end: '2030-03-06T00:00:00.000Z',
      shifts: [{ user_id: carol.userId, start: '2030-03-05T00:00:00.000Z', end: '2030-03-05T12:00:00.000Z' }],
    });

    expect(await onCall(schedule.id, '2030-03-04T23:59:00Z')).toEqual([bob.userId]);
    expect(await onCall(schedule.id, '2030-03-05T06:00:00Z')).toEqual([carol.userId]);
    // Inside the fixed range only its shifts count, so nobody is on call after Carol's.
    expect(await onCall(schedule.id, '2030-03-05T18:00:00Z')).toEqual([]);
    expect(await onCall(schedule.id, '2030-03-06T00:00:00Z')).toEqual([alice.userId]);
    const shifts = ok(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/shifts?from=2030-03-05T00:00:00Z&to=2030-03-05T12:00:00Z`, {
        as: viewer,
      }),
    ).data;
    expect(shifts).toEqual([
      {
        user_id: carol.userId,
        start: '2030-03-05T00:00:00.000Z',
        end: '2030-03-05T12:00:00.000Z',
        source: 'fixed',
        layer: null,
      },
    ]);

    expectError(
      await h.call('POST', base, {
        as: admin,
        body: { ...body, shifts: [{ user_id: 'usr_nobody', start: body.start, end: body.end }] },
      }),
      400,
      'schedule.invalid',
    );
    expectError(await h.call('POST', base, { as: admin, body: { ...body, end: body.start } }), 400, 'schedule.invalid');

    expectError(await h.call('DELETE', `${base}/${fixed.id}`, { as: alice }), 403, 'auth.forbidden');
    expect((await h.call('DELETE', `${base}/${fixed.id}`, { as: admin })).statusCode).toBe(204);
    expectError(await h.call('DELETE', `${base}/${fixed.id}`, { as: admin }), 404, 'fixed_schedule.not_found');
    expect(await onCall(schedule.id, '2030-03-05T18:00:00Z')).toEqual([alice.userId]);

    // A schedule with overrides and fixed schedules deletes with them.
    ok(await h.call('POST', base, { as: admin, body }), 201);
    ok(
      await h.call('POST', `/api/v1/schedules/${schedule.id}/overrides`, {
        as: alice,
        body: { user_id: carol.userId, start: '2030-03-07T00:00:00Z', end: '2030-03-07T01:00:00Z' },
      }),
      201,
    );
    expect((await h.call('DELETE', `/api/v1/schedules/${schedule.id}`, { as: admin })).statusCode).toBe(204);
    expectError(
      await h.call('GET', `/api/v1/schedules/${schedule.id}/overrides`, { as: admin }),
      404,
      'schedule.not_found',
    );
  });

  // Escalation policies

  it('has the seed policy "Seed escalation chain" at 0, 900, 1800 and 3600 s, while unresolved', async () => {
    const seed = ok(await h.call('GET', '/api/v1/escalation-policies/pol_seed', { as: viewer }));
    expect(seed).toMatchObject({
      id: 'pol_seed',
      name: 'Seed escalation chain',
      escalate_while: 'unresolved',
      levels: [
        { level: 1, name: 'on-call engineer', delay_seconds: 0 },
        { level: 2, name: 'technical lead', delay_seconds: 900 },
        { level: 3, name: 'engineering manager', delay_seconds: 1800 },
        { level: 4, name: 'CTO / VP engineering', delay_seconds: 3600 },
      ],
    });
    expect(
      ok(
        await h.call('GET', `/api/v1/escalation-policies/${encodeURIComponent('Seed escalation chain')}`, {
          as: viewer,
        }),
      ).id,
    ).toBe('pol_seed');
    const list = ok(await h.call('GET', '/api/v1/escalation-policies?limit=200', { as: viewer }));
    expect((list.data as Array<{ id: string }>).map((p) => p.id)).toContain('pol_seed');
  });

  it('creates, gets, patches and deletes escalation policies, naming bad targets and delays', async () => {
    const schedule = await createSchedule(daily([alice.userId]));
    const team = ok(
      await h.call('POST', '/api/v1/teams', { as: admin, body: { name: unique('team'), members: [bob.userId] } }),
      201,
    );
    const name = unique('policy');
    const body = {
      name,
      escalate_while: 'unacknowledged',
      repeat: 2,
      levels: [
        { name: 'first', delay_seconds: 0, targets: [{ type: 'schedule', id: schedule.id }] },
        {
          delay_seconds: 300,
          targets: [
            { type: 'user', id: carol.userId },
            { type: 'team', id: team.id },
          ],
        },
      ],
    };
    expectError(await h.call('POST', '/api/v1/escalation-policies', { as: alice, body }), 403, 'auth.forbidden');
    const policy = ok(await h.call('POST', '/api/v1/escalation-policies', { as: admin, body }), 201);
    expect(policy).toMatchObject({
      name,
      description: null,
      escalate_while: 'unacknowledged',
      repeat: 2,
      levels: [
        { level: 1, name: 'first', delay_seconds: 0, targets: [{ type: 'schedule', id: schedule.id }] },
        {
          level: 2,
          name: null,
          delay_seconds: 300,
          targets: [
            { type: 'user', id: carol.userId },
            { type: 'team', id: team.id },
          ],
        },
      ],
    });
    expect(policy.id).toMatch(/^pol_/);
    expect(ok(await h.call('GET', `/api/v1/escalation-policies/${policy.id}`, { as: viewer }))).toEqual(policy);
    expectError(
      await h.call('POST', '/api/v1/escalation-policies', { as: admin, body }),
      409,
      'escalation_policy.already_exists',
    );

    // Defaults: escalate while unresolved, no repeat.
    const minimal = ok(
      await h.call('POST', '/api/v1/escalation-policies', {
        as: admin,
        body: {
          name: unique('minimal'),
          levels: [{ delay_seconds: 0, targets: [{ type: 'user', id: alice.userId }] }],
        },
      }),
      201,
    );
    expect(minimal).toMatchObject({ escalate_while: 'unresolved', repeat: 0 });

    const badTarget = expectError(
      await h.call('POST', '/api/v1/escalation-policies', {
        as: admin,
        body: {
          ...body,
          name: unique('bad'),
          levels: [
            body.levels[0],
            {
              delay_seconds: 60,
              targets: [
                { type: 'user', id: alice.userId },
                { type: 'schedule', id: 'sch_nobody' },
              ],
            },
          ],
        },
      }),
      400,
      'escalation_policy.invalid',
    );
    expect(badTarget.message).toContain('levels[1].targets[1]');
    expect(badTarget.message).toContain('sch_nobody');
    const badType = expectError(
      await h.call('POST', '/api/v1/escalation-policies', {
        as: admin,
        body: { ...body, name: unique('bad'), levels: [{ delay_seconds: 0, targets: [{ type: 'robot', id: 'x' }] }] },
      }),
      400,
      'request.invalid',
    );
    expect(badType.message).toContain('body.levels.0.targets.0.type');
    const decreasing = expectError(
      await h.call('POST', '/api/v1/escalation-policies', {
        as: admin,
        body: {
          ...body,
          name: unique('bad'),
          levels: [
            { delay_seconds: 600, targets: [] },
            { delay_seconds: 300, targets: [] },
          ],
        },
      }),
      400,
      'escalation_policy.invalid',
    );
    expect(decreasing.message).toContain('levels[1].delay_seconds');
    expectError(
      await h.call('POST', '/api/v1/escalation-policies', {
        as: admin,
        body: { ...body, name: unique('bad'), levels: [] },
      }),
      400,
      'request.invalid',
    );
    expectError(
      await h.call('POST', '/api/v1/escalation-policies', {
        as: admin,
        body: { ...body, name: unique('bad'), escalate_while: 'forever' },
      }),
      400,
      'request.invalid',
    );
    expectError(
      await h.call('POST', '/api/v1/escalation-policies', {
        as: admin,
        body: { ...body, name: unique('bad'), levels: [{ delay_seconds: -1, targets: [] }] },
      }),
      400,
      'request.invalid',
    );

    const patched = ok(
      await h.call('PATCH', `/api/v1/escalation-policies/${policy.id}`, {
        as: admin,
        body: { escalate_while: 'unresolved', repeat: 0, description: 'patched' },
      }),
    );
    expect(patched).toMatchObject({
      id: policy.id,
      name,
      escalate_while: 'unresolved',
      repeat: 0,
      description: 'patched',
      levels: policy.levels,
    });
    expectError(
      await h.call('PATCH', `/api/v1/escalation-policies/${policy.id}`, {
        as: admin,
        body: { levels: [{ delay_seconds: 0, targets: [{ type: 'team', id: 'team_nobody' }] }] },
      }),
      400,
      'escalation_policy.invalid',
    );
    expectError(
      await h.call('PATCH', `/api/v1/escalation-policies/${policy.id}`, { as: alice, body: { repeat: 1 } }),
      403,
      'auth.forbidden',
    );

    // A schedule a policy targets cannot be deleted.
    const inUse = expectError(
      await h.call('DELETE', `/api/v1/schedules/${schedule.id}`, { as: admin }),
      409,
      'schedule.in_use',
    );
    expect(inUse.message).toContain(name);

    // A policy a service uses cannot be deleted.
    const service = await createService({ escalation_policy_id: policy.id });
    expectError(
      await h.call('DELETE', `/api/v1/escalation-policies/${policy.id}`, { as: admin }),
      409,
      'escalation_policy.in_use',
    );
    expect(
      ok(await h.call('PATCH', `/api/v1/services/${service.id}`, { as: admin, body: { escalation_policy_id: null } }))
        .escalation_policy_id,
    ).toBeNull();
    expectError(
      await h.call('DELETE', `/api/v1/escalation-policies/${policy.id}`, { as: alice }),
      403,
      'auth.forbidden',
    );
    expect((await h.call('DELETE', `/api/v1/escalation-policies/${policy.id}`, { as: admin })).statusCode).toBe(204);
    expectError(
      await h.call('GET', `/api/v1/escalation-policies/${policy.id}`, { as: admin }),
      404,
      'escalation_policy.not_found',
    );
    // Once no policy targets it, the schedule goes.
    expect((await h.call('DELETE', `/api/v1/schedules/${schedule.id}`, { as: admin })).statusCode).toBe(204);
  });

  it('refuses to delete a schedule a policy targets by name (409)', async () => {
    const schedule = await createSchedule(daily([alice.userId]));
    const policy = await createPolicy({
      name: unique('by-name'),
      levels: [{ delay_seconds: 0, targets: [{ type: 'schedule', id: schedule.name }] }],
    });
    // The target is stored by id, so renaming the schedule does not break the policy.
    expect(
      ok(await h.call('GET', `/api/v1/escalation-policies/${policy.id}`, { as: viewer })).levels[0].targets,
    ).toEqual([{ type: 'schedule', id: schedule.id }]);
    expectError(await h.call('DELETE', `/api/v1/schedules/${schedule.id}`, { as: admin }), 409, 'schedule.in_use');
    expect((await h.call('DELETE', `/api/v1/escalation-policies/${policy.id}`, { as: admin })).statusCode).toBe(204);
  });

  it('lists every schedule and every policy level at GET /api/v1/oncall', async () => {
    const schedule = await createSchedule(daily([alice.userId, bob.userId]));
    const team = ok(
      await h.call('POST', '/api/v1/teams', {
        as: admin,
        body: { name: unique('oc-team'), members: [carol.userId, alice.userId] },
      }),
      201,
    );
    const policy = await createPolicy({
      name: unique('overview'),
      levels: [
        { name: 'primary', delay_seconds: 0, targets: [{ type: 'schedule', id: schedule.id }] },
        { name: 'lead', delay_seconds: 600, targets: [{ type: 'user', id: carol.userId }] },
        { name: 'team', delay_seconds: 1200, targets: [{ type: 'team', id: team.id }] },
      ],
    });
    const res = ok(await h.call('GET', '/api/v1/oncall?at=2030-03-02T10:00:00Z', { as: viewer }));
    expect(res.at).toBe('2030-03-02T10:00:00.000Z');
    expect(res.schedules).toContainEqual({ schedule_id: schedule.id, name: schedule.name, user_ids: [bob.userId] });
    expect((res.policies as Array<{ policy_id: string }>).find((p) => p.policy_id === policy.id)).toEqual({
      policy_id: policy.id,
      name: policy.name,
      levels: [
        { level: 1, name: 'primary', delay_seconds: 0, user_ids: [bob.userId] },
        { level: 2, name: 'lead', delay_seconds: 600, user_ids: [carol.userId] },
        { level: 3, name: 'team', delay_seconds: 1200, user_ids: expect.arrayContaining([carol.userId, alice.userId]) },
      ],
    });
    expect(
      (res.policies as Array<{ policy_id: string; levels: unknown[] }>).find((p) => p.policy_id === 'pol_seed')?.levels,
    ).toHaveLength(4);

    const now = ok(await h.call('GET', '/api/v1/oncall', { as: viewer }));
    expect(now.at).toBe(h.clock.now().toISOString());
    expect(now.schedules).toContainEqual({ schedule_id: schedule.id, name: schedule.name, user_ids: [alice.userId] });
    expectError(await h.call('GET', '/api/v1/oncall?at=later', { as: viewer }), 400, 'request.invalid');
    expectError(await h.call('GET', '/api/v1/oncall'), 401, 'auth.unauthorized');
  });

  // Teams

  it('creates, reads and changes teams and their members', async () => {
    const policy = await createPolicy({
      name: unique('team-policy'),
      levels: [{ delay_seconds: 0, targets: [{ type: 'user', id: alice.userId }] }],
    });
    const name = unique('team');
    expectError(await h.call('POST', '/api/v1/teams', { as: alice, body: { name } }), 403, 'auth.forbidden');
    const team = ok(
      await h.call('POST', '/api/v1/teams', {
        as: admin,
        body: {
          name,
          description: 'payments',
          default_policy_id: policy.name,
          members: [alice.handle, bob.userId, alice.userId],
        },
      }),
      201,
    );
    expect(team).toMatchObject({
      name,
      description: 'payments',
      default_policy_id: policy.id,
      members: [alice.userId, bob.userId],
    });
    expect(team.id).toEqual(expect.any(String));
    expect(ok(await h.call('GET', `/api/v1/teams/${team.id}`, { as: viewer }))).toEqual(team);
    expect(ok(await h.call('GET', `/api/v1/teams/${encodeURIComponent(name)}`, { as: viewer })).id).toBe(team.id);
    expect(
      (ok(await h.call('GET', '/api/v1/teams?limit=200', { as: viewer })).data as Array<{ id: string }>).map(
        (t) => t.id,
      ),
    ).toContain(team.id);
    expectError(await h.call('POST', '/api/v1/teams', { as: admin, body: { name } }), 409, 'team.already_exists');
    expectError(
      await h.call('POST', '/api/v1/teams', { as: admin, body: { name: unique('team'), members: ['usr_nobody'] } }),
      404,
      'user.not_found',
    );
    expectError(
      await h.call('POST', '/api/v1/teams', {
        as: admin,
        body: { name: unique('team'), default_policy_id: 'pol_nobody' },
      }),
      404,
      'escalation_policy.not_found',
    );

    const renamed = unique('team-renamed');
    expect(
      ok(
        await h.call('PATCH', `/api/v1/teams/${team.id}`, {
          as: admin,
          body: { name: renamed, default_policy_id: null },
        }),
      ),
    ).toMatchObject({ name: renamed, default_policy_id: null, members: [alice.userId, bob.userId] });
    expectError(
      await h.call('PATCH', `/api/v1/teams/${team.id}`, { as: alice, body: { description: 'x' } }),
      403,
      'auth.forbidden',
    );

    expect(
      ok(
        await h.call('POST', `/api/v1/teams/${team.id}/members`, {
          as: admin,
          body: { users: [carol.handle, bob.userId] },
        }),
      ).members,
    ).toEqual([alice.userId, bob.userId, carol.userId]);
    expectError(
      await h.call('POST', `/api/v1/teams/${team.id}/members`, { as: alice, body: { users: [carol.userId] } }),
      403,
      'auth.forbidden',
    );
    expect(ok(await h.call('DELETE', `/api/v1/teams/${team.id}/members/${bob.handle}`, { as: admin })).members).toEqual(
      [alice.userId, carol.userId],
    );
    expectError(
      await h.call('DELETE', `/api/v1/teams/${team.id}/members/${bob.userId}`, { as: admin }),
      404,
      'team_member.not_found',
    );
    expectError(await h.call('GET', '/api/v1/teams/team_nobody', { as: admin }), 404, 'team.not_found');

    // A team a policy targets cannot be deleted; once no policy does, it can (admins only).
    const targeting = await createPolicy({
      name: unique('team-target'),
      levels: [{ delay_seconds: 0, targets: [{ type: 'team', id: team.id }] }],
    });
    expectError(await h.call('DELETE', `/api/v1/teams/${team.id}`, { as: admin }), 409, 'team.in_use');
    expect((await h.call('DELETE', `/api/v1/escalation-policies/${targeting.id}`, { as: admin })).statusCode).toBe(204);
    expectError(await h.call('DELETE', `/api/v1/teams/${team.id}`, { as: alice }), 403, 'auth.forbidden');
    expect((await h.call('DELETE', `/api/v1/teams/${team.id}`, { as: admin })).statusCode).toBe(204);
    expectError(await h.call('GET', `/api/v1/teams/${team.id}`, { as: admin }), 404, 'team.not_found');
  });

  // Services: policies and maintenance

  it('sets a service’s escalation policy by id or name and per-severity policies', async () => {
    const main = await createPolicy({
      name: unique('svc-main'),
      levels: [{ delay_seconds: 0, targets: [{ type: 'user', id: alice.userId }] }],
    });
    const exec = await createPolicy({
      name: unique('svc-exec'),
      levels: [{ delay_seconds: 0, targets: [{ type: 'user', id: carol.userId }] }],
    });
    const service = await createService();
    expect(ok(await h.call('GET', `/api/v1/services/${service.id}`, { as: viewer }))).toMatchObject({
      escalation_policy_id: null,
      severity_policies: {},
    });

    expect(
      ok(
        await h.call('PATCH', `/api/v1/services/${service.id}`, { as: admin, body: { escalation_policy_id: main.id } }),
      ).escalation_policy_id,
    ).toBe(main.id);
    expect(
      ok(
        await h.call('PATCH', `/api/v1/services/${service.id}`, {
          as: admin,
          body: { escalation_policy_id: 'Seed escalation chain' },
        }),
      ).escalation_policy_id,
    ).toBe('pol_seed');
    expect(
      ok(
        await h.call('PATCH', `/api/v1/services/${service.id}`, {
          as: admin,
          body: { escalation_policy_id: main.name },
        }),
      ).escalation_policy_id,
    ).toBe(main.id);
    expectError(
      await h.call('PATCH', `/api/v1/services/${service.id}`, {
        as: admin,
        body: { escalation_policy_id: 'pol_nobody' },
      }),
      404,
      'escalation_policy.not_found',
    );
    expect(ok(await h.call('GET', `/api/v1/services/${service.id}`, { as: viewer })).escalation_policy_id).toBe(
      main.id,
    );
    expectError(
      await h.call('PATCH', `/api/v1/services/${service.id}`, { as: alice, body: { escalation_policy_id: main.id } }),
      403,
      'auth.forbidden',
    );

    const withSeverity = ok(
      await h.call('PATCH', `/api/v1/services/${service.id}`, {
        as: admin,
        body: { severity_policies: { P0: exec.name } },
      }),
    );
    expect(withSeverity).toMatchObject({ escalation_policy_id: main.id, severity_policies: { P0: exec.id } });
    expectError(
      await h.call('PATCH', `/api/v1/services/${service.id}`, {
        as: admin,
        body: { severity_policies: { P0: 'nope' } },
      }),
      404,
      'escalation_policy.not_found',
    );
    expectError(
      await h.call('PATCH', `/api/v1/services/${service.id}`, {
        as: admin,
        body: { severity_policies: { P9: exec.id } },
      }),
      400,
      'request.invalid',
    );

    // A P0 incident climbs the severity's policy, a P2 the service's.
    const p0 = ok(
      await h.call('POST', '/api/v1/incidents', {
        as: alice,
        body: { title: 'all down', severity: 'P0', service_id: service.id },
      }),
      201,
    );
    const p2 = ok(
      await h.call('POST', '/api/v1/incidents', {
        as: alice,
        body: { title: 'slow', severity: 'P2', service_id: service.id },
      }),
      201,
    );
    expect(ok(await h.call('GET', `/api/v1/incidents/${p0.id}/escalation`, { as: viewer })).escalation).toMatchObject({
      policy_id: exec.id,
      level: 0,
    });
    expect(ok(await h.call('GET', `/api/v1/incidents/${p2.id}/escalation`, { as: viewer })).escalation).toMatchObject({
      policy_id: main.id,
      level: 0,
    });

    expect(
      ok(await h.call('PATCH', `/api/v1/services/${service.id}`, { as: admin, body: { severity_policies: {} } }))
        .severity_policies,
    ).toEqual({});
    for (const id of [p0.id, p2.id]) await h.call('POST', `/api/v1/incidents/${id}/resolve`, { as: alice });
  });

  it('escalates an incident level by level: the sweep, POST /escalate and GET /pages', async () => {
    const schedule = await createSchedule(daily([alice.userId, bob.userId]));
    const team = ok(
      await h.call('POST', '/api/v1/teams', {
        as: admin,
        body: { name: unique('esc-team'), members: [carol.userId, alice.userId] },
      }),
      201,
    );
    const policy = await createPolicy({
      name: unique('esc'),
      levels: [
        { name: 'primary', delay_seconds: 0, targets: [{ type: 'user', id: bob.userId }] },
        { name: 'schedule', delay_seconds: 600, targets: [{ type: 'schedule', id: schedule.id }] },
        { name: 'team', delay_seconds: 1200, targets: [{ type: 'team', id: team.id }] },
      ],
    });
    const service = await createService({ escalation_policy_id: policy.id });
    const created = h.clock.now();
    const incident = ok(
      await h.call('POST', '/api/v1/incidents', {
        as: alice,
        body: { title: 'escalate me', severity: 'P2', service_id: service.id },
      }),
      201,
    );
    expect(incident).toMatchObject({ escalation_level: 0, next_escalation_at: created.toISOString() });
    const fresh = ok(await h.call('GET', `/api/v1/incidents/${incident.id}`, { as: viewer }));
    expect(fresh).toMatchObject({ escalation_level: 0, next_escalation_at: created.toISOString() });
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/pages`, { as: viewer }))).toEqual({
      data: [],
      next_cursor: null,
    });

    await h.app.escalation.sweep();
    const first = ok(await h.call('GET', `/api/v1/incidents/${incident.id}`, { as: viewer }));
    expect(first).toMatchObject({ escalation_level: 1, next_escalation_at: at(created.toISOString(), 600 * SEC) });
    const pages1 = ok(await h.call('GET', `/api/v1/incidents/${incident.id}/pages`, { as: viewer }));
    expect(pages1.data).toEqual([
      expect.objectContaining({
        level: 1,
        user_id: bob.userId,
        at: created.toISOString(),
        reason: expect.stringContaining(policy.name),
      }),
    ]);
    // A second sweep at the same instant does nothing more.
    await h.app.escalation.sweep();
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/pages`, { as: viewer })).data).toHaveLength(1);

    expectError(
      await h.call('POST', `/api/v1/incidents/${incident.id}/escalate`, { as: viewer }),
      403,
      'auth.forbidden',
    );
    h.clock.advance(60 * SEC);
    const escalatedAt = h.clock.now().toISOString();
    const escalated = ok(await h.call('POST', `/api/v1/incidents/${incident.id}/escalate`, { as: alice }));
    expect(escalated).toMatchObject({
      id: incident.id,
      escalation_level: 2,
      next_escalation_at: at(created.toISOString(), 1200 * SEC),
    });
    // The schedule has Alice on call until 09:00, so she is paged at level 2.
    const pages2 = ok(await h.call('GET', `/api/v1/incidents/${incident.id}/pages`, { as: viewer })).data as Array<{
      level: number;
      user_id: string;
      at: string;
      reason: string;
    }>;
    expect(pages2).toHaveLength(2);
    expect(pages2).toContainEqual(expect.objectContaining({ level: 2, user_id: alice.userId, at: escalatedAt }));

    h.clock.set(at(created.toISOString(), 1200 * SEC));
    await h.app.escalation.sweep();
    const last = ok(await h.call('GET', `/api/v1/incidents/${incident.id}`, { as: viewer }));
    expect(last).toMatchObject({ escalation_level: 3, next_escalation_at: null });
    const pages3 = ok(await h.call('GET', `/api/v1/incidents/${incident.id}/pages`, { as: viewer })).data as Array<{
      level: number;
      user_id: string;
      at: string;
    }>;
    expect(
      pages3
        .filter((p) => p.level === 3)
        .map((p) => p.user_id)
        .sort(),
    ).toEqual([carol.userId, alice.userId].sort());
    expect(pages3.every((p) => ISO.test(p.at))).toBe(true);
    // Newest first.
    expect(pages3.map((p) => p.at)).toEqual([...pages3.map((p) => p.at)].sort().reverse());
    expect(
      ok(await h.call('GET', `/api/v1/incidents/${incident.id}/escalation`, { as: viewer })).escalation,
    ).toMatchObject({ policy_id: policy.id, level: 3, next_escalation_at: null, stop_reason: 'policy exhausted' });

    const kinds = (
      ok(await h.call('GET', `/api/v1/incidents/${incident.id}/timeline?limit=200`, { as: viewer })).data as Array<{
        kind: string;
      }>
    ).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'escalated')).toHaveLength(3);

    expectError(
      await h.call('POST', `/api/v1/incidents/${incident.id}/escalate`, { as: alice }),
      409,
      'escalation.conflict',
    );
    await h.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { as: alice });
    expectError(
      await h.call('POST', `/api/v1/incidents/${incident.id}/escalate`, { as: alice }),
      409,
      'incident.invalid_transition',
    );
    expectError(
      await h.call('POST', '/api/v1/incidents/inc_nobody/escalate', { as: alice }),
      404,
      'incident.not_found',
    );
    expectError(await h.call('GET', '/api/v1/incidents/inc_nobody/pages', { as: alice }), 404, 'incident.not_found');
    h.clock.set(START);
  });

  it('starts, lists and ends maintenance windows; an incident in one does not escalate', async () => {
    const service = await createService();
    const base = `/api/v1/services/${service.id}/maintenance`;
    const now = h.clock.now().toISOString();
    const running = ok(
      await h.call('POST', base, { as: alice, body: { duration_s: 1800, reason: 'db upgrade' } }),
      201,
    );
    expect(running).toEqual({
      id: expect.any(String),
      start: now,
      end: at(now, 1800 * SEC),
      reason: 'db upgrade',
      active: true,
      created_by: alice.userId,
      created_at: now,
    });
    const later = ok(
      await h.call('POST', base, { as: admin, body: { start: at(now, DAY), end: at(now, DAY + HOUR) } }),
      201,
    );
    expect(later).toMatchObject({ start: at(now, DAY), end: at(now, DAY + HOUR), reason: null, active: false });
    const scheduled = ok(
      await h.call('POST', base, { as: admin, body: { start: at(now, 2 * DAY), duration_s: 600 } }),
      201,
    );
    expect(scheduled).toMatchObject({ start: at(now, 2 * DAY), end: at(now, 2 * DAY + 600 * SEC), active: false });

    const both = expectError(
      await h.call('POST', base, { as: admin, body: { end: at(now, HOUR), duration_s: 600 } }),
      400,
      'maintenance.invalid',
    );
    expect(both.message).toContain('duration_s');
    const neither = expectError(
      await h.call('POST', base, { as: admin, body: { reason: 'forgot the end' } }),
      400,
      'maintenance.invalid',
    );
    expect(neither.message).toContain('end');
    expectError(
      await h.call('POST', base, { as: admin, body: { start: at(now, HOUR), end: at(now, HOUR) } }),
      400,
      'maintenance.invalid',
    );
    expectError(
      await h.call('POST', base, { as: admin, body: { start: at(now, -2 * HOUR), end: at(now, -HOUR) } }),
      400,
      'maintenance.invalid',
    );
    expectError(await h.call('POST', base, { as: admin, body: { duration_s: 5 } }), 400, 'request.invalid');
    expectError(await h.call('POST', base, { as: viewer, body: { duration_s: 600 } }), 403, 'auth.forbidden');
    expectError(
      await h.call('POST', '/api/v1/services/svc_nobody/maintenance', { as: admin, body: { duration_s: 600 } }),
      404,
      'service.not_found',
    );

    const listed = ok(await h.call('GET', base, { as: viewer }));
    expect((listed.data as Array<{ id: string }>).map((w) => w.id)).toEqual([running.id, later.id, scheduled.id]);
    expect(listed.next_cursor).toBeNull();

    // While the window runs, a new incident on the service is recorded but does not escalate or page.
    const incident = ok(
      await h.call('POST', '/api/v1/incidents', {
        as: alice,
        body: { title: 'during maintenance', severity: 'P1', service_id: service.id },
      }),
      201,
    );
    await h.app.escalation.sweep();
    expect(
      ok(await h.call('GET', `/api/v1/incidents/${incident.id}/escalation`, { as: viewer })).escalation,
    ).toBeNull();
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/pages`, { as: viewer })).data).toEqual([]);
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}`, { as: viewer })).next_escalation_at).toBeNull();
    await h.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { as: alice });

    expectError(await h.call('DELETE', base, { as: viewer }), 403, 'auth.forbidden');
    expect(ok(await h.call('DELETE', base, { as: alice }))).toEqual({ ended: 3 });
    expect(ok(await h.call('GET', base, { as: viewer })).data).toEqual([]);
    expect(ok(await h.call('DELETE', base, { as: alice }))).toEqual({ ended: 0 });
  });

  // iCal

  it('serves iCal feeds per user and per schedule by token, without a bearer token, until revoked', async () => {
    const dana = await h.caller('responder', 'dana');
    const erin = await h.caller('responder', 'erin');
    const schedule = await createSchedule(daily([dana.userId, erin.userId]));

    expectError(await h.call('POST', '/api/v1/ical/tokens'), 401, 'auth.unauthorized');
    const issued = ok(await h.call('POST', '/api/v1/ical/tokens', { as: dana }), 201);
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(issued.my_shifts_url).toMatch(new RegExp(`/ical/${issued.token}/me\\.ics$`));
    expect(issued.schedule_url_template).toMatch(
      new RegExp(`/ical/${issued.token}/schedules/\\{schedule_id\\}\\.ics$`),
    );

    const me = await h.call('GET', new URL(issued.my_shifts_url as string).pathname);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.headers['content-type']).toMatch(/^text\/calendar/);
    expect(me.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(me.body.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    // Dana's shifts start Mar 1, 3, 5 … at 09:00; Erin's Mar 2, 4 … are not in Dana's feed.
    expect(me.body).toContain('DTSTART:20300301T090000Z');
    expect(me.body).toContain('DTSTART:20300303T090000Z');
    expect(me.body).not.toContain('DTSTART:20300302T090000Z');
    expect(me.body).toContain(`Test ${dana.handle}`);
    expect(me.body).not.toContain(`Test ${erin.handle}`);

    const feedPath = (issued.schedule_url_template as string).replace('{schedule_id}', schedule.id);
    const sched = await h.call('GET', new URL(feedPath).pathname);
    expect(sched.statusCode, sched.body).toBe(200);
    expect(sched.headers['content-type']).toMatch(/^text\/calendar/);
    expect(sched.body).toContain('BEGIN:VCALENDAR');
    expect(sched.body).toContain('DTSTART:20300301T090000Z');
    expect(sched.body).toContain('DTSTART:20300302T090000Z');
    expect(sched.body).toContain(`Test ${erin.handle}`);
    expectError(await h.call('GET', `/ical/${issued.token}/schedules/sch_nobody.ics`), 404, 'schedule.not_found');

    expectError(await h.call('GET', '/ical/not-a-real-token-at-all-0000000000/me.ics'), 404, 'ical.not_found');
    expectError(
      await h.call('GET', `/ical/not-a-real-token-at-all-0000000000/schedules/${schedule.id}.ics`),
      404,
      'ical.not_found',
    );

    // Someone else may not revoke Dana's tokens; Dana and admins may.
    expectError(
      await h.call('DELETE', `/api/v1/users/${dana.userId}/ical-tokens`, { as: erin }),
      403,
      'auth.forbidden',
    );
    const second = ok(await h.call('POST', '/api/v1/ical/tokens', { as: dana }), 201);
    expect(second.token).not.toBe(issued.token);
    expect(ok(await h.call('DELETE', `/api/v1/users/${dana.userId}/ical-tokens`, { as: dana }))).toEqual({
      revoked: 2,
    });
    expectError(await h.call('GET', `/ical/${issued.token}/me.ics`), 404, 'ical.not_found');
    expectError(await h.call('GET', `/ical/${second.token}/me.ics`), 404, 'ical.not_found');
    expectError(await h.call('GET', new URL(feedPath).pathname), 404, 'ical.not_found');

    const third = ok(await h.call('POST', '/api/v1/ical/tokens', { as: dana }), 201);
    expect((await h.call('GET', `/ical/${third.token}/me.ics`)).statusCode).toBe(200);
    expect(ok(await h.call('DELETE', `/api/v1/users/${dana.handle}/ical-tokens`, { as: admin }))).toEqual({
      revoked: 1,
    });
    expectError(await h.call('GET', `/ical/${third.token}/me.ics`), 404, 'ical.not_found');
    expectError(await h.call('DELETE', '/api/v1/users/usr_nobody/ical-tokens', { as: admin }), 404, 'user.not_found');

    // Deactivating a person stops their calendar links along with their API tokens.
    const erinFeed = ok(await h.call('POST', '/api/v1/ical/tokens', { as: erin }), 201);
    expect((await h.call('GET', `/ical/${erinFeed.token}/me.ics`)).statusCode).toBe(200);
    ok(await h.call('PATCH', `/api/v1/users/${erin.userId}`, { as: admin, body: { active: false } }));
    expectError(await h.call('GET', `/ical/${erinFeed.token}/me.ics`), 404, 'ical.not_found');
    expectError(await h.call('GET', `/ical/${erinFeed.token}/schedules/${schedule.id}.ics`), 404, 'ical.not_found');
  });
});
