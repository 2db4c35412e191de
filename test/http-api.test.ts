// Services and incidents over HTTP on both dialects: the wire shapes, lookups, filters, paging,
// the status machine's 409s, the timeline and the time-derived flags.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { NUMBER_PATTERN } from '../src/incident.js';
import { describeEachDialect } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';

const MIN = 60_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface IncidentJson {
  id: string;
  number: string;
  status: string;
  severity: string;
  phase: string;
  service_id: string | null;
  ack_due_at: string;
  phase_due_at: string | null;
  response_breached: boolean;
  phase_overdue: boolean;
  roles: Record<string, { id: string; handle: string; name: string } | null>;
  [key: string]: unknown;
}

describeEachDialect('HTTP services', (env) => {
  let h: Harness;
  let admin: Caller;
  let responder: Caller;

  beforeAll(async () => {
    h = await startHarness(env);
    admin = await h.caller('admin', 'svc-admin');
    responder = await h.caller('responder', 'svc-responder');
  });
  afterAll(async () => h?.close());

  it('creates a service with 201 and shows its integration key in that answer only', async () => {
    const name = unique('checkout');
    const res = await h.call('POST', '/api/v1/services', {
      as: admin,
      body: { name, description: 'the checkout API' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ name, description: 'the checkout API' });
    expect(body.integration_key).toMatch(/^[a-z0-9]{32}$/);
    expect(body.created_at).toMatch(ISO);

    const byId = await h.call('GET', `/api/v1/services/${body.id}`, { as: responder });
    const byName = await h.call('GET', `/api/v1/services/${encodeURIComponent(name)}`, { as: responder });
    expect(byId.statusCode).toBe(200);
    expect(byName.json()).toEqual(byId.json());
    expect(byId.json()).not.toHaveProperty('integration_key');
    expect(byId.json()).toMatchObject({ id: body.id, name, integration_key_hint: body.integration_key_hint });
    expect(byId.body).not.toContain(body.integration_key);

    const list = await h.call('GET', '/api/v1/services?limit=200', { as: responder });
    const listed = (list.json().data as Array<Record<string, unknown>>).find((s) => s.id === body.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('integration_key');
    expect(list.body).not.toContain(body.integration_key);
  });

  it('refuses a second service with the same name with 409', async () => {
    const name = unique('dup');
    expect((await h.call('POST', '/api/v1/services', { as: admin, body: { name } })).statusCode).toBe(201);
    const again = expectError(
      await h.call('POST', '/api/v1/services', { as: admin, body: { name } }),
      409,
      'service.already_exists',
    );
    expect(again.message).toContain(name);

    const other = await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique('dup-other') } });
    expectError(
      await h.call('PATCH', `/api/v1/services/${other.json().id}`, { as: admin, body: { name } }),
      409,
      'service.already_exists',
    );
    expect((await h.call('GET', `/api/v1/services/${other.json().id}`, { as: admin })).json().name).toBe(
      other.json().name,
    );
  });

  it('renames and redescribes a service with PATCH', async () => {
    const created = await h.call('POST', '/api/v1/services', {
      as: admin,
      body: { name: unique('patch'), description: 'old' },
    });
    const id = created.json().id as string;
    h.clock.advance(MIN);
    const renamed = unique('patched');
    const res = await h.call('PATCH', `/api/v1/services/${id}`, { as: admin, body: { name: renamed } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      name: renamed,
      description: 'old',
      updated_at: h.clock.now().toISOString(),
    });
    expect(res.json()).not.toHaveProperty('integration_key');

    const cleared = await h.call('PATCH', `/api/v1/services/${renamed}`, { as: admin, body: { description: null } });
    expect(cleared.json()).toMatchObject({ name: renamed, description: null });
    expect((await h.call('GET', `/api/v1/services/${id}`, { as: admin })).json()).toMatchObject({
      name: renamed,
      description: null,
    });
    expectError(
      await h.call('GET', `/api/v1/services/${created.json().name}`, { as: admin }),
      404,
      'service.not_found',
    );
  });

  it('deletes a service with 204, after which it is gone', async () => {
    const created = await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique('gone') } });
    const id = created.json().id as string;
    const res = await h.call('DELETE', `/api/v1/services/${id}`, { as: admin });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectError(await h.call('GET', `/api/v1/services/${id}`, { as: admin }), 404, 'service.not_found');
    expectError(await h.call('DELETE', `/api/v1/services/${id}`, { as: admin }), 404, 'service.not_found');
  });

  it(
    'refuses to delete a service with an open incident (409 service.in_use), ' + 'and allows it once resolved',
    async () => {
      const created = await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique('busy') } });
      const id = created.json().id as string;
      const incident = await h.call('POST', '/api/v1/incidents', {
        as: responder,
        body: { title: 'busy service down', severity: 'P2', service_id: id },
      });
      expect(incident.json().service_id).toBe(id);

      const refused = expectError(
        await h.call('DELETE', `/api/v1/services/${id}`, { as: admin }),
        409,
        'service.in_use',
      );
      expect(refused.message).toMatch(/open incident/);
      expect((await h.call('GET', `/api/v1/services/${id}`, { as: admin })).statusCode).toBe(200);

      await h.call('POST', `/api/v1/incidents/${incident.json().id}/acknowledge`, { as: responder });
      expectError(await h.call('DELETE', `/api/v1/services/${id}`, { as: admin }), 409, 'service.in_use');

      await h.call('POST', `/api/v1/incidents/${incident.json().id}/resolve`, { as: responder });
      expect((await h.call('DELETE', `/api/v1/services/${id}`, { as: admin })).statusCode).toBe(204);
      // The resolved incident keeps its history without the service.
      const after = await h.call('GET', `/api/v1/incidents/${incident.json().id}`, { as: responder });
      expect(after.json()).toMatchObject({ status: 'resolved', service_id: null });
    },
  );

  it('answers 404 service.not_found for an unknown service on every route', async () => {
    const missing = 'svc_does_not_exist';
    expectError(await h.call('GET', `/api/v1/services/${missing}`, { as: admin }), 404, 'service.not_found');
    expectError(
      await h.call('PATCH', `/api/v1/services/${missing}`, { as: admin, body: { description: 'x' } }),
      404,
      'service.not_found',
    );
    expectError(await h.call('DELETE', `/api/v1/services/${missing}`, { as: admin }), 404, 'service.not_found');
    expectError(
      await h.call('POST', `/api/v1/services/${missing}/rotate-key`, { as: admin }),
      404,
      'service.not_found',
    );
    expectError(
      await h.call('POST', '/api/v1/incidents', {
        as: admin,
        body: { title: 'on nothing', severity: 'P3', service_id: missing },
      }),
      404,
      'service.not_found',
    );
    expectError(
      await h.call('GET', `/api/v1/incidents?service_id=${missing}`, { as: admin }),
      404,
      'service.not_found',
    );
  });

  it('finds a service by a long name in the path', async () => {
    const name = `${unique('long')}-${'n'.repeat(150)}`;
    const created = await h.call('POST', '/api/v1/services', { as: admin, body: { name } });
    expect(created.statusCode).toBe(201);
    const res = await h.call('GET', `/api/v1/services/${name}`, { as: admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().id).toBe(created.json().id);
  });

  it('pages through services with next_cursor, newest first', async () => {
    for (let i = 0; i < 3; i++)
      await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique(`page-${i}`) } });
    const all = (await h.call('GET', '/api/v1/services?limit=200', { as: admin }))
      .json()
      .data.map((s: { id: string }) => s.id) as string[];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.call(
        'GET',
        `/api/v1/services?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { as: admin },
      );
      const page = res.json() as { data: Array<{ id: string }>; next_cursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((s) => s.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...all].sort().reverse()).toEqual(all);
  });
});

describeEachDialect('HTTP incidents', (env) => {
  let h: Harness;
  let admin: Caller;
  let alice: Caller;
  let viewer: Caller;

  beforeAll(async () => {
    h = await startHarness(env, { clock: new FakeClock('2032-02-03T04:05:00.000Z') });
    admin = await h.caller('admin', 'inc-admin');
    alice = await h.caller('responder', 'alice');
    viewer = await h.caller('viewer', 'inc-viewer');
  });
  afterAll(async () => h?.close());

  const open = async (body: Record<string, unknown>, as: Caller = alice): Promise<IncidentJson> => {
    const res = await h.call('POST', '/api/v1/incidents', { as, body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as IncidentJson;
  };
  const post = (id: string, action: string, body?: unknown, as: Caller = alice) =>
    h.call('POST', `/api/v1/incidents/${id}/${action}`, { as, ...(body !== undefined && { body }) });
  const kinds = async (id: string): Promise<string[]> =>
    (
      (await h.call('GET', `/api/v1/incidents/${id}/timeline?limit=200`, { as: viewer })).json().data as Array<{
        kind: string;
      }>
    ).map((e) => e.kind);

  it('opens an incident with 201 and the full wire shape', async () => {
    const { service } = await h.app.services.create(env.admin, { name: unique('inc-svc') });
    const incident = await open({
      title: '  Checkout errors  ',
      severity: 'P1',
      service_id: service.name,
      description: 'HTTP 500 on /pay',
      impact: 'half of payments fail',
    });
    expect(incident).toMatchObject({
      title: 'Checkout errors',
      description: 'HTTP 500 on /pay',
      impact: 'half of payments fail',
      severity: 'P1',
      status: 'triggered',
      phase: 'detection',
      service_id: service.id,
      created_by: alice.userId,
      created_at: h.clock.now().toISOString(),
      ack_due_at: new Date(h.clock.now().getTime() + 15 * MIN).toISOString(),
      phase_due_at: new Date(h.clock.now().getTime() + 5 * MIN).toISOString(),
      response_breached: false,
      phase_overdue: false,
      acknowledged_at: null,
      resolved_at: null,
    });
    expect(incident.number).toMatch(NUMBER_PATTERN);
    expect(incident.number.startsWith(`INC-${h.clock.now().toISOString().slice(0, 10).replaceAll('-', '')}-`)).toBe(
      true,
    );
    expect(Object.keys(incident.roles).sort()).toEqual([
      'communication_lead',
      'devops_engineer',
      'incident_commander',
      'security_officer',
      'technical_lead',
    ]);
    expect(Object.values(incident.roles).every((r) => r === null)).toBe(true);
  });

  it('gets an incident by id and by number, and 404s an unknown one', async () => {
    const incident = await open({ title: unique('lookup'), severity: 'P3' });
    const byId = await h.call('GET', `/api/v1/incidents/${incident.id}`, { as: viewer });
    const byNumber = await h.call('GET', `/api/v1/incidents/${incident.number}`, { as: viewer });
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual(incident);
    expect(byNumber.json()).toEqual(incident);
    const missing = expectError(
      await h.call('GET', '/api/v1/incidents/INC-19990101-0001', { as: viewer }),
      404,
      'incident.not_found',
    );
    expect(missing.message).toContain('INC-19990101-0001');
    expectError(await h.call('GET', '/api/v1/incidents/inc_nope/timeline', { as: viewer }), 404, 'incident.not_found');
    expectError(await post('inc_nope', 'acknowledge'), 404, 'incident.not_found');
  });

  it('lists with status, severity and service filters, newest first', async () => {
    const { service } = await h.app.services.create(env.admin, { name: unique('filter-svc') });
    const made: IncidentJson[] = [];
    for (const severity of ['P0', 'P1', 'P2', 'P3', 'P1']) {
      h.clock.advance(1000);
      made.push(await open({ title: unique(`filter-${severity}`), severity, service_id: service.id }));
    }
    await post(made[1]!.id, 'acknowledge');
    await post(made[2]!.id, 'resolve');
    const ids = (res: { json(): { data: IncidentJson[] } }) => res.json().data.map((i) => i.id);
    const list = (query: string) =>
      h.call('GET', `/api/v1/incidents?service_id=${service.id}&${query}`, { as: viewer });

    expect(ids(await list('limit=50'))).toEqual(made.map((i) => i.id).reverse());
    expect(ids(await list('status=acknowledged'))).toEqual([made[1]!.id]);
    expect(ids(await list('status=triggered,resolved'))).toEqual([made[4]!.id, made[3]!.id, made[2]!.id, made[0]!.id]);
    expect(ids(await list('status=triggered&status=acknowledged'))).toEqual([
      made[4]!.id,
      made[3]!.id,
      made[1]!.id,
      made[0]!.id,
    ]);
    expect(ids(await list('severity=P1'))).toEqual([made[4]!.id, made[1]!.id]);
    expect(ids(await list('severity=P1&status=triggered'))).toEqual([made[4]!.id]);
    // The service filter takes a name too, and leaves out other services' incidents.
    const byName = await h.call('GET', `/api/v1/incidents?service_id=${encodeURIComponent(service.name)}&limit=200`, {
      as: viewer,
    });
    expect(ids(byName)).toEqual(made.map((i) => i.id).reverse());
    expect(byName.json().data.every((i: IncidentJson) => i.service_id === service.id)).toBe(true);

    expectError(await list('status=open'), 400, 'request.invalid');
    expectError(await list('severity=P9'), 400, 'request.invalid');
    expectError(await list('limit=0'), 400, 'request.invalid');
    expectError(await list('limit=201'), 400, 'request.invalid');
    expectError(await list('cursor=bm90LWEtY3Vyc29y'), 400, 'request.invalid_cursor');
  });

  it('pages with next_cursor without gaps or repeats, even within one millisecond', async () => {
    const { service } = await h.app.services.create(env.admin, { name: unique('paging-svc') });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      if (i % 3 === 0) h.clock.advance(1000); // several incidents share a created_at
      made.push((await open({ title: `page ${i}`, severity: 'P3', service_id: service.id })).id);
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.call(
        'GET',
        `/api/v1/incidents?service_id=${service.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { as: viewer },
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { data: IncidentJson[]; next_cursor: string | null };
      sizes.push(page.data.length);
      seen.push(...page.data.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...made].reverse());
    const exact = await h.call('GET', `/api/v1/incidents?service_id=${service.id}&limit=7`, { as: viewer });
    expect(exact.json().next_cursor).toBeNull();
  });

  it(
    'acknowledges, changes phase and severity, notes, ' + 'assigns roles, resolves and reopens, all on the timeline',
    async () => {
      const bob = await h.caller('responder', 'bob');
      const incident = await open({ title: unique('walk'), severity: 'P2' });

      h.clock.advance(2 * MIN);
      const acked = await post(incident.number, 'acknowledge', {});
      expect(acked.statusCode).toBe(200);
      expect(acked.json()).toMatchObject({
        status: 'acknowledged',
        acknowledged_at: h.clock.now().toISOString(),
        acknowledged_by: alice.userId,
      });
      expect(acked.json().roles.incident_commander).toMatchObject({ id: alice.userId, handle: alice.handle });

      const phase = await post(incident.id, 'phase', { phase: 'mitigation' });
      expect(phase.json()).toMatchObject({
        phase: 'mitigation',
        phase_started_at: h.clock.now().toISOString(),
        phase_due_at: new Date(Date.parse(incident.created_at as string) + 45 * MIN).toISOString(),
      });

      const severity = await post(incident.id, 'severity', { severity: 'P0', reason: 'all regions' });
      expect(severity.json()).toMatchObject({ severity: 'P0', ack_due_at: incident.ack_due_at });

      const note = await post(incident.id, 'notes', { text: 'rolled back the deploy' });
      expect(note.statusCode).toBe(201);

      const role = await post(incident.id, 'roles', { role: 'technical_lead', user: bob.handle });
      expect(role.json().roles.technical_lead).toMatchObject({ id: bob.userId, handle: bob.handle });
      const cleared = await post(incident.id, 'roles', { role: 'technical_lead', user: null });
      expect(cleared.json().roles.technical_lead).toBeNull();
      expectError(
        await post(incident.id, 'roles', { role: 'technical_lead', user: 'nobody-here' }),
        404,
        'user.not_found',
      );
      expectError(await post(incident.id, 'roles', { role: 'janitor', user: bob.handle }), 400, 'request.invalid');

      h.clock.advance(10 * MIN);
      const resolved = await post(incident.id, 'resolve', { note: 'stable for 10 minutes' });
      expect(resolved.json()).toMatchObject({
        status: 'resolved',
        phase: 'resolution',
        phase_due_at: null,
        resolved_at: h.clock.now().toISOString(),
        resolved_by: alice.userId,
      });

      h.clock.advance(MIN);
      const reopened = await post(incident.id, 'reopen', { reason: 'errors are back' });
      expect(reopened.json()).toMatchObject({
        status: 'triggered',
        phase: 'investigation',
        acknowledged_at: null,
        resolved_at: null,
        ack_due_at: new Date(h.clock.now().getTime() + 5 * MIN).toISOString(),
      });

      const timeline = await h.call('GET', `/api/v1/incidents/${incident.number}/timeline`, { as: viewer });
      expect(timeline.statusCode).toBe(200);
      const events = timeline.json().data as Array<{
        kind: string;
        at: string;
        actor: { name: string };
        data: Record<string, unknown>;
      }>;
      expect(events.map((e) => e.kind)).toEqual(
        [
          'created',
          'acknowledged',
          'role_assigned',
          'phase_changed',
          'severity_changed',
          'note',
          'role_assigned',
          'role_unassigned',
          'resolved',
          'postmortem_created', // a P0/P1 resolve drafts its post-mortem (VIGIL_POSTMORTEM_SEVERITIES)
          'reopened',
        ].reverse(),
      );
      expect(events.every((e) => ISO.test(e.at))).toBe(true);
      expect(events.find((e) => e.kind === 'note')).toMatchObject({
        actor: { name: alice.handle },
        data: { text: 'rolled back the deploy' },
      });
      expect(events.find((e) => e.kind === 'severity_changed')?.data).toMatchObject({
        from: 'P2',
        to: 'P0',
        reason: 'all regions',
      });
      expect(events.find((e) => e.kind === 'resolved')?.data).toMatchObject({ note: 'stable for 10 minutes' });
      expect(events.find((e) => e.kind === 'reopened')?.data).toMatchObject({ reason: 'errors are back' });

      const first = await h.call('GET', `/api/v1/incidents/${incident.id}/timeline?limit=4`, { as: viewer });
      const rest = await h.call(
        'GET',
        `/api/v1/incidents/${incident.id}/timeline?limit=50&cursor=${first.json().next_cursor}`,
        { as: viewer },
      );
      expect([...first.json().data, ...rest.json().data].map((e: { kind: string }) => e.kind)).toEqual(
        events.map((e) => e.kind),
      );
      expect(rest.json().next_cursor).toBeNull();
    },
  );

  it.each([
    ['acknowledge an acknowledged incident', ['acknowledge'], 'acknowledge', undefined, /already acknowledged/],
    ['acknowledge a resolved incident', ['resolve'], 'acknowledge', undefined, /resolved; reopen it first/],
    ['resolve a resolved incident', ['resolve'], 'resolve', undefined, /already resolved/],
    ['reopen a triggered incident', [], 'reopen', undefined, /it is triggered, not resolved/],
    ['reopen an acknowledged incident', ['acknowledge'], 'reopen', undefined, /it is acknowledged, not resolved/],
    ['move to the phase it is in', [], 'phase', { phase: 'detection' }, /already in the detection phase/],
    [
      'change the phase of a resolved incident',
      ['resolve'],
      'phase',
      { phase: 'mitigation' },
      /resolved incident; reopen it first/,
    ],
    ['set the severity it has', [], 'severity', { severity: 'P2' }, /already P2/],
  ] as const)(
    'answers 409 incident.invalid_transition, saying why, to: %s',
    async (_label, setup, action, body, why) => {
      const incident = await open({ title: unique('bad-move'), severity: 'P2' });
      for (const step of setup) expect((await post(incident.id, step)).statusCode).toBe(200);
      const before = await h.call('GET', `/api/v1/incidents/${incident.id}`, { as: viewer });
      const timelineBefore = await kinds(incident.id);

      const error = expectError(await post(incident.id, action, body), 409, 'incident.invalid_transition');
      expect(error.message).toMatch(why);
      expect((await h.call('GET', `/api/v1/incidents/${incident.id}`, { as: viewer })).json()).toEqual(before.json());
      expect(await kinds(incident.id)).toEqual(timelineBefore);
    },
  );

  it('turns response_breached and phase_overdue on as the clock passes ack_due_at and phase_due_at', async () => {
    const clock = new FakeClock('2032-06-01T12:00:00.000Z');
    const timed = await startHarness(env, { clock });
    try {
      const get = async (id: string) =>
        (await timed.call('GET', `/api/v1/incidents/${id}`, { as: viewer })).json() as IncidentJson;
      const created = (
        await timed.call('POST', '/api/v1/incidents', { as: alice, body: { title: unique('clock'), severity: 'P1' } })
      ).json() as IncidentJson;
      expect(created.ack_due_at).toBe('2032-06-01T12:15:00.000Z');
      expect(created.phase_due_at).toBe('2032-06-01T12:05:00.000Z');

      clock.set('2032-06-01T12:05:00.000Z');
      expect(await get(created.id)).toMatchObject({ response_breached: false, phase_overdue: false });
      clock.advance(1);
      expect(await get(created.id)).toMatchObject({ response_breached: false, phase_overdue: true });

      clock.set('2032-06-01T12:15:00.000Z');
      expect(await get(created.id)).toMatchObject({ response_breached: false, phase_overdue: true });
      clock.advance(1);
      const late = await get(created.id);
      expect(late).toMatchObject({ response_breached: true, phase_overdue: true });
      // The list presents the same flags.
      const listed = (await timed.call('GET', '/api/v1/incidents?limit=200', { as: viewer }))
        .json()
        .data.find((i: IncidentJson) => i.id === created.id);
      expect(listed).toMatchObject({ response_breached: true, phase_overdue: true });

      // Moving on to mitigation (due 45 min from the start) clears the overdue flag; the breach stays once
      // acknowledged late.
      const moved = (
        await timed.call('POST', `/api/v1/incidents/${created.id}/phase`, { as: alice, body: { phase: 'mitigation' } })
      ).json();
      expect(moved).toMatchObject({
        phase: 'mitigation',
        phase_due_at: '2032-06-01T12:45:00.000Z',
        phase_overdue: false,
      });
      const acked = (await timed.call('POST', `/api/v1/incidents/${created.id}/acknowledge`, { as: alice })).json();
      expect(acked).toMatchObject({ status: 'acknowledged', response_breached: true });
      clock.set('2032-06-01T12:45:00.001Z');
      expect(await get(created.id)).toMatchObject({ phase_overdue: true, response_breached: true });

      // An incident acknowledged in time never shows a breach, however late it is read.
      const prompt = (
        await timed.call('POST', '/api/v1/incidents', { as: alice, body: { title: unique('prompt'), severity: 'P0' } })
      ).json() as IncidentJson;
      clock.advance(4 * MIN);
      await timed.call('POST', `/api/v1/incidents/${prompt.id}/acknowledge`, { as: alice });
      clock.advance(24 * 60 * MIN);
      expect((await get(prompt.id)).response_breached).toBe(false);
      const resolved = (await timed.call('POST', `/api/v1/incidents/${prompt.id}/resolve`, { as: alice })).json();
      expect(resolved).toMatchObject({ phase_overdue: false, response_breached: false });
    } finally {
      await timed.close();
    }
  });

  it('lets the admin act on incidents too, and keeps the actor on each timeline event', async () => {
    const incident = await open({ title: unique('admin-acts'), severity: 'P3' }, admin);
    await post(incident.id, 'acknowledge', undefined, admin);
    const events = (await h.call('GET', `/api/v1/incidents/${incident.id}/timeline`, { as: viewer })).json()
      .data as Array<{ kind: string; actor: { id: string; name: string; type: string } }>;
    expect(events.map((e) => [e.kind, e.actor.id, e.actor.type])).toEqual([
      ['role_assigned', admin.userId, 'user'],
      ['acknowledged', admin.userId, 'user'],
      ['created', admin.userId, 'user'],
    ]);
  });
});
