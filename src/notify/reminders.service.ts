// Overdue status-update reminders. Each incident's next update has a stored due time (see
// update-due.ts for the rule), kept in step with its timeline in the same transactions: opening,
// reopening, severity changes, status updates and resolution move it. The engine sweeps the due
// times; a reminder claims its due time with a conditional update (update-schedule.repo.ts), so on
// several instances each missed update brings exactly one reminder.
//
// A status update is a promise to stakeholders, so a reminder is sent only while some stakeholder
// hears of the incident's severity; without one, a missed slot passes silently (its due time still
// moves on, so the sweep does not meet it again).
//
// Who is reminded: the incident's communication lead and incident commander (once if one person holds
// both). With neither role held, every admin is, so a missed update never goes unnoticed. Each person
// gets one message on every contact method at once (their paging rules' delays are for pages), and the
// timeline gets an `update_overdue` entry naming them.
import { adminUserIds } from '../credentials/index.js';
import { SYSTEM_ACTOR } from '../access/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { incidentJson, type IncidentsService } from '../incidents/index.js';
import { type Incident } from '../incident.js';
import type { UsersService } from '../users/index.js';
import type { ChannelKind } from './channel.js';
import { insertNotifications, outboxRow, type Notification } from './outbox.repo.js';
import { listStakeholders } from './stakeholders.repo.js';
import { humanTime } from './template.js';
import { dueAfterReminder, firstUpdateDue } from './update-due.js';
import { claimReminder, findOverdue, findSchedule, setDue, setSchedule, setSchedules } from './update-schedule.repo.js';

export interface RemindersDeps {
  db: Db;
  clock: Clock;
  users: UsersService;
  incidents: IncidentsService;
  publicUrl?: string | undefined;
}

