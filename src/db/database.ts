// Opens Kysely over better-sqlite3 (the embedded default) or pg, and runs the one set of migrations.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type MigrationProvider,
  type SqliteDatabase as SqliteDialectDatabase,
} from 'kysely';
import pg from 'pg';
import { startCheckpointer } from './checkpointer.js';
import { dialectOf, type Dialect } from './dialect-of.js';
import { migrations } from './migrations/index.js';
import type { Schema } from './schema.js';

export type Db = Kysely<Schema>;
export type { Dialect };

export interface Database {
  readonly db: Db;
  readonly dialect: Dialect;
  /** Where the data lives, without credentials: a file path or host/database. */
  readonly location: string;
  readonly pgPool?: pg.Pool;
  readonly sqlite?: SQLite.Database;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://… selects PostgreSQL. */
  databaseUrl?: string | undefined;
  /** SQLite file path (":memory:" for tests) when no databaseUrl is given. */
  sqlitePath?: string;
  poolSize?: number;
  /** How often a SQLite file's log is checkpointed off the event loop (db/checkpointer.ts); default 200 ms. */
  checkpointIntervalMs?: number;
}

/** Opens the database named by the options; SQLite creates its folder if needed. */
// Every query this process has run, on any database (vigil_db_queries_total): the status page's benchmark
// reads it to show a request served from its snapshot touched no database. Kysely reports each query.
let queries = 0;
const countQueries = (): void => {
  queries += 1;
};

/** How many queries this process has run since it started. */
export const queriesRun = (): number => queries;

export function createDb(options: DbOptions): Database {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  const file = options.sqlitePath ?? ':memory:';
  return openSqlite(file, options.checkpointIntervalMs);
}

function openSqlite(file: string, checkpointIntervalMs?: number): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL for concurrent readers, FULL so a committed event survives power loss, FKs on, and wait rather than fail
  // on a lock.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A file's log is checkpointed off the event loop (db/checkpointer.ts), not inside some unlucky commit.
  const checkpointer = file === ':memory:' ? undefined : startCheckpointer(file, checkpointIntervalMs);
  if (checkpointer) sqlite.pragma('wal_autocheckpoint = 0');
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    log: countQueries,
  });
  return {
    db,
    dialect: 'sqlite',
    location: file,
    sqlite,
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and compiling SQL was
 * most of SQLite's time on the ingest path. Statements are cached by SQL text (queries differ only
 * in parameters), least recently used out first. Safe because Kysely runs one query at a time on
 * this connection and never leaves a statement mid-iteration across queries.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDialectDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/** Longest wait for a PostgreSQL connection from the pool (or for a new one to open). */
const CONNECT_TIMEOUT_MS = 5_000;

function openPostgres(url: string, max: number): Database {
  // A request waits at most CONNECT_TIMEOUT_MS for a connection (none free, or the server unreachable) and
  // is then answered 503, rather than hanging while the database is down.
  //
  // JIT compilation is off for Vigil's sessions: its queries are short, and on the analytics benchmark's year
  // compiling cost more than it saved (incident counts 1.27 s with JIT, 0.96 s without). Options given in
  // the URL (`?options=…`) are the operator's and are kept as they are.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(!urlOptions(url) && { options: '-c jit=off' }),
  });
  // A client that loses its server (PostgreSQL restarted, the network cut) emits 'error'; unheard, that ends
  // the process. The pool listens only while a client is idle, so every client gets a listener of its own for
  // the time it is checked out; its query or transaction fails and reports the fault instead.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), log: countQueries });
  return { db, dialect: 'postgres', location: redact(url), pgPool: pool, close: () => db.destroy() };
}

/** The `options` parameter of a PostgreSQL URL, if it has one. */
function urlOptions(url: string): string | null {
  try {
    return new URL(url).searchParams.get('options');
  } catch {
    return null;
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; safe to run from several instances at once (Kysely takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const applied = await new Migrator({ db, provider }).getMigrations();
  return applied.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * Lets the event loop run before going on. SQLite work is synchronous, so a loop of transactions whose
 * promises resolve at once never gives the loop a turn to read sockets: a sweep working through a
 * backlog held every request waiting for its whole length. Loops of transactions call this between them.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// Callbacks to run once the transaction they were registered in has committed (see afterCommit).
const commitHooks = new WeakMap<Db, Array<() => void>>();

/** Runs `fn` in one transaction on either dialect; `afterCommit` callbacks registered in it run once it commits. */
export async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await db.transaction().execute((trx) => {
    commitHooks.set(trx, hooks);
    return fn(trx);
  });
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // The change is committed; a hook's fault must not turn it into an error for the caller.
    }
  }
  return result;
}

/**
 * Runs `fn` after the transaction `q` belongs to commits, and never if it rolls back. Outside a
 * transaction opened by `inTransaction` the statements already ran in autocommit, so `fn` runs on
 * the next microtask. `fn` must not throw (it runs after the caller's answer is decided).
 */
export function afterCommit(q: Db, fn: () => void): void {
  const hooks = q.isTransaction ? commitHooks.get(q) : undefined;
  if (hooks) hooks.push(fn);
  else queueMicrotask(fn);
}

/**
 * Runs `fn` inside a savepoint of the transaction `trx`: if it throws, what it wrote is undone and the rest of
 * the transaction goes on (the error is rethrown). For batches where one item's failure must not keep its
 * half-done writes, nor undo the other items'.
 */
export async function inSavepoint<T>(trx: Db, fn: () => Promise<T>): Promise<T> {
  await sql`savepoint vigil_item`.execute(trx);
  try {
    const result = await fn();
    await sql`release savepoint vigil_item`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint vigil_item`.execute(trx);
    await sql`release savepoint vigil_item`.execute(trx);
    throw error;
  }
}

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The database refused a value as text it cannot store (PostgreSQL: a NUL character or a byte sequence
 * that is not UTF-8). Routes refuse such input first; this is the net under a field that slipped past.
 */
export function isUnstorableText(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === '22021' || e?.code === '22P05';
}

export { dialectOf };
export { conflictOf, isDatabaseUnreachable, type Conflict } from './conflicts.js';
