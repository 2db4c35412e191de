// Escalation policies, teams, escalating an incident and its pages, people's contact methods and
// services' maintenance windows.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import type * as views from '../views/index.js';
import { AppError } from '../../errors.js';
import { ESCALATE_WHILE, TARGET_TYPES, type Level } from '../../escalation/index.js';
import { CONTACT_KINDS } from '../../users/index.js';
import { incidentView, page } from '../present.js';
import {
  contactMethodView,
  escalationView,
  maintenanceView,
  pageView,
  policyView,
  teamView,
} from '../present-oncall.js';
import { description, idParams, instant, pageQuery, ref, secret, text } from '../schemas.js';

const level = z.strictObject({
  name: text(100).nullable().optional(),
  delay_seconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400),
  targets: z.array(z.strictObject({ type: z.enum(TARGET_TYPES), id: ref })).max(50),
});
const policyBody = z.strictObject({
  name: text(200),
  description: description.optional(),
  escalate_while: z.enum(ESCALATE_WHILE).default('unresolved'),
  repeat: z.number().int().min(0).max(20).default(0),
  levels: z.array(level).min(1).max(20),
});
const toLevels = (levels: Array<z.infer<typeof level>>): Level[] =>
  levels.map((l) => ({ name: l.name ?? null, delaySeconds: l.delay_seconds, targets: l.targets }));
const teamBody = z.strictObject({
  name: text(200),
  description: description.optional(),
  default_policy_id: ref.nullable().optional(),
  members: z.array(ref).max(500).optional(),
});

