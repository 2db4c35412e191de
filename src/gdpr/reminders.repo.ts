// Due reminders of the GDPR module (table gdpr_reminders): one row per subject and kind, pending until
// the sweep claims it (→ sent) or its subject no longer needs it (→ cancelled).
import type { Db } from '../db/database.js';
import { claimReminderRow, type ReminderSettlement } from '../db/reminder-rows.js';
import type { GdprRemindersTable } from '../db/schema.js';
import { newId } from '../ids.js';

export const REMINDER_STATES = ['pending', 'sent', 'cancelled'] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];

export interface Reminder {
  id: string;
  /** "breach" or "request": which handler of the sweep works it. */
  subjectType: string;
  subjectId: string;
  /** e.g. "24h", "overdue", "7d". */
  kind: string;
  dueAt: Date;
  state: ReminderState;
  createdAt: Date;
  settledAt: Date | null;
}

const toReminder = (r: GdprRemindersTable): Reminder => ({
  id: r.id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  kind: r.kind,
  dueAt: new Date(r.due_at),
  state: r.state as ReminderState,
  createdAt: new Date(r.created_at),
  settledAt: r.settled_at ? new Date(r.settled_at) : null,
});

/**
 * Schedules reminders for one subject. A kind it already has keeps its row; a pending or cancelled one is
 * moved to the new due time and pending again, a sent one stays sent (it is never sent twice).
 */
export async function upsertReminders(
  db: Db,
  subjectType: string,
  subjectId: string,
  due: ReadonlyArray<{ kind: string; dueAt: Date }>,
  now: Date,
): Promise<void> {
  for (const { kind, dueAt } of due) {
    await db
      .insertInto('gdpr_reminders')
      .values({
        id: newId('rem', now),
        subject_type: subjectType,
        subject_id: subjectId,
        kind,
        due_at: dueAt.toISOString(),
        state: 'pending',
        created_at: now.toISOString(),
        settled_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['subject_type', 'subject_id', 'kind'])
          .doUpdateSet({ due_at: dueAt.toISOString(), state: 'pending', settled_at: null })
          .where('gdpr_reminders.state', '!=', 'sent'),
      )
      .execute();
  }
}

/** Cancels a subject's pending reminders (all, or those of `kinds`); returns how many. */
export async function cancelPending(
  db: Db,
  subjectType: string,
  subjectId: string,
  now: Date,
  kinds?: readonly string[],
): Promise<number> {
  let q = db
    .updateTable('gdpr_reminders')
    .set({ state: 'cancelled', settled_at: now.toISOString() })
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('state', '=', 'pending');
  if (kinds) q = q.where('kind', 'in', kinds.length ? [...kinds] : ['']);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Pending reminders due by `now` of these subject types, oldest due first. */
export async function findDue(db: Db, subjectTypes: readonly string[], now: Date, limit: number): Promise<Reminder[]> {
  if (subjectTypes.length === 0) return [];
  const rows = await db
    .selectFrom('gdpr_reminders')
    .selectAll()
    .where('state', '=', 'pending')
    .where('due_at', '<=', now.toISOString())
    .where('subject_type', 'in', [...subjectTypes])
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toReminder);
}

/** Claims one due reminder once (db/reminder-rows.ts claimReminderRow). */
export function claimReminder(db: Db, id: string, state: ReminderSettlement, now: Date): Promise<boolean> {
  return claimReminderRow(db, 'gdpr_reminders', id, state, now);
}

/** Sets a claimed reminder's final state (a claim whose subject needed nothing becomes cancelled). */
export async function settleReminder(db: Db, id: string, state: ReminderState, now: Date): Promise<void> {
  await db.updateTable('gdpr_reminders').set({ state, settled_at: now.toISOString() }).where('id', '=', id).execute();
}

/** A subject's reminders, by due time. */
export async function remindersOf(db: Db, subjectType: string, subjectId: string): Promise<Reminder[]> {
  const rows = await db
    .selectFrom('gdpr_reminders')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('due_at')
    .execute();
  return rows.map(toReminder);
}

/** The earliest pending due time of these subject types (null: none), for waking the engine early. */
export async function nextDueAt(db: Db, subjectTypes: readonly string[]): Promise<Date | null> {
  if (subjectTypes.length === 0) return null;
  const row = await db
    .selectFrom('gdpr_reminders')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('state', '=', 'pending')
    .where('subject_type', 'in', [...subjectTypes])
    .executeTakeFirst();
  return row?.due ? new Date(row.due) : null;
}
