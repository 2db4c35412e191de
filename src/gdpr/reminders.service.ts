// The GDPR clock: one engine sweep ("gdpr-clock") over the due rows of gdpr_reminders, whatever their
// subject. Each subject type (a breach, a data-subject request) brings a handler that is told about its
// due reminder inside the transaction that claims it, and writes what the reminder means (outbox rows,
// timeline entries, a flag). Reminders are rows, so a restart loses none; the claim is a conditional
// update, so on several instances each is handled once; a handler that throws rolls its claim back
// and the reminder is tried again at the next tick.
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import {
  cancelPending,
  claimReminder,
  findDue,
  nextDueAt,
  settleReminder,
  upsertReminders,
  type Reminder,
} from './reminders.repo.js';

/**
 * Works one due reminder inside its claiming transaction. "sent" when it did what the reminder is for;
 * "cancelled" when its subject no longer needs it (a breach reported meanwhile): nothing is sent.
 */
export type ReminderHandler = (trx: Db, reminder: Reminder, now: Date) => Promise<'sent' | 'cancelled'>;

/** Schedules `due` for one subject in `trx` (see upsertReminders: a sent kind stays sent). */
export function scheduleReminders(
  trx: Db,
  subject: { type: string; id: string },
  due: ReadonlyArray<{ kind: string; dueAt: Date }>,
  now: Date,
): Promise<void> {
  return upsertReminders(trx, subject.type, subject.id, due, now);
}

/** Cancels a subject's pending reminders (of `kinds` only, when given); returns how many. */
export function cancelReminders(
  trx: Db,
  subject: { type: string; id: string },
  now: Date,
  kinds?: readonly string[],
): Promise<number> {
  return cancelPending(trx, subject.type, subject.id, now, kinds);
}

export interface ReminderSweepDeps {
  db: Db;
  clock: Clock;
  /** subject_type → its handler; reminders of other types wait until one is registered. */
  handlers: Readonly<Record<string, ReminderHandler>>;
  /** Due rows worked per run (the next tick takes the rest). */
  limit?: number;
}

/** The "gdpr-clock" sweep's work: `run` resolves to how many reminders it sent; `nextDue` for early wake-ups. */
export function createReminderSweep({ db, clock, handlers, limit = 100 }: ReminderSweepDeps) {
  const types = Object.keys(handlers);
  return {
    async run(): Promise<number> {
      const now = clock.now();
      let sent = 0;
      let failure: unknown;
      for (const reminder of await findDue(db, types, now, limit)) {
        const handler = handlers[reminder.subjectType];
        if (!handler) continue;
        try {
          const done = await inTransaction(db, async (trx) => {
            if (!(await claimReminder(trx, reminder.id, 'sent', now))) return false; // another instance had it
            const outcome = await handler(trx, reminder, now);
            if (outcome === 'sent') return true;
            // The claim marked it sent; nothing was, so it is recorded as cancelled.
            await settleReminder(trx, reminder.id, 'cancelled', now);
            return false;
          });
          if (done) sent += 1;
        } catch (error) {
          // One reminder that fails (it stays pending) must not hold up the others; the sweep still fails,
          // so the engine logs and counts it.
          failure ??= error;
        }
      }
      if (failure !== undefined) throw failure;
      return sent;
    },
    nextDue: () => nextDueAt(db, types),
  };
}

export type ReminderSweep = ReturnType<typeof createReminderSweep>;
