// PostgreSQL going away under a running server (issue 18): a TCP proxy between the app and PostgreSQL is cut
// (every connection dropped, new ones refused) and restored, as a restart of the database would do to the app.
// While it is cut, ingestion answers 503 with Retry-After in PagerDuty's shape and the API in ours, promptly
// and never 2xx; /readyz is unready; the engine's sweeps fail and are counted. Once it is back, everything
// works again without a restart: /readyz is ready, events are stored, sweeps succeed and a page goes out.
// Two faults the chaos harness found are pinned here too: a connection lost while a transaction held it ended
// the process (an unheard 'error' event), and a message delivered just as the database went away was left
// "sending" and sent again by another instance after the lease. PostgreSQL only (SQLite has no server to lose).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { createApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { createDb, migrate, type Database } from '../src/db/database.js';
import type { Engine } from '../src/engine/index.js';
import { buildServer } from '../src/http/index.js';
import { inTransaction } from '../src/db/database.js';
import { pgAdmin, pgDatabaseUrl, pgProblem, PG_URL, testConfig } from './dialects.js';

/** A TCP proxy to PostgreSQL that can be cut (all connections dropped, new ones refused) and restored. */
function cuttableProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as net.AddressInfo).port;
        resolve();
      });
    });
  return {
    open,
    get port() {
      return port;
    },
    async cut() {
      const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe.skipIf(Boolean(pgProblem))('PostgreSQL outage under a running server', () => {
  const dbName = `vigil_test_${randomBytes(6).toString('hex')}`;
  const proxy = cuttableProxy(new URL(PG_URL));
  const clock = new FakeClock('2032-06-01T10:00:00.000Z');
  const logger = { info: vi.fn(), error: vi.fn() };
  let database: Database | undefined;
  let app: App;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof buildServer>>;
  let key = '';
  let pagingKey = '';
  let token = '';
  let receiverUrl = '';
  /** Requests the webhook receiver got; each answered once `answer` is called (held until then). */
  const got: string[] = [];
  let answer: () => void = () => undefined;
  const receiver = http.createServer((req, res) => {
    got.push(req.headers['x-vigil-delivery'] as string);
    req.resume();
    const held = new Promise<void>((resolve) => (answer = resolve));
    void held.then(() => res.writeHead(200).end('ok'));
  });

  beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${dbName}`);
    await proxy.open();
    const url = new URL(pgDatabaseUrl(dbName));
    url.port = String(proxy.port);
    database = createDb({ databaseUrl: url.toString(), poolSize: 4 });
    await migrate(database.db);
    app = createApp(
      testConfig({
        notify: { smtpUrl: undefined, smtpFrom: 'v@test', outboundAllow: '127.0.0.1/32', publicUrl: undefined },
      }),
      database,
      clock,
    );
    engine = app.engine.start(logger, 0, { wake: false });
    server = await buildServer(app);
    const user = await app.users.create(SYSTEM_ACTOR, { handle: 'root', name: 'Root', email: 'root@example.test' });
    const admin = { type: 'user' as const, id: user.id, name: user.handle, role: 'admin' as const };
    token = (await app.tokens.create(admin, { user: user.id, role: 'admin' })).secret;
    key = (await app.services.create(admin, { name: 'checkout' })).integrationKey;
    // Someone paged at once for the "paging" service, by webhook to the receiver below.
    receiverUrl = await new Promise<string>((resolve) =>
      receiver.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}`),
      ),
    );
    const ana = await app.users.create(SYSTEM_ACTOR, { handle: 'ana', name: 'Ana', email: 'ana@example.test' });
    await app.users.addContactMethod(admin, ana.id, { kind: 'webhook', address: `${receiverUrl}/ana` });
    const policy = await app.policies.create(admin, {
      name: 'ana first',
      escalateWhile: 'unresolved',
      repeat: 0,
      levels: [{ name: 'on-call', delaySeconds: 0, targets: [{ type: 'user', id: ana.id }] }],
    });
    pagingKey = (await app.services.create(admin, { name: 'paging', escalationPolicyId: policy.id })).integrationKey;
  });
  afterAll(async () => {
    answer();
    receiver.close();
    await engine?.stop();
    await server?.close();
    await database?.close();
    await proxy.cut();
    await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  const enqueue = (dedupKey: string, routingKey = key) =>
    server.inject({
      method: 'POST',
      url: '/v2/enqueue',
      payload: {
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: dedupKey,
        payload: { summary: `checkout down ${dedupKey}`, source: 'web-1', severity: 'critical' },
      },
    });
  const incidents = () =>
    server.inject({ method: 'GET', url: '/api/v1/incidents?limit=50', headers: { authorization: `Bearer ${token}` } });

  it(
    'answers 503 with Retry-After while the database is gone, never 2xx, and recovers on its own when it returns',
    { timeout: 60_000 },
    async () => {
      expect((await enqueue('before')).statusCode).toBe(202);
      expect((await server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

      await proxy.cut();
      const started = Date.now();
      const during = await enqueue('during');
      expect(during.statusCode, during.body).toBe(503);
      expect(during.headers['retry-after']).toBe('5');
      expect(during.json()).toMatchObject({ status: 'error', message: 'The event could not be stored; retry later' });
      const api = await incidents();
      expect(api.statusCode).toBe(503);
      expect(api.json()).toMatchObject({ error: { code: 'database.unavailable' } });
      const alertmanager = await server.inject({
        method: 'POST',
        url: `/api/v1/integrations/${key}/alertmanager`,
        payload: {
          version: '4',
          status: 'firing',
          receiver: 'vigil',
          groupKey: '{}:{alertname="Down"}',
          alerts: [{ status: 'firing', labels: { alertname: 'Down' }, annotations: {}, fingerprint: 'f1' }],
        },
      });
      expect(alertmanager.statusCode).toBe(503);
      expect(alertmanager.headers['retry-after']).toBe('5');
      const ready = await server.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready' });
      // Prompt answers, well inside any sender's timeout (the pool waits at most 5 s for a connection).
      expect(Date.now() - started).toBeLessThan(20_000);
      await engine.sweep();
      await engine.deliver();
      expect([...engine.failures().values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

      await proxy.open();
      logger.error.mockClear();
      expect((await server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      expect((await enqueue('after')).statusCode).toBe(202);
      clock.advance(1_000);
      await engine.sweep();
      await engine.deliver();
      expect(logger.error).not.toHaveBeenCalled();
      const stored = (await incidents()).json() as { data: Array<{ title: string }> };
      const titles = stored.data.map((i) => i.title);
      expect(titles).toEqual(expect.arrayContaining(['checkout down before', 'checkout down after']));
      // The event answered 503 was not stored.
      expect(titles).not.toContain('checkout down during');
    },
  );

  it('fails a transaction whose connection is lost, and the process lives on (no unheard error event)', async () => {
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transaction = inTransaction(database?.db as NonNullable<typeof database>['db'], async (trx) => {
      await trx.selectFrom('incidents').select('id').limit(1).execute();
      holding();
      await new Promise((resolve) => setTimeout(resolve, 500)); // the connection goes while this holds it
      await trx.selectFrom('incidents').select('id').limit(1).execute();
    });
    await held;
    await proxy.cut();
    await expect(transaction).rejects.toThrow();
    await proxy.open();
    expect((await server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('records a message delivered as the database went away once it is back, and never sends it again', async () => {
    expect((await enqueue('page-me', pagingKey)).statusCode).toBe(202);
    await engine.sweep(); // the escalation pages Ana
    const delivering = engine.deliver();
    for (let i = 0; got.length === 0; i++) {
      if (i > 500) throw new Error('the page never reached the receiver');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The receiver takes the page; the database goes before the answer comes back, and returns a moment later.
    await proxy.cut();
    answer();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await proxy.open();
    await delivering;
    const rows = await database?.db
      .selectFrom('notifications')
      .select(['id', 'state'])
      .where('kind', '=', 'page')
      .where('destination', '=', `${receiverUrl}/ana`)
      .execute();
    expect(rows).toEqual([{ id: got[0], state: 'sent' }]);
    // Long after the lease, another look at the outbox sends nothing again.
    clock.advance(10 * 60_000);
    await engine.deliver();
    expect(got).toHaveLength(1);
  });
});
