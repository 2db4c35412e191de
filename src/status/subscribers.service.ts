// Status-page subscribers: e-mail addresses (double opt-in: nothing but the confirmation is sent until its
// signed link is followed) and webhook endpoints (checked by the SSRF guard when given and again at each
// send; their messages signed with a secret shown once). Every message goes through the outbox, carries
// a one-click unsubscribe link, and an unsubscribe deletes the row: addresses are personal data, kept no
// longer than wanted, shown to admins only, never listed by the public API.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { authorize, Brake, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { checkUrl, parseAllowlist } from '../net/index.js';
import type { Notice, NotifyService } from '../notify/index.js';
import {
  confirmedSubscribers,
  confirmSubscriber,
  countSubscribers,
  deleteSubscriber,
  findComponent,
  findSubscriber,
  findSubscriberByAddress,
  insertSubscribers,
  listComponents,
  listSubscribers,
  markConfirmSent,
  type Maintenance,
  type PublishedIncident,
  type StatusSettings,
  type StatusUpdate,
  type Subscriber,
} from './status.repo.js';

export interface SubscribersDeps {
  db: Db;
  clock: Clock;
  notify: Pick<NotifyService, 'toDestinations'>;
  settingsIn: (q: Db) => Promise<StatusSettings>;
  /** The public page's absolute URL, e.g. https://status.example.com/status. */
  pageUrl: string;
  outboundAllow?: string | undefined;
}

/** Subscribe attempts one IP may make a minute, and confirmation mails one address may get an hour. */
const SUBSCRIBE_PER_IP_PER_MINUTE = 5;
const CONFIRMS_PER_ADDRESS_PER_HOUR = 3;
/** A pending address asking again within this gets no second confirmation mail. */
const RESEND_AFTER_MS = 10 * 60_000;

type Purpose = 'confirm' | 'unsubscribe';

const STATUS_WORDS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

