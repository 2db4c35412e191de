// Post-mortems (docs/postmortems.md): one per incident, with its sections (Markdown, each with a version so
// a stale edit is refused, never silently overwritten), the timeline entries it was prefilled with (each
// included or not, with an annotation), the owner's reminders (no meeting 24 h after resolution, not
// published 72 h after it), and the share link's token, stored only as its SHA-256 digest.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('postmortems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().unique().references('incidents.id'))
    // draft, in_review or published.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('meeting_at', 'text')
    // JSON array of user ids.
    .addColumn('attendees', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    // SHA-256 (hex) of the share link's token; null: no link.
    .addColumn('share_digest', 'text', (c) => c.unique())
    .addColumn('share_created_at', 'text')
    // {type, id, name} of who created it (the system when a resolve did).
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('postmortem_sections')
    .addColumn('postmortem_id', 'text', (c) => c.notNull().references('postmortems.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    // 1 when created; each accepted edit adds one.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('postmortem_sections_pk', ['postmortem_id', 'key'])
    .execute();

  await db.schema
    .createTable('postmortem_timeline')
    .addColumn('postmortem_id', 'text', (c) => c.notNull().references('postmortems.id'))
    // The incident's timeline entry (incident_events.id) it was prefilled from.
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('included', 'integer', (c) => c.notNull())
    .addColumn('annotation', 'text')
    .addPrimaryKeyConstraint('postmortem_timeline_pk', ['postmortem_id', 'entry_id'])
    .execute();

  await db.schema
    .createTable('postmortem_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('postmortem_id', 'text', (c) => c.notNull().references('postmortems.id'))
    // "meeting" (none set 24 h after resolution) or "publish" (not published 72 h after it).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    // pending → sent (the sweep claimed it and wrote the outbox rows) or cancelled (no longer wanted).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema
    .createIndex('postmortem_reminders_once')
    .unique()
    .on('postmortem_reminders')
    .columns(['postmortem_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('postmortem_reminders_due')
    .on('postmortem_reminders')
    .columns(['state', 'due_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('postmortem_reminders').execute();
  await db.schema.dropTable('postmortem_timeline').execute();
  await db.schema.dropTable('postmortem_sections').execute();
  await db.schema.dropTable('postmortems').execute();
}
