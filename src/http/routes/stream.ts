// GET /api/v1/stream: live incident updates as server-sent events (stream/stream.service.ts).
//
// Browsers' EventSource cannot send an Authorization header, so this one route also takes the token
// as `?access_token=`: `tokenFromQuery` turns it into the header before the normal onRequest
// authentication runs, so whatever else that hook accepts (a session cookie) works here unchanged.
// Everything that can fail (authentication, the query, an unknown service) fails before the
// response is hijacked, so errors keep the API's JSON shape.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { SEVERITIES } from '../../incident.js';
import type { Sink, Subscription } from '../../stream/index.js';
import { csvOf, ref } from '../schemas.js';

export const STREAM_PATH = '/api/v1/stream';
/** What EventSource waits before reconnecting. */
const RETRY_MS = 2000;
/** Bytes a stream may have waiting for a slow client before it is dropped (it reconnects). */
const MAX_BUFFERED = 256 * 1024;

export interface StreamOptions {
  /** A comment line this often keeps proxies from timing the stream out (default 15 s). */
  heartbeatMs?: number;
  /**
   * Streams end after this long and the client reconnects (default 15 min): a revoked token stops
   * working within that time, and reconnections spread clients over the instances again.
   */
  maxMs?: number;
}

const streamQuery = z.strictObject({
  service_id: ref.optional(),
  severity: csvOf(SEVERITIES).optional(),
  access_token: z
    .string()
    .max(200)
    .optional()
    .describe('The API token, for EventSource clients that cannot send an Authorization header'),
  last_event_id: z
    .string()
    .max(100)
    .optional()
    .describe('Like the Last-Event-ID header, for clients that cannot set it'),
});

/** For the stream route only: a `?access_token=` becomes the bearer header when no header was sent. */
export function tokenFromQuery(request: FastifyRequest): void {
  const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
  if (request.headers.authorization === undefined && typeof token === 'string' && token !== '')
    request.headers.authorization = `Bearer ${token}`;
}

export function streamRoutes(server: FastifyInstance, app: App, options: StreamOptions = {}): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxMs = options.maxMs ?? 15 * 60_000;
  // Open streams end before the server waits for its connections, so close() does not hang.
  const open = new Set<() => void>();
  server.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  r.get(
    STREAM_PATH,
    {
      // A HEAD would hold an empty stream open until its lifetime ends; it answers 404 instead.
      exposeHeadRoute: false,
      schema: {
        tags: ['stream'],
        summary: 'Live incident updates (text/event-stream): incident.created, incident.updated, timeline.entry, reset',
        querystring: streamQuery,
      },
    },
    async (request, reply) => {
      const q = request.query;
      const serviceId = q.service_id ? (await app.services.get(request.actor, q.service_id)).id : undefined;
      const header = request.headers['last-event-id'];
      const lastEventId = typeof header === 'string' ? header : q.last_event_id;
      const raw = reply.raw;
      let started = false;
      let ended = false;
      const early: string[] = [];
      let heartbeat: NodeJS.Timeout | undefined = undefined;
      let lifetime: NodeJS.Timeout | undefined = undefined;
      let subscription: Subscription | undefined = undefined;
      const write = (text: string): boolean => {
        if (ended || raw.writableLength > MAX_BUFFERED) return false;
        raw.write(text);
        return true;
      };
      const end = (): void => {
        if (ended) return;
        ended = true;
        open.delete(end);
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        subscription?.close();
        if (started) raw.end();
      };
      const sink: Sink = {
        write: (text) => (started ? write(text) : (early.push(text), true)),
        end,
      };
      open.add(end); // a server closing while this subscribes ends it too
      try {
        subscription = await app.stream.subscribe(
          request.actor,
          { serviceId, severity: q.severity },
          lastEventId,
          sink,
        );
      } catch (error) {
        open.delete(end);
        throw error;
      }
      // From here on nothing awaits, so no event can slip between the subscription and the first bytes.
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders()))
        if (value !== undefined) raw.setHeader(name, value); // x-request-id
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        // The connection ends with the stream (EventSource reconnects on a new one anyway), so an
        // ended stream leaves no keep-alive socket behind for server close to wait on.
        connection: 'close',
      });
      started = true;
      raw.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      for (const text of [...subscription.initial, ...early]) write(text);
      if (ended) {
        subscription.close(); // ended (server closing) before the subscription was in hand
        raw.end();
        return;
      }
      raw.on('close', end);
      heartbeat = setInterval(() => {
        if (!write(': ping\n\n')) end();
      }, heartbeatMs);
      lifetime = setTimeout(end, maxMs);
    },
  );
}
