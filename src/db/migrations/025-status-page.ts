// The public status page: its settings, components (and each one's status history, which the 90-day
// uptime bars are scored from), published incidents and their updates, scheduled maintenance, and the
// people and endpoints subscribed to it. Lists of ids (a component's services, an update's component
// statuses) are JSON text: they are read whole and never queried into.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('status_settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('logo_url', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('verify_minutes', 'integer', (c) => c.notNull())
    // JSON {service_id: {after_minutes, body}}: services whose P0s are published by themselves when unanswered.
    .addColumn('auto_publish', 'text', (c) => c.notNull())
    // Random key of the confirmation and unsubscribe links' HMAC, made at first start, shared by instances.
    .addColumn('signing_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('status_components')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('group_name', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull())
    .addColumn('only_show_if_degraded', 'integer', (c) => c.notNull())
    .addColumn('service_ids', 'text', (c) => c.notNull())
    .addColumn('monitor_ids', 'text', (c) => c.notNull())
    .addColumn('status_map', 'text', (c) => c.notNull())
    // Set by hand (or by a published update's component_statuses); wins until cleared.
    .addColumn('manual_status', 'text')
    // The published incident whose update set manual_status, so resolving it clears what it set.
    .addColumn('manual_source', 'text')
    // The status last shown (written when it changes, with a history row).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('status_component_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('component_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_component_history_at')
    .on('status_component_history')
    .columns(['component_id', 'at'])
    .execute();

  await db.schema
    .createTable('status_incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One public incident per internal one.
    .addColumn('incident_id', 'text', (c) => c.notNull().unique().references('incidents.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('component_ids', 'text', (c) => c.notNull())
    .addColumn('postmortem_body', 'text')
    .addColumn('postmortem_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('monitoring_at', 'text')
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema.createIndex('status_incidents_created').on('status_incidents').column('created_at').execute();

  await db.schema
    .createTable('status_updates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status_incident_id', 'text', (c) => c.notNull().references('status_incidents.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('component_statuses', 'text', (c) => c.notNull())
    .addColumn('notified', 'integer', (c) => c.notNull())
    // {type, id, name} of who published it.
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_updates_incident')
    .on('status_updates')
    .columns(['status_incident_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('status_maintenances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('component_ids', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // When a responder completed it early (or cancelled it); the engine completes it otherwise.
    .addColumn('completed_at', 'text')
    // JSON ids of the maintenance windows it opened on services.
    .addColumn('window_ids', 'text', (c) => c.notNull())
    .addColumn('notify', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_maintenances_state')
    .on('status_maintenances')
    .columns(['state', 'starts_at'])
    .execute();

  await db.schema
    .createTable('status_subscribers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // email | webhook
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    // A webhook's signing secret (as stakeholders' webhook secrets are kept: it must be read to sign).
    .addColumn('secret', 'text')
    // JSON ids, or null for every component.
    .addColumn('component_ids', 'text')
    // pending (e-mail not confirmed yet) | confirmed
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('confirm_sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('status_subscribers_address')
    .unique()
    .on('status_subscribers')
    .columns(['kind', 'address'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'status_subscribers',
    'status_maintenances',
    'status_updates',
    'status_incidents',
    'status_component_history',
    'status_components',
    'status_settings',
  ])
    await db.schema.dropTable(table).execute();
}
