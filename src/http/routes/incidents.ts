// /api/v1/incidents: the seed's incident model over HTTP. `:id` is an incident id or its number.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { PHASES, ROLES, SEVERITIES, STATUSES } from '../../incident.js';
import { eventView, incidentView, page } from '../present.js';
import { csvOf, idParams, pageQuery, ref, text } from '../schemas.js';

const tags = ['incidents'];

const createBody = z.strictObject({
  title: text(255),
  severity: z.enum(SEVERITIES),
  service_id: ref.optional(),
  description: text(10_000).optional(),
  impact: text(2_000).optional(),
});

const listQuery = pageQuery.extend({
  status: csvOf(STATUSES).optional(),
  severity: csvOf(SEVERITIES).optional(),
  service_id: ref.optional(),
});

export function incidentRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const view = (i: Parameters<typeof incidentView>[0]) => incidentView(i, app.clock.now());

  r.post(
    '/api/v1/incidents',
    { schema: { tags, summary: 'Open an incident', body: createBody } },
    async (request, reply) => {
      const b = request.body;
      const incident = await app.incidents.create(request.actor, {
        title: b.title,
        severity: b.severity,
        serviceId: b.service_id,
        description: b.description,
        impact: b.impact,
      });
      return reply.status(201).send(view(incident));
    },
  );

  r.get(
    '/api/v1/incidents',
    { schema: { tags, summary: 'List incidents, newest first', querystring: listQuery } },
    async (request) => {
      const q = request.query;
      return page(
        await app.incidents.list(request.actor, {
          limit: q.limit,
          cursor: q.cursor,
          status: q.status,
          severity: q.severity,
          serviceId: q.service_id,
        }),
        view,
      );
    },
  );

  r.get(
    '/api/v1/incidents/counts',
    {
      schema: {
        tags,
        summary: 'How many incidents have each status and severity',
        querystring: z.strictObject({ service_id: ref.optional() }),
      },
    },
    async (request) => ({
      groups: await app.incidents.countFor(request.actor, { serviceId: request.query.service_id }),
    }),
  );

  r.get(
    '/api/v1/incidents/:id',
    { schema: { tags, summary: 'An incident by id or number', params: idParams } },
    async (request) => view(await app.incidents.get(request.actor, request.params.id)),
  );

  r.get(
    '/api/v1/incidents/:id/timeline',
    { schema: { tags, summary: 'The incident timeline, newest first', params: idParams, querystring: pageQuery } },
    async (request) => page(await app.incidents.timeline(request.actor, request.params.id, request.query), eventView),
  );

  r.post(
    '/api/v1/incidents/:id/acknowledge',
    { schema: { tags, summary: 'Acknowledge', params: idParams, body: z.strictObject({}).nullish() } },
    async (request) => view(await app.incidents.acknowledge(request.actor, request.params.id)),
  );

  r.post(
    '/api/v1/incidents/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Resolve (moves to the resolution phase)',
        params: idParams,
        body: z.strictObject({ note: text(10_000).optional() }).nullish(),
      },
    },
    async (request) => view(await app.incidents.resolve(request.actor, request.params.id, request.body?.note)),
  );

  r.post(
    '/api/v1/incidents/:id/reopen',
    {
      schema: {
        tags,
        summary: 'Reopen a resolved incident',
        params: idParams,
        body: z.strictObject({ reason: text(10_000).optional() }).nullish(),
      },
    },
    async (request) => view(await app.incidents.reopen(request.actor, request.params.id, request.body?.reason)),
  );

  r.post(
    '/api/v1/incidents/:id/notes',
    {
      schema: {
        tags,
        summary: 'Add a note to the timeline (key: a moment the post-mortem timeline is prefilled with)',
        params: idParams,
        body: z.strictObject({ text: text(10_000), key: z.boolean().optional() }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(view(await app.incidents.addNote(request.actor, request.params.id, request.body.text, request.body.key))),
  );

  r.post(
    '/api/v1/incidents/:id/phase',
    {
      schema: {
        tags,
        summary: 'Move to another response phase',
        params: idParams,
        body: z.strictObject({ phase: z.enum(PHASES) }),
      },
    },
    async (request) => view(await app.incidents.setPhase(request.actor, request.params.id, request.body.phase)),
  );

  r.post(
    '/api/v1/incidents/:id/severity',
    {
      schema: {
        tags,
        summary: 'Change severity',
        params: idParams,
        body: z.strictObject({ severity: z.enum(SEVERITIES), reason: text(2_000).optional() }),
      },
    },
    async (request) =>
      view(
        await app.incidents.setSeverity(request.actor, request.params.id, request.body.severity, request.body.reason),
      ),
  );

  r.post(
    '/api/v1/incidents/:id/roles',
    {
      schema: {
        tags,
        summary: 'Assign a response role (user id or handle; null clears it)',
        params: idParams,
        body: z.strictObject({ role: z.enum(ROLES), user: ref.nullable() }),
      },
    },
    async (request) =>
      view(await app.incidents.assignRole(request.actor, request.params.id, request.body.role, request.body.user)),
  );
}
