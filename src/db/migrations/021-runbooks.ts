// Runbooks and incidents' checklists. A runbook is one row whose steps are a JSON list (edited as a whole);
// the default one (is_default 1, written at first start by the checklists feature, not here) applies to any
// incident no other runbook is assigned to. When an incident opens, its checklist is fixed: a row naming the
// runbook it was copied from and one row per step, copied, so editing the runbook later rewrites no history.
// A step is done by hand (done_by) or by its auto-complete event (done_event); auto_completed_at stays once
// set, so each step completes itself at most once even after someone unticks it. A step waiting for the end
// of the enhanced-monitoring window carries when that window ends (window_ends_at), for the engine's sweep.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('runbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON lists; empty: not narrowed by that attribute (see checklists/runbook.ts for the rule).
    .addColumn('service_ids', 'text', (c) => c.notNull())
    .addColumn('severities', 'text', (c) => c.notNull())
    // JSON list of {phase, text, link, call, auto_complete_on}.
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('checklists')
    .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id'))
    // No foreign key: a runbook may be deleted later; its copy here stays.
    .addColumn('runbook_id', 'text', (c) => c.notNull())
    .addColumn('runbook_name', 'text', (c) => c.notNull())
    .addColumn('fixed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('checklist_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    // JSON {function, action} of a seed function, or null.
    .addColumn('call', 'text')
    .addColumn('auto_complete_on', 'text')
    .addColumn('done_at', 'text')
    // JSON {type, id, name} of who ticked it by hand; null when undone or done by its event.
    .addColumn('done_by', 'text')
    .addColumn('done_event', 'text')
    .addColumn('auto_completed_at', 'text')
    // For a step waiting for monitoring.enhanced_window_ended: when its incident's window ends (set on
    // resolve, cleared on reopen); the sweep takes the steps whose time has come.
    .addColumn('window_ends_at', 'text')
    .execute();
  await db.schema
    .createIndex('checklist_steps_incident')
    .on('checklist_steps')
    .columns(['incident_id', 'position'])
    .execute();
  await db.schema.createIndex('checklist_steps_window').on('checklist_steps').column('window_ends_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('checklist_steps').execute();
  await db.schema.dropTable('checklists').execute();
  await db.schema.dropTable('runbooks').execute();
}
