// Data-subject requests: recording one (its Art. 12(3) due time follows from receipt), listing them
// with what is overdue, and moving them: extended once, completed, refused. Every change is audited
// in its own transaction; a completed erasure request pseudonymises the subject in the consent ledger
// in the same transaction, so the request is never "completed" while the ledger still names them.
import { authorizePrivacy, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { GDPR_TOPIC, type Tell } from './breaches.service.js';
import { cancelReminders, scheduleReminders, type ReminderHandler } from './reminders.service.js';
import {
  applyChange,
  daysLeft,
  dueAt,
  isClosed,
  isOverdue,
  REQUEST_ARTICLE,
  remindersFor,
  type RequestChange,
  type RequestKind,
} from './request.js';
import { findRequest, insertRequest, listRequests, updateRequest, type StoredRequest } from './requests.repo.js';

/** The audit action's verb for each state a change leads to. */
const VERB = { open: 'create', extended: 'extend', completed: 'complete', refused: 'refuse' } as const;

/** The subject type of a request's rows in the GDPR clock's reminders. */
export const REQUEST_SUBJECT = 'request';

export interface RequestsDeps {
  db: Db;
  clock: Clock;
  /** Tells the stakeholders of a topic (the gdpr ones: Legal Counsel), in the caller's transaction. */
  tellTopic: Tell['topic'];
  /** Replaces the subject's id in the consent ledger with its pseudonym (an erasure request completed). */
  eraseSubject(trx: Db, subjectId: string, actor: Actor, at: Date): Promise<void>;
  /** Where links in messages point; none → no links. */
  publicUrl?: string | undefined;
}

export interface NewRequest {
  subjectId: string;
  kind: RequestKind;
  receivedAt?: Date | undefined;
  note?: string | undefined;
}

export function createRequestsService({ db, clock, tellTopic, eraseSubject, publicUrl }: RequestsDeps) {
  const subject = (id: string) => ({ type: REQUEST_SUBJECT, id });
  async function load(q: Db, id: string): Promise<StoredRequest> {
    const found = await findRequest(q, id);
    if (!found) throw notFound('gdpr_request', id);
    return found;
  }

  /**
   * The GDPR clock's handler for a request's reminder: tells the gdpr stakeholders how long is left, naming
   * the request but not the subject (an e-mail or a chat channel is no place for the subject's id).
   */
  const remind: ReminderHandler = async (trx, reminder, now) => {
    const request = await findRequest(trx, reminder.subjectId);
    if (!request || isClosed(request)) return 'cancelled';
    const days = daysLeft(request, now);
    const link = publicUrl ? `${publicUrl.replace(/\/$/, '')}/dashboards/gdpr` : null;
    const due = days === 1 ? '1 day' : `${days} days`;
    const subjectLine = `[GDPR] ${REQUEST_ARTICLE[request.kind]} ${request.kind} request ${request.id}: due in ${due}`;
    const text = [
      `The ${request.kind} request ${request.id} received ${request.receivedAt.toISOString()} must be answered by ` +
        `${request.dueAt.toISOString()} (Art. 12(3))` +
        (request.state === 'extended' ? ', the extended deadline.' : '; it can still be extended once, with a reason.'),
      ...(link ? [link] : []),
    ].join('\n');
    await tellTopic(trx, GDPR_TOPIC, {
      kind: 'gdpr',
      incidentId: null,
      subject: subjectLine,
      text,
      payload: {
        event: 'gdpr.request_reminder',
        request: { id: request.id, kind: request.kind, state: request.state, due_at: request.dueAt.toISOString() },
        reminder: reminder.kind,
        message: { subject: subjectLine, text },
      },
      at: now,
    });
    return 'sent';
  };

  return {
    /** The GDPR clock's handler for requests' reminders (app.ts registers it). */
    remind,

    /** Records a request received at `receivedAt` (default now, not in the future); due a calendar month later. */
    async create(actor: Actor, input: NewRequest): Promise<StoredRequest> {
      authorizePrivacy(actor);
      const now = clock.now();
      const receivedAt = input.receivedAt ?? now;
      if (receivedAt > now)
        throw new AppError('gdpr_request.invalid', 'received_at: must not be in the future', {
          field: 'received_at',
        });
      const request: StoredRequest = {
        id: newId('dsr', now),
        subjectId: input.subjectId,
        kind: input.kind,
        receivedAt,
        dueAt: dueAt(receivedAt),
        state: 'open',
        extendedAt: null,
        extensionReason: null,
        completedAt: null,
        refusedAt: null,
        refusedReason: null,
        note: input.note ?? null,
        createdBy: { type: actor.type, id: actor.id, name: actor.name },
        createdAt: now,
        updatedAt: now,
      };
      await inTransaction(db, async (trx) => {
        await insertRequest(trx, request);
        await scheduleReminders(trx, subject(request.id), remindersFor(request.dueAt, now), now);
        await audit(trx, clock, actor, {
          action: 'gdpr.request.create',
          target: { type: 'gdpr_request', id: request.id },
          details: { kind: request.kind, received_at: request.receivedAt.toISOString() },
        });
      });
      return request;
    },

    async get(actor: Actor, id: string): Promise<StoredRequest> {
      authorizePrivacy(actor);
      return load(db, id);
    },

    /** Requests newest first; `overdue` keeps the unclosed ones past their due time. */
    async list(
      actor: Actor,
      q: {
        limit: number;
        cursor?: string | undefined;
        subjectId?: string | undefined;
        kind?: RequestKind | undefined;
        state?: StoredRequest['state'] | undefined;
        overdue?: boolean | undefined;
      },
    ): Promise<{ data: StoredRequest[]; nextCursor: string | null }> {
      authorizePrivacy(actor);
      // Overdue means unclosed and past due: a state filter of completed or refused then matches nothing.
      const unclosed = ['open', 'extended'] as const;
      const states = q.overdue ? unclosed.filter((s) => !q.state || s === q.state) : q.state ? [q.state] : undefined;
      const rows = await listRequests(db, {
        limit: q.limit + 1,
        before: q.cursor,
        subjectId: q.subjectId,
        kind: q.kind,
        states,
        ...(q.overdue && { dueBefore: clock.now() }),
      });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    /** Moves a request on (see request.ts for what may follow what); an erasure completed pseudonymises the subject. */
    async change(actor: Actor, id: string, change: RequestChange): Promise<StoredRequest> {
      authorizePrivacy(actor);
      return inTransaction(db, async (trx) => {
        const before = await load(trx, id);
        const now = clock.now();
        const after = applyChange(before, change, now);
        if (!(await updateRequest(trx, { ...after, createdBy: before.createdBy }, before.state)))
          throw new AppError('gdpr_request.conflict', `request ${id} changed meanwhile; read it again`, { id });
        await cancelReminders(trx, subject(id), now);
        if (after.state === 'extended')
          await scheduleReminders(trx, subject(id), remindersFor(after.dueAt, now, true), now);
        if (after.state === 'completed' && after.kind === 'erasure')
          await eraseSubject(trx, after.subjectId, actor, now);
        await audit(trx, clock, actor, {
          action: `gdpr.request.${VERB[after.state]}`,
          target: { type: 'gdpr_request', id },
          details: {
            kind: after.kind,
            from: before.state,
            to: after.state,
            ...('reason' in change && { reason: change.reason }),
            due_at: after.dueAt.toISOString(),
            ...(isOverdue(before, now) && { late: true }),
          },
        });
        return { ...after, createdBy: before.createdBy };
      });
    },
  };
}

export type RequestsService = ReturnType<typeof createRequestsService>;
