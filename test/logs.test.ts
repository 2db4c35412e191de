// The server's recent log lines at GET /api/v1/logs (what `vigil logs` shows besides the function log).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { systemClock } from '../src/clock.js';
import { createDb, migrate, type Database } from '../src/db/database.js';
import { createLogBuffer } from '../src/http/log-buffer.js';
import { buildServer } from '../src/http/server.js';
import { testConfig } from './dialects.js';

describe('GET /api/v1/logs', () => {
  let database: Database;
  let app: App;
  let server: Awaited<ReturnType<typeof buildServer>>;
  let adminToken: string;
  let viewerToken: string;
  const buffer = createLogBuffer(50);

  beforeAll(async () => {
    database = createDb({ sqlitePath: ':memory:' });
    await migrate(database.db);
    app = createApp(testConfig(), database, systemClock);
    server = await buildServer(app, {
      logger: { level: 'info', stream: pino.multistream([{ level: 'info', stream: buffer.stream }]) },
      logBuffer: buffer,
    });
    await server.ready();
    const admin = await app.users.create(SYSTEM_ACTOR, {
      handle: 'ops-admin',
      name: 'Ops Admin',
      email: 'ops@example.test',
    });
    const viewer = await app.users.create(SYSTEM_ACTOR, {
      handle: 'ops-viewer',
      name: 'Ops Viewer',
      email: 'viewer@example.test',
    });
    adminToken = (await app.tokens.create(SYSTEM_ACTOR, { user: admin.id, role: 'admin' })).secret;
    viewerToken = (await app.tokens.create(SYSTEM_ACTOR, { user: viewer.id, role: 'viewer' })).secret;
  });
  afterAll(async () => {
    await server.close();
    await database.close();
  });

  const logs = (q: string, token = adminToken) =>
    server.inject({
      method: 'GET',
      url: `/api/v1/logs${q}`,
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'trace-me-1' },
    });

  it('serves the lines the server logged, oldest first, with their fields; admins only', async () => {
    await server.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'health-probe-7' } });
    const res = await logs('?limit=2000');
    expect(res.statusCode, res.body).toBe(200);
    const { data } = res.json() as { data: Array<{ time: string; level: string; msg: string; reqId?: string }> };
    const probe = data.filter((l) => l.reqId === 'health-probe-7');
    expect(probe.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(probe[0]?.level).toBe('info');
    expect(Date.parse(probe[0]?.time ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect((await logs('', viewerToken)).statusCode).toBe(403);
  });

  it('filters by level and time, and keeps only the newest lines its ring holds', async () => {
    server.log.warn({ disk: 'db-1' }, 'disk almost full');
    const warned = (await logs('?level=warn')).json() as { data: Array<{ msg: string; disk?: string; level: string }> };
    expect(warned.data).toEqual([expect.objectContaining({ msg: 'disk almost full', disk: 'db-1', level: 'warn' })]);
    expect(
      (
        (await logs(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).json() as {
          data: unknown[];
        }
      ).data,
    ).toEqual([]);
    for (let i = 0; i < 60; i++) server.log.info({ i }, 'filler');
    const all = (await logs('?limit=2000')).json() as { data: Array<{ msg: string; i?: number }> };
    expect(all.data.length).toBeLessThanOrEqual(50);
    expect(all.data.at(-1)).toMatchObject({ msg: 'incoming request' }); // this very request, logged before it read
    expect(all.data.filter((l) => l.msg === 'filler').at(-1)?.i).toBe(59);
    expect(((await logs('?level=loud')).json() as { error: { message: string } }).error.message).toContain('level');
  });
});
