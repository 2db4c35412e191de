// What a database says about its own health, for the runbook's database-scalability function:
// reachability and round trip, connections, locks and waits, cache and bloat on PostgreSQL; file,
// log and page figures on SQLite. Only reads catalogue and statistics views; changes nothing.
import fs from 'node:fs';
import { sql } from 'kysely';
import type { Database } from './database.js';

const ms = (started: number) => Math.round((performance.now() - started) * 100) / 100;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const fileSize = (file: string): number | null => {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
};

export interface DatabaseHealth {
  engine: 'sqlite' | 'postgres';
  reachable: boolean;
  latency_ms: number | null;
  version: string | null;
  size_bytes: number | null;
  error?: string;
  [detail: string]: unknown;
}

/** Reachable or not, round trip, version and size; replication on PostgreSQL, log and pages on SQLite. */
export async function databaseHealth(database: Database): Promise<DatabaseHealth> {
  const started = performance.now();
  try {
    await sql`select 1`.execute(database.db);
  } catch (error) {
    return {
      engine: database.dialect,
      reachable: false,
      latency_ms: null,
      version: null,
      size_bytes: null,
      error: (error as Error).message,
    };
  }
  const latency = ms(started);
  if (database.dialect === 'postgres') {
    const { rows } = await sql<{ version: string; size: string; in_recovery: boolean; replay_lag_s: number | null }>`
      select current_setting('server_version') as version, pg_database_size(current_database()) as size,
             pg_is_in_recovery() as in_recovery,
             case when pg_is_in_recovery() then extract(epoch from now() - pg_last_xact_replay_timestamp()) end
               as replay_lag_s`.execute(database.db);
    const replicas = await sql<{ client: string | null; state: string; replay_lag_s: number | null }>`
      select coalesce(application_name, client_addr::text) as client, state,
             extract(epoch from replay_lag) as replay_lag_s
        from pg_stat_replication`.execute(database.db);
    const r = rows[0];
    return {
      engine: 'postgres',
      reachable: true,
      latency_ms: latency,
      version: r?.version ?? null,
      size_bytes: num(r?.size),
      location: database.location,
      role: r?.in_recovery ? 'replica' : 'primary',
      // On a replica, how far behind its primary it replays; on a primary, each replica's lag.
      replication: r?.in_recovery
        ? { replay_lag_seconds: num(r.replay_lag_s) }
        : {
            replicas: replicas.rows.map((x) => ({
              client: x.client,
              state: x.state,
              replay_lag_seconds: num(x.replay_lag_s),
            })),
          },
    };
  }
  const sqlite = database.sqlite;
  const pragma = (name: string): unknown => sqlite?.pragma(name, { simple: true });
  const file = database.location;
  return {
    engine: 'sqlite',
    reachable: true,
    latency_ms: latency,
    version: String((sqlite?.prepare('select sqlite_version() as v').get() as { v: string } | undefined)?.v ?? ''),
    size_bytes: fileSize(file),
    location: file,
    wal_bytes: fileSize(`${file}-wal`),
    journal_mode: pragma('journal_mode'),
    page_size: num(pragma('page_size')),
    page_count: num(pragma('page_count')),
    freelist_pages: num(pragma('freelist_count')),
    replication: null,
  };
}

/** Connections on the server by state against its limit, and this process's own pool. */
export async function connectionPool(database: Database) {
  if (database.dialect === 'postgres') {
    const states = await sql<{ state: string | null; count: string }>`
      select coalesce(state, 'background') as state, count(*) as count
        from pg_stat_activity group by 1 order by 2 desc`.execute(database.db);
    const mine = await sql<{ state: string | null; count: string }>`
      select coalesce(state, 'background') as state, count(*) as count
        from pg_stat_activity where datname = current_database() group by 1 order by 2 desc`.execute(database.db);
    const limits = await sql<{ max: string; reserved: string }>`
      select current_setting('max_connections') as max,
             current_setting('superuser_reserved_connections') as reserved`.execute(database.db);
    const total = states.rows.reduce((n, r) => n + Number(r.count), 0);
    const max = Number(limits.rows[0]?.max);
    const pool = database.pgPool;
    return {
      engine: 'postgres' as const,
      server: {
        connections: total,
        max_connections: max,
        superuser_reserved: Number(limits.rows[0]?.reserved),
        used_pct: max > 0 ? Math.round((total / max) * 1000) / 10 : null,
        by_state: Object.fromEntries(states.rows.map((r) => [r.state ?? 'background', Number(r.count)])),
        this_database_by_state: Object.fromEntries(mine.rows.map((r) => [r.state ?? 'background', Number(r.count)])),
      },
      pool: pool
        ? { max: pool.options.max ?? null, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }
        : null,
    };
  }
  const sqlite = database.sqlite;
  return {
    engine: 'sqlite' as const,
    // One connection writes (SQLite has a single writer); a worker thread holds a second for log checkpoints.
    server: null,
    pool: {
      max: 1,
      total: 1,
      idle: sqlite?.inTransaction ? 0 : 1,
      waiting: 0,
      in_transaction: sqlite?.inTransaction ?? false,
      busy_timeout_ms: num(sqlite?.pragma('busy_timeout', { simple: true })),
    },
  };
}

/**
 * Where time and contention go: blocked and blocking statement pairs, long-running statements,
 * cache hit ratio, the tables with most dead rows, and the top statements when pg_stat_statements
 * is installed (PostgreSQL); log, checkpoint and page figures (SQLite). PostgreSQL's counters are
 * cumulative since its last statistics reset, which is reported with them.
 */
