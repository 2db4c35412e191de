// database-scalability: the runbook's database health, connection pool and performance analysis,
// for Vigil's own database (PostgreSQL or SQLite) or a registered PostgreSQL one (`database_id`).
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { connectionPool, databaseHealth, performanceAnalysis } from '../db/diagnostics.js';
import type { DatabasesService } from './databases.service.js';
import { timeWindow, type RunbookFunction, type TIME_WINDOWS } from './functions.service.js';

/** A statement running longer than this is "long-running". */
const LONG_RUNNING_S = 5;

const target = z.object({ database_id: z.string().trim().min(1).max(200).optional() });

export function databaseScalability({
  database: vigil,
  databases,
}: {
  database: Database;
  databases: DatabasesService;
}): RunbookFunction {
  /** Runs `fn` on the database a call names (Vigil's own by default), saying which one it was. */
  async function on(
    params: Record<string, unknown>,
    fn: (database: Database) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const id = params.database_id as string | undefined;
    if (!id) return { target: { id: null, name: 'vigil' }, ...(await fn(vigil)) };
    return databases.with(id, async (database, registered) => ({
      target: { id: registered.id, name: registered.name, location: registered.location },
      ...(await fn(database)),
    }));
  }

  return {
    health_check: {
      summary: 'Reachable, round trip, version, size, replication (PostgreSQL) or log and pages (SQLite)',
      permission: 'read',
      params: target,
      run: (_actor, params) => on(params, async (database) => ({ database: await databaseHealth(database) })),
    },
    connection_pool_status: {
      summary: 'Server connections by state against max_connections, and the pool Vigil holds to it',
      permission: 'read',
      params: target,
      run: (_actor, params) =>
        on(params, async (database) => ({ database: database.dialect, ...(await connectionPool(database)) })),
    },
    performance_analysis: {
      summary: 'Blocking and long-running queries, cache hit ratio, dead rows, top statements',
      permission: 'read',
      params: target.extend({ time_window: timeWindow.default('1h') }),
      run: (_actor, params) =>
        on(params, async (database) => {
          const window = params.time_window as keyof typeof TIME_WINDOWS;
          // Blocking and long queries are as of now; PostgreSQL's counters are cumulative since statistics_since,
          // not per window.
          return { time_window: window, ...(await performanceAnalysis(database, LONG_RUNNING_S)) };
        }),
    },
  };
}
