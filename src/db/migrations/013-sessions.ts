// Sign-in: a password digest (argon2id) per person and browser sessions. A session row holds the
// digest of its secret, never the secret, which lives only in the vigil_session cookie.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('password_digest', 'text').execute();
  await db.schema.alterTable('users').addColumn('password_changed_at', 'text').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // sha-256 hex of the cookie secret (256 random bits, so a fast digest is enough).
    .addColumn('digest', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    // The API token signed in with, if any: revoking it ends the session.
    .addColumn('token_id', 'text', (c) => c.references('api_tokens.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    // The absolute end (created + 7 days); the idle end (last seen + 12 h) is computed.
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
  await db.schema.alterTable('users').dropColumn('password_changed_at').execute();
  await db.schema.alterTable('users').dropColumn('password_digest').execute();
}