export function createRemindersService({ db, clock, users, incidents, publicUrl }: RemindersDeps) {
  /** Who to remind about `incident`, and whether they stand in for missing role holders. */
  async function recipients(
    trx: Db,
    incident: Incident,
  ): Promise<{ people: Array<{ id: string; handle: string }>; via: 'roles' | 'admins' }> {
    const holders = new Map<string, { id: string; handle: string }>();
    for (const holder of [incident.roles.communication_lead, incident.roles.incident_commander])
      if (holder) holders.set(holder.id, { id: holder.id, handle: holder.handle });
    if (holders.size > 0) return { people: [...holders.values()], via: 'roles' };
    const admins = [];
    for (const id of await adminUserIds(trx)) {
      const user = await users.find(id, trx);
      if (user) admins.push({ id: user.id, handle: user.handle });
    }
    return { people: admins, via: 'admins' };
  }

  /** Writes one reminder (outbox rows and the timeline entry) for the update that was due at `due`. */
  async function remind(trx: Db, incident: Incident, due: Date, next: Date | null, now: Date): Promise<void> {
    const { people, via } = await recipients(trx, incident);
    const link = publicUrl ? `${publicUrl.replace(/\/+$/, '')}/incidents/${incident.number}` : null;
    const subject = `[${incident.severity}] Status update overdue: ${incident.title} (${incident.number})`;
    const text = [
      `The next status update for ${incident.number} was due at ${humanTime(due)}; none has been sent since.`,
      `Send one to the stakeholders: POST /api/v1/incidents/${incident.number}/updates {"status_text": "…"}.`,
      next
        ? `If none is sent, the next reminder comes at ${humanTime(next)}.`
        : 'No further reminder will come for this incident until an update names a time.',
      ...(via === 'admins'
        ? ['You are told because nobody holds the communication lead or incident commander role.']
        : []),
      ...(link ? [link] : []),
    ].join('\n');
    const payload = {
      event: 'incident.update_overdue',
      incident: incidentJson(incident, now),
      message: { subject, text },
      due_at: due.toISOString(),
    };
    const rows: Notification[] = [];
    for (const person of people) {
      for (const method of await users.contactMethodsOf(person.id, trx)) {
        rows.push(
          outboxRow(
            {
              incidentId: incident.id,
              kind: 'reminder',
              channel: method.kind as ChannelKind,
              destination: method.address,
              secret: method.secret,
              userId: person.id,
              pageId: null,
              subject,
              body: text,
              payload,
              nextAttemptAt: now,
            },
            now,
          ),
        );
      }
    }
    await insertNotifications(trx, rows);
    await incidents.within(trx).record(
      incident,
      SYSTEM_ACTOR,
      'update_overdue',
      {
        due_at: due.toISOString(),
        next_reminder_at: next?.toISOString() ?? null,
        reminded: people.map((p) => p.handle),
        via,
        notifications: rows.length,
      },
      now,
    );
  }

  return {
    /**
     * Arms the first status update of incidents just opened (one statement for all): the severity's
     * cadence counts from the opening. A P2/P3 has nothing due and needs no row until something is.
     * Returns each one's due time, for the initial notification's "NEXT UPDATE".
     */
    async opened(trx: Db, list: readonly Incident[], at: Date): Promise<Array<Date | null>> {
      const dues = list.map((incident) => firstUpdateDue(incident.severity, at));
      const rows = list.flatMap((incident, i) => {
        const dueAt = dues[i] ?? null;
        return dueAt ? [{ incidentId: incident.id, dueAt, basis: 'opened' as const, basisAt: at }] : [];
      });
      await setSchedules(trx, rows, at);
      return dues;
    },

    /**
     * Keeps the due time in step with the timeline, in the entry's transaction: reopening counts the
     * severity's cadence from then; resolving clears it; a severity change before any status update
     * recounts from the opening with the new cadence (and arms a new cadence when nothing was due).
     */
    async follow(trx: Db, incident: Incident, kind: string, at: Date): Promise<void> {
      if (kind === 'reopened') {
        await setSchedule(
          trx,
          { incidentId: incident.id, dueAt: firstUpdateDue(incident.severity, at), basis: 'reopened', basisAt: at },
          at,
        );
        return;
      }
      if (kind === 'resolved') {
        await setDue(trx, incident.id, null, at);
      } else if (kind === 'severity_changed' && incident.status !== 'resolved') {
        const schedule = await findSchedule(trx, incident.id);
        if (!schedule || (schedule.basis !== 'update' && schedule.reminders === 0)) {
          const due = firstUpdateDue(incident.severity, schedule?.basisAt ?? incident.createdAt);
          if (schedule) await setDue(trx, incident.id, due, at);
          else if (due)
            await setSchedule(
              trx,
              { incidentId: incident.id, dueAt: due, basis: 'opened', basisAt: incident.createdAt },
              at,
            );
        } else if (schedule.dueAt === null) {
          await setDue(trx, incident.id, firstUpdateDue(incident.severity, at), at);
        }
      }
    },

    /** A status update at `now` announced `nextUpdateAt` (null: none): that is the new due time. */
    async updated(trx: Db, incidentId: string, nextUpdateAt: Date | null, now: Date): Promise<void> {
      await setSchedule(trx, { incidentId, dueAt: nextUpdateAt, basis: 'update', basisAt: now }, now);
    },

    /** The incident's update schedule (due time, basis, reminders since), if it has one. */
    async scheduleOf(q: Db, incidentId: string) {
      return findSchedule(q, incidentId);
    },

    /** The due time of the incident's next status update, if one is set. */
    async dueOf(q: Db, incidentId: string): Promise<Date | null> {
      return (await findSchedule(q, incidentId))?.dueAt ?? null;
    },

    /** Engine sweep: one reminder per missed status update of each unresolved incident. Returns how many were sent. */
    async sweep(limit = 100): Promise<number> {
      const now = clock.now();
      let sent = 0;
      for (const { incidentId, dueAt } of await findOverdue(db, now, limit)) {
        const claimed = await inTransaction(db, async (trx) => {
          const incident = await incidents.within(trx).load(incidentId);
          // Resolved since the query; its own transaction cleared the due time.
          if (incident.status === 'resolved') return false;
          const next = dueAfterReminder(incident.severity, dueAt, now);
          if (!(await claimReminder(trx, incidentId, dueAt, next, now))) return false;
          if (!(await listStakeholders(trx)).some((s) => s.severities.includes(incident.severity))) return false;
          await remind(trx, incident, dueAt, next, now);
          return true;
        });
        if (claimed) sent += 1;
      }
      return sent;
    },
  };
}

export type RemindersService = ReturnType<typeof createRemindersService>;
