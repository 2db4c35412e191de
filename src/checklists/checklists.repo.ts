// Runbooks (table runbooks, steps as one JSON list) and incidents' checklists (checklists: which runbook an
// incident's list was copied from; checklist_steps: the copied steps and who or what did each).
import type { Db } from '../db/database.js';
import type { ChecklistStepsTable, RunbooksTable } from '../db/schema.js';
import type { Severity } from '../incident.js';
import type { ChecklistStep, Checklist, DoneBy } from './checklist.js';
import type { Runbook, RunbookPhase, RunbookStep, StepCall } from './runbook.js';

const date = (s: string | null): Date | null => (s ? new Date(s) : null);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

type StoredStep = {
  phase: RunbookPhase;
  text: string;
  link: string | null;
  call: StepCall | null;
  auto: string | null;
  action?: string | null;
};

function toRunbook(r: RunbooksTable): Runbook {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    isDefault: Number(r.is_default) === 1,
    appliesTo: {
      serviceIds: JSON.parse(r.service_ids) as string[],
      severities: JSON.parse(r.severities) as Severity[],
    },
    steps: (JSON.parse(r.steps) as StoredStep[]).map((s) => ({
      phase: s.phase,
      text: s.text,
      link: s.link,
      call: s.call,
      autoCompleteOn: s.auto,
      action: s.action ?? null,
    })),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toRunbookRow(r: Runbook): RunbooksTable {
  const steps: StoredStep[] = r.steps.map((s) => ({
    phase: s.phase,
    text: s.text,
    link: s.link,
    call: s.call,
    auto: s.autoCompleteOn,
    ...(s.action !== null && { action: s.action }),
  }));
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    is_default: r.isDefault ? 1 : 0,
    service_ids: JSON.stringify(r.appliesTo.serviceIds),
    severities: JSON.stringify(r.appliesTo.severities),
    steps: JSON.stringify(steps),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** Writes a runbook unless one with its id exists (two instances starting at once write it once); true if written. */
export async function insertRunbookIfAbsent(db: Db, r: Runbook): Promise<boolean> {
  const result = await db
    .insertInto('runbooks')
    .values(toRunbookRow(r))
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function insertRunbook(db: Db, r: Runbook): Promise<void> {
  await db.insertInto('runbooks').values(toRunbookRow(r)).execute();
}

export async function updateRunbook(db: Db, r: Runbook): Promise<boolean> {
  const { id: _id, created_at: _c, is_default: _d, ...row } = toRunbookRow(r);
  const result = await db.updateTable('runbooks').set(row).where('id', '=', r.id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteRunbook(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('runbooks').where('id', '=', id).where('is_default', '=', 0).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function findRunbook(db: Db, id: string): Promise<Runbook | undefined> {
  const row = await db.selectFrom('runbooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRunbook(row);
}

/**
 * Runbooks newest first (ids sort by creation time), the default last: it is the oldest, imported at the
 * first start, and its fixed id does not sort by time. `before` is the last id of the previous page.
 */
export async function listRunbooks(db: Db, q: { limit: number; before?: string | undefined }): Promise<Runbook[]> {
  let query = db.selectFrom('runbooks').selectAll().orderBy('is_default').orderBy('id', 'desc').limit(q.limit);
  const before = q.before;
  if (before) {
    const cursor = await db.selectFrom('runbooks').select('is_default').where('id', '=', before).executeTakeFirst();
    if (Number(cursor?.is_default) === 1) return [];
    query = query.where((eb) =>
      eb.or([eb.and([eb('is_default', '=', 0), eb('id', '<', before)]), eb('is_default', '=', 1)]),
    );
  }
  return (await query.execute()).map(toRunbook);
}

/** Every runbook, for picking one per incident (there are a handful). */
export async function allRunbooks(db: Db): Promise<Runbook[]> {
  return (await db.selectFrom('runbooks').selectAll().orderBy('id').execute()).map(toRunbook);
}

function toStep(r: ChecklistStepsTable): ChecklistStep {
  return {
    id: r.id,
    incidentId: r.incident_id,
    position: Number(r.position),
    phase: r.phase as RunbookPhase,
    text: r.text,
    link: r.link,
    call: r.call ? (JSON.parse(r.call) as StepCall) : null,
    autoCompleteOn: r.auto_complete_on,
    action: r.action,
    doneAt: date(r.done_at),
    doneBy: r.done_by ? (JSON.parse(r.done_by) as DoneBy) : null,
    doneEvent: r.done_event,
    autoCompletedAt: date(r.auto_completed_at),
    windowEndsAt: date(r.window_ends_at),
  };
}

/** Fixes checklists: one row per incident naming its runbook, and each incident's copied steps. */
export async function insertChecklists(
  db: Db,
  lists: ReadonlyArray<{ checklist: Checklist; steps: ReadonlyArray<RunbookStep & { id: string }> }>,
): Promise<void> {
  if (lists.length === 0) return;
  await db
    .insertInto('checklists')
    .values(
      lists.map(({ checklist: c }) => ({
        incident_id: c.incidentId,
        runbook_id: c.runbookId,
        runbook_name: c.runbookName,
        fixed_at: c.fixedAt.toISOString(),
      })),
    )
    .execute();
  const rows: ChecklistStepsTable[] = lists.flatMap(({ checklist, steps }) =>
    steps.map((s, i) => ({
      id: s.id,
      incident_id: checklist.incidentId,
      position: i + 1,
      phase: s.phase,
      text: s.text,
      link: s.link,
      call: s.call ? JSON.stringify(s.call) : null,
      auto_complete_on: s.autoCompleteOn,
      action: s.action,
      done_at: null,
      done_by: null,
      done_event: null,
      auto_completed_at: null,
      window_ends_at: null,
    })),
  );
  // Bounded statements: a runbook's steps times an ingest batch's incidents can be many rows.
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('checklist_steps')
      .values(rows.slice(i, i + 200))
      .execute();
}

export async function findChecklist(db: Db, incidentId: string): Promise<Checklist | undefined> {
  const row = await db.selectFrom('checklists').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  return (
    row && {
      incidentId: row.incident_id,
      runbookId: row.runbook_id,
      runbookName: row.runbook_name,
      fixedAt: new Date(row.fixed_at),
    }
  );
}

export async function listSteps(db: Db, incidentId: string): Promise<ChecklistStep[]> {
  const rows = await db
    .selectFrom('checklist_steps')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('position')
    .execute();
  return rows.map(toStep);
}

/** The step `id` of this incident's checklist; undefined when it is no step of this one. */
export async function findStep(db: Db, incidentId: string, id: string): Promise<ChecklistStep | undefined> {
  const row = await db
    .selectFrom('checklist_steps')
    .selectAll()
    .where('id', '=', id)
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  return row && toStep(row);
}

/** Ticks a step by hand if it is not done; false when it was (someone else was first). */
export async function tickStep(db: Db, id: string, by: DoneBy, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('checklist_steps')
    .set({ done_at: at.toISOString(), done_by: JSON.stringify(by), done_event: null })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Unticks a done step (by hand or by its event); false when it was not done. */
export async function untickStep(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('checklist_steps')
    .set({ done_at: null, done_by: null, done_event: null })
    .where('id', '=', id)
    .where('done_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Completes the incident's steps waiting for one of `events` that are not done and never completed
 * themselves before; returns those it completed. A conditional update: of two transactions completing the
 * same step, the second finds it done once the first commits.
 */
export async function completeWaiting(
  db: Db,
  incidentId: string,
  events: readonly string[],
  at: Date,
): Promise<ChecklistStep[]> {
  if (events.length === 0) return [];
  const rows = await db
    .updateTable('checklist_steps')
    .set((eb) => ({
      done_at: at.toISOString(),
      done_by: null,
      done_event: eb.ref('auto_complete_on'),
      auto_completed_at: at.toISOString(),
      window_ends_at: null,
    }))
    .where('incident_id', '=', incidentId)
    .where('auto_complete_on', 'in', [...events])
    .where('done_at', 'is', null)
    .where('auto_completed_at', 'is', null)
    .returningAll()
    .execute();
  return rows.map(toStep).sort((a, b) => a.position - b.position);
}

/**
 * Completes the incident's steps that run the action `name` and are not done (a step ticked and unticked by
 * hand completes again: the action ran again); returns those it completed. Conditional like completeWaiting.
 */
export async function completeActionSteps(
  db: Db,
  incidentId: string,
  name: string,
  at: Date,
): Promise<ChecklistStep[]> {
  const rows = await db
    .updateTable('checklist_steps')
    .set({
      done_at: at.toISOString(),
      done_by: null,
      done_event: 'action.succeeded',
      auto_completed_at: at.toISOString(),
      window_ends_at: null,
    })
    .where('incident_id', '=', incidentId)
    .where('action', '=', name)
    .where('done_at', 'is', null)
    .returningAll()
    .execute();
  return rows.map(toStep).sort((a, b) => a.position - b.position);
}

/** Sets (or clears, with null) when the incident's steps waiting for `event` see their window end. */
export async function setWindow(db: Db, incidentId: string, event: string, endsAt: Date | null): Promise<void> {
  await db
    .updateTable('checklist_steps')
    .set({ window_ends_at: iso(endsAt) })
    .where('incident_id', '=', incidentId)
    .where('auto_complete_on', '=', event)
    .where('auto_completed_at', 'is', null)
    .execute();
}

/** Incidents with a step whose window ended by `now`, earliest first, with when it ended. */
export async function windowsEnded(
  db: Db,
  now: Date,
  limit: number,
): Promise<Array<{ incidentId: string; endsAt: Date }>> {
  const rows = await db
    .selectFrom('checklist_steps')
    .select((eb) => ['incident_id', eb.fn.min('window_ends_at').as('ends_at')])
    .where('window_ends_at', '<=', now.toISOString())
    .groupBy('incident_id')
    .orderBy('ends_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ incidentId: r.incident_id, endsAt: new Date(r.ends_at as string) }));
}

/** Whether another incident of `serviceId` opened in (after, until]: the problem came back. */
export async function openedBetween(
  db: Db,
  serviceId: string,
  exceptId: string,
  after: Date,
  until: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('incidents')
    .select('id')
    .where('service_id', '=', serviceId)
    .where('id', '!=', exceptId)
    .where('created_at', '>', after.toISOString())
    .where('created_at', '<=', until.toISOString())
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
