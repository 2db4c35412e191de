// Notification rules, stakeholders, the runbook's notification templates and an incident's delivery log.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { SEVERITIES } from '../../incident.js';
import type * as views from '../views/index.js';
import {
  MAX_SUBJECT_LENGTH,
  MAX_TEMPLATE_LENGTH,
  TEMPLATE_FIELDS,
  TEMPLATE_KEYS,
  type TemplateView,
} from '../../notify/index.js';
import { CONTACT_KINDS } from '../../users/index.js';
import { notificationRuleView, notificationView, stakeholderView } from '../present-oncall.js';
import { idParams, instant, ref, secret, text } from '../schemas.js';

const withoutNul = (s: string) => !s.includes('\u0000');

function templateView(t: TemplateView): z.input<typeof views.Template> {
  return {
    key: t.key,
    name: t.name,
    subject: t.subject,
    text: t.text,
    customised: t.customised,
    updated_at: t.updatedAt?.toISOString() ?? null,
    updated_by: t.updatedBy,
    fields: TEMPLATE_FIELDS,
  };
}

const updateBody = z.strictObject({ status_text: text(10_000), next_update_at: instant.optional() });

export function notifyRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/users/:id/notification-rules',
    {
      schema: {
        tags: ['users'],
        summary:
          'Add a notification rule: a contact method and how long after being paged (yourself, or anyone as admin)',
        params: idParams,
        body: z.strictObject({ contact_method_id: ref, delay_seconds: z.number().int().min(0).max(86_400) }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        notificationRuleView(
          await app.notify.addRule(request.actor, request.params.id, {
            contactMethodId: request.body.contact_method_id,
            delaySeconds: request.body.delay_seconds,
          }),
        ),
      ),
  );
  r.get(
    '/api/v1/users/:id/notification-rules',
    { schema: { tags: ['users'], summary: 'A user’s notification rules, soonest first', params: idParams } },
    async (request) => ({
      data: (await app.notify.rules(request.actor, request.params.id)).map(notificationRuleView),
      next_cursor: null,
    }),
  );
  r.delete(
    '/api/v1/users/:id/notification-rules/:rule',
    {
      schema: {
        tags: ['users'],
        summary: 'Remove a notification rule',
        params: z.strictObject({ id: ref, rule: ref }),
      },
    },
    async (request, reply) => {
      await app.notify.removeRule(request.actor, request.params.id, request.params.rule);
      return reply.status(204).send();
    },
  );

  const stakeholderBody = z
    .strictObject({
      name: text(200),
      kind: z.enum(CONTACT_KINDS),
      address: text(2000),
      severities: z.array(z.enum(SEVERITIES)).max(4).default([]),
      // Subjects besides incident severities, e.g. ["gdpr"]: told of personal-data breaches and their clock.
      topics: z
        .array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'must be 1–40 characters of a-z, 0-9, "_", "." or "-"'))
        .max(20)
        .optional(),
      secret: secret.optional(),
    })
    .refine((b) => b.severities.length > 0 || (b.topics?.length ?? 0) > 0, {
      message: 'give at least one severity or one topic',
      path: ['severities'],
    });
  r.post(
    '/api/v1/stakeholders',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'Add a stakeholder: gets the runbook’s initial and resolution notifications for these severities, ' +
          'and notices of its topics ("gdpr": personal-data breaches) (admin)',
        body: stakeholderBody,
      },
    },
    async (request, reply) =>
      reply.status(201).send(stakeholderView(await app.notify.addStakeholder(request.actor, request.body))),
  );
  r.get(
    '/api/v1/stakeholders',
    { schema: { tags: ['notifications'], summary: 'Stakeholders (admin)' } },
    async (request) => ({
      data: (await app.notify.stakeholders(request.actor)).map(stakeholderView),
      next_cursor: null,
    }),
  );
  r.delete(
    '/api/v1/stakeholders/:id',
    { schema: { tags: ['notifications'], summary: 'Remove a stakeholder (admin)', params: idParams } },
    async (request, reply) => {
      await app.notify.removeStakeholder(request.actor, request.params.id);
      return reply.status(204).send();
    },
  );

  const templateParams = z.strictObject({ key: z.enum(TEMPLATE_KEYS) });
  const templateBody = z.strictObject({
    subject: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_SUBJECT_LENGTH)
      .refine(withoutNul, 'must not contain NUL characters'),
    text: z
      .string()
      .max(MAX_TEMPLATE_LENGTH)
      .refine((s) => s.trim() !== '', 'must not be empty')
      .refine(withoutNul, 'must not contain NUL characters'),
  });
  r.get(
    '/api/v1/templates',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'The runbook’s notification templates (initial, resolution), each stored or the seed text, ' +
          'with the fields they may use',
      },
    },
    async (request) => ({
      data: (await app.notify.templates.list(request.actor)).map(templateView),
      next_cursor: null,
    }),
  );
  r.get(
    '/api/v1/templates/:key',
    { schema: { tags: ['notifications'], summary: 'One notification template', params: templateParams } },
    async (request) => templateView(await app.notify.templates.get(request.actor, request.params.key)),
  );
  r.put(
    '/api/v1/templates/:key',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'Replace a notification template (admin): {{field}}, {{#field}}…{{/field}} (when non-empty), ' +
          '{{^field}}…{{/field}} (when empty); an unknown field or a syntax error is a 400 naming it',
        params: templateParams,
        body: templateBody,
      },
    },
    async (request) => templateView(await app.notify.templates.save(request.actor, request.params.key, request.body)),
  );
  r.delete(
    '/api/v1/templates/:key',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Reset a notification template to the seed runbook’s text (admin)',
        params: templateParams,
      },
    },
    async (request, reply) => {
      await app.notify.templates.reset(request.actor, request.params.key);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/incidents/:id/communications/:template/preview',
    {
      schema: {
        tags: ['incidents'],
        summary:
          'The runbook’s initial or resolution notification for this incident as it would read now (nothing is sent)',
        params: z.strictObject({ id: ref, template: z.enum(['initial', 'resolution']) }),
      },
    },
    async (request): Promise<z.input<typeof views.Message>> =>
      app.notify.preview(request.actor, request.params.id, request.params.template),
  );

  r.post(
    '/api/v1/incidents/:id/updates',
    {
      schema: {
        tags: ['incidents'],
        summary:
          'Send a status update to the incident’s stakeholders; ' +
          'next_update_at defaults to the severity’s cadence (P0 30 min, P1 60 min)',
        params: idParams,
        body: updateBody,
      },
    },
    async (request, reply) => {
      const result = await app.notify.statusUpdate(request.actor, request.params.id, {
        statusText: request.body.status_text,
        nextUpdateAt: request.body.next_update_at,
      });
      return reply.status(201).send({
        notified: result.notified,
        next_update_at: result.nextUpdateAt?.toISOString() ?? null,
      } satisfies z.input<typeof views.UpdateSent>);
    },
  );

  r.get(
    '/api/v1/incidents/:id/updates/next',
    {
      schema: {
        tags: ['incidents'],
        summary:
          'When the next status update is due (null: none is), ' +
          'whether one is overdue (missed: reminders since the last update), when the last was sent, ' +
          'what an update sent now would announce by default, the severity’s cadence, ' +
          'and whether updates are still needed (not once resolved)',
        params: idParams,
      },
    },
    async (request) => {
      const s = await app.notify.updateSchedule(request.actor, request.params.id);
      return {
        next_update_at: s.nextUpdateAt?.toISOString() ?? null,
        overdue: s.overdue,
        missed: s.missed,
        last_update_at: s.lastUpdateAt?.toISOString() ?? null,
        default_next_update_at: s.defaultNextUpdateAt?.toISOString() ?? null,
        cadence_seconds: s.cadenceMs === null ? null : s.cadenceMs / 1000,
        updates_needed: s.updatesNeeded,
      } satisfies z.input<typeof views.UpdateSchedule>;
    },
  );

  r.post(
    '/api/v1/incidents/:id/updates/preview',
    {
      schema: {
        tags: ['incidents'],
        summary: 'A status update as it would be sent now (nothing is sent or recorded)',
        params: idParams,
        body: updateBody,
      },
    },
    async (request) => {
      const m = await app.notify.previewUpdate(request.actor, request.params.id, {
        statusText: request.body.status_text,
        nextUpdateAt: request.body.next_update_at,
      });
      return {
        subject: m.subject,
        text: m.text,
        next_update_at: m.nextUpdateAt?.toISOString() ?? null,
      } satisfies z.input<typeof views.UpdatePreview>;
    },
  );

  r.get(
    '/api/v1/incidents/:id/notifications',
    {
      schema: {
        tags: ['incidents'],
        summary: 'The delivery log: every message for the incident, its state, attempts and last error',
        params: idParams,
      },
    },
    async (request) => ({
      data: (await app.notify.deliveries(request.actor, request.params.id)).map(notificationView),
      next_cursor: null,
    }),
  );
}
