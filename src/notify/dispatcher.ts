// Delivering the outbox. Each sweep claims due rows (leased, so a crashed instance's rows come back
// after the lease; on PostgreSQL instances skip each other's rows), then, outside the transaction,
// hands each to its channel and records the outcome:
//
// - a page whose incident was acknowledged or resolved meanwhile is cancelled, never sent;
// - a person gets at most one page per contact method per `pageIntervalMs`; pages held back by that
//   become due together and go out as one bundled message;
// - a destination failing `breakerThreshold` times in a row is skipped for `breakerOpenMs` (its rows
//   wait without spending attempts), so one dead endpoint does not hold up the rest;
// - a failure is retried with exponential backoff and jitter; after `maxAttempts`, or at once when
//   the channel says retrying cannot help, the row is dead and the admins are told.
//
// Delivery is at least once: a send that succeeded just before its instance died is sent again
// after the lease; the row id travels with every message (X-Vigil-Delivery) so receivers can drop
// the repeat.
import { adminUserIds, SYSTEM_ACTOR } from '../auth/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { newId } from '../ids.js';
import type { IncidentsService } from '../incidents/index.js';
import type { UsersService } from '../users/index.js';
import { ChannelError, type ChannelKind, type Channels } from './channel.js';
import { claimDue, insertNotifications, lastPageSentTo, settle, type Notification } from './outbox.repo.js';

export interface DispatchOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  leaseMs: number;
  batch: number;
  pageIntervalMs: number;
  breakerThreshold: number;
  breakerOpenMs: number;
}

/** 6 attempts, 1, 2, 4, 8 and 16 minutes apart (± 20 %): about 31 minutes before a row is dead. */
export const DEFAULT_DISPATCH: DispatchOptions = { maxAttempts: 6, baseDelayMs: 60_000, maxDelayMs: 30 * 60_000, leaseMs: 30_000, batch: 50, pageIntervalMs: 60_000, breakerThreshold: 5, breakerOpenMs: 60_000 };

export interface DispatcherDeps {
  db: Db;
  clock: Clock;
  channels: Channels;
  incidents: IncidentsService;
  users: UsersService;
  options?: Partial<DispatchOptions>;
  random?: () => number;
}

