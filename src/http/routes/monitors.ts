// /api/v1/monitors: uptime, TCP, PostgreSQL, auth-issuer and heartbeat monitors; their recent checks;
// and /api/v1/heartbeats/{token}, where the token itself is the credential (for cron jobs and curl).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import type * as views from '../views/index.js';
import { effectiveInterval, MONITOR_KINDS, type Monitor, type Sample } from '../../monitors/index.js';
import { page } from '../present.js';
import { idParams, limit, ref, text } from '../schemas.js';

const tags = ['monitors'];
const t = (d: Date | null): string | null => (d ? d.toISOString() : null);
const noNul = (s: string) => !s.includes('\u0000');

/**
 * A monitor on the wire; a postgres connection string is never shown (only host:port/database), header values
 * neither.
 */
export function monitorView(m: Monitor, now: Date): z.input<typeof views.Monitor> {
  const enhanced = m.enhancedUntil && m.enhancedUntil > now ? m.enhancedUntil : null;
  return {
    id: m.id,
    service_id: m.serviceId,
    name: m.name,
    kind: m.kind,
    target: m.target,
    interval_seconds: m.intervalSeconds,
    effective_interval_seconds: effectiveInterval(m, now),
    timeout_ms: m.timeoutMs,
    expect_status: m.expectStatus,
    expect_keyword: m.expectKeyword,
    method: m.kind === 'http' ? (m.method ?? 'GET') : m.kind === 'auth' ? 'GET' : null,
    headers: m.headers ? Object.fromEntries(Object.keys(m.headers).map((k) => [k, '(set)'])) : null,
    login_url: m.loginUrl,
    login_body: m.loginBodySealed ? '(set)' : null,
    failures_before_down: m.failuresBeforeDown,
    period_seconds: m.periodSeconds,
    grace_seconds: m.graceSeconds,
    paused: m.paused,
    state: m.state,
    consecutive_failures: m.consecutiveFailures,
    last_check_at: t(m.lastCheckAt),
    last_ok_at: t(m.lastOkAt),
    last_error: m.lastError,
    last_latency_ms: m.lastLatencyMs,
    last_beat_at: t(m.lastBeatAt),
    next_check_at: m.paused ? null : m.nextCheckAt.toISOString(),
    enhanced_until: t(enhanced),
    tls_expires_at: t(m.tlsExpiresAt),
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

const sampleView = (s: Sample): z.input<typeof views.Check> => ({
  at: s.at.toISOString(),
  ok: s.ok,
  latency_ms: s.latencyMs,
  status: s.status,
  error: s.error,
});

/** An HTTP header name (RFC 9110 token) and a value without line breaks. */
const headers = z
  .record(
    z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be HTTP header names'),
    z
      .string()
      .max(2000)
      .refine((v) => !/[\r\n]/.test(v) && noNul(v), 'must not contain line breaks or NUL'),
  )
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
  .refine(
    (h) =>
      !Object.keys(h).some((k) =>
        ['host', 'content-length', 'transfer-encoding', 'connection'].includes(k.toLowerCase()),
      ),
    'must not set Host, Content-Length, Transfer-Encoding or Connection',
  );

const settings = {
  name: text(200),
  target: z.string().trim().min(1).max(2000).refine(noNul, 'must not contain NUL characters'),
  interval_seconds: z.number().int().min(10).max(86_400),
  timeout_ms: z.number().int().min(100).max(60_000),
  expect_status: z.number().int().min(100).max(599).nullable(),
  expect_keyword: z.string().min(1).max(200).refine(noNul, 'must not contain NUL characters').nullable(),
  failures_before_down: z.number().int().min(1).max(20),
  period_seconds: z
    .number()
    .int()
    .min(10)
    .max(30 * 86_400),
  grace_seconds: z.number().int().min(0).max(86_400),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']),
  headers: headers.nullable(),
  login_url: z.string().trim().min(1).max(2000).refine(noNul, 'must not contain NUL characters').nullable(),
  login_body: z
    .record(z.string().max(200), z.unknown())
    .refine((b) => JSON.stringify(b).length <= 8192, 'must be at most 8 KiB of JSON')
    .nullable(),
};

/** The settings both create and change take, each optional. */
const optionalSettings = {
  target: settings.target.optional(),
  interval_seconds: settings.interval_seconds.optional(),
  timeout_ms: settings.timeout_ms.optional(),
  expect_status: settings.expect_status.optional(),
  expect_keyword: settings.expect_keyword.optional(),
  failures_before_down: settings.failures_before_down.optional(),
  period_seconds: settings.period_seconds.optional(),
  grace_seconds: settings.grace_seconds.optional(),
  method: settings.method.optional(),
  headers: settings.headers.optional(),
  login_url: settings.login_url.optional(),
  login_body: settings.login_body.optional(),
};

const createBody = z.strictObject({
  service_id: ref,
  name: settings.name,
  kind: z.enum(MONITOR_KINDS),
  ...optionalSettings,
});

const patchBody = z.strictObject({
  name: settings.name.optional(),
  ...optionalSettings,
  paused: z.boolean().optional(),
});

type Body = Partial<z.infer<typeof patchBody>>;
const toInput = (b: Body) => ({
  name: b.name,
  target: b.target,
  intervalSeconds: b.interval_seconds,
  timeoutMs: b.timeout_ms,
  expectStatus: b.expect_status,
  expectKeyword: b.expect_keyword,
  failuresBeforeDown: b.failures_before_down,
  periodSeconds: b.period_seconds,
  graceSeconds: b.grace_seconds,
  method: b.method,
  headers: b.headers,
  loginUrl: b.login_url,
  loginBody: b.login_body,
  paused: b.paused,
});

export function monitorRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const view = (m: Monitor) => monitorView(m, app.clock.now());

  r.post(
    '/api/v1/monitors',
    {
      schema: {
        tags,
        summary: 'Create a monitor (admin); a heartbeat monitor’s token is shown only in this answer',
        description:
          'Kinds: http (URL; expect_status, else any 2xx/3xx; expect_keyword; method; headers), tcp (host:port), ' +
          'postgres (connection string, stored sealed, shown as host:port/database), ' +
          'auth (an issuer’s JWKS URL: must answer 200 with a non-empty "keys" array; ' +
          'with login_url, that endpoint must then answer 2xx — given login_body, a JSON POST of those credentials ' +
          '(stored sealed, shown as "(set)") whose answer carries access_token, id_token or token, ' +
          'and a JWT one must be signed by a key of the JWKS and unexpired), ' +
          'heartbeat (no target; down when no beat arrives within period_seconds + grace_seconds). ' +
          'Targets must pass the SSRF allowlist (VIGIL_OUTBOUND_ALLOW).',
        body: createBody,
      },
    },
    async (request, reply) => {
      const { service_id: service, kind, ...rest } = request.body;
      const { monitor, token } = await app.monitors.create(request.actor, {
        service,
        kind,
        ...toInput(rest),
        name: rest.name,
      });
      return reply.status(201).send({
        ...view(monitor),
        ...(token && { token, heartbeat_path: `/api/v1/heartbeats/${token}` }),
      } satisfies z.input<typeof views.CreatedMonitor>);
    },
  );

  r.get(
    '/api/v1/monitors',
    {
      schema: {
        tags,
        summary: 'List monitors, newest first',
        querystring: z.strictObject({ limit, cursor: ref.optional(), service_id: ref.optional() }),
      },
    },
    async (request) =>
      page(
        await app.monitors.list(request.actor, {
          limit: request.query.limit,
          cursor: request.query.cursor,
          service: request.query.service_id,
        }),
        view,
      ),
  );

  r.get(
    '/api/v1/monitors/:id',
    { schema: { tags, summary: 'A monitor with its state, last check and latency', params: idParams } },
    async (request) => view(await app.monitors.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/monitors/:id',
    {
      schema: {
        tags,
        summary: 'Change or pause a monitor (admin); it is checked again at once',
        params: idParams,
        body: patchBody,
      },
    },
    async (request) => view(await app.monitors.update(request.actor, request.params.id, toInput(request.body))),
  );

  r.delete(
    '/api/v1/monitors/:id',
    { schema: { tags, summary: 'Delete a monitor and its samples (admin)', params: idParams } },
    async (request, reply) => {
      await app.monitors.remove(request.actor, request.params.id);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/monitors/:id/checks',
    {
      schema: {
        tags,
        summary: 'A monitor’s recent checks (raw samples of the last 7 days), newest first',
        params: idParams,
        querystring: z.strictObject({ limit, cursor: ref.optional() }),
      },
    },
    async (request) => page(await app.monitors.checks(request.actor, request.params.id, request.query), sampleView),
  );

  const beat = async (request: { params: { token: string } }) => {
    const m = await app.monitors.beat(request.params.token);
    return { ok: true, monitor_id: m.id, state: m.state, next_deadline: m.nextCheckAt.toISOString() };
  };
  const beatSchema = {
    tags,
    summary: 'Record a heartbeat (the token in the path is the credential; no bearer token)',
    security: [],
    params: z.strictObject({ token: ref }),
  };
  // Cron jobs post whatever their tool sends (curl -d sends a form type): any body is accepted and ignored here.
  void server.register(async (scope) => {
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 65_536 }, (_request, _body, done) =>
      done(null, undefined),
    );
    const s = scope.withTypeProvider<ZodTypeProvider>();
    s.post('/api/v1/heartbeats/:token', { schema: beatSchema }, beat);
    s.get('/api/v1/heartbeats/:token', { schema: beatSchema }, beat);
  });
}
