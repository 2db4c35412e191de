// Prometheus metrics: request counts and latency by route, incidents by status and severity, and
// the ingest queue depth.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../app.js';

export function registerMetrics(server: FastifyInstance, app: App): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({ name: 'vigil_http_requests_total', help: 'HTTP requests by route and status.', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'vigil_incidents',
    help: 'Incidents by status and severity.',
    labelNames: ['status', 'severity'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await app.incidents.counts()) this.set({ status: row.status, severity: row.severity }, row.count);
    },
  });

  new Gauge({
    name: 'vigil_ingest_queue_depth',
    help: 'Ingest requests waiting for a group commit (429 past VIGIL_INGEST_MAX_QUEUE).',
    registers: [registry],
    collect() {
      this.set(app.ingest.backlog());
    },
  });

  server.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });

  server.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
