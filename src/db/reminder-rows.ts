// The reminder tables' common life (follow_up_reminders, postmortem_reminders, gdpr_reminders): rows that are
// `pending` until their `due_at`, then claimed once and settled as `sent` or `cancelled`. Each feature keeps
// its own table (what a reminder is about differs) and its own row type; the queries on the columns they
// share live here once.
import type { Db } from './database.js';
import type { Schema } from './schema.js';

export type ReminderTable = 'follow_up_reminders' | 'postmortem_reminders' | 'gdpr_reminders';
export type ReminderSettlement = 'sent' | 'cancelled';

// Kysely resolves columns per table; every ReminderTable has these, so one member stands for all of them.
type Common = 'postmortem_reminders';

/** Pending rows due by `now`, oldest due first. (GDPR's sweep also filters by subject type: its own query.) */
export async function dueReminderRows<T extends ReminderTable>(
  db: Db,
  table: T,
  now: Date,
  limit: number,
): Promise<Array<Schema[T]>> {
  const rows = await db
    .selectFrom(table as Common)
    .selectAll()
    .where('state', '=', 'pending')
    .where('due_at', '<=', now.toISOString())
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows as Array<Schema[T]>;
}

/**
 * Claims one pending reminder by a conditional update (pending → `state`). On PostgreSQL a second
 * instance's update of the same row waits for the first transaction, then finds it no longer pending, so
 * each reminder is claimed once; the claim commits or rolls back with the work done for it (the outbox
 * rows written for the message).
 */
export async function claimReminderRow(
  db: Db,
  table: ReminderTable,
  id: string,
  state: ReminderSettlement,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable(table as Common)
    .set({ state, settled_at: now.toISOString() })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The earliest pending due time (null: none), for waking the engine early. */
export async function nextReminderDue(db: Db, table: ReminderTable): Promise<Date | null> {
  const row = await db
    .selectFrom(table as Common)
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return row?.due ? new Date(row.due) : null;
}
