// Storage of the breach register: breaches, their reports to the authority, their own history, the
// per-day numbering, and the module's settings. Snake_case stays in here.
import type { Db } from '../db/database.js';
import type {
  GdprBreachEventsTable,
  GdprBreachReportsTable,
  GdprBreachesTable,
  GdprSettingsTable,
} from '../db/schema.js';
import type { BreachState, Exemption, ReportKind, Risk, SubjectsDecision } from './breach.js';

export interface Breach {
  id: string;
  number: string;
  incidentId: string | null;
  title: string;
  awareAt: Date;
  deadlineAt: Date;
  state: BreachState;
  nature: string | null;
  dataCategories: string[];
  subjectsApprox: number | null;
  recordsApprox: number | null;
  likelyConsequences: string | null;
  measuresTaken: string | null;
  risk: Risk;
  notNotifiableReason: string | null;
  reportedLate: boolean;
  /** When the clock's sweep flagged it overdue (null: never). */
  overdueAt: Date | null;
  subjectsDecision: SubjectsDecision | null;
  /** manual | incident (flagged on an incident) | classification (its incident's alert named the category). */
  source: string;
  openedBy: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
}

/** A breach with what its view shows besides the row: its reports and its incident's number and title. */
export interface BreachDetail {
  breach: Breach;
  reports: AuthorityReport[];
  incident: { id: string; number: string; title: string } | null;
}

export interface AuthorityReport {
  id: string;
  breachId: string;
  kind: ReportKind;
  authority: string;
  reference: string | null;
  reportedAt: Date;
  delayReason: string | null;
  note: string | null;
  recordedBy: string;
  createdAt: Date;
}

export interface BreachEvent {
  id: string;
  breachId: string;
  at: Date;
  kind: string;
  actor: { type: string; id: string | null; name: string };
  data: Record<string, unknown>;
}

export interface GdprSettings {
  controllerName: string | null;
  dpoName: string | null;
  dpoEmail: string | null;
  dpoPhone: string | null;
  authorityName: string | null;
  updatedAt: Date | null;
  updatedBy: string | null;
}

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

interface StoredDecision {
  decision: 'communicated' | 'exempt';
  communicated_at: string | null;
  channel: string | null;
  exemption: Exemption | null;
  reason: string | null;
  decided_by: string;
  decided_at: string;
}

function toDecision(text: string | null): SubjectsDecision | null {
  if (!text) return null;
  const d = JSON.parse(text) as StoredDecision;
  return {
    decision: d.decision,
    communicatedAt: date(d.communicated_at),
    channel: d.channel,
    exemption: d.exemption,
    reason: d.reason,
    decidedBy: d.decided_by,
    decidedAt: new Date(d.decided_at),
  };
}

function fromDecision(d: SubjectsDecision | null): string | null {
  if (!d) return null;
  const stored: StoredDecision = {
    decision: d.decision,
    communicated_at: d.communicatedAt?.toISOString() ?? null,
    channel: d.channel,
    exemption: d.exemption,
    reason: d.reason,
    decided_by: d.decidedBy,
    decided_at: d.decidedAt.toISOString(),
  };
  return JSON.stringify(stored);
}

function toBreach(r: GdprBreachesTable): Breach {
  return {
    id: r.id,
    number: r.number,
    incidentId: r.incident_id,
    title: r.title,
    awareAt: new Date(r.aware_at),
    deadlineAt: new Date(r.deadline_at),
    state: r.state as BreachState,
    nature: r.nature,
    dataCategories: JSON.parse(r.data_categories) as string[],
    subjectsApprox: r.subjects_approx === null ? null : Number(r.subjects_approx),
    recordsApprox: r.records_approx === null ? null : Number(r.records_approx),
    likelyConsequences: r.likely_consequences,
    measuresTaken: r.measures_taken,
    risk: r.risk as Risk,
    notNotifiableReason: r.not_notifiable_reason,
    reportedLate: Number(r.reported_late) === 1,
    overdueAt: date(r.overdue_at),
    subjectsDecision: toDecision(r.subjects_decision),
    source: r.source,
    openedBy: r.opened_by,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    closedAt: date(r.closed_at),
    closeReason: r.close_reason,
  };
}

