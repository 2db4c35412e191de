// /api/v1/gdpr/requests: data-subject requests (Arts. 15–21) and their Art. 12(3) deadlines. Subject
// ids are personal data: admins, or responders with the privacy flag (the service checks).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  REQUEST_ARTICLE,
  REQUEST_KINDS,
  REQUEST_STATES,
  requestDaysLeft,
  isRequestOverdue,
  type StoredRequest,
} from '../../gdpr/index.js';
import type * as views from '../views/index.js';
import { page } from '../present.js';
import { idParams, instant, limit, ref, text } from '../schemas.js';

const tags = ['gdpr'];
const t = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function requestView(r: StoredRequest, now: Date): z.input<typeof views.GdprRequest> {
  const closed = r.state === 'completed' || r.state === 'refused';
  return {
    id: r.id,
    subject_id: r.subjectId,
    kind: r.kind,
    article: REQUEST_ARTICLE[r.kind],
    received_at: r.receivedAt.toISOString(),
    due_at: r.dueAt.toISOString(),
    state: r.state,
    extended_at: t(r.extendedAt),
    extension_reason: r.extensionReason,
    completed_at: t(r.completedAt),
    refused_at: t(r.refusedAt),
    refused_reason: r.refusedReason,
    note: r.note,
    days_left: closed ? null : requestDaysLeft(r, now),
    overdue: isRequestOverdue(r, now),
    created_by: r.createdBy,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** A subject id as the ledger takes it: non-empty, printable, at most 200 characters. */
export const subjectId = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

const reason = text(2000);

export function gdprRequestRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/gdpr/requests',
    {
      schema: {
        tags,
        summary: 'Record a data-subject request; due one calendar month after receipt (admin or privacy flag)',
        body: z.strictObject({
          subject_id: subjectId,
          kind: z.enum(REQUEST_KINDS),
          received_at: instant,
          note: text(2000).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { subject_id, kind, received_at, note } = request.body;
      const created = await app.gdprRequests.create(request.actor, {
        subjectId: subject_id,
        kind,
        receivedAt: received_at,
        note,
      });
      return reply.code(201).send(requestView(created, app.clock.now()));
    },
  );

  r.get(
    '/api/v1/gdpr/requests',
    {
      schema: {
        tags,
        summary: 'Data-subject requests, newest first; overdue=true for unclosed ones past due (admin or privacy flag)',
        querystring: z.strictObject({
          limit,
          cursor: ref.optional(),
          subject_id: subjectId.optional(),
          kind: z.enum(REQUEST_KINDS).optional(),
          state: z.enum(REQUEST_STATES).optional(),
          overdue: z.enum(['true', 'false']).optional(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const result = await app.gdprRequests.list(request.actor, {
        limit: q.limit,
        cursor: q.cursor,
        subjectId: q.subject_id,
        kind: q.kind,
        state: q.state,
        overdue: q.overdue === 'true',
      });
      const now = app.clock.now();
      return page(result, (x) => requestView(x, now));
    },
  );

  r.get(
    '/api/v1/gdpr/requests/:id',
    { schema: { tags, summary: 'One data-subject request (admin or privacy flag)', params: idParams } },
    async (request) => requestView(await app.gdprRequests.get(request.actor, request.params.id), app.clock.now()),
  );

  r.patch(
    '/api/v1/gdpr/requests/:id',
    {
      schema: {
        tags,
        summary: 'Extend (once, with a reason), complete or refuse (with a reason) a data-subject request',
        description:
          'state=extended moves the due time to three months after receipt and is allowed once, within the first ' +
          'month (Art. 12(3)); state=refused needs the reason the subject will be given (Art. 12(4)); completing an ' +
          'erasure request replaces the subject id in the consent ledger with its pseudonym.',
        params: idParams,
        body: z.discriminatedUnion('state', [
          z.strictObject({ state: z.literal('extended'), reason }),
          z.strictObject({ state: z.literal('completed'), note: text(2000).optional() }),
          z.strictObject({ state: z.literal('refused'), reason }),
        ]),
      },
    },
    async (request) => {
      const body = request.body;
      const change =
        body.state === 'completed'
          ? { to: 'completed' as const, note: body.note }
          : { to: body.state, reason: body.reason };
      return requestView(await app.gdprRequests.change(request.actor, request.params.id, change), app.clock.now());
    },
  );
}
