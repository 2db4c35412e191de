// The outbox: one row per message to deliver, written in the transaction of whatever caused it, and
// moved along by the dispatcher: pending → sending (leased until deadline_at) → sent | failed (due
// again at next_attempt_at) | dead | cancelled.
import type { Db } from '../db/database.js';
import { claimSkippingLocked } from '../db/lease.js';
import type { NotificationsTable } from '../db/schema.js';
import { newId } from '../ids.js';

export const NOTIFICATION_STATES = ['pending', 'sending', 'sent', 'failed', 'dead', 'cancelled'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

export interface Notification {
  /** Also the idempotency id receivers see. */
  id: string;
  incidentId: string | null;
  /** page, initial, resolution, update, reminder, dead_letter */
  kind: string;
  channel: string;
  destination: string;
  secret: string | null;
  userId: string | null;
  pageId: string | null;
  subject: string;
  body: string;
  /** The JSON document webhook-like channels send (event, incident, message). */
  payload: Record<string, unknown>;
  state: NotificationState;
  attempts: number;
  nextAttemptAt: Date;
  deadlineAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

function toNotification(r: NotificationsTable): Notification {
  return {
    id: r.id,
    incidentId: r.incident_id,
    kind: r.kind,
    channel: r.channel,
    destination: r.destination,
    secret: r.secret,
    userId: r.user_id,
    pageId: r.page_id,
    subject: r.subject,
    body: r.body,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    state: r.state as NotificationState,
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(r.next_attempt_at),
    deadlineAt: date(r.deadline_at),
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
    sentAt: date(r.sent_at),
  };
}

/** A fresh pending row written at `now`; its id doubles as the payload's delivery_id. */
export function outboxRow(fields: Pick<Notification, 'incidentId' | 'kind' | 'channel' | 'destination' | 'secret' | 'userId' | 'pageId' | 'subject' | 'body' | 'payload' | 'nextAttemptAt'>, now: Date): Notification {
  const id = newId('ntf', now);
  return { ...fields, id, payload: { ...fields.payload, delivery_id: id }, state: 'pending', attempts: 0, deadlineAt: null, lastError: null, createdAt: now, sentAt: null };
}

export async function insertNotifications(db: Db, rows: Notification[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('notifications')
    .values(
      rows.map((n) => ({
        id: n.id,
        incident_id: n.incidentId,
        kind: n.kind,
        channel: n.channel,
        destination: n.destination,
        secret: n.secret,
        user_id: n.userId,
        page_id: n.pageId,
        subject: n.subject,
        body: n.body,
        payload: JSON.stringify(n.payload),
        state: n.state,
        attempts: n.attempts,
        next_attempt_at: n.nextAttemptAt.toISOString(),
        deadline_at: n.deadlineAt?.toISOString() ?? null,
        last_error: n.lastError,
        created_at: n.createdAt.toISOString(),
        sent_at: n.sentAt?.toISOString() ?? null,
      })),
    )
    .execute();
}

/**
 * Takes due rows for sending: pending or failed ones whose time has come, and sending ones whose
 * lease ran out (their instance died mid-send). Claimed rows are leased until `deadline`, inside the
 * caller's transaction, skipping rows another instance holds.
 */
export async function claimDue(db: Db, now: Date, deadline: Date, limit: number): Promise<Notification[]> {
  const iso = now.toISOString();
  const query = db
    .selectFrom('notifications')
    .selectAll()
    .where((eb) => eb.or([eb.and([eb('state', 'in', ['pending', 'failed']), eb('next_attempt_at', '<=', iso)]), eb.and([eb('state', '=', 'sending'), eb('deadline_at', '<=', iso)])]))
    .orderBy('next_attempt_at')
    .limit(limit);
  const rows = (await claimSkippingLocked(db, query).execute()).map(toNotification);
  if (rows.length === 0) return rows;
  await db
    .updateTable('notifications')
    .set({ state: 'sending', deadline_at: deadline.toISOString() })
    .where('id', 'in', rows.map((r) => r.id))
    .execute();
  return rows.map((r) => ({ ...r, state: 'sending', deadlineAt: deadline }));
}

/** Records how a send went. Only a row still leased by this attempt (same deadline) is changed. */
export async function settle(db: Db, n: Pick<Notification, 'id' | 'deadlineAt'>, change: { state: NotificationState; attempts?: number; nextAttemptAt?: Date; lastError?: string | null; sentAt?: Date | null }): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set({
      state: change.state,
      ...(change.attempts !== undefined && { attempts: change.attempts }),
      ...(change.nextAttemptAt && { next_attempt_at: change.nextAttemptAt.toISOString() }),
      ...(change.lastError !== undefined && { last_error: change.lastError }),
      ...(change.sentAt !== undefined && { sent_at: change.sentAt?.toISOString() ?? null }),
      deadline_at: null,
    })
    .where('id', '=', n.id)
    .where('state', '=', 'sending')
    .where('deadline_at', '=', n.deadlineAt?.toISOString() ?? '')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Newest first. */
export async function listForIncident(db: Db, incidentId: string, limit: number): Promise<Notification[]> {
  const rows = await db.selectFrom('notifications').selectAll().where('incident_id', '=', incidentId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toNotification);
}

/** When this destination was last sent a page, for the one-page-a-minute throttle. */
export async function lastPageSentTo(db: Db, destination: string): Promise<Date | null> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.max('sent_at').as('last'))
    .where('destination', '=', destination)
    .where('kind', '=', 'page')
    .where('state', '=', 'sent')
    .executeTakeFirst();
  return row?.last ? new Date(row.last) : null;
}
