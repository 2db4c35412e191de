// The runbook's functions over HTTP, as the seed's curl commands call them, on both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { sql } from 'kysely';
import { inTransaction } from '../src/db/database.js';
import { claimDiagnostics, finishDiagnostics } from '../src/runbook/diagnostics.repo.js';
import { describeEachDialect } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';

const START = new Date('2026-11-28T09:00:00Z');

describeEachDialect('runbook functions', (env) => {
  let h: Harness;
  let responder: Caller;
  let viewer: Caller;
  let engineer: { id: string; handle: string; email: string; name: string };
  let service: { id: string; name: string; integration_key: string };

  const fn = (name: string, body: unknown, as: Caller = responder) =>
    h.call('POST', `/functions/v1/${name}`, { as, body });
  async function trigger(dedupKey: string, severity = 'critical'): Promise<{ incident_id: string | null; id: string }> {
    const res = await h.call('POST', '/v2/enqueue', {
      body: {
        routing_key: service.integration_key,
        event_action: 'trigger',
        dedup_key: dedupKey,
        payload: { summary: `checkout failing (${dedupKey})`, source: 'web-1', severity },
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    const alerts = (
      await h.call('GET', `/api/v1/alerts?service_id=${service.id}&limit=200`, { as: responder })
    ).json() as { data: Array<{ id: string; dedup_key: string; incident_id: string | null }> };
    const alert = alerts.data.find((a) => a.dedup_key === dedupKey);
    if (!alert) throw new Error(`alert ${dedupKey} not stored`);
    return alert;
  }
  const incident = async (id: string) =>
    (await h.call('GET', `/api/v1/incidents/${id}`, { as: responder })).json() as {
      status: string;
      number: string;
      severity: string;
    };

  beforeAll(async () => {
    h = await startHarness(env, { clock: new FakeClock(START) });
    responder = await h.caller('responder');
    viewer = await h.caller('viewer');
    const handle = unique('ana');
    const user = await h.app.users.create(env.admin, {
      handle,
      name: `Ana ${handle}`,
      email: `${handle}@Example.test`,
    });
    engineer = { id: user.id, handle, email: `${handle}@example.test`, name: `ana ${handle}` };
    const svc = await h.app.services.create(env.admin, { name: unique('checkout') });
    service = { id: svc.service.id, name: svc.service.name, integration_key: svc.integrationKey };
  });
  afterAll(async () => h?.close());

  describe('production-monitoring acknowledge_alert', () => {
    it(
      'acknowledges by dedup key as the engineer named (name in any case), ' + 'and logs the call as the caller',
      async () => {
        const alert = await trigger('db-primary-down');
        const res = await fn('production-monitoring', {
          action: 'acknowledge_alert',
          alert_id: 'db-primary-down',
          engineer: engineer.name.toUpperCase(),
        });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as {
          acknowledged: boolean;
          engineer: { handle: string };
          incident: { id: string; status: string };
          generated_at: string;
        };
        expect(body).toMatchObject({
          acknowledged: true,
          engineer: { handle: engineer.handle },
          incident: { id: alert.incident_id, status: 'acknowledged' },
        });
        expect(body.generated_at).toBe(START.toISOString());
        const timeline = (
          await h.call('GET', `/api/v1/incidents/${alert.incident_id}/timeline`, { as: responder })
        ).json() as { data: Array<{ kind: string; actor: { name: string } }> };
        expect(timeline.data.find((e) => e.kind === 'acknowledged')?.actor.name).toBe(engineer.handle);
        const log = (
          await h.call('GET', '/api/v1/function-logs?function=production-monitoring&limit=1', { as: viewer })
        ).json() as { data: Array<{ action: string; outcome: string; actor: { name: string } }> };
        expect(log.data[0]).toMatchObject({
          action: 'acknowledge_alert',
          outcome: 'ok',
          actor: { name: responder.handle },
        });
      },
    );

    it('takes an alert id, an incident number, and the engineer by email or handle', async () => {
      const first = await trigger('api-latency');
      expect(
        (
          await fn('production-monitoring', {
            action: 'acknowledge_alert',
            alert_id: first.id,
            engineer: engineer.email.toUpperCase(),
          })
        ).statusCode,
      ).toBe(200);
      expect((await incident(first.incident_id as string)).status).toBe('acknowledged');
      const second = await trigger('queue-stuck');
      const { number } = await incident(second.incident_id as string);
      const res = await fn('production-monitoring', {
        action: 'acknowledge_alert',
        alert_id: number,
        engineer: engineer.handle,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect((await incident(second.incident_id as string)).status).toBe('acknowledged');
    });

    it('refuses an unknown engineer or alert and changes nothing; the failure is logged', async () => {
      const alert = await trigger('cache-evictions');
      const nobody = expectError(
        await fn('production-monitoring', {
          action: 'acknowledge_alert',
          alert_id: 'cache-evictions',
          engineer: 'Nobody Known',
        }),
        404,
        'engineer.not_found',
      );
      expect(nobody.message).toContain('engineer');
      expectError(
        await fn('production-monitoring', {
          action: 'acknowledge_alert',
          alert_id: 'no-such-alert',
          engineer: engineer.handle,
        }),
        404,
        'alert.not_found',
      );
      expect((await incident(alert.incident_id as string)).status).toBe('triggered');
      const log = (
        await h.call('GET', '/api/v1/function-logs?function=production-monitoring&limit=2', { as: viewer })
      ).json() as { data: Array<{ outcome: string; error: string }> };
      expect(log.data.map((c) => c.outcome)).toEqual(['error', 'error']);
      expect(log.data[1]?.error).toContain('Nobody Known');
    });

    it('an info alert opened no incident: a 409 that says so', async () => {
      await trigger('disk-80pct', 'info');
      const error = expectError(
        await fn('production-monitoring', {
          action: 'acknowledge_alert',
          alert_id: 'disk-80pct',
          engineer: engineer.handle,
        }),
        409,
        'alert.conflict',
      );
      expect(error.message).toContain('no incident');
    });

    it('needs incident.write: a viewer gets 403', async () => {
      await trigger('viewer-try');
      expectError(
        await fn(
          'production-monitoring',
          { action: 'acknowledge_alert', alert_id: 'viewer-try', engineer: engineer.handle },
          viewer,
        ),
        403,
        'auth.forbidden',
      );
    });
  });

  describe('calls', () => {
    it(
      'unknown function 404, unknown action 400 naming the valid ones, ' + 'bad or unknown parameters 400 naming them',
      async () => {
        const unknownFn = expectError(
          await fn('no-such-function', { action: 'health_check' }),
          404,
          'function.not_found',
        );
        expect(unknownFn.message).toContain('production-monitoring');
        const unknownAction = expectError(
          await fn('production-monitoring', { action: 'reboot_everything' }),
          400,
          'function.invalid',
        );
        expect(unknownAction.message).toContain('acknowledge_alert, health_check');
        expectError(
          await fn('production-monitoring', { action: 'acknowledge_alert', engineer: 'x' }),
          400,
          'function.invalid',
        );
        expect(
          (
            (await fn('production-monitoring', { action: 'acknowledge_alert', engineer: 'x' })).json() as {
              error: { message: string };
            }
          ).error.message,
        ).toContain('alert_id');
        expect(
          (
            (await fn('production-monitoring', { action: 'health_check', verbose: true })).json() as {
              error: { message: string };
            }
          ).error.message,
        ).toContain('verbose: unknown field');
        expect(
          (
            (await fn('database-scalability', { action: 'performance_analysis', time_window: '2h' })).json() as {
              error: { message: string };
            }
          ).error.message,
        ).toContain('time_window');
        expectError(await fn('production-monitoring', {}), 400, 'request.invalid');
        expectError(
          await h.call('POST', '/functions/v1/production-monitoring', { body: { action: 'health_check' } }),
          401,
          'auth.unauthorized',
        );
      },
    );
  });

  describe('production-monitoring health_check', () => {
    it(
      'reports each service by its open incidents and Vigil’s own health, ' + 'overall down while a P0 is open',
      async () => {
        const res = await fn('production-monitoring', { action: 'health_check' }, viewer);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as {
          status: string;
          problems: string[];
          services: Array<{ id: string; status: string; open_incidents: Record<string, number> }>;
          vigil: {
            database: { reachable: boolean; engine: string; latency_ms: number };
            escalation_engine: { lag_seconds: number };
            outbox: { due: number };
          };
        };
        expect(body.vigil.database).toMatchObject({ reachable: true, engine: env.dialect });
        expect(body.vigil.database.latency_ms).toBeGreaterThanOrEqual(0);
        const mine = body.services.find((s) => s.id === service.id);
        // Open critical alerts made P1 incidents on the service (acknowledged ones are still open).
        expect(mine?.status).toBe('degraded');
        expect(body.status).not.toBe('healthy');
        expect(body.problems.join(' ')).toContain(service.name);

        const outage = await h.call('POST', '/v2/enqueue', {
          body: {
            routing_key: service.integration_key,
            event_action: 'trigger',
            dedup_key: 'total-outage',
            payload: { summary: 'everything down', source: 'lb', severity: 'critical', class: 'outage' },
          },
        });
        expect(outage.statusCode).toBe(202);
        const after = (await fn('production-monitoring', { action: 'health_check' }, viewer)).json() as typeof body;
        expect(after.services.find((s) => s.id === service.id)).toMatchObject({
          status: 'down',
          open_incidents: { P0: 1 },
        });
        expect(after.status).toBe('down');
      },
    );
  });

  describe('database-scalability', () => {
    it('health_check: reachable, round trip, version and size of Vigil’s own database', async () => {
      const res = await fn('database-scalability', { action: 'health_check' }, viewer);
      expect(res.statusCode, res.body).toBe(200);
      const { database } = res.json() as { database: Record<string, unknown> };
      expect(database).toMatchObject({ engine: env.dialect, reachable: true });
      expect(String(database.version)).toMatch(/^\d+\.\d+/);
      if (env.dialect === 'postgres') {
        expect(Number(database.size_bytes)).toBeGreaterThan(0);
        expect(database.role).toBe('primary');
      } else {
        expect(Number(database.page_count)).toBeGreaterThan(0);
      }
    });

    it('connection_pool_status: server connections against max_connections and Vigil’s pool', async () => {
      const res = await fn('database-scalability', { action: 'connection_pool_status' }, viewer);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as {
        server: { connections: number; max_connections: number; this_database_by_state: Record<string, number> } | null;
        pool: { max: number; total: number; idle: number; waiting: number };
      };
      if (env.dialect === 'postgres') {
        expect(body.server?.max_connections).toBeGreaterThan(0);
        expect(body.server?.connections).toBeGreaterThanOrEqual(1);
        // This very request holds one of the pool's connections while it asks.
        expect(body.server?.this_database_by_state.active).toBeGreaterThanOrEqual(1);
        expect(body.pool.total).toBeGreaterThanOrEqual(1);
        expect(body.pool.max).toBe(20);
      } else {
        expect(body).toMatchObject({ server: null, pool: { max: 1, total: 1 } });
      }
    });

    it(
      'performance_analysis: shows a statement waiting ' + 'on a lock next to the one holding it (PostgreSQL)',
      async () => {
        if (env.dialect !== 'postgres') {
          const res = await fn('database-scalability', { action: 'performance_analysis', time_window: '1h' }, viewer);
          expect(res.statusCode, res.body).toBe(200);
          expect(res.json()).toMatchObject({ engine: 'sqlite', time_window: '1h', blocking_queries: [] });
          return;
        }
        const pool = env.database.pgPool;
        if (!pool) throw new Error('no pool');
        const holder = await pool.connect();
        const waiter = await pool.connect();
        try {
          const holderPid = Number(
            (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid,
          );
          const waiterPid = Number(
            (await waiter.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid,
          );
          await holder.query('begin');
          await holder.query(`update services set description = 'held by the test' where id = $1`, [service.id]);
          const waiting = waiter.query(`update services set description = 'waiting in the test' where id = $1`, [
            service.id,
          ]);
          // Give the waiter time to reach the lock.
          for (let i = 0; i < 50; i++) {
            const { rows } = await pool.query<{ n: string }>(
              'select count(*) as n from pg_stat_activity where pid = $1 and wait_event_type = $2',
              [waiterPid, 'Lock'],
            );
            if (rows[0]?.n === '1') break;
            await new Promise((r) => setTimeout(r, 20));
          }
          const res = await fn('database-scalability', { action: 'performance_analysis', time_window: '1h' }, viewer);
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json() as {
            blocking_queries: Array<{
              blocked: { pid: number; query: string };
              blocking: { pid: number; query: string };
            }>;
            cache_hit_ratio: number | null;
            note?: string;
            time_window: string;
          };
          const pair = body.blocking_queries.find((p) => p.blocked.pid === waiterPid);
          expect(pair?.blocking.pid).toBe(holderPid);
          expect(pair?.blocked.query).toContain('waiting in the test');
          expect(pair?.blocking.query).toContain('held by the test');
          expect(body.time_window).toBe('1h');
          expect(body.cache_hit_ratio).toBeGreaterThan(0);
          await holder.query('rollback');
          await waiting;
        } finally {
          holder.release();
          waiter.release();
        }
      },
    );
  });

  describe('automatic diagnostics of new P0/P1 incidents', () => {
    const timelineOf = async (id: string) =>
      (
        (await h.call('GET', `/api/v1/incidents/${id}/timeline?limit=200`, { as: responder })).json() as {
          data: Array<{ kind: string; data: Record<string, unknown> }>;
        }
      ).data;

    it(
      'attaches the health checks to each new P0/P1 once, ' + 'whichever instance sweeps, and leaves P2/P3 alone',
      async () => {
        await h.app.diagnostics.sweep(100); // what the tests above opened
        const p1 = await trigger('diag-p1');
        const p3 = await trigger('diag-p3', 'warning');
        // Two instances over the same database sweep at once: one diagnosis.
        const other = env.app(h.clock);
        const [a, b] = await Promise.all([h.app.diagnostics.sweep(), other.diagnostics.sweep()]);
        expect(a + b).toBe(1);
        const entries = (await timelineOf(p1.incident_id as string)).filter((e) => e.kind === 'diagnostics');
        expect(entries).toHaveLength(1);
        const found = entries[0]?.data as {
          production_health: { status: string; vigil: { database: { reachable: boolean } }; services_checked: number };
          database_health: { database: { reachable: boolean; engine: string } };
        };
        expect(found.production_health.vigil.database.reachable).toBe(true);
        expect(found.production_health.services_checked).toBeGreaterThanOrEqual(1);
        expect(['healthy', 'degraded', 'down']).toContain(found.production_health.status);
        expect(found.database_health.database).toMatchObject({ reachable: true, engine: env.dialect });
        expect((await timelineOf(p3.incident_id as string)).some((e) => e.kind === 'diagnostics')).toBe(false);
        h.clock.advance(1_000);
        expect(await h.app.diagnostics.sweep()).toBe(0);
        // The checks it ran are in the function log as Vigil's own calls.
        const log = (
          await h.call('GET', '/api/v1/function-logs?function=database-scalability&limit=5', { as: viewer })
        ).json() as { data: Array<{ actor: { name: string } }> };
        expect(log.data[0]?.actor.name).toBe('vigil');
      },
    );

    it.skipIf(env.dialect !== 'postgres')(
      'claims in ascending id order whatever order it is given, so two instances claiming the same incidents ' +
        'wait for each other instead of deadlocking (issue 18, fault 3)',
      async () => {
        const [x, y] = [await trigger('diag-order-1'), await trigger('diag-order-2')];
        const [a, b] = [x.incident_id, y.incident_id].sort() as [string, string];
        const now = h.clock.now();
        const stale = new Date(now.getTime() - 60_000);
        const db = env.database.db;
        const waiting = async () =>
          Number(
            (
              await sql<{ n: string }>`select count(*) as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
            ).rows[0]?.n,
          );
        // One instance has claimed a and goes on to claim b; meanwhile the other claims [b, a], in that order.
        let first!: () => void;
        const hasA = new Promise<void>((resolve) => (first = resolve));
        const one = inTransaction(db, async (trx) => {
          const got = await claimDiagnostics(trx, [a], now, stale);
          first();
          for (let i = 0; (await waiting()) === 0; i++) {
            if (i > 500) throw new Error('the other claim never waited');
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          return [...got, ...(await claimDiagnostics(trx, [b], now, stale))];
        });
        await hasA;
        const second = inTransaction(db, (trx) => claimDiagnostics(trx, [b, a], now, stale));
        // Taken in the given order, the other would hold b while waiting for a, and this one wait for b:
        // PostgreSQL would abort one of them (deadlock detected). In id order it waits for a, holding nothing.
        expect(await one).toEqual([a, b]);
        expect(await second).toEqual([]);
        await finishDiagnostics(db, [a, b], now); // left unfinished, later tests would take the claims over
      },
    );

    it('runs the checks at most once a second on an instance', async () => {
      const a = await trigger('diag-rate-1');
      h.clock.advance(1_000);
      expect(await h.app.diagnostics.sweep()).toBe(1);
      const b = await trigger('diag-rate-2');
      expect(await h.app.diagnostics.sweep()).toBe(0);
      h.clock.advance(1_000);
      expect(await h.app.diagnostics.sweep()).toBe(1);
      for (const { incident_id } of [a, b])
        expect((await timelineOf(incident_id as string)).filter((e) => e.kind === 'diagnostics')).toHaveLength(1);
    });

    // 40 is more than one write transaction holds (diagnostics.ts writes 32 incidents a transaction).
    it.each([3, 40])(
      'runs the checks once for all the %i incidents one sweep claims, and diagnoses each once',
      async (count) => {
        const opened = await Promise.all(Array.from({ length: count }, (_, i) => trigger(`diag-storm-${count}-${i}`)));
        const calls = async () =>
          (
            (
              await h.call('GET', '/api/v1/function-logs?function=database-scalability&limit=200', { as: viewer })
            ).json() as { data: unknown[] }
          ).data.length;
        const before = await calls();
        h.clock.advance(1_000);
        expect(await h.app.diagnostics.sweep()).toBe(count);
        expect(await calls()).toBe(before + 1);
        for (const { incident_id } of opened) {
          const entries = (await timelineOf(incident_id as string)).filter((e) => e.kind === 'diagnostics');
          expect(entries).toHaveLength(1);
          expect(entries[0]?.data.shared_with).toBe(count - 1);
        }
        h.clock.advance(1_000);
        expect(await h.app.diagnostics.sweep()).toBe(0);
      },
    );

    it('takes over a claim left unfinished by an instance that died, after a minute', async () => {
      const p1 = await trigger('diag-dead-instance');
      const claimedAt = h.clock.now();
      await env.database.db
        .insertInto('incident_diagnostics')
        .values({ incident_id: p1.incident_id as string, claimed_at: claimedAt.toISOString(), finished_at: null })
        .execute();
      h.clock.advance(1_000);
      expect(await h.app.diagnostics.sweep()).toBe(0);
      h.clock.advance(61_000);
      expect(await h.app.diagnostics.sweep()).toBe(1);
      expect((await timelineOf(p1.incident_id as string)).filter((e) => e.kind === 'diagnostics')).toHaveLength(1);
    });
  });
});