export async function performanceAnalysis(database: Database, longerThanSeconds = 5) {
  if (database.dialect === 'postgres') {
    const db = database.db;
    const blocking = await sql<{
      blocked_pid: number;
      blocked_query: string;
      blocked_wait_s: number | null;
      wait_event: string | null;
      blocking_pid: number;
      blocking_query: string | null;
      blocking_state: string | null;
      blocking_for_s: number | null;
    }>`
      select w.pid as blocked_pid, w.query as blocked_query,
             extract(epoch from now() - coalesce(w.state_change, w.query_start)) as blocked_wait_s,
             w.wait_event_type || ':' || w.wait_event as wait_event,
             b.pid as blocking_pid, b.query as blocking_query, b.state as blocking_state,
             extract(epoch from now() - b.xact_start) as blocking_for_s
        from pg_stat_activity w
        cross join lateral unnest(pg_blocking_pids(w.pid)) as bp(pid)
        left join pg_stat_activity b on b.pid = bp.pid
       order by blocked_wait_s desc nulls last
       limit 50`.execute(db);
    const long = await sql<{
      pid: number;
      state: string;
      query: string;
      running_s: number;
      wait_event: string | null;
      datname: string | null;
    }>`
      select pid, state, query, extract(epoch from now() - query_start) as running_s,
             wait_event_type || ':' || wait_event as wait_event, datname
        from pg_stat_activity
       where state <> 'idle' and pid <> pg_backend_pid()
         and query_start < now() - make_interval(secs => ${longerThanSeconds})
       order by query_start
       limit 20`.execute(db);
    const cache = await sql<{ hit: string | null; read: string | null; stats_reset: Date | string | null }>`
      select blks_hit as hit, blks_read as read, stats_reset
        from pg_stat_database where datname = current_database()`.execute(db);
    const dead = await sql<{ table: string; dead: string; live: string; last_autovacuum: Date | string | null }>`
      select schemaname || '.' || relname as table, n_dead_tup as dead, n_live_tup as live,
             coalesce(last_autovacuum, last_vacuum) as last_autovacuum
        from pg_stat_user_tables where n_dead_tup > 0 order by n_dead_tup desc limit 10`.execute(db);
    const hasStatements =
      (
        await sql<{ n: string }>`select count(*) as n from pg_extension where extname = 'pg_stat_statements'`.execute(
          db,
        )
      ).rows[0]?.n !== '0';
    let topStatements: unknown = null;
    let note: string | null = null;
    if (hasStatements) {
      try {
        const top = await sql<{ query: string; calls: string; total_ms: number; mean_ms: number; rows: string }>`
          select query, calls, total_exec_time as total_ms, mean_exec_time as mean_ms, rows
            from pg_stat_statements order by total_exec_time desc limit 10`.execute(db);
        topStatements = top.rows.map((r) => ({
          query: r.query,
          calls: Number(r.calls),
          total_ms: Number(r.total_ms),
          mean_ms: Number(r.mean_ms),
          rows: Number(r.rows),
        }));
      } catch (error) {
        note = `pg_stat_statements is installed but cannot be read: ${(error as Error).message}`;
      }
    } else {
      note =
        'pg_stat_statements is not installed in this database ' +
        '(CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries), so there are no top statements';
    }
    const c = cache.rows[0];
    const hit = Number(c?.hit ?? 0);
    const read = Number(c?.read ?? 0);
    const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);
    return {
      engine: 'postgres' as const,
      blocking_queries: blocking.rows.map((r) => ({
        blocked: {
          pid: r.blocked_pid,
          query: r.blocked_query,
          waiting_seconds: num(r.blocked_wait_s),
          wait_event: r.wait_event,
        },
        blocking: {
          pid: r.blocking_pid,
          query: r.blocking_query,
          state: r.blocking_state,
          transaction_seconds: num(r.blocking_for_s),
        },
      })),
      long_running_queries: {
        longer_than_seconds: longerThanSeconds,
        queries: long.rows.map((r) => ({
          pid: r.pid,
          database: r.datname,
          state: r.state,
          query: r.query,
          running_seconds: num(r.running_s),
          wait_event: r.wait_event,
        })),
      },
      cache_hit_ratio: hit + read > 0 ? Math.round((hit / (hit + read)) * 10000) / 10000 : null,
      dead_tuples: dead.rows.map((r) => ({
        table: r.table,
        dead: Number(r.dead),
        live: Number(r.live),
        last_vacuum: iso(r.last_autovacuum),
      })),
      top_statements: topStatements,
      statistics_since: iso(c?.stats_reset),
      ...(note && { note }),
    };
  }
  const sqlite = database.sqlite;
  const pragma = (name: string): unknown => sqlite?.pragma(name, { simple: true });
  const file = database.location;
  const pageSize = Number(pragma('page_size'));
  const walBytes = fileSize(`${file}-wal`);
  return {
    engine: 'sqlite' as const,
    // SQLite has one writer and no server: contention shows as writers waiting out busy_timeout, and as a log that
    // checkpoints cannot keep short.
    blocking_queries: [],
    long_running_queries: null,
    wal: {
      bytes: walBytes,
      frames: walBytes !== null && pageSize > 0 ? Math.max(0, Math.floor((walBytes - 32) / (pageSize + 24))) : null,
      autocheckpoint_pages: num(pragma('wal_autocheckpoint')),
    },
    pages: {
      size: pageSize,
      count: num(pragma('page_count')),
      free: num(pragma('freelist_count')),
      cache_size: num(pragma('cache_size')),
    },
    in_transaction: sqlite?.inTransaction ?? false,
    busy_timeout_ms: num(pragma('busy_timeout')),
    note:
      'SQLite keeps no query statistics; ' +
      'PostgreSQL reports blocking pairs, long queries, cache hit ratio and dead rows',
  };
}
