// Alert ingestion: alerts deduplicated per (service, dedup key) while open, their events, change
// events, per-service ingestion settings, and where an incident came from.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('incidents').addColumn('group_key', 'text').execute();
  await db.schema.alterTable('incidents').addColumn('classified_by', 'text').execute();
  // created_at last, so "newest open incident of this group" is one index range, not a scan of the service.
  await db.schema
    .createIndex('incidents_group_idx')
    .on('incidents')
    .columns(['service_id', 'group_key', 'created_at'])
    .execute();

  // Ingestion settings per service: classification rules (JSON), grouping window, optional rate limit.
  await db.schema.alterTable('services').addColumn('rules', 'text').execute();
  await db.schema.alterTable('services').addColumn('grouping_window_s', 'integer').execute();
  await db.schema.alterTable('services').addColumn('rate_limit_per_min', 'integer').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    // Equals dedup_key while the alert is open and is NULL once resolved: the unique index below then
    // allows one open alert per key and any number of closed ones, on both dialects.
    .addColumn('open_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('classified_as', 'text')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text')
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema
    .createIndex('alerts_open_key_idx')
    .on('alerts')
    .columns(['service_id', 'open_key'])
    .unique()
    .execute();
  await db.schema.createIndex('alerts_incident_idx').on('alerts').columns(['incident_id']).execute();
  await db.schema.createIndex('alerts_service_idx').on('alerts').columns(['service_id', 'id']).execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_events_alert_idx').on('alert_events').columns(['alert_id', 'id']).execute();

  await db.schema
    .createTable('change_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('change_events_service_idx')
    .on('change_events')
    .columns(['service_id', 'timestamp'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['change_events', 'alert_events', 'alerts']) await db.schema.dropTable(table).execute();
  await db.schema.dropIndex('incidents_group_idx').execute();
  for (const column of ['rules', 'grouping_window_s', 'rate_limit_per_min'])
    await db.schema.alterTable('services').dropColumn(column).execute();
  for (const column of ['group_key', 'classified_by'])
    await db.schema.alterTable('incidents').dropColumn(column).execute();
}
