// Runs a suite once per database dialect: SQLite always, PostgreSQL at TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test) in a database created for the test file and dropped after.
// With CI=true an unreachable PostgreSQL fails the run; elsewhere its suites are skipped with one line.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { SYSTEM_ACTOR, type Actor } from '../src/access/index.js';
import { FakeClock, type Clock } from '../src/clock.js';
import { loadConfig, type Config } from '../src/config.js';
import { createDb, migrate, type Database, type Dialect } from '../src/db/database.js';

export const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export const pgProblem = await probePostgres();
if (pgProblem && process.env.CI === 'true') {
  throw new Error(`PostgreSQL at ${PG_URL} is unreachable and CI=true: ${pgProblem}`);
}
let skipNoted = false;

/** PG_URL with database `name` in place of its own (one made with pgAdmin for a test). */
export function pgDatabaseUrl(name: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement (CREATE/DROP DATABASE) on the PostgreSQL test server. */
export async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface DialectEnv {
  readonly dialect: Dialect;
  readonly database: Database;
  readonly config: Config;
  /** An app over this file's database; pass a FakeClock to control time. */
  app(clock?: Clock): App;
  /** An admin user (handle "root") as an actor, for calling services directly. */
  readonly admin: Actor;
}

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  ...loadConfig({ VIGIL_DATA_DIR: '/tmp/vigil-test-unused' }),
  ...overrides,
});

/** Declares `body` once per dialect, each with a freshly migrated database for this file. */
export function describeEachDialect(title: string, body: (env: DialectEnv) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    if (dialect === 'postgres' && pgProblem) {
      if (!skipNoted)
        console.log(
          `PostgreSQL suites skipped: ${PG_URL} is unreachable (${pgProblem}); ` +
            'set TEST_DATABASE_URL or start PostgreSQL',
        );
      skipNoted = true;
      describe.skip(`${title} [postgres]`, () => body(undefined as unknown as DialectEnv));
      continue;
    }
    describe(`${title} [${dialect}]`, () => {
      let database: Database | undefined;
      let dbName: string | undefined;
      let adminActor: Actor | undefined;
      const config = testConfig();
      beforeAll(async () => {
        if (dialect === 'postgres') {
          dbName = `vigil_test_${randomBytes(6).toString('hex')}`;
          await pgAdmin(`CREATE DATABASE ${dbName}`);
          database = createDb({ databaseUrl: pgDatabaseUrl(dbName), poolSize: 20 });
        } else {
          database = createDb({ sqlitePath: ':memory:' });
        }
        await migrate(database.db);
        const user = await createApp(config, database, new FakeClock()).users.create(SYSTEM_ACTOR, {
          handle: 'root',
          name: 'Test Admin',
          email: 'root@example.test',
        });
        adminActor = { type: 'user', id: user.id, name: user.handle, role: 'admin' };
      });
      afterAll(async () => {
        await database?.close();
        if (dbName) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      });
      const env: DialectEnv = {
        dialect,
        get database() {
          if (!database) throw new Error('database not ready: use env inside tests or hooks');
          return database;
        },
        config,
        app: (clock = new FakeClock()) => createApp(config, env.database, clock),
        get admin() {
          if (!adminActor) throw new Error('admin not ready: use env inside tests or hooks');
          return adminActor;
        },
      };
      body(env);
    });
  }
}
