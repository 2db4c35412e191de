// Authentication, the role matrix and secrets at rest, over HTTP on both dialects.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../src/credentials/index.js';
import { digest } from '../src/access/index.js';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import {
  dumpDatabase,
  expectError,
  startHarness,
  unique,
  type Caller,
  type Harness,
  type Response,
} from './http-harness.js';

const TOKEN_SHAPE = /^vgl_[A-Za-z0-9_-]{43}$/;
const KEY_SHAPE = /^[a-z0-9]{32}$/;

function expect401(res: Response): void {
  expectError(res, 401, 'auth.unauthorized');
  expect(res.headers['www-authenticate']).toBe('Bearer');
}

describeEachDialect('HTTP authentication', (env) => {
  let h: Harness;
  let dataDir: string;
  const bootstrapSecret = `boot-${randomBytes(32).toString('base64url')}`;

  beforeAll(async () => {
    h = await startHarness(env);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-http-auth-'));
    await bootstrapAdmin(env.database.db, h.clock, { adminToken: bootstrapSecret, dataDir });
  });
  afterAll(async () => {
    await h?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts the bootstrap admin token, and the scheme name in any case', async () => {
    const me = await h.call('GET', '/api/v1/me', { as: bootstrapSecret });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ role: 'admin', user: { handle: 'admin', active: true } });
    const lower = await h.server.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `bearer ${bootstrapSecret}` },
    });
    expect(lower.statusCode).toBe(200);
  });

  it('answers 401 with the error shape and a Bearer challenge when the header is missing', async () => {
    for (const url of [
      '/api/v1/me',
      '/api/v1/incidents',
      '/api/v1/services',
      '/api/v1/audit',
      '/functions/v1/production-monitoring',
    ]) {
      expect401(await h.call('GET', url));
    }
    expect401(await h.call('POST', '/api/v1/incidents', { body: { title: 'anonymous', severity: 'P1' } }));
  });

  it.each([
    ['Basic scheme', () => `Basic ${Buffer.from('admin:secret').toString('base64')}`],
    ['no secret after Bearer', () => 'Bearer'],
    ['Bearer and spaces only', () => 'Bearer    '],
    ['two words after Bearer', () => `Bearer ${'a'.repeat(20)} ${'b'.repeat(20)}`],
    ['the secret without a scheme', () => bootstrapSecret],
  ])('answers 401 to a malformed Authorization header (%s)', async (_label, header) => {
    const res = await h.server.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: header() } });
    expect401(res);
  });

  it('answers 401 to an unknown token of the right shape', async () => {
    const made = `vgl_${randomBytes(32).toString('base64url')}`;
    expect(made).toMatch(TOKEN_SHAPE);
    expect401(await h.call('GET', '/api/v1/incidents', { as: made }));
  });

  it('answers 401 once a token is revoked, and only for that token', async () => {
    const alice = await h.caller('responder', 'revoked');
    const other = await h.app.tokens.create(env.admin, { user: alice.userId, role: 'viewer' });
    expect((await h.call('GET', '/api/v1/incidents', { as: alice })).statusCode).toBe(200);

    const revoked = await h.call('DELETE', `/api/v1/tokens/${alice.tokenId}`, { as: bootstrapSecret });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).toBe(h.clock.now().toISOString());

    expect401(await h.call('GET', '/api/v1/incidents', { as: alice }));
    expect((await h.call('GET', '/api/v1/incidents', { as: other.secret })).statusCode).toBe(200);
  });

  it('answers 401 to every token of a deactivated user, and serves them again once reactivated', async () => {
    const bob = await h.caller('responder', 'deact');
    const second = await h.app.tokens.create(env.admin, { user: bob.userId, role: 'viewer' });
    expect((await h.call('GET', '/api/v1/me', { as: bob })).statusCode).toBe(200);

    const off = await h.call('PATCH', `/api/v1/users/${bob.userId}`, { as: bootstrapSecret, body: { active: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect401(await h.call('GET', '/api/v1/me', { as: bob }));
    expect401(await h.call('GET', '/api/v1/me', { as: second.secret }));
    expect401(
      await h.call('POST', '/api/v1/incidents', {
        as: bob,
        body: { title: 'from a deactivated user', severity: 'P3' },
      }),
    );

    const on = await h.call('PATCH', `/api/v1/users/${bob.handle}`, { as: bootstrapSecret, body: { active: true } });
    expect(on.json().active).toBe(true);
    expect((await h.call('GET', '/api/v1/me', { as: bob })).statusCode).toBe(200);
  });

  it('refuses to let an admin deactivate themselves, with a 409 that changes nothing', async () => {
    const carol = await h.caller('admin', 'self-deact');
    const res = await h.call('PATCH', `/api/v1/users/${carol.userId}`, { as: carol, body: { active: false } });
    expectError(res, 409, 'user.conflict');
    expect((await h.call('GET', '/api/v1/me', { as: carol })).statusCode).toBe(200);
  });

  it('serves health, readiness, metrics, the OpenAPI document and the docs without a token', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/api/v1/openapi.json', '/docs']) {
      const res = await h.call('GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['www-authenticate'], url).toBeUndefined();
    }
  });

  it('does not skip authentication for a percent-encoded path that routes to the API', async () => {
    // "%61" is "a": the router decodes it and matches /api/v1/me, so the token check must see the same route.
    expect401(await h.call('GET', '/%61pi/v1/me'));
    expect401(await h.call('GET', '/%61pi/v1/incidents'));
    const withToken = await h.call('GET', '/%61pi/v1/me', { as: bootstrapSecret });
    expect(withToken.statusCode).toBe(200);
  });
});

