// Post-mortems: created by hand for a resolved incident or by its resolution (the configured severities),
// prefilled from the incident; read, exported, shared by a read-only link; their state, owner, meeting and
// attendees changed; their sections edited with a version check; and the owner reminded when no meeting is
// set 24 h after resolution and when it is not published 72 h after it. Each change is one transaction
// writing the rows, the incident's timeline entry where it matters, and the audit row. Responders and
// admins change; every role reads; the share link reads without a token.
import { authorize, digest, generateToken, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Publish } from '../bus.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError } from '../errors.js';
import type { FollowUpsService, StoredFollowUp } from '../follow-ups/index.js';
import { newId } from '../ids.js';
import type { Incident, Severity } from '../incident.js';
import type { IncidentsService } from '../incidents/index.js';
import type { Notice } from '../notify/index.js';
import type { ServicesService } from '../services/index.js';
import type { User, UsersService } from '../users/index.js';
import {
  checkEditable,
  checkMove,
  defaultOwner,
  impactText,
  isSectionKey,
  KEY_KINDS,
  isKeyEntry,
  meetingWarnings,
  reminderTimes,
  reminderWanted,
  SECTION_KEYS,
  summarize,
  type PostmortemState,
  type SectionKey,
} from './postmortem.js';
import {
  dueReminders,
  entriesOfKinds,
  findById,
  findByIncident,
  findByShareDigest,
  hasBreach,
  insertPostmortem,
  linkFollowUps,
  nextReminderAt,
  planReminders,
  responderIds,
  sectionsOf,
  setShareDigest,
  settleReminder,
  timelineOf,
  updatePostmortem,
  updateSection,
  updateTimelineItem,
  type Postmortem,
  type PostmortemReminder,
  type Section,
  type TimelineItem,
} from './postmortems.repo.js';

/** What the post-mortems feature publishes on the app's bus. */
export interface PostmortemEvents {
  /** A post-mortem's meeting time was set or moved (not cleared), inside the change's transaction. */
  'postmortem.meeting_scheduled': { trx: Db; incidentId: string; postmortemId: string; meetingAt: Date; at: Date };
}

export interface PostmortemsDeps {
  db: Db;
  clock: Clock;
  incidents: IncidentsService;
  users: UsersService;
  services: ServicesService;
  followUps: FollowUpsService;
  /** Writes a notice to one person's contact methods into the outbox, in the caller's transaction. */
  tellUser(trx: Db, userId: string, notice: Notice): Promise<number>;
  publish: Publish<PostmortemEvents>;
  /** Severities whose resolution creates a post-mortem (VIGIL_POSTMORTEM_SEVERITIES). */
  autoSeverities: readonly Severity[];
  /** Where links point (share links, messages); none → paths only. */
  publicUrl?: string | undefined;
}

/** A post-mortem with everything the API shows of it. */
export interface PostmortemDetail extends Postmortem {
  incident: Incident;
  owner: User | null;
  attendeeUsers: User[];
  sections: Section[];
  timeline: TimelineItem[];
  actionItems: StoredFollowUp[];
  /** The meeting time outside the seed's window, and the like: accepted, but said. */
  warnings: string[];
}

export interface PostmortemChange {
  state?: PostmortemState | undefined;
  /** A user's id or handle, or "me". */
  owner?: string | undefined;
  meetingAt?: Date | null | undefined;
  /** Users' ids or handles. */
  attendees?: string[] | undefined;
}

/** The path of a share link (under VIGIL_PUBLIC_URL when set). */
export const SHARE_PATH = '/share/postmortems/';

