// The GDPR breach register (Art. 33/34): breaches with their 72-hour clock, each report made to the
// supervisory authority, each breach's own history, the module's settings (controller, DPO, authority),
// a generic table of due reminders (breaches here; data-subject requests use it too), and the topics
// a stakeholder hears about (["gdpr"]). Dialect-neutral: text and integer columns, JSON as text.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Stakeholders told about a subject beyond incident severities: ["gdpr"] hears of personal-data breaches.
  await db.schema
    .alterTable('stakeholders')
    .addColumn('topics', 'text', (c) => c.notNull().defaultTo(sql`'[]'`))
    .execute();

  // Breach numbers per UTC day, like incident_counters.
  await db.schema
    .createTable('gdpr_breach_counters')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('last', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('gdpr_breaches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    // The incident it was opened for (or linked to); a deleted incident leaves the breach documented.
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    // When the controller became aware; the Art. 33(1) deadline is aware_at + 72 h.
    .addColumn('aware_at', 'text', (c) => c.notNull())
    .addColumn('deadline_at', 'text', (c) => c.notNull())
    // assessing | notified | not_notifiable | closed
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nature', 'text')
    // JSON array of strings
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('subjects_approx', 'integer')
    .addColumn('records_approx', 'integer')
    .addColumn('likely_consequences', 'text')
    .addColumn('measures_taken', 'text')
    // unlikely | risk | high_risk
    .addColumn('risk', 'text', (c) => c.notNull())
    .addColumn('not_notifiable_reason', 'text')
    // 1 when the first report to the authority came after the deadline.
    .addColumn('reported_late', 'integer', (c) => c.notNull().defaultTo(0))
    // Set once by the clock's sweep when the deadline passed with nothing reported or decided.
    .addColumn('overdue_at', 'text')
    // JSON: the Art. 34 decision on informing data subjects, or null.
    .addColumn('subjects_decision', 'text')
    // manual | incident (flagged on an incident) | classification (opened by an alert's category)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('close_reason', 'text')
    .execute();
  await db.schema.createIndex('gdpr_breaches_created_idx').on('gdpr_breaches').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('gdpr_breaches_incident_idx').on('gdpr_breaches').columns(['incident_id']).execute();
  await db.schema
    .createIndex('gdpr_breaches_state_idx')
    .on('gdpr_breaches')
    .columns(['state', 'deadline_at'])
    .execute();

  // Each report to the supervisory authority (Art. 33(4) allows them in phases).
  await db.schema
    .createTable('gdpr_breach_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('breach_id', 'text', (c) => c.notNull().references('gdpr_breaches.id').onDelete('cascade'))
    // initial | supplementary
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('authority', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('delay_reason', 'text')
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('gdpr_breach_reports_breach_idx')
    .on('gdpr_breach_reports')
    .columns(['breach_id', 'reported_at'])
    .execute();

  // The breach's own history (Art. 33(5): every breach documented, reported or not).
  await db.schema
    .createTable('gdpr_breach_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('breach_id', 'text', (c) => c.notNull().references('gdpr_breaches.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('gdpr_breach_events_breach_idx')
    .on('gdpr_breach_events')
    .columns(['breach_id', 'id'])
    .execute();

  // Due reminders of the GDPR module, swept by the engine ('gdpr-clock'): subject_type breach |
  // request, kind e.g. "24h" or "overdue"; pending → sent | cancelled. One row per subject and kind.
  await db.schema
    .createTable('gdpr_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema
    .createIndex('gdpr_reminders_subject_idx')
    .on('gdpr_reminders')
    .columns(['subject_type', 'subject_id', 'kind'])
    .unique()
    .execute();
  await db.schema.createIndex('gdpr_reminders_due_idx').on('gdpr_reminders').columns(['state', 'due_at']).execute();

  // One row (id 1): who the controller is, its DPO, and the supervisory authority.
  await db.schema
    .createTable('gdpr_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('controller_name', 'text')
    .addColumn('dpo_name', 'text')
    .addColumn('dpo_email', 'text')
    .addColumn('dpo_phone', 'text')
    .addColumn('authority_name', 'text')
    .addColumn('updated_at', 'text')
    .addColumn('updated_by', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'gdpr_settings',
    'gdpr_reminders',
    'gdpr_breach_events',
    'gdpr_breach_reports',
    'gdpr_breaches',
    'gdpr_breach_counters',
  ])
    await db.schema.dropTable(table).execute();
  await db.schema.alterTable('stakeholders').dropColumn('topics').execute();
}
