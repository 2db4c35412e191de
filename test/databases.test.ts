// Registered PostgreSQL databases for database-scalability (`database_id`), their URLs sealed at rest.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect, PG_URL, pgProblem, testConfig } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness } from './http-harness.js';

const KEY = Buffer.alloc(32, 7);

describeEachDialect('registered databases', (env) => {
  let h: Harness;
  let bare: Harness;
  let admin: Caller;
  let viewer: Caller;
  const fn = (body: unknown, as: Caller = viewer) => h.call('POST', '/functions/v1/database-scalability', { as, body });

  beforeAll(async () => {
    h = await startHarness(env, {
      clock: new FakeClock('2026-11-28T09:00:00Z'),
      config: testConfig({ secretKey: KEY }),
    });
    bare = await startHarness(env, { clock: new FakeClock('2026-11-28T09:00:00Z') });
    admin = await h.caller('admin', 'db-admin');
    viewer = await h.caller('viewer', 'db-viewer');
  });
  afterAll(async () => {
    await h?.close();
    await bare?.close();
  });

  it('refuses to register one when the server has no VIGIL_SECRET_KEY, storing nothing', async () => {
    const error = expectError(
      await bare.call('POST', '/api/v1/databases', { as: admin, body: { name: 'no-key', url: PG_URL } }),
      409,
      'database.conflict',
    );
    expect(error.message).toContain('VIGIL_SECRET_KEY');
    expect(((await bare.call('GET', '/api/v1/databases', { as: viewer })).json() as { data: unknown[] }).data).toEqual(
      [],
    );
  });

  it('checks the name, URL and role, and stores the URL sealed, never showing it again', async () => {
    expectError(
      await h.call('POST', '/api/v1/databases', { as: viewer, body: { name: 'orders', url: PG_URL } }),
      403,
      'auth.forbidden',
    );
    expect(
      (
        (
          await h.call('POST', '/api/v1/databases', { as: admin, body: { name: 'orders', url: 'mysql://db/orders' } })
        ).json() as { error: { message: string } }
      ).error.message,
    ).toContain('url: must be a postgres://');
    expectError(
      await h.call('POST', '/api/v1/databases', { as: admin, body: { name: 'orders', url: PG_URL, extra: 1 } }),
      400,
      'request.invalid',
    );
    const res = await h.call('POST', '/api/v1/databases', { as: admin, body: { name: 'orders', url: PG_URL } });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as Record<string, unknown>;
    expect(Object.keys(created).sort()).toEqual(['created_at', 'id', 'location', 'name']);
    expect(created.location).toBe(
      `${new URL(PG_URL).hostname}:${new URL(PG_URL).port || '5432'}${new URL(PG_URL).pathname}`,
    );
    const stored = await env.database.db
      .selectFrom('monitored_databases')
      .selectAll()
      .where('name', '=', 'orders')
      .executeTakeFirstOrThrow();
    expect(stored.url_sealed.startsWith('v1:')).toBe(true);
    expect(stored.url_sealed).not.toContain(new URL(PG_URL).hostname);
    expectError(
      await h.call('POST', '/api/v1/databases', { as: admin, body: { name: 'orders', url: PG_URL } }),
      409,
      'database.already_exists',
    );
    expect(
      ((await h.call('GET', '/api/v1/databases', { as: viewer })).json() as { data: Array<{ name: string }> }).data.map(
        (d) => d.name,
      ),
    ).toEqual(['orders']);
  });

  describe.skipIf(Boolean(pgProblem))('database-scalability on a registered database', () => {
    it('health_check and connection_pool_status answer for it, named by id or name', async () => {
      const health = await fn({ action: 'health_check', database_id: 'orders' });
      expect(health.statusCode, health.body).toBe(200);
      expect(health.json()).toMatchObject({
        target: { name: 'orders' },
        database: { engine: 'postgres', reachable: true, role: 'primary' },
      });
      const pool = await fn({ action: 'connection_pool_status', database_id: 'orders' });
      expect(pool.statusCode, pool.body).toBe(200);
      expect(pool.json()).toMatchObject({ target: { name: 'orders' }, pool: { max: 2 } });
      expect((pool.json() as { server: { max_connections: number } }).server.max_connections).toBeGreaterThan(0);
      // Vigil's own database when no database_id is given.
      expect(
        (await fn({ action: 'health_check' })).json() as { target: { name: string }; database: { engine: string } },
      ).toMatchObject({ target: { name: 'vigil' }, database: { engine: env.dialect } });
      expectError(await fn({ action: 'health_check', database_id: 'nope' }), 404, 'database.not_found');
    });

    it('performance_analysis shows a lock held in that database next to the statement waiting for it', async () => {
      const table = `vigil_lock_${randomBytes(4).toString('hex')}`;
      const holder = new pg.Client({ connectionString: PG_URL });
      const waiter = new pg.Client({ connectionString: PG_URL });
      await holder.connect();
      await waiter.connect();
      try {
        await holder.query(`create table ${table} (id int primary key, note text)`);
        await holder.query(`insert into ${table} values (1, 'x')`);
        const waiterPid = Number((await waiter.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid);
        await holder.query('begin');
        await holder.query(`update ${table} set note = 'held' where id = 1`);
        const waiting = waiter.query(`update ${table} set note = 'waiting' where id = 1`);
        for (let i = 0; i < 50; i++) {
          const { rows } = await holder.query<{ n: string }>(
            'select count(*) as n from pg_stat_activity where pid = $1 and wait_event_type = $2',
            [waiterPid, 'Lock'],
          );
          if (rows[0]?.n === '1') break;
          await new Promise((r) => setTimeout(r, 20));
        }
        const res = await fn({ action: 'performance_analysis', database_id: 'orders', time_window: '15m' });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as {
          target: { name: string };
          blocking_queries: Array<{ blocked: { pid: number; query: string } }>;
        };
        expect(body.target.name).toBe('orders');
        expect(body.blocking_queries.find((p) => p.blocked.pid === waiterPid)?.blocked.query).toContain(
          `update ${table} set note = 'waiting'`,
        );
        await holder.query('rollback');
        await waiting;
      } finally {
        await holder.query(`drop table if exists ${table}`).catch(() => undefined);
        await holder.end();
        await waiter.end();
      }
    });

    it('a server holding another key cannot open it, and says why', async () => {
      const other = createApp(testConfig({ secretKey: Buffer.alloc(32, 9) }), env.database, new FakeClock());
      await expect(
        other.runbook.call(env.admin, 'database-scalability', { action: 'health_check', database_id: 'orders' }),
      ).rejects.toMatchObject({ code: 'database.conflict', message: expect.stringContaining('not the key') as string });
    });
  });

  it('forgets a database: 204, then 404', async () => {
    const list = (await h.call('GET', '/api/v1/databases', { as: viewer })).json() as { data: Array<{ id: string }> };
    const id = list.data[0]?.id as string;
    expectError(await h.call('DELETE', `/api/v1/databases/${id}`, { as: viewer }), 403, 'auth.forbidden');
    expect((await h.call('DELETE', `/api/v1/databases/${id}`, { as: admin })).statusCode).toBe(204);
    expectError(await h.call('DELETE', `/api/v1/databases/${id}`, { as: admin }), 404, 'database.not_found');
  });
});
