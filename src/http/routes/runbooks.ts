// /api/v1/runbooks: runbooks with phase checklists (docs/runbooks.md), edited by admins, read by every role;
// and /api/v1/incidents/{id}/checklist: an incident's checklist, ticked by responders and admins.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  AUTO_EVENTS,
  AUTO_EVENT_NAMES,
  RUNBOOK_PHASES,
  type ChecklistStep,
  type ChecklistView,
  type Runbook,
  type RunbookStep,
} from '../../checklists/index.js';
import { SEVERITIES } from '../../incident.js';
import type * as views from '../views/index.js';
import { page } from '../present.js';
import { description, idParams, pageQuery, ref, text } from '../schemas.js';

const tags = ['runbooks'];
const t = (d: Date | null): string | null => (d ? d.toISOString() : null);

const stepView = (s: RunbookStep): z.input<typeof views.RunbookStep> => ({
  phase: s.phase,
  text: s.text,
  link: s.link,
  call: s.call,
  auto_complete_on: s.autoCompleteOn,
  action: s.action,
});

export function runbookView(r: Runbook): z.input<typeof views.Runbook> {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    default: r.isDefault,
    applies_to: { service_ids: r.appliesTo.serviceIds, severities: r.appliesTo.severities },
    steps: r.steps.map(stepView),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

function checklistStepView(s: ChecklistStep): z.input<typeof views.ChecklistStep> {
  return {
    ...stepView(s),
    id: s.id,
    position: s.position,
    done: s.doneAt !== null,
    done_at: t(s.doneAt),
    ticked_by: s.doneBy,
    completed_on: s.doneEvent,
    auto_completed_at: t(s.autoCompletedAt),
  };
}

export function checklistView(c: ChecklistView): z.input<typeof views.Checklist> {
  return {
    incident_id: c.incident.id,
    incident_number: c.incident.number,
    runbook: c.checklist && { id: c.checklist.runbookId, name: c.checklist.runbookName },
    fixed_at: t(c.checklist?.fixedAt ?? null),
    done: c.steps.filter((s) => s.doneAt !== null).length,
    total: c.steps.length,
    steps: c.steps.map(checklistStepView),
  };
}

const name = /^[a-z][a-z0-9_-]{0,63}$/;
const stepBody = z.strictObject({
  phase: z.enum(RUNBOOK_PHASES),
  text: text(500),
  link: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://dashboards.example.com/db' })
    .max(2000)
    .nullish(),
  call: z
    .strictObject({
      function: z.string().regex(name, 'must name a seed function such as production-monitoring'),
      action: z.string().regex(name, 'must name an action such as health_check'),
    })
    .nullish()
    .describe('A seed function call, e.g. {"function":"production-monitoring","action":"health_check"}.'),
  auto_complete_on: z
    .string()
    .max(100)
    .nullish()
    .describe(`The event that completes the step by itself: ${AUTO_EVENT_NAMES.join(', ')}.`),
  action: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be the name of a mitigation action')
    .nullish()
    .describe('A mitigation action (by name) the step runs from the incident page; its success completes the step.'),
});
const fields = {
  name: text(200),
  description: description.optional(),
  applies_to: z
    .strictObject({
      service_ids: z.array(ref).max(100).optional().describe('Service ids or names.'),
      severities: z.array(z.enum(SEVERITIES)).max(4).optional(),
    })
    .describe(
      'Assigns the runbook: to incidents of these services, of these severities, or both (most specific wins; ' +
        'the default runbook applies when none matches). Absent or empty: assigned to nothing.',
    ),
  steps: z.array(stepBody).max(300),
};

const toSteps = (steps: Array<z.output<typeof stepBody>>): RunbookStep[] =>
  steps.map((s) => ({
    phase: s.phase,
    text: s.text,
    link: s.link ?? null,
    call: s.call ?? null,
    autoCompleteOn: s.auto_complete_on ?? null,
    action: s.action ?? null,
  }));

const stepParams = z.strictObject({ id: ref, step_id: ref });

export function runbookRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/runbooks',
    {
      schema: {
        tags,
        summary: 'Create a runbook and assign it to services and/or severities (admin)',
        description: 'A step whose auto_complete_on is no known event is refused with 422 naming the known ones.',
        body: z.strictObject({
          name: fields.name,
          description: fields.description,
          applies_to: fields.applies_to.optional(),
          steps: fields.steps,
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await app.checklists.create(request.actor, {
        name: b.name,
        description: b.description,
        serviceIds: b.applies_to?.service_ids,
        severities: b.applies_to?.severities,
        steps: toSteps(b.steps),
      });
      return reply.code(201).send(runbookView(created));
    },
  );

  r.get(
    '/api/v1/runbooks',
    { schema: { tags, summary: 'Runbooks, newest first (any role)', querystring: pageQuery } },
    async (request) => page(await app.checklists.list(request.actor, request.query), runbookView),
  );

  r.get(
    '/api/v1/runbooks/events',
    {
      schema: {
        tags,
        summary: "The events a step's auto_complete_on may name, each with when it happens (any role)",
      },
    },
    async () => ({
      data: Object.entries(AUTO_EVENTS).map(([event, described]): z.input<typeof views.RunbookEvent> => ({
        event,
        description: described,
      })),
      next_cursor: null,
    }),
  );

  r.get(
    '/api/v1/runbooks/:id',
    { schema: { tags, summary: 'One runbook (any role)', params: idParams } },
    async (request) => runbookView(await app.checklists.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/runbooks/:id',
    {
      schema: {
        tags,
        summary: "Change a runbook (admin); incidents' checklists already fixed keep their copy",
        params: idParams,
        body: z
          .strictObject({
            name: fields.name,
            description: fields.description,
            applies_to: fields.applies_to,
            steps: fields.steps,
          })
          .partial(),
      },
    },
    async (request) => {
      const b = request.body;
      const changed = await app.checklists.update(request.actor, request.params.id, {
        name: b.name,
        description: b.description,
        ...(b.applies_to && {
          serviceIds: b.applies_to.service_ids ?? [],
          severities: b.applies_to.severities ?? [],
        }),
        steps: b.steps && toSteps(b.steps),
      });
      return runbookView(changed);
    },
  );

  r.delete(
    '/api/v1/runbooks/:id',
    { schema: { tags, summary: 'Delete a runbook, not the default (admin)', params: idParams } },
    async (request, reply) => {
      await app.checklists.remove(request.actor, request.params.id);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/incidents/:id/checklist',
    {
      schema: {
        tags,
        summary: "The incident's checklist: each step, who ticked it when, or the event that completed it (any role)",
        params: idParams,
      },
    },
    async (request) => checklistView(await app.checklists.checklist(request.actor, request.params.id)),
  );

  for (const verb of ['tick', 'untick'] as const)
    r.post(
      `/api/v1/incidents/:id/checklist/:step_id/${verb}`,
      {
        schema: {
          tags,
          summary:
            verb === 'tick'
              ? 'Tick a step of the incident’s checklist (responder or admin); a timeline entry'
              : 'Untick a done step, also one that completed itself (responder or admin); a timeline entry',
          params: stepParams,
          body: z.strictObject({}).nullish(),
        },
      },
      async (request) => {
        const { id, step_id: stepId } = request.params;
        await app.checklists[verb](request.actor, id, stepId);
        return checklistView(await app.checklists.checklist(request.actor, id));
      },
    );
}