type Role = 'viewer' | 'responder' | 'admin';
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Case {
  method: Method;
  /** The path, with {incident}, {service} and {token} filled in per case. */
  path: string;
  body?: () => unknown;
  expected: Record<Role, number>;
}

const ALL_OK = { viewer: 200, responder: 200, admin: 200 };

// What each role may do. A 403 must leave the data exactly as it was.
const MATRIX: Case[] = [
  { method: 'GET', path: '/api/v1/incidents', expected: ALL_OK },
  { method: 'GET', path: '/api/v1/incidents/{incident}', expected: ALL_OK },
  { method: 'GET', path: '/api/v1/incidents/{incident}/timeline', expected: ALL_OK },
  { method: 'GET', path: '/api/v1/services', expected: ALL_OK },
  { method: 'GET', path: '/api/v1/services/{service}', expected: ALL_OK },
  { method: 'GET', path: '/api/v1/users', expected: ALL_OK },
  { method: 'GET', path: '/api/v1/me', expected: ALL_OK },
  {
    method: 'POST',
    path: '/api/v1/incidents',
    body: () => ({ title: unique('matrix'), severity: 'P3' }),
    expected: { viewer: 403, responder: 201, admin: 201 },
  },
  {
    method: 'POST',
    path: '/api/v1/incidents/{incident}/acknowledge',
    expected: { viewer: 403, responder: 200, admin: 200 },
  },
  {
    method: 'POST',
    path: '/api/v1/incidents/{incident}/notes',
    body: () => ({ text: 'a note' }),
    expected: { viewer: 403, responder: 201, admin: 201 },
  },
  {
    method: 'POST',
    path: '/api/v1/incidents/{incident}/resolve',
    body: () => ({ note: 'done' }),
    expected: { viewer: 403, responder: 200, admin: 200 },
  },
  {
    method: 'POST',
    path: '/api/v1/services',
    body: () => ({ name: unique('matrix-svc') }),
    expected: { viewer: 403, responder: 403, admin: 201 },
  },
  {
    method: 'PATCH',
    path: '/api/v1/services/{service}',
    body: () => ({ description: 'changed' }),
    expected: { viewer: 403, responder: 403, admin: 200 },
  },
  {
    method: 'POST',
    path: '/api/v1/services/{service}/rotate-key',
    expected: { viewer: 403, responder: 403, admin: 200 },
  },
  { method: 'DELETE', path: '/api/v1/services/{service}', expected: { viewer: 403, responder: 403, admin: 204 } },
  {
    method: 'POST',
    path: '/api/v1/users',
    body: () => {
      const handle = unique('matrix-user');
      return { handle, name: handle, email: `${handle}@example.test` };
    },
    expected: { viewer: 403, responder: 403, admin: 201 },
  },
  {
    method: 'PATCH',
    path: '/api/v1/users/root',
    body: () => ({ name: 'Test Admin' }),
    expected: { viewer: 403, responder: 403, admin: 200 },
  },
  {
    method: 'POST',
    path: '/api/v1/tokens',
    body: () => ({ user: 'root', role: 'viewer' }),
    expected: { viewer: 403, responder: 403, admin: 201 },
  },
  { method: 'GET', path: '/api/v1/tokens', expected: { viewer: 403, responder: 403, admin: 200 } },
  { method: 'DELETE', path: '/api/v1/tokens/{token}', expected: { viewer: 403, responder: 403, admin: 200 } },
  { method: 'GET', path: '/api/v1/audit', expected: { viewer: 403, responder: 403, admin: 200 } },
];

