// Scenario tests of the escalation engine on a fake clock (issue 4, item 9), on SQLite and PostgreSQL:
// each one builds its own people, schedules, policy and service, opens an incident, moves the clock
// and runs the engine's sweep, then reads what was paged and what the timeline says. The database is
// shared by every test in this file, so all names are unique and assertions stay per incident.
import type { Engine } from '../engine/index.js';
import { afterEach, expect, it, vi } from 'vitest';
import { describeEachDialect } from '../../test/dialects.js';
import type { App } from '../app.js';
import { FakeClock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Severity } from '../incident.js';
import { cycleSeconds, SEED_POLICY_ID, type EscalateWhile, type Level, type Target } from './policy.js';

const SEC = 1000;
const MIN = 60 * SEC;

let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}`;
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

describeEachDialect('escalation engine', (env) => {
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop();
  });

  /** An app and an engine on a fake clock; the test runs every sweep itself. */
  function setup(start: string) {
    const clock = new FakeClock(start);
    return { clock, ...boot(clock) };
  }

  function boot(clock: FakeClock) {
    const app = env.app(clock);
    const logger = { info: vi.fn(), error: vi.fn() };
    // No tick and no wake-up when a new incident makes a sweep due: the test decides when sweeps run, so
    // one that read the clock before an advance cannot stand in for the test's own sweep.
    const engine = app.engine.start(logger, 0, { wake: false });
    engines.push(engine);
    const sweep = async () => {
      await engine.sweep();
      expect(logger.error).not.toHaveBeenCalled();
    };
    return { app, engine, sweep, ...helpers(app) };
  }

  function helpers(app: App) {
    const person = async (label: string) => {
      const handle = unique(label);
      return app.users.create(env.admin, { handle, name: handle, email: `${handle}@example.test` });
    };
    const level = (delaySeconds: number, ...targets: Target[]): Level => ({ name: null, delaySeconds, targets });
    const user = (id: string): Target => ({ type: 'user', id });
    const policy = (levels: Level[], opts: { escalateWhile?: EscalateWhile; repeat?: number } = {}) =>
      app.policies.create(env.admin, {
        name: unique('policy'),
        escalateWhile: opts.escalateWhile ?? 'unresolved',
        repeat: opts.repeat ?? 0,
        levels,
      });
    const service = async (escalationPolicyId?: string) =>
      (await app.services.create(env.admin, { name: unique('svc'), ...(escalationPolicyId && { escalationPolicyId }) }))
        .service;
    const incident = (serviceId: string | undefined, severity: Severity = 'P2') =>
      app.incidents.create(env.admin, { title: unique('incident'), severity, serviceId });
    const events = async (id: string, kind: string) =>
      (await app.incidents.timeline(env.admin, id, { limit: 500 })).data.filter((e) => e.kind === kind).reverse();
    /** Each 'escalated' entry, oldest first, as [level, loop, handles paged]. */
    const escalated = async (id: string) =>
      (await events(id, 'escalated')).map((e) => [
        e.data.level,
        e.data.loop,
        (e.data.paged as Array<{ handle: string }>).map((p) => p.handle),
      ]);
    /** Each page, oldest first, as [level, loop, user id, ISO time]. */
    const pages = async (id: string) =>
      (await app.escalation.pages(env.admin, id)).reverse().map((p) => [p.level, p.loop, p.userId, p.at.toISOString()]);
    /** Each page, oldest first, as [run, level, loop, user id, ISO time]. */
    const runPages = async (id: string) =>
      (await app.escalation.pages(env.admin, id))
        .reverse()
        .map((p) => [p.run, p.level, p.loop, p.userId, p.at.toISOString()]);
    const standing = async (id: string) => {
      const i = await app.incidents.get(env.admin, id);
      return { level: i.escalationLevel, next: i.nextEscalationAt?.toISOString() ?? null };
    };
    return { person, level, user, policy, service, incident, events, escalated, pages, runPages, standing };
  }

  it(
    'climbs a three-level policy on time: level 1 at once, ' + 'level 2 at 15 min (not 14:59), level 3 at 30 min',
    async () => {
      const t = setup('2030-01-07T10:00:00.000Z');
      const [a, b, c] = [await t.person('l1'), await t.person('l2'), await t.person('l3')];
      const pol = await t.policy([t.level(0, t.user(a.id)), t.level(900, t.user(b.id)), t.level(1800, t.user(c.id))]);
      const svc = await t.service(pol.id);
      const t0 = t.clock.now();
      const inc = await t.incident(svc.id);
      expect(inc).toMatchObject({ escalationLevel: 0, nextEscalationAt: t0 });
      expect(await t.pages(inc.id)).toEqual([]);

      await t.sweep();
      expect(await t.standing(inc.id)).toEqual({ level: 1, next: plus(t0, 15 * MIN).toISOString() });
      expect(await t.pages(inc.id)).toEqual([[1, 0, a.id, t0.toISOString()]]);
      expect(await t.escalated(inc.id)).toEqual([[1, 0, [a.handle]]]);

      t.clock.advance(14 * MIN + 59 * SEC);
      await t.sweep();
      expect(await t.standing(inc.id)).toEqual({ level: 1, next: plus(t0, 15 * MIN).toISOString() });
      expect(await t.pages(inc.id)).toHaveLength(1);

      t.clock.advance(1 * SEC);
      await t.sweep();
      expect(await t.standing(inc.id)).toEqual({ level: 2, next: plus(t0, 30 * MIN).toISOString() });
      expect((await t.pages(inc.id)).at(-1)).toEqual([2, 0, b.id, plus(t0, 15 * MIN).toISOString()]);
      // A second sweep at the same instant does nothing more.
      await t.sweep();
      expect(await t.pages(inc.id)).toHaveLength(2);

      t.clock.advance(15 * MIN);
      await t.sweep();
      expect(await t.standing(inc.id)).toEqual({ level: 3, next: null });
      expect(await t.pages(inc.id)).toEqual([
        [1, 0, a.id, t0.toISOString()],
        [2, 0, b.id, plus(t0, 15 * MIN).toISOString()],
        [3, 0, c.id, plus(t0, 30 * MIN).toISOString()],
      ]);
      expect(await t.escalated(inc.id)).toEqual([
        [1, 0, [a.handle]],
        [2, 0, [b.handle]],
        [3, 0, [c.handle]],
      ]);
      expect(await t.app.escalation.state(env.admin, inc.id)).toMatchObject({
        policyId: pol.id,
        level: 3,
        nextAt: null,
        stopReason: 'policy exhausted',
      });
      expect(await t.events(inc.id, 'escalation_exhausted')).toEqual([]);

      t.clock.advance(60 * MIN);
      await t.sweep();
      expect(await t.pages(inc.id)).toHaveLength(3);
    },
  );

  it(
    'stops an "unacknowledged" policy at acknowledge but ' + 'keeps an "unresolved" one climbing; resolve stops both',
    async () => {
      const t = setup('2030-01-08T10:00:00.000Z');
      const [a, b, c] = [await t.person('ack1'), await t.person('ack2'), await t.person('ack3')];
      const levels = [t.level(0, t.user(a.id)), t.level(900, t.user(b.id)), t.level(1800, t.user(c.id))];
      const untilAck = await t.service((await t.policy(levels, { escalateWhile: 'unacknowledged' })).id);
      const untilResolved = await t.service((await t.policy(levels, { escalateWhile: 'unresolved' })).id);
      const acked = await t.incident(untilAck.id);
      const ackedButOpen = await t.incident(untilResolved.id);
      const resolvedEarly = await t.incident(untilAck.id);
      const resolvedLater = await t.incident(untilResolved.id);
      await t.sweep();

      t.clock.advance(MIN);
      for (const inc of [acked, ackedButOpen]) await t.app.incidents.acknowledge(env.admin, inc.id);
      await t.app.incidents.resolve(env.admin, resolvedEarly.id);
      expect(await t.standing(acked.id)).toEqual({ level: 1, next: null });
      expect(await t.app.escalation.state(env.admin, acked.id)).toMatchObject({
        stopReason: 'acknowledged',
        stoppedAt: t.clock.now(),
      });
      expect(await t.standing(ackedButOpen.id)).toEqual({
        level: 1,
        next: plus(acked.createdAt, 15 * MIN).toISOString(),
      });
      expect(await t.app.escalation.state(env.admin, resolvedEarly.id)).toMatchObject({
        stopReason: 'resolved',
        nextAt: null,
      });

      t.clock.advance(14 * MIN);
      await t.sweep();
      expect((await t.escalated(acked.id)).map(([level]) => level)).toEqual([1]);
      expect((await t.escalated(resolvedEarly.id)).map(([level]) => level)).toEqual([1]);
      expect((await t.escalated(ackedButOpen.id)).map(([level]) => level)).toEqual([1, 2]);
      expect((await t.escalated(resolvedLater.id)).map(([level]) => level)).toEqual([1, 2]);

      t.clock.advance(5 * MIN);
      for (const inc of [ackedButOpen, resolvedLater]) await t.app.incidents.resolve(env.admin, inc.id);
      t.clock.advance(30 * MIN);
      await t.sweep();
      for (const inc of [ackedButOpen, resolvedLater]) {
        expect((await t.escalated(inc.id)).map(([level]) => level)).toEqual([1, 2]);
        expect(await t.app.escalation.state(env.admin, inc.id)).toMatchObject({
          level: 2,
          nextAt: null,
          stopReason: 'resolved',
        });
      }
      expect(await t.pages(acked.id)).toHaveLength(1);
      expect(await t.pages(ackedButOpen.id)).toHaveLength(2);
    },
  );

  it('runs the chain again on repeat, each loop one cycle after the last, then stops', async () => {
    const t = setup('2030-01-09T10:00:00.000Z');
    const [a, b] = [await t.person('rep1'), await t.person('rep2')];
    const levels = [t.level(0, t.user(a.id)), t.level(600, t.user(b.id))];
    const cycle = cycleSeconds(levels) * SEC; // 600 + 600 s
    expect(cycle).toBe(20 * MIN);
    const svc = await t.service((await t.policy(levels, { repeat: 1 })).id);
    const t0 = t.clock.now();
    const inc = await t.incident(svc.id);
    const at = (ms: number) => plus(t0, ms).toISOString();

    await t.sweep();
    t.clock.advance(10 * MIN);
    await t.sweep();
    expect(await t.standing(inc.id)).toEqual({ level: 2, next: at(cycle) });

    t.clock.set(plus(t0, cycle - SEC));
    await t.sweep();
    expect(await t.pages(inc.id)).toHaveLength(2);

    t.clock.set(plus(t0, cycle));
    await t.sweep();
    expect(await t.standing(inc.id)).toEqual({ level: 1, next: at(cycle + 10 * MIN) });

    t.clock.set(plus(t0, cycle + 10 * MIN));
    await t.sweep();
    expect(await t.standing(inc.id)).toEqual({ level: 2, next: null });
    t.clock.advance(3 * cycle);
    await t.sweep();
    expect(await t.pages(inc.id)).toEqual([
      [1, 0, a.id, at(0)],
      [2, 0, b.id, at(10 * MIN)],
      [1, 1, a.id, at(cycle)],
      [2, 1, b.id, at(cycle + 10 * MIN)],
    ]);
    expect(await t.escalated(inc.id)).toEqual([
      [1, 0, [a.handle]],
      [2, 0, [b.handle]],
      [1, 1, [a.handle]],
      [2, 1, [b.handle]],
    ]);
    expect(await t.app.escalation.state(env.admin, inc.id)).toMatchObject({
      level: 2,
      loop: 1,
      stopReason: 'policy exhausted',
    });
  });

  it(
    'skips a level with nobody to page at once and reaches ' + 'the next one in the same sweep, not after its delay',
    async () => {
      const t = setup('2030-01-10T10:00:00.000Z');
      const [onRota, gone, x, y] = [
        await t.person('rota'),
        await t.person('gone'),
        await t.person('x'),
        await t.person('y'),
      ];
      const emptyTeam = await t.app.teams.create(env.admin, { name: unique('empty-team') });
      const formerTeam = await t.app.teams.create(env.admin, { name: unique('former-team'), members: [gone.id] });
      await t.app.users.update(env.admin, gone.id, { active: false });
      // A schedule whose only person is taken off over the whole test: nobody on call.
      const schedule = await t.app.schedules.create(env.admin, {
        name: unique('nobody'),
        timezone: 'UTC',
        layers: [
          {
            name: 'l',
            rotation: { kind: 'daily', handoffAt: new Date('2030-01-01T09:00:00.000Z'), participants: [onRota.id] },
          },
        ],
      });
      await t.app.schedules.addOverride(env.admin, schedule.id, {
        replacesUserId: onRota.id,
        start: new Date('2030-01-10T00:00:00.000Z'),
        end: new Date('2030-01-11T00:00:00.000Z'),
      });
      const pol = await t.policy([
        t.level(0, { type: 'team', id: emptyTeam.id }, { type: 'team', id: formerTeam.id }),
        t.level(900, t.user(x.id)),
        t.level(1800, { type: 'schedule', id: schedule.id }),
        t.level(3600, t.user(y.id)),
      ]);
      const t0 = t.clock.now();
      const inc = await t.incident((await t.service(pol.id)).id);

      await t.sweep();
      expect(await t.pages(inc.id)).toEqual([[2, 0, x.id, t0.toISOString()]]);
      expect((await t.events(inc.id, 'escalation_skipped')).map((e) => [e.data.level, e.at.toISOString()])).toEqual([
        [1, t0.toISOString()],
      ]);
      expect(await t.standing(inc.id)).toEqual({ level: 2, next: plus(t0, 30 * MIN).toISOString() });

      t.clock.advance(30 * MIN);
      await t.sweep();
      const now = t.clock.now().toISOString();
      expect((await t.pages(inc.id)).at(-1)).toEqual([4, 0, y.id, now]);
      expect((await t.events(inc.id, 'escalation_skipped')).map((e) => e.data.level)).toEqual([1, 3]);
      expect(await t.escalated(inc.id)).toEqual([
        [2, 0, [x.handle]],
        [4, 0, [y.handle]],
      ]);
      expect(await t.standing(inc.id)).toEqual({ level: 4, next: null });
      // People were reached, so running out is not an alert to admins.
      expect(await t.events(inc.id, 'escalation_exhausted')).toEqual([]);
    },
  );

  it(
    'pages the admins (level 0) and writes escalation_exhausted ' + 'when a policy runs out with nobody reached',
    async () => {
      const t = setup('2030-01-11T10:00:00.000Z');
      const [admin, formerAdmin, responder] = [
        await t.person('admin'),
        await t.person('former-admin'),
        await t.person('responder'),
      ];
      await t.app.tokens.create(env.admin, { user: admin.id, role: 'admin' });
      const revoked = await t.app.tokens.create(env.admin, { user: formerAdmin.id, role: 'admin' });
      await t.app.tokens.revoke(env.admin, revoked.token.id);
      await t.app.tokens.create(env.admin, { user: responder.id, role: 'responder' });
      const team = await t.app.teams.create(env.admin, { name: unique('nobody-team') });
      const pol = await t.policy(
        [t.level(0, { type: 'team', id: team.id }), t.level(600, { type: 'team', id: team.id })],
        { repeat: 1 },
      );
      const svc = await t.service(pol.id);
      const inc = await t.incident(svc.id);
      // A second incident exhausted in the same sweep pages the same admins (read once for both).
      const other = await t.incident(svc.id);

      await t.sweep();
      const pages = await t.app.escalation.pages(env.admin, inc.id);
      expect(pages.every((p) => p.level === 0)).toBe(true);
      const paged = pages.map((p) => p.userId);
      expect((await t.app.escalation.pages(env.admin, other.id)).map((p) => p.userId).sort()).toEqual(
        [...paged].sort(),
      );
      expect(paged).toContain(admin.id);
      expect(paged).not.toContain(formerAdmin.id);
      expect(paged).not.toContain(responder.id);
      expect((await t.events(inc.id, 'escalation_skipped')).map((e) => [e.data.level, e.data.loop])).toEqual([
        [1, 0],
        [2, 0],
        [1, 1],
        [2, 1],
      ]);
      const [exhausted, ...more] = await t.events(inc.id, 'escalation_exhausted');
      expect(more).toEqual([]);
      expect(exhausted?.data).toMatchObject({ policy: pol.name, reached: 0, admins_paged: pages.length });
      expect(await t.standing(inc.id)).toEqual({ level: 2, next: null });

      t.clock.advance(2 * 60 * MIN);
      await t.sweep();
      expect(await t.app.escalation.pages(env.admin, inc.id)).toHaveLength(pages.length);

      // Reopened, it runs out with nobody again: the admins hear of it again.
      await t.app.incidents.resolve(env.admin, inc.id);
      t.clock.advance(MIN);
      await t.app.incidents.reopen(env.admin, inc.id);
      await t.sweep();
      expect(await t.events(inc.id, 'escalation_exhausted')).toHaveLength(2);
      const again = (await t.app.escalation.pages(env.admin, inc.id)).filter(
        (p) => p.at.getTime() === t.clock.now().getTime(),
      );
      expect(again.map((p) => [p.level, p.userId])).toContainEqual([0, admin.id]);
      expect(again).toHaveLength(pages.length);
    },
  );

  it(
    'pages the person an override puts on a schedule instead of the rotation’s, ' + 'and the rotation’s once it ends',
    async () => {
      const t = setup('2030-01-12T10:00:00.000Z');
      const [regular, stand, other] = [await t.person('regular'), await t.person('stand-in'), await t.person('other')];
      const schedule = await t.app.schedules.create(env.admin, {
        name: unique('override'),
        timezone: 'UTC',
        layers: [
          {
            name: 'l',
            rotation: {
              kind: 'weekly',
              handoffAt: new Date('2030-01-07T09:00:00.000Z'),
              participants: [regular.id, other.id],
            },
          },
        ],
      });
      const t0 = t.clock.now();
      await t.app.schedules.addOverride(env.admin, schedule.id, {
        userId: stand.id,
        replacesUserId: regular.id,
        start: plus(t0, -60 * MIN),
        end: plus(t0, 60 * MIN),
      });
      const target: Target = { type: 'schedule', id: schedule.id };
      const inc = await t.incident(
        (await t.service((await t.policy([t.level(0, target), t.level(2 * 3600, target)])).id)).id,
      );

      await t.sweep();
      expect(await t.pages(inc.id)).toEqual([[1, 0, stand.id, t0.toISOString()]]);
      t.clock.advance(2 * 60 * MIN);
      await t.sweep();
      expect((await t.pages(inc.id)).map(([level, , userId]) => [level, userId])).toEqual([
        [1, stand.id],
        [2, regular.id],
      ]);
    },
  );

  it.each([
    // Europe/Berlin goes 02:00 CET → 03:00 CEST on 2026-03-29: the 09:00 handoff is at 07:00 UTC that day, not 08:00.
    { change: 'spring forward', created: '2026-03-29T06:50:00.000Z', before: 'second', after: 'first' },
    // … and 03:00 CEST → 02:00 CET on 2026-10-25: the 09:00 handoff is at 08:00 UTC that day, not 07:00.
    { change: 'fall back', created: '2026-10-25T07:50:00.000Z', before: 'second', after: 'first' },
  ] as const)(
    'follows a daily Berlin rotation’s 09:00 handoff across the $change',
    async ({ created, before, after }) => {
      const t = setup(created);
      const people = { first: await t.person('berlin-a'), second: await t.person('berlin-b') };
      const schedule = await t.app.schedules.create(env.admin, {
        name: unique('berlin'),
        timezone: 'Europe/Berlin',
        // Friday 2026-03-27 09:00 CET: first on the 27th, second on the 28th, first on the 29th, …
        layers: [
          {
            name: 'daily',
            rotation: {
              kind: 'daily',
              handoffAt: new Date('2026-03-27T08:00:00.000Z'),
              participants: [people.first.id, people.second.id],
            },
          },
        ],
      });
      const target: Target = { type: 'schedule', id: schedule.id };
      const inc = await t.incident(
        (await t.service((await t.policy([t.level(0, target), t.level(900, target)])).id)).id,
      );

      await t.sweep(); // 08:50 local: the day before's person is still on call
      t.clock.advance(15 * MIN);
      await t.sweep(); // 09:05 local: the handoff has happened
      expect((await t.pages(inc.id)).map(([level, , userId]) => [level, userId])).toEqual([
        [1, people[before].id],
        [2, people[after].id],
      ]);
    },
  );

  it(
    'resumes after a restart at the right level: ' + 'both levels that fell due while down are reached exactly once',
    async () => {
      const clock = new FakeClock('2030-01-13T10:00:00.000Z');
      const first = boot(clock);
      const [a, b, c] = [await first.person('rs1'), await first.person('rs2'), await first.person('rs3')];
      const pol = await first.policy([
        first.level(0, first.user(a.id)),
        first.level(900, first.user(b.id)),
        first.level(1800, first.user(c.id)),
      ]);
      const inc = await first.incident((await first.service(pol.id)).id);
      await first.sweep();
      await first.engine.stop();

      clock.advance(31 * MIN);
      const second = boot(clock); // a new app and engine over the same database
      await second.sweep();
      await second.sweep();
      expect(await second.escalated(inc.id)).toEqual([
        [1, 0, [a.handle]],
        [2, 0, [b.handle]],
        [3, 0, [c.handle]],
      ]);
      expect((await second.pages(inc.id)).map(([level, , userId, at]) => [level, userId, at])).toEqual([
        [1, a.id, '2030-01-13T10:00:00.000Z'],
        [2, b.id, '2030-01-13T10:31:00.000Z'],
        [3, c.id, '2030-01-13T10:31:00.000Z'],
      ]);
      expect(await second.standing(inc.id)).toEqual({ level: 3, next: null });
    },
  );

  it('escalates by hand one level at once; a resolved incident or one past the last level is a 409', async () => {
    const t = setup('2030-01-14T10:00:00.000Z');
    const [a, b, c] = [await t.person('man1'), await t.person('man2'), await t.person('man3')];
    const pol = await t.policy([t.level(0, t.user(a.id)), t.level(900, t.user(b.id)), t.level(1800, t.user(c.id))]);
    const t0 = t.clock.now();
    const inc = await t.incident((await t.service(pol.id)).id);
    await t.sweep();

    t.clock.advance(MIN);
    const state = await t.app.escalation.escalate(env.admin, inc.id);
    expect(state).toMatchObject({ level: 2, nextAt: plus(t0, 30 * MIN) });
    expect(await t.standing(inc.id)).toEqual({ level: 2, next: plus(t0, 30 * MIN).toISOString() });
    expect((await t.pages(inc.id)).at(-1)).toEqual([2, 0, b.id, plus(t0, MIN).toISOString()]);
    expect(await t.escalated(inc.id)).toEqual([
      [1, 0, [a.handle]],
      [2, 0, [b.handle]],
    ]);
    // The sweep at level 2's own time does not page it again.
    t.clock.set(plus(t0, 15 * MIN));
    await t.sweep();
    expect(await t.pages(inc.id)).toHaveLength(2);

    await t.app.escalation.escalate(env.admin, inc.id);
    expect(await t.standing(inc.id)).toEqual({ level: 3, next: null });
    const past = await t.app.escalation.escalate(env.admin, inc.id).catch((e: unknown) => e);
    expect(past).toBeInstanceOf(AppError);
    expect(past).toMatchObject({ code: 'escalation.conflict', kind: 'conflict' });

    await t.app.incidents.resolve(env.admin, inc.id);
    const resolved = await t.app.escalation.escalate(env.admin, inc.id).catch((e: unknown) => e);
    expect(resolved).toMatchObject({ code: 'incident.invalid_transition', kind: 'conflict' });
    expect(await t.pages(inc.id)).toHaveLength(3);
  });

  it('does not escalate or page an incident opened during its service’s maintenance window', async () => {
    const t = setup('2030-01-15T10:00:00.000Z');
    const a = await t.person('maint');
    const svc = await t.service((await t.policy([t.level(0, t.user(a.id)), t.level(600, t.user(a.id))])).id);
    const window = await t.app.services.startMaintenance(env.admin, svc.id, {
      end: plus(t.clock.now(), 30 * MIN),
      reason: 'db upgrade',
    });
    const quiet = await t.incident(svc.id, 'P0');
    await t.sweep();
    expect(await t.pages(quiet.id)).toEqual([]);
    expect(await t.standing(quiet.id)).toEqual({ level: 0, next: null });
    expect((await t.events(quiet.id, 'escalation_suppressed')).map((e) => e.data)).toEqual([
      { reason: 'the service is in maintenance', until: window.end.toISOString(), maintenance_id: window.id },
    ]);

    t.clock.advance(60 * MIN);
    await t.sweep();
    expect(await t.pages(quiet.id)).toEqual([]);
    expect(await t.events(quiet.id, 'escalated')).toEqual([]);
    // Once the window is over, new incidents escalate again.
    const loud = await t.incident(svc.id, 'P0');
    await t.sweep();
    expect((await t.pages(loud.id)).map(([level, , userId]) => [level, userId])).toEqual([[1, a.id]]);
  });

  it('picks the severity’s policy, else the service’s, else the seed chain', async () => {
    const t = setup('2030-01-16T10:00:00.000Z');
    const [exec, eng] = [await t.person('exec'), await t.person('eng')];
    const execPolicy = await t.policy([t.level(0, t.user(exec.id))]);
    const svcPolicy = await t.policy([t.level(0, t.user(eng.id))]);
    const svc = await t.service(svcPolicy.id);
    const updated = await t.app.services.update(env.admin, svc.id, { severityPolicies: { P0: execPolicy.id } });
    expect(updated).toMatchObject({ escalationPolicyId: svcPolicy.id, severityPolicies: { P0: execPolicy.id } });
    const plain = await t.service();

    const p0 = await t.incident(svc.id, 'P0');
    const p2 = await t.incident(svc.id, 'P2');
    const seeded = await t.incident(plain.id, 'P0');
    const unowned = await t.incident(undefined, 'P1');
    await t.sweep();
    const policyOf = async (id: string) => (await t.app.escalation.state(env.admin, id))?.policyId;
    expect(await policyOf(p0.id)).toBe(execPolicy.id);
    expect(await policyOf(p2.id)).toBe(svcPolicy.id);
    expect(await policyOf(seeded.id)).toBe(SEED_POLICY_ID);
    expect(await policyOf(unowned.id)).toBe(SEED_POLICY_ID);
    expect((await t.pages(p0.id)).map(([, , userId]) => userId)).toEqual([exec.id]);
    expect((await t.pages(p2.id)).map(([, , userId]) => userId)).toEqual([eng.id]);
  });

  it(
    'switches a running escalation to the severity’s policy when the severity is raised, ' +
      'reaching its due levels at once',
    async () => {
      const t = setup('2030-01-16T12:00:00.000Z');
      const [exec, cto, eng, lead] = [
        await t.person('sw-exec'),
        await t.person('sw-cto'),
        await t.person('sw-eng'),
        await t.person('sw-lead'),
      ];
      const execPolicy = await t.policy([t.level(0, t.user(exec.id)), t.level(1800, t.user(cto.id))]);
      const svcPolicy = await t.policy([t.level(0, t.user(eng.id)), t.level(3600, t.user(lead.id))]);
      const svc = await t.service(svcPolicy.id);
      await t.app.services.update(env.admin, svc.id, { severityPolicies: { P0: execPolicy.id } });
      const t0 = t.clock.now();
      const inc = await t.incident(svc.id, 'P2');
      await t.sweep();
      t.clock.advance(10 * MIN);
      await t.app.incidents.setSeverity(env.admin, inc.id, 'P0', 'all checkouts failing');
      await t.sweep();
      expect(await t.events(inc.id, 'escalation_policy_changed')).toHaveLength(1);
      // The executive chain's first level is long due (delays count from creation): reached now; its second at +30 min.
      expect(await t.runPages(inc.id)).toEqual([
        [0, 1, 0, eng.id, t0.toISOString()],
        [1, 1, 0, exec.id, plus(t0, 10 * MIN).toISOString()],
      ]);
      expect(await t.standing(inc.id)).toEqual({ level: 1, next: plus(t0, 30 * MIN).toISOString() });
      // Lowered again to P2 (no severity policy of its own), it goes back to the service's policy.
      await t.app.incidents.setSeverity(env.admin, inc.id, 'P2');
      expect((await t.app.escalation.state(env.admin, inc.id))?.policyId).toBe(svcPolicy.id);
    },
  );

  it(
    'starts over when a resolved incident is reopened, ' +
      'paging each level again (new pages, not dropped as repeats)',
    async () => {
      const t = setup('2030-01-18T10:00:00.000Z');
      const [a, b] = [await t.person('ro1'), await t.person('ro2')];
      const t0 = t.clock.now();
      const inc = await t.incident(
        (await t.service((await t.policy([t.level(0, t.user(a.id)), t.level(600, t.user(b.id))])).id)).id,
      );
      await t.sweep();
      t.clock.advance(10 * MIN);
      await t.sweep();
      await t.app.incidents.resolve(env.admin, inc.id);

      t.clock.advance(50 * MIN);
      const t1 = t.clock.now();
      await t.app.incidents.reopen(env.admin, inc.id);
      expect(await t.standing(inc.id)).toEqual({ level: 0, next: t1.toISOString() });
      await t.sweep();
      expect(await t.standing(inc.id)).toEqual({ level: 1, next: plus(t1, 10 * MIN).toISOString() });
      t.clock.advance(10 * MIN);
      await t.sweep();
      expect(await t.escalated(inc.id)).toEqual([
        [1, 0, [a.handle]],
        [2, 0, [b.handle]],
        [1, 0, [a.handle]],
        [2, 0, [b.handle]],
      ]);
      // Every level reached on the timeline has its page to deliver; the reopening's pages belong to run 1.
      expect(await t.runPages(inc.id)).toEqual([
        [0, 1, 0, a.id, t0.toISOString()],
        [0, 2, 0, b.id, plus(t0, 10 * MIN).toISOString()],
        [1, 1, 0, a.id, t1.toISOString()],
        [1, 2, 0, b.id, plus(t1, 10 * MIN).toISOString()],
      ]);
      expect(await t.app.escalation.state(env.admin, inc.id)).toMatchObject({
        run: 1,
        level: 2,
        loop: 0,
        startedAt: t1,
        stopReason: 'policy exhausted',
      });
    },
  );

  it('wakes the engine when an incident is created, without waiting for the next tick', async () => {
    const clock = new FakeClock('2030-01-17T10:00:00.000Z');
    const app = env.app(clock);
    const engine = app.engine.start({ info: vi.fn(), error: vi.fn() }, 0);
    engines.push(engine);
    const t = helpers(app);
    const a = await t.person('wake');
    const inc = await t.incident((await t.service((await t.policy([t.level(0, t.user(a.id))])).id)).id);
    await vi.waitFor(async () => expect(await t.pages(inc.id)).toHaveLength(1), { timeout: 5000, interval: 20 });
  });
});
