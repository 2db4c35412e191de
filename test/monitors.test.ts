// Monitors against real local peers (HTTP and HTTPS servers, TCP ports, PostgreSQL), heartbeats, the
// alerts their transitions raise through ingestion, enhanced monitoring, the SSRF allowlist, the API,
// and monitorStats over raw and rolled-up samples; on both dialects, time driven by a FakeClock.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { bucketOf } from '../src/monitors/histogram.js';
import { createMonitorsService, monitorStats } from '../src/monitors/index.js';
import { insertSamples } from '../src/monitors/monitors.repo.js';
import { expectOneLineFailure, expectSuccess, field, inProcess } from './cli-harness.js';
import { describeEachDialect, PG_URL, pgProblem, testConfig } from './dialects.js';
import { dumpDatabase, expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';
import { generateKey, signJwt } from './jwt-signer.js';

const KEY = Buffer.alloc(32, 9);
const START = new Date('2026-11-28T09:00:00Z');

interface Peers {
  port: number;
  tlsPort: number;
  closedPort: number;
  hits: Map<string, number>;
  flip: { healthy: boolean };
  cert: string;
  close(): Promise<void>;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startPeers(): Promise<Peers> {
  const hits = new Map<string, number>();
  const flip = { healthy: true };
  const handler: http.RequestListener = (req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url.startsWith('/ok')) return void res.end('all systems go');
    if (url === '/fail') return void res.writeHead(500).end('boom');
    if (url === '/slow') return void setTimeout(() => res.end('late'), 2_000).unref();
    if (url === '/teapot') return void res.writeHead(418).end('short and stout');
    if (url === '/redirect') return void res.writeHead(302, { location: '/fail' }).end();
    if (url === '/flip') return void (flip.healthy ? res.end('fine') : res.writeHead(503).end('down'));
    if (url === '/jwks')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: 'abc', e: 'AQAB' }] }));
    if (url === '/jwks-empty')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    if (url === '/echo-header') return void res.end(String(req.headers['x-check'] ?? 'none'));
    res.writeHead(404).end();
  };
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // A self-signed certificate for 127.0.0.1. TLS itself checks it against the real time, so it is valid
  // for ten years from today; the monitor that trusts it runs on a clock ten days before its expiry.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-mon-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '3650',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  const tls = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert }, handler);
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    port: (server.address() as net.AddressInfo).port,
    tlsPort: (tls.address() as net.AddressInfo).port,
    closedPort: await closedPort(),
    hits,
    flip,
    cert,
    async close() {
      server.closeAllConnections();
      tls.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => tls.close(r))]);
    },
  };
}

type MonitorJson = {
  id: string;
  state: string;
  last_error: string | null;
  last_latency_ms: number | null;
  enhanced_until: string | null;
  effective_interval_seconds: number;
  tls_expires_at: string | null;
  target: string;
  token?: string;
  last_check_at: string | null;
};

