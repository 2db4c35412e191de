// The outbox: one row per message to deliver, written in the transaction of whatever caused it, and
// moved along by the dispatcher: pending → sending (leased until deadline_at) → sent | failed (due
// again at next_attempt_at) | dead | cancelled (never sent) | unknown (not re-sent, and an earlier send
// whose sender was lost may or may not have arrived). send_started_at is set when a send begins and
// cleared once its outcome is known, so a row taken over from a lost sender says so.
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';
import { claimSkippingLocked } from '../db/lease.js';
import type { Updateable } from 'kysely';
import type { NotificationsTable } from '../db/schema.js';
import { newId } from '../ids.js';

export const NOTIFICATION_STATES = ['pending', 'sending', 'sent', 'failed', 'dead', 'cancelled', 'unknown'] as const;
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
  /** When a send began whose outcome is not known yet (its sender may have been lost mid-send). */
  sendStartedAt: Date | null;
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
    sendStartedAt: date(r.send_started_at),
  };
}

/** A fresh pending row written at `now`; its id doubles as the payload's delivery_id. */
export function outboxRow(
  fields: Pick<
    Notification,
    | 'incidentId'
    | 'kind'
    | 'channel'
    | 'destination'
    | 'secret'
    | 'userId'
    | 'pageId'
    | 'subject'
    | 'body'
    | 'payload'
    | 'nextAttemptAt'
  >,
  now: Date,
): Notification {
  const id = newId('ntf', now);
  return {
    ...fields,
    id,
    payload: { ...fields.payload, delivery_id: id },
    state: 'pending',
    attempts: 0,
    deadlineAt: null,
    lastError: null,
    createdAt: now,
    sentAt: null,
    sendStartedAt: null,
  };
}

export async function insertNotifications(db: Db, rows: Notification[]): Promise<void> {
  for (const part of chunks(rows, 64)) {
    await db
      .insertInto('notifications')
      .values(
        part.map((n) => ({
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
          send_started_at: n.sendStartedAt?.toISOString() ?? null,
        })),
      )
      .execute();
  }
}

/** Marks claimed rows as sending, leased until `deadline`. */
async function lease(db: Db, rows: Notification[], deadline: Date): Promise<Notification[]> {
  for (const part of chunks(
    rows.map((r) => r.id),
    256,
  ))
    await db
      .updateTable('notifications')
      .set({ state: 'sending', deadline_at: deadline.toISOString() })
      .where('id', 'in', part)
      .execute();
  return rows.map((r) => ({ ...r, state: 'sending', deadlineAt: deadline }));
}

/**
 * Takes due rows for sending: sending ones whose lease ran out (their instance died mid-send) first,
 * then pending or failed ones whose time has come, oldest due first. Claimed rows are leased until
 * `deadline`, inside the caller's transaction, skipping rows another instance holds. One query per
 * state, each an ordered walk of an index, so a long backlog is not sorted on every claim.
 */
export async function claimDue(db: Db, now: Date, deadline: Date, limit: number): Promise<Notification[]> {
  const iso = now.toISOString();
  const expired = await claimSkippingLocked(
    db,
    db
      .selectFrom('notifications')
      .selectAll()
      .where('state', '=', 'sending')
      .where('deadline_at', '<=', iso)
      .orderBy('deadline_at')
      .limit(limit),
  ).execute();
  const waiting = [];
  for (const state of ['pending', 'failed'] as const) {
    if (expired.length + waiting.length >= limit) break;
    waiting.push(
      ...(await claimSkippingLocked(
        db,
        db
          .selectFrom('notifications')
          .selectAll()
          .where('state', '=', state)
          .where('next_attempt_at', '<=', iso)
          .orderBy('next_attempt_at')
          .limit(limit),
      ).execute()),
    );
  }
  waiting.sort((a, b) => (a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : 0));
  const rows = [...expired, ...waiting].slice(0, limit).map(toNotification);
  return rows.length ? lease(db, rows, deadline) : rows;
}

/** More due pages for one destination (to go out in the same bundle), leased like claimDue's. */
export async function claimDuePagesFor(
  db: Db,
  channel: string,
  destination: string,
  now: Date,
  deadline: Date,
  limit: number,
): Promise<Notification[]> {
  if (limit <= 0) return [];
  const rows = await claimSkippingLocked(
    db,
    db
      .selectFrom('notifications')
      .selectAll()
      .where('destination', '=', destination)
      .where('state', 'in', ['pending', 'failed'])
      .where('next_attempt_at', '<=', now.toISOString())
      .where('kind', '=', 'page')
      .where('channel', '=', channel)
      .orderBy('next_attempt_at')
      .limit(limit),
  ).execute();
  return rows.length ? lease(db, rows.map(toNotification), deadline) : [];
}

