// Managing schedules and answering "who is on call". Admins shape schedules; responders add and
// remove overrides (shift swaps); everyone signed in reads them. The maths is in rotation.ts and
// resolve.ts; this file loads the rows a time window needs and hands them over.
import { createHash, randomBytes } from 'node:crypto';
import { authorize, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { UsersService } from '../users/index.js';
import { onCallAt, resolveShifts } from './resolve.js';
import { validateRotation } from './rotation.js';
import type { FixedSchedule, Layer, Override, ScheduleDefinition, Shift } from './schedule.js';
import {
  deleteFixed,
  deleteOverride,
  deleteSchedule,
  findIcalTokenUser,
  findSchedule,
  fixedBetween,
  insertFixed,
  insertIcalToken,
  insertOverride,
  insertSchedule,
  listSchedules,
  overridesBetween,
  revokeIcalTokens,
  saveSchedule,
  type Schedule,
} from './schedules.repo.js';

export interface ScheduleInput {
  name: string;
  description?: string | null | undefined;
  timezone: string;
  layers: Layer[];
}

export interface SchedulesDeps {
  db: Db;
  clock: Clock;
  users: UsersService;
}

/** The longest window one shifts query may cover. */
export const MAX_WINDOW_DAYS = 93;
const DAY_MS = 86_400_000;

const digestOf = (token: string) => createHash('sha256').update(token).digest('hex');

export function createSchedulesService({ db, clock, users }: SchedulesDeps) {
  async function load(ref: string, q: Db = db): Promise<Schedule> {
    const schedule = await findSchedule(q, ref);
    if (!schedule) throw notFound('schedule', ref);
    return schedule;
  }

  /** Every participant must be a user; layers must be well formed. Problems are named by field. */
  async function check(q: Db, layers: Layer[]): Promise<void> {
    const problems: string[] = [];
    for (const [i, layer] of layers.entries()) {
      for (const p of validateRotation(layer.rotation)) problems.push(`layers[${i}].rotation: ${p}`);
      for (const [j, id] of layer.rotation.participants.entries()) {
        const user = await users.find(id, q);
        if (!user) problems.push(`layers[${i}].rotation.participants[${j}]: no user "${id}"`);
      }
    }
    if (problems.length > 0) throw new AppError('schedule.invalid', problems.join('; '), { problems });
  }

  /** Participants may be given by handle; stored by id. */
  async function normalize(q: Db, layers: Layer[]): Promise<Layer[]> {
    const out: Layer[] = [];
    for (const layer of layers) {
      const participants: string[] = [];
      for (const ref of layer.rotation.participants) participants.push((await users.find(ref, q))?.id ?? ref);
      out.push({ ...layer, rotation: { ...layer.rotation, participants } });
    }
    return out;
  }

  async function definition(q: Db, schedule: Schedule, from: Date, to: Date): Promise<ScheduleDefinition> {
    return {
      timezone: schedule.timezone,
      layers: schedule.layers,
      overrides: await overridesBetween(q, schedule.id, from, to),
      fixed: await fixedBetween(q, schedule.id, from, to),
    };
  }

  function window(from: Date, to: Date): void {
    if (!(to > from))
      throw new AppError('schedule.invalid_window', '"to" must be after "from"', {
        from: from.toISOString(),
        to: to.toISOString(),
      });
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
      throw new AppError('schedule.invalid_window', `a window may cover at most ${MAX_WINDOW_DAYS} days`, {
        max_days: MAX_WINDOW_DAYS,
      });
  }

  const nameTaken = (name: string) =>
    new AppError('schedule.already_exists', `a schedule named "${name}" already exists`, { name });

  async function userRef(q: Db, ref: string | null | undefined, field: string): Promise<string | null> {
    if (ref === null || ref === undefined) return null;
    const user = await users.find(ref, q);
    if (!user) throw new AppError('schedule.invalid', `${field}: no user "${ref}"`, { field });
    return user.id;
  }

  const service = {
    load,

    async create(actor: Actor, input: ScheduleInput): Promise<Schedule> {
      authorize(actor, 'oncall.write');
      const now = clock.now();
      try {
        return await inTransaction(db, async (trx) => {
          await check(trx, input.layers);
          const schedule: Schedule = {
            id: newId('sch', now),
            name: input.name,
            description: input.description ?? null,
            timezone: input.timezone,
            layers: await normalize(trx, input.layers),
            createdAt: now,
            updatedAt: now,
          };
          await insertSchedule(trx, schedule);
          await audit(trx, clock, actor, {
            action: 'schedule.create',
            target: { type: 'schedule', id: schedule.id },
            details: { name: schedule.name },
          });
          return schedule;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined }) {
      authorize(actor, 'read');
      const rows = await listSchedules(db, { limit: q.limit + 1, after: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    async get(actor: Actor, ref: string): Promise<Schedule> {
      authorize(actor, 'read');
      return load(ref);
    },

    async update(actor: Actor, ref: string, patch: Partial<ScheduleInput>): Promise<Schedule> {
      authorize(actor, 'oncall.write');
      try {
        return await inTransaction(db, async (trx) => {
          const current = await load(ref, trx);
          if (patch.layers) await check(trx, patch.layers);
          const next: Schedule = {
            ...current,
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.timezone !== undefined && { timezone: patch.timezone }),
            ...(patch.layers !== undefined && { layers: await normalize(trx, patch.layers) }),
            updatedAt: clock.now(),
          };
          await saveSchedule(trx, next);
          await audit(trx, clock, actor, {
            action: 'schedule.update',
            target: { type: 'schedule', id: current.id },
            details: { fields: Object.keys(patch) },
          });
          return next;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(patch.name ?? '');
        throw error;
      }
    },

    async remove(actor: Actor, ref: string, inUse: (q: Db, scheduleId: string) => Promise<string[]>): Promise<void> {
      authorize(actor, 'oncall.write');
      await inTransaction(db, async (trx) => {
        const schedule = await load(ref, trx);
        const users = await inUse(trx, schedule.id);
        if (users.length > 0)
          throw new AppError(
            'schedule.in_use',
            `"${schedule.name}" is a target of escalation policies: ${users.join(', ')}`,
            { policies: users },
          );
        await deleteSchedule(trx, schedule.id);
        await audit(trx, clock, actor, {
          action: 'schedule.delete',
          target: { type: 'schedule', id: schedule.id },
          details: { name: schedule.name },
        });
      });
    },

    /** Adds, removes or replaces a person over [start, end). */
    async addOverride(
      actor: Actor,
      ref: string,
      input: { userId?: string | null | undefined; replacesUserId?: string | null | undefined; start: Date; end: Date },
    ): Promise<Override> {
      authorize(actor, 'override.write');
      if (!(input.end > input.start))
        throw new AppError('schedule.invalid', 'end: must be after start', { field: 'end' });
      return inTransaction(db, async (trx) => {
        const schedule = await load(ref, trx);
        const userId = await userRef(trx, input.userId, 'user_id');
        const replacesUserId = await userRef(trx, input.replacesUserId, 'replaces_user_id');
        if (!userId && !replacesUserId)
          throw new AppError(
            'schedule.invalid',
            'user_id: give the person to put on call, replaces_user_id the person to take off, or both',
            { field: 'user_id' },
          );
        const now = clock.now();
        const override: Override = {
          id: newId('ovr', now),
          userId,
          replacesUserId,
          start: input.start,
          end: input.end,
        };
        await insertOverride(trx, schedule.id, override, actor.id, now);
        await audit(trx, clock, actor, {
          action: 'schedule.override',
          target: { type: 'schedule', id: schedule.id },
          details: {
            override: override.id,
            user_id: userId,
            replaces_user_id: replacesUserId,
            start: input.start.toISOString(),
            end: input.end.toISOString(),
          },
        });
        return override;
      });
    },

    async overrides(actor: Actor, ref: string, from: Date, to: Date): Promise<Override[]> {
      authorize(actor, 'read');
      window(from, to);
      const schedule = await load(ref);
      return overridesBetween(db, schedule.id, from, to);
    },

    async removeOverride(actor: Actor, ref: string, overrideId: string): Promise<void> {
      authorize(actor, 'override.write');
      await inTransaction(db, async (trx) => {
        const schedule = await load(ref, trx);
        if (!(await deleteOverride(trx, schedule.id, overrideId))) throw notFound('override', overrideId);
        await audit(trx, clock, actor, {
          action: 'schedule.override_delete',
          target: { type: 'schedule', id: schedule.id },
          details: { override: overrideId },
        });
      });
    },

    /** A temporary fixed schedule: over [start, end) only these shifts count. */
    async addFixed(
      actor: Actor,
      ref: string,
      input: { start: Date; end: Date; shifts: Array<{ userId: string; start: Date; end: Date }> },
    ): Promise<FixedSchedule> {
      authorize(actor, 'oncall.write');
      if (!(input.end > input.start))
        throw new AppError('schedule.invalid', 'end: must be after start', { field: 'end' });
      return inTransaction(db, async (trx) => {
        const schedule = await load(ref, trx);
        const shifts: FixedSchedule['shifts'] = [];
        for (const [i, s] of input.shifts.entries()) {
          if (!(s.end > s.start))
            throw new AppError('schedule.invalid', `shifts[${i}].end: must be after start`, {
              field: `shifts[${i}].end`,
            });
          shifts.push({
            userId: (await userRef(trx, s.userId, `shifts[${i}].user_id`)) as string,
            start: s.start,
            end: s.end,
          });
        }
        const now = clock.now();
        const fixed: FixedSchedule = { id: newId('fix', now), start: input.start, end: input.end, shifts };
        await insertFixed(trx, schedule.id, fixed, now);
        await audit(trx, clock, actor, {
          action: 'schedule.fixed',
          target: { type: 'schedule', id: schedule.id },
          details: {
            fixed: fixed.id,
            start: input.start.toISOString(),
            end: input.end.toISOString(),
            shifts: shifts.length,
          },
        });
        return fixed;
      });
    },

    async removeFixed(actor: Actor, ref: string, fixedId: string): Promise<void> {
      authorize(actor, 'oncall.write');
      await inTransaction(db, async (trx) => {
        const schedule = await load(ref, trx);
        if (!(await deleteFixed(trx, schedule.id, fixedId))) throw notFound('fixed_schedule', fixedId);
      });
    },

    async shifts(actor: Actor, ref: string, from: Date, to: Date): Promise<Shift[]> {
      authorize(actor, 'read');
      window(from, to);
      const schedule = await load(ref);
      return resolveShifts(await definition(db, schedule, from, to), from, to);
    },

    /** User ids on call at `at`; `q` lets the escalation engine ask inside its transaction. */
    async onCall(ref: string, at: Date, q: Db = db): Promise<string[]> {
      const schedule = await load(ref, q);
      const instant = new Date(at.getTime() + 1);
      return onCallAt(await definition(q, schedule, at, instant), at);
    },

    /** Issues a new iCal feed token for the actor (shown once; earlier ones keep working until revoked). */
    async issueFeedToken(actor: Actor): Promise<string> {
      authorize(actor, 'read');
      if (actor.type !== 'user' || !actor.id)
        throw new AppError('auth.forbidden', 'only a person has an on-call calendar', {});
      const token = randomBytes(24).toString('base64url');
      const now = clock.now();
      await inTransaction(db, async (trx) => {
        await insertIcalToken(trx, {
          id: newId('ict', now),
          userId: actor.id as string,
          digest: digestOf(token),
          at: now,
        });
        await audit(trx, clock, actor, { action: 'ical.issue', target: { type: 'user', id: actor.id }, details: {} });
      });
      return token;
    },

    async revokeFeedTokens(actor: Actor, userRef: string): Promise<number> {
      const user = await users.load(userRef);
      if (user.id !== actor.id) authorize(actor, 'user.write');
      return inTransaction(db, async (trx) => {
        const n = await revokeIcalTokens(trx, user.id, clock.now());
        await audit(trx, clock, actor, {
          action: 'ical.revoke',
          target: { type: 'user', id: user.id },
          details: { revoked: n },
        });
        return n;
      });
    },

    /** The user a feed token belongs to, or undefined when it is unknown, revoked, or its owner was deactivated. */
    async feedUser(token: string): Promise<string | undefined> {
      const userId = await findIcalTokenUser(db, digestOf(token));
      const owner = userId ? await users.find(userId) : undefined;
      return owner && !owner.deactivatedAt ? owner.id : undefined;
    },

    /** Shifts of every schedule over [from, to), for feeds and the on-call overview. */
    async allShifts(from: Date, to: Date): Promise<Array<{ schedule: Schedule; shifts: Shift[] }>> {
      const out: Array<{ schedule: Schedule; shifts: Shift[] }> = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listSchedules(db, { limit: 200, after: cursor });
        for (const schedule of page)
          out.push({ schedule, shifts: resolveShifts(await definition(db, schedule, from, to), from, to) });
        if (page.length < 200) return out;
        cursor = page.at(-1)?.id;
      }
    },
  };
  return service;
}

export type SchedulesService = ReturnType<typeof createSchedulesService>;