describeEachDialect('HTTP role matrix', (env) => {
  let h: Harness;
  const callers = {} as Record<Role, Caller>;

  beforeAll(async () => {
    h = await startHarness(env);
    for (const role of ['viewer', 'responder', 'admin'] as const)
      callers[role] = await h.caller(role, `matrix-${role}`);
  });
  afterAll(async () => h?.close());

  /** A state snapshot that any write through the API would change. */
  async function snapshot(incidentId: string, serviceId: string) {
    const incident = await h.call('GET', `/api/v1/incidents/${incidentId}`, { as: callers.admin });
    const timeline = await h.call('GET', `/api/v1/incidents/${incidentId}/timeline`, { as: callers.admin });
    const service = await h.call('GET', `/api/v1/services/${serviceId}`, { as: callers.admin });
    const audit = await h.call('GET', '/api/v1/audit?limit=1', { as: callers.admin });
    const tokens = await h.call('GET', '/api/v1/tokens?limit=200', { as: callers.admin });
    expect(tokens.json().next_cursor).toBeNull();
    const users = await h.call('GET', '/api/v1/users?limit=200', { as: callers.admin });
    const counts = await h.app.incidents.counts();
    return {
      incident: incident.json(),
      timeline: timeline.json(),
      service: service.json(),
      latestAudit: audit.json().data[0].id,
      tokens: (tokens.json().data as Array<{ id: string; revoked_at: string | null }>).map(
        (t) => `${t.id} ${t.revoked_at}`,
      ),
      users: users.json().data,
      counts: counts.sort((a, b) => `${a.status}${a.severity}`.localeCompare(`${b.status}${b.severity}`)),
    };
  }

  for (const role of ['viewer', 'responder', 'admin'] as const) {
    describe(`as ${role}`, () => {
      it.each(MATRIX.map((c) => [`${c.method} ${c.path} → ${c.expected[role]}`, c] as const))(
        '%s',
        async (_label, c) => {
          // Fresh targets per case, so an allowed write never changes what a later case sees.
          const incident = await h.app.incidents.create(env.admin, { title: unique('matrix-target'), severity: 'P2' });
          const { service } = await h.app.services.create(env.admin, { name: unique('matrix-target-svc') });
          const { token } = await h.app.tokens.create(env.admin, {
            user: 'root',
            role: 'viewer',
            name: unique('matrix-target-token'),
          });
          const url = c.path
            .replace('{incident}', incident.id)
            .replace('{service}', service.id)
            .replace('{token}', token.id);
          const before = await snapshot(incident.id, service.id);

          const res = await h.call(c.method, url, { as: callers[role], ...(c.body && { body: c.body() }) });
          expect(res.statusCode, res.body).toBe(c.expected[role]);

          if (c.expected[role] === 403) {
            const error = expectError(res, 403, 'auth.forbidden');
            expect(error.message).toContain(role);
            expect(await snapshot(incident.id, service.id)).toEqual(before);
          }
        },
      );
    });
  }

  it(
    'leaves a triggered incident triggered, with the same timeline, ' +
      'after a viewer tries to acknowledge and resolve it',
    async () => {
      const incident = await h.call('POST', '/api/v1/incidents', {
        as: callers.responder,
        body: { title: unique('viewer-ack'), severity: 'P1' },
      });
      const id = incident.json().id as string;
      for (const action of ['acknowledge', 'resolve']) {
        expectError(
          await h.call('POST', `/api/v1/incidents/${id}/${action}`, { as: callers.viewer, body: {} }),
          403,
          'auth.forbidden',
        );
      }
      expectError(
        await h.call('POST', `/api/v1/incidents/${id}/severity`, { as: callers.viewer, body: { severity: 'P0' } }),
        403,
        'auth.forbidden',
      );
      const after = await h.call('GET', `/api/v1/incidents/${id}`, { as: callers.viewer });
      expect(after.json()).toMatchObject({
        status: 'triggered',
        severity: 'P1',
        acknowledged_at: null,
        acknowledged_by: null,
        roles: { incident_commander: null },
      });
      const kinds = (await h.call('GET', `/api/v1/incidents/${id}/timeline`, { as: callers.viewer }))
        .json()
        .data.map((e: { kind: string }) => e.kind);
      expect(kinds).toEqual(['created']);
    },
  );

  it('lets a responder walk an incident through create, acknowledge and resolve', async () => {
    const created = await h.call('POST', '/api/v1/incidents', {
      as: callers.responder,
      body: { title: unique('responder-walk'), severity: 'P2' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const acked = await h.call('POST', `/api/v1/incidents/${id}/acknowledge`, { as: callers.responder });
    expect(acked.json()).toMatchObject({ status: 'acknowledged', acknowledged_by: callers.responder.userId });
    const resolved = await h.call('POST', `/api/v1/incidents/${id}/resolve`, {
      as: callers.responder,
      body: { note: 'fixed' },
    });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolved_by: callers.responder.userId });
  });
});

describeEachDialect('HTTP secrets at rest', (env) => {
  let h: Harness;
  let admin: Caller;

  beforeAll(async () => {
    h = await startHarness(env, { clock: new FakeClock('2026-03-01T10:00:00.000Z') });
    admin = await h.caller('admin', 'secrets-admin');
  });
  afterAll(async () => h?.close());

  it('stores no plaintext token or integration key anywhere, only their digests', async () => {
    const owner = await h.caller('viewer', 'secrets-owner');
    const tokens: string[] = [admin.token, owner.token];
    for (const role of ['admin', 'responder', 'viewer'] as const) {
      const res = await h.call('POST', '/api/v1/tokens', {
        as: admin,
        body: { user: owner.handle, role, name: `${role} token` },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ role, user: owner.handle, kind: 'api', last_used_at: null, revoked_at: null });
      tokens.push(res.json().token as string);
    }

    const keys: string[] = [];
    const serviceIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.call('POST', '/api/v1/services', {
        as: admin,
        body: { name: unique('secrets-svc'), description: 'holds a key' },
      });
      expect(res.statusCode).toBe(201);
      keys.push(res.json().integration_key as string);
      serviceIds.push(res.json().id as string);
    }
    const rotated = await h.call('POST', `/api/v1/services/${serviceIds[0]}/rotate-key`, { as: admin });
    expect(rotated.statusCode).toBe(200);
    keys.push(rotated.json().integration_key as string);

    for (const token of tokens) expect(token).toMatch(TOKEN_SHAPE);
    for (const key of keys) expect(key).toMatch(KEY_SHAPE);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(new Set(keys).size).toBe(keys.length);

    const { tables, text } = await dumpDatabase(env.database.db);
    expect(tables).toEqual(expect.arrayContaining(['api_tokens', 'services', 'audit_log', 'incident_events', 'users']));
    for (const secret of [...tokens, ...keys]) {
      expect(text.includes(secret), `plaintext ${secret.slice(0, 6)}… is stored`).toBe(false);
      // The base64url body of a token and the key in upper case would be the same secret in disguise.
      expect(text.includes(secret.replace(/^vgl_/, ''))).toBe(false);
      expect(text.toLowerCase().includes(secret.toLowerCase())).toBe(false);
    }
    // The dump does hold the digests of live secrets, so the check above looked at the right rows.
    for (const secret of [...tokens, keys[1] as string, keys[2] as string, keys[3] as string])
      expect(text).toContain(digest(secret));
  });

  it('issues tokens with at least 256 bits of randomness', async () => {
    const owner = await h.caller('viewer', 'entropy');
    const bodies: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await h.call('POST', '/api/v1/tokens', { as: admin, body: { user: owner.userId, role: 'viewer' } });
      const token = res.json().token as string;
      expect(token).toMatch(TOKEN_SHAPE);
      const raw = Buffer.from(token.slice(4), 'base64url');
      expect(raw.length * 8).toBeGreaterThanOrEqual(256);
      bodies.push(token.slice(4));
    }
    expect(new Set(bodies).size).toBe(bodies.length);
    // 8 × 43 characters of base64url: every one of the 64 symbols is likely; a fixed or short alphabet is not.
    expect(new Set(bodies.join('')).size).toBeGreaterThan(40);
  });

  it('shows the integration key only when created or rotated, and a rotated key stops resolving at once', async () => {
    const name = unique('rotate');
    const created = await h.call('POST', '/api/v1/services', { as: admin, body: { name } });
    const id = created.json().id as string;
    const oldKey = created.json().integration_key as string;
    expect(oldKey).toMatch(KEY_SHAPE);
    expect(created.json().integration_key_hint).toBe(`…${oldKey.slice(-4)}`);
    expect((await h.app.services.byIntegrationKey(oldKey))?.id).toBe(id);

    for (const url of [`/api/v1/services/${id}`, '/api/v1/services?limit=200']) {
      const res = await h.call('GET', url, { as: admin });
      expect(res.body.includes(oldKey)).toBe(false);
      expect(res.body).not.toContain('integration_key"');
    }

    const rotated = await h.call('POST', `/api/v1/services/${name}/rotate-key`, { as: admin });
    expect(rotated.statusCode).toBe(200);
    const newKey = rotated.json().integration_key as string;
    expect(newKey).toMatch(KEY_SHAPE);
    expect(newKey).not.toBe(oldKey);
    expect(rotated.json().integration_key_hint).toBe(`…${newKey.slice(-4)}`);
    expect(await h.app.services.byIntegrationKey(oldKey)).toBeUndefined();
    expect((await h.app.services.byIntegrationKey(newKey))?.id).toBe(id);
    expect((await h.call('GET', `/api/v1/services/${id}`, { as: admin })).json().integration_key_hint).toBe(
      `…${newKey.slice(-4)}`,
    );
  });

  it('records when a token was last used', async () => {
    const owner = await h.caller('viewer', 'last-used');
    const issued = await h.call('POST', '/api/v1/tokens', {
      as: admin,
      body: { user: owner.handle, role: 'responder' },
    });
    const { id, token } = issued.json() as { id: string; token: string };
    const find = async () => {
      const list = await h.call('GET', `/api/v1/tokens?user=${owner.handle}`, { as: admin });
      return (list.json().data as Array<{ id: string; last_used_at: string | null; token?: string }>).find(
        (t) => t.id === id,
      );
    };
    expect((await find())?.last_used_at).toBeNull();
    expect((await find())?.token).toBeUndefined();

    h.clock.advance(5 * 60_000);
    const usedAt = h.clock.now().toISOString();
    expect((await h.call('GET', '/api/v1/incidents?limit=1', { as: token })).statusCode).toBe(200);
    expect((await find())?.last_used_at).toBe(usedAt);

    // A rejected token (wrong secret of the same shape) changes nothing.
    h.clock.advance(5 * 60_000);
    expect(
      (await h.call('GET', '/api/v1/incidents', { as: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }))
        .statusCode,
    ).toBe(401);
    expect((await find())?.last_used_at).toBe(usedAt);
  });
});
