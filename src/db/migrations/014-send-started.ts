// When the latest send of a notification began, kept until its outcome is known. A row taken over after its
// sender was lost (lease run out, send_started_at still set) may have reached the receiver: the dispatcher
// then re-sends it under the same id, or, when its incident was answered meanwhile, records the outcome as
// unknown rather than "not sent".
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('send_started_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('send_started_at').execute();
}
