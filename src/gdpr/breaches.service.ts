// Breach register use-cases: each authorizes (breach records are personal data: authorizePrivacy),
// loads, applies a rule from breach.ts, saves, and writes the breach's own event, the linked incident's
// timeline entry and the audit row in one transaction. Opening a breach starts its 72-hour clock: the
// reminders are rows (reminders.service.ts) swept by the engine, and the stakeholders whose topics
// include "gdpr" are told through the outbox in the same transaction.
//
// Lock order (PostgreSQL): a breach's reminder rows before its row. The clock's sweep claims a reminder
// and then may flag the breach overdue; a report, "not notifiable" or closing cancels the pending
// reminders first and only then writes the breach. Taken the other way round, a report and the overdue
// sweep could each hold what the other waits for; this way a report makes a concurrent claim of the same
// reminder wait and then find it cancelled, so no reminder goes out for a breach reported meanwhile.
import { authorize, authorizePrivacy, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { dayKey, type Incident } from '../incident.js';
import { newId } from '../ids.js';
import type { IncidentsService } from '../incidents/index.js';
import type { Notice } from '../notify/index.js';
import {
  firstBreachCategory,
  breachNumber,
  breachReminders,
  checkAwareAt,
  checkClose,
  checkEditable,
  checkNotNotifiable,
  checkReport,
  checkSubjectsDecision,
  deadlineOf,
  hoursLeft,
  type BreachState,
  type DecisionInput,
  type ReportKind,
  type Risk,
} from './breach.js';
import { breachReportDocument } from './breach-report.js';
import {
  countBreaches,
  findBreach,
  findOpenBreachOf,
  incidentHasBreach,
  getSettings,
  insertBreach,
  insertBreachEvent,
  insertReport,
  listBreachEvents,
  listBreaches,
  nextBreachSequence,
  reportsOf,
  saveBreach,
  saveSettings,
  type AuthorityReport,
  type Breach,
  type BreachDetail,
  type BreachEvent,
  type GdprSettings,
} from './breaches.repo.js';

export type { BreachDetail } from './breaches.repo.js';
import type { Doc } from '../documents/index.js';
import { cancelReminders, scheduleReminders, type ReminderHandler } from './reminders.service.js';

/** The reminders' subject type of a breach. */
export const BREACH_SUBJECT = 'breach';
/** The stakeholder topic that hears about breaches. */
export const GDPR_TOPIC = 'gdpr';

/** How the breach register tells people (app.ts hands in notify's functions). */
export interface Tell {
  /** To every stakeholder whose topics include `topic`; resolves to how many were told. */
  topic(trx: Db, topic: string, notice: Notice): Promise<number>;
  /** To every admin on all their contact methods; resolves to their handles. */
  admins(trx: Db, notice: Notice): Promise<string[]>;
}

export interface BreachesDeps {
  db: Db;
  clock: Clock;
  incidents: IncidentsService;
  tell: Tell;
  /** Where links in messages point; none → no links. */
  publicUrl?: string | undefined;
}

export interface NewBreach {
  incidentId?: string | undefined;
  title: string;
  awareAt?: Date | undefined;
  nature?: string | null | undefined;
  dataCategories?: string[] | undefined;
  subjectsApprox?: number | null | undefined;
  recordsApprox?: number | null | undefined;
  likelyConsequences?: string | null | undefined;
  measuresTaken?: string | null | undefined;
  risk?: Risk | undefined;
}

export type BreachPatch = Partial<Omit<NewBreach, 'incidentId'>> & { incidentId?: string | null | undefined };

export interface NewReport {
  kind?: ReportKind | undefined;
  authority?: string | undefined;
  reference?: string | null | undefined;
  reportedAt?: Date | undefined;
  delayReason?: string | null | undefined;
  note?: string | null | undefined;
}

export interface BreachListQuery {
  limit: number;
  cursor?: string | undefined;
  states?: BreachState[] | undefined;
  overdue?: boolean | undefined;
}

function encodeCursor(b: Breach): string {
  return Buffer.from(`${b.createdAt.toISOString()}|${b.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)))
    throw new AppError('request.invalid_cursor', 'cursor is not one this server returned', { field: 'cursor' });
  return { createdAt, id };
}

const iso = (d: Date) => d.toISOString();

export function createBreachesService({ db, clock, incidents, tell, publicUrl }: BreachesDeps) {
  const link = (b: Breach) => (publicUrl ? `${publicUrl.replace(/\/+$/, '')}/gdpr/breaches/${b.number}` : null);

  async function load(ref: string, q: Db = db): Promise<Breach> {
    const breach = await findBreach(q, ref);
    if (!breach) throw notFound('breach', ref);
    return breach;
  }

  async function detail(q: Db, breach: Breach): Promise<BreachDetail> {
    const reports = await reportsOf(q, [breach.id]);
    const [incident] = breach.incidentId ? await incidents.within(q).loadMany([breach.incidentId]) : [];
    return {
      breach,
      reports,
      incident: incident ? { id: incident.id, number: incident.number, title: incident.title } : null,
    };
  }

  /** Several breaches with their reports and incidents, read together. */
  async function details(q: Db, page: Breach[]): Promise<BreachDetail[]> {
    const reports = await reportsOf(
      q,
      page.map((b) => b.id),
    );
    const linked = [...new Set(page.flatMap((b) => (b.incidentId ? [b.incidentId] : [])))];
    const byId = new Map((await incidents.within(q).loadMany(linked)).map((i) => [i.id, i]));
    return page.map((breach) => {
      const incident = breach.incidentId ? byId.get(breach.incidentId) : undefined;
      return {
        breach,
        reports: reports.filter((r) => r.breachId === breach.id),
        incident: incident ? { id: incident.id, number: incident.number, title: incident.title } : null,
      };
    });
  }

  /** The breach's own event, the incident's timeline entry (when it has one) and the audit row. */
  async function record(
    trx: Db,
    breach: Breach,
    actor: Actor,
    kind: string,
    data: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    const event: BreachEvent = {
      id: newId('bev', now),
      breachId: breach.id,
      at: now,
      kind,
      actor: { type: actor.type, id: actor.id, name: actor.name },
      data,
    };
    await insertBreachEvent(trx, event);
    await audit(trx, clock, actor, {
      action: `gdpr.breach.${kind}`,
      target: { type: 'breach', id: breach.id },
      details: { number: breach.number, ...data },
    });
    if (breach.incidentId) {
      const [state] = await incidents.within(trx).states([breach.incidentId]);
      // The incident's entry names the breach and the step; the breach's facts stay behind authorizePrivacy.
      if (state)
        await incidents
          .within(trx)
          .record(
            state,
            actor,
            `breach_${kind}`,
            { breach_id: breach.id, breach_number: breach.number, ...timelineData(kind, data) },
            now,
          );
    }
  }

  /** What of a step's data goes on the incident's timeline (viewers read it): times and states, no free text. */
  function timelineData(kind: string, data: Record<string, unknown>): Record<string, unknown> {
    const keep = ['deadline_at', 'state', 'kind', 'reported_at', 'late', 'decision', 'reminder', 'hours_left', 'told'];
    return Object.fromEntries(
      Object.entries(data).filter(([k]) => keep.includes(k) || (kind === 'opened' && k === 'source')),
    );
  }

  /** A breach the system opens for an incident's category, aware from `at`. */
  function openClassified(trx: Db, incident: Incident, at: Date, note: string) {
    const facts = { title: incident.title, incident, dataCategories: [], awareAt: at };
    return openIn(trx, SYSTEM_ACTOR, facts, 'classification', at, note);
  }

  function notice(breach: Breach, kind: string, subject: string, lines: string[], now: Date): Notice {
    const url = link(breach);
    const text = [...lines, ...(url ? [url] : [])].join('\n');
    return {
      kind: 'gdpr',
      incidentId: breach.incidentId,
      subject,
      text,
      payload: {
        event: `gdpr.breach.${kind}`,
        breach: {
          id: breach.id,
          number: breach.number,
          title: breach.title,
          state: breach.state,
          aware_at: iso(breach.awareAt),
          deadline_at: iso(breach.deadlineAt),
          hours_left: hoursLeft(breach.deadlineAt, now),
        },
        message: { subject, text },
      },
      at: now,
    };
  }

  /** Opens a breach in `trx`: numbers it, starts its clock, tells the gdpr stakeholders. */
  async function openIn(
    trx: Db,
    actor: Actor,
    input: NewBreach & { incident: Pick<Incident, 'id' | 'number'> | null },
    source: string,
    now: Date,
    note?: string,
  ): Promise<Breach> {
    const awareAt = input.awareAt ?? now;
    checkAwareAt(awareAt, now);
    const breach: Breach = {
      id: newId('brc', now),
      number: breachNumber(dayKey(now), await nextBreachSequence(trx, dayKey(now))),
      incidentId: input.incident?.id ?? null,
      title: input.title,
      awareAt,
      deadlineAt: deadlineOf(awareAt),
      state: 'assessing',
      nature: input.nature ?? null,
      dataCategories: [...new Set(input.dataCategories ?? [])],
      subjectsApprox: input.subjectsApprox ?? null,
      recordsApprox: input.recordsApprox ?? null,
      likelyConsequences: input.likelyConsequences ?? null,
      measuresTaken: input.measuresTaken ?? null,
      // Until assessed, a breach counts as a risk: it must be reported unless someone decides otherwise.
      risk: input.risk ?? 'risk',
      notNotifiableReason: null,
      reportedLate: false,
      overdueAt: null,
      subjectsDecision: null,
      source,
      openedBy: actor.name,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      closeReason: null,
    };
    await insertBreach(trx, breach);
    await scheduleReminders(trx, { type: BREACH_SUBJECT, id: breach.id }, breachReminders(awareAt, now), now);
    const left = hoursLeft(breach.deadlineAt, now);
    const told = await tell.topic(
      trx,
      GDPR_TOPIC,
      notice(
        breach,
        'opened',
        `[GDPR] Personal data breach ${breach.number}: ${left} h left to report`,
        [
          `A personal data breach is being assessed: ${breach.title} (${breach.number}).`,
          ...(input.incident ? [`Incident: ${input.incident.number}.`] : []),
          `Aware since ${iso(awareAt)}; report to the supervisory authority by ${iso(breach.deadlineAt)} ` +
            '(Art. 33 GDPR, 72 hours), or record why it is not notifiable.',
        ],
        now,
      ),
    );
    await record(
      trx,
      breach,
      actor,
      'opened',
      { source, aware_at: iso(awareAt), deadline_at: iso(breach.deadlineAt), told, ...(note && { note }) },
      now,
    );
    return breach;
  }

  /** Runs one change to an existing breach and returns it as stored afterwards. */
  async function change(
    actor: Actor,
    ref: string,
    apply: (trx: Db, breach: Breach, now: Date) => Promise<void>,
  ): Promise<BreachDetail> {
    authorizePrivacy(actor);
    return inTransaction(db, async (trx) => {
      const breach = await load(ref, trx);
      await apply(trx, breach, clock.now());
      return detail(trx, await load(breach.id, trx));
    });
  }

  /** Saves `next` if the stored state is still the one loaded; a racing change elsewhere is a 409. */
  async function save(trx: Db, loaded: Breach, next: Breach): Promise<void> {
    if (!(await saveBreach(trx, next, loaded.state)))
      throw new AppError('breach.conflict', 'the breach changed while this request ran; try again', {
        state: loaded.state,
      });
  }

  /** Reminder handler of subject type "breach": the 24/48/66-hour reminders and the deadline. */
  const remind: ReminderHandler = async (trx, reminder, now) => {
    const breach = await findBreach(trx, reminder.subjectId);
    // Reported or decided meanwhile (those cancel the rows too, so this is the race): nothing to say.
    if (!breach || breach.state !== 'assessing') return 'cancelled';
    const left = hoursLeft(breach.deadlineAt, now);
    if (reminder.kind !== 'overdue') {
      const told = await tell.topic(
        trx,
        GDPR_TOPIC,
        notice(
          breach,
          'reminder',
          `[GDPR] ${breach.number}: ${left} h left to report the breach`,
          [
            `Reminder (${reminder.kind} since awareness): breach ${breach.number} (${breach.title}) is still being ` +
              `assessed. Report it to the supervisory authority by ${iso(breach.deadlineAt)}, or record why it ` +
              'is not notifiable.',
          ],
          now,
        ),
      );
      await record(
        trx,
        breach,
        SYSTEM_ACTOR,
        'reminder_sent',
        { reminder: reminder.kind, hours_left: left, told },
        now,
      );
      return 'sent';
    }
    await save(trx, breach, { ...breach, overdueAt: now, updatedAt: now });
    const overdueNotice = notice(
      breach,
      'overdue',
      `[GDPR] OVERDUE: breach ${breach.number} was not reported within 72 hours`,
      [
        `The 72-hour deadline of breach ${breach.number} (${breach.title}) passed at ${iso(breach.deadlineAt)} ` +
          'with nothing reported to the supervisory authority and no decision recorded.',
        'Report it now with the reasons for the delay (Art. 33(1) GDPR), or record why it is not notifiable.',
      ],
      now,
    );
    const told = await tell.topic(trx, GDPR_TOPIC, overdueNotice);
    const admins = await tell.admins(trx, overdueNotice);
    await record(
      trx,
      breach,
      SYSTEM_ACTOR,
      'overdue',
      { deadline_at: iso(breach.deadlineAt), told, admins, hours_left: left },
      now,
    );
    return 'sent';
  };

  return {
    /** Opens a breach by hand (linked to an incident when given). */
    async open(actor: Actor, input: NewBreach): Promise<BreachDetail> {
      authorizePrivacy(actor);
      return inTransaction(db, async (trx) => {
        const incident = input.incidentId ? await incidents.within(trx).load(input.incidentId) : null;
        const breach = await openIn(trx, actor, { ...input, incident }, 'manual', clock.now());
        return detail(trx, breach);
      });
    },

    /**
     * Reaction to incident.opened: an incident whose opening alert named a breach category (gdpr_violation,
     * security_breach, data_loss) opens a breach, aware from that moment, in the same transaction.
     */
    async incidentsOpened(
      trx: Db,
      opened: readonly Incident[],
      categories: ReadonlyMap<string, readonly string[]>,
      at: Date,
    ): Promise<void> {
      for (const incident of opened) {
        const category = firstBreachCategory(categories.get(incident.id));
        if (category) await openClassified(trx, incident, at, `opened for the incident's category ${category}`);
      }
    },

    /**
     * Alerts naming a breach category joined open incidents (ingestion's transaction): each such incident
     * that never had a breach gets one, aware from now. One it had already (open, or closed after someone
     * assessed it) is left alone, so a sender repeating its alert does not open a breach per repeat.
     */
    async alertsJoined(trx: Db, joined: ReadonlyMap<string, readonly string[]>, at: Date): Promise<void> {
      for (const [incidentId, named] of joined) {
        const category = firstBreachCategory(named);
        if (!category || (await incidentHasBreach(trx, incidentId))) continue;
        const incident = await incidents.within(trx).load(incidentId);
        await openClassified(trx, incident, at, `opened when an alert naming ${category} joined the incident`);
      }
    },

    /** A responder flags "personal data involved" on an incident: its open breach, or a new one. */
    async flagIncident(
      actor: Actor,
      incidentRef: string,
      note?: string,
    ): Promise<{ created: boolean; detail: BreachDetail }> {
      authorizePrivacy(actor);
      authorize(actor, 'incident.write');
      return inTransaction(db, async (trx) => {
        const incident = await incidents.within(trx).load(incidentRef);
        const existing = await findOpenBreachOf(trx, incident.id);
        if (existing) return { created: false, detail: await detail(trx, existing) };
        const now = clock.now();
        const breach = await openIn(trx, actor, { title: incident.title, incident }, 'incident', now, note);
        return { created: true, detail: await detail(trx, breach) };
      });
    },

    async get(actor: Actor, ref: string): Promise<BreachDetail> {
      authorizePrivacy(actor);
      return detail(db, await load(ref));
    },

    async list(actor: Actor, q: BreachListQuery): Promise<{ data: BreachDetail[]; nextCursor: string | null }> {
      authorizePrivacy(actor);
      const rows = await listBreaches(db, {
        limit: q.limit + 1,
        states: q.states,
        overdueAt: q.overdue ? clock.now() : undefined,
        before: q.cursor ? decodeCursor(q.cursor) : undefined,
      });
      const page = rows.slice(0, q.limit);
      const data = await details(db, page);
      const last = page.at(-1);
      return { data, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
    },

    /** Changes the facts of a breach not yet closed; a new aware_at moves its deadline and reminders. */
    update(actor: Actor, ref: string, patch: BreachPatch): Promise<BreachDetail> {
      return change(actor, ref, async (trx, breach, now) => {
        checkEditable(breach);
        if (patch.awareAt) checkAwareAt(patch.awareAt, now);
        const incident =
          patch.incidentId === undefined
            ? undefined
            : patch.incidentId === null
              ? null
              : await incidents.within(trx).load(patch.incidentId);
        const awareAt = patch.awareAt ?? breach.awareAt;
        const next: Breach = {
          ...breach,
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.nature !== undefined && { nature: patch.nature }),
          ...(patch.dataCategories !== undefined && { dataCategories: [...new Set(patch.dataCategories)] }),
          ...(patch.subjectsApprox !== undefined && { subjectsApprox: patch.subjectsApprox }),
          ...(patch.recordsApprox !== undefined && { recordsApprox: patch.recordsApprox }),
          ...(patch.likelyConsequences !== undefined && { likelyConsequences: patch.likelyConsequences }),
          ...(patch.measuresTaken !== undefined && { measuresTaken: patch.measuresTaken }),
          ...(patch.risk !== undefined && { risk: patch.risk }),
          ...(incident !== undefined && { incidentId: incident?.id ?? null }),
          awareAt,
          deadlineAt: deadlineOf(awareAt),
          updatedAt: now,
        };
        if (patch.awareAt && breach.state === 'assessing') {
          // The clock restarts from the new awareness: pending reminders move, sent ones stay sent.
          await cancelReminders(trx, { type: BREACH_SUBJECT, id: breach.id }, now);
          await scheduleReminders(trx, { type: BREACH_SUBJECT, id: breach.id }, breachReminders(awareAt, now), now);
        }
        await save(trx, breach, next);
        const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
        await record(trx, next, actor, 'updated', { fields: changed, deadline_at: iso(next.deadlineAt) }, now);
      });
    },

    /** Records a report to the supervisory authority (initial, then supplementary ones). */
    report(actor: Actor, ref: string, input: NewReport): Promise<BreachDetail> {
      return change(actor, ref, async (trx, breach, now) => {
        const existing = await reportsOf(trx, [breach.id]);
        const kind = input.kind ?? (existing.length === 0 ? 'initial' : 'supplementary');
        const reportedAt = input.reportedAt ?? now;
        const authority = input.authority ?? (await getSettings(trx)).authorityName;
        if (!authority)
          throw new AppError(
            'breach.invalid',
            'authority: required (or set authority_name in PUT /api/v1/gdpr/settings)',
            { field: 'authority' },
          );
        const { late } = checkReport(
          { ...breach, reports: existing.length },
          { kind, reportedAt, delayReason: input.delayReason ?? null },
          now,
        );
        const report: AuthorityReport = {
          id: newId('brr', now),
          breachId: breach.id,
          kind,
          authority,
          reference: input.reference ?? null,
          reportedAt,
          delayReason: input.delayReason ?? null,
          note: input.note ?? null,
          recordedBy: actor.name,
          createdAt: now,
        };
        await insertReport(trx, report);
        if (kind === 'initial') {
          await cancelReminders(trx, { type: BREACH_SUBJECT, id: breach.id }, now);
          await save(trx, breach, { ...breach, state: 'notified', reportedLate: late, updatedAt: now });
        }
        await record(
          trx,
          breach,
          actor,
          'reported',
          {
            report_id: report.id,
            kind,
            authority,
            reference: report.reference,
            reported_at: iso(reportedAt),
            late,
            ...(report.delayReason && { delay_reason: report.delayReason }),
          },
          now,
        );
      });
    },

    /** Documents why the breach is not reported (Art. 33(5)); stops its clock. */
    notNotifiable(actor: Actor, ref: string, reason: string): Promise<BreachDetail> {
      return change(actor, ref, async (trx, breach, now) => {
        checkNotNotifiable({ ...breach, reports: 0 });
        await cancelReminders(trx, { type: BREACH_SUBJECT, id: breach.id }, now);
        await save(trx, breach, { ...breach, state: 'not_notifiable', notNotifiableReason: reason, updatedAt: now });
        await record(trx, breach, actor, 'not_notifiable', { reason, state: 'not_notifiable' }, now);
      });
    },

    /** Records the Art. 34 decision on informing the data subjects (a later one replaces it; history keeps both). */
    decideSubjects(actor: Actor, ref: string, input: DecisionInput): Promise<BreachDetail> {
      return change(actor, ref, async (trx, breach, now) => {
        checkSubjectsDecision({ ...breach, reports: 0 }, input, now);
        const decision =
          input.decision === 'communicated'
            ? {
                decision: input.decision,
                communicatedAt: input.communicatedAt,
                channel: input.channel,
                exemption: null,
                reason: null,
              }
            : {
                decision: input.decision,
                communicatedAt: null,
                channel: null,
                exemption: input.exemption,
                reason: input.reason,
              };
        const subjectsDecision = { ...decision, decidedBy: actor.name, decidedAt: now };
        await save(trx, breach, { ...breach, subjectsDecision, updatedAt: now });
        await record(
          trx,
          breach,
          actor,
          'subjects_decision',
          {
            decision: decision.decision,
            communicated_at: decision.communicatedAt?.toISOString() ?? null,
            channel: decision.channel,
            exemption: decision.exemption,
            reason: decision.reason,
          },
          now,
        );
      });
    },

    /** Closes the breach; from assessing only with a reason (documented as not notifiable). */
    close(actor: Actor, ref: string, reason?: string): Promise<BreachDetail> {
      return change(actor, ref, async (trx, breach, now) => {
        const { declaresNotNotifiable } = checkClose({ ...breach, reports: 0 }, reason ?? null);
        let current = breach;
        if (declaresNotNotifiable) {
          current = { ...breach, state: 'not_notifiable', notNotifiableReason: reason ?? null, updatedAt: now };
          await cancelReminders(trx, { type: BREACH_SUBJECT, id: breach.id }, now);
          await save(trx, breach, current);
          await record(trx, current, actor, 'not_notifiable', { reason, state: 'not_notifiable' }, now);
        }
        const closed: Breach = {
          ...current,
          state: 'closed',
          closedAt: now,
          closeReason: reason ?? null,
          updatedAt: now,
        };
        await save(trx, current, closed);
        await record(trx, closed, actor, 'closed', { state: 'closed', ...(reason && { reason }) }, now);
      });
    },

    /** The breach's own history, newest first. */
    /** For the compliance report: every breach not closed, and the last 100 whose first report came late. */
    async forReport(actor: Actor): Promise<{ open: BreachDetail[]; late: BreachDetail[] }> {
      authorizePrivacy(actor);
      const [open, late] = await Promise.all([
        listBreaches(db, { limit: 1_000, states: ['assessing', 'notified', 'not_notifiable'] }),
        listBreaches(db, { limit: 100, reportedLate: true }),
      ]);
      return { open: await details(db, open), late: await details(db, late) };
    },

    /** Counts only (anyone who may read): breaches not closed, overdue ones, and the next deadline still ahead. */
    async counts(actor: Actor): Promise<{ open: number; overdue: number; nextDeadlineAt: Date | null }> {
      authorize(actor, 'read');
      return countBreaches(db, clock.now());
    },

    async events(actor: Actor, ref: string, limit = 500): Promise<BreachEvent[]> {
      authorizePrivacy(actor);
      const breach = await load(ref);
      return listBreachEvents(db, breach.id, limit);
    },

    /** The Art. 33(3) report draft as a document (Markdown and PDF are renderings of it). */
    async reportDocument(actor: Actor, ref: string): Promise<{ breach: Breach; doc: Doc }> {
      authorizePrivacy(actor);
      const found = await detail(db, await load(ref));
      const settings = await getSettings(db);
      return { breach: found.breach, doc: breachReportDocument(found, settings, clock.now()) };
    },

    async settings(actor: Actor): Promise<GdprSettings> {
      authorize(actor, 'read');
      return getSettings(db);
    },

    /** Admins set who the controller, its DPO and the supervisory authority are. */
    async saveSettings(actor: Actor, input: Omit<GdprSettings, 'updatedAt' | 'updatedBy'>): Promise<GdprSettings> {
      authorize(actor, 'user.write');
      const now = clock.now();
      const settings: GdprSettings = { ...input, updatedAt: now, updatedBy: actor.name };
      await inTransaction(db, async (trx) => {
        await saveSettings(trx, settings);
        await audit(trx, clock, actor, {
          action: 'gdpr.settings.update',
          target: { type: 'gdpr_settings', id: null },
          details: { ...input },
        });
      });
      return settings;
    },

    /** The reminder handler for subject type "breach" (app.ts registers it with the gdpr-clock sweep). */
    remind,
  };
}

export type BreachesService = ReturnType<typeof createBreachesService>;
