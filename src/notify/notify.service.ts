// Turning pages into messages, and what people configure about it. A page (from the escalation
// engine) becomes one outbox row per notification rule of the person paged — "email at 0, SMS at
// 2 min" — each due at the page's time plus the rule's delay; a person without rules gets every
// contact method at once. The rows are written in the page's own transaction, so a page is never
// lost between the engine and the outbox. The dispatcher (dispatcher.ts) delivers them.
import { authorize, type Actor } from '../access/index.js';
import { adminUserIds } from '../credentials/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { perTransaction } from '../db/per-transaction.js';
import { AppError, notFound } from '../errors.js';
import type { Page } from '../escalation/index.js';
import { newId } from '../ids.js';
import { incidentJson, type IncidentsService } from '../incidents/index.js';
import { type Incident } from '../incident.js';
import type { ContactKind, ContactMethod, UsersService } from '../users/index.js';
import { checkUrl, parseAllowlist } from '../net/index.js';
import type { ChannelKind } from './channel.js';
import { insertNotifications, listForIncident, outboxRow, type Notification } from './outbox.repo.js';
import { createRemindersService } from './reminders.service.js';
import { deleteRule, insertRule, rulesOf, type NotificationRule } from './rules.repo.js';
import { deleteStakeholder, insertStakeholder, listStakeholders, type Stakeholder } from './stakeholders.repo.js';
import { incidentFields, render } from './template.js';
import { createTemplatesService, type TemplateKey } from './templates.service.js';
import { nextUpdateDue, UPDATE_CADENCE_MS } from './update-due.js';

/** A message outside incident paging (the GDPR clock's notices, follow-up reminders): see toTopic, toAdmins, toUser. */
export interface Notice {
  /** The outbox row's kind, e.g. "gdpr". */
  kind: string;
  /** The incident it concerns, if any (its timeline then records the delivery). */
  incidentId: string | null;
  subject: string;
  text: string;
  /** What webhook-like channels send (event, message, …). */
  payload: Record<string, unknown>;
  at: Date;
}

export interface NotifyDeps {
  db: Db;
  clock: Clock;
  users: UsersService;
  incidents: IncidentsService;
  /** Where links in messages point, e.g. https://vigil.example.com; none → no links. */
  publicUrl?: string | undefined;
  /** VIGIL_OUTBOUND_ALLOW, for checking URL destinations when they are saved. */
  outboundAllow?: string | undefined;
  /** The meeting time of an incident's post-mortem (null: none), read in `q`: the templates' post_mortem field. */
  postMortemAt?: ((q: Db, incidentId: string) => Promise<Date | null>) | undefined;
}