describeEachDialect('monitors', (env) => {
  let h: Harness;
  let peers: Peers;
  let admin: Caller;
  let viewer: Caller;
  let service: { id: string; name: string };
  const clock = new FakeClock(START);
  const config = () =>
    testConfig({ secretKey: KEY, notify: { ...testConfig().notify, outboundAllow: '127.0.0.1/32' } });

  const create = async (body: Record<string, unknown>): Promise<MonitorJson> => {
    const res = await h.call('POST', '/api/v1/monitors', {
      as: admin,
      body: { service_id: service.id, timeout_ms: 1_000, failures_before_down: 1, ...body },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as MonitorJson;
  };
  const show = async (id: string) =>
    (await h.call('GET', `/api/v1/monitors/${id}`, { as: viewer })).json() as MonitorJson;
  const remove = async (...ids: string[]) => {
    for (const id of ids)
      expect((await h.call('DELETE', `/api/v1/monitors/${id}`, { as: admin })).statusCode).toBe(204);
  };
  const alerts = async (serviceId = service.id) =>
    (
      (await h.call('GET', `/api/v1/alerts?service_id=${serviceId}&limit=200`, { as: viewer })).json() as {
        data: Array<{
          dedup_key: string;
          status: string;
          incident_id: string | null;
          format: string;
          severity: string;
          classified_as: string | null;
          details: { class?: string; custom_details?: Record<string, unknown> };
        }>;
      }
    ).data;
  const url = (p: string) => `http://127.0.0.1:${peers.port}${p}`;

  beforeAll(async () => {
    peers = await startPeers();
    h = await startHarness(env, { clock, config: config() });
    admin = await h.caller('admin', 'mon-admin');
    viewer = await h.caller('viewer', 'mon-viewer');
    const svc = await h.app.services.create(env.admin, { name: unique('checkout') });
    service = { id: svc.service.id, name: svc.service.name };
  });
  afterAll(async () => {
    await h?.close();
    await peers?.close();
  });

  it('http: healthy is up; 500, a missing keyword and a slow answer fail with the reason', async () => {
    const ok = await create({ name: 'ok', kind: 'http', target: url('/ok'), expect_keyword: 'systems go' });
    const fail = await create({ name: 'fail', kind: 'http', target: url('/fail') });
    const keyword = await create({ name: 'keyword', kind: 'http', target: url('/ok?k'), expect_keyword: 'nowhere' });
    const slow = await create({ name: 'slow', kind: 'http', target: url('/slow'), timeout_ms: 300 });
    const teapot = await create({
      name: 'teapot',
      kind: 'http',
      target: url('/teapot'),
      expect_status: 418,
      method: 'HEAD',
    });
    const redirect = await create({ name: 'redirect', kind: 'http', target: url('/redirect') });
    const header = await create({
      name: 'header',
      kind: 'http',
      target: url('/echo-header'),
      headers: { 'X-Check': 'vigil' },
      expect_keyword: 'vigil',
    });
    expect(ok.state).toBe('pending');
    expect(await h.app.monitors.runner.runDue()).toBe(7);
    expect(await show(ok.id)).toMatchObject({ state: 'up', last_error: null, last_check_at: START.toISOString() });
    expect((await show(ok.id)).last_latency_ms).toBeGreaterThanOrEqual(0);
    expect(await show(fail.id)).toMatchObject({ state: 'down', last_error: 'HTTP 500 (expected 2xx or 3xx)' });
    expect(await show(keyword.id)).toMatchObject({
      state: 'down',
      last_error: 'the response does not contain "nowhere"',
    });
    expect(await show(slow.id)).toMatchObject({ state: 'down', last_error: 'timed out after 300 ms' });
    expect(await show(teapot.id)).toMatchObject({ state: 'up' });
    // Redirects are not followed: the 302 itself counts as up.
    expect(await show(redirect.id)).toMatchObject({ state: 'up' });
    expect(peers.hits.get('/fail')).toBe(1);
    expect(await show(header.id)).toMatchObject({ state: 'up' });
    const checks = (await h.call('GET', `/api/v1/monitors/${fail.id}/checks`, { as: viewer })).json() as {
      data: Array<{ ok: boolean; status: number; error: string }>;
      next_cursor: string | null;
    };
    expect(checks).toEqual({
      data: [
        {
          at: START.toISOString(),
          ok: false,
          latency_ms: expect.any(Number),
          status: 500,
          error: 'HTTP 500 (expected 2xx or 3xx)',
        },
      ],
      next_cursor: null,
    });
    // Nothing is due until the interval has passed.
    expect(await h.app.monitors.runner.runDue()).toBe(0);
    await remove(ok.id, fail.id, keyword.id, slow.id, teapot.id, redirect.id, header.id);
  });

  it('auth: a JWKS URL must answer 200 with at least one key', async () => {
    const good = await create({ name: 'issuer', kind: 'auth', target: url('/jwks') });
    const empty = await create({ name: 'issuer-empty', kind: 'auth', target: url('/jwks-empty') });
    const missing = await create({ name: 'issuer-missing', kind: 'auth', target: url('/nothing') });
    await h.app.monitors.runner.runDue();
    expect(await show(good.id)).toMatchObject({ state: 'up' });
    expect(await show(empty.id)).toMatchObject({ state: 'down', last_error: 'the JWKS document lists no keys' });
    expect(await show(missing.id)).toMatchObject({
      state: 'down',
      last_error: 'the JWKS endpoint answered HTTP 404 (expected 200)',
    });
    // An auth monitor that goes down opens its alert as an authentication problem (P1).
    const alert = (await alerts()).find((a) => a.dedup_key === `monitor:${empty.id}`);
    expect(alert).toMatchObject({
      status: 'triggered',
      format: 'monitor',
      classified_as: 'P1',
      details: { class: 'authentication' },
    });
    await remove(good.id, empty.id, missing.id);
  });

  it(
    'auth with a login: credentials posted as JSON (stored sealed), the token checked against ' +
      'the JWKS; a refusal, no token or a key the JWKS lacks fail with the reason',
    async () => {
      const published = generateKey('ES256', 'k-login');
      const rogue = generateKey('ES256', 'k-login'); // the same kid, another key: a rotation gone wrong
      const idp = { signer: published, status: 200, omitToken: false, received: [] as unknown[] };
      const server = http.createServer((req, res) => {
        if (req.url === '/jwks')
          return void res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ keys: [published.jwk] }));
        if (req.url === '/sign-in') return void res.end('<form>sign in</form>');
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          idp.received.push({
            method: req.method,
            type: req.headers['content-type'],
            body: JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown,
          });
          const token = signJwt({ sub: 'probe', exp: Math.floor(clock.now().getTime() / 1000) + 600 }, idp.signer);
          res
            .writeHead(idp.status, { 'content-type': 'application/json' })
            .end(JSON.stringify(idp.omitToken ? { ok: true } : { access_token: token, token_type: 'Bearer' }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      try {
        const m = await create({
          name: 'idp-login',
          kind: 'auth',
          target: `${base}/jwks`,
          login_url: `${base}/login`,
          login_body: { username: 'probe', password: 'pr0be-s3cret' },
        });
        expect(m).toMatchObject({ login_url: `${base}/login`, login_body: '(set)' });
        expect(JSON.stringify(m)).not.toContain('pr0be-s3cret');
        expect((await dumpDatabase(env.database.db)).text).not.toContain('pr0be-s3cret');
        const page = await create({
          name: 'idp-page',
          kind: 'auth',
          target: `${base}/jwks`,
          login_url: `${base}/sign-in`,
        });

        await h.app.monitors.runner.runDue();
        expect(await show(m.id)).toMatchObject({ state: 'up', last_error: null });
        expect(await show(page.id)).toMatchObject({ state: 'up' });
        expect(idp.received).toEqual([
          { method: 'POST', type: 'application/json', body: { username: 'probe', password: 'pr0be-s3cret' } },
        ]);

        const again = async () => {
          clock.advance(60_000);
          await h.app.monitors.runner.runDue();
          return show(m.id);
        };
        idp.signer = rogue;
        expect(await again()).toMatchObject({
          state: 'down',
          last_error: 'login: the token (kid "k-login", ES256) is not signed by any key of the JWKS',
        });
        idp.signer = published;
        idp.status = 401;
        expect(await again()).toMatchObject({
          state: 'down',
          last_error: 'login: the endpoint answered HTTP 401 (expected 2xx)',
        });
        idp.status = 200;
        idp.omitToken = true;
        expect(await again()).toMatchObject({
          state: 'down',
          last_error: 'login: the answer carries no token (access_token, id_token, token)',
        });
        idp.omitToken = false;
        expect(await again()).toMatchObject({ state: 'up' });

        // A login belongs to auth monitors only, needs a URL the allowlist passes, and credentials need a URL.
        expectError(
          await h.call('POST', '/api/v1/monitors', {
            as: admin,
            body: {
              service_id: service.id,
              name: 'x1',
              kind: 'http',
              target: `${base}/jwks`,
              login_url: `${base}/login`,
            },
          }),
          400,
          'monitor.invalid',
        );
        expect(
          (
            await h.call('POST', '/api/v1/monitors', {
              as: admin,
              body: {
                service_id: service.id,
                name: 'x2',
                kind: 'auth',
                target: `${base}/jwks`,
                login_url: 'http://169.254.169.254/latest',
              },
            })
          ).json(),
        ).toMatchObject({ error: { message: expect.stringMatching(/^login_url: /) } });
        expect(
          (
            await h.call('POST', '/api/v1/monitors', {
              as: admin,
              body: {
                service_id: service.id,
                name: 'x3',
                kind: 'auth',
                target: `${base}/jwks`,
                login_body: { user: 'a' },
              },
            })
          ).json(),
        ).toMatchObject({ error: { message: 'login_body: needs a login_url to be sent to' } });
        // Clearing the login makes it a plain JWKS check again.
        const cleared = await h.call('PATCH', `/api/v1/monitors/${m.id}`, {
          as: admin,
          body: { login_url: null, login_body: null },
        });
        expect(cleared.json()).toMatchObject({ login_url: null, login_body: null });
        await remove(m.id, page.id);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  );

  it(
    'https: a self-signed certificate fails with the reason; ' + 'trusted, its expiry is recorded and warned about',
    async () => {
      const target = `https://127.0.0.1:${peers.tlsPort}/ok`;
      const untrusted = await create({ name: 'tls-untrusted', kind: 'http', target });
      await h.app.monitors.runner.runDue();
      expect(await show(untrusted.id)).toMatchObject({
        state: 'down',
        last_error: 'TLS certificate rejected: the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)',
      });
      await remove(untrusted.id);

      // The same server with its certificate trusted (a test-only CA option of the service).
      // Its clock stands ten days before the certificate expires, whatever day the suite runs on.
      const expiry = new Date(new X509Certificate(peers.cert).validTo);
      const tlsClock = new FakeClock(new Date(expiry.getTime() - 10 * 86_400_000));
      const trusting = createMonitorsService({
        db: env.database.db,
        clock: tlsClock,
        services: h.app.services,
        ingest: h.app.ingest,
        outboundAllow: '127.0.0.1/32',
        secretKey: KEY,
        ca: peers.cert,
      });
      const { monitor } = await trusting.create(env.admin, {
        service: service.id,
        name: 'tls-trusted',
        kind: 'http',
        target,
        failuresBeforeDown: 1,
      });
      await trusting.runner.runDue();
      const shown = await show(monitor.id);
      expect(shown.state).toBe('up');
      const expires = new Date(shown.tls_expires_at as string);
      expect(expires.getTime() - tlsClock.now().getTime()).toBeGreaterThan(8 * 86_400_000);
      expect(expires.getTime() - tlsClock.now().getTime()).toBeLessThan(11 * 86_400_000);
      // Ten days left (< 14): a warning alert of its own, besides the up/down one.
      const warning = (await alerts()).find((a) => a.dedup_key === `monitor:${monitor.id}:tls`);
      expect(warning).toMatchObject({ status: 'triggered', severity: 'warning', classified_as: 'P3' });
      expect((await alerts()).find((a) => a.dedup_key === `monitor:${monitor.id}`)).toBeUndefined();
      await remove(monitor.id);
    },
  );

  it('tcp: an open port is up, a closed one down', async () => {
    const open = await create({ name: 'tcp-open', kind: 'tcp', target: `127.0.0.1:${peers.port}` });
    const closed = await create({ name: 'tcp-closed', kind: 'tcp', target: `127.0.0.1:${peers.closedPort}` });
    await h.app.monitors.runner.runDue();
    expect(await show(open.id)).toMatchObject({ state: 'up' });
    expect(await show(closed.id)).toMatchObject({ state: 'down', last_error: 'connection refused' });
    await remove(open.id, closed.id);
  });

  describe.skipIf(Boolean(pgProblem))('postgres', () => {
    it(
      'connects and runs select 1; a closed port is down as a database_connection ' +
        'P1; the connection string is never shown',
      async () => {
        const up = await create({ name: 'pg', kind: 'postgres', target: PG_URL });
        const closedUrl = `postgres://vigil:s3cret-pass@127.0.0.1:${peers.closedPort}/orders`;
        const down = await create({ name: 'pg-closed', kind: 'postgres', target: closedUrl });
        expect(down.target).toBe(`127.0.0.1:${peers.closedPort}/orders`);
        await h.app.monitors.runner.runDue();
        expect(await show(up.id)).toMatchObject({ state: 'up', last_error: null });
        expect(await show(down.id)).toMatchObject({ state: 'down', last_error: 'connection refused' });
        const alert = (await alerts()).find((a) => a.dedup_key === `monitor:${down.id}`);
        expect(alert).toMatchObject({
          status: 'triggered',
          classified_as: 'P1',
          details: {
            class: 'database_connection',
            custom_details: { monitor_id: down.id, target: down.target, reason: 'connection refused' },
          },
        });
        const row = await env.database.db
          .selectFrom('monitors')
          .selectAll()
          .where('id', '=', down.id)
          .executeTakeFirstOrThrow();
        expect(row.target_sealed?.startsWith('v1:')).toBe(true);
        expect(JSON.stringify(row)).not.toContain('s3cret-pass');
        const listed = (await h.call('GET', `/api/v1/monitors?service_id=${service.id}`, { as: viewer })).body;
        expect(listed).not.toContain('s3cret-pass');
        await remove(up.id, down.id);
      },
    );
  });

  it(
    'down after failures_before_down failures opens an incident through ' +
      'ingestion; up resolves it; then enhanced monitoring',
    async () => {
      const svc = await h.app.services.create(env.admin, { name: unique('payments') });
      const flip = await create({
        service_id: svc.service.id,
        name: 'flip',
        kind: 'http',
        target: url('/flip'),
        interval_seconds: 60,
        failures_before_down: 2,
      });
      await h.app.monitors.runner.runDue();
      expect((await show(flip.id)).state).toBe('up');
      peers.flip.healthy = false;
      clock.advance(60_000);
      await h.app.monitors.runner.runDue();
      expect(await show(flip.id)).toMatchObject({ state: 'up', last_error: 'HTTP 503 (expected 2xx or 3xx)' });
      expect(await alerts(svc.service.id)).toEqual([]);
      clock.advance(60_000);
      await h.app.monitors.runner.runDue();
      expect((await show(flip.id)).state).toBe('down');
      const [alert] = await alerts(svc.service.id);
      expect(alert).toMatchObject({
        dedup_key: `monitor:${flip.id}`,
        status: 'triggered',
        format: 'monitor',
        classified_as: 'P1',
      });
      const incident = (await h.call('GET', `/api/v1/incidents/${alert?.incident_id}`, { as: viewer })).json() as {
        status: string;
        severity: string;
        service_id: string;
      };
      expect(incident).toMatchObject({ status: 'triggered', severity: 'P1', service_id: svc.service.id });
      // The health check shows the monitor and the service as degraded.
      const health = (
        await h.call('POST', '/functions/v1/production-monitoring', { as: viewer, body: { action: 'health_check' } })
      ).json() as {
        services: Array<{ id: string; status: string; last_check: string | null }>;
        monitors: Array<{ id: string; state: string; kind: string; service_id: string; service: string; name: string }>;
      };
      expect(health.monitors.find((m) => m.id === flip.id)).toMatchObject({
        state: 'down',
        kind: 'http',
        service_id: svc.service.id,
        service: svc.service.name,
        name: 'flip',
      });
      expect(health.services.find((s) => s.id === svc.service.id)).toMatchObject({
        status: 'degraded',
        last_check: clock.now().toISOString(),
      });

      peers.flip.healthy = true;
      clock.advance(60_000);
      await h.app.monitors.runner.runDue();
      expect((await show(flip.id)).state).toBe('up');
      expect((await alerts(svc.service.id))[0]).toMatchObject({ status: 'resolved' });
      const resolved = (await h.call('GET', `/api/v1/incidents/${alert?.incident_id}`, { as: viewer })).json() as {
        status: string;
        resolved_at: string;
      };
      expect(resolved.status).toBe('resolved');

      // Enhanced monitoring: 24 h after the resolve, at a quarter of the interval (60 s → 15 s).
      expect(await h.app.monitors.runner.refreshEnhanced()).toBeGreaterThanOrEqual(1);
      const enhanced = await show(flip.id);
      expect(enhanced.enhanced_until).toBe(
        new Date(new Date(resolved.resolved_at).getTime() + 86_400_000).toISOString(),
      );
      expect(enhanced.effective_interval_seconds).toBe(15);
      const before = peers.hits.get('/flip') ?? 0;
      clock.advance(15_000);
      await h.app.monitors.runner.runDue();
      expect(peers.hits.get('/flip')).toBe(before + 1);
      clock.advance(15_000);
      await h.app.monitors.runner.runDue();
      expect(peers.hits.get('/flip')).toBe(before + 2);
      // After the 24 hours the normal interval is back.
      clock.advance(86_400_000);
      await h.app.monitors.runner.refreshEnhanced();
      expect(await show(flip.id)).toMatchObject({ enhanced_until: null, effective_interval_seconds: 60 });
      await remove(flip.id);
    },
  );

  it(
    'an alert whose send failed after the state change committed ' + 'is re-sent from the monitor’s state, once',
    async () => {
      // Ingestion that refuses the first submit, as if the process had died between commit and send.
      let refuse = true;
      const flaky = {
        ...h.app.ingest,
        submit: (r: Parameters<typeof h.app.ingest.submit>[0]) =>
          refuse ? ((refuse = false), Promise.reject(new Error('ingest unavailable'))) : h.app.ingest.submit(r),
      };
      const monitors = createMonitorsService({
        db: env.database.db,
        clock,
        services: h.app.services,
        ingest: flaky,
        outboundAllow: '127.0.0.1/32',
        secretKey: KEY,
      });
      const { monitor } = await monitors.create(env.admin, {
        service: service.id,
        name: unique('lost-alert'),
        kind: 'http',
        target: url('/fail'),
        failuresBeforeDown: 1,
      });
      await expect(monitors.runner.runDue()).rejects.toThrow('ingest unavailable');
      expect((await show(monitor.id)).state).toBe('down');
      const key = `monitor:${monitor.id}`;
      expect((await alerts()).find((a) => a.dedup_key === key)).toBeUndefined();
      // Within 30 s the change may still be in flight elsewhere: nothing is re-sent yet.
      expect(await monitors.runner.resendUnsent()).toBe(0);
      clock.advance(31_000);
      expect(await monitors.runner.resendUnsent()).toBe(1);
      expect((await alerts()).filter((a) => a.dedup_key === key)).toEqual([
        expect.objectContaining({ status: 'triggered', format: 'monitor' }),
      ]);
      // Confirmed: the next housekeeping finds nothing to re-send.
      expect(await monitors.runner.resendUnsent()).toBe(0);
      await remove(monitor.id);
    },
  );

  it('heartbeat: late → down (an incident), a beat (POST or GET, no bearer token) → up and resolved', async () => {
    const hb = await create({ name: 'nightly-backup', kind: 'heartbeat', period_seconds: 60, grace_seconds: 30 });
    expect(hb.token).toMatch(/^hb_[A-Za-z0-9_-]{32}$/);
    expect(hb.target).toBe('heartbeat');
    expect((await show(hb.id)).token).toBeUndefined();
    clock.advance(60_000);
    expect(await h.app.monitors.runner.runDue()).toBe(0); // within period + grace
    clock.advance(31_000);
    expect(await h.app.monitors.runner.runDue()).toBe(1);
    const late = await show(hb.id);
    expect(late.state).toBe('down');
    expect(late.last_error).toContain('no heartbeat since the monitor was created');
    expect((await alerts()).find((a) => a.dedup_key === `monitor:${hb.id}`)).toMatchObject({
      status: 'triggered',
      classified_as: 'P1',
    });

    const beat = await h.call('POST', `/api/v1/heartbeats/${hb.token}`, {
      body: 'ran=ok',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(beat.statusCode, beat.body).toBe(200);
    expect(beat.json()).toMatchObject({ ok: true, monitor_id: hb.id, state: 'up' });
    expect((await alerts()).find((a) => a.dedup_key === `monitor:${hb.id}`)).toMatchObject({ status: 'resolved' });
    clock.advance(80_000);
    expect((await h.call('GET', `/api/v1/heartbeats/${hb.token}`)).statusCode).toBe(200);
    clock.advance(80_000);
    expect(await h.app.monitors.runner.runDue()).toBe(0);
    expect((await show(hb.id)).state).toBe('up');
    expectError(await h.call('POST', '/api/v1/heartbeats/hb_not-a-real-token'), 404, 'heartbeat.not_found');
    await remove(hb.id);
  });

  it(
    'refuses targets the SSRF guard forbids (400 naming target), bad input ' +
      'naming the field, and writes from viewers; stores nothing',
    async () => {
      const count = async () =>
        Number(
          (
            await env.database.db
              .selectFrom('monitors')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const post = (body: Record<string, unknown>, as: Caller = admin) =>
        h.call('POST', '/api/v1/monitors', { as, body: { service_id: service.id, name: 'x', ...body } });
      for (const target of [
        'http://10.0.0.5/health',
        'http://169.254.169.254/latest/meta-data',
        'http://localhost:8080/',
        'file:///etc/passwd',
      ]) {
        const error = expectError(await post({ kind: 'http', target }), 400, 'monitor.invalid');
        expect(error.message.startsWith('target: ')).toBe(true);
        expect(error.details).toEqual({ field: 'target' });
      }
      expect(
        expectError(await post({ kind: 'tcp', target: '192.168.1.1:22' }), 400, 'monitor.invalid').message,
      ).toContain('private address 192.168.1.1');
      expect(
        expectError(await post({ kind: 'postgres', target: 'postgres://u:p@10.1.2.3/db' }), 400, 'monitor.invalid')
          .message,
      ).toContain('target: private address');
      expect(expectError(await post({ kind: 'tcp', target: 'no-port' }), 400, 'monitor.invalid').message).toContain(
        'target: must be host:port',
      );
      expect(
        expectError(await post({ kind: 'postgres', target: 'mysql://x/y' }), 400, 'monitor.invalid').message,
      ).toContain('target: must be a postgres://');
      expect(expectError(await post({ kind: 'http' }), 400, 'monitor.invalid').message).toBe(
        'target: is required for http monitors',
      );
      expect(
        expectError(await post({ kind: 'http', target: url('/ok'), interval_seconds: 5 }), 400, 'request.invalid')
          .message,
      ).toContain('body.interval_seconds');
      expect(expectError(await post({ kind: 'gopher', target: url('/ok') }), 400, 'request.invalid').message).toContain(
        'body.kind',
      );
      expect(
        expectError(
          await post({ kind: 'http', target: url('/ok'), interval_seconds: 10, timeout_ms: 20_000 }),
          400,
          'monitor.invalid',
        ).message,
      ).toContain('timeout_ms');
      expect(
        expectError(
          await post({ kind: 'tcp', target: `127.0.0.1:${peers.port}`, expect_keyword: 'x' }),
          400,
          'monitor.invalid',
        ).message,
      ).toContain('expect_keyword');
      expect(
        expectError(
          await post({ kind: 'http', target: url('/ok'), headers: { 'bad header': 'x' } }),
          400,
          'request.invalid',
        ).message,
      ).toContain('body.headers');
      expect(
        expectError(await post({ kind: 'http', target: url('/ok'), service_id: 'nope' }), 400, 'monitor.invalid')
          .message,
      ).toContain('service_id');
      expectError(await post({ kind: 'http', target: url('/ok') }, viewer), 403, 'auth.forbidden');
      expect(await count()).toBe(before);
      // Without the allowlist, loopback itself is refused.
      const strict = createApp(testConfig({ secretKey: KEY }), env.database, clock);
      await expect(
        strict.monitors.create(env.admin, { service: service.id, name: 'loop', kind: 'http', target: url('/ok') }),
      ).rejects.toThrow(/loopback address 127\.0\.0\.1/);
      expect(await count()).toBe(before);
    },
  );

  it(
    'checks the allowlist again on every connection: a target saved ' +
      'under a wider allowlist is not reached once it is narrowed',
    async () => {
      const web = await create({ name: 'ssrf-http', kind: 'http', target: url('/ok-ssrf') });
      const port = await create({ name: 'ssrf-tcp', kind: 'tcp', target: `127.0.0.1:${peers.port}` });
      const strict = createApp(testConfig({ secretKey: KEY }), env.database, clock);
      expect(await strict.monitors.runner.runDue()).toBe(2);
      for (const id of [web.id, port.id])
        expect(await show(id)).toMatchObject({
          state: 'down',
          last_error: 'loopback address 127.0.0.1 is not allowed',
        });
      expect(peers.hits.get('/ok-ssrf')).toBeUndefined();
      await remove(web.id, port.id);
    },
  );

  it('creates, lists by service, patches, pauses and deletes, auditing each change', async () => {
    const m = await create({ name: 'api', kind: 'http', target: url('/ok'), interval_seconds: 30 });
    expectError(
      await h.call('POST', '/api/v1/monitors', {
        as: admin,
        body: { service_id: service.name, name: 'api', kind: 'http', target: url('/ok') },
      }),
      409,
      'monitor.already_exists',
    );
    const listed = (await h.call('GET', `/api/v1/monitors?service_id=${service.name}`, { as: viewer })).json() as {
      data: Array<{ id: string }>;
      next_cursor: null;
    };
    expect(listed.data.map((x) => x.id)).toContain(m.id);
    const patched = await h.call('PATCH', `/api/v1/monitors/${m.id}`, {
      as: admin,
      body: { interval_seconds: 120, paused: true },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ interval_seconds: 120, paused: true, next_check_at: null });
    expect(await h.app.monitors.runner.runDue()).toBe(0); // paused
    expectError(
      await h.call('PATCH', `/api/v1/monitors/${m.id}`, { as: admin, body: { target: 'http://10.0.0.1/' } }),
      400,
      'monitor.invalid',
    );
    expectError(
      await h.call('PATCH', `/api/v1/monitors/${m.id}`, { as: viewer, body: { paused: false } }),
      403,
      'auth.forbidden',
    );
    expect((await h.call('PATCH', `/api/v1/monitors/${m.id}`, { as: admin, body: { paused: false } })).statusCode).toBe(
      200,
    );
    expect(await h.app.monitors.runner.runDue()).toBe(1);
    await remove(m.id);
    expectError(await h.call('GET', `/api/v1/monitors/${m.id}`, { as: viewer }), 404, 'monitor.not_found');
    const audit = (await h.call('GET', `/api/v1/audit?target_id=${m.id}`, { as: admin })).json() as {
      data: Array<{ action: string }>;
    };
    expect(audit.data.map((a) => a.action).sort()).toEqual([
      'monitor.create',
      'monitor.delete',
      'monitor.update',
      'monitor.update',
    ]);
  });

  it(
    'the loop vigil serve runs checks due monitors on its ' + 'own and writes their results within about a second',
    async () => {
      const m = await create({ name: 'looped', kind: 'http', target: url('/ok-loop') });
      const errors: unknown[] = [];
      const loop = h.app.monitors.runner.start({ error: (obj) => errors.push(obj), info: () => undefined });
      try {
        for (let i = 0; i < 50 && (await show(m.id)).state === 'pending'; i++)
          await new Promise((r) => setTimeout(r, 100));
      } finally {
        await loop.stop();
      }
      expect(await show(m.id)).toMatchObject({ state: 'up' });
      expect(peers.hits.get('/ok-loop')).toBe(1);
      expect(errors).toEqual([]);
      await remove(m.id);
    },
  );

  it('two instances claim each due check once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((await create({ name: `claim-${i}`, kind: 'http', target: url(`/ok-claim-${i}`) })).id);
    const other = createApp(config(), env.database, clock);
    const ran = await Promise.all([h.app.monitors.runner.runDue(), other.monitors.runner.runDue()]);
    expect(ran[0] + ran[1]).toBe(20);
    for (let i = 0; i < 20; i++) expect(peers.hits.get(`/ok-claim-${i}`)).toBe(1);
    await remove(...ids);
  });

  it('monitorStats: exact from raw samples, from the histogram once rolled into minutes; ranges pooled', async () => {
    const svc = await h.app.services.create(env.admin, { name: unique('stats') });
    const a = await create({
      service_id: svc.service.id,
      name: 'a',
      kind: 'http',
      target: url('/ok'),
      interval_seconds: 60,
    });
    const b = await create({
      service_id: svc.service.id,
      name: 'b',
      kind: 'http',
      target: url('/ok'),
      interval_seconds: 60,
    });
    await h.app.monitors.runner.runDue(); // one real sample each at START (+ earlier tests' clock)
    const day = new Date('2026-10-01T12:00:00Z');
    const samples = [];
    for (let d = 0; d < 2; d++) {
      for (let i = 0; i < 100; i++) {
        const at = new Date(day.getTime() + d * 86_400_000 + i * 30_000);
        samples.push({
          monitorId: a.id,
          serviceId: svc.service.id,
          at,
          ok: i % 10 !== 0,
          latencyMs: i % 10 !== 0 ? 10 + i : null,
          bucket: i % 10 !== 0 ? bucketOf(10 + i) : null,
          status: 200,
          error: null,
        });
        samples.push({
          monitorId: b.id,
          serviceId: svc.service.id,
          at,
          ok: true,
          latencyMs: 200 + i,
          bucket: bucketOf(200 + i),
          status: 200,
          error: null,
        });
      }
    }
    await insertSamples(env.database.db, samples);
    const ranges = [0, 1].map((d) => ({
      from: new Date(day.getTime() + d * 86_400_000),
      to: new Date(day.getTime() + d * 86_400_000 + 3_600_000),
    }));
    const exact = await monitorStats(env.database.db, { ranges, serviceId: svc.service.id });
    const rowA = exact.monitors.find((r) => r.monitorId === a.id);
    // a: 200 checks, 20 failed; latencies 11..109 without multiples of 10, twice.
    const la = [0, 1]
      .flatMap(() =>
        Array.from({ length: 100 }, (_, i) => i)
          .filter((i) => i % 10 !== 0)
          .map((i) => 10 + i),
      )
      .sort((x, y) => x - y);
    const pick = (sorted: number[], p: number) => sorted[Math.ceil(p * sorted.length) - 1];
    expect(rowA).toEqual({
      monitorId: a.id,
      serviceId: svc.service.id,
      count: 200,
      failures: 20,
      p50: pick(la, 0.5),
      p95: pick(la, 0.95),
      p99: pick(la, 0.99),
    });
    const lb = [0, 1].flatMap(() => Array.from({ length: 100 }, (_, i) => 200 + i)).sort((x, y) => x - y);
    const pooled = [...la, ...lb].sort((x, y) => x - y);
    expect(exact.services).toEqual([
      {
        monitorId: null,
        serviceId: svc.service.id,
        count: 400,
        failures: 20,
        p50: pick(pooled, 0.5),
        p95: pick(pooled, 0.95),
        p99: pick(pooled, 0.99),
      },
    ]);
    // One range only: half the checks.
    expect(
      (await monitorStats(env.database.db, { ranges: ranges.slice(0, 1), serviceId: svc.service.id })).services[0]
        ?.count,
    ).toBe(200);

    // Eight days on, the samples are rolled into minutes (a bounded chunk per pass) and deleted.
    clock.set('2026-10-10T00:00:00Z');
    let moved = 0;
    for (let pass = 0; pass < 10_000; pass++) {
      const n = await h.app.monitors.runner.rollUp();
      if (n === 0) break;
      moved += n;
    }
    expect(moved).toBeGreaterThanOrEqual(400);
    const raw = await env.database.db
      .selectFrom('monitor_samples')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('monitor_id', 'in', [a.id, b.id])
      .where('at', '<', '2026-10-03T00:00:00Z')
      .executeTakeFirstOrThrow();
    expect(Number(raw.n)).toBe(0);
    const approx = await monitorStats(env.database.db, { ranges, serviceId: svc.service.id });
    const rowA2 = approx.monitors.find((r) => r.monitorId === a.id);
    expect(rowA2).toMatchObject({ count: 200, failures: 20 });
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const want = rowA?.[p] as number;
      const got = rowA2?.[p] as number;
      expect(Math.max(got / want, want / got), `${p}: ${got} vs ${want}`).toBeLessThanOrEqual(Math.SQRT2);
    }
    expect(approx.services[0]).toMatchObject({ count: 400, failures: 20 });
    // Raw and rolled-up time pooled in one query: counts add up, percentiles from the merged histogram.
    const recent = new Date('2026-10-09T12:00:00Z');
    await insertSamples(
      env.database.db,
      Array.from({ length: 50 }, (_, i) => ({
        monitorId: b.id,
        serviceId: svc.service.id,
        at: new Date(recent.getTime() + i * 1000),
        ok: true,
        latencyMs: 250,
        bucket: bucketOf(250),
        status: 200,
        error: null,
      })),
    );
    const mixed = await monitorStats(env.database.db, {
      ranges: [...ranges, { from: recent, to: new Date(recent.getTime() + 3_600_000) }],
      serviceId: svc.service.id,
    });
    expect(mixed.monitors.find((r) => r.monitorId === b.id)).toMatchObject({ count: 250, failures: 0 });
    expect(mixed.services[0]?.count).toBe(450);
    clock.set(START);
    await remove(a.id, b.id);
  });

  it('vigil monitor add | list | show', async () => {
    await h.server.listen({ host: '127.0.0.1', port: 0 });
    const cliEnv = {
      VIGIL_URL: `http://127.0.0.1:${(h.server.server.address() as net.AddressInfo).port}`,
      VIGIL_TOKEN: admin.token,
    };
    const added = expectSuccess(
      await inProcess(
        [
          'monitor',
          'add',
          '--service',
          service.name,
          '--name',
          'cli-backup',
          '--kind',
          'heartbeat',
          '--period',
          '3600',
          '--grace',
          '600',
        ],
        cliEnv,
      ),
    );
    expect(added).toContain('Heartbeat token (shown once)');
    expect(added).toMatch(/\/api\/v1\/heartbeats\/hb_[A-Za-z0-9_-]{32}/);
    const id = field(added, 'id');
    const listed = JSON.parse(
      expectSuccess(await inProcess(['monitor', 'list', '--service', service.name, '--json'], cliEnv)),
    ) as { data: Array<{ id: string; kind: string }> };
    expect(listed.data.find((m) => m.id === id)).toMatchObject({ kind: 'heartbeat' });
    expect(field(expectSuccess(await inProcess(['monitor', 'show', id], cliEnv)), 'state')).toBe('pending');
    expect(expectSuccess(await inProcess(['monitor', 'list'], cliEnv))).toContain('cli-backup');
    expectOneLineFailure(
      await inProcess(
        [
          'monitor',
          'add',
          '--service',
          service.name,
          '--name',
          'x',
          '--kind',
          'http',
          '--target',
          url('/ok'),
          '--interval',
          '5',
        ],
        cliEnv,
      ),
      /--interval: must be a whole number from 10 to 86400/,
    );
    expectOneLineFailure(
      await inProcess(
        ['monitor', 'add', '--service', service.name, '--name', 'x', '--kind', 'http', '--target', 'http://10.0.0.1/'],
        cliEnv,
      ),
      /target: private address 10\.0\.0\.1/,
    );
    await remove(id);
  });
});