/**
 * Marks a send as begun, just before it goes out: the rows' lease moves to `deadline` (long enough for the
 * slowest send, so no other instance takes them over mid-send) and send_started_at to `at`. Returns the rows
 * still leased by this attempt, updated; a row taken over meanwhile is left out and must not be sent.
 */
export async function startSend(db: Db, rows: Notification[], deadline: Date, at: Date): Promise<Notification[]> {
  const byDeadline = new Map<string, string[]>();
  for (const n of rows) {
    const key = n.deadlineAt?.toISOString() ?? '';
    const ids = byDeadline.get(key);
    if (ids) ids.push(n.id);
    else byDeadline.set(key, [n.id]);
  }
  const ours = new Set<string>();
  const set = { deadline_at: deadline.toISOString(), send_started_at: at.toISOString() };
  for (const [old, ids] of byDeadline) for (const id of await updateLeased(db, ids, old, set)) ours.add(id);
  return rows.filter((n) => ours.has(n.id)).map((n) => ({ ...n, deadlineAt: deadline, sendStartedAt: at }));
}

/**
 * Applies `set` to those of `ids` still leased by the attempt that holds `deadline` (state sending, same
 * deadline_at), in chunks; returns the ids it changed. A row another instance took over is left alone.
 */
async function updateLeased(
  db: Db,
  ids: string[],
  deadline: string,
  set: Updateable<NotificationsTable>,
): Promise<string[]> {
  const changed: string[] = [];
  for (const part of chunks(ids, 256)) {
    const updated = await db
      .updateTable('notifications')
      .set(set)
      .where('id', 'in', part)
      .where('state', '=', 'sending')
      .where('deadline_at', '=', deadline)
      .returning('id')
      .execute();
    for (const r of updated) changed.push(r.id);
  }
  return changed;
}

export interface Settlement {
  state: NotificationState;
  attempts?: number;
  nextAttemptAt?: Date;
  lastError?: string | null;
  sentAt?: Date | null;
  /** null once the outcome of the latest send is known; left as it is when undefined. */
  sendStartedAt?: null;
}

/**
 * settle() for many rows at once: rows whose change is the same (and that share a lease) go in one
 * statement. Returns the ids it changed (a row no longer leased by this attempt is left alone).
 */
export async function settleMany<T extends Pick<Notification, 'id' | 'deadlineAt' | 'attempts'>>(
  db: Db,
  rows: T[],
  change: (n: T) => Settlement,
): Promise<Set<string>> {
  const changed = new Set<string>();
  const groups = new Map<string, { deadline: string; change: Settlement; ids: string[] }>();
  for (const r of rows) {
    const c = change(r);
    const deadline = r.deadlineAt?.toISOString() ?? '';
    const key =
      `${deadline}\n${c.state}\n${c.attempts ?? ''}\n${c.nextAttemptAt?.toISOString() ?? ''}\n` +
      `${c.lastError ?? ''}\n${c.sentAt?.toISOString() ?? ''}\n${c.sendStartedAt === null}`;
    const group = groups.get(key) ?? { deadline, change: c, ids: [] };
    group.ids.push(r.id);
    groups.set(key, group);
  }
  for (const { deadline, change: c, ids } of groups.values()) {
    const set = {
      state: c.state,
      ...(c.attempts !== undefined && { attempts: c.attempts }),
      ...(c.nextAttemptAt && { next_attempt_at: c.nextAttemptAt.toISOString() }),
      ...(c.lastError !== undefined && { last_error: c.lastError }),
      ...(c.sentAt !== undefined && { sent_at: c.sentAt?.toISOString() ?? null }),
      ...(c.sendStartedAt === null && { send_started_at: null }),
      deadline_at: null,
    };
    for (const id of await updateLeased(db, ids, deadline, set)) changed.add(id);
  }
  return changed;
}

/** Records how a send went. Only a row still leased by this attempt (same deadline) is changed. */
export async function settle(
  db: Db,
  n: Pick<Notification, 'id' | 'deadlineAt' | 'attempts'>,
  change: Settlement,
): Promise<boolean> {
  return (await settleMany(db, [n], () => change)).has(n.id);
}

/** Newest first. */
export async function listForIncident(db: Db, incidentId: string, limit: number): Promise<Notification[]> {
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
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

/** Notifications due for delivery at `now`, the oldest due time, and how many went dead since `deadSince`. */
export async function outboxBacklog(
  db: Db,
  now: Date,
  deadSince: Date,
): Promise<{ due: number; oldest: Date | null; dead: number }> {
  const due = await db
    .selectFrom('notifications')
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('state', 'in', ['pending', 'failed'])
    .where('next_attempt_at', '<=', now.toISOString())
    .executeTakeFirst();
  const dead = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('state', '=', 'dead')
    .where('created_at', '>=', deadSince.toISOString())
    .executeTakeFirst();
  return { due: Number(due?.n ?? 0), oldest: due?.oldest ? new Date(due.oldest) : null, dead: Number(dead?.n ?? 0) };
}
