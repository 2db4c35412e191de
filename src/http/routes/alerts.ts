// /api/v1/alerts, an incident's alerts, and a service's change events.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { alertView, changeView, page } from '../present.js';
import { csvOf, idParams, pageQuery, ref } from '../schemas.js';

const STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;

export function alertRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'List alerts, newest first',
        querystring: pageQuery.extend({
          service_id: ref.optional(),
          status: csvOf(STATUSES).optional(),
          incident_id: ref.optional(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return page(
        await app.alerts.list(request.actor, {
          limit: q.limit,
          cursor: q.cursor,
          serviceId: q.service_id,
          status: q.status,
          incidentId: q.incident_id,
        }),
        alertView,
      );
    },
  );

  r.get(
    '/api/v1/alerts/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'An alert with its newest 100 events and the total count',
        params: idParams,
      },
    },
    async (request) => {
      const { alert, events, totalEvents } = await app.alerts.get(request.actor, request.params.id);
      return {
        ...alertView(alert),
        events: events.map((e) => ({ id: e.id, at: e.at.toISOString(), action: e.action, event: e.data })),
        total_events: totalEvents,
      };
    },
  );

  r.get(
    '/api/v1/incidents/:id/alerts',
    {
      schema: {
        tags: ['incidents'],
        summary: 'The alerts of an incident, newest first',
        params: idParams,
        querystring: pageQuery,
      },
    },
    async (request) =>
      page(await app.alerts.list(request.actor, { ...request.query, incidentId: request.params.id }), alertView),
  );

  r.get(
    '/api/v1/services/:id/changes',
    {
      schema: {
        tags: ['services'],
        summary: 'Change events of a service (deploys, config changes), newest first',
        params: idParams,
        querystring: pageQuery,
      },
    },
    async (request) => page(await app.services.changes(request.actor, request.params.id, request.query), changeView),
  );
}
