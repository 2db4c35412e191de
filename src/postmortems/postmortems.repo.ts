// Post-mortems (table postmortems, one per incident), their sections (postmortem_sections, one per key with
// a version), their timeline (postmortem_timeline, one row per prefilled incident entry) and the owner's
// reminders (postmortem_reminders, one per kind). Also the reads of other features' tables the prefill and
// the defaults need (the incident's key entries, its responders), and the linking of its follow-ups.
import type { Db } from '../db/database.js';
import { claimReminderRow, dueReminderRows, nextReminderDue, type ReminderSettlement } from '../db/reminder-rows.js';
import type { PostmortemRemindersTable, PostmortemsTable, PostmortemTimelineTable } from '../db/schema.js';
import { newId } from '../ids.js';
import type { PostmortemState, ReminderKind, SectionKey, SourceEntry } from './postmortem.js';

export interface Postmortem {
  id: string;
  incidentId: string;
  state: PostmortemState;
  ownerId: string | null;
  meetingAt: Date | null;
  /** User ids. */
  attendees: string[];
  publishedAt: Date | null;
  /** Whether a share link is live (its token is never stored). */
  shared: boolean;
  createdBy: { type: string; id: string | null; name: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface Section {
  key: SectionKey;
  text: string;
  version: number;
  updatedAt: Date;
  /** The handle (or component name) of who last changed it; null: prefilled. */
  updatedBy: string | null;
}

export interface TimelineItem {
  entryId: string;
  at: Date;
  kind: string;
  summary: string;
  actorName: string;
  included: boolean;
  annotation: string | null;
}

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

function toPostmortem(r: PostmortemsTable): Postmortem {
  return {
    id: r.id,
    incidentId: r.incident_id,
    state: r.state as PostmortemState,
    ownerId: r.owner_id,
    meetingAt: date(r.meeting_at),
    attendees: JSON.parse(r.attendees) as string[],
    publishedAt: date(r.published_at),
    shared: r.share_digest !== null,
    createdBy: JSON.parse(r.created_by) as Postmortem['createdBy'],
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Inserts a post-mortem with its sections and timeline; false when the incident already has one. */
export async function insertPostmortem(
  db: Db,
  pm: Postmortem,
  sections: ReadonlyArray<{ key: SectionKey; text: string }>,
  timeline: readonly TimelineItem[],
): Promise<boolean> {
  const inserted = await db
    .insertInto('postmortems')
    .values({
      id: pm.id,
      incident_id: pm.incidentId,
      state: pm.state,
      owner_id: pm.ownerId,
      meeting_at: pm.meetingAt?.toISOString() ?? null,
      attendees: JSON.stringify(pm.attendees),
      published_at: null,
      share_digest: null,
      share_created_at: null,
      created_by: JSON.stringify(pm.createdBy),
      created_at: pm.createdAt.toISOString(),
      updated_at: pm.updatedAt.toISOString(),
    })
    .onConflict((oc) => oc.column('incident_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  const at = pm.createdAt.toISOString();
  await db
    .insertInto('postmortem_sections')
    .values(
      sections.map((s) => ({
        postmortem_id: pm.id,
        key: s.key,
        text: s.text,
        version: 1,
        updated_at: at,
        updated_by: null,
      })),
    )
    .execute();
  // Chunks keep each statement under SQLite's bound-parameter limit.
  for (let i = 0; i < timeline.length; i += 100)
    await db
      .insertInto('postmortem_timeline')
      .values(timeline.slice(i, i + 100).map((t) => timelineRow(pm.id, t)))
      .execute();
  return true;
}

const timelineRow = (postmortemId: string, t: TimelineItem): PostmortemTimelineTable => ({
  postmortem_id: postmortemId,
  entry_id: t.entryId,
  at: t.at.toISOString(),
  kind: t.kind,
  summary: t.summary,
  actor_name: t.actorName,
  included: t.included ? 1 : 0,
  annotation: t.annotation,
});

export async function findByIncident(db: Db, incidentId: string): Promise<Postmortem | undefined> {
  const row = await db.selectFrom('postmortems').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  return row && toPostmortem(row);
}

export async function findById(db: Db, id: string): Promise<Postmortem | undefined> {
  const row = await db.selectFrom('postmortems').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toPostmortem(row);
}

export async function findByShareDigest(db: Db, digest: string): Promise<Postmortem | undefined> {
  const row = await db.selectFrom('postmortems').selectAll().where('share_digest', '=', digest).executeTakeFirst();
  return row && toPostmortem(row);
}

/** Writes state, owner, meeting, attendees and published_at, only while the state is still `from`. */
export async function updatePostmortem(db: Db, pm: Postmortem, from: PostmortemState): Promise<boolean> {
  const result = await db
    .updateTable('postmortems')
    .set({
      state: pm.state,
      owner_id: pm.ownerId,
      meeting_at: pm.meetingAt?.toISOString() ?? null,
      attendees: JSON.stringify(pm.attendees),
      published_at: pm.publishedAt?.toISOString() ?? null,
      updated_at: pm.updatedAt.toISOString(),
    })
    .where('id', '=', pm.id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets (a digest) or clears (null) the share link. */
export async function setShareDigest(db: Db, id: string, digest: string | null, at: Date): Promise<void> {
  await db
    .updateTable('postmortems')
    .set({ share_digest: digest, share_created_at: digest ? at.toISOString() : null })
    .where('id', '=', id)
    .execute();
}

export async function sectionsOf(db: Db, postmortemId: string): Promise<Section[]> {
  const rows = await db
    .selectFrom('postmortem_sections')
    .selectAll()
    .where('postmortem_id', '=', postmortemId)
    .execute();
  return rows.map((r) => ({
    key: r.key as SectionKey,
    text: r.text,
    version: Number(r.version),
    updatedAt: new Date(r.updated_at),
    updatedBy: r.updated_by,
  }));
}

/**
 * Replaces a section's text if its version is still `version`, and moves the version on by one. A conditional
 * update: of two edits made from the same version, the second finds the version moved and changes nothing
 * (PostgreSQL makes it wait for the first, then re-checks the condition). False when the version was stale.
 */
export async function updateSection(
  db: Db,
  postmortemId: string,
  key: SectionKey,
  change: { text: string; version: number; at: Date; by: string },
): Promise<boolean> {
  const result = await db
    .updateTable('postmortem_sections')
    .set((eb) => ({
      text: change.text,
      version: eb('version', '+', 1),
      updated_at: change.at.toISOString(),
      updated_by: change.by,
    }))
    .where('postmortem_id', '=', postmortemId)
    .where('key', '=', key)
    .where('version', '=', change.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function timelineOf(db: Db, postmortemId: string): Promise<TimelineItem[]> {
  const rows = await db
    .selectFrom('postmortem_timeline')
    .selectAll()
    .where('postmortem_id', '=', postmortemId)
    .orderBy('at')
    .orderBy('entry_id')
    .execute();
  return rows.map((r) => ({
    entryId: r.entry_id,
    at: new Date(r.at),
    kind: r.kind,
    summary: r.summary,
    actorName: r.actor_name,
    included: Number(r.included) === 1,
    annotation: r.annotation,
  }));
}

/** Changes one timeline item's inclusion and annotation; false when the post-mortem has no such entry. */
export async function updateTimelineItem(
  db: Db,
  postmortemId: string,
  entryId: string,
  change: { included?: boolean | undefined; annotation?: string | null | undefined },
): Promise<boolean> {
  const set = {
    ...(change.included !== undefined && { included: change.included ? 1 : 0 }),
    ...(change.annotation !== undefined && { annotation: change.annotation }),
  };
  const query = db
    .updateTable('postmortem_timeline')
    .where('postmortem_id', '=', postmortemId)
    .where('entry_id', '=', entryId);
  // An empty change still says whether the entry exists.
  const result = await (
    Object.keys(set).length ? query.set(set) : query.set((eb) => ({ included: eb.ref('included') }))
  ).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// What the prefill and the defaults read from the incident's own tables.

/** The incident's timeline entries of `kinds`, oldest first. */
export async function entriesOfKinds(db: Db, incidentId: string, kinds: readonly string[]): Promise<SourceEntry[]> {
  const rows = await db
    .selectFrom('incident_events')
    .select(['id', 'at', 'kind', 'actor_name', 'data'])
    .where('incident_id', '=', incidentId)
    .where('kind', 'in', kinds)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at),
    kind: r.kind,
    actorName: r.actor_name,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}

/**
 * Everyone who responded to the incident, as user ids in the order first seen: who acknowledged it, held a
 * role, wrote a note, or was paged.
 */
export async function responderIds(db: Db, incident: { id: string; acknowledgedBy: string | null }): Promise<string[]> {
  const [roles, notes, pages] = await Promise.all([
    db
      .selectFrom('incident_roles')
      .select('user_id')
      .where('incident_id', '=', incident.id)
      .orderBy('assigned_at')
      .execute(),
    db
      .selectFrom('incident_events')
      .select('actor_id')
      .where('incident_id', '=', incident.id)
      .where('kind', '=', 'note')
      .where('actor_type', '=', 'user')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('pages')
      .select('user_id')
      .where('incident_id', '=', incident.id)
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  const ids = [
    incident.acknowledgedBy,
    ...roles.map((r) => r.user_id),
    ...notes.map((n) => n.actor_id),
    ...pages.map((p) => p.user_id),
  ];
  // Only people: an integration that acknowledged is no attendee.
  const candidates = [...new Set(ids.filter((id): id is string => !!id))];
  if (candidates.length === 0) return [];
  const users = await db.selectFrom('users').select('id').where('id', 'in', candidates).execute();
  const known = new Set(users.map((u) => u.id));
  return candidates.filter((id) => known.has(id));
}

/** Whether a GDPR breach is recorded for the incident (the impact section's "data loss"). */
export async function hasBreach(db: Db, incidentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('gdpr_breaches')
    .select('id')
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Points the incident's follow-ups that name no post-mortem at this one. */
export async function linkFollowUps(db: Db, incidentId: string, postmortemId: string): Promise<void> {
  await db
    .updateTable('follow_ups')
    .set({ postmortem_id: postmortemId })
    .where('incident_id', '=', incidentId)
    .where('postmortem_id', 'is', null)
    .execute();
}

/** The meeting time of the incident's post-mortem (null: none set, or no post-mortem). */
export async function meetingAtOf(db: Db, incidentId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('postmortems')
    .select('meeting_at')
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  return date(row?.meeting_at ?? null);
}

// Reminders.

export interface PostmortemReminder {
  id: string;
  postmortemId: string;
  kind: ReminderKind;
  dueAt: Date;
  state: 'pending' | 'sent' | 'cancelled';
}

const toReminder = (r: PostmortemRemindersTable): PostmortemReminder => ({
  id: r.id,
  postmortemId: r.postmortem_id,
  kind: r.kind as ReminderKind,
  dueAt: new Date(r.due_at),
  state: r.state as PostmortemReminder['state'],
});

/**
 * Plans the reminders of one post-mortem. A kind it already has keeps its row and is pending again at the new
 * time (a re-resolved incident's window moves), unless it was sent: each reminder goes out once.
 */
export async function planReminders(
  db: Db,
  postmortemId: string,
  planned: ReadonlyArray<{ kind: ReminderKind; dueAt: Date }>,
  now: Date,
): Promise<void> {
  for (const { kind, dueAt } of planned)
    await db
      .insertInto('postmortem_reminders')
      .values({
        id: newId('pmr', now),
        postmortem_id: postmortemId,
        kind,
        due_at: dueAt.toISOString(),
        state: 'pending',
        created_at: now.toISOString(),
        settled_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['postmortem_id', 'kind'])
          .doUpdateSet({ due_at: dueAt.toISOString(), state: 'pending', settled_at: null })
          .where('postmortem_reminders.state', '!=', 'sent'),
      )
      .execute();
}

/** Pending reminders due by `now`, oldest due first. */
export async function dueReminders(db: Db, now: Date, limit: number): Promise<PostmortemReminder[]> {
  return (await dueReminderRows(db, 'postmortem_reminders', now, limit)).map(toReminder);
}

/** Settles one pending reminder once (db/reminder-rows.ts claimReminderRow). */
export function settleReminder(db: Db, id: string, state: ReminderSettlement, now: Date): Promise<boolean> {
  return claimReminderRow(db, 'postmortem_reminders', id, state, now);
}

/** The earliest pending due time (null: none), for waking the engine early. */
export function nextReminderAt(db: Db): Promise<Date | null> {
  return nextReminderDue(db, 'postmortem_reminders');
}
