// Error tracking over HTTP. Sentry's ingest endpoints (`/api/{project_id}/envelope/` and `/store/`)
// take the DSN's public key instead of a bearer token — from X-Sentry-Auth, the sentry_key query
// parameter, or the envelope header's dsn — and any content type (SDKs send none, or text/plain),
// gzip-, deflate- or brotli-compressed. They answer `{"id": event_id}` after the commit, as Sentry
// does; other envelope items (transactions, sessions, client reports …) are accepted and dropped.
// The rest is the plain API: report an error with a bearer token, list and read groups, resolve one,
// and a service's DSN.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import type * as views from '../views/index.js';
import { AppError } from '../../errors.js';
import {
  EVENT_ITEM_TYPES,
  keyFromAuthHeader,
  keyFromDsn,
  LEVELS,
  MAX_ENVIRONMENT,
  parseEnvelope,
  parseSentryEvent,
  type ErrorEvent,
  type ErrorGroup,
  type StoredEvent,
} from '../../error-tracking/index.js';
import { idParams, limit, ref, text } from '../schemas.js';

const tags = ['errors'];
/**
 * The route patterns Sentry SDKs post to (they add a trailing slash, which the router ignores); server.ts lets them
 * through without a bearer token.
 */
export const SENTRY_ROUTES = new Set(['/api/:project_id/envelope', '/api/:project_id/store']);
/** A decompressed body may be this many times the body limit (events compress well; bombs do not get further). */
const INFLATE_FACTOR = 8;

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

const sentryQuery = z.object({
  sentry_key: z.string().max(200).optional(),
  sentry_version: z.string().max(20).optional(),
  sentry_client: z.string().max(200).optional(),
  sentry_secret: z.string().max(200).optional(),
});
const projectParams = z.strictObject({ project_id: ref });

/** The body as sent, after Content-Encoding; an unknown encoding is 415, a bad stream 400, too much 413. */
async function decode(request: FastifyRequest, body: Buffer, limitBytes: number): Promise<Buffer> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  const maxOutputLength = limitBytes * INFLATE_FACTOR;
  try {
    switch (encoding) {
      case '':
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return await gunzip(body, { maxOutputLength });
      case 'deflate':
        // Most senders wrap deflate in zlib's header as the standard says; some send it raw.
        return await inflate(body, { maxOutputLength }).catch(() => inflateRaw(body, { maxOutputLength }));
      case 'br':
        return await brotli(body, { maxOutputLength });
      default:
        throw new AppError(
          'errors.unsupported_encoding',
          `Content-Encoding: ${encoding.slice(0, 40)} is not supported (gzip, deflate, br or none)`,
          { field: 'content-encoding' },
          'unsupported',
        );
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new AppError(
        'errors.too_large',
        `the decompressed body is larger than ${maxOutputLength} bytes`,
        undefined,
        'too_large',
      );
    throw new AppError('errors.invalid_encoding', `body: not valid ${encoding} data`, { field: 'body' });
  }
}

function json(bytes: Buffer, field: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('errors.invalid', `${field}: not valid JSON`, { field });
  }
}

/** The store endpoint's body: JSON, or the legacy base64 of zlib-deflated JSON that old SDKs sent. */
async function storeBody(bytes: Buffer, limitBytes: number): Promise<unknown> {
  const text_ = bytes.toString('latin1').trim();
  if (text_.startsWith('{') || !/^[A-Za-z0-9+/=\s]+$/.test(text_)) return json(bytes, 'body');
  const inflated = await inflate(Buffer.from(text_, 'base64'), { maxOutputLength: limitBytes * INFLATE_FACTOR }).catch(
    () => undefined,
  );
  return json(inflated ?? bytes, 'body');
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function invalid(errors: string[], prefix = ''): AppError {
  const named = errors.map((e) => `${prefix}${e}`);
  return new AppError('errors.invalid_event', named.join('; '), { field: named[0]?.split(':')[0], errors: named });
}

/** The key's service was deleted while its project was still in the key cache. */
const projectGone = () =>
  new AppError('errors.unauthorized', 'the DSN key is unknown: its service was deleted', undefined, 'unauthorized');

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function groupView(g: ErrorGroup, usersAffected: number): z.input<typeof views.ErrorGroup> {
  return {
    id: g.id,
    service_id: g.serviceId,
    environment: g.environment,
    fingerprint: g.fingerprint,
    title: g.title,
    type: g.type,
    culprit: g.culprit,
    level: g.level,
    status: g.status,
    count: g.count,
    users_affected: usersAffected,
    first_seen: iso(g.firstSeen),
    last_seen: iso(g.lastSeen),
    resolved_at: iso(g.resolvedAt),
    regressed_at: iso(g.regressedAt),
    last_message: g.lastMessage,
  };
}

function eventView(e: StoredEvent) {
  return {
    id: e.id,
    event_id: e.eventId,
    received_at: iso(e.receivedAt),
    timestamp: iso(e.timestamp),
    level: e.level,
    message: e.message,
    release: e.release,
    user: e.userKey,
    ...e.data,
  };
}

const frame = z.strictObject({
  module: z.string().max(512).optional(),
  function: z.string().max(512).optional(),
  filename: z.string().max(1024).optional(),
  in_app: z.boolean().optional(),
});
const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()]);
const reportBody = z
  .strictObject({
    service: ref,
    message: text(8192).optional(),
    exception: z
      .strictObject({
        type: text(256),
        value: z.string().max(8192).optional(),
        stacktrace: z.strictObject({ frames: z.array(frame).max(250) }).optional(),
      })
      .optional(),
    level: z.enum(LEVELS).optional(),
    environment: text(MAX_ENVIRONMENT).optional(),
    user: z
      .strictObject({
        id: z.union([z.string().max(256), z.number()]).optional(),
        email: z.string().max(256).optional(),
        username: z.string().max(256).optional(),
        ip_address: z.string().max(64).optional(),
      })
      .optional(),
    fingerprint: z.array(z.string().max(1024)).min(1).max(50).optional(),
    tags: z.record(z.string().max(200), scalar).optional(),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    release: text(200).optional(),
  })
  .refine((b) => b.message !== undefined || b.exception !== undefined, {
    message: 'give a message or an exception',
    path: ['message'],
  });

