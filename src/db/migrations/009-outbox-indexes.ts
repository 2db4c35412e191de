// Indexes for the dispatcher's queries on a long outbox: leases that ran out, the due pages of one
// destination (bundled into one message), and when a destination was last sent a page (the throttle).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('notifications_lease_idx')
    .on('notifications')
    .columns(['state', 'deadline_at'])
    .execute();
  await db.schema
    .createIndex('notifications_destination_due_idx')
    .on('notifications')
    .columns(['destination', 'state', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('notifications_destination_sent_idx')
    .on('notifications')
    .columns(['destination', 'kind', 'state', 'sent_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('notifications_destination_sent_idx').execute();
  await db.schema.dropIndex('notifications_destination_due_idx').execute();
  await db.schema.dropIndex('notifications_lease_idx').execute();
}