export function createSubscribersService(deps: SubscribersDeps) {
  const { db, clock, notify, settingsIn, pageUrl } = deps;
  const allow = parseAllowlist(deps.outboundAllow);
  const perIp = new Brake(SUBSCRIBE_PER_IP_PER_MINUTE, 60_000);
  const perAddress = new Brake(CONFIRMS_PER_ADDRESS_PER_HOUR, 3_600_000);

  const mac = (key: string, purpose: Purpose, id: string) =>
    createHmac('sha256', key).update(`${purpose}:${id}`).digest('base64url');

  /** A link token: the subscriber's id and an HMAC of it for one purpose, so a confirm link cannot unsubscribe. */
  const tokenFor = (key: string, purpose: Purpose, id: string) => `${id}.${mac(key, purpose, id)}`;

  /** The subscriber id a token names, if its signature holds; else a 400 that changes nothing. */
  async function idFrom(q: Db, token: string, purpose: Purpose): Promise<string> {
    const bad = () =>
      new AppError('subscriber.invalid_token', 'the link is malformed or not valid', { field: 'token' });
    const [id, sig, extra] = token.split('.');
    if (!id || !sig || extra !== undefined || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw bad();
    const expected = Buffer.from(mac((await settingsIn(q)).signingKey, purpose, id));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad();
    return id;
  }

  const link = (path: string, token: string) => `${pageUrl}/${path}?token=${encodeURIComponent(token)}`;

  function confirmationNotice(settings: StatusSettings, s: Subscriber, at: Date): Notice {
    const url = link('subscribers/confirm', tokenFor(settings.signingKey, 'confirm', s.id));
    return {
      kind: 'status_confirm',
      incidentId: null,
      subject: `Confirm your subscription to ${settings.name}`,
      text: [
        `Someone (we hope you) asked to receive status updates from ${settings.name} at this address.`,
        '',
        `Confirm: ${url}`,
        '',
        'If it was not you, ignore this message: nothing more will be sent.',
      ].join('\n'),
      payload: { event: 'subscription.confirm', confirm_url: url },
      at,
    };
  }

  /** The messages of one status change to every confirmed subscriber of one of `componentIds` (or of all). */
  async function fanOut(
    trx: Db,
    componentIds: readonly string[],
    message: { subject: string; lines: string[]; event: string; data: Record<string, unknown> },
    at: Date,
  ): Promise<number> {
    const settings = await settingsIn(trx);
    const touched = new Set(componentIds);
    const audience = (await confirmedSubscribers(trx)).filter(
      (s) => s.componentIds === null || touched.size === 0 || s.componentIds.some((id) => touched.has(id)),
    );
    return notify.toDestinations(
      trx,
      audience.map((s) => {
        const unsubscribe = link('unsubscribe', tokenFor(settings.signingKey, 'unsubscribe', s.id));
        return {
          notice: {
            kind: 'status',
            incidentId: null,
            subject: `[${settings.name}] ${message.subject}`,
            text: [...message.lines, '', `Unsubscribe: ${unsubscribe}`].join('\n'),
            payload: {
              event: message.event,
              page: { id: 'page', name: settings.name, url: pageUrl },
              ...message.data,
              unsubscribe_url: unsubscribe,
            },
            at,
          },
          to: { kind: s.kind, address: s.address, secret: s.secret },
        };
      }),
    );
  }

  return {
    /**
     * Subscribes an e-mail address (a confirmation mail goes out; nothing else until it is confirmed) or a
     * webhook endpoint (live at once; its signing secret is returned this once). The same answer whether or
     * not the address was known, so the endpoint does not tell who subscribes.
     */
    async subscribe(
      input: { email?: string | undefined; endpoint?: string | undefined; componentIds?: string[] | undefined },
      ip: string,
    ): Promise<{ kind: 'email' | 'webhook'; state: 'pending' | 'confirmed'; secret?: string }> {
      const now = clock.now();
      const kind = input.email !== undefined ? 'email' : 'webhook';
      const address =
        kind === 'email' ? (input.email as string).trim().toLowerCase() : (input.endpoint as string).trim();
      const wait = Math.max(perIp.retryAfter([ip], now), perAddress.retryAfter([address], now));
      if (wait > 0)
        throw new AppError(
          'subscriber.rate_limited',
          `too many subscribe attempts; try again in ${wait} s`,
          { retry_after_s: wait },
          'rate_limited',
        );
      perIp.fail([ip], now);
      if (kind === 'webhook') {
        const verdict = checkUrl(address, allow);
        if (!verdict.ok)
          throw new AppError(
            'subscriber.forbidden_endpoint',
            `endpoint: ${verdict.reason}`,
            { field: 'endpoint' },
            'unprocessable',
          );
      }
      return inTransaction(db, async (trx) => {
        for (const id of input.componentIds ?? [])
          if (!(await findComponent(trx, id)))
            throw new AppError(
              'status.unknown_component',
              `component_ids: ${JSON.stringify(id)} is not a component id`,
              {
                field: 'component_ids',
              },
              'unprocessable',
            );
        const settings = await settingsIn(trx);
        const known = await findSubscriberByAddress(trx, kind, address);
        if (known) {
          if (
            kind === 'email' &&
            known.state === 'pending' &&
            (!known.confirmSentAt || now.getTime() - known.confirmSentAt.getTime() >= RESEND_AFTER_MS)
          ) {
            perAddress.fail([address], now);
            await notify.toDestinations(trx, [
              { notice: confirmationNotice(settings, known, now), to: { kind: 'email', address, secret: null } },
            ]);
            await markConfirmSent(trx, known.id, now);
          }
          return { kind, state: kind === 'email' ? 'pending' : known.state };
        }
        const secret = kind === 'webhook' ? randomBytes(24).toString('base64url') : null;
        const s: Subscriber = {
          id: newId('sub', now),
          kind,
          address,
          secret,
          componentIds: input.componentIds?.length ? [...new Set(input.componentIds)] : null,
          state: kind === 'email' ? 'pending' : 'confirmed',
          createdAt: now,
          confirmedAt: kind === 'email' ? null : now,
          confirmSentAt: kind === 'email' ? now : null,
        };
        await insertSubscribers(trx, [s]);
        if (kind === 'email') {
          perAddress.fail([address], now);
          await notify.toDestinations(trx, [
            { notice: confirmationNotice(settings, s, now), to: { kind: 'email', address, secret: null } },
          ]);
        }
        return { kind, state: s.state, ...(secret && { secret }) };
      });
    },

    /** Confirms an e-mail subscription from its link; a malformed or used token is a 400 that changes nothing. */
    async confirm(token: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        const id = await idFrom(trx, token, 'confirm');
        if (!(await confirmSubscriber(trx, id, clock.now())))
          throw new AppError('subscriber.invalid_token', 'the link was used already or the subscription is gone', {
            field: 'token',
          });
      });
    },

    /** Ends a subscription from its link (the row is deleted); true if there was one to end. */
    async unsubscribe(token: string): Promise<boolean> {
      return inTransaction(db, async (trx) => deleteSubscriber(trx, await idFrom(trx, token, 'unsubscribe')));
    },

    /** Subscribers for admins (personal data): a page in id order, with the counts. */
    async list(actor: Actor, q: { after?: string | undefined; limit: number }) {
      authorize(actor, 'user.write');
      const rows = await listSubscribers(db, q.after ?? null, q.limit + 1);
      const data = rows.slice(0, q.limit);
      return {
        data,
        nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null,
        counts: await countSubscribers(db),
      };
    },

    /** Every subscriber (admins' export, audited: it is personal data leaving Vigil). */
    async exportAll(actor: Actor): Promise<Subscriber[]> {
      authorize(actor, 'user.write');
      const all = await listSubscribers(db, null, 10_000_000);
      await audit(db, clock, actor, {
        action: 'status.subscribers_export',
        target: { type: 'status_page', id: 'page' },
        details: { count: all.length },
      });
      return all;
    },

    /** Deletes a subscriber (admins). */
    async remove(actor: Actor, id: string): Promise<void> {
      authorize(actor, 'user.write');
      await inTransaction(db, async (trx) => {
        const s = await findSubscriber(trx, id);
        if (!s) throw notFound('subscriber', id);
        await deleteSubscriber(trx, id);
        await audit(trx, clock, actor, {
          action: 'status.subscriber_delete',
          target: { type: 'subscriber', id },
          details: { kind: s.kind },
        });
      });
    },

    /** Tells the subscribers of its components about a published update, in the publishing transaction. */
    async updatePublished(trx: Db, incident: PublishedIncident, update: StatusUpdate, at: Date): Promise<number> {
      const names = new Map((await listComponents(trx)).map((c) => [c.id, c.name]));
      const affected = incident.componentIds.map((id) => names.get(id)).filter((n): n is string => n !== undefined);
      return fanOut(
        trx,
        incident.componentIds,
        {
          subject: `${incident.name}: ${STATUS_WORDS[update.status] ?? update.status}`,
          lines: [
            `${STATUS_WORDS[update.status] ?? update.status} — ${incident.name}`,
            '',
            update.body,
            ...(affected.length ? ['', `Affected: ${affected.join(', ')}`] : []),
            '',
            `${pageUrl}#incident-${incident.id}`,
          ],
          event: 'incident.updated',
          data: {
            incident: {
              id: incident.id,
              name: incident.name,
              status: incident.status,
              impact: incident.impact,
              shortlink: `${pageUrl}#incident-${incident.id}`,
              created_at: incident.createdAt.toISOString(),
              updated_at: incident.updatedAt.toISOString(),
              resolved_at: incident.resolvedAt?.toISOString() ?? null,
              components: affected,
              incident_update: {
                id: update.id,
                status: update.status,
                body: update.body,
                created_at: update.createdAt.toISOString(),
              },
            },
          },
        },
        at,
      );
    },

    /** Tells subscribers of its components that a maintenance was announced, started or completed. */
    async maintenanceChanged(trx: Db, m: Maintenance, at: Date): Promise<number> {
      if (!m.notify || m.state === 'verifying') return 0;
      const minute = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16);
      const when = `${minute(m.startsAt)} – ${minute(m.endsAt)} UTC`;
      return fanOut(
        trx,
        m.componentIds,
        {
          subject: `${m.title}: ${STATUS_WORDS[m.state] ?? m.state}`,
          lines: [
            `${STATUS_WORDS[m.state] ?? m.state} — ${m.title}`,
            when,
            '',
            m.body,
            '',
            `${pageUrl}#maintenance-${m.id}`,
          ],
          event: 'maintenance.updated',
          data: {
            scheduled_maintenance: {
              id: m.id,
              name: m.title,
              status: m.state,
              scheduled_for: m.startsAt.toISOString(),
              scheduled_until: m.endsAt.toISOString(),
              body: m.body,
            },
          },
        },
        at,
      );
    },
  };
}

export type SubscribersService = ReturnType<typeof createSubscribersService>;
