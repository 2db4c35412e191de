// Liveness and readiness for load balancers and orchestrators; no token needed.
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { pendingMigrations } from '../../db/database.js';

export function healthRoutes(server: FastifyInstance, app: App): void {
  server.get('/healthz', { schema: { tags: ['health'], summary: 'The process is alive' } }, async () => ({
    status: 'ok',
  }));

  server.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'The database answers and is fully migrated' } },
    async (_request, reply) => {
      const started = performance.now();
      try {
        const pending = await pendingMigrations(app.database.db);
        const latencyMs = Math.round((performance.now() - started) * 100) / 100;
        if (pending.length > 0) {
          return reply.status(503).send({
            status: 'not_ready',
            database: app.database.dialect,
            reason: `pending migrations: ${pending.join(', ')}`,
          });
        }
        return { status: 'ready', database: app.database.dialect, latency_ms: latencyMs };
      } catch (error) {
        return reply.status(503).send({
          status: 'not_ready',
          database: app.database.dialect,
          reason: `database unreachable: ${(error as Error).message}`,
        });
      }
    },
  );
}
