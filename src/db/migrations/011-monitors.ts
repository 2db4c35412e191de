// Monitors (HTTP, TCP, PostgreSQL, auth issuer and heartbeat checks), their raw samples (kept seven
// days) and per-minute aggregates with a fixed log-spaced latency histogram (kept after that).
import type { Kysely } from 'kysely';

/** How many histogram buckets a minute row carries (h00 … h31); monitors/histogram.ts defines their bounds. */
export const HISTOGRAM_BUCKETS = 32;

export const bucketColumn = (i: number): string => `h${String(i).padStart(2, '0')}`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // http | tcp | postgres | heartbeat | auth
    .addColumn('kind', 'text', (c) => c.notNull())
    // URL, host:port, or (postgres) host:port/database without credentials; the full string is sealed.
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('target_sealed', 'text')
    // auth monitors: a login endpoint tried after the JWKS, and the JSON credentials it is sent (sealed).
    .addColumn('login_url', 'text')
    .addColumn('login_body_sealed', 'text')
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('expect_status', 'integer')
    .addColumn('expect_keyword', 'text')
    .addColumn('method', 'text')
    // JSON object of header name → value.
    .addColumn('headers', 'text')
    .addColumn('failures_before_down', 'integer', (c) => c.notNull())
    .addColumn('period_seconds', 'integer')
    .addColumn('grace_seconds', 'integer')
    .addColumn('heartbeat_digest', 'text', (c) => c.unique())
    .addColumn('last_beat_at', 'text')
    // up | down | pending
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
    .addColumn('last_check_at', 'text')
    .addColumn('last_ok_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_latency_ms', 'integer')
    .addColumn('next_check_at', 'text', (c) => c.notNull())
    .addColumn('enhanced_until', 'text')
    .addColumn('tls_expires_at', 'text')
    // Set while the "certificate expires soon" warning is open.
    .addColumn('tls_warned_at', 'text')
    // Alerts of state changes are sent after the change commits: alert_seq counts the changes,
    // alert_sent_seq the last one whose alerts ingestion took; a gap (a crash between the two) is re-sent.
    .addColumn('alert_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('alert_sent_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paused', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('monitors_service_name_key', ['service_id', 'name'])
    .execute();
  await db.schema.createIndex('monitors_due_idx').on('monitors').columns(['paused', 'next_check_at']).execute();

  await db.schema
    .createTable('monitor_samples')
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'integer')
    // The histogram bucket of latency_ms (null without a latency), so roll-ups need no logarithms in SQL.
    .addColumn('bucket', 'integer')
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('monitor_samples_monitor_at_idx')
    .on('monitor_samples')
    .columns(['monitor_id', 'at'])
    .execute();
  await db.schema.createIndex('monitor_samples_at_idx').on('monitor_samples').columns(['at']).execute();

  let minutes = db.schema
    .createTable('monitor_minutes')
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('minute', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull());
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++)
    minutes = minutes.addColumn(bucketColumn(i), 'integer', (c) => c.notNull().defaultTo(0));
  await minutes.addPrimaryKeyConstraint('monitor_minutes_pkey', ['monitor_id', 'minute']).execute();
  await db.schema.createIndex('monitor_minutes_minute_idx').on('monitor_minutes').columns(['minute']).execute();

  // Enhanced monitoring looks for incidents resolved in the last 24 hours.
  await db.schema.createIndex('incidents_resolved_at_idx').on('incidents').columns(['resolved_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('incidents_resolved_at_idx').execute();
  await db.schema.dropTable('monitor_minutes').execute();
  await db.schema.dropTable('monitor_samples').execute();
  await db.schema.dropTable('monitors').execute();
}
