// Mitigation actions: their definitions, the runners that run commands, each invocation (with a frozen
// copy of its definition and its lease while a runner holds it), and the output it printed. Parameter
// lists, targets and frozen copies are JSON text: read whole, never queried into.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('action_definitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('service_ids', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    // Header values named in secret_headers are sealed ("v1:…") inside it.
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'text', (c) => c.notNull())
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('approval', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('action_runners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('token_digest', 'text', (c) => c.notNull().unique())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('hostname', 'text')
    .addColumn('commands', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('action_invocations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text')
    .addColumn('definition_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // Null for an HTTP target (Vigil runs it); the runner group otherwise.
    .addColumn('runner_group', 'text')
    .addColumn('approval_required', 'integer', (c) => c.notNull())
    .addColumn('approval_expires_at', 'text')
    .addColumn('invoked_by', 'text', (c) => c.notNull())
    .addColumn('invoker_id', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    // Who holds it while running: a runner's id, or "vigil:<instance>" for an HTTP target.
    .addColumn('holder', 'text')
    .addColumn('holder_name', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull())
    .addColumn('queued_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('exit_code', 'integer')
    .addColumn('signal', 'text')
    .addColumn('http_status', 'integer')
    .addColumn('output_bytes', 'integer', (c) => c.notNull())
    .addColumn('output_seq', 'integer', (c) => c.notNull())
    .addColumn('output_truncated', 'integer', (c) => c.notNull())
    .addColumn('maintenance_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('action_invocations_queue')
    .on('action_invocations')
    .columns(['state', 'runner_group', 'queued_at'])
    .execute();
  await db.schema
    .createIndex('action_invocations_incident')
    .on('action_invocations')
    .columns(['incident_id', 'id'])
    .execute();
  await db.schema
    .createIndex('action_invocations_service')
    .on('action_invocations')
    .columns(['service_id', 'id'])
    .execute();

  await db.schema
    .createTable('action_output')
    .addColumn('invocation_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('action_output_pk', ['invocation_id', 'seq'])
    .execute();

  // A checklist step may name the action it runs (copied from its runbook step when the incident opens).
  await db.schema.alterTable('checklist_steps').addColumn('action', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('checklist_steps').dropColumn('action').execute();
  for (const table of ['action_output', 'action_invocations', 'action_runners', 'action_definitions'])
    await db.schema.dropTable(table).execute();
}
