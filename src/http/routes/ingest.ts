// Where monitoring tools send events. The integration key is the credential: in the body for the
// PagerDuty-compatible /v2 endpoints, in the URL for the Alertmanager and Grafana webhooks; no bearer
// token. Every answer comes after the commit. The /v2 endpoints answer in PagerDuty's own shapes.
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  parseAlertmanagerWebhook,
  parseChangeEvent,
  parseGrafanaWebhook,
  parsePagerDutyEvent,
  verifyGrafanaSignature,
} from '../../alerts/index.js';
import { AppError } from '../../errors.js';
import { GRAFANA_SIGNATURE_HEADER } from '../../services/index.js';
import { setRetryAfter, toHttpError } from '../error-handler.js';
import { ref } from '../schemas.js';

/** PagerDuty accepts event bodies up to 512 KB; webhooks carrying many alerts get more room. */
export const PAGERDUTY_BODY_LIMIT = 512 * 1024;
export const WEBHOOK_BODY_LIMIT = 8 * 1024 * 1024;

/** Errors on the /v2 endpoints in PagerDuty's shapes, so its client libraries read them. */
function pagerDutyErrors(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toHttpError(error);
  if (status >= 500) request.log.error({ err: error }, 'event ingestion failed');
  setRetryAfter(body, status, reply);
  if (status === 429) {
    void reply
      .status(429)
      .send({ status: 'throttle event', message: 'Too many events; retry later', errors: [body.error.message] });
  } else if (status >= 500) {
    void reply
      .status(status)
      .send({ status: 'error', message: 'The event could not be stored; retry later', errors: [body.error.message] });
  } else {
    void reply
      .status(status === 413 ? 413 : 400)
      .send({ status: 'invalid event', message: 'Event object is invalid', errors: [body.error.message] });
  }
}

const invalidEvent = (reply: FastifyReply, errors: string[]) =>
  reply.status(400).send({ status: 'invalid event', message: 'Event object is invalid', errors });

const keyParams = z.strictObject({ integration_key: ref });

/** The raw bytes of Grafana webhook bodies, for the signature check. */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

export function ingestRoutes(server: FastifyInstance, app: App): void {
  server.post(
    '/v2/enqueue',
    {
      bodyLimit: PAGERDUTY_BODY_LIMIT,
      errorHandler: pagerDutyErrors,
      schema: { tags: ['ingest'], summary: 'PagerDuty Events API v2: trigger, acknowledge or resolve an alert' },
    },
    async (request, reply) => {
      const parsed = parsePagerDutyEvent(request.body, randomUUID);
      if (!parsed.ok) return invalidEvent(reply, parsed.errors);
      const { routingKey, event } = parsed.value;
      await app.ingest.admit(routingKey, 1);
      const result = await app.ingest.submit({ routingKey, events: [event] });
      if (!result.ok) return invalidEvent(reply, ["'routing_key' is not a known integration key"]);
      return reply.status(202).send({ status: 'success', message: 'Event processed', dedup_key: event.dedupKey });
    },
  );

  server.post(
    '/v2/change/enqueue',
    {
      bodyLimit: PAGERDUTY_BODY_LIMIT,
      errorHandler: pagerDutyErrors,
      schema: { tags: ['ingest'], summary: 'PagerDuty change events: deploys and config changes (never page)' },
    },
    async (request, reply) => {
      const parsed = parseChangeEvent(request.body);
      if (!parsed.ok) return invalidEvent(reply, parsed.errors);
      await app.ingest.admit(parsed.value.routingKey, 1);
      if (!(await app.ingest.submitChange(parsed.value)))
        return invalidEvent(reply, ["'routing_key' is not a known integration key"]);
      return reply.status(202).send({ status: 'success', message: 'Change event processed' });
    },
  );

  /** Shared by the two webhook formats: rate limit, commit, answer with what was stored. */
  async function webhook(
    reply: FastifyReply,
    key: string,
    events: Parameters<App['ingest']['submit']>[0]['events'],
    extra: Record<string, unknown>,
  ) {
    await app.ingest.admit(key, Math.max(1, events.length));
    const result = await app.ingest.submit({ routingKey: key, events });
    if (!result.ok)
      throw new AppError('integration.not_found', 'no service has this integration key', {
        integration_key: `…${key.slice(-4)}`,
      });
    return reply.status(200).send({ status: 'success', alerts: events.length, ...extra });
  }

  const r = server.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/integrations/:integration_key/alertmanager',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: { tags: ['ingest'], summary: 'Alertmanager webhook (payload version 4)', params: keyParams },
    },
    async (request, reply) => {
      const parsed = parseAlertmanagerWebhook(request.body);
      if (!parsed.ok) throw new AppError('event.invalid', parsed.errors.join('; '), { errors: parsed.errors });
      return webhook(reply, request.params.integration_key, parsed.value.events, {
        truncated_alerts: parsed.value.truncatedAlerts,
      });
    },
  );

  // Grafana's webhook may be signed (HMAC over the raw bytes), so this route keeps the raw body: its
  // own scope gets a JSON parser that remembers the buffer; every other route parses as before.
  void server.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
      rawBodies.set(request, raw);
      const text = raw.toString('utf8');
      if (text.trim() === '') return done(null, {});
      try {
        done(null, JSON.parse(text));
      } catch {
        done(
          Object.assign(new Error('the body is not valid JSON'), {
            statusCode: 400,
            code: 'FST_ERR_CTP_INVALID_JSON_BODY',
          }),
          undefined,
        );
      }
    });

    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/integrations/:integration_key/grafana',
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: { tags: ['ingest'], summary: 'Grafana alerting webhook (optionally HMAC-signed)', params: keyParams },
      },
      async (request, reply) => {
        const key = request.params.integration_key;
        // Looked up by the key's digest now, so a rotated (old) key is refused here as everywhere.
        const service = await app.services.byIntegrationKey(key);
        if (!service)
          throw new AppError('integration.not_found', 'no service has this integration key', {
            integration_key: `…${key.slice(-4)}`,
          });
        if (service.grafanaSecret !== null) {
          const signatureHeader = service.grafanaSignatureHeader ?? GRAFANA_SIGNATURE_HEADER;
          const timestampHeader = service.grafanaTimestampHeader;
          const verdict = verifyGrafanaSignature({
            secret: service.grafanaSecret,
            body: rawBodies.get(request) ?? Buffer.alloc(0),
            signature: header(request, signatureHeader),
            timestamp: timestampHeader === null ? undefined : header(request, timestampHeader),
            requireTimestamp: timestampHeader !== null,
            now: app.clock.now(),
          });
          if (!verdict.ok) {
            // Sent here rather than thrown: the error handler would add a Bearer challenge, which does not apply.
            return reply.status(401).send({
              error: {
                code: 'integration.bad_signature',
                message: `Grafana signature check failed: ${verdict.reason}`,
                details: { reason: verdict.reason, header: signatureHeader },
              },
            });
          }
        }
        const parsed = parseGrafanaWebhook(request.body);
        if (!parsed.ok) throw new AppError('event.invalid', parsed.errors.join('; '), { errors: parsed.errors });
        return webhook(reply, key, parsed.value.events, {});
      },
    );
  });
}

/** A request header's single value; a repeated header counts as missing. */
function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}