/** Delay before attempt `attempts + 1`: base · 2^(attempts−1), capped, with ±20 % jitter. */
export function backoffMs(attempts: number, o: Pick<DispatchOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const plain = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

export function createDispatcher(deps: DispatcherDeps) {
  const { db, clock, channels, incidents, users } = deps;
  const o: DispatchOptions = { ...DEFAULT_DISPATCH, ...deps.options };
  const random = deps.random ?? Math.random;
  const breakers = new Map<string, { failures: number; openUntil: number }>();

  async function timeline(n: Notification, kind: string, data: Record<string, unknown>, at: Date): Promise<void> {
    if (!n.incidentId) return;
    const inc = incidents.within(db);
    const incident = await inc.load(n.incidentId).catch(() => undefined);
    if (incident) await inc.record(incident, SYSTEM_ACTOR, kind, { notification_id: n.id, kind: n.kind, channel: n.channel, ...data }, at);
  }

  /** Tells every admin (each of their contact methods) that a notification could not be delivered. */
  async function alertAdmins(n: Notification, reason: string, now: Date): Promise<void> {
    if (n.kind === 'dead_letter') return; // an undeliverable alert about an undeliverable alert stops here
    const rows: Notification[] = [];
    for (const userId of await adminUserIds(db)) {
      for (const method of await users.contactMethodsOf(userId)) {
        const id = newId('ntf', now);
        const subject = `Vigil could not deliver a ${n.kind} by ${n.channel}`;
        const body = `Notification ${n.id} (${n.kind}, ${n.channel}) is dead after ${n.attempts + 1} attempt(s): ${reason}.`;
        rows.push({ id, incidentId: n.incidentId, kind: 'dead_letter', channel: method.kind as ChannelKind, destination: method.address, secret: method.secret, userId, pageId: null, subject, body, payload: { event: 'notification.dead', message: { subject, text: body }, notification_id: n.id, delivery_id: id }, state: 'pending', attempts: 0, nextAttemptAt: now, deadlineAt: null, lastError: null, createdAt: now, sentAt: null });
      }
    }
    await insertNotifications(db, rows);
  }

  async function fail(n: Notification, error: unknown, now: Date): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const retryable = !(error instanceof ChannelError) || error.retryable;
    const attempts = n.attempts + 1;
    if (!retryable || attempts >= o.maxAttempts) {
      if (await settle(db, n, { state: 'dead', attempts, lastError: reason })) {
        await timeline(n, 'notification_dead', { attempts, error: reason }, now);
        await alertAdmins(n, reason, now);
      }
      return;
    }
    const asked = error instanceof ChannelError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
    const next = new Date(now.getTime() + Math.max(asked, backoffMs(attempts, o, random)));
    if (await settle(db, n, { state: 'failed', attempts, lastError: reason, nextAttemptAt: next })) {
      await timeline(n, 'notification_retried', { attempt: attempts, error: reason, next_attempt_at: next.toISOString() }, now);
    }
  }

  /** Sends one message standing for `group` (one row, or several pages bundled for one destination). */
  async function deliver(group: Notification[], now: Date): Promise<void> {
    const first = group[0] as Notification;
    const channel = channels[first.channel as ChannelKind];
    const message =
      group.length === 1
        ? first
        : {
            ...first,
            subject: `${group.length} pages: ${group.map((n) => n.subject).join('; ')}`.slice(0, 250),
            body: group.map((n) => n.body).join('\n\n---\n\n'),
            payload: { event: 'page', bundle: group.map((n) => n.payload), message: { subject: `${group.length} pages`, text: group.map((n) => n.subject).join('\n') }, delivery_id: first.id },
          };
    try {
      if (!channel) throw new ChannelError(`no ${first.channel} channel is configured on this server`, false);
      await channel.send({ deliveryId: first.id, channel: first.channel as ChannelKind, destination: first.destination, secret: first.secret, subject: message.subject, body: message.body, payload: message.payload });
    } catch (error) {
      // One failed request counts once towards the destination's breaker, however many rows it carried.
      const breaker = breakers.get(first.destination) ?? { failures: 0, openUntil: 0 };
      breaker.failures += 1;
      if (breaker.failures >= o.breakerThreshold) breaker.openUntil = now.getTime() + o.breakerOpenMs;
      breakers.set(first.destination, breaker);
      for (const n of group) await fail(n, error, now);
      return;
    }
    breakers.delete(first.destination);
    const sentAt = clock.now();
    for (const n of group) {
      if (await settle(db, n, { state: 'sent', attempts: n.attempts + 1, sentAt, lastError: null })) {
        await timeline(n, 'notification_sent', { destination: n.destination, attempt: n.attempts + 1, ...(group.length > 1 && { bundled: group.length }) }, sentAt);
      }
    }
  }

  /** Rows that must wait (throttle, open breaker) or not go at all (a page no longer needed). */
  async function holdBack(n: Notification, now: Date): Promise<boolean> {
    const breaker = breakers.get(n.destination);
    if (breaker && breaker.openUntil > now.getTime()) {
      await settle(db, n, { state: n.attempts > 0 ? 'failed' : 'pending', nextAttemptAt: new Date(breaker.openUntil), lastError: n.lastError ?? 'destination failing; waiting for its circuit breaker' });
      return true;
    }
    if (n.kind !== 'page') return false;
    const incident = n.incidentId ? await incidents.within(db).load(n.incidentId).catch(() => undefined) : undefined;
    if (incident && incident.status !== 'triggered') {
      await settle(db, n, { state: 'cancelled', lastError: `not sent: the incident was ${incident.status} before the page went out` });
      return true;
    }
    const last = await lastPageSentTo(db, n.destination);
    if (last && now.getTime() - last.getTime() < o.pageIntervalMs) {
      await settle(db, n, { state: n.attempts > 0 ? 'failed' : 'pending', nextAttemptAt: new Date(last.getTime() + o.pageIntervalMs) });
      return true;
    }
    return false;
  }

  return {
    /** Delivers what is due; returns how many rows it worked. */
    async sweep(): Promise<number> {
      const now = clock.now();
      const claimed = await inTransaction(db, (trx) => claimDue(trx, now, new Date(now.getTime() + o.leaseMs), o.batch));
      const groups = new Map<string, Notification[]>();
      for (const n of claimed) {
        if (await holdBack(n, now)) continue;
        // Pages due together for one destination go out as one message; everything else alone.
        const key = n.kind === 'page' ? `page\n${n.channel}\n${n.destination}` : n.id;
        groups.set(key, [...(groups.get(key) ?? []), n]);
      }
      await Promise.all([...groups.values()].map((group) => deliver(group, now)));
      return claimed.length;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
