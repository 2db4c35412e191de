// The web console served at /: index.html revalidated with a strict CSP, hashed assets cached for a
// year, client-side routes falling back to index.html, the API's JSON 404s and auth untouched, no way
// out of web/dist, a 503 naming the build command when web/dist is missing, and the initial JS size.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { FakeClock } from '../src/clock.js';
import { createDb, migrate, type Database } from '../src/db/database.js';
import { buildServer } from '../src/http/server.js';
import { DEFAULT_WEB_ROOT } from '../src/http/web.js';
import { testConfig } from './dialects.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INDEX = path.join(DEFAULT_WEB_ROOT, 'index.html');
const INITIAL_JS_LIMIT = 250 * 1024;

// In CI `npm ci` builds web/dist (the root prepare script): it must be there. Elsewhere build it once if missing.
if (process.env.CI !== 'true' && !fs.existsSync(INDEX)) {
  const run = spawnSync('npm', ['run', 'build', '-w', 'web'], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0)
    console.log(`web-serve: could not build web/dist (npm run build -w web failed):\n${run.stderr.slice(-2000)}`);
}
const built = fs.existsSync(INDEX);
if (!built)
  console.log('web-serve: skipping the built-console suite: web/dist/index.html is absent and could not be built');

let database: Database;
let adminToken: string;

async function server(webRoot?: string): Promise<FastifyInstance> {
  const app = createApp(testConfig(), database, new FakeClock());
  const s = await buildServer(app, webRoot === undefined ? {} : { webRoot });
  await s.ready();
  return s;
}

beforeAll(async () => {
  database = createDb({ sqlitePath: ':memory:' });
  await migrate(database.db);
  const app = createApp(testConfig(), database, new FakeClock());
  const user = await app.users.create(SYSTEM_ACTOR, {
    handle: 'web-admin',
    name: 'Web Admin',
    email: 'web-admin@example.test',
  });
  adminToken = (await app.tokens.create(SYSTEM_ACTOR, { user: user.id, role: 'admin' })).secret;
});
afterAll(async () => {
  await database?.close();
});

it('is built in CI', () => {
  if (process.env.CI === 'true') expect(fs.existsSync(INDEX), `${INDEX} must exist after npm ci`).toBe(true);
});

