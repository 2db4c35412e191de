// The audit log is append-only in the database itself, not just by convention: updates and deletes fail.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect-of.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log ` +
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log ' +
        'FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await sql.raw('DROP TRIGGER audit_log_no_update').execute(db);
    await sql.raw('DROP TRIGGER audit_log_no_delete').execute(db);
    return;
  }
  await sql.raw('DROP TRIGGER audit_log_append_only ON audit_log').execute(db);
  await sql.raw('DROP FUNCTION audit_log_append_only()').execute(db);
}
