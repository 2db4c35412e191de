// Sign-in (issue 7): passwords, sessions in the vigil_session cookie, CSRF, roles, the brute-force
// brake, expiry and secrets at rest and in logs, over HTTP on both dialects; and `vigil user set-password`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootstrapAdmin, SESSION_IDLE_MS, SESSION_MAX_MS } from '../src/credentials/index.js';
import { createApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { buildServer } from '../src/http/server.js';
import { describeEachDialect } from './dialects.js';
import { dumpDatabase, expectError, unique } from './http-harness.js';
import { cleanEnv } from './vigil-process.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Res = LightMyRequestResponse;

interface Person {
  id: string;
  handle: string;
  password: string;
  token?: string;
}

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
let ipCounter = 0;
/** A fresh client address, so the per-IP brake of one test never touches another. */
const freshIp = () => `10.7.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

/** The vigil_session value and attributes of a response's Set-Cookie. */
function setCookie(res: Res): { value: string; attributes: string[]; raw: string } {
  const header = res.headers['set-cookie'];
  const raw = Array.isArray(header) ? (header[0] ?? '') : (header ?? '');
  const [pair = '', ...attributes] = raw.split(';').map((s) => s.trim());
  expect(pair.startsWith('vigil_session='), raw).toBe(true);
  return { value: pair.slice('vigil_session='.length), attributes, raw };
}

describeEachDialect('sign-in and sessions', (env) => {
  let app: App;
  let server: FastifyInstance;
  const clock = new FakeClock();
  let dataDir: string;
  let log = '';
  const adminToken = `boot-${randomBytes(24).toString('base64url')}`;
  /** Every secret handed out or typed in this file: none may reach the database or the log. */
  const secrets: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-session-'));
    app = env.app(clock);
    await bootstrapAdmin(env.database.db, clock, { adminToken, dataDir });
    const stream = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        log += chunk.toString();
        done();
      },
    });
    server = await buildServer(app, { logger: { level: 'trace', stream } });
    await server.ready();
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function send(
    method: Method,
    url: string,
    o: {
      body?: unknown;
      bearer?: string;
      cookie?: string;
      csrf?: string;
      ip?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Res> {
    return server.inject({
      method,
      url,
      remoteAddress: o.ip ?? '127.0.0.1',
      headers: {
        ...(o.body !== undefined && { 'content-type': 'application/json' }),
        ...(o.bearer && { authorization: `Bearer ${o.bearer}` }),
        ...(o.cookie && { cookie: `other=1; vigil_session=${o.cookie}` }),
        ...(o.csrf && { 'x-csrf-token': o.csrf }),
        ...o.headers,
      },
      ...(o.body !== undefined && { payload: JSON.stringify(o.body) }),
    });
  }

  /** A user with a password (set by the admin) and, with `role`, a live token of that role. */
  async function person(role?: 'viewer' | 'responder' | 'admin'): Promise<Person> {
    const handle = unique('person');
    const user = await app.users.create(env.admin, { handle, name: `Test ${handle}`, email: `${handle}@example.test` });
    const pw = password();
    secrets.push(pw);
    const res = await send('PUT', `/api/v1/users/${handle}/password`, { bearer: adminToken, body: { password: pw } });
    expect(res.statusCode, res.body).toBe(204);
    const token = role ? (await app.tokens.create(env.admin, { user: user.id, role })).secret : undefined;
    if (token) secrets.push(token);
    return { id: user.id, handle, password: pw, ...(token && { token }) };
  }

  async function signIn(p: Person, ip = freshIp()): Promise<{ cookie: string; csrf: string; res: Res }> {
    const res = await send('POST', '/api/v1/session', { body: { handle: p.handle, password: p.password }, ip });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = setCookie(res).value;
    const csrf = res.json().csrf_token as string;
    secrets.push(cookie);
    return { cookie, csrf, res };
  }

  it('lets an admin set a password, refusing lengths outside 12–1024 with errors naming the field', async () => {
    const handle = unique('pwrules');
    await app.users.create(env.admin, { handle, name: handle, email: `${handle}@example.test` });
    for (const bad of ['short', 'x'.repeat(11), 'x'.repeat(1025)]) {
      const err = expectError(
        await send('PUT', `/api/v1/users/${handle}/password`, { bearer: adminToken, body: { password: bad } }),
        400,
        'request.invalid',
      );
      expect(err.message).toContain('body.password');
    }
    expect(
      expectError(
        await send('PUT', `/api/v1/users/${handle}/password`, { bearer: adminToken, body: {} }),
        400,
        'request.invalid',
      ).message,
    ).toContain('password');
    expect(
      expectError(
        await send('PUT', `/api/v1/users/${handle}/password`, {
          bearer: adminToken,
          body: { password: password(), digest: 'x' },
        }),
        400,
        'request.invalid',
      ).message,
    ).toContain('digest');
    expectError(
      await send('PUT', '/api/v1/users/nobody-here/password', { bearer: adminToken, body: { password: password() } }),
      404,
      'user.not_found',
    );
    expect(
      (
        await send('PUT', `/api/v1/users/${handle}/password`, {
          bearer: adminToken,
          body: { password: 'x'.repeat(12) },
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await send('PUT', `/api/v1/users/${handle}/password`, {
          bearer: adminToken,
          body: { password: 'é'.repeat(1024) },
        })
      ).statusCode,
    ).toBe(204);
  });

  it('lets people change only their own password, and only with the current one', async () => {
    const alice = await person('responder');
    const bob = await person('responder');
    const viewer = await person('viewer');
    // Someone else's: admins only.
    expectError(
      await send('PUT', `/api/v1/users/${bob.handle}/password`, {
        bearer: alice.token as string,
        body: { password: password() },
      }),
      403,
      'auth.forbidden',
    );
    expectError(
      await send('PUT', `/api/v1/users/${alice.handle}/password`, {
        bearer: viewer.token as string,
        body: { password: password(), current_password: viewer.password },
      }),
      403,
      'auth.forbidden',
    );
    // Their own: the current password is required and must match.
    const missing = expectError(
      await send('PUT', `/api/v1/users/${alice.handle}/password`, {
        bearer: alice.token as string,
        body: { password: password() },
      }),
      400,
      'user.current_password_required',
    );
    expect(missing.details).toEqual({ field: 'current_password' });
    const wrong = expectError(
      await send('PUT', `/api/v1/users/${alice.handle}/password`, {
        bearer: alice.token as string,
        body: { password: password(), current_password: 'not-the-password' },
      }),
      400,
      'user.wrong_current_password',
    );
    expect(wrong.details).toEqual({ field: 'current_password' });

    // Changing it in a session keeps that session and ends the others.
    const here = await signIn(alice);
    const elsewhere = await signIn(alice);
    const next = password();
    secrets.push(next);
    const changed = await send('PUT', `/api/v1/users/${alice.handle}/password`, {
      cookie: here.cookie,
      csrf: here.csrf,
      body: { password: next, current_password: alice.password },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await send('GET', '/api/v1/session', { cookie: here.cookie })).statusCode).toBe(200);
    expectError(await send('GET', '/api/v1/session', { cookie: elsewhere.cookie }), 401, 'auth.unauthorized');
    expectError(
      await send('POST', '/api/v1/session', {
        body: { handle: alice.handle, password: alice.password },
        ip: freshIp(),
      }),
      401,
      'session.invalid_credentials',
    );
    await signIn({ ...alice, password: next });
  });

  it('ends every session of a person whose password an admin resets', async () => {
    const carol = await person('responder');
    const s = await signIn(carol);
    expect(
      (await send('PUT', `/api/v1/users/${carol.id}/password`, { bearer: adminToken, body: { password: password() } }))
        .statusCode,
    ).toBe(204);
    expectError(await send('GET', '/api/v1/me', { cookie: s.cookie }), 401, 'auth.unauthorized');
  });

  it(
    'signs in with a password: the role of the person’s highest live token, ' + 'viewer without one, and the cookie',
    async () => {
      const responder = await person('responder');
      const { res } = await signIn(responder);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['csrf_token', 'expires_at', 'idle_expires_at', 'role', 'user']);
      expect(body).toMatchObject({
        role: 'responder',
        user: { handle: responder.handle, active: true },
        expires_at: new Date(clock.now().getTime() + SESSION_MAX_MS).toISOString(),
        idle_expires_at: new Date(clock.now().getTime() + SESSION_IDLE_MS).toISOString(),
      });
      expect(body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(res.headers['cache-control']).toBe('no-store');
      const cookie = setCookie(res);
      expect(cookie.value).toMatch(/^vgs_[A-Za-z0-9_-]{43}$/);
      expect(cookie.attributes).toEqual(['Path=/', `Max-Age=${SESSION_MAX_MS / 1000}`, 'HttpOnly', 'SameSite=Strict']);
      expect(cookie.raw).not.toMatch(/secure/i);

      const plain = await person();
      expect((await signIn(plain)).res.json().role).toBe('viewer');
    },
  );

  it(
    'marks the cookie Secure when VIGIL_PUBLIC_URL is https, ' +
      'as behind a TLS-terminating proxy the request looks like http',
    async () => {
      const proxied = await buildServer(
        createApp(
          { ...env.config, notify: { ...env.config.notify, publicUrl: 'https://vigil.example.com' } },
          env.database,
          clock,
        ),
        { logger: false },
      );
      try {
        const res = await proxied.inject({
          method: 'POST',
          url: '/api/v1/session',
          remoteAddress: freshIp(),
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ token: adminToken }),
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(setCookie(res).attributes).toContain('Secure');
        secrets.push(setCookie(res).value);
        const out = await proxied.inject({
          method: 'DELETE',
          url: '/api/v1/session',
          headers: { cookie: `vigil_session=${setCookie(res).value}`, 'x-csrf-token': res.json().csrf_token as string },
        });
        expect(out.statusCode).toBe(204);
        expect(setCookie(out).attributes).toEqual(expect.arrayContaining(['Max-Age=0', 'Secure']));
      } finally {
        await proxied.close();
      }
    },
  );

  it('signs in with an API token, the bootstrap admin token included, with that token’s role', async () => {
    const boot = await send('POST', '/api/v1/session', { body: { token: adminToken }, ip: freshIp() });
    expect(boot.statusCode, boot.body).toBe(200);
    expect(boot.json()).toMatchObject({ role: 'admin', user: { handle: 'admin' } });
    const viewer = await person('viewer');
    const res = await send('POST', '/api/v1/session', { body: { token: viewer.token }, ip: freshIp() });
    expect(res.json()).toMatchObject({ role: 'viewer', user: { handle: viewer.handle } });
    secrets.push(setCookie(res).value, setCookie(boot).value);
  });

  it(
    'answers wrong password, unknown handle, deactivated user, ' + 'no password and a bad token with the same 401',
    async () => {
      const dana = await person('responder');
      const gone = await person('responder');
      await app.users.update(env.admin, gone.id, { active: false });
      const handle = unique('nopw');
      await app.users.create(env.admin, { handle, name: handle, email: `${handle}@example.test` });
      const attempts = [
        { handle: dana.handle, password: 'wrong-password-1' },
        { handle: 'no-such-person', password: 'whatever-password' },
        { handle: gone.handle, password: gone.password },
        { handle, password: 'any-password-at-all' },
        { token: `vgl_${randomBytes(32).toString('base64url')}` },
      ];
      const bodies = new Set<string>();
      for (const body of attempts) {
        const res = await send('POST', '/api/v1/session', { body, ip: freshIp() });
        expectError(res, 401, 'session.invalid_credentials');
        expect(res.headers['set-cookie']).toBeUndefined();
        bodies.add(res.body);
      }
      expect(bodies.size).toBe(1);
    },
  );

  it('brakes after 10 failures for a handle or from an address within 15 minutes (429 with Retry-After)', async () => {
    const erin = await person('responder');
    for (let i = 0; i < 10; i++)
      expectError(
        await send('POST', '/api/v1/session', { body: { handle: erin.handle, password: `wrong-${i}` }, ip: freshIp() }),
        401,
        'session.invalid_credentials',
      );
    // Even the right password waits now, from any address.
    clock.advance(60_000);
    const braked = await send('POST', '/api/v1/session', {
      body: { handle: erin.handle, password: erin.password },
      ip: freshIp(),
    });
    expectError(braked, 429, 'session.rate_limited');
    expect(Number(braked.headers['retry-after'])).toBe(14 * 60);
    clock.advance(14 * 60_000);
    await signIn(erin);

    // Ten different handles from one address brake that address.
    const ip = freshIp();
    for (let i = 0; i < 10; i++)
      expectError(
        await send('POST', '/api/v1/session', { body: { handle: `guess-${i}`, password: 'guess-password' }, ip }),
        401,
        'session.invalid_credentials',
      );
    expectError(
      await send('POST', '/api/v1/session', { body: { handle: erin.handle, password: erin.password }, ip }),
      429,
      'session.rate_limited',
    );
    expectError(
      await send('POST', '/api/v1/session', { body: { token: adminToken }, ip }),
      429,
      'session.rate_limited',
    );
    await signIn(erin);
  });

  it('authenticates by cookie with the session’s role; unsafe methods need the X-CSRF-Token header', async () => {
    const fay = await person('responder');
    const { cookie, csrf } = await signIn(fay);
    const me = await send('GET', '/api/v1/me', { cookie });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ role: 'responder', user: { handle: fay.handle }, token_id: null });
    const session = await send('GET', '/api/v1/session', { cookie });
    expect(session.json()).toMatchObject({ role: 'responder', csrf_token: csrf });

    const incident = { title: unique('csrf'), severity: 'P3' };
    expectError(await send('POST', '/api/v1/incidents', { cookie, body: incident }), 403, 'auth.csrf');
    expectError(
      await send('POST', '/api/v1/incidents', {
        cookie,
        csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`,
        body: incident,
      }),
      403,
      'auth.csrf',
    );
    expectError(await send('POST', '/api/v1/incidents', { cookie, csrf: 'short', body: incident }), 403, 'auth.csrf');
    expectError(await send('PATCH', `/api/v1/users/${fay.handle}`, { cookie, body: { name: 'x' } }), 403, 'auth.csrf');
    expectError(await send('DELETE', '/api/v1/session', { cookie }), 403, 'auth.csrf');
    const created = await send('POST', '/api/v1/incidents', { cookie, csrf, body: incident });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().created_by ?? fay.handle).toBeTruthy();

    // A bearer token wins over a cookie and needs no CSRF token.
    const viewer = await person('viewer');
    const both = await send('GET', '/api/v1/me', { cookie, bearer: viewer.token as string });
    expect(both.json().role).toBe('viewer');
    expect(
      (
        await send('POST', '/api/v1/incidents', {
          bearer: fay.token as string,
          body: { title: unique('bearer'), severity: 'P3' },
        })
      ).statusCode,
    ).toBe(201);
    // GET /api/v1/session is about sessions only.
    expectError(await send('GET', '/api/v1/session', { bearer: fay.token as string }), 404, 'session.not_found');
    expectError(await send('GET', '/api/v1/session'), 401, 'auth.unauthorized');
  });

  it('refuses a viewer session an acknowledge (403), as it refuses a viewer token', async () => {
    const viewer = await person('viewer');
    const { cookie, csrf } = await signIn(viewer);
    const incident = await app.incidents.create(env.admin, { title: unique('ack'), severity: 'P2' });
    expectError(
      await send('POST', `/api/v1/incidents/${incident.id}/acknowledge`, { cookie, csrf }),
      403,
      'auth.forbidden',
    );
    expect((await app.incidents.get(env.admin, incident.id)).status).toBe('triggered');
    const responder = await person('responder');
    const r = await signIn(responder);
    expect(
      (await send('POST', `/api/v1/incidents/${incident.id}/acknowledge`, { cookie: r.cookie, csrf: r.csrf }))
        .statusCode,
    ).toBe(200);
  });

  it('signs out: the row is gone, the cookie cleared, and the old cookie answers 401 (clearing it again)', async () => {
    const gus = await person('responder');
    const { cookie, csrf } = await signIn(gus);
    const out = await send('DELETE', '/api/v1/session', { cookie, csrf });
    expect(out.statusCode).toBe(204);
    const cleared = setCookie(out);
    expect(cleared.value).toBe('');
    expect(cleared.attributes).toContain('Max-Age=0');
    const after = await send('GET', '/api/v1/me', { cookie });
    expectError(after, 401, 'auth.unauthorized');
    expect(setCookie(after).attributes).toContain('Max-Age=0');
    const rows = await env.database.db.selectFrom('sessions').select('id').where('user_id', '=', gus.id).execute();
    expect(rows).toEqual([]);
    // Both ends are in the audit log, under the person, with how they signed in.
    const audit = await send('GET', '/api/v1/audit?limit=200', { bearer: adminToken });
    const actions = (
      audit.json().data as { action: string; actor: { id: string; name: string }; details: Record<string, unknown> }[]
    ).filter((a) => a.action.startsWith('session.') && a.actor.id === gus.id);
    expect(actions.map((a) => a.action).sort()).toEqual(['session.sign_in', 'session.sign_out']);
    expect(actions.find((a) => a.action === 'session.sign_in')).toMatchObject({
      actor: { id: gus.id, name: gus.handle },
      details: { method: 'password', role: 'responder' },
    });
    // Signing out with a token is harmless.
    expect((await send('DELETE', '/api/v1/session', { bearer: gus.token as string })).statusCode).toBe(204);
  });

  it('ends a session after 12 hours idle, and after 7 days however busy', async () => {
    const hal = await person('responder');
    const idle = await signIn(hal);
    clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await send('GET', '/api/v1/me', { cookie: idle.cookie })).statusCode).toBe(200);
    clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await send('GET', '/api/v1/me', { cookie: idle.cookie })).statusCode).toBe(200);
    clock.advance(SESSION_IDLE_MS);
    expectError(await send('GET', '/api/v1/me', { cookie: idle.cookie }), 401, 'auth.unauthorized');

    const busy = await signIn(hal);
    for (let i = 0; i < 15; i++) {
      expect((await send('GET', '/api/v1/me', { cookie: busy.cookie })).statusCode, `after ${i * 12} h`).toBe(200);
      clock.advance(SESSION_IDLE_MS - 1000);
    }
    // Last used at 14 × (12 h − 1 s), just inside the 7 days; now 15 × (12 h − 1 s), past them.
    expectError(await send('GET', '/api/v1/me', { cookie: busy.cookie }), 401, 'auth.unauthorized');
  });

  it('refuses the session of a deactivated user at once, and of a revoked token it came from', async () => {
    const ivy = await person('responder');
    const { cookie } = await signIn(ivy);
    await app.users.update(env.admin, ivy.id, { active: false });
    expectError(await send('GET', '/api/v1/me', { cookie }), 401, 'auth.unauthorized');

    const jay = await person('responder');
    const viaToken = await send('POST', '/api/v1/session', { body: { token: jay.token }, ip: freshIp() });
    const tokenCookie = setCookie(viaToken).value;
    secrets.push(tokenCookie);
    expect((await send('GET', '/api/v1/me', { cookie: tokenCookie })).statusCode).toBe(200);
    const { data } = await app.tokens.list(env.admin, { limit: 10, user: jay.id });
    await app.tokens.revoke(env.admin, data[0]?.id as string);
    expectError(await send('GET', '/api/v1/me', { cookie: tokenCookie }), 401, 'auth.unauthorized');
  });

  it('never stores or logs passwords, session secrets or CSRF tokens, and never shows a digest', async () => {
    const kim = await person('responder');
    const s = await signIn(kim);
    secrets.push(s.csrf);
    const users = await send('GET', '/api/v1/users?limit=200', { cookie: s.cookie });
    const one = await send('GET', `/api/v1/users/${kim.handle}`, { cookie: s.cookie });
    for (const res of [users, one, s.res]) expect(res.body).not.toMatch(/argon2|digest/);

    const { text } = await dumpDatabase(env.database.db);
    expect(text).toContain('$argon2id$');
    const rows = await env.database.db.selectFrom('sessions').select(['digest']).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(text.includes(secret), 'a secret in the database').toBe(false);
      expect(log.includes(secret), 'a secret in the log').toBe(false);
    }
    expect(log).not.toMatch(/argon2id/);
    expect(log.length).toBeGreaterThan(0);
  });

  it('vigil user set-password reads the password from stdin and calls the API with the admin token', async () => {
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    const lee = await person('responder');
    const next = password();
    secrets.push(next);
    const run = (args: string[], input: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
          cwd: ROOT,
          env: cleanEnv({ VIGIL_URL: url, VIGIL_TOKEN: adminToken }),
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });
    const ok = await run(['user', 'set-password', lee.handle, '--password-stdin'], `${next}\n`);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`password set for ${lee.handle}`);
    expect(ok.stdout).not.toContain(next);
    await signIn({ ...lee, password: next });

    const short = await run(['user', 'set-password', lee.handle, '--password-stdin'], 'too-short\n');
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/^vigil: .*body\.password.*\n$/);
    const noTty = await run(['user', 'set-password', lee.handle], `${next}\n`);
    expect(noTty.code).not.toBe(0);
    expect(noTty.stderr).toMatch(/--password-stdin/);
  }, 60_000);
});