describe.skipIf(!built)('the built web console', () => {
  let s: FastifyInstance;
  let entry: string;

  beforeAll(async () => {
    s = await server();
    const html = fs.readFileSync(INDEX, 'utf8');
    entry = /<script type="module"[^>]*src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers / with index.html, no-cache and a strict CSP with no inline scripts', async () => {
    const res = await s.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).toContain('<div id="root"></div>');
    // Every script is an external file from /assets/: the CSP would block an inline one.
    expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it('serves hashed assets as immutable JavaScript', async () => {
    expect(entry).toMatch(/^\/assets\/.+\.js$/);
    const res = await s.inject({ method: 'GET', url: entry });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body.length).toBeGreaterThan(1000);
  });

  it('falls back to index.html for client-side routes', async () => {
    for (const url of ['/incidents/123', '/incidents', '/some/deep/page?x=1']) {
      const res = await s.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.body, url).toContain('<div id="root"></div>');
    }
  });

  it('keeps JSON 404s for the API, missing assets and other methods', async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    for (const url of ['/api/v1/nope', '/functions/v1/nope', '/v2/nope', '/docs/nope', '/assets/missing-abc123.js']) {
      const res = await s.inject({ method: 'GET', url, headers: auth });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'route.not_found' } });
    }
    const post = await s.inject({
      method: 'POST',
      url: '/incidents/123',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ error: { code: 'route.not_found' } });
    // Without a token, an unknown /api path is still refused before routing.
    expect((await s.inject({ method: 'GET', url: '/api/v1/nope' })).statusCode).toBe(401);
    // Disguised API paths are the API's too, never index.html.
    for (const url of ['//api/v1/me', '/a%70i/v1/me', '/API/v1/me', '//functions/v1/x', '/%zz']) {
      const res = await s.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.json(), url).toHaveProperty('error.code');
    }
  });

  it('never serves a file outside web/dist', async () => {
    const pkg = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    for (const url of [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/%00index.html',
      '/../../../../etc/passwd',
      '/assets/../index.html',
    ]) {
      const res = await s.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body, url).not.toContain('"workspaces"');
      expect(res.body, url).not.toBe(pkg);
      expect(res.body, url).not.toContain('root:x:0:0');
      if (res.statusCode !== 200) expect(res.json(), url).toMatchObject({ error: { code: 'route.not_found' } });
      else expect(res.body, url).toContain('<div id="root"></div>');
    }
  });

  it('refuses raw ".." over a real socket, where no client normalises the path first', async () => {
    // inject() and fetch() resolve "/../x" before sending it; a raw request line does not.
    const other = await server();
    try {
      const address = await other.listen({ host: '127.0.0.1', port: 0 });
      const { port } = new URL(address);
      for (const target of [
        '/../package.json',
        '/assets/../../package.json',
        '/%2e%2e/package.json',
        '/assets/%2E%2E/%2E%2E/package.json',
        '/..\\package.json',
        '/assets/../../../../etc/passwd',
      ]) {
        const answer = await rawGet(Number(port), target);
        expect(answer, target).toMatch(/^HTTP\/1\.1 404 /);
        expect(answer, target).toContain('route.not_found');
        expect(answer, target).not.toContain('"workspaces"');
      }
    } finally {
      await other.close();
    }
  });

  it("leaves the API answering: health, bearer tokens, and the console's cookie sign-in with CSRF", async () => {
    expect((await s.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const list = await s.inject({
      method: 'GET',
      url: '/api/v1/incidents',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ data: expect.any(Array) });

    const signIn = await s.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ token: adminToken }),
    });
    expect(signIn.statusCode).toBe(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] as string;
    const { csrf_token: csrf, role } = signIn.json() as { csrf_token: string; role: string };
    expect(role).toBe('admin');
    const session = await s.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    expect(session.json()).toMatchObject({ csrf_token: csrf, role: 'admin' });

    const create = (headers: Record<string, string>) =>
      s.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ title: 'from the console', severity: 'P2' }),
      });
    expect((await create({})).statusCode).toBe(403);
    const created = await create({ 'x-csrf-token': csrf });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    const ack = await s.inject({
      method: 'POST',
      url: `/api/v1/incidents/${id}/acknowledge`,
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(ack.json()).toMatchObject({ status: 'acknowledged' });
  });

  it('keeps the initial JavaScript well under 250 KB gzip', () => {
    const html = fs.readFileSync(INDEX, 'utf8');
    const scripts = [
      ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="(\/assets\/[^"]+\.js)"/g),
    ].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    const raw = scripts.reduce((sum, file) => sum + fs.statSync(path.join(DEFAULT_WEB_ROOT, file)).size, 0);
    const gzip = scripts.reduce(
      (sum, file) => sum + gzipSync(fs.readFileSync(path.join(DEFAULT_WEB_ROOT, file)), { level: 9 }).length,
      0,
    );
    console.log(
      `web-serve: initial JS ${scripts.join(', ')}: ` +
        `${(raw / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip`,
    );
    expect(gzip).toBeLessThan(INITIAL_JS_LIMIT);
  });
});

describe('without a web build', () => {
  let s: FastifyInstance;
  let empty: string;

  beforeAll(async () => {
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-web-missing-'));
    s = await server(empty);
  });
  afterAll(async () => {
    await s?.close();
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('answers / with a 503 naming the build command, and the API is unaffected', async () => {
    const res = await s.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('npm run build -w web');
    expect((await s.inject({ method: 'GET', url: '/incidents/1' })).json()).toMatchObject({
      error: { code: 'route.not_found' },
    });
    expect((await s.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(
      (await s.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${adminToken}` } }))
        .statusCode,
    ).toBe(200);
  });
});

/** Sends one GET with `target` verbatim on the request line and returns the whole answer. */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}
