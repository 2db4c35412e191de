// Grafana webhook signatures per service: the shared HMAC secret, the signature header's name and an
// optional timestamp header. Dialect-neutral: text columns only.
//
// The secret is stored as given because verifying an HMAC needs it in the clear (unlike integration
// keys and tokens, which are stored as digests). Encrypting it at rest with a key from the config is
// future work.
import type { Kysely } from 'kysely';

const COLUMNS = ['grafana_secret', 'grafana_signature_header', 'grafana_timestamp_header'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('services').addColumn(column, 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('services').dropColumn(column).execute();
}
