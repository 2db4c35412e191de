// Wire shapes of the runbook's functions that the dashboards read (POST /functions/v1/{function}):
// production-monitoring health_check and performance_report, database-scalability's three actions,
// and the databases registered for it. Every answer carries generated_at.
//
// The functions answer through RunbookFunction's Record<string, unknown>, so no presenter here can be
// typed against these schemas; test/api-views.test.ts parses real answers with them instead (and
// performance_report, whose service is typed, is also checked below at compile time).
import { z } from 'zod';
import { TIME_WINDOWS } from '../../runbook/index.js';
import type { PerformanceService } from '../../performance/index.js';
import { MonitorKind, MonitorState, ServiceHealth } from './services.js';

export const TimeWindow = z.enum(Object.keys(TIME_WINDOWS) as [keyof typeof TIME_WINDOWS]);

export const HealthCheck = z
  .object({
    status: z.enum(['healthy', 'degraded', 'down']),
    problems: z.array(z.string()),
    services: z.array(ServiceHealth),
    monitors: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        service_id: z.string(),
        service: z.string().nullable(),
        kind: MonitorKind,
        state: MonitorState,
        paused: z.boolean(),
        last_check: z.string().nullable(),
        last_latency_ms: z.number().nullable(),
        enhanced_until: z.string().nullable(),
      }),
    ),
    vigil: z.object({
      database: z.object({ engine: z.string(), reachable: z.boolean(), latency_ms: z.number().nullable() }),
      escalation_engine: z.object({ overdue_escalations: z.number(), lag_seconds: z.number() }),
      outbox: z.object({ due: z.number(), oldest_due_seconds: z.number(), dead_last_24h: z.number() }),
      ingest_queue: z.number(),
    }),
    generated_at: z.string(),
  })
  .describe('production-monitoring health_check.');

export const Latency = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() });

export const Figures = z.object({
  request_count: z.number(),
  error_count: z.number(),
  error_rate: z.number().nullable(),
  latency_ms: Latency,
  baseline: z.object({ request_count: z.number(), error_rate: z.number().nullable(), latency_ms: Latency }),
  degradation_pct: z.number().nullable(),
});

export const PerformanceReport = z
  .object({
    time_window: TimeWindow,
    window: z.object({ from: z.string(), to: z.string() }),
    baseline: z.object({ description: z.string(), ranges: z.number() }),
    summary: z.object({
      request_count: z.number(),
      error_rate: z.number().nullable(),
      degraded_services: z.array(z.string()),
    }),
    services: z.array(
      Figures.extend({
        id: z.string(),
        name: z.string(),
        status: z.enum(['degraded', 'normal']),
        monitors: z.array(Figures.extend({ id: z.string(), name: z.string(), kind: MonitorKind })),
      }),
    ),
    source: z.string(),
    generated_at: z.string(),
  })
  .describe('production-monitoring performance_report.');

// Compiles only while the schema has every field the performance service reports (a rename fails here).
const _reportCovered: z.infer<typeof PerformanceReport> extends Awaited<ReturnType<PerformanceService['report']>>
  ? true
  : never = true;

export const DbTarget = z
  .object({ id: z.string().nullable(), name: z.string(), location: z.string().optional() })
  .describe('Which database an answer is about: Vigil’s own (id null) or a registered one.');

export const DbHealth = z
  .object({
    target: DbTarget,
    database: z.object({
      engine: z.string(),
      reachable: z.boolean(),
      latency_ms: z.number().nullable(),
      version: z.string().nullable(),
      size_bytes: z.number().nullable(),
      location: z.string().optional(),
      error: z.string().optional().describe('Why the database did not answer.'),
      role: z.enum(['primary', 'replica']).optional().describe('PostgreSQL only.'),
      replication: z
        .union([
          z.object({ replay_lag_seconds: z.number().nullable() }),
          z.object({
            replicas: z.array(
              z.object({ client: z.string().nullable(), state: z.string(), replay_lag_seconds: z.number().nullable() }),
            ),
          }),
        ])
        .nullable()
        .optional()
        .describe('PostgreSQL: on a replica its replay lag, on a primary each replica’s; SQLite: null.'),
      wal_bytes: z.number().nullable().optional().describe('SQLite only, as are the fields below.'),
      journal_mode: z.unknown().optional(),
      page_size: z.number().nullable().optional(),
      page_count: z.number().nullable().optional(),
      freelist_pages: z.number().nullable().optional(),
    }),
    generated_at: z.string(),
  })
  .describe('database-scalability health_check.');

export const DbEngine = z.enum(['postgres', 'sqlite']);

export const PoolStatus = z
  .object({
    target: DbTarget,
    database: DbEngine,
    engine: DbEngine,
    server: z
      .object({
        connections: z.number(),
        max_connections: z.number(),
        superuser_reserved: z.number(),
        used_pct: z.number().nullable(),
        by_state: z.record(z.string(), z.number()),
        this_database_by_state: z.record(z.string(), z.number()),
      })
      .nullable(),
    pool: z
      .object({
        max: z.number().nullable(),
        total: z.number(),
        idle: z.number(),
        waiting: z.number(),
        in_transaction: z.boolean().optional(),
        busy_timeout_ms: z.number().nullable().optional(),
      })
      .nullable(),
    generated_at: z.string(),
  })
  .describe('database-scalability connection_pool_status.');

export const Analysis = z
  .object({
    target: DbTarget,
    time_window: TimeWindow,
    engine: DbEngine,
    blocking_queries: z.array(
      z.object({
        blocked: z.object({
          pid: z.number(),
          query: z.string(),
          waiting_seconds: z.number().nullable(),
          wait_event: z.string().nullable(),
        }),
        blocking: z.object({
          pid: z.number(),
          query: z.string().nullable(),
          state: z.string().nullable(),
          transaction_seconds: z.number().nullable(),
        }),
      }),
    ),
    long_running_queries: z
      .object({
        longer_than_seconds: z.number(),
        queries: z.array(
          z.object({
            pid: z.number(),
            database: z.string().nullable(),
            state: z.string(),
            query: z.string(),
            running_seconds: z.number().nullable(),
            wait_event: z.string().nullable(),
          }),
        ),
      })
      .nullable(),
    cache_hit_ratio: z.number().nullable().optional(),
    dead_tuples: z
      .array(z.object({ table: z.string(), dead: z.number(), live: z.number(), last_vacuum: z.string().nullable() }))
      .optional(),
    top_statements: z
      .array(
        z.object({ query: z.string(), calls: z.number(), total_ms: z.number(), mean_ms: z.number(), rows: z.number() }),
      )
      .nullable()
      .optional(),
    statistics_since: z.string().nullable().optional(),
    wal: z
      .object({
        bytes: z.number().nullable(),
        frames: z.number().nullable(),
        autocheckpoint_pages: z.number().nullable(),
      })
      .optional(),
    pages: z
      .object({
        size: z.number(),
        count: z.number().nullable(),
        free: z.number().nullable(),
        cache_size: z.number().nullable(),
      })
      .optional(),
    in_transaction: z.boolean().optional(),
    busy_timeout_ms: z.number().nullable().optional(),
    note: z.string().optional(),
    generated_at: z.string(),
  })
  .describe('database-scalability performance_analysis: PostgreSQL fills some fields, SQLite others.');

export const RegisteredDatabase = z
  .object({ id: z.string(), name: z.string(), location: z.string(), created_at: z.string() })
  .describe('A PostgreSQL database registered for database-scalability (GET /api/v1/databases).');
