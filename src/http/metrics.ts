// Prometheus metrics: request counts and latency by route, incidents by status and severity, and
// the ingest queue depth.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { queriesRun } from '../db/database.js';
import type { App } from '../app.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series {
  labels: string;
  /** Per bucket, not cumulative; the last slot counts what is above every bound. */
  buckets: Float64Array;
  count: number;
  sum: number;
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Request counts and latencies by (method, route, status). Every request passes through here, so an
 * observation is one map lookup and two additions; prom-client's labelled metrics hashed a label
 * object per call, which cost ~10 µs a request on the ingest path. Rendered in the text format on scrape.
 */
export class HttpStats {
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status_code="${status}"`,
        buckets: new Float64Array(LATENCY_BUCKETS.length + 1),
        count: 0,
        sum: 0,
      };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[i] as number)) i++;
    s.buckets[i] = (s.buckets[i] as number) + 1;
    s.count++;
    s.sum += seconds;
  }

  /** vigil_http_requests_total and vigil_http_request_duration_seconds in the Prometheus text format. */
  render(): string {
    const counts = [
      '# HELP vigil_http_requests_total HTTP requests by route and status.',
      '# TYPE vigil_http_requests_total counter',
    ];
    const latency = [
      '# HELP vigil_http_request_duration_seconds HTTP request latency by route.',
      '# TYPE vigil_http_request_duration_seconds histogram',
    ];
    for (const s of this.series.values()) {
      counts.push(`vigil_http_requests_total{${s.labels}} ${s.count}`);
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i] as number;
        latency.push(`vigil_http_request_duration_seconds_bucket{le="${le}",${s.labels}} ${cumulative}`);
      });
      latency.push(`vigil_http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`);
      latency.push(`vigil_http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      latency.push(`vigil_http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return `${counts.join('\n')}\n\n${latency.join('\n')}\n`;
  }
}

export function registerMetrics(server: FastifyInstance, app: App): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const http = new HttpStats();
  new Gauge({
    name: 'vigil_incidents',
    help: 'Incidents by status and severity.',
    labelNames: ['status', 'severity'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await app.incidents.counts())
        this.set({ status: row.status, severity: row.severity }, row.count);
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

  new Counter({
    name: 'vigil_db_queries_total',
    help: 'Database queries this process has run (a status page served from its snapshot adds none).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(queriesRun());
    },
  });
  new Counter({
    name: 'vigil_status_snapshot_builds_total',
    help: 'Times the public status page was rebuilt into memory.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(app.statusSnapshot.builds());
    },
  });
  new Counter({
    name: 'vigil_sweep_failures_total',
    help: 'Engine sweeps that threw, by sweep (the others of the tick still ran); "delivery" is the outbox lane.',
    labelNames: ['sweep'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [sweep, failures] of app.engine.failures()) this.inc({ sweep }, failures);
    },
  });

  new Counter({
    name: 'vigil_sweep_retries_total',
    help: 'Engine sweeps run again after PostgreSQL aborted them to break a deadlock or a serialization conflict.',
    labelNames: ['sweep', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { sweep, reason, count } of app.engine.retries()) this.inc({ sweep, reason }, count);
    },
  });

  server.addHook('onResponse', (request, reply, done) => {
    http.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  server.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return `${await registry.metrics()}\n${http.render()}`;
  });
}
