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
// Delivery is at least once, and a repeat is always recognisable. Every notification has one id, which
// travels in every message that carries it (X-Vigil-Delivery-Ids, and `delivery_ids` in JSON bodies);
// a message's own id (X-Vigil-Delivery) is that id for a lone notification and one made from all its
// ids for a bundle. Just before a send, its rows' lease is extended to cover the slowest send plus the
// clocks' tolerance and the send is marked begun, so a healthy instance never has its send taken over.
// A row whose sender was lost mid-send comes back after the lease with that mark: it is sent again under
// the same id, or, if its incident was answered meanwhile, recorded as "unknown" (not re-sent; the first
// send may have arrived) — never as "not sent".
//
// Lock order (docs/ARCHITECTURE.md): a claim locks outbox rows only, and the writes after a send touch
// outbox rows and append timeline entries; no incident, alert or escalation row is locked here.
import { adminUserIds } from '../credentials/index.js';
import { SYSTEM_ACTOR } from '../access/index.js';
import type { Publish } from '../bus.js';
import type { Clock } from '../clock.js';
import { inTransaction, isDatabaseUnreachable, type Db } from '../db/database.js';
import { newId } from '../ids.js';
import type { IncidentsService } from '../incidents/index.js';
import type { UsersService } from '../users/index.js';
import { createHash } from 'node:crypto';
import { ChannelError, type ChannelKind, type Channels } from './channel.js';
import {
  claimDue,
  claimDuePagesFor,
  insertNotifications,
  lastPageSentTo,
  outboxBacklog,
  settle,
  settleMany,
  startSend,
  type Notification,
  type Settlement,
} from './outbox.repo.js';

/** Items by key, keys in first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Most pages one bundled message carries (any beyond go a minute later: a bound on memory, not a
 * limit a person should meet), how many it spells out in full, and how many more it names by subject.
 */
const BUNDLE_MAX = 5_000;
const BUNDLE_LISTED = 20;
const BUNDLE_NAMED = 100;

export interface DispatchOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * How long a claim may take to reach its send, and the longest a send may take (every channel gives up
   * sooner: HTTP and the SMS/voice gateway after 10 s, SMTP after 10 s without progress).
   */
  leaseMs: number;
  /**
   * How far instances' clocks may disagree. Leases are this much longer, so an instance whose clock runs
   * ahead never takes over a row another instance is still sending (VIGIL_CLOCK_TOLERANCE).
   */
  clockToleranceMs: number;
  batch: number;
  pageIntervalMs: number;
  breakerThreshold: number;
  breakerOpenMs: number;
}

/** 6 attempts, 1, 2, 4, 8 and 16 minutes apart (± 20 %): about 31 minutes before a row is dead. */
export const DEFAULT_DISPATCH: DispatchOptions = {
  maxAttempts: 6,
  baseDelayMs: 60_000,
  maxDelayMs: 30 * 60_000,
  leaseMs: 30_000,
  clockToleranceMs: 60_000,
  batch: 50,
  pageIntervalMs: 60_000,
  breakerThreshold: 5,
  breakerOpenMs: 60_000,
};

/** A bundle's message id: the same for the same pages, whatever their order, and different for any other set. */
export function bundleId(ids: readonly string[]): string {
  return `ntb_${createHash('sha256')
    .update([...ids].sort().join(','))
    .digest('hex')
    .slice(0, 32)}`;
}

/** What the dispatcher publishes on the app's bus (app.ts wires who reacts). */
export interface DeliveryEvents {
  /**
   * Notifications a channel accepted, inside the transaction that records them as sent (a reaction's writes
   * commit with that record); only those this attempt still held, so each is told once.
   */
  'notification.delivered': {
    trx: Db;
    notifications: ReadonlyArray<Pick<Notification, 'id' | 'incidentId' | 'kind'>>;
    at: Date;
  };
}

export interface DispatcherDeps {
  db: Db;
  clock: Clock;
  channels: Channels;
  incidents: IncidentsService;
  users: UsersService;
  publish: Publish<DeliveryEvents>;
  options?: Partial<DispatchOptions>;
  random?: () => number;
}

