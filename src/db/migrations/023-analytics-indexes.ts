// Indexes for the analytics queries over a year of history (analytics/analytics.repo.ts): an incident's
// first acknowledgement or response from its timeline, incidents resolved in a range, pages paged in a range,
// and page messages delivered in a range; the last two cover their queries (no row is read), since a page
// message's row is large (body, payload) and a year holds hundreds of thousands of them.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('incident_events_kind_idx')
    .on('incident_events')
    .columns(['kind', 'incident_id', 'at'])
    .execute();
  await db.schema.createIndex('incidents_resolved_idx').on('incidents').columns(['resolved_at']).execute();
  await db.schema.createIndex('pages_at_idx').on('pages').columns(['at', 'user_id', 'incident_id']).execute();
  await db.schema
    .createIndex('notifications_sent_idx')
    .on('notifications')
    .columns(['kind', 'state', 'channel', 'sent_at', 'user_id', 'incident_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['notifications_sent_idx', 'pages_at_idx', 'incidents_resolved_idx', 'incident_events_kind_idx'])
    await db.schema.dropIndex(index).execute();
}