export function createPostmortemsService(deps: PostmortemsDeps) {
  const { db, clock, incidents, users, services, followUps, tellUser, publish, autoSeverities, publicUrl } = deps;
  const base = publicUrl?.replace(/\/+$/, '') ?? '';

  async function loadFor(q: Db, incident: Incident): Promise<Postmortem> {
    const pm = await findByIncident(q, incident.id);
    if (!pm)
      throw new AppError('postmortem.not_found', `incident ${incident.number} has no post-mortem`, {
        incident: incident.number,
      });
    return pm;
  }

  /** A user named by id, handle or "me"; 422 naming the field when there is none. */
  async function userOf(actor: Actor, ref: string, field: string, q: Db): Promise<User> {
    const user = await users.find(ref === 'me' ? (actor.id ?? '') : ref, q);
    if (!user)
      throw new AppError(
        `postmortem.unknown_${field}`,
        `${field}: ${JSON.stringify(ref)} is not a user`,
        { field, [field]: ref },
        'unprocessable',
      );
    return user;
  }

  async function detail(q: Db, pm: Postmortem, incident?: Incident): Promise<PostmortemDetail> {
    const inc = incident ?? (await incidents.within(q).load(pm.incidentId));
    const people = async (ids: string[]) =>
      (await Promise.all(ids.map((id) => users.find(id, q)))).filter((u): u is User => !!u);
    const [owner] = pm.ownerId ? await people([pm.ownerId]) : [];
    const items = await followUps.list(SYSTEM_ACTOR, { limit: 200, incident: inc.id });
    return {
      ...pm,
      incident: inc,
      owner: owner ?? null,
      attendeeUsers: await people(pm.attendees),
      sections: sortSections(await sectionsOf(q, pm.id)),
      timeline: await timelineOf(q, pm.id),
      actionItems: items.data,
      warnings: meetingWarnings(pm.meetingAt, inc.resolvedAt),
    };
  }

  /** Creates the post-mortem of a resolved incident, prefilled, in the caller's transaction. */
  async function createIn(trx: Db, incident: Incident, actor: Actor, now: Date): Promise<Postmortem | undefined> {
    const candidate = defaultOwner(incident);
    const owner = candidate ? await users.find(candidate, trx) : undefined;
    const serviceName = incident.serviceId ? (await services.load(incident.serviceId, trx)).name : null;
    const entries = (await entriesOfKinds(trx, incident.id, KEY_KINDS)).filter(isKeyEntry);
    const pm: Postmortem = {
      id: newId('pm', now),
      incidentId: incident.id,
      state: 'draft',
      ownerId: owner?.id ?? null,
      meetingAt: null,
      attendees: await responderIds(trx, incident),
      publishedAt: null,
      shared: false,
      createdBy: { type: actor.type, id: actor.id, name: actor.name },
      createdAt: now,
      updatedAt: now,
    };
    const texts: Partial<Record<SectionKey, string>> = {
      impact: impactText(incident, serviceName, await hasBreach(trx, incident.id)),
    };
    const created = await insertPostmortem(
      trx,
      pm,
      SECTION_KEYS.map((key) => ({ key, text: texts[key] ?? '' })),
      entries.map((e) => ({
        entryId: e.id,
        at: e.at,
        kind: e.kind,
        summary: summarize(e),
        actorName: e.actorName,
        included: true,
        annotation: null,
      })),
    );
    if (!created) return undefined;
    if (incident.resolvedAt) await planReminders(trx, pm.id, reminderTimes(incident.resolvedAt), now);
    await linkFollowUps(trx, incident.id, pm.id);
    await incidents
      .within(trx)
      .record(incident, actor, 'postmortem_created', { postmortem_id: pm.id, owner: owner?.handle ?? null }, now);
    return pm;
  }

  /** Runs one change to an incident's post-mortem in a transaction; returns the post-mortem as stored after. */
  async function change(
    actor: Actor,
    ref: string,
    apply: (trx: Db, pm: Postmortem, incident: Incident, now: Date) => Promise<void>,
  ): Promise<PostmortemDetail> {
    authorize(actor, 'incident.write');
    const incident = await incidents.get(actor, ref);
    await inTransaction(db, async (trx) => {
      const pm = await loadFor(trx, incident);
      await apply(trx, pm, incident, clock.now());
    });
    // Read after the commit: the follow-ups are read through their own service, outside this transaction.
    return detail(db, await loadFor(db, incident), incident);
  }

  /** Claims one due reminder and, while it is still wanted, tells the owner (see settleReminder). */
  async function remind(trx: Db, r: PostmortemReminder, now: Date): Promise<boolean> {
    const pm = await findById(trx, r.postmortemId);
    const wanted = !!pm && reminderWanted(r.kind, pm);
    if (!(await settleReminder(trx, r.id, wanted ? 'sent' : 'cancelled', now)) || !pm || !wanted) return false;
    const incident = await incidents.within(trx).load(pm.incidentId);
    const subject =
      r.kind === 'meeting'
        ? `[Post-mortem] no meeting scheduled yet: ${incident.number} ${incident.title}`
        : `[Post-mortem] not published yet: ${incident.number} ${incident.title}`;
    const link = publicUrl ? `${base}/incidents/${incident.number}` : null;
    const text = [
      r.kind === 'meeting'
        ? `${incident.number} was resolved ${incident.resolvedAt?.toISOString() ?? ''}; its post-mortem has no ` +
          'meeting yet. The runbook holds it 24–72 h after resolution, with every responder.'
        : `${incident.number} was resolved ${incident.resolvedAt?.toISOString() ?? ''}; its post-mortem is still ` +
          `${pm.state}. The runbook completes the report within 72 h.`,
      ...(link ? [link] : []),
    ].join('\n');
    await tellUser(trx, pm.ownerId as string, {
      kind: 'postmortem',
      incidentId: incident.id,
      subject,
      text,
      payload: {
        event: 'postmortem.reminder',
        reminder: r.kind,
        postmortem: { id: pm.id, state: pm.state, incident_number: incident.number },
        message: { subject, text },
      },
      at: now,
    });
    return true;
  }

  return {
    /** Creates the post-mortem of a resolved incident (409 while it is open, or when it has one). */
    async create(actor: Actor, ref: string): Promise<PostmortemDetail> {
      authorize(actor, 'incident.write');
      const incident = await incidents.get(actor, ref);
      if (incident.status !== 'resolved')
        throw new AppError(
          'postmortem.conflict',
          `incident ${incident.number} is ${incident.status}; resolve it first`,
          {
            status: incident.status,
          },
        );
      const pm = await inTransaction(db, async (trx) => {
        const now = clock.now();
        const created = await createIn(trx, incident, actor, now);
        if (!created)
          throw new AppError('postmortem.already_exists', `incident ${incident.number} already has a post-mortem`, {
            incident: incident.number,
          });
        await audit(trx, clock, actor, {
          action: 'postmortem.create',
          target: { type: 'postmortem', id: created.id },
          details: { incident_id: incident.id },
        });
        return created;
      });
      return detail(db, pm, incident);
    },

    /**
     * Reaction to a resolve (inside its transaction): an incident of the configured severities gets its
     * post-mortem; one that already has one (resolved again after a reopen) has its reminders moved to the
     * new resolution.
     */
    async incidentResolved(trx: Db, incidentId: string, at: Date): Promise<void> {
      const incident = await incidents.within(trx).load(incidentId);
      const existing = await findByIncident(trx, incidentId);
      if (existing) {
        if (existing.state !== 'published' && incident.resolvedAt)
          await planReminders(trx, existing.id, reminderTimes(incident.resolvedAt), at);
        return;
      }
      if (autoSeverities.includes(incident.severity)) await createIn(trx, incident, SYSTEM_ACTOR, at);
    },

    async get(actor: Actor, ref: string): Promise<PostmortemDetail> {
      authorize(actor, 'read');
      const incident = await incidents.get(actor, ref);
      return detail(db, await loadFor(db, incident), incident);
    },

    /**
     * Changes state, owner, meeting time or attendees. A meeting outside the 24–72 h window is kept, with a
     * warning in the answer; setting or moving it publishes postmortem.meeting_scheduled.
     */
    update(actor: Actor, ref: string, input: PostmortemChange): Promise<PostmortemDetail> {
      return change(actor, ref, async (trx, pm, incident, now) => {
        checkEditable(pm.state);
        const state = input.state ?? pm.state;
        checkMove(pm.state, state);
        const owner = input.owner !== undefined ? await userOf(actor, input.owner, 'owner', trx) : undefined;
        const attendees =
          input.attendees && (await Promise.all(input.attendees.map((a) => userOf(actor, a, 'attendee', trx))));
        const meetingAt = input.meetingAt !== undefined ? input.meetingAt : pm.meetingAt;
        const after: Postmortem = {
          ...pm,
          state,
          ownerId: owner ? owner.id : pm.ownerId,
          meetingAt,
          attendees: attendees ? [...new Set(attendees.map((u) => u.id))] : pm.attendees,
          publishedAt: state === 'published' ? now : pm.publishedAt,
          updatedAt: now,
        };
        if (!(await updatePostmortem(trx, after, pm.state)))
          throw new AppError('postmortem.conflict', 'the post-mortem changed meanwhile; read it again', { id: pm.id });
        const record = (kind: string, data: Record<string, unknown>) =>
          incidents.within(trx).record(incident, actor, kind, { postmortem_id: pm.id, ...data }, now);
        if (state !== pm.state) await record(`postmortem_${state}`, { from: pm.state, to: state });
        const moved = meetingAt?.getTime() !== pm.meetingAt?.getTime();
        if (moved && meetingAt) {
          await record('postmortem_meeting_scheduled', {
            meeting_at: meetingAt.toISOString(),
            previous: pm.meetingAt?.toISOString() ?? null,
          });
          await publish('postmortem.meeting_scheduled', {
            trx,
            incidentId: incident.id,
            postmortemId: pm.id,
            meetingAt,
            at: now,
          });
        }
        await audit(trx, clock, actor, {
          action: state !== pm.state ? `postmortem.${state}` : 'postmortem.update',
          target: { type: 'postmortem', id: pm.id },
          details: {
            changed: Object.keys(input).filter((k) => input[k as keyof PostmortemChange] !== undefined),
            state,
            owner_id: after.ownerId,
            meeting_at: meetingAt?.toISOString() ?? null,
          },
        });
      });
    },

    /** Replaces one section's text if `version` is its current one; a stale version is refused (409). */
    updateSection(
      actor: Actor,
      ref: string,
      key: string,
      input: { text: string; version: number },
    ): Promise<PostmortemDetail> {
      if (!isSectionKey(key))
        throw new AppError(
          'postmortem.section_not_found',
          `no section ${JSON.stringify(key)}`,
          {
            section: key,
            sections: SECTION_KEYS,
          },
          'not_found',
        );
      return change(actor, ref, async (trx, pm, _incident, now) => {
        checkEditable(pm.state);
        const saved = await updateSection(trx, pm.id, key, { ...input, at: now, by: actor.name });
        if (!saved) {
          const current = (await sectionsOf(trx, pm.id)).find((s) => s.key === key);
          throw new AppError(
            'postmortem.stale_version',
            `section ${key} is at version ${current?.version ?? '?'}, not ${input.version}: someone edited it ` +
              'meanwhile; read it again and redo the edit',
            { section: key, version: input.version, current_version: current?.version ?? null },
            'conflict',
          );
        }
        await audit(trx, clock, actor, {
          action: 'postmortem.section',
          target: { type: 'postmortem', id: pm.id },
          details: { section: key, version: input.version + 1 },
        });
      });
    },

    /** Includes or excludes one prefilled timeline entry and sets its annotation (null clears it). */
    updateTimelineEntry(
      actor: Actor,
      ref: string,
      entryId: string,
      input: { included?: boolean | undefined; annotation?: string | null | undefined },
    ): Promise<PostmortemDetail> {
      return change(actor, ref, async (trx, pm) => {
        checkEditable(pm.state);
        if (!(await updateTimelineItem(trx, pm.id, entryId, input)))
          throw new AppError(
            'postmortem.entry_not_found',
            `the post-mortem's timeline has no entry ${entryId}`,
            {
              entry: entryId,
            },
            'not_found',
          );
        await audit(trx, clock, actor, {
          action: 'postmortem.timeline',
          target: { type: 'postmortem', id: pm.id },
          details: { entry_id: entryId, ...input },
        });
      });
    },

    /**
     * A new read-only share link: its token is returned here once and stored only as its SHA-256 digest; a
     * link made before stops working.
     */
    async share(actor: Actor, ref: string): Promise<{ token: string; url: string }> {
      const token = generateToken();
      await change(actor, ref, async (trx, pm, _incident, now) => {
        await setShareDigest(trx, pm.id, digest(token), now);
        await audit(trx, clock, actor, {
          action: 'postmortem.share',
          target: { type: 'postmortem', id: pm.id },
          details: {},
        });
      });
      return { token, url: `${base}${SHARE_PATH}${token}` };
    },

    /** Revokes the share link (nothing to revoke is fine). */
    async unshare(actor: Actor, ref: string): Promise<void> {
      await change(actor, ref, async (trx, pm) => {
        await setShareDigest(trx, pm.id, null, clock.now());
        await audit(trx, clock, actor, {
          action: 'postmortem.unshare',
          target: { type: 'postmortem', id: pm.id },
          details: { was_shared: pm.shared },
        });
      });
    },

    /** The post-mortem a share token opens (no actor: the token is the credential); 404 for any other. */
    async shared(token: string): Promise<PostmortemDetail> {
      const pm = await findByShareDigest(db, digest(token));
      if (!pm) throw new AppError('postmortem.not_found', 'this share link does not exist or was revoked', {});
      return detail(db, pm);
    },

    /**
     * The engine's postmortem-reminders sweep: claims each due reminder and writes its outbox rows in one
     * transaction, so each is sent once however many instances sweep; one no longer wanted (meeting set,
     * published, no owner) is cancelled. Resolves to how many were sent.
     */
    async sweepReminders(limit = 100): Promise<number> {
      const now = clock.now();
      let sent = 0;
      let failure: unknown;
      for (const r of await dueReminders(db, now, limit)) {
        try {
          if (await inTransaction(db, (trx) => remind(trx, r, now))) sent += 1;
        } catch (error) {
          // One failing reminder (it stays pending) must not hold up the others; the sweep still fails.
          failure ??= error;
        }
      }
      if (failure !== undefined) throw failure;
      return sent;
    },

    nextReminderAt: () => nextReminderAt(db),
  };
}

const sortSections = (sections: Section[]): Section[] =>
  [...sections].sort((a, b) => SECTION_KEYS.indexOf(a.key) - SECTION_KEYS.indexOf(b.key));

export type PostmortemsService = ReturnType<typeof createPostmortemsService>;
