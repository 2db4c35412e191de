// The runbook's functions at /functions/v1/{function} (the seed's curl commands work with only the
// host and an Authorization header changed), the function log at /api/v1/function-logs, and the
// server's recent log lines at /api/v1/logs.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { authorize } from '../../access/index.js';
import type { FunctionCall, MonitoredDatabase } from '../../runbook/index.js';
import type * as views from '../views/index.js';
import { LOG_LEVELS, type LogBuffer } from '../log-buffer.js';
import { page } from '../present.js';
import { idParams, instant, limit, ref, text } from '../schemas.js';

const callView = (c: FunctionCall) => ({
  id: c.id,
  at: c.at.toISOString(),
  function: c.function,
  action: c.action,
  actor: c.actor,
  request_id: c.requestId,
  duration_ms: c.durationMs,
  outcome: c.outcome,
  error: c.error,
});

export function functionRoutes(server: FastifyInstance, app: App, logs?: LogBuffer): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const catalogue = app.runbook.catalogue();
  const described = Object.entries(catalogue)
    .map(([name, actions]) => `**${name}**: ${actions.map((a) => `\`${a.action}\` (${a.summary})`).join('; ')}`)
    .join('\n\n');

  r.post(
    '/functions/v1/:function',
    {
      schema: {
        tags: ['functions'],
        summary: 'Run an action of one of the runbook functions',
        description:
          `The body is {"action": …} plus that action's parameters; unknown fields are refused.` + `\n\n${described}`,
        params: z.strictObject({ function: ref }),
        // Each action checks its own parameters (naming every bad field); here only the shape.
        body: z.object({ action: z.string().max(100) }).catchall(z.unknown()),
      },
    },
    async (request) => app.runbook.call(request.actor, request.params.function, request.body),
  );

  r.get(
    '/api/v1/function-logs',
    {
      schema: {
        tags: ['functions'],
        summary: 'The function log, newest first',
        querystring: z.strictObject({
          limit,
          cursor: ref.optional(),
          function: ref.optional(),
          since: instant.optional(),
        }),
      },
    },
    async (request) => page(await app.runbook.calls(request.actor, request.query), callView),
  );

  r.get(
    '/api/v1/logs',
    {
      schema: {
        tags: ['functions'],
        summary: "This instance's recent structured log lines, oldest first (admin)",
        description:
          'The last 2,000 lines the server logged at VIGIL_LOG_LEVEL or above, kept in memory by each instance.',
        querystring: z.strictObject({
          since: instant.optional(),
          level: z.enum(LOG_LEVELS).optional(),
          limit: z.coerce.number().int().min(1).max(2_000).default(200),
        }),
      },
    },
    async (request) => {
      authorize(request.actor, 'audit.read');
      return { data: logs ? logs.read(request.query) : [] };
    },
  );

  const databaseView = (d: MonitoredDatabase): z.input<typeof views.RegisteredDatabase> => ({
    id: d.id,
    name: d.name,
    location: d.location,
    created_at: d.createdAt.toISOString(),
  });

  r.post(
    '/api/v1/databases',
    {
      schema: {
        tags: ['functions'],
        summary:
          'Register a PostgreSQL database for database-scalability ' +
          '(admin; the URL is stored sealed and never shown again)',
        body: z.strictObject({
          name: text(100),
          url: z
            .string()
            .min(1)
            .max(2_000)
            .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters'),
        }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(databaseView(await app.databases.create(request.actor, request.body))),
  );

  r.get(
    '/api/v1/databases',
    { schema: { tags: ['functions'], summary: 'Registered databases (no credentials)' } },
    async (request) => ({ data: (await app.databases.list(request.actor)).map(databaseView) }),
  );

  r.delete(
    '/api/v1/databases/:id',
    { schema: { tags: ['functions'], summary: 'Forget a registered database (admin)', params: idParams } },
    async (request, reply) => {
      await app.databases.remove(request.actor, request.params.id);
      return reply.status(204).send();
    },
  );
}