export function createNotifyService(deps: NotifyDeps) {
  const { db, clock, users, incidents, publicUrl, outboundAllow, postMortemAt } = deps;
  const allow = parseAllowlist(outboundAllow);
  const templates = createTemplatesService({ db, clock });
  const reminders = createRemindersService({ db, clock, users, incidents, publicUrl });
  // Incidents opened together (an ingest batch) notify the same stakeholders: read them once a transaction.
  const stakeholdersOnce = perTransaction((q) => listStakeholders(q));

  /** Outbox rows for freshly written pages, in their transaction. */
  async function enqueuePages(trx: Db, pages: Page[]): Promise<void> {
    const rows: Notification[] = [];
    // A sweep's pages come in one call: each incident and each person's routes are read once.
    const byId = new Map((await incidents.within(trx).loadMany(pages.map((p) => p.incidentId))).map((i) => [i.id, i]));
    const routes = new Map<string, Awaited<ReturnType<typeof routesFor>>>();
    for (const page of pages) {
      const incident = byId.get(page.incidentId);
      if (!incident) continue;
      if (!routes.has(page.userId)) routes.set(page.userId, await routesFor(trx, page.userId));
      const link = publicUrl ? `${publicUrl.replace(/\/$/, '')}/incidents/${incident.number}` : null;
      const subject = `[${incident.severity}] ${incident.number} ${incident.title}`;
      const body = [
        `You are paged: ${page.reason}.`,
        `${incident.number} (${incident.severity}, ${incident.status}): ${incident.title}`,
        `Acknowledge within the response target (due ${incident.ackDueAt.toISOString()}).`,
        ...(link ? [link] : []),
      ].join('\n');
      const payload = { event: 'page', incident: incidentJson(incident, page.at), message: { subject, text: body } };
      for (const { method, delaySeconds } of routes.get(page.userId) ?? []) {
        rows.push(
          outboxRow(
            {
              incidentId: incident.id,
              kind: 'page',
              channel: method.kind as ChannelKind,
              destination: method.address,
              secret: method.secret,
              userId: page.userId,
              pageId: page.id,
              subject,
              body,
              payload,
              nextAttemptAt: new Date(page.at.getTime() + delaySeconds * 1000),
            },
            page.at,
          ),
        );
      }
    }
    await insertNotifications(trx, rows);
  }

  /** Refuses (400, naming the reason) an address its channel could never deliver to, or the SSRF guard forbids. */
  function checkDestination(kind: ContactKind, address: string): void {
    const refuse = (reason: string) => {
      throw new AppError('contact_method.invalid', `address: ${reason}`, { field: 'address', reason });
    };
    if (kind === 'email') {
      if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) refuse('must be an email address such as ana@example.com');
    } else if (kind === 'sms' || kind === 'voice') {
      if (!/^\+[1-9]\d{6,14}$/.test(address)) refuse('must be a phone number in E.164 form such as +4915112345678');
    } else {
      const verdict = checkUrl(address, allow);
      if (!verdict.ok) refuse(verdict.reason);
    }
  }

  /** A runbook notification rendered for `incident` at `now`, from the template in force in `q`'s transaction. */
  async function renderTemplate(
    q: Db,
    key: TemplateKey,
    incident: Incident,
    now: Date,
    nextUpdateAt: Date | null,
  ): Promise<{ subject: string; text: string }> {
    const template = await templates.forSending(q, key);
    const meeting = postMortemAt ? await postMortemAt(q, incident.id) : null;
    const fields = incidentFields(incident, {
      now,
      nextUpdateAt,
      postMortemAt: meeting,
      ...(publicUrl && { publicUrl }),
    });
    return { subject: render(template.subject, fields, 'text').trim(), text: render(template.text, fields, 'text') };
  }

  /**
   * The customer notice (template customer_notice) for `incident`: the prefilled public title and text of a
   * status-page update, read in `q`'s transaction. Nothing internal is filled in but impact and times.
   */
  async function customerNotice(
    q: Db,
    incident: Incident,
    extra: { componentsAffected: string; nextUpdateAt: Date | null },
  ): Promise<{ subject: string; text: string }> {
    const template = await templates.forSending(q, 'customer_notice');
    const fields = incidentFields(incident, { now: clock.now(), ...extra });
    return { subject: render(template.subject, fields, 'text').trim(), text: render(template.text, fields, 'text') };
  }

  /**
   * The next update time a status update announces: the one given (in the future), else the severity's cadence while
   * unresolved.
   */
  function announcedNext(incident: Incident, given: Date | undefined, now: Date): Date | null {
    if (given && given <= now)
      throw new AppError('update.invalid', 'next_update_at: must be in the future', { field: 'next_update_at' });
    return given ?? (incident.status !== 'resolved' ? nextUpdateDue(incident.severity, now) : null);
  }

  /** The subject and text of a status update to stakeholders. */
  function updateMessage(
    incident: Incident,
    statusText: string,
    nextUpdateAt: Date | null,
  ): { subject: string; text: string } {
    const subject = `[${incident.severity}] Update: ${incident.title} (${incident.number})`;
    const text = [
      statusText,
      '',
      `Status: ${incident.status}, phase: ${incident.phase}.`,
      nextUpdateAt ? `Next update by ${nextUpdateAt.toISOString()}.` : 'No further update is scheduled.',
      ...(publicUrl ? [`${publicUrl.replace(/\/$/, '')}/incidents/${incident.number}`] : []),
    ].join('\n');
    return { subject, text };
  }

  /**
   * The runbook's initial notification when a P0/P1 incident opens, and its resolution notification
   * when one resolves: to every stakeholder whose severities include the incident's, in the
   * transaction of the change itself, from the template stored at that moment. With `readBack`, the
   * incident given may be behind the stored one (its escalation started since), so the message is
   * built from the stored incident, read only when someone is to be told.
   */
  async function communicate(
    trx: Db,
    given: Incident,
    kind: TemplateKey,
    now: Date,
    nextUpdateAt: Date | null,
    readBack = false,
  ): Promise<void> {
    if (kind === 'initial' && given.severity !== 'P0' && given.severity !== 'P1') return;
    const audience = (await stakeholdersOnce(trx, '')).filter((s) => s.severities.includes(given.severity));
    if (audience.length === 0) return;
    const incident = readBack ? await incidents.within(trx).load(given.id) : given;
    const { subject, text: body } = await renderTemplate(trx, kind, incident, now, nextUpdateAt);
    const event = kind === 'initial' ? 'notification.initial' : 'notification.resolution';
    const payload = { event, incident: incidentJson(incident, now), message: { subject, text: body } };
    await insertNotifications(
      trx,
      audience.map((s) =>
        outboxRow(
          {
            incidentId: incident.id,
            kind,
            channel: s.kind as ChannelKind,
            destination: s.address,
            secret: s.secret,
            userId: null,
            pageId: null,
            subject,
            body,
            payload,
            nextAttemptAt: now,
          },
          now,
        ),
      ),
    );
  }

  /** The contact methods a page to this person goes to, with their delays. */
  async function routesFor(trx: Db, userId: string): Promise<Array<{ method: ContactMethod; delaySeconds: number }>> {
    const methods = await users.contactMethodsOf(userId, trx);
    const rules = await rulesOf(trx, userId);
    if (rules.length === 0) return methods.map((method) => ({ method, delaySeconds: 0 }));
    const byId = new Map(methods.map((m) => [m.id, m]));
    return rules.flatMap((r) => {
      const method = byId.get(r.contactMethodId);
      return method ? [{ method, delaySeconds: r.delaySeconds }] : [];
    });
  }

  /**
   * Outbox rows for a notice that is not about paging (the GDPR clock): one per stakeholder whose topics
   * include `topic`, in the caller's transaction. Returns how many were told.
   */
  async function toTopic(trx: Db, topic: string, notice: Notice): Promise<number> {
    const audience = (await stakeholdersOnce(trx, '')).filter((s) => s.topics.includes(topic));
    await insertNotifications(
      trx,
      audience.map((s) => noticeRow(notice, s, null)),
    );
    return audience.length;
  }

  /** The outbox row of a notice to one destination (a stakeholder's, or a person's contact method). */
  function noticeRow(
    notice: Notice,
    to: { kind: string; address: string; secret: string | null },
    userId: string | null,
  ): Notification {
    return outboxRow(
      {
        incidentId: notice.incidentId,
        kind: notice.kind,
        channel: to.kind as ChannelKind,
        destination: to.address,
        secret: to.secret,
        userId,
        pageId: null,
        subject: notice.subject,
        body: notice.text,
        payload: notice.payload,
        nextAttemptAt: notice.at,
      },
      notice.at,
    );
  }

  /**
   * Outbox rows for a notice to one person (a follow-up's owner), on all their contact methods at once, in
   * the caller's transaction. Returns how many rows were written (0: they have no contact method).
   */
  async function toUser(trx: Db, userId: string, notice: Notice): Promise<number> {
    const rows = (await users.contactMethodsOf(userId, trx)).map((method) => noticeRow(notice, method, userId));
    await insertNotifications(trx, rows);
    return rows.length;
  }

  /**
   * Outbox rows for notices to destinations that are not people or stakeholders (status-page subscribers),
   * one each, in the caller's transaction.
   */
  async function toDestinations(
    trx: Db,
    items: ReadonlyArray<{ notice: Notice; to: { kind: ChannelKind; address: string; secret: string | null } }>,
  ): Promise<number> {
    await insertNotifications(
      trx,
      items.map(({ notice, to }) => noticeRow(notice, to, null)),
    );
    return items.length;
  }

  /**
   * Outbox rows for a notice to every admin (people holding a live admin token), on all their contact
   * methods at once, in the caller's transaction. Returns the handles told.
   */
  async function toAdmins(trx: Db, notice: Notice): Promise<string[]> {
    const told: string[] = [];
    for (const id of await adminUserIds(trx)) {
      const user = await users.find(id, trx);
      if (!user) continue;
      told.push(user.handle);
      await toUser(trx, user.id, notice);
    }
    return told;
  }

  return {
    toTopic,
    toAdmins,
    toUser,
    toDestinations,
    customerNotice,

    // Reactions to incident changes, inside the change's transaction (app.ts subscribes them). Opening,
    // reopening, severity changes and resolution move the next status update's due time
    // (reminders.service.ts); opening and resolving send the runbook's notifications.

    /**
     * New incidents, as written (their escalation has started since): the first update falls due and
     * P0/P1 stakeholders get the initial notification, read back only when someone is to be told.
     */
    async opened(trx: Db, opened: readonly Incident[], at: Date): Promise<void> {
      const dues = await reminders.opened(trx, opened, at);
      for (const [i, incident] of opened.entries())
        await communicate(trx, incident, 'initial', at, dues[i] ?? null, true);
    },

    /** A reopened, resolved or re-rated incident: its update reminders follow; a resolved one's audience is told. */
    async changed(trx: Db, incidentId: string, kind: 'reopened' | 'resolved' | 'severity_changed', at: Date) {
      const incident = await incidents.within(trx).load(incidentId);
      await reminders.follow(trx, incident, kind, at);
      if (kind === 'resolved') await communicate(trx, incident, 'resolution', at, null);
    },

    enqueuePages,

    checkDestination,

    /** A person sets their own rules; admins anyone's. */
    async addRule(
      actor: Actor,
      userRef: string,
      input: { contactMethodId: string; delaySeconds: number },
    ): Promise<NotificationRule> {
      const user = await users.load(userRef);
      if (user.id !== actor.id) authorize(actor, 'user.write');
      const method = (await users.contactMethodsOf(user.id)).find((m) => m.id === input.contactMethodId);
      if (!method)
        throw new AppError(
          'notification_rule.invalid',
          `contact_method_id: ${user.handle} has no contact method "${input.contactMethodId}"`,
          { field: 'contact_method_id' },
        );
      const now = clock.now();
      const rule: NotificationRule = {
        id: newId('nr', now),
        userId: user.id,
        contactMethodId: method.id,
        delaySeconds: input.delaySeconds,
        createdAt: now,
      };
      await inTransaction(db, async (trx) => {
        if (
          (await rulesOf(trx, user.id)).some(
            (r) => r.contactMethodId === method.id && r.delaySeconds === input.delaySeconds,
          )
        ) {
          throw new AppError('notification_rule.already_exists', `${user.handle} already has this rule`, {
            contact_method_id: method.id,
            delay_seconds: input.delaySeconds,
          });
        }
        await insertRule(trx, rule);
        await audit(trx, clock, actor, {
          action: 'user.notification_rule_add',
          target: { type: 'user', id: user.id },
          details: { id: rule.id, contact_method_id: method.id, delay_seconds: rule.delaySeconds },
        });
      });
      return rule;
    },

    async rules(actor: Actor, userRef: string): Promise<NotificationRule[]> {
      const user = await users.load(userRef);
      if (user.id !== actor.id) authorize(actor, 'user.write');
      return rulesOf(db, user.id);
    },

    async removeRule(actor: Actor, userRef: string, id: string): Promise<void> {
      const user = await users.load(userRef);
      if (user.id !== actor.id) authorize(actor, 'user.write');
      await inTransaction(db, async (trx) => {
        if (!(await deleteRule(trx, user.id, id))) throw notFound('notification_rule', id);
        await audit(trx, clock, actor, {
          action: 'user.notification_rule_remove',
          target: { type: 'user', id: user.id },
          details: { id },
        });
      });
    },

    async addStakeholder(
      actor: Actor,
      input: {
        name: string;
        kind: ContactKind;
        address: string;
        severities: string[];
        topics?: string[] | undefined;
        secret?: string | undefined;
      },
    ): Promise<Stakeholder> {
      authorize(actor, 'user.write');
      checkDestination(input.kind, input.address);
      const now = clock.now();
      const stakeholder: Stakeholder = {
        id: newId('stk', now),
        name: input.name,
        kind: input.kind,
        address: input.address,
        severities: [...new Set(input.severities)],
        topics: [...new Set(input.topics ?? [])],
        secret: input.secret ?? null,
        createdAt: now,
      };
      await inTransaction(db, async (trx) => {
        await insertStakeholder(trx, stakeholder);
        await audit(trx, clock, actor, {
          action: 'stakeholder.create',
          target: { type: 'stakeholder', id: stakeholder.id },
          details: {
            name: stakeholder.name,
            kind: stakeholder.kind,
            severities: stakeholder.severities,
            topics: stakeholder.topics,
          },
        });
      });
      return stakeholder;
    },

    async stakeholders(actor: Actor): Promise<Stakeholder[]> {
      authorize(actor, 'user.write');
      return listStakeholders(db);
    },

    async removeStakeholder(actor: Actor, id: string): Promise<void> {
      authorize(actor, 'user.write');
      await inTransaction(db, async (trx) => {
        if (!(await deleteStakeholder(trx, id))) throw notFound('stakeholder', id);
        await audit(trx, clock, actor, {
          action: 'stakeholder.delete',
          target: { type: 'stakeholder', id },
          details: {},
        });
      });
    },

    /** The runbook notification as it would be sent now, from the template in force (nothing is sent). */
    async preview(
      actor: Actor,
      incidentRef: string,
      template: TemplateKey,
    ): Promise<{ subject: string; text: string }> {
      const incident = await incidents.get(actor, incidentRef);
      return renderTemplate(
        db,
        template,
        incident,
        clock.now(),
        incident.status === 'resolved' ? null : await reminders.dueOf(db, incident.id),
      );
    },

    /**
     * Where the incident's status updates stand: when the next one is due (null: none is); whether an
     * update is overdue (its due time passed, or reminders went out for missed ones since the last
     * update, as the engine moves the due time on with each reminder); when the last update was sent;
     * the time an update sent now would announce by default; the severity's cadence; and whether
     * updates are still needed at all (not once the incident is resolved).
     */
    async updateSchedule(
      actor: Actor,
      incidentRef: string,
    ): Promise<{
      nextUpdateAt: Date | null;
      overdue: boolean;
      missed: number;
      lastUpdateAt: Date | null;
      defaultNextUpdateAt: Date | null;
      cadenceMs: number | null;
      updatesNeeded: boolean;
    }> {
      const incident = await incidents.get(actor, incidentRef);
      const now = clock.now();
      const schedule = await reminders.scheduleOf(db, incident.id);
      const open = incident.status !== 'resolved';
      const due = open ? (schedule?.dueAt ?? null) : null;
      const missed = open ? (schedule?.reminders ?? 0) : 0;
      return {
        nextUpdateAt: due,
        overdue: (due !== null && due <= now) || missed > 0,
        missed,
        lastUpdateAt: schedule?.basis === 'update' ? schedule.basisAt : null,
        defaultNextUpdateAt: open ? nextUpdateDue(incident.severity, now) : null,
        // Both said outright, so a reader never has to guess why the two times above are null: "resolved,
        // nothing more is needed" and "this severity has no cadence" read differently to stakeholders.
        cadenceMs: UPDATE_CADENCE_MS[incident.severity] ?? null,
        updatesNeeded: open,
      };
    },

    /** The status update as it would be sent now (nothing is sent, nothing is recorded). */
    async previewUpdate(
      actor: Actor,
      incidentRef: string,
      input: { statusText: string; nextUpdateAt?: Date | undefined },
    ): Promise<{ subject: string; text: string; nextUpdateAt: Date | null }> {
      const incident = await incidents.get(actor, incidentRef);
      const now = clock.now();
      const nextUpdateAt = announcedNext(incident, input.nextUpdateAt, now);
      return { ...updateMessage(incident, input.statusText, nextUpdateAt), nextUpdateAt };
    },

    /**
     * A status update to the incident's stakeholders, on the timeline with the time of the next one
     * (given, or the severity's cadence). Returns how many stakeholders it went to.
     */
    async statusUpdate(
      actor: Actor,
      incidentRef: string,
      input: { statusText: string; nextUpdateAt?: Date | undefined },
    ): Promise<{ notified: number; nextUpdateAt: Date | null }> {
      authorize(actor, 'incident.write');
      const { id } = await incidents.get(actor, incidentRef);
      return inTransaction(db, async (trx) => {
        const incident = await incidents.within(trx).load(id);
        const now = clock.now();
        const nextUpdateAt = announcedNext(incident, input.nextUpdateAt, now);
        const { subject, text: body } = updateMessage(incident, input.statusText, nextUpdateAt);
        const payload = {
          event: 'incident.update',
          incident: incidentJson(incident, now),
          message: { subject, text: body },
        };
        const audience = (await listStakeholders(trx)).filter((s) => s.severities.includes(incident.severity));
        await insertNotifications(
          trx,
          audience.map((s) =>
            outboxRow(
              {
                incidentId: incident.id,
                kind: 'update',
                channel: s.kind as ChannelKind,
                destination: s.address,
                secret: s.secret,
                userId: null,
                pageId: null,
                subject,
                body,
                payload,
                nextAttemptAt: now,
              },
              now,
            ),
          ),
        );
        // The announced time is when the next one is due: reminders count from it.
        await reminders.updated(trx, incident.id, incident.status === 'resolved' ? null : nextUpdateAt, now);
        await incidents.within(trx).record(
          incident,
          actor,
          'status_update',
          {
            status_text: input.statusText,
            next_update_at: nextUpdateAt?.toISOString() ?? null,
            notified: audience.length,
          },
          now,
        );
        return { notified: audience.length, nextUpdateAt };
      });
    },

    /** The runbook's templates as admins edit them (list, get, save, reset). */
    templates: { list: templates.list, get: templates.get, save: templates.save, reset: templates.reset },

    /**
     * Engine sweep: reminds the people running each incident whose status update is overdue; returns how many
     * reminders.
     */
    remindOverdueUpdates: (limit?: number) => reminders.sweep(limit),

    /** The delivery log of an incident, newest first. */
    async deliveries(actor: Actor, incidentRef: string): Promise<Notification[]> {
      authorize(actor, 'read');
      const incident = await incidents.get(actor, incidentRef);
      return listForIncident(db, incident.id, 500);
    },
  };
}

export type NotifyService = ReturnType<typeof createNotifyService>;
