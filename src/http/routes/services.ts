// /api/v1/services: the things that break, each with an integration key shown once.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import type * as views from '../views/index.js';
import { page, serviceView } from '../present.js';
import { description, idParams, pageQuery, ref, text } from '../schemas.js';

const tags = ['services'];
const scalar = z.union([
  z
    .string()
    .max(1000)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters'),
  z.number().finite(),
]);
const rule = z.strictObject({
  name: text(100),
  when: z
    .array(
      z.strictObject({
        field: z
          .string()
          .regex(
            /^(severity|summary|source|class|component|group|custom_details(\.[A-Za-z0-9_-]{1,64}){1,8})$/,
            'must be severity, summary, source, class, component, group or custom_details.<path>',
          ),
        op: z.enum(['in', 'eq', 'gt', 'gte', 'lt', 'lte', 'contains']),
        value: z.union([scalar, z.array(scalar).max(100)]),
      }),
    )
    .min(1)
    .max(20),
  severity: z.enum(['P0', 'P1', 'P2', 'P3', 'none']),
});
/** An HTTP header name (RFC 9110 token). */
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be an HTTP header name');
/** Alert ingestion settings of a service: its own classification rules, grouping window, rate limit. */
const ingestSettings = {
  rules: z.array(rule).max(100).nullable().optional(),
  grouping_window_s: z.number().int().min(1).max(86_400).nullable().optional(),
  rate_limit_per_min: z.number().int().min(1).max(1_000_000).nullable().optional(),
  /** Grafana's HMAC secret: write-only (answers show only grafana_signature: true|false); null removes it. */
  grafana_secret: z
    .string()
    .min(8)
    .max(512)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .nullable()
    .optional(),
  /** null restores Grafana's default, X-Grafana-Alerting-Signature. */
  grafana_signature_header: headerName.nullable().optional(),
  /** When set, the signature covers `${timestamp}:${body}` and requests without the header are refused. */
  grafana_timestamp_header: headerName.nullable().optional(),
  /** The policy its incidents climb (id or name); null = the seed's chain. */
  escalation_policy_id: ref.nullable().optional(),
  /** A severity's own policy, e.g. {"P0": "Executive"}; {} removes them. */
  severity_policies: z.partialRecord(z.enum(['P0', 'P1', 'P2', 'P3']), ref).optional(),
};
type Nullable<T> = T | null | undefined;
const settings = (b: {
  rules?: Nullable<unknown[]>;
  grouping_window_s?: Nullable<number>;
  rate_limit_per_min?: Nullable<number>;
  grafana_secret?: Nullable<string>;
  grafana_signature_header?: Nullable<string>;
  grafana_timestamp_header?: Nullable<string>;
  escalation_policy_id?: Nullable<string>;
  severity_policies?: Partial<Record<string, string>> | undefined;
}) => ({
  rules: b.rules,
  groupingWindowSeconds: b.grouping_window_s,
  rateLimitPerMinute: b.rate_limit_per_min,
  grafanaSecret: b.grafana_secret,
  grafanaSignatureHeader: b.grafana_signature_header,
  grafanaTimestampHeader: b.grafana_timestamp_header,
  escalationPolicyId: b.escalation_policy_id,
  severityPolicies: b.severity_policies,
});

export function serviceRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/services',
    {
      schema: {
        tags,
        summary: 'Create a service (admin); the integration key is shown only in this answer',
        body: z.strictObject({ name: text(200), description: description.optional(), ...ingestSettings }),
      },
    },
    async (request, reply) => {
      const { name, description: text_, ...rest } = request.body;
      const { service, integrationKey } = await app.services.create(request.actor, {
        name,
        description: text_,
        ...settings(rest),
      });
      return reply
        .status(201)
        .send({ ...serviceView(service), integration_key: integrationKey } satisfies z.input<
          typeof views.ServiceWithKey
        >);
    },
  );

  r.get('/api/v1/services', { schema: { tags, summary: 'List services', querystring: pageQuery } }, async (request) =>
    page(await app.services.list(request.actor, request.query), serviceView),
  );

  r.get(
    '/api/v1/services/:id',
    { schema: { tags, summary: 'A service by id or name', params: idParams } },
    async (request) => serviceView(await app.services.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/services/:id',
    {
      schema: {
        tags,
        summary: 'Rename or describe a service, or change its alert rules, grouping window and rate limit (admin)',
        params: idParams,
        body: z.strictObject({ name: text(200).optional(), description: description.optional(), ...ingestSettings }),
      },
    },
    async (request) => {
      const { name, description: text_, ...rest } = request.body;
      return serviceView(
        await app.services.update(request.actor, request.params.id, { name, description: text_, ...settings(rest) }),
      );
    },
  );

  r.delete(
    '/api/v1/services/:id',
    { schema: { tags, summary: 'Delete a service with no open incidents (admin)', params: idParams } },
    async (request, reply) => {
      await app.services.remove(request.actor, request.params.id);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/services/:id/rotate-key',
    { schema: { tags, summary: 'Issue a new integration key; the old one stops at once (admin)', params: idParams } },
    async (request) => {
      const { service, integrationKey } = await app.services.rotateKey(request.actor, request.params.id);
      return { ...serviceView(service), integration_key: integrationKey } satisfies z.input<
        typeof views.ServiceWithKey
      >;
    },
  );
}
