// Notifications: per-user notification rules, stakeholders, the outbox, and a signing secret for
// webhook contact methods. Dialect-neutral: text and integer columns only.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Webhook destinations sign their bodies with it (stored as given: signing needs it).
  await db.schema.alterTable('contact_methods').addColumn('secret', 'text').execute();

  await db.schema
    .createTable('notification_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('contact_method_id', 'text', (c) => c.notNull().references('contact_methods.id'))
    .addColumn('delay_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notification_rules_user_idx')
    .on('notification_rules')
    .columns(['user_id', 'contact_method_id', 'delay_seconds'])
    .unique()
    .execute();

  await db.schema
    .createTable('stakeholders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    // ["P0", "P1"]: the severities whose communications they receive.
    .addColumn('severities', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // The outbox. A row is written in the transaction of its cause and delivered by the dispatcher;
  // its id is the idempotency id receivers see (X-Vigil-Delivery).
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('user_id', 'text')
    .addColumn('page_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending → sending (until deadline_at) → sent | failed (retried at next_attempt_at) | dead | cancelled
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('deadline_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('notifications_due_idx')
    .on('notifications')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('notifications_incident_idx')
    .on('notifications')
    .columns(['incident_id', 'id'])
    .execute();
  await db.schema
    .createIndex('notifications_destination_idx')
    .on('notifications')
    .columns(['destination', 'sent_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['notifications', 'stakeholders', 'notification_rules'])
    await db.schema.dropTable(table).execute();
  await db.schema.alterTable('contact_methods').dropColumn('secret').execute();
}