/** Delay before attempt `attempts + 1`: base · 2^(attempts−1), capped, with ±20 % jitter. */
export function backoffMs(
  attempts: number,
  o: Pick<DispatchOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const plain = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

export function createDispatcher(deps: DispatcherDeps) {
  const { db, clock, channels, incidents, users, publish } = deps;
  const o: DispatchOptions = { ...DEFAULT_DISPATCH, ...deps.options };
  const random = deps.random ?? Math.random;
  const breakers = new Map<string, { failures: number; openUntil: number }>();
  /** Where a lease taken or extended at `at` ends. */
  const leaseEnd = (at: Date) => new Date(at.getTime() + o.leaseMs + o.clockToleranceMs);

  /** Timeline entries about deliveries, one statement each for the events and their audit rows. */
  async function timeline(
    q: Db,
    entries: Array<{ n: Notification; kind: string; data: Record<string, unknown> }>,
    at: Date,
  ): Promise<void> {
    const about = entries.filter((e) => e.n.incidentId !== null);
    if (about.length === 0) return;
    const numbers = new Map(
      (await incidents.within(q).states(about.map((e) => e.n.incidentId as string))).map((i) => [i.id, i.number]),
    );
    await incidents.within(q).recordMany(
      about.flatMap(({ n, kind, data }) => {
        const number = numbers.get(n.incidentId as string);
        return number
          ? [
              {
                incident: { id: n.incidentId as string, number },
                actor: SYSTEM_ACTOR,
                kind,
                data: { notification_id: n.id, kind: n.kind, channel: n.channel, ...data },
                at,
              },
            ]
          : [];
      }),
    );
  }

  /**
   * Runs `write`, which records what a send did, until it succeeds, waiting out a database that cannot be reached
   * for up to the lease. The message is out; if its record were lost here, the row would stay "sending" and
   * another instance would send it again once the lease ran out.
   */
  async function recordOutcome(write: () => Promise<void>): Promise<void> {
    const giveUpAt = performance.now() + o.leaseMs;
    for (let wait = 200; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        return await write();
      } catch (error) {
        if (!isDatabaseUnreachable(error) || performance.now() + wait > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /**
   * Settles `rows` by `change` and writes a `kind` timeline entry (with `data(n)`) for each row this attempt
   * still held; returns those rows.
   */
  async function settleAndRecord(
    trx: Db,
    rows: Notification[],
    change: (n: Notification) => Settlement,
    kind: string,
    data: (n: Notification) => Record<string, unknown>,
    at: Date,
  ): Promise<Notification[]> {
    const settled = await settleMany(trx, rows, change);
    const held = rows.filter((n) => settled.has(n.id));
    await timeline(
      trx,
      held.map((n) => ({ n, kind, data: data(n) })),
      at,
    );
    return held;
  }

  /** Tells every admin (each of their contact methods) that a notification could not be delivered. */
  async function alertAdmins(q: Db, n: Notification, reason: string, now: Date): Promise<void> {
    if (n.kind === 'dead_letter') return; // an undeliverable alert about an undeliverable alert stops here
    const rows: Notification[] = [];
    for (const userId of await adminUserIds(q)) {
      for (const method of await users.contactMethodsOf(userId, q)) {
        const id = newId('ntf', now);
        const subject = `Vigil could not deliver a ${n.kind} by ${n.channel}`;
        const body =
          `Notification ${n.id} (${n.kind}, ${n.channel}) is dead after ${n.attempts + 1} attempt(s): ` + `${reason}.`;
        rows.push({
          id,
          incidentId: n.incidentId,
          kind: 'dead_letter',
          channel: method.kind as ChannelKind,
          destination: method.address,
          secret: method.secret,
          userId,
          pageId: null,
          subject,
          body,
          payload: {
            event: 'notification.dead',
            message: { subject, text: body },
            notification_id: n.id,
            delivery_id: id,
          },
          state: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          deadlineAt: null,
          lastError: null,
          createdAt: now,
          sentAt: null,
          sendStartedAt: null,
        });
      }
    }
    await insertNotifications(q, rows);
  }

  /** A failed send of these rows: each is retried after its backoff, or is dead (and the admins are told). */
  async function fail(group: Notification[], error: unknown, now: Date): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const retryable = !(error instanceof ChannelError) || error.retryable;
    const asked = error instanceof ChannelError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
    // A refusal is a known outcome; after a timeout or a broken connection the message may have arrived.
    const known = error instanceof ChannelError && !error.outcomeUnknown ? { sendStartedAt: null } : {};
    await recordOutcome(() =>
      inTransaction(db, async (trx) => {
        const entries: Array<{ n: Notification; kind: string; data: Record<string, unknown> }> = [];
        for (const n of group) {
          const attempts = n.attempts + 1;
          if (!retryable || attempts >= o.maxAttempts) {
            if (await settle(trx, n, { state: 'dead', attempts, lastError: reason, ...known })) {
              entries.push({ n, kind: 'notification_dead', data: { attempts, error: reason } });
              await alertAdmins(trx, n, reason, now);
            }
            continue;
          }
          const next = new Date(now.getTime() + Math.max(asked, backoffMs(attempts, o, random)));
          if (await settle(trx, n, { state: 'failed', attempts, lastError: reason, nextAttemptAt: next, ...known })) {
            entries.push({
              n,
              kind: 'notification_retried',
              data: { attempt: attempts, error: reason, next_attempt_at: next.toISOString() },
            });
          }
        }
        await timeline(trx, entries, now);
      }),
    );
  }

  /** The subjects of `rows`, one a line, the first BUNDLE_NAMED of them and then how many more. */
  const names = (rows: Notification[]) =>
    [
      ...rows.slice(0, BUNDLE_NAMED).map((n) => n.subject),
      ...(rows.length > BUNDLE_NAMED ? [`… ${rows.length - BUNDLE_NAMED} more`] : []),
    ].join('\n');

  /**
   * Starts the sends of `groups` (each one message) together: pages are checked against their incidents once
   * more (an acknowledgement that came after the claim, whose own check can be seconds old under load, still
   * stops them), then every row's lease is extended and its send marked begun, in one transaction. Returns the
   * groups as they go out, and the ids whose earlier sender was lost mid-send (a success now is a re-send).
   */
  async function startSends(groups: Notification[][]): Promise<{ ready: Notification[][]; resent: Set<string> }> {
    const pages = groups.flat().filter((n) => n.kind === 'page');
    const due = new Set((await dropAnswered(pages)).map((n) => n.id));
    const current = groups.map((g) => g.filter((n) => n.kind !== 'page' || due.has(n.id))).filter((g) => g.length);
    const rows = current.flat();
    const resent = new Set(rows.filter((n) => n.sendStartedAt !== null).map((n) => n.id));
    if (rows.length === 0) return { ready: [], resent };
    const at = clock.now();
    // A row taken over meanwhile (this instance stalled past its lease) is left out and not sent.
    const started = new Map(
      (await inTransaction(db, (trx) => startSend(trx, rows, leaseEnd(at), at))).map((n) => [n.id, n]),
    );
    const ready = current.map((g) => g.flatMap((n) => started.get(n.id) ?? [])).filter((g) => g.length > 0);
    return { ready, resent };
  }

  /** Sends one message standing for `group` (one row, or pages bundled for one destination), begun by startSends. */
  async function deliver(group: Notification[], now: Date, resent: ReadonlySet<string>): Promise<void> {
    const first = group[0] as Notification;
    const channel = channels[first.channel as ChannelKind];
    const ids = group.map((n) => n.id);
    const messageId = group.length === 1 ? first.id : bundleId(ids);
    const listed = group.slice(0, BUNDLE_LISTED);
    const more = group.length - listed.length;
    const message =
      group.length === 1
        ? { ...first, payload: { ...first.payload, delivery_ids: ids } }
        : {
            ...first,
            subject: `${group.length} pages: ${listed.map((n) => n.subject).join('; ')}`.slice(0, 250),
            body: [
              ...listed.map((n) => n.body),
              ...(more > 0 ? [`… and ${more} more:\n${names(group.slice(BUNDLE_LISTED))}`] : []),
            ].join('\n\n---\n\n'),
            payload: {
              event: 'page',
              bundle: listed.map((n) => n.payload),
              bundled: group.length,
              message: { subject: `${group.length} pages`, text: names(group) },
              delivery_id: messageId,
              delivery_ids: ids,
            },
          };
    try {
      if (!channel) throw new ChannelError(`no ${first.channel} channel is configured on this server`, false);
      await channel.send({
        deliveryId: messageId,
        deliveryIds: ids,
        channel: first.channel as ChannelKind,
        destination: first.destination,
        secret: first.secret,
        subject: message.subject,
        body: message.body,
        payload: message.payload,
      });
    } catch (error) {
      // One failed request counts once towards the destination's breaker, however many rows it carried.
      const breaker = breakers.get(first.destination) ?? { failures: 0, openUntil: 0 };
      breaker.failures += 1;
      if (breaker.failures >= o.breakerThreshold) breaker.openUntil = now.getTime() + o.breakerOpenMs;
      breakers.set(first.destination, breaker);
      await fail(group, error, now);
      return;
    }
    breakers.delete(first.destination);
    const sentAt = clock.now();
    // The outcome of every row the message carried, and their timeline entries, in one transaction.
    await recordOutcome(() =>
      inTransaction(db, async (trx) => {
        const sent = await settleAndRecord(
          trx,
          group,
          (n) => ({ state: 'sent', attempts: n.attempts + 1, sentAt, lastError: null, sendStartedAt: null }),
          'notification_sent',
          (n) => ({
            destination: n.destination,
            attempt: n.attempts + 1,
            ...(group.length > 1 && { bundled: group.length, message_id: messageId }),
            ...(resent.has(n.id) && { resent_after_lost_sender: true }),
          }),
          sentAt,
        );
        if (sent.length > 0) await publish('notification.delivered', { trx, notifications: sent, at: sentAt });
      }),
    );
  }

  /** Puts rows back to wait until `until` without spending an attempt. */
  function holdUntil(rows: Notification[], until: Date, lastError?: string): Promise<Set<string>> {
    return settleMany(db, rows, (n) => ({
      state: n.attempts > 0 ? 'failed' : 'pending',
      nextAttemptAt: until,
      ...(lastError !== undefined && { lastError: n.lastError ?? lastError }),
    }));
  }

  /**
   * Pages whose incident was acknowledged or resolved meanwhile are not sent: "cancelled" when no send of
   * theirs ever began, "unknown" when one began and its sender was lost (it may have arrived). Returns the rest.
   */
  async function dropAnswered(pages: Notification[]): Promise<Notification[]> {
    if (pages.length === 0) return pages;
    const status = new Map(
      (await incidents.within(db).states([...new Set(pages.flatMap((n) => (n.incidentId ? [n.incidentId] : [])))])).map(
        (i) => [i.id, i.status],
      ),
    );
    const answered = pages.filter(
      (n) => n.incidentId && status.has(n.incidentId) && status.get(n.incidentId) !== 'triggered',
    );
    const at = clock.now();
    for (const [key, rows] of groupBy(
      answered,
      (n) => `${status.get(n.incidentId as string) as string}\n${n.sendStartedAt ? 'lost' : 'never'}`,
    )) {
      const [state, sendBegan] = key.split('\n') as [string, string];
      if (sendBegan === 'never') {
        await settleMany(db, rows, () => ({
          state: 'cancelled',
          lastError: `not sent: the incident was ${state} before the page went out`,
        }));
        continue;
      }
      const reason =
        `not re-sent: the incident was ${state}; an earlier send's outcome is unknown ` +
        '(its sender stopped before recording it)';
      await inTransaction(db, (trx) =>
        settleAndRecord(
          trx,
          rows,
          () => ({ state: 'unknown', lastError: reason }),
          'notification_unknown',
          (n) => ({ destination: n.destination, send_started_at: n.sendStartedAt?.toISOString(), reason }),
          at,
        ),
      );
    }
    const dropped = new Set(answered);
    return pages.filter((n) => !dropped.has(n));
  }

  return {
    /** Notifications due at `now`, the oldest due time, and how many went dead since `deadSince`. */
    backlog: (now: Date, deadSince: Date) => outboxBacklog(db, now, deadSince),

    /** Delivers what is due; returns how many rows it worked. */
    async sweep(): Promise<number> {
      const now = clock.now();
      const deadline = leaseEnd(now);
      const claimed = await inTransaction(db, (trx) => claimDue(trx, now, deadline, o.batch));
      let worked = claimed.length;
      // A destination whose breaker is open waits for it, spending no attempt.
      const ready: Notification[] = [];
      for (const [destination, rows] of groupBy(claimed, (n) => n.destination)) {
        const breaker = breakers.get(destination);
        if (breaker && breaker.openUntil > now.getTime())
          await holdUntil(rows, new Date(breaker.openUntil), 'destination failing; waiting for its circuit breaker');
        else ready.push(...rows);
      }
      const sends: Notification[][] = ready.filter((n) => n.kind !== 'page').map((n) => [n]);
      // Pages: one message per destination at most every pageIntervalMs, carrying every page due for it.
      for (const pages of groupBy(
        await dropAnswered(ready.filter((n) => n.kind === 'page')),
        (n) => `${n.channel}\n${n.destination}`,
      ).values()) {
        const { channel, destination } = pages[0] as Notification;
        const last = await lastPageSentTo(db, destination);
        if (last && now.getTime() - last.getTime() < o.pageIntervalMs) {
          await holdUntil(pages, new Date(last.getTime() + o.pageIntervalMs));
          continue;
        }
        const more = await inTransaction(db, (trx) =>
          claimDuePagesFor(trx, channel, destination, now, deadline, BUNDLE_MAX - pages.length),
        );
        worked += more.length;
        sends.push([...pages, ...more]); // answered ones are dropped as the sends start (startSends)
      }
      // Lone messages start together (one write for all of them); each page bundle starts on its own, so a
      // large bundle's checks never hold up the stakeholders' messages.
      const send = async (groups: Notification[][]) => {
        const { ready, resent } = await startSends(groups);
        await Promise.all(ready.map((group) => deliver(group, now, resent)));
      };
      const groups = sends.filter((group) => group.length > 0);
      await Promise.all([
        send(groups.filter((group) => group[0]?.kind !== 'page')),
        ...groups.filter((group) => group[0]?.kind === 'page').map((group) => send([group])),
      ]);
      return worked;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
