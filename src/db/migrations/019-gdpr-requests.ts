// Data-subject requests (GDPR Arts. 15–21) with their Art. 12(3) deadline: one row each, moved
// open → extended → completed | refused. Their reminders are rows of the GDPR reminders table.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gdpr_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('extended_at', 'text')
    .addColumn('extension_reason', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('refused_at', 'text')
    .addColumn('refused_reason', 'text')
    .addColumn('note', 'text')
    // {type, id, name} of who recorded it.
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gdpr_requests_state_due').on('gdpr_requests').columns(['state', 'due_at']).execute();
  await db.schema.createIndex('gdpr_requests_subject').on('gdpr_requests').columns(['subject_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('gdpr_requests').execute();
}
