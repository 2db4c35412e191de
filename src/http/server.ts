// Builds the Fastify server without listening, so tests drive it with inject() and main.ts listens.
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { App } from '../app.js';
import { bearerAuth } from './auth.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { lazyChildLogger } from './lazy-logger.js';
import { registerMetrics } from './metrics.js';
import { alertRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { monitorRoutes } from './routes/monitors.js';
import { ingestRoutes } from './routes/ingest.js';
import { scheduleRoutes } from './routes/schedules.js';
import { escalationRoutes } from './routes/escalation.js';
import { errorRoutes, SENTRY_ROUTES } from './routes/error-tracking.js';
import { actionRoutes } from './routes/actions.js';
import { followUpRoutes } from './routes/follow-ups.js';
import { runbookRoutes } from './routes/runbooks.js';
import { postmortemRoutes } from './routes/postmortems.js';
import { analyticsRoutes } from './routes/analytics.js';
import { functionRoutes } from './routes/functions.js';
import { gdprBreachRoutes } from './routes/gdpr-breaches.js';
import { gdprLedgerRoutes } from './routes/gdpr-ledger.js';
import { gdprReportRoutes, gdprRequestRoutes } from './routes/gdpr-requests.js';
import type { LogBuffer } from './log-buffer.js';
import { notifyRoutes } from './routes/notify.js';
import { serviceRoutes } from './routes/services.js';
import { STREAM_PATH, streamRoutes, tokenFromQuery, type StreamOptions } from './routes/stream.js';
import { sessionRoutes } from './routes/session.js';
import { statusRoutes } from './routes/status.js';
import { runnerRoutes, type RunnerOptions } from './routes/runner.js';
import { statusPageRoutes } from './routes/status-page.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { verifyRoutes } from './routes/verify.js';
import { DEFAULT_WEB_ROOT, webConsole } from './web.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ServerOptions {
  logger?: FastifyServerOptions['logger'];
  /** The recent log lines `GET /api/v1/logs` serves (the logger must also write to its stream). */
  logBuffer?: LogBuffer;
  /** Heartbeat and lifetime of GET /api/v1/stream's streams (tests shorten them). */
  stream?: StreamOptions;
  /** The runner routes' options (tests: no long poll). */
  runner?: RunnerOptions;
  /** The built web console served at / (default: web/dist in the package; tests point it elsewhere). */
  webRoot?: string;
}

/**
 * The stream route takes a token in its URL (`?access_token=`, routes/stream.ts): request log lines
 * (kept in memory for GET /api/v1/logs too) show that URL with the token blanked.
 */
function redactingTokens(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return logger;
  const base = typeof logger === 'object' ? logger : {};
  return {
    ...base,
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: req.url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]'),
        version: req.headers['accept-version']?.toString(),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
      ...base.serializers,
    },
  };
}

export async function buildServer(app: App, options: ServerOptions = {}): Promise<FastifyInstance> {
  const server = Fastify({
    logger: redactingTokens(options.logger ?? false),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: app.config.bodyLimit,
    // A caller's X-Request-Id is kept when it is a sane token, so it can be traced into the audit log;
    // anything else (or none) gets a fresh UUID, unique across restarts and instances.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Path parameters may be as long as `ref` in schemas.ts allows (a service is found by its 200-character name).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: false } },
    // A malformed or over-long URL is rejected by the router before any route; answer it in the error shape too.
    frameworkErrors: errorHandler,
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setErrorHandler(errorHandler);
  // Unmatched GETs outside the API get the web console (web.ts); the rest keep the JSON 404.
  server.setNotFoundHandler(webConsole(options.webRoot ?? DEFAULT_WEB_ROOT, notFoundHandler));

  // An empty JSON body (curl -H 'Content-Type: application/json' -X POST with no -d) counts as {}.
  // Only JSON is accepted: other types (text/plain included) answer 415.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const raw = typeof body === 'string' ? body : body.toString('utf8');
    if (raw.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(raw));
    } catch {
      const error = Object.assign(new Error('the body is not valid JSON'), {
        statusCode: 400,
        code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      });
      done(error, undefined);
    }
  });

  // Sentry SDKs authenticate with their DSN's public key instead (routes/errors.ts checks it).
  const authenticate = bearerAuth(app.tokens, app.sessions, app.config.notify.publicUrl);
  server.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    const route = request.routeOptions.url ?? '';
    if (SENTRY_ROUTES.has(route)) return undefined;
    // The public status page (routes/status-page.ts) needs no sign-in, even at /api/v2/… on its own host.
    if (request.routeOptions.config.public === true) return undefined;
    // EventSource cannot send headers: the stream alone also takes ?access_token= (routes/stream.ts).
    if (route === STREAM_PATH || request.routeOptions.config.tokenInQuery === true) tokenFromQuery(request);
    return authenticate(request, reply);
  });

  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        description: 'Self-hosted incident response. Send `Authorization: Bearer <token>` on /api/* and /functions/*.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await server.register(swaggerUi, { routePrefix: '/docs' });

  registerMetrics(server, app);
  healthRoutes(server, app);
  userRoutes(server, app);
  tokenRoutes(server, app);
  sessionRoutes(server, app);
  serviceRoutes(server, app);
  incidentRoutes(server, app);
  auditRoutes(server, app);
  alertRoutes(server, app);
  ingestRoutes(server, app);
  scheduleRoutes(server, app);
  escalationRoutes(server, app);
  notifyRoutes(server, app);
  monitorRoutes(server, app);
  functionRoutes(server, app, options.logBuffer);
  errorRoutes(server, app);
  gdprLedgerRoutes(server, app);
  verifyRoutes(server, app);
  streamRoutes(server, app, options.stream);
  gdprBreachRoutes(server, app);
  gdprRequestRoutes(server, app);
  gdprReportRoutes(server, app);
  followUpRoutes(server, app);
  runbookRoutes(server, app);
  postmortemRoutes(server, app);
  analyticsRoutes(server, app);
  statusRoutes(server, app);
  actionRoutes(server, app, options.stream);
  runnerRoutes(server, app, options.runner);
  await statusPageRoutes(server, app);

  server.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => server.swagger());
  return server;
}
