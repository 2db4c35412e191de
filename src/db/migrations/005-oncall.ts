// On-call: people's time zones and contact methods, teams, schedules (layers as JSON, overrides and
// temporary fixed schedules as rows), iCal feed tokens, escalation policies, maintenance windows,
// each incident's escalation state, and the pages (notification intents) the engine writes.
// Dialect-neutral: text and integer columns only; times are ISO text as everywhere.
import { sql, type Kysely } from 'kysely';

/**
 * The runbook's chain as this migration first wrote it. A migration keeps its own copy rather than
 * importing the escalation feature: it must write the same rows whatever the feature becomes later.
 * The id is the one escalation/policy.ts knows as SEED_POLICY_ID.
 */
const SEED_POLICY = { id: 'pol_seed', name: 'Seed escalation chain' };
const SEED_LEVELS = [
  { name: 'on-call engineer', delay_seconds: 0, targets: [] },
  { name: 'technical lead', delay_seconds: 15 * 60, targets: [] },
  { name: 'engineering manager', delay_seconds: 30 * 60, targets: [] },
  { name: 'CTO / VP engineering', delay_seconds: 60 * 60, targets: [] },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .execute();

  await db.schema
    .createTable('contact_methods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_methods_user_idx')
    .on('contact_methods')
    .columns(['user_id', 'kind', 'address'])
    .unique()
    .execute();

  await db.schema
    .createTable('escalation_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('escalate_while', 'text', (c) => c.notNull())
    .addColumn('repeat', 'integer', (c) => c.notNull())
    // [{name, delay_seconds, targets: [{type, id}]}], in order.
    .addColumn('levels', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The runbook's chain exists from the first start (its levels get their targets from an admin).
  const now = new Date().toISOString();
  const levels = JSON.stringify(SEED_LEVELS);
  const description =
    'The runbook’s chain: on-call engineer (0–15 min), technical lead (15–30), engineering manager (30–60), ' +
    'CTO / VP engineering (60+). Give each level its targets.';
  await sql`insert into escalation_policies
    (id, name, description, escalate_while, repeat, levels, created_at, updated_at)
    values (${SEED_POLICY.id}, ${SEED_POLICY.name}, ${description}, 'unresolved', 0, ${levels},
            ${now}, ${now})`.execute(db);

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('default_policy_id', 'text', (c) => c.references('escalation_policies.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('timezone', 'text', (c) => c.notNull())
    // [{name, rotation: {kind, shift_seconds, handoff_at, participants}, restrictions}], lowest first.
    .addColumn('layers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('schedule_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('schedules.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('replaces_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('start_at', 'text', (c) => c.notNull())
    .addColumn('end_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('schedule_overrides_idx')
    .on('schedule_overrides')
    .columns(['schedule_id', 'end_at'])
    .execute();
  await db.schema
    .createTable('schedule_fixed')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('schedules.id'))
    .addColumn('start_at', 'text', (c) => c.notNull())
    .addColumn('end_at', 'text', (c) => c.notNull())
    // [{user_id, start, end}]
    .addColumn('shifts', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('schedule_fixed_idx').on('schedule_fixed').columns(['schedule_id', 'end_at']).execute();

  await db.schema
    .createTable('ical_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('digest', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .alterTable('services')
    .addColumn('escalation_policy_id', 'text', (c) => c.references('escalation_policies.id'))
    .execute();
  // {"P0": "<policy id>", …}: a severity's own policy instead of the service's.
  await db.schema.alterTable('services').addColumn('severity_policies', 'text').execute();

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('start_at', 'text', (c) => c.notNull())
    .addColumn('end_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('maintenance_windows_idx')
    .on('maintenance_windows')
    .columns(['service_id', 'end_at'])
    .execute();

  // One row per incident that has (or had) an escalation. `next_escalation_at` is null once it stopped.
  await db.schema
    .createTable('escalations')
    .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id'))
    .addColumn('policy_id', 'text', (c) => c.notNull().references('escalation_policies.id'))
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('loop', 'integer', (c) => c.notNull())
    // 0 for the incident's first escalation, one more each time a reopening starts it over.
    .addColumn('run', 'integer', (c) => c.notNull().defaultTo(0))
    // Levels' delays count from here: the incident's creation, or its reopening.
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('next_escalation_at', 'text')
    .addColumn('stopped_at', 'text')
    .addColumn('stop_reason', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('escalations_due_idx').on('escalations').column('next_escalation_at').execute();

  // Notification intents. The unique key makes a level's page to a person exactly-once even if two
  // engines ever raced past their locks; `run` tells a reopened incident's pages from the first ones.
  await db.schema
    .createTable('pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('run', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('loop', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pages_once_idx')
    .on('pages')
    .columns(['incident_id', 'run', 'loop', 'level', 'user_id'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'pages',
    'escalations',
    'maintenance_windows',
    'ical_tokens',
    'schedule_fixed',
    'schedule_overrides',
    'schedules',
    'team_members',
    'teams',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('services').dropColumn('severity_policies').execute();
  await db.schema.alterTable('services').dropColumn('escalation_policy_id').execute();
  await db.schema.dropTable('escalation_policies').execute();
  await db.schema.dropTable('contact_methods').execute();
  await db.schema.alterTable('users').dropColumn('timezone').execute();
}
