// Follow-ups (table follow_ups), one row each, and their reminders (follow_up_reminders): one row per kind
// and owner-local day, pending until the sweep claims it (→ sent) or it is no longer wanted (→ cancelled).
import type { Db } from '../db/database.js';
import { claimReminderRow, dueReminderRows, nextReminderDue, type ReminderSettlement } from '../db/reminder-rows.js';
import type { FollowUpRemindersTable, FollowUpsTable } from '../db/schema.js';
import { newId } from '../ids.js';
import type {
  FollowUp,
  FollowUpKind,
  FollowUpPriority,
  FollowUpStatus,
  PlannedReminder,
  ReminderKind,
} from './follow-up.js';

export interface StoredFollowUp extends FollowUp {
  createdBy: { type: string; id: string | null; name: string };
  /** Read with the row (joined), for the wire; never written. */
  incidentNumber: string;
  ownerHandle: string;
}

type JoinedRow = FollowUpsTable & { incident_number: string; owner_handle: string };

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

function toFollowUp(r: JoinedRow): StoredFollowUp {
  return {
    id: r.id,
    incidentId: r.incident_id,
    incidentNumber: r.incident_number,
    ownerHandle: r.owner_handle,
    postmortemId: r.postmortem_id,
    title: r.title,
    kind: r.kind as FollowUpKind,
    ownerId: r.owner_id,
    dueAt: new Date(r.due_at),
    priority: r.priority as FollowUpPriority,
    status: r.status as FollowUpStatus,
    reason: r.reason,
    externalUrl: r.external_url,
    completedAt: date(r.completed_at),
    createdBy: JSON.parse(r.created_by) as StoredFollowUp['createdBy'],
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toRow(f: StoredFollowUp): FollowUpsTable {
  return {
    id: f.id,
    incident_id: f.incidentId,
    postmortem_id: f.postmortemId,
    title: f.title,
    kind: f.kind,
    owner_id: f.ownerId,
    due_at: f.dueAt.toISOString(),
    priority: f.priority,
    status: f.status,
    reason: f.reason,
    external_url: f.externalUrl,
    completed_at: f.completedAt ? f.completedAt.toISOString() : null,
    created_by: JSON.stringify(f.createdBy),
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
}

export async function insertFollowUp(db: Db, f: StoredFollowUp): Promise<void> {
  await db.insertInto('follow_ups').values(toRow(f)).execute();
}

/** Follow-ups with their incident's number and owner's handle. */
const joined = (db: Db) =>
  db
    .selectFrom('follow_ups')
    .innerJoin('incidents', 'incidents.id', 'follow_ups.incident_id')
    .innerJoin('users', 'users.id', 'follow_ups.owner_id')
    .selectAll('follow_ups')
    .select(['incidents.number as incident_number', 'users.handle as owner_handle']);

export async function findFollowUp(db: Db, id: string): Promise<StoredFollowUp | undefined> {
  const row = await joined(db).where('follow_ups.id', '=', id).executeTakeFirst();
  return row && toFollowUp(row);
}

/**
 * Writes a changed follow-up, only if it is still in the status it was read in (`from`): two people closing
 * one follow-up at once cannot both succeed. False when its status had moved meanwhile.
 */
export async function updateFollowUp(db: Db, f: StoredFollowUp, from: FollowUpStatus): Promise<boolean> {
  const { id: _id, created_at: _c, created_by: _b, incident_id: _i, ...row } = toRow(f);
  const result = await db
    .updateTable('follow_ups')
    .set(row)
    .where('id', '=', f.id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface FollowUpQuery {
  limit: number;
  before?: string | undefined;
  incidentId?: string | undefined;
  ownerId?: string | undefined;
  kind?: FollowUpKind | undefined;
  /** Only these statuses; without, every status but deleted. */
  status?: FollowUpStatus | undefined;
  /** Only outstanding follow-ups due before this instant (overdue at `now`). */
  dueBefore?: Date | undefined;
}

/** Follow-ups newest first (ids sort by creation time). */
export async function listFollowUps(db: Db, q: FollowUpQuery): Promise<StoredFollowUp[]> {
  let query = joined(db).orderBy('follow_ups.id', 'desc').limit(q.limit);
  if (q.before) query = query.where('follow_ups.id', '<', q.before);
  if (q.incidentId) query = query.where('follow_ups.incident_id', '=', q.incidentId);
  if (q.ownerId) query = query.where('follow_ups.owner_id', '=', q.ownerId);
  if (q.kind) query = query.where('follow_ups.kind', '=', q.kind);
  query = q.status
    ? query.where('follow_ups.status', '=', q.status)
    : query.where('follow_ups.status', '!=', 'deleted');
  if (q.dueBefore)
    query = query
      .where('follow_ups.status', '=', 'outstanding')
      .where('follow_ups.due_at', '<', q.dueBefore.toISOString());
  return (await query.execute()).map(toFollowUp);
}

// Reminders.

export interface FollowUpReminder {
  id: string;
  followUpId: string;
  kind: ReminderKind;
  day: string;
  dueAt: Date;
  state: 'pending' | 'sent' | 'cancelled';
  settledAt: Date | null;
}

const toReminder = (r: FollowUpRemindersTable): FollowUpReminder => ({
  id: r.id,
  followUpId: r.follow_up_id,
  kind: r.kind as ReminderKind,
  day: r.day,
  dueAt: new Date(r.due_at),
  state: r.state as FollowUpReminder['state'],
  settledAt: date(r.settled_at),
});

/**
 * Plans reminders for one follow-up. A (kind, day) it already has keeps its row: a cancelled one is pending
 * again at the new time, a sent one stays sent (it is never sent twice).
 */
export async function planReminders(
  db: Db,
  followUpId: string,
  planned: readonly PlannedReminder[],
  now: Date,
): Promise<void> {
  for (const { kind, day, dueAt } of planned)
    await db
      .insertInto('follow_up_reminders')
      .values({
        id: newId('fur', now),
        follow_up_id: followUpId,
        kind,
        day,
        due_at: dueAt.toISOString(),
        state: 'pending',
        created_at: now.toISOString(),
        settled_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['follow_up_id', 'kind', 'day'])
          .doUpdateSet({ due_at: dueAt.toISOString(), state: 'pending', settled_at: null })
          .where('follow_up_reminders.state', '!=', 'sent'),
      )
      .execute();
}

/** Cancels a follow-up's pending reminders. */
export async function cancelPendingReminders(db: Db, followUpId: string, now: Date): Promise<void> {
  await db
    .updateTable('follow_up_reminders')
    .set({ state: 'cancelled', settled_at: now.toISOString() })
    .where('follow_up_id', '=', followUpId)
    .where('state', '=', 'pending')
    .execute();
}

/** Pending reminders due by `now`, oldest due first. */
export async function dueReminders(db: Db, now: Date, limit: number): Promise<FollowUpReminder[]> {
  return (await dueReminderRows(db, 'follow_up_reminders', now, limit)).map(toReminder);
}

/** Settles one pending reminder once (db/reminder-rows.ts claimReminderRow). */
export function settlePending(db: Db, id: string, state: ReminderSettlement, now: Date): Promise<boolean> {
  return claimReminderRow(db, 'follow_up_reminders', id, state, now);
}

/** A follow-up's reminders, by due time. */
export async function remindersOf(db: Db, followUpId: string): Promise<FollowUpReminder[]> {
  const rows = await db
    .selectFrom('follow_up_reminders')
    .selectAll()
    .where('follow_up_id', '=', followUpId)
    .orderBy('due_at')
    .orderBy('kind')
    .execute();
  return rows.map(toReminder);
}

/** The earliest pending due time (null: none), for waking the engine early. */
export function nextReminderAt(db: Db): Promise<Date | null> {
  return nextReminderDue(db, 'follow_up_reminders');
}
