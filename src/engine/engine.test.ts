import { expect, it, vi } from 'vitest';
import { describeEachDialect } from '../../test/dialects.js';
import { FakeClock, systemClock } from '../clock.js';
import { createEngine, DELIVERY, type Sweep } from './engine.js';

/** A sweep that is always due and runs `run`. */
const sweepOf = (name: string, run: () => Promise<number>): Sweep => ({
  name,
  due: () => true,
  run,
  moved: `${name} moved`,
});

const MIN = 60_000;

describeEachDialect('engine', (env) => {
  it('writes a missed P1 response target on the timeline once the clock passes 15 minutes', async () => {
    const clock = new FakeClock('2032-01-01T03:00:00.000Z');
    const app = env.app(clock);
    const logger = { info: vi.fn(), error: vi.fn() };
    const engine = app.engine.start(logger, 0);
    const incident = await app.incidents.create(env.admin, { title: 'disk full', severity: 'P1' });

    clock.advance(15 * MIN);
    await engine.sweep();
    const breaches = async () =>
      (await app.incidents.timeline(env.admin, incident.id, { limit: 50 })).data.filter(
        (e) => e.kind === 'response_breached',
      );
    expect(await breaches()).toHaveLength(0);

    clock.advance(1000);
    await engine.sweep();
    expect(await breaches()).toHaveLength(1);
    await engine.sweep();
    expect(await breaches()).toHaveLength(1);
    expect(engine.lastSweepAt()?.toISOString()).toBe('2032-01-01T03:15:01.000Z');
    expect(logger.error).not.toHaveBeenCalled();
    await engine.stop();
  });

  it('resumes after a restart: a breach that fell due while no engine ran is recorded by the next one', async () => {
    const clock = new FakeClock('2032-02-01T03:00:00.000Z');
    const incident = await env.app(clock).incidents.create(env.admin, { title: 'while down', severity: 'P0' });
    clock.advance(2 * 60 * MIN);
    const engine = env.app(clock).engine.start({ info: vi.fn(), error: vi.fn() }, 0);
    await engine.sweep();
    const kinds = (await env.app(clock).incidents.timeline(env.admin, incident.id, { limit: 50 })).data.map(
      (e) => e.kind,
    );
    expect(kinds).toContain('response_breached');
    await engine.stop();
  });

  it(
    'runs a sweep asked for during another right after it (one for all such calls), ' + 'so nothing waits a tick',
    async () => {
      let calls = 0;
      const slow = sweepOf('slow', async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 20));
        return 0;
      });
      const engine = createEngine({ clock: new FakeClock(), sweeps: [slow], deliver: async () => 0 }).start(
        { info: vi.fn(), error: vi.fn() },
        0,
      );
      const first = engine.sweep();
      const [second, third] = [engine.sweep(), engine.sweep()];
      expect(second).toBe(third);
      await Promise.all([first, second, third]);
      // Three calls, two sweeps: the two made during the first share the one that follows it.
      expect(calls).toBe(2);
      await engine.stop();
    },
  );

  it('wakes itself when the next escalation falls due, instead of waiting for the tick', async () => {
    const app = env.app(systemClock);
    const handle = `early-${Math.random().toString(36).slice(2, 8)}`;
    const first = await app.users.create(env.admin, { handle, name: handle, email: `${handle}@test.example` });
    const user = await app.users.create(env.admin, {
      handle: `${handle}-2`,
      name: handle,
      email: `${handle}-2@test.example`,
    });
    const policy = await app.policies.create(env.admin, {
      name: handle,
      escalateWhile: 'unresolved',
      repeat: 0,
      levels: [
        { name: null, delaySeconds: 0, targets: [{ type: 'user', id: first.id }] },
        { name: null, delaySeconds: 1, targets: [{ type: 'user', id: user.id }] },
      ],
    });
    const { service } = await app.services.create(env.admin, { name: handle, escalationPolicyId: policy.id });
    // A tick far longer than the test: only the new-incident wake-up and the due-time timer can sweep.
    const engine = app.engine.start({ info: vi.fn(), error: vi.fn() }, 60_000);
    const incident = await app.incidents.create(env.admin, { title: 'wake me', severity: 'P1', serviceId: service.id });
    // Level 1 at once (the new-incident wake-up), level 2 one second later (the due-time timer).
    await vi.waitFor(
      async () =>
        expect((await app.escalation.pages(env.admin, incident.id)).map((p) => p.userId)).toEqual([user.id, first.id]),
      { timeout: 3_000, interval: 50 },
    );
    await engine.stop();
  });

  it(
    'looks at the outbox once more when a delivery is asked for during a run, ' + 'so new rows never wait a tick',
    async () => {
      let calls = 0;
      let release: () => void = () => undefined;
      const deliverOnce = async () => {
        calls += 1;
        // The first look finds nothing but takes a while; rows committed meanwhile need a second look.
        if (calls === 1) await new Promise<void>((r) => (release = r));
        return 0;
      };
      const engine = createEngine({ clock: new FakeClock(), sweeps: [], deliver: deliverOnce }).start(
        { info: vi.fn(), error: vi.fn() },
        0,
      );
      const first = engine.deliver();
      const second = engine.deliver(); // asked for while the first look is under way
      expect(second).toBe(first);
      release();
      await first;
      expect(calls).toBe(2);
      await engine.deliver();
      expect(calls).toBe(3); // a call with no run under way looks once
      await engine.stop();
    },
  );

  it('logs a failed sweep and keeps going', async () => {
    const logger = { info: vi.fn(), error: vi.fn() };
    const broken = sweepOf('response-targets', () => Promise.reject(new Error('database went away')));
    const engine = createEngine({ clock: new FakeClock(), sweeps: [broken], deliver: async () => 0 }).start(logger, 0);
    await engine.sweep();
    expect(logger.error).toHaveBeenCalledOnce();
    expect(engine.lastSweepAt()).toBeNull();
    await engine.stop();
  });

  it(
    'isolates sweeps: one that throws is logged with its name and counted, ' + 'and the ones after it still run',
    async () => {
      const clock = new FakeClock('2032-04-01T03:00:00.000Z');
      const logger = { info: vi.fn(), error: vi.fn() };
      const ran: string[] = [];
      const sweeps = [
        sweepOf('first', async () => {
          ran.push('first');
          return 1;
        }),
        sweepOf('broken', () => Promise.reject(new Error('database went away'))),
        sweepOf('last', async () => {
          ran.push('last');
          return 0;
        }),
      ];
      const engine = createEngine({ clock, sweeps, deliver: () => Promise.reject(new Error('receiver down')) });
      engine.start(logger, 0);
      await engine.sweep();
      await engine.deliver();
      expect(ran).toEqual(['first', 'last']);
      expect(logger.error).toHaveBeenCalledWith(
        expect.objectContaining({ sweep: 'broken', err: expect.any(Error) }),
        'sweep broken failed',
      );
      expect(logger.info).toHaveBeenCalledWith({ sweep: 'first', moved: 1 }, 'first moved');
      expect(Object.fromEntries(engine.failures())).toEqual({ first: 0, broken: 1, last: 0, [DELIVERY]: 1 });
      // A tick with a failure is not a healthy one; the next clean tick is.
      expect(engine.lastSweepAt()).toBeNull();
      sweeps[1] = sweepOf('broken', async () => 0);
      const healthy = createEngine({ clock, sweeps, deliver: async () => 0 }).start(logger, 0);
      await healthy.sweep();
      expect(healthy.lastSweepAt()).toEqual(clock.now());
      await engine.stop();
      await healthy.stop();
    },
  );

  it('runs a sweep again when PostgreSQL aborted it to break a deadlock, and counts it (issue 18)', async () => {
    const clock = new FakeClock('2032-04-02T03:00:00.000Z');
    const logger = { info: vi.fn(), error: vi.fn() };
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let runs = 0;
    let deliveries = 0;
    const engine = createEngine({
      clock,
      sweeps: [
        sweepOf('diagnostics', async () => {
          runs += 1;
          if (runs === 1) throw deadlock;
          return 0;
        }),
      ],
      deliver: async () => {
        deliveries += 1;
        if (deliveries <= 2) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        return 0;
      },
    }).start(logger, 0);
    await engine.sweep();
    await engine.deliver();
    expect([runs, deliveries]).toEqual([2, 3]);
    expect(logger.error).not.toHaveBeenCalled();
    expect(Object.fromEntries(engine.failures())).toEqual({ diagnostics: 0, [DELIVERY]: 0 });
    expect(engine.retries()).toEqual([
      { sweep: 'diagnostics', reason: 'deadlock', count: 1 },
      { sweep: DELIVERY, reason: 'serialization', count: 2 },
    ]);
    expect(engine.lastSweepAt()).toEqual(clock.now());
    // Past the retries, or any other error, it fails as before.
    const stuck = createEngine({
      clock,
      sweeps: [sweepOf('stuck', () => Promise.reject(deadlock))],
      deliver: async () => 0,
    });
    stuck.start(logger, 0);
    await stuck.sweep();
    expect(Object.fromEntries(stuck.failures())).toEqual({ stuck: 1, [DELIVERY]: 0 });
    expect(stuck.retries()).toEqual([{ sweep: 'stuck', reason: 'deadlock', count: 3 }]);
    await engine.stop();
    await stuck.stop();
  });
});
