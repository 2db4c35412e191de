import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/dialects.js';
import type { Actor } from '../access/index.js';
import { FakeClock } from '../clock.js';
import { AppError } from '../errors.js';

const MIN = 60_000;

async function rejected(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describeEachDialect('incidents service', (env) => {
  const responder = async (handle: string, clock = new FakeClock()): Promise<Actor> => {
    const user = await env
      .app(clock)
      .users.create(env.admin, { handle, name: handle, email: `${handle}@example.test` });
    return { type: 'user', id: user.id, name: handle, role: 'responder' };
  };

  it('numbers 40 concurrent creations on one day 0001…0040 without gaps or duplicates', async () => {
    const clock = new FakeClock('2031-05-06T12:00:00.000Z');
    const app = env.app(clock);
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => app.incidents.create(env.admin, { title: `storm ${i}`, severity: 'P2' })),
    );
    const numbers = created.map((i) => i.number).sort();
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => `INC-20310506-${String(i + 1).padStart(4, '0')}`));
  });

  it('starts the sequence again on the next UTC day', async () => {
    const clock = new FakeClock('2031-07-01T23:59:59.000Z');
    const app = env.app(clock);
    const first = await app.incidents.create(env.admin, { title: 'late', severity: 'P3' });
    clock.advance(2000);
    const second = await app.incidents.create(env.admin, { title: 'early', severity: 'P3' });
    expect(first.number).toBe('INC-20310701-0001');
    expect(second.number).toBe('INC-20310702-0001');
  });

  it('finds an incident by id and by number', async () => {
    const app = env.app();
    const incident = await app.incidents.create(env.admin, { title: 'lookup', severity: 'P1' });
    expect((await app.incidents.get(env.admin, incident.number)).id).toBe(incident.id);
    expect((await app.incidents.get(env.admin, incident.id)).number).toBe(incident.number);
    expect((await rejected(app.incidents.get(env.admin, 'INC-19990101-0001'))).code).toBe('incident.not_found');
  });

  it('walks acknowledge → mitigation → resolve → reopen, with every step on the timeline', async () => {
    const clock = new FakeClock('2031-01-10T08:00:00.000Z');
    const app = env.app(clock);
    const alice = await responder('alice-walk', clock);
    const incident = await app.incidents.create(alice, {
      title: 'checkout errors',
      severity: 'P1',
      impact: 'half of checkouts fail',
    });
    expect(incident).toMatchObject({ status: 'triggered', phase: 'detection', severity: 'P1' });
    expect(incident.ackDueAt.toISOString()).toBe('2031-01-10T08:15:00.000Z');
    expect(incident.phaseDueAt?.toISOString()).toBe('2031-01-10T08:05:00.000Z');

    clock.advance(3 * MIN);
    const acked = await app.incidents.acknowledge(alice, incident.number);
    expect(acked.status).toBe('acknowledged');
    expect(acked.roles.incident_commander?.handle).toBe('alice-walk');

    clock.advance(10 * MIN);
    const mitigating = await app.incidents.setPhase(alice, incident.id, 'mitigation');
    expect(mitigating.phase).toBe('mitigation');
    expect(mitigating.phaseDueAt?.toISOString()).toBe('2031-01-10T08:45:00.000Z');

    clock.advance(20 * MIN);
    const resolved = await app.incidents.resolve(alice, incident.id, 'rolled back');
    expect(resolved).toMatchObject({ status: 'resolved', phase: 'resolution', phaseDueAt: null });

    clock.advance(60 * MIN);
    const reopened = await app.incidents.reopen(alice, incident.id, 'errors are back');
    expect(reopened).toMatchObject({
      status: 'triggered',
      phase: 'investigation',
      acknowledgedAt: null,
      resolvedAt: null,
    });
    expect(reopened.ackDueAt.toISOString()).toBe('2031-01-10T09:48:00.000Z');

    const kinds = (await app.incidents.timeline(alice, incident.id, { limit: 50 })).data.map((e) => e.kind);
    // The resolve of a P0/P1 drafts its post-mortem (VIGIL_POSTMORTEM_SEVERITIES).
    expect(kinds).toEqual([
      'reopened',
      'postmortem_created',
      'resolved',
      'phase_changed',
      'role_assigned',
      'acknowledged',
      'created',
    ]);
  });

  it.each([
    ['acknowledge twice', ['acknowledge'], 'acknowledge', 'already acknowledged'],
    ['acknowledge a resolved one', ['resolve'], 'acknowledge', 'reopen it first'],
    ['resolve twice', ['resolve'], 'resolve', 'already resolved'],
    ['reopen a triggered one', [], 'reopen', 'not resolved'],
    ['reopen an acknowledged one', ['acknowledge'], 'reopen', 'not resolved'],
  ] as const)('refuses to %s with a 409 that says why, changing nothing', async (_name, setup, action, why) => {
    const app = env.app();
    const incident = await app.incidents.create(env.admin, { title: 'transitions', severity: 'P2' });
    for (const step of setup) await app.incidents[step](env.admin, incident.id);
    const before = await app.incidents.get(env.admin, incident.id);
    const events = (await app.incidents.timeline(env.admin, incident.id, { limit: 50 })).data.length;
    const error = await rejected(app.incidents[action](env.admin, incident.id));
    expect(error.code).toBe('incident.invalid_transition');
    expect(error.message).toContain(why);
    expect(await app.incidents.get(env.admin, incident.id)).toEqual(before);
    expect((await app.incidents.timeline(env.admin, incident.id, { limit: 50 })).data.length).toBe(events);
  });

  it('lets exactly one of two racing acknowledgements win', async () => {
    const app = env.app();
    const incident = await app.incidents.create(env.admin, { title: 'race', severity: 'P0' });
    const results = await Promise.allSettled([
      app.incidents.acknowledge(env.admin, incident.id),
      app.incidents.acknowledge(env.admin, incident.id),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((failure.reason as AppError).kind).toBe('conflict');
    const kinds = (await app.incidents.timeline(env.admin, incident.id, { limit: 50 })).data.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'acknowledged')).toHaveLength(1);
  });

  it('records a missed response target once, when the sweep notices it', async () => {
    const clock = new FakeClock('2031-02-01T00:00:00.000Z');
    const app = env.app(clock);
    await app.incidents.recordBreaches(10_000); // earlier tests' unanswered incidents share this database
    const incident = await app.incidents.create(env.admin, { title: 'nobody answers', severity: 'P0' });
    clock.advance(5 * MIN);
    expect(await app.incidents.recordBreaches()).toBe(0);
    clock.advance(1);
    const [first, second] = await Promise.all([
      app.incidents.recordBreaches(),
      env.app(clock).incidents.recordBreaches(),
    ]);
    expect((first ?? 0) + (second ?? 0)).toBe(1);
    expect(await app.incidents.recordBreaches()).toBe(0);
    const events = (await app.incidents.timeline(env.admin, incident.id, { limit: 50 })).data;
    const breach = events.find((e) => e.kind === 'response_breached');
    expect(breach?.actor.type).toBe('system');
    expect(breach?.data).toMatchObject({ severity: 'P0', ack_due_at: '2031-02-01T00:05:00.000Z', late_ms: 1 });
  });

  it('does not record a breach for an incident acknowledged in time', async () => {
    const clock = new FakeClock('2031-02-02T00:00:00.000Z');
    const app = env.app(clock);
    const incident = await app.incidents.create(env.admin, { title: 'answered', severity: 'P0' });
    clock.advance(4 * MIN);
    await app.incidents.acknowledge(env.admin, incident.id);
    clock.advance(60 * MIN);
    await app.incidents.recordBreaches();
    const kinds = (await app.incidents.timeline(env.admin, incident.id, { limit: 50 })).data.map((e) => e.kind);
    expect(kinds).not.toContain('response_breached');
  });

  it('moves an unanswered incident’s response target with its severity', async () => {
    const clock = new FakeClock('2031-03-01T00:00:00.000Z');
    const app = env.app(clock);
    const incident = await app.incidents.create(env.admin, { title: 'escalating', severity: 'P3' });
    const raised = await app.incidents.setSeverity(env.admin, incident.id, 'P0', 'payments down');
    expect(raised.ackDueAt.toISOString()).toBe('2031-03-01T00:05:00.000Z');
    expect((await rejected(app.incidents.setSeverity(env.admin, incident.id, 'P0'))).code).toBe(
      'incident.invalid_transition',
    );
  });

  it('assigns, replaces and clears roles by handle, refusing unknown users', async () => {
    const app = env.app();
    const bob = await responder('bob-roles');
    const carol = await responder('carol-roles');
    const incident = await app.incidents.create(env.admin, { title: 'roles', severity: 'P1' });
    expect(
      (await app.incidents.assignRole(bob, incident.id, 'technical_lead', 'bob-roles')).roles.technical_lead?.handle,
    ).toBe('bob-roles');
    expect(
      (await app.incidents.assignRole(bob, incident.id, 'technical_lead', carol.id as string)).roles.technical_lead
        ?.handle,
    ).toBe('carol-roles');
    expect(
      (await app.incidents.assignRole(bob, incident.id, 'technical_lead', null)).roles.technical_lead,
    ).toBeUndefined();
    expect((await rejected(app.incidents.assignRole(bob, incident.id, 'security_officer', 'nobody'))).code).toBe(
      'user.not_found',
    );
    const acked = await app.incidents.acknowledge(carol, incident.id);
    expect(acked.roles.incident_commander?.handle).toBe('carol-roles');
  });

  it('keeps an existing incident commander when someone else acknowledges', async () => {
    const app = env.app();
    const dan = await responder('dan-ic');
    const erin = await responder('erin-ic');
    const incident = await app.incidents.create(env.admin, { title: 'ic', severity: 'P1' });
    await app.incidents.assignRole(dan, incident.id, 'incident_commander', 'dan-ic');
    expect((await app.incidents.acknowledge(erin, incident.id)).roles.incident_commander?.handle).toBe('dan-ic');
  });

  it('lists newest first with filters and a cursor that pages without overlap', async () => {
    const clock = new FakeClock('2031-04-01T00:00:00.000Z');
    const app = env.app(clock);
    const service = (await app.services.create(env.admin, { name: 'list-svc' })).service;
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await app.incidents.create(env.admin, {
          title: `list ${i}`,
          severity: i % 2 ? 'P1' : 'P2',
          serviceId: service.id,
        }),
      );
      clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await app.incidents.list(env.admin, { limit: 3, cursor, serviceId: service.id });
      seen.push(...page.data.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made.map((i) => i.id).reverse());
    const p1 = await app.incidents.list(env.admin, { limit: 50, severity: ['P1'], serviceId: service.id });
    expect(p1.data.map((i) => i.title)).toEqual(['list 5', 'list 3', 'list 1']);
    expect((await rejected(app.incidents.list(env.admin, { limit: 5, cursor: 'bm90LWEtY3Vyc29y' }))).code).toBe(
      'request.invalid_cursor',
    );
  });

  it('refuses writes from a viewer with a 403 and changes nothing', async () => {
    const app = env.app();
    const incident = await app.incidents.create(env.admin, { title: 'viewer', severity: 'P2' });
    const viewer: Actor = { ...env.admin, role: 'viewer' };
    const error = await rejected(app.incidents.acknowledge(viewer, incident.id));
    expect(error.kind).toBe('forbidden');
    expect((await app.incidents.get(viewer, incident.id)).status).toBe('triggered');
  });
});
