// The interruptions query (analytics/analytics.repo.ts) reads each person's delivered page messages per
// time-zone segment: an index led by the person, covering the query (a page message's row is large). It
// replaces 023's notifications_sent_idx, led by kind and state, which only that query used. 023's
// incidents_resolved_idx goes too: it repeats incidents_resolved_at_idx, an older index on the same column.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('notifications_user_sent_idx')
    .on('notifications')
    .columns(['user_id', 'kind', 'state', 'sent_at', 'channel', 'incident_id'])
    .execute();
  await db.schema.dropIndex('notifications_sent_idx').execute();
  await db.schema.dropIndex('incidents_resolved_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('incidents_resolved_idx').on('incidents').columns(['resolved_at']).execute();
  await db.schema
    .createIndex('notifications_sent_idx')
    .on('notifications')
    .columns(['kind', 'state', 'channel', 'sent_at', 'user_id', 'incident_id'])
    .execute();
  await db.schema.dropIndex('notifications_user_sent_idx').execute();
}
