// Admin-edited notification templates, and the due time of each incident's next status update (swept
// by the engine for overdue reminders). Dialect-neutral: text and integer columns only.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per customised template; a key without a row uses the seed runbook's text.
  await db.schema
    .createTable('templates')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // The admin's handle, as the audit log names them.
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  // When the incident's next status update is due (null: none is), and from what: "opened" and
  // "reopened" count a severity's cadence from that time, "update" is what the last status update
  // announced. A reminder claims its due time with a conditional update and moves it on.
  await db.schema
    .createTable('update_schedule')
    .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id'))
    .addColumn('due_at', 'text')
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('basis_at', 'text', (c) => c.notNull())
    .addColumn('reminders', 'integer', (c) => c.notNull())
    .addColumn('reminded_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('update_schedule_due_idx').on('update_schedule').column('due_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('update_schedule').execute();
  await db.schema.dropTable('templates').execute();
}