export function escalationRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  // Policies
  const ptags = ['escalation'];
  r.post(
    '/api/v1/escalation-policies',
    {
      schema: {
        tags: ptags,
        summary: 'Create an escalation policy (admin); delays count from the incident’s creation',
        body: policyBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const policy = await app.policies.create(request.actor, {
        name: b.name,
        description: b.description,
        escalateWhile: b.escalate_while,
        repeat: b.repeat,
        levels: toLevels(b.levels),
      });
      return reply.status(201).send(policyView(policy));
    },
  );
  r.get(
    '/api/v1/escalation-policies',
    { schema: { tags: ptags, summary: 'List escalation policies', querystring: pageQuery } },
    async (request) => page(await app.policies.list(request.actor, request.query), policyView),
  );
  r.get(
    '/api/v1/escalation-policies/:id',
    { schema: { tags: ptags, summary: 'An escalation policy by id or name', params: idParams } },
    async (request) => policyView(await app.policies.get(request.actor, request.params.id)),
  );
  r.patch(
    '/api/v1/escalation-policies/:id',
    {
      schema: {
        tags: ptags,
        summary: 'Change a policy (admin); running escalations use it from their next level',
        params: idParams,
        body: z.strictObject({
          name: text(200).optional(),
          description: description.optional(),
          escalate_while: z.enum(ESCALATE_WHILE).optional(),
          repeat: z.number().int().min(0).max(20).optional(),
          levels: z.array(level).min(1).max(20).optional(),
        }),
      },
    },
    async (request) => {
      const b = request.body;
      return policyView(
        await app.policies.update(request.actor, request.params.id, {
          name: b.name,
          description: b.description,
          escalateWhile: b.escalate_while,
          repeat: b.repeat,
          levels: b.levels && toLevels(b.levels),
        }),
      );
    },
  );
  r.delete(
    '/api/v1/escalation-policies/:id',
    { schema: { tags: ptags, summary: 'Delete a policy nothing uses (admin)', params: idParams } },
    async (request, reply) => {
      await app.policies.remove(request.actor, request.params.id);
      return reply.status(204).send();
    },
  );

  // Teams
  const ttags = ['teams'];
  r.post(
    '/api/v1/teams',
    { schema: { tags: ttags, summary: 'Create a team (admin)', body: teamBody } },
    async (request, reply) => {
      const b = request.body;
      return reply.status(201).send(
        teamView(
          await app.teams.create(request.actor, {
            name: b.name,
            description: b.description,
            defaultPolicyId: b.default_policy_id,
            members: b.members,
          }),
        ),
      );
    },
  );
  r.get('/api/v1/teams', { schema: { tags: ttags, summary: 'List teams', querystring: pageQuery } }, async (request) =>
    page(await app.teams.list(request.actor, request.query), teamView),
  );
  r.get(
    '/api/v1/teams/:id',
    { schema: { tags: ttags, summary: 'A team by id or name', params: idParams } },
    async (request) => teamView(await app.teams.get(request.actor, request.params.id)),
  );
  r.patch(
    '/api/v1/teams/:id',
    {
      schema: {
        tags: ttags,
        summary: 'Change a team (admin)',
        params: idParams,
        body: teamBody.omit({ members: true }).partial(),
      },
    },
    async (request) => {
      const b = request.body;
      return teamView(
        await app.teams.update(request.actor, request.params.id, {
          name: b.name,
          description: b.description,
          defaultPolicyId: b.default_policy_id,
        }),
      );
    },
  );
  r.delete(
    '/api/v1/teams/:id',
    { schema: { tags: ttags, summary: 'Delete a team no policy targets (admin)', params: idParams } },
    async (request, reply) => {
      await app.teams.remove(request.actor, request.params.id, (q, id) =>
        app.policies.targeting(q, { type: 'team', id }),
      );
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/teams/:id/members',
    {
      schema: {
        tags: ttags,
        summary: 'Add members (user ids or handles)',
        params: idParams,
        body: z.strictObject({ users: z.array(ref).min(1).max(500) }),
      },
    },
    async (request) => teamView(await app.teams.addMembers(request.actor, request.params.id, request.body.users)),
  );
  r.delete(
    '/api/v1/teams/:id/members/:user',
    { schema: { tags: ttags, summary: 'Remove a member', params: z.strictObject({ id: ref, user: ref }) } },
    async (request) => teamView(await app.teams.removeMember(request.actor, request.params.id, request.params.user)),
  );

  // Escalating an incident, and what it paged
  const itags = ['incidents'];
  r.post(
    '/api/v1/incidents/:id/escalate',
    {
      schema: {
        tags: itags,
        summary: 'Reach the next escalation level now',
        params: idParams,
        body: z.strictObject({}).nullish(),
      },
    },
    async (request) => {
      await app.escalation.escalate(request.actor, request.params.id);
      return incidentView(await app.incidents.get(request.actor, request.params.id), app.clock.now());
    },
  );
  r.get(
    '/api/v1/incidents/:id/pages',
    {
      schema: {
        tags: itags,
        summary: 'Pages (notification intents) written by the escalation, newest first',
        params: idParams,
      },
    },
    async (request) => ({
      data: (await app.escalation.pages(request.actor, request.params.id)).map(pageView),
      next_cursor: null,
    }),
  );
  r.get(
    '/api/v1/incidents/:id/escalation',
    {
      schema: {
        tags: itags,
        summary: 'Where the incident’s escalation stands (null if it has none)',
        params: idParams,
      },
    },
    async (request) =>
      ({
        escalation: escalationView(await app.escalation.state(request.actor, request.params.id)),
      }) satisfies z.input<typeof views.IncidentEscalation>,
  );

  // Contact methods
  const utags = ['users'];
  r.post(
    '/api/v1/users/:id/contact-methods',
    {
      schema: {
        tags: utags,
        summary: 'Add a contact method (yourself, or anyone as admin)',
        params: idParams,
        body: z.strictObject({ kind: z.enum(CONTACT_KINDS), address: text(2000), secret: secret.optional() }),
      },
    },
    async (request, reply) => {
      const method = await app.users.addContactMethod(request.actor, request.params.id, request.body, (kind, address) =>
        app.notify.checkDestination(kind, address),
      );
      return reply.status(201).send(contactMethodView(method));
    },
  );
  r.get(
    '/api/v1/users/:id/contact-methods',
    { schema: { tags: utags, summary: 'A user’s contact methods', params: idParams } },
    async (request) => ({
      data: (await app.users.contactMethods(request.actor, request.params.id)).map(contactMethodView),
      next_cursor: null,
    }),
  );
  r.patch(
    '/api/v1/users/:id/contact-methods/:method',
    {
      schema: {
        tags: utags,
        summary: 'Mark a contact method verified or not (admin)',
        params: z.strictObject({ id: ref, method: ref }),
        body: z.strictObject({ verified: z.boolean() }),
      },
    },
    async (request) =>
      contactMethodView(
        await app.users.verifyContactMethod(
          request.actor,
          request.params.id,
          request.params.method,
          request.body.verified,
        ),
      ),
  );
  r.delete(
    '/api/v1/users/:id/contact-methods/:method',
    { schema: { tags: utags, summary: 'Remove a contact method', params: z.strictObject({ id: ref, method: ref }) } },
    async (request, reply) => {
      await app.users.removeContactMethod(request.actor, request.params.id, request.params.method);
      return reply.status(204).send();
    },
  );

  // Maintenance windows
  const stags = ['services'];
  r.post(
    '/api/v1/services/:id/maintenance',
    {
      schema: {
        tags: stags,
        summary:
          'Start a maintenance window (now for duration_s, or start/end): ' +
          'alerts are recorded, nothing escalates or pages',
        params: idParams,
        body: z.strictObject({
          start: instant.optional(),
          end: instant.optional(),
          duration_s: z
            .number()
            .int()
            .min(60)
            .max(30 * 86_400)
            .optional(),
          reason: text(2000).optional(),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (b.end && b.duration_s)
        throw new AppError('maintenance.invalid', 'duration_s: give end or duration_s, not both', {
          field: 'duration_s',
        });
      const start = b.start ?? app.clock.now();
      const end = b.end ?? (b.duration_s ? new Date(start.getTime() + b.duration_s * 1000) : undefined);
      if (!end) throw new AppError('maintenance.invalid', 'end: give end or duration_s', { field: 'end' });
      const window = await app.services.startMaintenance(request.actor, request.params.id, {
        start,
        end,
        reason: b.reason,
      });
      return reply.status(201).send(maintenanceView(window, app.clock.now()));
    },
  );
  r.get(
    '/api/v1/services/:id/maintenance',
    { schema: { tags: stags, summary: 'Running and scheduled maintenance windows', params: idParams } },
    async (request) => ({
      data: (await app.services.maintenance(request.actor, request.params.id)).map((w) =>
        maintenanceView(w, app.clock.now()),
      ),
      next_cursor: null,
    }),
  );
  r.delete(
    '/api/v1/services/:id/maintenance',
    { schema: { tags: stags, summary: 'End the running window and drop scheduled ones', params: idParams } },
    async (request) =>
      ({
        ended: await app.services.endMaintenance(request.actor, request.params.id),
      }) satisfies z.input<typeof views.MaintenanceEnded>,
  );
}
