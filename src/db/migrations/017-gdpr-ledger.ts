// The GDPR consent ledger (issue 20, part "ledger"): purposes (Art. 30 records of processing) with the
// history of their policy versions; the append-only, hash-chained consent events; the current state of
// each subject and purpose (so a status read is one indexed query); counters of those states per
// purpose, policy version and decision (so coverage is a handful of rows, whatever the ledger's size);
// the chain's head; erasures; the results of chain checks; and the ledger's one secret (the key of the
// subject pseudonyms), generated once and shared by every instance through the database.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect-of.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gdpr_purposes')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lawful_basis', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    // JSON arrays of strings.
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('subject_categories', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    // Where to and under which safeguard; null = no transfer outside the EEA.
    .addColumn('transfers_outside_eea', 'text')
    .addColumn('retention_days', 'integer')
    .addColumn('security_measures', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('gdpr_purpose_versions')
    .addColumn('purpose', 'text', (c) => c.notNull().references('gdpr_purposes.key').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('gdpr_purpose_versions_pk', ['purpose', 'version'])
    .execute();

  await db.schema
    .createTable('gdpr_consent_events')
    // 1, 2, 3 … with no gaps: the chain's order.
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    // The client's idempotency key.
    .addColumn('id', 'text', (c) => c.notNull().unique())
    // HMAC-SHA256(ledger key, subject id), first 128 bits in hex: what the hash covers and what lookups use.
    .addColumn('subject_key', 'text', (c) => c.notNull())
    // The plain subject id, outside the hash; replaced by "erased:<subject_key>" when the subject is erased.
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    // The proof as canonical JSON (RFC 8785).
    .addColumn('proof', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('gdpr_consent_events_subject_idx')
    .on('gdpr_consent_events')
    .columns(['subject_key', 'seq'])
    .execute();

  await db.schema
    .createTable('gdpr_consent_state')
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('gdpr_consent_state_pk', ['subject_key', 'purpose'])
    // SQLite: the rows live in the primary key's own b-tree, so an append touches one random page per
    // subject instead of two (the table and its key).
    .$call((t) => (dialectOf(db) === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
    .execute();

  await db.schema
    .createTable('gdpr_consent_counts')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('gdpr_consent_counts_pk', ['purpose', 'policy_version', 'decision'])
    .execute();

  // One row (id 1): the chain's head and the counts a report needs without scanning the ledger.
  await db.schema
    .createTable('gdpr_ledger_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('head_hash', 'text', (c) => c.notNull())
    // Subjects with a current decision on some purpose (erased subjects leave it).
    .addColumn('subjects', 'integer', (c) => c.notNull())
    .addColumn('newest_event_at', 'text')
    .execute();

  await db.schema
    .createTable('gdpr_erasures')
    .addColumn('subject_key', 'text', (c) => c.primaryKey())
    .addColumn('erased_at', 'text', (c) => c.notNull())
    .addColumn('erased_by', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('gdpr_ledger_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('verified_up_to', 'integer', (c) => c.notNull())
    .addColumn('broken_seq', 'integer')
    .addColumn('broken_id', 'text')
    .addColumn('broken_reason', 'text')
    .addColumn('head_hash', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('checked_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('gdpr_ledger_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    // 32 random bytes, base64.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'gdpr_ledger_keys',
    'gdpr_ledger_checks',
    'gdpr_erasures',
    'gdpr_ledger_head',
    'gdpr_consent_counts',
    'gdpr_consent_state',
    'gdpr_consent_events',
    'gdpr_purpose_versions',
    'gdpr_purposes',
  ])
    await db.schema.dropTable(table).execute();
}