function fromBreach(b: Breach): GdprBreachesTable {
  return {
    id: b.id,
    number: b.number,
    incident_id: b.incidentId,
    title: b.title,
    aware_at: b.awareAt.toISOString(),
    deadline_at: b.deadlineAt.toISOString(),
    state: b.state,
    nature: b.nature,
    data_categories: JSON.stringify(b.dataCategories),
    subjects_approx: b.subjectsApprox,
    records_approx: b.recordsApprox,
    likely_consequences: b.likelyConsequences,
    measures_taken: b.measuresTaken,
    risk: b.risk,
    not_notifiable_reason: b.notNotifiableReason,
    reported_late: b.reportedLate ? 1 : 0,
    overdue_at: b.overdueAt?.toISOString() ?? null,
    subjects_decision: fromDecision(b.subjectsDecision),
    source: b.source,
    opened_by: b.openedBy,
    created_at: b.createdAt.toISOString(),
    updated_at: b.updatedAt.toISOString(),
    closed_at: b.closedAt?.toISOString() ?? null,
    close_reason: b.closeReason,
  };
}

/** The first of `count` breach numbers of `day` (a counter row per day, safe across instances). */
export async function nextBreachSequence(db: Db, day: string): Promise<number> {
  const row = await db
    .insertInto('gdpr_breach_counters')
    .values({ day, last: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ last: eb('gdpr_breach_counters.last', '+', 1) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

export async function insertBreach(db: Db, b: Breach): Promise<void> {
  await db.insertInto('gdpr_breaches').values(fromBreach(b)).execute();
}

/**
 * Writes the whole row back if its state is still `expected` (a conditional update: of two racing
 * changes on several instances, the second finds the state moved and is refused). Returns whether it did.
 */
export async function saveBreach(db: Db, b: Breach, expected: BreachState): Promise<boolean> {
  const { id: _id, ...row } = fromBreach(b);
  const result = await db
    .updateTable('gdpr_breaches')
    .set(row)
    .where('id', '=', b.id)
    .where('state', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** By id or number. */
export async function findBreach(db: Db, ref: string): Promise<Breach | undefined> {
  const row = await db
    .selectFrom('gdpr_breaches')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('number', '=', ref)]))
    .executeTakeFirst();
  return row ? toBreach(row) : undefined;
}

/** Whether the incident has had a breach at all, open or closed. */
export async function incidentHasBreach(db: Db, incidentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('gdpr_breaches')
    .select('id')
    .where('incident_id', '=', incidentId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The incident's breach that is not closed yet, if any (the newest). */
export async function findOpenBreachOf(db: Db, incidentId: string): Promise<Breach | undefined> {
  const row = await db
    .selectFrom('gdpr_breaches')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('state', '!=', 'closed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? toBreach(row) : undefined;
}

export interface BreachFilter {
  limit: number;
  states?: readonly BreachState[] | undefined;
  /** Only breaches still assessing whose deadline is at or before this time. */
  overdueAt?: Date | undefined;
  /** Only breaches whose first report reached the authority after the deadline. */
  reportedLate?: boolean | undefined;
  before?: { createdAt: string; id: string } | undefined;
}

/** Newest first. */
export async function listBreaches(db: Db, f: BreachFilter): Promise<Breach[]> {
  let q = db.selectFrom('gdpr_breaches').selectAll();
  if (f.states?.length) q = q.where('state', 'in', [...f.states]);
  if (f.overdueAt) q = q.where('state', '=', 'assessing').where('deadline_at', '<=', f.overdueAt.toISOString());
  if (f.reportedLate) q = q.where('reported_late', '=', 1);
  if (f.before) {
    const { createdAt, id } = f.before;
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map(toBreach);
}

/** Breaches not closed; those still assessing past their deadline at `now`; the nearest deadline ahead. */
export async function countBreaches(
  db: Db,
  now: Date,
): Promise<{ open: number; overdue: number; nextDeadlineAt: Date | null }> {
  const at = now.toISOString();
  const row = await db
    .selectFrom('gdpr_breaches')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('open'),
      eb.fn
        .sum<number | string | null>(
          eb
            .case()
            .when(eb.and([eb('state', '=', 'assessing'), eb('deadline_at', '<=', at)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('overdue'),
      eb.fn
        .min<string | null>(
          eb
            .case()
            .when(eb.and([eb('state', '=', 'assessing'), eb('deadline_at', '>', at)]))
            .then(eb.ref('deadline_at'))
            .else(null)
            .end(),
        )
        .as('next_deadline_at'),
    ])
    .where('state', '!=', 'closed')
    .executeTakeFirstOrThrow();
  return {
    open: Number(row.open),
    overdue: Number(row.overdue ?? 0),
    nextDeadlineAt: row.next_deadline_at ? new Date(row.next_deadline_at) : null,
  };
}

const toReport = (r: GdprBreachReportsTable): AuthorityReport => ({
  id: r.id,
  breachId: r.breach_id,
  kind: r.kind as ReportKind,
  authority: r.authority,
  reference: r.reference,
  reportedAt: new Date(r.reported_at),
  delayReason: r.delay_reason,
  note: r.note,
  recordedBy: r.recorded_by,
  createdAt: new Date(r.created_at),
});

export async function insertReport(db: Db, r: AuthorityReport): Promise<void> {
  await db
    .insertInto('gdpr_breach_reports')
    .values({
      id: r.id,
      breach_id: r.breachId,
      kind: r.kind,
      authority: r.authority,
      reference: r.reference,
      reported_at: r.reportedAt.toISOString(),
      delay_reason: r.delayReason,
      note: r.note,
      recorded_by: r.recordedBy,
      created_at: r.createdAt.toISOString(),
    })
    .execute();
}

/** The reports of these breaches, oldest first. */
export async function reportsOf(db: Db, breachIds: readonly string[]): Promise<AuthorityReport[]> {
  if (breachIds.length === 0) return [];
  const rows = await db
    .selectFrom('gdpr_breach_reports')
    .selectAll()
    .where('breach_id', 'in', [...breachIds])
    .orderBy('reported_at')
    .orderBy('id')
    .execute();
  return rows.map(toReport);
}

const toEvent = (r: GdprBreachEventsTable): BreachEvent => ({
  id: r.id,
  breachId: r.breach_id,
  at: new Date(r.at),
  kind: r.kind,
  actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
  data: JSON.parse(r.data) as Record<string, unknown>,
});

export async function insertBreachEvent(db: Db, e: BreachEvent): Promise<void> {
  await db
    .insertInto('gdpr_breach_events')
    .values({
      id: e.id,
      breach_id: e.breachId,
      at: e.at.toISOString(),
      kind: e.kind,
      actor_type: e.actor.type,
      actor_id: e.actor.id,
      actor_name: e.actor.name,
      data: JSON.stringify(e.data),
    })
    .execute();
}

/** A breach's history, newest first. */
export async function listBreachEvents(db: Db, breachId: string, limit: number): Promise<BreachEvent[]> {
  const rows = await db
    .selectFrom('gdpr_breach_events')
    .selectAll()
    .where('breach_id', '=', breachId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

const EMPTY_SETTINGS: GdprSettings = {
  controllerName: null,
  dpoName: null,
  dpoEmail: null,
  dpoPhone: null,
  authorityName: null,
  updatedAt: null,
  updatedBy: null,
};

const toSettings = (r: GdprSettingsTable): GdprSettings => ({
  controllerName: r.controller_name,
  dpoName: r.dpo_name,
  dpoEmail: r.dpo_email,
  dpoPhone: r.dpo_phone,
  authorityName: r.authority_name,
  updatedAt: date(r.updated_at),
  updatedBy: r.updated_by,
});

export async function getSettings(db: Db): Promise<GdprSettings> {
  const row = await db.selectFrom('gdpr_settings').selectAll().where('id', '=', 1).executeTakeFirst();
  return row ? toSettings(row) : EMPTY_SETTINGS;
}

export async function saveSettings(db: Db, s: GdprSettings): Promise<void> {
  const row = {
    controller_name: s.controllerName,
    dpo_name: s.dpoName,
    dpo_email: s.dpoEmail,
    dpo_phone: s.dpoPhone,
    authority_name: s.authorityName,
    updated_at: s.updatedAt?.toISOString() ?? null,
    updated_by: s.updatedBy,
  };
  await db
    .insertInto('gdpr_settings')
    .values({ id: 1, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}
