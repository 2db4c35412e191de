// /api/v1/gdpr/requests: data-subject requests (Arts. 15–21) and their Art. 12(3) deadlines. Subject
// ids are personal data: admins, or responders with the privacy flag (the service checks). Also the
// compliance report (/api/v1/gdpr/report) and the counts-only overview the GDPR dashboard starts from.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  REPORT_TYPES,
  REQUEST_ARTICLE,
  REQUEST_KINDS,
  REQUEST_STATES,
  requestDaysLeft,
  isRequestOverdue,
  subjectIdText,
  type StoredRequest,
} from '../../gdpr/index.js';
import { sendDocument } from '../document-reply.js';
import { coverageView, ledgerView } from './gdpr-ledger.js';
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
          subject_id: subjectIdText,
          kind: z.enum(REQUEST_KINDS),
          received_at: instant.optional().describe('When the request reached you; default now. Not in the future.'),
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
          subject_id: subjectIdText.optional(),
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

/** The compliance report as JSON, Markdown or PDF, and the counts-only overview for the GDPR dashboard. */
export function gdprReportRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/gdpr/report',
    {
      schema: {
        tags,
        summary: 'The compliance report as JSON, Markdown (for a regulator’s form) or PDF (admin or privacy flag)',
        description:
          'The same report as the gdpr-compliance function’s compliance_report: emergency (the first minutes of an ' +
          'incident), summary or full (adds every open request and each purpose in detail).',
        querystring: z.strictObject({
          type: z.enum(REPORT_TYPES).default('summary'),
          format: z.enum(['json', 'md', 'pdf']).default('json'),
        }),
      },
    },
    async (request, reply) => {
      const { type, format } = request.query;
      if (format === 'json') return app.gdprReport.report(request.actor, type);
      const doc = await app.gdprReport.document(request.actor, type);
      const now = app.clock.now();
      return sendDocument(reply, doc, `gdpr-compliance-${type}-${now.toISOString().slice(0, 10)}`, format, now);
    },
  );

  r.get(
    '/api/v1/gdpr/overview',
    {
      schema: {
        tags,
        summary: 'Counts for the GDPR dashboard: breaches, requests, consent coverage, ledger, Art. 30 (any role)',
      },
    },
    async (request): Promise<z.input<typeof views.GdprOverview>> => {
      const o = await app.gdprReport.overview(request.actor);
      return {
        breaches: {
          open: o.breaches.open,
          overdue: o.breaches.overdue,
          next_deadline_at: t(o.breaches.nextDeadlineAt),
        },
        requests: { open: o.requests.open, overdue: o.requests.overdue, next_due_at: t(o.requests.nextDueAt) },
        coverage: coverageView(o.coverage),
        ledger: ledgerView(o.ledger),
        purposes: o.purposes,
      };
    },
  );
}
