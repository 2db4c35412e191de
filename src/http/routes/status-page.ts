// The public status page, without sign-in: the HTML page, the Statuspage-compatible JSON and the feeds,
// each served from the in-memory snapshot (status/snapshot.ts) with its ETag — no database read, no
// rendering per request — and the subscribe, confirm and unsubscribe endpoints. Served under
// VIGIL_STATUS_PREFIX (default /status), and at the root of VIGIL_STATUS_HOST when it is set, so the
// page can sit behind a domain of its own. Nothing here shows what was not made public.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { AppError } from '../../errors.js';
import { renderStatusMessage, STATUS_DOCUMENTS, type StatusDocument } from '../../status/index.js';
import { email, ref } from '../schemas.js';

const tags = ['status page (public)'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route anyone may call without signing in (the status page), even under /api/ on the status host. */
    public?: boolean;
  }
}

const PUBLIC_ROUTE = { public: true };

const CACHE_CONTROL = 'public, max-age=0, must-revalidate';

function send(request: FastifyRequest, reply: FastifyReply, doc: StatusDocument) {
  void reply
    .header('cache-control', CACHE_CONTROL)
    .header('etag', doc.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff');
  const match = request.headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim() === doc.etag)) return reply.code(304).send();
  void reply.type(doc.type);
  if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? ''))
    return reply.header('content-encoding', 'gzip').send(doc.gzip);
  return reply.send(doc.body);
}

const subscribeBody = z
  .strictObject({
    email: email.optional(),
    endpoint: z.string().max(2000).optional().describe('A webhook URL (http or https, not a private address).'),
    component_ids: z.array(ref).max(200).optional().describe('Only these components (default: all).'),
  })
  .refine((b) => (b.email === undefined) !== (b.endpoint === undefined), {
    message: 'give exactly one of email or endpoint',
  });

export async function statusPageRoutes(server: FastifyInstance, app: App): Promise<void> {
  const { prefix, host } = app.config.statusPage;
  // The page's forms post application/x-www-form-urlencoded: accepted here only, not by the API.
  await server.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
    });
    register(scope, app, prefix, undefined);
    if (host) register(scope, app, '', host);
  });
}

function register(scope: FastifyInstance, app: App, base: string, host: string | undefined): void {
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const prefix = app.config.statusPage.prefix;
  const options = { config: PUBLIC_ROUTE, ...(host && { constraints: { host } }) };
  const page = async () => await app.status.settingsIn(app.database.db);

  async function message(reply: FastifyReply, status: number, title: string, text: string) {
    const settings = await page();
    const html = renderStatusMessage(
      {
        id: 'page',
        name: settings.name,
        url: app.statusPageUrl,
        logoUrl: settings.logoUrl,
        timeZone: settings.timeZone,
        updatedAt: app.clock.now(),
      },
      { prefix: base || '', title, text, status },
    );
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  for (const name of STATUS_DOCUMENTS) {
    const path = name === '' ? base || '/' : `${base}/${name}`;
    r.get(
      path,
      { ...options, schema: { tags, summary: name === '' ? 'The public status page (HTML)' : `Public ${name}` } },
      async (request, reply) => {
        const doc = await app.statusSnapshot.document(name);
        if (!doc) throw new AppError('status.unavailable', 'the status page could not be built; try again shortly');
        return send(request, reply, doc);
      },
    );
  }

  r.post(
    `${base}/api/v2/subscribers`,
    {
      ...options,
      schema: {
        tags,
        summary: 'Subscribe an e-mail address (double opt-in) or a webhook endpoint to status updates',
        description:
          'At most 5 attempts a minute from one address (429). ' +
          `A webhook's signing secret is returned once. Prefix: ${prefix}.`,
        body: subscribeBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await app.subscribers.subscribe(
        { email: b.email, endpoint: b.endpoint, componentIds: b.component_ids },
        request.ip,
      );
      return reply.code(202).send({
        subscriber: { kind: result.kind, state: result.state },
        ...(result.secret && { secret: result.secret }),
        message:
          result.kind === 'email'
            ? 'Check your inbox: the subscription starts when you follow the link we sent.'
            : 'Subscribed. Keep the secret: every message is signed with it.',
      });
    },
  );

  // The page's own form (works without JavaScript).
  r.post(
    `${base}/subscribe`,
    { ...options, schema: { tags, summary: "The page's subscribe form (HTML answer)", hide: true } },
    async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      const parsed = email.safeParse(typeof form.email === 'string' ? form.email.trim() : '');
      if (!parsed.success)
        return message(reply, 400, 'That is not an e-mail address', 'Go back and check the address you typed.');
      try {
        await app.subscribers.subscribe({ email: parsed.data }, request.ip);
      } catch (error) {
        if (error instanceof AppError && error.kind === 'rate_limited')
          return message(reply, 429, 'Too many attempts', 'Please wait a minute and try again.');
        throw error;
      }
      return message(
        reply,
        202,
        'Check your inbox',
        'We sent you a link: your subscription starts when you follow it.',
      );
    },
  );

  const tokenQuery = z.strictObject({ token: z.string().max(300).optional() });

  r.get(
    `${base}/subscribers/confirm`,
    {
      ...options,
      schema: { tags, summary: 'Confirm an e-mail subscription (the link in the mail)', querystring: tokenQuery },
    },
    async (request, reply) => {
      try {
        await app.subscribers.confirm(request.query.token ?? '');
      } catch (error) {
        if (error instanceof AppError && error.code === 'subscriber.invalid_token')
          return message(
            reply,
            400,
            'This link is not valid',
            'It may have been used already. Subscribe again from the status page if you need to.',
          );
        throw error;
      }
      return message(
        reply,
        200,
        'Subscribed',
        'You will get an e-mail when we post an update. Every message has a link to unsubscribe.',
      );
    },
  );

  const unsubscribe = async (request: FastifyRequest<{ Querystring: { token?: string } }>, reply: FastifyReply) => {
    try {
      const gone = await app.subscribers.unsubscribe(request.query.token ?? '');
      return message(
        reply,
        200,
        'Unsubscribed',
        gone ? 'You will get no more messages from this status page.' : 'This subscription had ended already.',
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'subscriber.invalid_token')
        return message(reply, 400, 'This link is not valid', 'Use the unsubscribe link of a recent message.');
      throw error;
    }
  };
  r.get(
    `${base}/unsubscribe`,
    { ...options, schema: { tags, summary: 'Unsubscribe (the link in every message)', querystring: tokenQuery } },
    unsubscribe,
  );
  // RFC 8058 one-click: mail clients POST List-Unsubscribe=One-Click to the same URL.
  r.post(
    `${base}/unsubscribe`,
    { ...options, schema: { tags, summary: 'One-click unsubscribe (RFC 8058)', querystring: tokenQuery, hide: true } },
    unsubscribe,
  );
}
