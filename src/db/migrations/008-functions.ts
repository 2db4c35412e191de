// The function log: every call of a runbook function (production-monitoring, database-scalability, …)
// with who called it, how long it took and how it ended; and the automatic diagnostics of new incidents.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('function_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('function', 'text', (c) => c.notNull())
    .addColumn('action', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    // ok | error
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  // The diagnostics sweep looks for recent P0/P1 incidents only.
  await db.schema
    .createIndex('incidents_severity_created_idx')
    .on('incidents')
    .columns(['severity', 'created_at'])
    .execute();
  // acknowledge_alert takes a dedup key without its service.
  await db.schema.createIndex('alerts_dedup_key_idx').on('alerts').column('dedup_key').execute();
  await db.schema.createIndex('function_log_function_idx').on('function_log').columns(['function', 'id']).execute();

  // The automatic diagnostics of a new P0/P1 incident: claimed by one instance, finished once recorded.
  await db.schema
    .createTable('incident_diagnostics')
    .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id'))
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('incident_diagnostics').execute();
  await db.schema.dropIndex('alerts_dedup_key_idx').execute();
  await db.schema.dropIndex('incidents_severity_created_idx').execute();
  await db.schema.dropTable('function_log').execute();
}
