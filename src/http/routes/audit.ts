// /api/v1/audit: every mutation, newest first (admin).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { auditView, page } from '../present.js';
import { pageQuery, ref } from '../schemas.js';

export function auditRoutes(server: FastifyInstance, app: App): void {
  server.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log (admin)',
        querystring: pageQuery.extend({ action: ref.optional(), target_id: ref.optional() }),
      },
    },
    async (request) => {
      const q = request.query;
      return page(
        await app.audit.read(request.actor, {
          limit: q.limit,
          cursor: q.cursor,
          action: q.action,
          targetId: q.target_id,
        }),
        auditView,
      );
    },
  );
}
