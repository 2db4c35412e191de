// database-scalability: the runbook's database health, connection pool and performance analysis,
// for Vigil's own database (PostgreSQL or SQLite).
import { z } from 'zod';
import type { App } from '../app.js';
import { connectionPool, databaseHealth, performanceAnalysis } from '../db/diagnostics.js';
import { timeWindow, type RunbookFunction, type TIME_WINDOWS } from './functions.service.js';

/** A statement running longer than this is "long-running". */
const LONG_RUNNING_S = 5;

export function databaseScalability(app: App): RunbookFunction {
  return {
    health_check: {
      summary: 'Reachable, round trip, version, size, replication (PostgreSQL) or log and pages (SQLite)',
      permission: 'read',
      params: z.object({}),
      run: async () => ({ database: await databaseHealth(app.database) }),
    },
    connection_pool_status: {
      summary: 'Server connections by state against max_connections, and Vigil’s own pool',
      permission: 'read',
      params: z.object({}),
      run: async () => ({ database: app.database.engine, ...(await connectionPool(app.database)) }),
    },
    performance_analysis: {
      summary: 'Blocking and long-running queries, cache hit ratio, dead rows, top statements',
      permission: 'read',
      params: z.object({ time_window: timeWindow.default('1h') }),
      async run(_actor, params) {
        const window = params.time_window as keyof typeof TIME_WINDOWS;
        const analysis = await performanceAnalysis(app.database, LONG_RUNNING_S);
        // Blocking and long queries are as of now; PostgreSQL's counters are cumulative since statistics_since, not per window.
        return { time_window: window, ...analysis };
      },
    },
  };
}
