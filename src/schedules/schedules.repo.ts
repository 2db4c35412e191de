// Schedules (layers as one JSON document, read and written whole), their overrides and temporary
// fixed schedules (rows, read by time window), and the per-user iCal feed tokens.
import type { Db } from '../db/database.js';
import type { SchedulesTable } from '../db/schema.js';
import type { FixedSchedule, Layer, Override, RotationKind } from './schedule.js';

export interface Schedule {
  id: string;
  name: string;
  description: string | null;
  timezone: string;
  layers: Layer[];
  createdAt: Date;
  updatedAt: Date;
}

interface StoredLayer {
  name: string;
  rotation: { kind: RotationKind; shift_seconds?: number | undefined; handoff_at: string; participants: string[] };
  restrictions?: Array<{ days?: number[] | undefined; start: string; end: string }> | undefined;
}

function toSchedule(r: SchedulesTable): Schedule {
  const layers = JSON.parse(r.layers) as StoredLayer[];
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    timezone: r.timezone,
    layers: layers.map((l) => ({
      name: l.name,
      rotation: {
        kind: l.rotation.kind,
        shiftSeconds: l.rotation.shift_seconds,
        handoffAt: new Date(l.rotation.handoff_at),
        participants: l.rotation.participants,
      },
      restrictions: l.restrictions,
    })),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

const storedLayers = (layers: Layer[]): string =>
  JSON.stringify(
    layers.map((l): StoredLayer => ({
      name: l.name,
      rotation: {
        kind: l.rotation.kind,
        ...(l.rotation.shiftSeconds !== undefined && { shift_seconds: l.rotation.shiftSeconds }),
        handoff_at: l.rotation.handoffAt.toISOString(),
        participants: l.rotation.participants,
      },
      ...(l.restrictions?.length && { restrictions: l.restrictions }),
    })),
  );

export async function insertSchedule(db: Db, s: Schedule): Promise<void> {
  await db
    .insertInto('schedules')
    .values({
      id: s.id,
      name: s.name,
      description: s.description,
      timezone: s.timezone,
      layers: storedLayers(s.layers),
      created_at: s.createdAt.toISOString(),
      updated_at: s.updatedAt.toISOString(),
    })
    .execute();
}

export async function saveSchedule(db: Db, s: Schedule): Promise<void> {
  await db
    .updateTable('schedules')
    .set({
      name: s.name,
      description: s.description,
      timezone: s.timezone,
      layers: storedLayers(s.layers),
      updated_at: s.updatedAt.toISOString(),
    })
    .where('id', '=', s.id)
    .execute();
}

/** By id or exact name. */
export async function findSchedule(db: Db, ref: string): Promise<Schedule | undefined> {
  const row = await db
    .selectFrom('schedules')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .executeTakeFirst();
  return row && toSchedule(row);
}

export async function listSchedules(db: Db, q: { limit: number; after?: string | undefined }): Promise<Schedule[]> {
  let query = db.selectFrom('schedules').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.after) query = query.where('id', '<', q.after);
  return (await query.execute()).map(toSchedule);
}

export async function deleteSchedule(db: Db, id: string): Promise<void> {
  await db.deleteFrom('schedule_overrides').where('schedule_id', '=', id).execute();
  await db.deleteFrom('schedule_fixed').where('schedule_id', '=', id).execute();
  await db.deleteFrom('schedules').where('id', '=', id).execute();
}

export async function insertOverride(
  db: Db,
  scheduleId: string,
  o: Override,
  createdBy: string | null,
  at: Date,
): Promise<void> {
  await db
    .insertInto('schedule_overrides')
    .values({
      id: o.id,
      schedule_id: scheduleId,
      user_id: o.userId,
      replaces_user_id: o.replacesUserId,
      start_at: o.start.toISOString(),
      end_at: o.end.toISOString(),
      created_by: createdBy,
      created_at: at.toISOString(),
    })
    .execute();
}

/** Overrides overlapping [from, to), oldest start first. */
export async function overridesBetween(db: Db, scheduleId: string, from: Date, to: Date): Promise<Override[]> {
  const rows = await db
    .selectFrom('schedule_overrides')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('end_at', '>', from.toISOString())
    .where('start_at', '<', to.toISOString())
    .orderBy('start_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    replacesUserId: r.replaces_user_id,
    start: new Date(r.start_at),
    end: new Date(r.end_at),
  }));
}

export async function deleteOverride(db: Db, scheduleId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('schedule_overrides')
    .where('schedule_id', '=', scheduleId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertFixed(db: Db, scheduleId: string, f: FixedSchedule, at: Date): Promise<void> {
  await db
    .insertInto('schedule_fixed')
    .values({
      id: f.id,
      schedule_id: scheduleId,
      start_at: f.start.toISOString(),
      end_at: f.end.toISOString(),
      shifts: JSON.stringify(
        f.shifts.map((s) => ({ user_id: s.userId, start: s.start.toISOString(), end: s.end.toISOString() })),
      ),
      created_at: at.toISOString(),
    })
    .execute();
}

export async function fixedBetween(db: Db, scheduleId: string, from: Date, to: Date): Promise<FixedSchedule[]> {
  const rows = await db
    .selectFrom('schedule_fixed')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('end_at', '>', from.toISOString())
    .where('start_at', '<', to.toISOString())
    .orderBy('start_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    start: new Date(r.start_at),
    end: new Date(r.end_at),
    shifts: (JSON.parse(r.shifts) as Array<{ user_id: string; start: string; end: string }>).map((s) => ({
      userId: s.user_id,
      start: new Date(s.start),
      end: new Date(s.end),
    })),
  }));
}

export async function deleteFixed(db: Db, scheduleId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('schedule_fixed')
    .where('schedule_id', '=', scheduleId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertIcalToken(
  db: Db,
  t: { id: string; userId: string; digest: string; at: Date },
): Promise<void> {
  await db
    .insertInto('ical_tokens')
    .values({ id: t.id, user_id: t.userId, digest: t.digest, created_at: t.at.toISOString(), revoked_at: null })
    .execute();
}

/** The user whose live (not revoked) feed token has this digest. */
export async function findIcalTokenUser(db: Db, digest: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('ical_tokens')
    .select('user_id')
    .where('digest', '=', digest)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.user_id;
}

/** Revokes every live feed token of the user; returns how many. */
export async function revokeIcalTokens(db: Db, userId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('ical_tokens')
    .set({ revoked_at: at.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
