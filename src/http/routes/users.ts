// /api/v1/users and /api/v1/me.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../access/index.js';
import { page, userView } from '../present.js';
import { email, handle, idParams, pageQuery, text, timezone } from '../schemas.js';

const tags = ['users'];

export function userRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/me', { schema: { tags, summary: 'Who the token belongs to' } }, async (request) => {
    const { actor } = request;
    const user = actor.id ? userView(await app.users.get(actor, actor.id)) : null;
    return { user, role: actor.role, token_id: actor.tokenId ?? null };
  });

  r.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Create a user (admin)',
        body: z.strictObject({
          handle,
          name: text(200),
          email,
          timezone: timezone.optional(),
          privacy: z.boolean().optional(),
        }),
      },
    },
    async (request, reply) => {
      const user = await app.users.create(request.actor, request.body);
      return reply.status(201).send(userView(user));
    },
  );

  r.get('/api/v1/users', { schema: { tags, summary: 'List users', querystring: pageQuery } }, async (request) =>
    page(await app.users.list(request.actor, request.query), userView),
  );

  r.get(
    '/api/v1/users/:id',
    { schema: { tags, summary: 'A user by id or handle', params: idParams } },
    async (request) => userView(await app.users.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Change a user; active=false deactivates and stops their tokens (admin)',
        params: idParams,
        body: z.strictObject({
          handle: handle.optional(),
          name: text(200).optional(),
          email: email.optional(),
          timezone: timezone.optional(),
          active: z.boolean().optional(),
          privacy: z.boolean().optional(),
        }),
      },
    },
    async (request) => userView(await app.users.update(request.actor, request.params.id, request.body)),
  );

  r.put(
    '/api/v1/users/:id/password',
    {
      schema: {
        tags,
        summary:
          'Set a password: admins set or reset anyone’s (ending their sessions); ' +
          'others change their own with current_password',
        params: idParams,
        body: z.strictObject({
          password: z.string().min(PASSWORD_MIN).max(PASSWORD_MAX),
          current_password: z.string().min(1).max(PASSWORD_MAX).optional(),
        }),
      },
    },
    async (request, reply) => {
      await app.sessions.setPassword(
        request.actor,
        request.params.id,
        { password: request.body.password, currentPassword: request.body.current_password },
        request.session?.record.id,
      );
      return reply.status(204).send();
    },
  );
}