export function errorRoutes(server: FastifyInstance, app: App): void {
  const bodyLimit = app.config.bodyLimit;

  /** The project the request's key opens, checked against the URL's project id. */
  async function authenticate(request: FastifyRequest, projectParam: string, dsnKey?: string) {
    if (!/^\d{1,15}$/.test(projectParam))
      throw new AppError(
        'errors.project_not_found',
        `project ${JSON.stringify(projectParam.slice(0, 40))} does not exist: Sentry project ids are numbers`,
        { project_id: projectParam.slice(0, 40) },
        'not_found',
      );
    const query = request.query as { sentry_key?: string };
    const key =
      keyFromAuthHeader(single(request.headers['x-sentry-auth'])) ??
      keyFromAuthHeader(single(request.headers.authorization)) ??
      query.sentry_key ??
      dsnKey;
    if (!key)
      throw new AppError(
        'errors.unauthorized',
        'missing the DSN key: send X-Sentry-Auth: Sentry sentry_key=<public key>, or ?sentry_key=',
        undefined,
        'unauthorized',
      );
    const project = await app.errorTracking.projectForKey(key);
    if (!project)
      throw new AppError(
        'errors.unauthorized',
        'the DSN key is unknown; get the DSN from GET /api/v1/services/{id}/dsn',
        undefined,
        'unauthorized',
      );
    if (String(project.projectId) !== String(Number(projectParam)))
      throw new AppError(
        'errors.forbidden',
        `the DSN key belongs to project ${project.projectId}, not ${projectParam}`,
        { project_id: project.projectId },
        'forbidden',
      );
    return project;
  }

  function parseEvent(body: unknown, prefix: string): ErrorEvent {
    const parsed = parseSentryEvent(body, app.clock.now(), app.errorTracking.newEventId);
    if (!parsed.ok) throw invalid(parsed.errors, prefix);
    return parsed.value;
  }

  // Sentry's endpoints take any content type as raw bytes, in a scope of their own.
  void server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    // Browser SDKs post from the page's origin (a simple request: text/plain, no preflight) and read the answer.
    scope.addHook('onSend', async (_request, reply) => {
      void reply.header('access-control-allow-origin', '*');
      void reply.header('access-control-expose-headers', 'retry-after, x-sentry-rate-limits');
    });
    const s = scope.withTypeProvider<ZodTypeProvider>();

    s.post(
      '/api/:project_id/store',
      {
        bodyLimit,
        schema: {
          tags,
          summary: 'Sentry store endpoint: one event (DSN key auth, not a bearer token)',
          params: projectParams,
          querystring: sentryQuery,
          security: [],
        },
      },
      async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (raw.length === 0)
          throw new AppError('errors.invalid_event', 'body: an event is required', { field: 'body' });
        const project = await authenticate(request, request.params.project_id);
        const event = parseEvent(await storeBody(await decode(request, raw, bodyLimit), bodyLimit), '');
        if (!(await app.errorTracking.submit({ serviceId: project.serviceId, events: [event] })).stored)
          throw projectGone();
        return { id: event.eventId };
      },
    );

    s.post(
      '/api/:project_id/envelope',
      {
        bodyLimit,
        schema: {
          tags,
          summary: 'Sentry envelope endpoint: events (other item types are accepted and dropped)',
          params: projectParams,
          querystring: sentryQuery,
          security: [],
        },
      },
      async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (raw.length === 0)
          throw new AppError('errors.invalid_event', 'body: an envelope is required', { field: 'body' });
        const parsed = parseEnvelope(await decode(request, raw, bodyLimit));
        if (!parsed.ok) throw invalid(parsed.errors);
        const { header, items } = parsed.value;
        const project = await authenticate(request, request.params.project_id, keyFromDsn(header.dsn));
        const events: ErrorEvent[] = [];
        items.forEach((item, i) => {
          if (EVENT_ITEM_TYPES.has(item.type)) events.push(parseEvent(json(item.payload, `items.${i}`), `items.${i}.`));
        });
        if (events.length > 0 && !(await app.errorTracking.submit({ serviceId: project.serviceId, events })).stored)
          throw projectGone();
        const headerId =
          typeof header.event_id === 'string' && /^[0-9a-f-]{32,36}$/i.test(header.event_id)
            ? header.event_id.replaceAll('-', '').toLowerCase()
            : undefined;
        const id = events[0]?.eventId ?? headerId;
        return id ? { id } : {};
      },
    );
  });

  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/errors',
    { schema: { tags, summary: 'Report an error event for a service (responder or admin)', body: reportBody } },
    async (request, reply) => {
      const b = request.body;
      const sentryShape = {
        ...(b.message !== undefined && { message: b.message }),
        ...(b.exception && { exception: { values: [b.exception] } }),
        level: b.level,
        environment: b.environment,
        user: b.user,
        fingerprint: b.fingerprint,
        tags: b.tags,
        timestamp: b.timestamp,
        release: b.release,
      };
      const event = parseEvent(sentryShape, '');
      const stored = await app.errorTracking.report(request.actor, b.service, event);
      return reply.status(201).send({ id: stored.id, group_id: stored.groupId, service_id: stored.serviceId });
    },
  );

  const groupQuery = z.strictObject({
    limit,
    cursor: ref.optional(),
    service_id: ref.optional(),
    environment: text(MAX_ENVIRONMENT).optional(),
    status: z.enum(['unresolved', 'resolved']).optional(),
  });
  r.get(
    '/api/v1/errors/groups',
    { schema: { tags, summary: 'Error groups, newest first', querystring: groupQuery } },
    async (request) => {
      const q = request.query;
      const page = await app.errorTracking.listGroups(request.actor, {
        limit: q.limit,
        cursor: q.cursor,
        service: q.service_id,
        environment: q.environment,
        status: q.status,
      });
      return { data: page.data.map((x) => groupView(x.group, x.usersAffected)), next_cursor: page.nextCursor };
    },
  );

  r.get(
    '/api/v1/errors/groups/:id',
    { schema: { tags, summary: 'An error group with its latest events (up to 100 are kept)', params: idParams } },
    async (request) => {
      const found = await app.errorTracking.getGroup(request.actor, request.params.id);
      return { ...groupView(found.group, found.usersAffected), events: found.events.map(eventView) };
    },
  );

  r.post(
    '/api/v1/errors/groups/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Mark an error group resolved (its alerts resolve; new events make it regressed)',
        params: idParams,
      },
    },
    async (request) => {
      const group = await app.errorTracking.resolveGroup(request.actor, request.params.id);
      return groupView(group, (await app.errorTracking.getGroup(request.actor, group.id)).usersAffected);
    },
  );

  r.get(
    '/api/v1/services/:id/dsn',
    {
      schema: {
        tags,
        summary: 'The Sentry DSN of a service (its error project is created on first use)',
        params: idParams,
      },
    },
    async (request) => {
      const { dsn, project, service } = await app.errorTracking.dsn(
        request.actor,
        request.params.id,
        `${request.protocol}://${request.host}`,
      );
      return {
        dsn,
        project_id: project.projectId,
        public_key: project.publicKey,
        service_id: service.id,
        spike_threshold_per_min: project.spikeThresholdPerMin,
      } satisfies z.input<typeof views.Dsn>;
    },
  );

  r.patch(
    '/api/v1/services/:id/dsn',
    {
      schema: {
        tags,
        summary: 'Change the error spike threshold of a service (admin)',
        params: idParams,
        body: z.strictObject({ spike_threshold_per_min: z.number().int().min(1).max(10_000_000) }),
      },
    },
    async (request) => {
      const project = await app.errorTracking.setSpikeThreshold(
        request.actor,
        request.params.id,
        request.body.spike_threshold_per_min,
      );
      const { dsn } = await app.errorTracking.dsn(
        request.actor,
        request.params.id,
        `${request.protocol}://${request.host}`,
      );
      return {
        dsn,
        project_id: project.projectId,
        public_key: project.publicKey,
        service_id: project.serviceId,
        spike_threshold_per_min: project.spikeThresholdPerMin,
      } satisfies z.input<typeof views.Dsn>;
    },
  );
}
