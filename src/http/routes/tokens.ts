// /api/v1/tokens: admins issue, list and revoke API tokens. The secret is in the create answer only.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { TOKEN_ROLES } from '../../access/index.js';
import type * as views from '../views/index.js';
import { page, tokenView } from '../present.js';
import { idParams, pageQuery, ref, text } from '../schemas.js';

const tags = ['tokens'];

export function tokenRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'Issue a token for a user (admin); the secret is shown only in this answer',
        body: z.strictObject({ user: ref, role: z.enum(TOKEN_ROLES), name: text(200).optional() }),
      },
    },
    async (request, reply) => {
      const { token, secret } = await app.tokens.create(request.actor, request.body);
      return reply.status(201).send({ ...tokenView(token), token: secret } satisfies z.input<typeof views.IssuedToken>);
    },
  );

  r.get(
    '/api/v1/tokens',
    { schema: { tags, summary: 'List tokens (admin)', querystring: pageQuery.extend({ user: ref.optional() }) } },
    async (request) => page(await app.tokens.list(request.actor, request.query), tokenView),
  );

  r.delete(
    '/api/v1/tokens/:id',
    { schema: { tags, summary: 'Revoke a token (admin)', params: idParams } },
    async (request) => tokenView(await app.tokens.revoke(request.actor, request.params.id)),
  );
}
