// The due time of each incident's next status update, swept by the engine for overdue reminders.
// An incident without a row has had no status update and no due time yet (a P2/P3 that opened).
import type { Db } from '../db/database.js';
import { insertRows } from '../db/insert-rows.js';
import type { DueBasis } from './update-due.js';

export interface UpdateSchedule {
  incidentId: string;
  /** When the next status update is due; null when none is. */
  dueAt: Date | null;
  basis: DueBasis;
  basisAt: Date;
  /** Reminders sent since the basis last changed. */
  reminders: number;
  remindedAt: Date | null;
}

/** A due time and what it counts from. */
export interface ScheduleBasis {
  incidentId: string;
  dueAt: Date | null;
  basis: DueBasis;
  basisAt: Date;
}

export async function findSchedule(db: Db, incidentId: string): Promise<UpdateSchedule | undefined> {
  const r = await db.selectFrom('update_schedule').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  if (!r) return undefined;
  return {
    incidentId: r.incident_id,
    dueAt: r.due_at ? new Date(r.due_at) : null,
    basis: r.basis as DueBasis,
    basisAt: new Date(r.basis_at),
    reminders: Number(r.reminders),
    remindedAt: r.reminded_at ? new Date(r.reminded_at) : null,
  };
}

/**
 * Sets an incident's due time from a new basis (opened, reopened, a status update); the reminder count starts
 * again.
 */
export async function setSchedule(db: Db, s: ScheduleBasis, now: Date): Promise<void> {
  await setSchedules(db, [s], now);
}

/** setSchedule for many incidents (those an ingest batch opens) in multi-row statements. */
export async function setSchedules(db: Db, list: readonly ScheduleBasis[], now: Date): Promise<void> {
  const rows = list.map((s) => ({
    incident_id: s.incidentId,
    due_at: s.dueAt?.toISOString() ?? null,
    basis: s.basis,
    basis_at: s.basisAt.toISOString(),
    reminders: 0,
    reminded_at: null,
    updated_at: now.toISOString(),
  }));
  await insertRows(
    db,
    'update_schedule',
    ['incident_id', 'due_at', 'basis', 'basis_at', 'reminders', 'reminded_at', 'updated_at'],
    rows,
    {
      max: 64,
      onConflictUpdate: {
        key: 'incident_id',
        set: ['due_at', 'basis', 'basis_at', 'reminders', 'reminded_at', 'updated_at'],
      },
    },
  );
}

/** Moves the due time only (a severity change, a resolution), keeping basis and reminder count. */
export async function setDue(db: Db, incidentId: string, dueAt: Date | null, now: Date): Promise<void> {
  await db
    .updateTable('update_schedule')
    .set({ due_at: dueAt?.toISOString() ?? null, updated_at: now.toISOString() })
    .where('incident_id', '=', incidentId)
    .execute();
}

/** Unresolved incidents whose next update was due by `now`, most overdue first. */
export async function findOverdue(
  db: Db,
  now: Date,
  limit: number,
): Promise<Array<{ incidentId: string; dueAt: Date; severity: string }>> {
  const rows = await db
    .selectFrom('update_schedule')
    .innerJoin('incidents', 'incidents.id', 'update_schedule.incident_id')
    .select(['update_schedule.incident_id', 'update_schedule.due_at', 'incidents.severity'])
    .where('update_schedule.due_at', 'is not', null)
    .where('update_schedule.due_at', '<=', now.toISOString())
    .where('incidents.status', '!=', 'resolved')
    .orderBy('update_schedule.due_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ incidentId: r.incident_id, dueAt: new Date(r.due_at as string), severity: r.severity }));
}

/**
 * Claims the reminder for the update due at `dueAt` by moving the due time on to `next`. The update
 * is conditional on the due time being unchanged, so of several instances sweeping at once exactly
 * one changes the row (PostgreSQL re-checks the condition after the winner commits), and a status
 * update or resolution committed meanwhile makes the claim fail.
 */
export async function claimReminder(
  db: Db,
  incidentId: string,
  dueAt: Date,
  next: Date | null,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('update_schedule')
    .set((eb) => ({
      due_at: next?.toISOString() ?? null,
      reminders: eb('reminders', '+', 1),
      reminded_at: now.toISOString(),
      updated_at: now.toISOString(),
    }))
    .where('incident_id', '=', incidentId)
    .where('due_at', '=', dueAt.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
