// Follow-ups: the action items after an incident, one row each, changed in place (their history is the
// audit log and the incident's timeline), and their reminders to the owner: one row per reminder kind and
// owner-local day, pending until the engine's follow-up-reminders sweep claims it (→ sent) or the
// follow-up leaves "outstanding" or moves (→ cancelled).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('follow_ups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    // No foreign key: there is no post-mortem table yet. It is linked when post-mortems exist.
    .addColumn('postmortem_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('external_url', 'text')
    .addColumn('completed_at', 'text')
    // {type, id, name} of who added it.
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('follow_ups_incident').on('follow_ups').columns(['incident_id', 'id']).execute();
  await db.schema.createIndex('follow_ups_owner').on('follow_ups').columns(['owner_id', 'id']).execute();
  await db.schema.createIndex('follow_ups_status_due').on('follow_ups').columns(['status', 'due_at']).execute();

  await db.schema
    .createTable('follow_up_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('follow_up_id', 'text', (c) => c.notNull().references('follow_ups.id'))
    // "day_before" or "due_day".
    .addColumn('kind', 'text', (c) => c.notNull())
    // The owner-local calendar day the reminder is for (YYYY-MM-DD): a follow-up moved to another day gets
    // new reminders, one moved back keeps the one already sent.
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema
    .createIndex('follow_up_reminders_once')
    .unique()
    .on('follow_up_reminders')
    .columns(['follow_up_id', 'kind', 'day'])
    .execute();
  await db.schema
    .createIndex('follow_up_reminders_due')
    .on('follow_up_reminders')
    .columns(['state', 'due_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('follow_up_reminders').execute();
  await db.schema.dropTable('follow_ups').execute();
}
