// /api/v1/follow-ups: the action items after an incident (docs/follow-ups.md). Responders and admins
// add and change them; every role reads.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  FOLLOW_UP_KINDS,
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_STATUSES,
  isFollowUpOverdue,
  type StoredFollowUp,
} from '../../follow-ups/index.js';
import type * as views from '../views/index.js';
import { page } from '../present.js';
import { idParams, instant, limit, ref, text } from '../schemas.js';

const tags = ['follow-ups'];

export function followUpView(f: StoredFollowUp, now: Date): z.input<typeof views.FollowUp> {
  return {
    id: f.id,
    incident_id: f.incidentId,
    incident_number: f.incidentNumber,
    postmortem_id: f.postmortemId,
    title: f.title,
    kind: f.kind,
    owner_id: f.ownerId,
    owner: f.ownerHandle,
    due_at: f.dueAt.toISOString(),
    priority: f.priority,
    status: f.status,
    reason: f.reason,
    external_url: f.externalUrl,
    overdue: isFollowUpOverdue(f, now),
    completed_at: f.completedAt ? f.completedAt.toISOString() : null,
    created_by: f.createdBy,
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
}

/** An issue tracker link: an absolute http(s) URL. */
const externalUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://tracker.example.com/ISSUE-1' })
  .max(2000);

const fields = {
  postmortem_id: ref.describe("The post-mortem it came from (not checked; the incident's post-mortem links it)."),
  title: text(300),
  kind: z.enum(FOLLOW_UP_KINDS),
  owner_id: ref.describe('A user id or handle, or "me".'),
  due_at: instant,
  priority: z.enum(FOLLOW_UP_PRIORITIES),
  status: z.enum(FOLLOW_UP_STATUSES),
  reason: text(2000).describe('Required when the status is not_doing.'),
  external_url: externalUrl,
};

export function followUpRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/follow-ups',
    {
      schema: {
        tags,
        summary: 'Add a follow-up to an incident, owned by a user and due in the future (responder or admin)',
        description:
          'The owner is reminded at 09:00 in their own time zone on the day before the due day and on the due ' +
          'day (never after due_at), through their contact methods.',
        body: z.strictObject({
          incident_id: ref.describe('The incident id or number (INC-…).'),
          postmortem_id: fields.postmortem_id.optional(),
          title: fields.title,
          kind: fields.kind,
          owner_id: fields.owner_id,
          due_at: fields.due_at.describe('In the future.'),
          priority: fields.priority.optional().describe('Default medium.'),
          external_url: fields.external_url.optional(),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await app.followUps.create(request.actor, {
        incident: b.incident_id,
        postmortemId: b.postmortem_id,
        title: b.title,
        kind: b.kind,
        owner: b.owner_id,
        dueAt: b.due_at,
        priority: b.priority,
        externalUrl: b.external_url,
      });
      return reply.code(201).send(followUpView(created, app.clock.now()));
    },
  );

  r.get(
    '/api/v1/follow-ups',
    {
      schema: {
        tags,
        summary: 'Follow-ups, newest first; deleted ones only with status=deleted (any role)',
        querystring: z.strictObject({
          limit,
          cursor: ref.optional(),
          incident_id: ref.optional().describe('An incident id or number.'),
          owner_id: ref.optional().describe('A user id or handle, or "me".'),
          status: fields.status.optional(),
          kind: fields.kind.optional(),
          overdue: z.enum(['true', 'false']).optional().describe('true: only outstanding ones past due_at.'),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const result = await app.followUps.list(request.actor, {
        limit: q.limit,
        cursor: q.cursor,
        incident: q.incident_id,
        owner: q.owner_id,
        status: q.status,
        kind: q.kind,
        overdue: q.overdue === 'true',
      });
      const now = app.clock.now();
      return page(result, (f) => followUpView(f, now));
    },
  );

  r.get(
    '/api/v1/follow-ups/:id',
    { schema: { tags, summary: 'One follow-up (any role)', params: idParams } },
    async (request) => followUpView(await app.followUps.get(request.actor, request.params.id), app.clock.now()),
  );

  r.patch(
    '/api/v1/follow-ups/:id',
    {
      schema: {
        tags,
        summary: 'Change a follow-up: complete it, mark it not_doing (with a reason), delete it, or edit it',
        description:
          'Leaving outstanding cancels the pending reminders; a new due_at or owner re-plans them. A deleted ' +
          'follow-up does not change again.',
        params: idParams,
        body: z
          .strictObject({
            postmortem_id: fields.postmortem_id.nullable(),
            title: fields.title,
            kind: fields.kind,
            owner_id: fields.owner_id,
            due_at: fields.due_at,
            priority: fields.priority,
            status: fields.status,
            reason: fields.reason.nullable(),
            external_url: fields.external_url.nullable(),
          })
          .partial(),
      },
    },
    async (request) => {
      const b = request.body;
      const changed = await app.followUps.change(request.actor, request.params.id, {
        postmortemId: b.postmortem_id,
        title: b.title,
        kind: b.kind,
        owner: b.owner_id,
        dueAt: b.due_at,
        priority: b.priority,
        status: b.status,
        reason: b.reason,
        externalUrl: b.external_url,
      });
      return followUpView(changed, app.clock.now());
    },
  );
}
