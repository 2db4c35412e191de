// Error tracking (Sentry-compatible): one project per service (its numeric id and public key make the
// DSN), error groups by fingerprint, each group's latest events (trimmed), the distinct users a group
// reached, and per-minute event counts for rates and spikes.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('error_projects')
    // Numeric, because Sentry SDKs refuse a DSN whose project id is not a number.
    .addColumn('project_id', 'integer', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().unique().references('services.id').onDelete('cascade'))
    // Public by design (Sentry embeds it in browser bundles): it only lets a client send events.
    .addColumn('public_key', 'text', (c) => c.notNull().unique())
    .addColumn('spike_threshold_per_min', 'integer', (c) => c.notNull())
    // 1 while an errors:spike alert is open for the service.
    .addColumn('spike_open', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('error_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('environment', 'text', (c) => c.notNull())
    // sha-256 hex of the grouping components (errors/fingerprint.ts)
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('type', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('culprit', 'text')
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    // unresolved | resolved
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('regressed_at', 'text')
    .addColumn('last_message', 'text')
    // new | regressed while its alert still has to be handed to ingestion; null once it was.
    .addColumn('alert_due', 'text')
    .execute();
  await db.schema
    .createIndex('error_groups_key_idx')
    .on('error_groups')
    .columns(['service_id', 'environment', 'fingerprint'])
    .unique()
    .execute();
  await db.schema.createIndex('error_groups_last_seen_idx').on('error_groups').columns(['last_seen']).execute();
  await db.schema.createIndex('error_groups_first_seen_idx').on('error_groups').columns(['first_seen']).execute();

  await db.schema
    .createTable('error_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('error_groups.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('release', 'text')
    .addColumn('user_key', 'text')
    // The event as stored: exception, tags, user, request, contexts (bounded in size).
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('error_events_group_idx').on('error_events').columns(['group_id', 'id']).execute();

  await db.schema
    .createTable('error_group_users')
    .addColumn('group_id', 'text', (c) => c.notNull().references('error_groups.id').onDelete('cascade'))
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('error_group_users_pk', ['group_id', 'user_key'])
    .execute();

  await db.schema
    .createTable('error_minutes')
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('error_groups.id').onDelete('cascade'))
    // The minute's start, ISO 8601 UTC.
    .addColumn('minute', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('error_minutes_pk', ['group_id', 'minute'])
    .execute();
  await db.schema
    .createIndex('error_minutes_service_idx')
    .on('error_minutes')
    .columns(['service_id', 'minute'])
    .execute();
  await db.schema.createIndex('error_minutes_minute_idx').on('error_minutes').columns(['minute']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['error_minutes', 'error_group_users', 'error_events', 'error_groups', 'error_projects'])
    await db.schema.dropTable(table).execute();
}
