// Helpers for the HTTP suites: an app and its Fastify server over one engine's test database, callers
// with real bearer tokens, inject() with a token, and a dump of every stored row for secret checks.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { TokenRole } from '../src/access/index.js';
import { FakeClock } from '../src/clock.js';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/database.js';
import { buildServer } from '../src/http/server.js';
import type { DialectEnv } from './dialects.js';

export type Response = LightMyRequestResponse;

/** Someone holding a live token. */
export interface Caller {
  readonly token: string;
  readonly tokenId: string;
  readonly userId: string;
  readonly handle: string;
  readonly role: TokenRole;
}

export interface CallOptions {
  /** A caller, a raw bearer secret, or nothing for an anonymous request. */
  as?: Caller | string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Harness {
  readonly app: App;
  readonly server: FastifyInstance;
  readonly clock: FakeClock;
  /** Creates a user with a fresh handle and issues them a token of `role`. */
  caller(role: TokenRole, prefix?: string): Promise<Caller>;
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, options?: CallOptions): Promise<Response>;
  close(): Promise<void>;
}

/** A handle (and name) no other test in the file uses: 2–32 characters of [a-z0-9-]. */
export function unique(prefix: string): string {
  return `${prefix.slice(0, 20)}-${randomBytes(4).toString('hex')}`;
}

/** The app and server over `env`'s database; `config` replaces the test config when given. */
export async function startHarness(
  env: DialectEnv,
  options: { clock?: FakeClock; config?: Config } = {},
): Promise<Harness> {
  const clock = options.clock ?? new FakeClock();
  const app = options.config ? createApp(options.config, env.database, clock) : env.app(clock);
  const server = await buildServer(app);
  await server.ready();

  return {
    app,
    server,
    clock,
    async caller(role, prefix = role) {
      const handle = unique(prefix);
      const user = await app.users.create(env.admin, {
        handle,
        name: `Test ${handle}`,
        email: `${handle}@example.test`,
      });
      const { token, secret } = await app.tokens.create(env.admin, { user: user.id, role });
      return { token: secret, tokenId: token.id, userId: user.id, handle, role };
    },
    async call(method, url, { as, body, headers = {} } = {}) {
      const secret = typeof as === 'string' ? as : as?.token;
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const contentType = body === undefined || typeof body === 'string' ? {} : { 'content-type': 'application/json' };
      return server.inject({
        method,
        url,
        headers: { ...contentType, ...(secret !== undefined && { authorization: `Bearer ${secret}` }), ...headers },
        ...(payload !== undefined && { payload }),
      });
    },
    close: () => server.close(),
  };
}

/** Asserts the `{"error":{"code","message"}}` shape with this status and code, and returns the error. */
export function expectError(
  res: Response,
  status: number,
  code: string,
): { code: string; message: string; details?: unknown } {
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  expect({ status: res.statusCode, code: body.error?.code }, res.body).toEqual({ status, code });
  expect(typeof body.error?.message).toBe('string');
  expect((body.error?.message as string).length).toBeGreaterThan(0);
  expect(Object.keys(body)).toEqual(['error']);
  return body.error as { code: string; message: string; details?: unknown };
}

/** Every row of every table (migration bookkeeping included) as one JSON string, table by table. */
export async function dumpDatabase(db: Db): Promise<{ tables: string[]; text: string }> {
  const tables = (await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name).sort();
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    parts.push(`${table}: ${JSON.stringify(rows)}`);
  }
  return { tables, text: parts.join('\n') };
}
