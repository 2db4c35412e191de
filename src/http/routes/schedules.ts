// Schedules, overrides, "who is on call", and the iCal feeds. The feeds live outside /api: calendar
// apps cannot send a bearer token, so the URL carries an unguessable, revocable per-user token.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import type * as views from '../views/index.js';
import { AppError } from '../../errors.js';
import { renderCalendar, type Layer, type Shift } from '../../schedules/index.js';
import { page } from '../present.js';
import { fixedView, overrideView, scheduleView, shiftView } from '../present-oncall.js';
import { description, idParams, instant, pageQuery, ref, text, timezone } from '../schemas.js';

const tags = ['on-call'];
const DAY_MS = 86_400_000;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const layer = z.strictObject({
  name: text(100),
  rotation: z
    .strictObject({
      kind: z.enum(['hourly', 'daily', 'weekly', 'custom']),
      shift_seconds: z
        .number()
        .int()
        .min(60)
        .max(90 * 86_400)
        .optional(),
      handoff_at: instant,
      participants: z.array(ref).min(1).max(200),
    })
    // Checked here so the 400 names the wire field (the domain check would say "shiftSeconds").
    .refine((r) => r.kind !== 'custom' || r.shift_seconds !== undefined, {
      path: ['shift_seconds'],
      message: 'a custom rotation needs shift_seconds (at least 60)',
    }),
  restrictions: z
    .array(
      z.strictObject({
        days: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
        start: hhmm,
        end: hhmm,
      }),
    )
    .max(50)
    .optional(),
});
type LayerBody = z.infer<typeof layer>;
const toLayer = (l: LayerBody): Layer => ({
  name: l.name,
  rotation: {
    kind: l.rotation.kind,
    shiftSeconds: l.rotation.shift_seconds,
    handoffAt: l.rotation.handoff_at,
    participants: l.rotation.participants,
  },
  restrictions: l.restrictions,
});
const scheduleBody = z.strictObject({
  name: text(200),
  description: description.optional(),
  timezone,
  layers: z.array(layer).max(20),
});
const atQuery = z.strictObject({ at: instant.optional() });
const windowQuery = z.strictObject({ from: instant.optional(), to: instant.optional() });

