// Follow-ups: adding one to an incident, listing them with what is overdue, changing them, and reminding
// their owners. Each change is one transaction that writes the row, re-plans the reminders, records the
// incident's timeline entry (added, or a status change) and the audit row. Responders and admins change;
// every role reads.
import { authorize, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { IncidentsService } from '../incidents/index.js';
import type { Notice } from '../notify/index.js';
import type { User, UsersService } from '../users/index.js';
import {
  applyPatch,
  checkDueAt,
  checkReason,
  isOverdue,
  remindersFor,
  statusEntry,
  type FollowUpKind,
  type FollowUpPatch,
  type FollowUpPriority,
  type FollowUpStatus,
} from './follow-up.js';
import {
  cancelPendingReminders,
  dueReminders,
  findFollowUp,
  insertFollowUp,
  listFollowUps,
  nextReminderAt,
  planReminders,
  settlePending,
  updateFollowUp,
  type FollowUpReminder,
  type StoredFollowUp,
} from './follow-ups.repo.js';

export interface FollowUpsDeps {
  db: Db;
  clock: Clock;
  incidents: IncidentsService;
  users: UsersService;
  /** Writes a notice to one person's contact methods into the outbox, in the caller's transaction. */
  tellUser(trx: Db, userId: string, notice: Notice): Promise<number>;
  /** Where links in messages point; none → no links. */
  publicUrl?: string | undefined;
}

export interface NewFollowUp {
  incident: string;
  postmortemId?: string | undefined;
  title: string;
  kind: FollowUpKind;
  /** A user's id or handle, or "me". */
  owner: string;
  dueAt: Date;
  priority?: FollowUpPriority | undefined;
  reason?: string | undefined;
  externalUrl?: string | undefined;
}

export interface FollowUpChange extends Omit<FollowUpPatch, 'ownerId'> {
  /** A user's id or handle, or "me". */
  owner?: string | undefined;
}

export interface FollowUpListQuery {
  limit: number;
  cursor?: string | undefined;
  incident?: string | undefined;
  owner?: string | undefined;
  status?: FollowUpStatus | undefined;
  kind?: FollowUpKind | undefined;
  overdue?: boolean | undefined;
}

export function createFollowUpsService({ db, clock, incidents, users, tellUser, publicUrl }: FollowUpsDeps) {
  async function load(q: Db, id: string): Promise<StoredFollowUp> {
    const found = await findFollowUp(q, id);
    if (!found) throw notFound('follow_up', id);
    return found;
  }

  /** The owner named by id, handle or "me" (the actor's own user); 422 when that is no user. */
  async function owner(actor: Actor, ref: string, q: Db = db): Promise<User> {
    const id = ref === 'me' ? actor.id : ref;
    const user = id ? await users.find(id, q) : undefined;
    if (!user)
      throw new AppError(
        'follow_up.unknown_owner',
        `owner_id: ${JSON.stringify(ref)} is not a user`,
        {
          field: 'owner_id',
          owner: ref,
        },
        'unprocessable',
      );
    return user;
  }

  /** Re-plans a follow-up's reminders from scratch: none unless outstanding, else those still ahead. */
  async function replan(trx: Db, f: StoredFollowUp, zone: string, now: Date): Promise<void> {
    await cancelPendingReminders(trx, f.id, now);
    if (f.status === 'outstanding') await planReminders(trx, f.id, remindersFor(f.dueAt, zone, now), now);
  }

  /**
   * Claims one due reminder and, while its follow-up is still outstanding, writes its outbox rows to the
   * owner, in the caller's transaction. The claim is a conditional update (see settlePending), so of two
   * instances sweeping at once one sends and the other finds it settled; a follow-up that left outstanding
   * meanwhile settles it as cancelled. True when this call sent it.
   */
  async function remind(trx: Db, r: FollowUpReminder, now: Date): Promise<boolean> {
    const f = await findFollowUp(trx, r.followUpId);
    const wanted = f?.status === 'outstanding';
    if (!(await settlePending(trx, r.id, wanted ? 'sent' : 'cancelled', now)) || !f || !wanted) return false;
    const incident = await incidents.within(trx).load(f.incidentId);
    const when = r.kind === 'due_day' ? 'today' : 'tomorrow';
    const subject = `[Follow-up] due ${when}: ${f.title} (${incident.number})`;
    const link = publicUrl ? `${publicUrl.replace(/\/$/, '')}/incidents/${incident.number}` : null;
    const text = [
      `Your follow-up of ${incident.number} "${incident.title}" is due ${f.dueAt.toISOString()} (${when}).`,
      `${f.title} — ${f.kind}, ${f.priority} priority.`,
      ...(f.externalUrl ? [`Tracked at ${f.externalUrl}`] : []),
      ...(link ? [link] : []),
    ].join('\n');
    await tellUser(trx, f.ownerId, {
      kind: 'follow_up',
      incidentId: f.incidentId,
      subject,
      text,
      payload: {
        event: 'follow_up.reminder',
        reminder: r.kind,
        follow_up: { id: f.id, title: f.title, due_at: f.dueAt.toISOString(), incident_number: incident.number },
        message: { subject, text },
      },
      at: now,
    });
    return true;
  }

  return {
    /** Adds a follow-up to an incident, due in the future, owned by a user; its reminders are planned. */
    async create(actor: Actor, input: NewFollowUp): Promise<StoredFollowUp> {
      authorize(actor, 'incident.write');
      const now = clock.now();
      checkDueAt(input.dueAt, now);
      const status: FollowUpStatus = 'outstanding';
      checkReason(status, input.reason ?? null);
      const incident = await incidents.get(actor, input.incident);
      const user = await owner(actor, input.owner);
      const f: StoredFollowUp = {
        id: newId('fu', now),
        incidentId: incident.id,
        incidentNumber: incident.number,
        ownerHandle: user.handle,
        postmortemId: input.postmortemId ?? null,
        title: input.title,
        kind: input.kind,
        ownerId: user.id,
        dueAt: input.dueAt,
        priority: input.priority ?? 'medium',
        status,
        reason: input.reason ?? null,
        externalUrl: input.externalUrl ?? null,
        completedAt: null,
        createdBy: { type: actor.type, id: actor.id, name: actor.name },
        createdAt: now,
        updatedAt: now,
      };
      await inTransaction(db, async (trx) => {
        await insertFollowUp(trx, f);
        await replan(trx, f, user.timezone, now);
        await incidents
          .within(trx)
          .record(incident, actor, 'follow_up_added', { follow_up_id: f.id, title: f.title, owner: user.handle }, now);
        await audit(trx, clock, actor, {
          action: 'follow_up.create',
          target: { type: 'follow_up', id: f.id },
          details: { incident_id: f.incidentId, owner_id: f.ownerId, due_at: f.dueAt.toISOString(), kind: f.kind },
        });
      });
      return f;
    },

    async get(actor: Actor, id: string): Promise<StoredFollowUp> {
      authorize(actor, 'read');
      return load(db, id);
    },

    /** Follow-ups newest first (deleted ones only with status=deleted); `overdue` keeps outstanding ones past due. */
    async list(actor: Actor, q: FollowUpListQuery): Promise<{ data: StoredFollowUp[]; nextCursor: string | null }> {
      authorize(actor, 'read');
      const incidentId = q.incident ? (await incidents.get(actor, q.incident)).id : undefined;
      const ownerId = q.owner ? (await owner(actor, q.owner)).id : undefined;
      // Overdue means outstanding and past due: any other status filter then matches nothing.
      if (q.overdue && q.status && q.status !== 'outstanding') return { data: [], nextCursor: null };
      const rows = await listFollowUps(db, {
        limit: q.limit + 1,
        before: q.cursor,
        incidentId,
        ownerId,
        kind: q.kind,
        status: q.status,
        ...(q.overdue && { dueBefore: clock.now() }),
      });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    /**
     * Changes a follow-up (see follow-up.ts for what may change); a status change goes on the incident's
     * timeline; reminders are re-planned, so they end when it leaves outstanding and follow a new due time.
     */
    async change(actor: Actor, id: string, change: FollowUpChange): Promise<StoredFollowUp> {
      authorize(actor, 'incident.write');
      return inTransaction(db, async (trx) => {
        const before = await load(trx, id);
        const now = clock.now();
        const { owner: ownerRef, ...patch } = change;
        const user = await owner(actor, ownerRef ?? before.ownerId, trx);
        const after: StoredFollowUp = {
          ...before,
          ...applyPatch(before, { ...patch, ownerId: user.id }, now),
          ownerHandle: user.handle,
        };
        if (!(await updateFollowUp(trx, after, before.status)))
          throw new AppError('follow_up.conflict', `follow-up ${id} changed meanwhile; read it again`, { id });
        await replan(trx, after, user.timezone, now);
        const changed = Object.keys(change).filter((k) => change[k as keyof FollowUpChange] !== undefined);
        if (after.status !== before.status) {
          const incident = await incidents.within(trx).load(after.incidentId);
          await incidents.within(trx).record(
            incident,
            actor,
            statusEntry(before.status, after.status),
            {
              follow_up_id: id,
              title: after.title,
              from: before.status,
              to: after.status,
              ...(after.reason && { reason: after.reason }),
            },
            now,
          );
        }
        await audit(trx, clock, actor, {
          action: after.status !== before.status ? `follow_up.${after.status}` : 'follow_up.update',
          target: { type: 'follow_up', id },
          details: {
            changed,
            from: before.status,
            to: after.status,
            due_at: after.dueAt.toISOString(),
            owner_id: after.ownerId,
            ...(isOverdue(before, now) && { late: true }),
          },
        });
        return after;
      });
    },

    /**
     * The engine's follow-up-reminders sweep: claims each due reminder and writes its outbox rows in one
     * transaction, so each is sent once however many instances sweep; one whose follow-up left outstanding
     * meanwhile is cancelled. Resolves to how many were sent.
     */
    async sweepReminders(limit = 100): Promise<number> {
      const now = clock.now();
      let sent = 0;
      let failure: unknown;
      for (const r of await dueReminders(db, now, limit)) {
        try {
          const done = await inTransaction(db, (trx) => remind(trx, r, now));
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

    nextReminderAt: () => nextReminderAt(db),
  };
}

export type FollowUpsService = ReturnType<typeof createFollowUpsService>;
