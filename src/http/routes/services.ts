// /api/v1/services: the things that break, each with an integration key shown once.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { page, serviceView } from '../present.js';
import { idParams, pageQuery, text } from '../schemas.js';

const tags = ['services'];
const description = z.string().max(5000).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters').nullable();

export function serviceRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/services',
    { schema: { tags, summary: 'Create a service (admin); the integration key is shown only in this answer', body: z.strictObject({ name: text(200), description: description.optional() }) } },
    async (request, reply) => {
      const { service, integrationKey } = await app.services.create(request.actor, request.body);
      return reply.status(201).send({ ...serviceView(service), integration_key: integrationKey });
    },
  );

  r.get('/api/v1/services', { schema: { tags, summary: 'List services', querystring: pageQuery } }, async (request) =>
    page(await app.services.list(request.actor, request.query), serviceView),
  );

  r.get('/api/v1/services/:id', { schema: { tags, summary: 'A service by id or name', params: idParams } }, async (request) =>
    serviceView(await app.services.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/services/:id',
    { schema: { tags, summary: 'Rename or describe a service (admin)', params: idParams, body: z.strictObject({ name: text(200).optional(), description: description.optional() }) } },
    async (request) => serviceView(await app.services.update(request.actor, request.params.id, request.body)),
  );

  r.delete('/api/v1/services/:id', { schema: { tags, summary: 'Delete a service with no open incidents (admin)', params: idParams } }, async (request, reply) => {
    await app.services.remove(request.actor, request.params.id);
    return reply.status(204).send();
  });

  r.post('/api/v1/services/:id/rotate-key', { schema: { tags, summary: 'Issue a new integration key; the old one stops at once (admin)', params: idParams } }, async (request) => {
    const { service, integrationKey } = await app.services.rotateKey(request.actor, request.params.id);
    return { ...serviceView(service), integration_key: integrationKey };
  });
}