export function scheduleRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const now = () => app.clock.now();

  r.post(
    '/api/v1/schedules',
    {
      schema: {
        tags,
        summary: 'Create a schedule (admin): layers of rotations, the last layer wins where it covers',
        body: scheduleBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const schedule = await app.schedules.create(request.actor, {
        name: b.name,
        description: b.description,
        timezone: b.timezone,
        layers: b.layers.map(toLayer),
      });
      return reply.status(201).send(scheduleView(schedule));
    },
  );

  r.get('/api/v1/schedules', { schema: { tags, summary: 'List schedules', querystring: pageQuery } }, async (request) =>
    page(await app.schedules.list(request.actor, request.query), scheduleView),
  );

  r.get(
    '/api/v1/schedules/:id',
    { schema: { tags, summary: 'A schedule by id or name', params: idParams } },
    async (request) => scheduleView(await app.schedules.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/schedules/:id',
    { schema: { tags, summary: 'Change a schedule (admin)', params: idParams, body: scheduleBody.partial() } },
    async (request) => {
      const b = request.body;
      return scheduleView(
        await app.schedules.update(request.actor, request.params.id, {
          name: b.name,
          description: b.description,
          timezone: b.timezone,
          layers: b.layers?.map(toLayer),
        }),
      );
    },
  );

  r.delete(
    '/api/v1/schedules/:id',
    { schema: { tags, summary: 'Delete a schedule no policy targets (admin)', params: idParams } },
    async (request, reply) => {
      await app.schedules.remove(request.actor, request.params.id, (q, id) =>
        app.policies.targeting(q, { type: 'schedule', id }),
      );
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/schedules/:id/oncall',
    { schema: { tags, summary: 'Who is on call at `at` (default now)', params: idParams, querystring: atQuery } },
    async (request) => {
      const at = request.query.at ?? now();
      const schedule = await app.schedules.get(request.actor, request.params.id);
      return {
        schedule_id: schedule.id,
        name: schedule.name,
        at: at.toISOString(),
        user_ids: await app.schedules.onCall(schedule.id, at),
      };
    },
  );

  r.get(
    '/api/v1/schedules/:id/shifts',
    {
      schema: {
        tags,
        summary: 'Shifts over [from, to) (default: the next 14 days)',
        params: idParams,
        querystring: windowQuery,
      },
    },
    async (request) => {
      const from = request.query.from ?? now();
      const to = request.query.to ?? new Date(from.getTime() + 14 * DAY_MS);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        data: (await app.schedules.shifts(request.actor, request.params.id, from, to)).map(shiftView),
      } satisfies z.input<typeof views.ShiftWindow>;
    },
  );

  r.post(
    '/api/v1/schedules/:id/overrides',
    {
      schema: {
        tags,
        summary: 'Add (user_id), remove (replaces_user_id) or replace (both) a person over [start, end)',
        params: idParams,
        body: z.strictObject({
          user_id: ref.nullable().optional(),
          replaces_user_id: ref.nullable().optional(),
          start: instant,
          end: instant,
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const override = await app.schedules.addOverride(request.actor, request.params.id, {
        userId: b.user_id,
        replacesUserId: b.replaces_user_id,
        start: b.start,
        end: b.end,
      });
      return reply.status(201).send(overrideView(override));
    },
  );

  r.get(
    '/api/v1/schedules/:id/overrides',
    {
      schema: {
        tags,
        summary: 'Overrides over [from, to) (default: from now on, 93 days)',
        params: idParams,
        querystring: windowQuery,
      },
    },
    async (request) => {
      const from = request.query.from ?? now();
      const to = request.query.to ?? new Date(from.getTime() + 93 * DAY_MS);
      return {
        data: (await app.schedules.overrides(request.actor, request.params.id, from, to)).map(overrideView),
        next_cursor: null,
      };
    },
  );

  r.delete(
    '/api/v1/schedules/:id/overrides/:override_id',
    { schema: { tags, summary: 'Remove an override', params: z.strictObject({ id: ref, override_id: ref }) } },
    async (request, reply) => {
      await app.schedules.removeOverride(request.actor, request.params.id, request.params.override_id);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/schedules/:id/fixed',
    {
      schema: {
        tags,
        summary: 'A temporary fixed schedule: over [start, end) only these shifts count (admin)',
        params: idParams,
        body: z.strictObject({
          start: instant,
          end: instant,
          shifts: z.array(z.strictObject({ user_id: ref, start: instant, end: instant })).max(500),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const fixed = await app.schedules.addFixed(request.actor, request.params.id, {
        start: b.start,
        end: b.end,
        shifts: b.shifts.map((s) => ({ userId: s.user_id, start: s.start, end: s.end })),
      });
      return reply.status(201).send(fixedView(fixed));
    },
  );

  r.delete(
    '/api/v1/schedules/:id/fixed/:fixed_id',
    {
      schema: {
        tags,
        summary: 'Remove a temporary fixed schedule (admin)',
        params: z.strictObject({ id: ref, fixed_id: ref }),
      },
    },
    async (request, reply) => {
      await app.schedules.removeFixed(request.actor, request.params.id, request.params.fixed_id);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/oncall',
    {
      schema: {
        tags,
        summary: 'Who is on call at `at` for every schedule and every escalation policy level',
        querystring: atQuery,
      },
    },
    async (request) => {
      const overview = await app.escalation.onCallOverview(request.actor, request.query.at ?? now());
      return {
        at: overview.at.toISOString(),
        schedules: overview.schedules.map((s) => ({ schedule_id: s.id, name: s.name, user_ids: s.userIds })),
        policies: overview.policies.map((p) => ({
          policy_id: p.id,
          name: p.name,
          levels: p.levels.map((l) => ({
            level: l.level,
            name: l.name,
            delay_seconds: l.delaySeconds,
            user_ids: l.userIds,
          })),
        })),
      } satisfies z.input<typeof views.OnCallOverview>;
    },
  );

  // iCal feeds: a token for the caller, revocation, and the feeds themselves.
  r.post(
    '/api/v1/ical/tokens',
    {
      schema: {
        tags,
        summary: 'Issue an iCal feed token for yourself (shown once)',
        body: z.strictObject({}).nullish(),
      },
    },
    async (request, reply) => {
      const token = await app.schedules.issueFeedToken(request.actor);
      const base = `${request.protocol}://${request.host}`;
      return reply.status(201).send({
        token,
        my_shifts_url: `${base}/ical/${token}/me.ics`,
        schedule_url_template: `${base}/ical/${token}/schedules/{schedule_id}.ics`,
      } satisfies z.input<typeof views.CalendarLink>);
    },
  );

  r.delete(
    '/api/v1/users/:id/ical-tokens',
    {
      schema: {
        tags,
        summary: 'Revoke every iCal feed token of a user (yourself, or anyone as admin)',
        params: idParams,
      },
    },
    async (request) =>
      ({
        revoked: await app.schedules.revokeFeedTokens(request.actor, request.params.id),
      }) satisfies z.input<typeof views.CalendarLinksRevoked>,
  );

  async function feed(
    reply: FastifyReply,
    token: string,
    pick: (
      all: Awaited<ReturnType<App['schedules']['allShifts']>>,
      userId: string,
    ) => { name: string; shifts: Array<Shift & { scheduleId: string; scheduleName: string }> },
  ) {
    const userId = await app.schedules.feedUser(token);
    if (!userId) throw new AppError('ical.not_found', 'this calendar link is unknown or was revoked', {});
    const at = now();
    const all = await app.schedules.allShifts(
      new Date(at.getTime() - 7 * DAY_MS),
      new Date(at.getTime() + 56 * DAY_MS),
    );
    const chosen = pick(all, userId);
    const people = new Map<string, { name: string; handle: string }>();
    for (const id of new Set(chosen.shifts.map((s) => s.userId))) {
      const user = await app.users.find(id);
      if (user) people.set(id, { name: user.name, handle: user.handle });
    }
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .send(renderCalendar({ name: chosen.name, shifts: chosen.shifts, people, now: at }));
  }
  const withSchedule = (s: Awaited<ReturnType<App['schedules']['allShifts']>>[number]) =>
    s.shifts.map((shift) => ({ ...shift, scheduleId: s.schedule.id, scheduleName: s.schedule.name }));

  r.get(
    '/ical/:token/me.ics',
    {
      schema: {
        tags,
        summary: 'My on-call shifts as an iCal feed (the token is the credential)',
        params: z.strictObject({ token: ref }),
      },
    },
    async (request, reply) =>
      feed(reply, request.params.token, (all, userId) => ({
        name: 'My on-call shifts (Vigil)',
        shifts: all.flatMap(withSchedule).filter((s) => s.userId === userId),
      })),
  );

  r.get(
    '/ical/:token/schedules/:schedule',
    {
      schema: {
        tags,
        summary: 'A schedule as an iCal feed; the name ends in .ics',
        params: z.strictObject({ token: ref, schedule: ref }),
      },
    },
    async (request, reply) =>
      feed(reply, request.params.token, (all) => {
        const wanted = request.params.schedule.replace(/\.ics$/, '');
        const found = all.find((s) => s.schedule.id === wanted || s.schedule.name === wanted);
        if (!found) throw new AppError('schedule.not_found', `no schedule "${wanted}"`, { schedule: wanted });
        return { name: `${found.schedule.name} (Vigil)`, shifts: withSchedule(found) };
      }),
  );
}
