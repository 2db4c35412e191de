// The GDPR breach register over HTTP: /api/v1/gdpr/breaches with the
// 72-hour clock, the steps of Art. 33/34 (reports to the authority, not notifiable, the decision on
// informing data subjects, closing), the breach's own history, the Art. 33(3) report draft as Markdown
// or PDF; "personal data involved" on an incident; the module's settings. `:id` is a breach id or number.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  BREACH_STATES,
  EXEMPTIONS,
  REPORT_KINDS,
  RISKS,
  hoursLeft,
  isOverdue,
  subjectsDecisionNeeded,
  type BreachDetail,
  type BreachEvent,
  type GdprSettings,
} from '../../gdpr/index.js';
import { sendDocument } from '../document-reply.js';
import type * as views from '../views/index.js';
import { csvOf, email, idParams, instant, pageQuery, text } from '../schemas.js';

const tags = ['gdpr'];
const count = z.number().int().min(0).max(1e12).nullable();
const long = text(10_000);

const createBody = z.strictObject({
  incident_id: text(200).optional(),
  title: text(255),
  aware_at: instant.optional().describe('When the controller became aware; default now. Not in the future.'),
  nature: long.nullable().optional(),
  data_categories: z.array(text(100)).max(50).optional(),
  subjects_approx: count.optional(),
  records_approx: count.optional(),
  likely_consequences: long.nullable().optional(),
  measures_taken: long.nullable().optional(),
  risk: z.enum(RISKS).optional(),
});

const patchBody = createBody
  .omit({ incident_id: true, title: true })
  .extend({ title: text(255).optional(), incident_id: text(200).nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

const listQuery = pageQuery.extend({
  state: csvOf(BREACH_STATES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
});

const notificationBody = z.strictObject({
  kind: z.enum(REPORT_KINDS).optional().describe('initial (the first), then supplementary; default by order'),
  authority: text(200).optional().describe('default: authority_name of the GDPR settings'),
  reference: text(200).nullable().optional(),
  reported_at: instant.optional().describe('default now'),
  delay_reason: long.nullable().optional().describe('required when the first report comes after the deadline'),
  note: long.nullable().optional(),
});

const decisionBody = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('communicated'), communicated_at: instant, channel: text(200) }),
  z.strictObject({ decision: z.literal('exempt'), exemption: z.enum(EXEMPTIONS), reason: long }),
]);

