// The `privacy` flag on a person: a responder with it may read and change the GDPR module's personal
// data (consent events, subject ids, breach records, data-subject requests); without it a responder or
// viewer sees counts only. Admins always may. 0/1 rather than a boolean so both dialects read the same.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('privacy', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('privacy').execute();
}