const settingsBody = z.strictObject({
  controller_name: text(200).nullable().optional(),
  dpo_name: text(200).nullable().optional(),
  dpo_email: email.nullable().optional(),
  dpo_phone: text(50).nullable().optional(),
  authority_name: text(200).nullable().optional(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function breachView({ breach: b, reports, incident }: BreachDetail, now: Date): z.input<typeof views.Breach> {
  const d = b.subjectsDecision;
  return {
    id: b.id,
    number: b.number,
    incident,
    title: b.title,
    aware_at: b.awareAt.toISOString(),
    deadline_at: b.deadlineAt.toISOString(),
    hours_left: hoursLeft(b.deadlineAt, now),
    overdue: isOverdue(b, now),
    state: b.state,
    nature: b.nature,
    data_categories: b.dataCategories,
    subjects_approx: b.subjectsApprox,
    records_approx: b.recordsApprox,
    likely_consequences: b.likelyConsequences,
    measures_taken: b.measuresTaken,
    risk: b.risk,
    not_notifiable_reason: b.notNotifiableReason,
    reported_late: b.reportedLate,
    authority_reports: reports.map((r) => ({
      id: r.id,
      kind: r.kind,
      authority: r.authority,
      reference: r.reference,
      reported_at: r.reportedAt.toISOString(),
      delay_reason: r.delayReason,
      note: r.note,
      recorded_by: r.recordedBy,
    })),
    subjects_decision: d && {
      decision: d.decision,
      communicated_at: iso(d.communicatedAt),
      channel: d.channel,
      exemption: d.exemption,
      reason: d.reason,
      decided_by: d.decidedBy,
      decided_at: d.decidedAt.toISOString(),
    },
    subjects_decision_needed: subjectsDecisionNeeded(b),
    source: b.source,
    opened_by: b.openedBy,
    created_at: b.createdAt.toISOString(),
    updated_at: b.updatedAt.toISOString(),
    closed_at: iso(b.closedAt),
  };
}

const eventView = (e: BreachEvent): z.input<typeof views.BreachEvent> => ({
  id: e.id,
  at: e.at.toISOString(),
  kind: e.kind,
  actor: e.actor,
  data: e.data,
});

const settingsView = (s: GdprSettings): z.input<typeof views.GdprSettings> => ({
  controller_name: s.controllerName,
  dpo_name: s.dpoName,
  dpo_email: s.dpoEmail,
  dpo_phone: s.dpoPhone,
  authority_name: s.authorityName,
  updated_at: iso(s.updatedAt),
  updated_by: s.updatedBy,
});

export function gdprBreachRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const view = (d: BreachDetail) => breachView(d, app.clock.now());

  r.post(
    '/api/v1/gdpr/breaches',
    {
      schema: {
        tags,
        summary: 'Record a personal data breach; its 72-hour clock starts at aware_at',
        body: createBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await app.breaches.open(request.actor, {
        incidentId: b.incident_id,
        title: b.title,
        awareAt: b.aware_at,
        nature: b.nature,
        dataCategories: b.data_categories,
        subjectsApprox: b.subjects_approx,
        recordsApprox: b.records_approx,
        likelyConsequences: b.likely_consequences,
        measuresTaken: b.measures_taken,
        risk: b.risk,
      });
      return reply.status(201).send(view(created));
    },
  );

  r.get(
    '/api/v1/gdpr/breaches',
    { schema: { tags, summary: 'Breaches, newest first (?state=, ?overdue=true)', querystring: listQuery } },
    async (request) => {
      const q = request.query;
      const result = await app.breaches.list(request.actor, {
        limit: q.limit,
        cursor: q.cursor,
        states: q.state,
        overdue: q.overdue === 'true',
      });
      return { data: result.data.map(view), next_cursor: result.nextCursor };
    },
  );

  r.get(
    '/api/v1/gdpr/breaches/:id',
    { schema: { tags, summary: 'A breach by id or number', params: idParams } },
    async (request) => view(await app.breaches.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/gdpr/breaches/:id',
    { schema: { tags, summary: 'Change the facts of a breach not yet closed', params: idParams, body: patchBody } },
    async (request) => {
      const b = request.body;
      return view(
        await app.breaches.update(request.actor, request.params.id, {
          title: b.title,
          incidentId: b.incident_id,
          awareAt: b.aware_at,
          nature: b.nature,
          dataCategories: b.data_categories,
          subjectsApprox: b.subjects_approx,
          recordsApprox: b.records_approx,
          likelyConsequences: b.likely_consequences,
          measuresTaken: b.measures_taken,
          risk: b.risk,
        }),
      );
    },
  );

  r.post(
    '/api/v1/gdpr/breaches/:id/notifications',
    {
      schema: {
        tags,
        summary: 'Record a report to the supervisory authority (initial, then supplementary; Art. 33(4))',
        params: idParams,
        body: notificationBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const updated = await app.breaches.report(request.actor, request.params.id, {
        kind: b.kind,
        authority: b.authority,
        reference: b.reference,
        reportedAt: b.reported_at,
        delayReason: b.delay_reason,
        note: b.note,
      });
      return reply.status(201).send(view(updated));
    },
  );

  r.post(
    '/api/v1/gdpr/breaches/:id/not-notifiable',
    {
      schema: {
        tags,
        summary: 'Document why the breach is not reported (Art. 33(5)); stops the clock',
        params: idParams,
        body: z.strictObject({ reason: long }),
      },
    },
    async (request) => view(await app.breaches.notNotifiable(request.actor, request.params.id, request.body.reason)),
  );

  r.post(
    '/api/v1/gdpr/breaches/:id/subjects-decision',
    {
      schema: {
        tags,
        summary: 'Record the Art. 34 decision: communicated to the data subjects, or exempt under 34(3)',
        params: idParams,
        body: decisionBody,
      },
    },
    async (request) => {
      const b = request.body;
      return view(
        await app.breaches.decideSubjects(
          request.actor,
          request.params.id,
          b.decision === 'communicated'
            ? { decision: 'communicated', communicatedAt: b.communicated_at, channel: b.channel }
            : { decision: 'exempt', exemption: b.exemption, reason: b.reason },
        ),
      );
    },
  );

  r.post(
    '/api/v1/gdpr/breaches/:id/close',
    {
      schema: {
        tags,
        summary: 'Close the breach (a reason is required when it was never reported)',
        params: idParams,
        body: z.strictObject({ reason: long.optional() }),
      },
    },
    async (request) => view(await app.breaches.close(request.actor, request.params.id, request.body.reason)),
  );

  r.get(
    '/api/v1/gdpr/breaches/:id/events',
    { schema: { tags, summary: "The breach's own history, newest first", params: idParams } },
    async (request) => ({ data: (await app.breaches.events(request.actor, request.params.id)).map(eventView) }),
  );

  r.get(
    '/api/v1/gdpr/breaches/:id/report',
    {
      schema: {
        tags,
        summary: 'The Art. 33(3) report draft for the supervisory authority, as Markdown or PDF',
        params: idParams,
        querystring: z.strictObject({ format: z.enum(['md', 'pdf']).default('md') }),
      },
    },
    async (request, reply) => {
      const { breach, doc } = await app.breaches.reportDocument(request.actor, request.params.id);
      return sendDocument(reply, doc, `${breach.number}-authority-report`, request.query.format, app.clock.now());
    },
  );

  r.post(
    '/api/v1/incidents/:id/personal-data',
    {
      schema: {
        tags,
        summary: 'Personal data involved: opens a breach for the incident (or returns its open one)',
        params: idParams,
        body: z.strictObject({ note: text(2000).optional() }),
      },
    },
    async (request, reply) => {
      const { created, detail } = await app.breaches.flagIncident(request.actor, request.params.id, request.body.note);
      return reply.status(created ? 201 : 200).send(view(detail));
    },
  );

  r.get(
    '/api/v1/gdpr/settings',
    { schema: { tags, summary: 'Controller, DPO and supervisory authority' } },
    async (request) => settingsView(await app.breaches.settings(request.actor)),
  );

  r.put(
    '/api/v1/gdpr/settings',
    { schema: { tags, summary: 'Set the controller, DPO and supervisory authority (admin)', body: settingsBody } },
    async (request) => {
      const b = request.body;
      return settingsView(
        await app.breaches.saveSettings(request.actor, {
          controllerName: b.controller_name ?? null,
          dpoName: b.dpo_name ?? null,
          dpoEmail: b.dpo_email ?? null,
          dpoPhone: b.dpo_phone ?? null,
          authorityName: b.authority_name ?? null,
        }),
      );
    },
  );
}
