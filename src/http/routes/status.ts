// The status page's admin API: /api/v1/status/* (settings, components, maintenance, subscribers) and
// /api/v1/incidents/{id}/status-updates (what responders publish about an incident, with a preview of the
// public page exactly as it would be). The public side is routes/status-page.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  COMPONENT_STATUSES,
  IMPACTS,
  renderStatusPage,
  UPDATE_STATUSES,
  type ComponentState,
  type Maintenance,
  type PublishedIncident,
  type StatusSettings,
  type StatusUpdate,
  type Subscriber,
} from '../../status/index.js';
import type * as views from '../views/index.js';
import { idParams, instant, ref, text, timezone } from '../schemas.js';

const tags = ['status page'];
const componentStatus = z.enum(COMPONENT_STATUSES);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function componentView(c: ComponentState): z.input<typeof views.StatusComponent> {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    group: c.group,
    position: c.position,
    public: c.public,
    only_show_if_degraded: c.onlyShowIfDegraded,
    service_ids: c.serviceIds,
    monitor_ids: c.monitorIds,
    status_map: c.statusMap,
    status: c.status,
    automatic: c.automatic,
    manual_status: c.manualStatus,
    manual_source: c.manualSource,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

function settingsView(
  s: Omit<StatusSettings, 'signingKey'>,
  pageUrl: string,
): z.input<typeof views.StatusSettingsView> {
  return {
    name: s.name,
    logo_url: s.logoUrl,
    time_zone: s.timeZone,
    verify_minutes: s.verifyMinutes,
    auto_publish: Object.fromEntries(
      Object.entries(s.autoPublish).map(([id, r]) => [id, { after_minutes: r.afterMinutes, body: r.body }]),
    ),
    page_url: pageUrl,
    updated_at: iso(s.updatedAt),
  };
}

const updateView = (u: StatusUpdate): z.input<typeof views.StatusUpdateView> => ({
  id: u.id,
  status: u.status,
  body: u.body,
  component_statuses: u.componentStatuses,
  notified: u.notified,
  created_by: u.createdBy,
  created_at: u.createdAt.toISOString(),
});

function publishedView(p: PublishedIncident, updates: StatusUpdate[]): z.input<typeof views.PublishedIncidentView> {
  return {
    id: p.id,
    incident_id: p.incidentId,
    name: p.name,
    status: p.status,
    impact: p.impact,
    component_ids: p.componentIds,
    postmortem: p.postmortem && { body: p.postmortem.body, published_at: p.postmortem.publishedAt.toISOString() },
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    monitoring_at: iso(p.monitoringAt),
    resolved_at: iso(p.resolvedAt),
    updates: updates.map(updateView),
  };
}

const maintenanceView = (m: Maintenance): z.input<typeof views.StatusMaintenance> => ({
  id: m.id,
  title: m.title,
  body: m.body,
  component_ids: m.componentIds,
  starts_at: m.startsAt.toISOString(),
  ends_at: m.endsAt.toISOString(),
  state: m.state,
  completed_at: iso(m.completedAt),
  notify_subscribers: m.notify,
  created_by: m.createdBy,
  created_at: m.createdAt.toISOString(),
  updated_at: m.updatedAt.toISOString(),
});

const subscriberView = (s: Subscriber): z.input<typeof views.StatusSubscriber> => ({
  id: s.id,
  kind: s.kind,
  address: s.address,
  component_ids: s.componentIds,
  state: s.state,
  created_at: s.createdAt.toISOString(),
  confirmed_at: iso(s.confirmedAt),
});

const statusMap = z.strictObject({
  P0: componentStatus.optional(),
  P1: componentStatus.optional(),
  P2: componentStatus.optional(),
  P3: componentStatus.optional(),
  monitor_down: componentStatus.optional(),
});

const componentFields = {
  name: text(200),
  description: text(2000).nullable(),
  group: text(200).nullable().describe('The heading it is listed under on the page.'),
  position: z.number().int().min(0).max(100_000),
  service_ids: z.array(ref).max(200).describe('Services whose open incidents and maintenance it follows.'),
  monitor_ids: z.array(ref).max(200).describe('Monitors whose being down it follows.'),
  public: z.boolean().describe('Shown on the public page (default true).'),
  only_show_if_degraded: z.boolean(),
  status_map: statusMap.describe('What each open-incident severity and a down monitor turn it into.'),
};
/** A component's fields, each optional (PATCH); POST requires the name. */
const componentBody = z.strictObject(componentFields).partial();

const updateBody = z.strictObject({
  status: z.enum(UPDATE_STATUSES),
  body: text(10_000).describe('The public text, written for customers.'),
  name: text(300).optional().describe('The public title (first update: default from the customer notice).'),
  impact: z.enum(IMPACTS).optional(),
  component_statuses: z
    .record(ref, componentStatus)
    .optional()
    .describe('Component id → status; wins over the automatic status until the public incident resolves.'),
  notify_subscribers: z.boolean().optional().describe('Tell confirmed subscribers of its components (default false).'),
});

const toUpdateInput = (b: z.infer<typeof updateBody>) => ({
  status: b.status,
  body: b.body,
  name: b.name,
  impact: b.impact,
  componentStatuses: b.component_statuses,
  notifySubscribers: b.notify_subscribers,
});

export function statusRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const pageUrl = app.statusPageUrl;

  r.get('/api/v1/status/page', { schema: { tags, summary: 'The status page settings (any role)' } }, async (request) =>
    settingsView(await app.status.settings(request.actor), pageUrl),
  );

  r.patch(
    '/api/v1/status/page',
    {
      schema: {
        tags,
        summary: 'Change the page name, logo, time zone, verify minutes or auto-publish rules (admin)',
        body: z.strictObject({
          name: text(200).optional(),
          logo_url: z
            .url({ protocol: /^https?$/ })
            .max(2000)
            .nullable()
            .optional(),
          time_zone: timezone.optional(),
          verify_minutes: z.number().int().min(0).max(1440).optional(),
          auto_publish: z
            .record(ref, z.strictObject({ after_minutes: z.number().int().min(1).max(1440), body: text(10_000) }))
            .optional()
            .describe('Service id → publish its unacknowledged P0s after this many minutes with this text.'),
        }),
      },
    },
    async (request) => {
      const b = request.body;
      const saved = await app.status.updateSettings(request.actor, {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.logo_url !== undefined && { logoUrl: b.logo_url }),
        ...(b.time_zone !== undefined && { timeZone: b.time_zone }),
        ...(b.verify_minutes !== undefined && { verifyMinutes: b.verify_minutes }),
        ...(b.auto_publish !== undefined && {
          autoPublish: Object.fromEntries(
            Object.entries(b.auto_publish).map(([id, x]) => [id, { afterMinutes: x.after_minutes, body: x.body }]),
          ),
        }),
      });
      return settingsView(saved, pageUrl);
    },
  );

  r.get(
    '/api/v1/status/components',
    { schema: { tags, summary: 'Components with what they show and would show by themselves (any role)' } },
    async (request) => ({ data: (await app.status.components(request.actor)).map(componentView), next_cursor: null }),
  );

  r.get(
    '/api/v1/status/components/:id',
    { schema: { tags, summary: 'One component (any role)', params: idParams } },
    async (request) => componentView(await app.status.component(request.actor, request.params.id)),
  );

  const componentInput = (b: z.infer<typeof componentBody>) => ({
    ...(b.name !== undefined && { name: b.name }),
    ...(b.description !== undefined && { description: b.description }),
    ...(b.group !== undefined && { group: b.group }),
    ...(b.position !== undefined && { position: b.position }),
    ...(b.service_ids !== undefined && { serviceIds: b.service_ids }),
    ...(b.monitor_ids !== undefined && { monitorIds: b.monitor_ids }),
    ...(b.public !== undefined && { public: b.public }),
    ...(b.only_show_if_degraded !== undefined && { onlyShowIfDegraded: b.only_show_if_degraded }),
    ...(b.status_map !== undefined && { statusMap: b.status_map }),
  });

  r.post(
    '/api/v1/status/components',
    {
      schema: {
        tags,
        summary: 'Add a component (admin)',
        body: componentBody.required({ name: true }),
      },
    },
    async (request, reply) => {
      const created = await app.status.createComponent(request.actor, {
        name: request.body.name,
        ...componentInput(request.body),
      });
      return reply.code(201).send(componentView(await app.status.component(request.actor, created.id)));
    },
  );

  r.patch(
    '/api/v1/status/components/:id',
    {
      schema: {
        tags,
        summary: 'Change a component; `status` sets it by hand (null clears it: automatic again)',
        params: idParams,
        body: componentBody.extend({
          status: componentStatus
            .nullable()
            .optional()
            .describe('Set by hand (responders may): wins over the automatic status until cleared with null.'),
        }),
      },
    },
    async (request) => {
      const { status, ...rest } = request.body;
      const id = request.params.id;
      if (Object.keys(rest).length > 0) await app.status.updateComponent(request.actor, id, componentInput(rest));
      if (status !== undefined) await app.status.setComponentStatus(request.actor, id, status);
      return componentView(await app.status.component(request.actor, id));
    },
  );

  r.delete(
    '/api/v1/status/components/:id',
    { schema: { tags, summary: 'Delete a component and its history (admin)', params: idParams } },
    async (request, reply) => {
      await app.status.deleteComponent(request.actor, request.params.id);
      return reply.code(204).send();
    },
  );

  r.get(
    '/api/v1/incidents/:id/status-updates',
    {
      schema: {
        tags,
        summary: 'What was published about an incident: its public incident and updates (null: nothing yet)',
        params: idParams,
      },
    },
    async (request) => {
      const found = await app.status.publishedFor(request.actor, request.params.id);
      return found ? publishedView(found.incident, found.updates) : null;
    },
  );

  r.get(
    '/api/v1/incidents/:id/status-updates/draft',
    {
      schema: {
        tags,
        summary: "The incident's first update prefilled from the customer notice template (any role)",
        params: idParams,
      },
    },
    async (request) => {
      const d = await app.status.draft(request.actor, request.params.id);
      return { name: d.name, body: d.body, impact: d.impact, component_statuses: d.componentStatuses };
    },
  );

  r.post(
    '/api/v1/incidents/:id/status-updates',
    {
      schema: {
        tags,
        summary: 'Publish an update about an incident on the public status page (responder or admin)',
        description:
          'Nothing about an incident is public until this is called. The first update makes its public ' +
          'incident; `component_statuses` set components until it resolves; `notify_subscribers` tells them.',
        params: idParams,
        body: updateBody,
      },
    },
    async (request, reply) => {
      const { published, update } = await app.status.publish(
        request.actor,
        request.params.id,
        toUpdateInput(request.body),
      );
      const all = await app.status.publishedFor(request.actor, published.incidentId);
      return reply.code(201).send({
        ...publishedView(published, all?.updates ?? [update]),
      });
    },
  );

  r.post(
    '/api/v1/incidents/:id/status-updates/preview',
    {
      schema: {
        tags,
        summary: 'The public page exactly as it would be after publishing this update; nothing is saved',
        params: idParams,
        body: updateBody,
      },
    },
    async (request, reply) => {
      const html = await app.status.preview(
        request.actor,
        request.params.id,
        toUpdateInput(request.body),
        async (trx, now) =>
          renderStatusPage(await app.status.publicModel(trx, now, pageUrl), {
            prefix: app.config.statusPage.prefix,
            subscribe: false,
          }),
      );
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: http:")
        .send(html);
    },
  );

  r.put(
    '/api/v1/incidents/:id/status-updates/postmortem',
    {
      schema: {
        tags,
        summary: 'Mark a published incident with a public post-mortem summary (null body clears it)',
        params: idParams,
        body: z.strictObject({ body: text(20_000).nullable() }),
      },
    },
    async (request) => {
      const p = await app.status.setPostmortem(request.actor, request.params.id, request.body.body);
      const all = await app.status.publishedFor(request.actor, p.incidentId);
      return publishedView(p, all?.updates ?? []);
    },
  );

  r.get(
    '/api/v1/status/maintenances',
    { schema: { tags, summary: 'Maintenances not completed, and those of the last 90 days (any role)' } },
    async (request) => ({ data: (await app.maintenances.list(request.actor)).map(maintenanceView), next_cursor: null }),
  );

  r.get(
    '/api/v1/status/maintenances/:id',
    { schema: { tags, summary: 'One maintenance (any role)', params: idParams } },
    async (request) => maintenanceView(await app.maintenances.get(request.actor, request.params.id)),
  );

  r.post(
    '/api/v1/status/maintenances',
    {
      schema: {
        tags,
        summary: 'Schedule maintenance (responder or admin)',
        description:
          'The engine moves it scheduled → in_progress at starts_at (opening maintenance windows on the ' +
          "components' services: nothing pages) → verifying at ends_at → completed after the page's verify minutes.",
        body: z.strictObject({
          title: text(300),
          body: text(10_000),
          component_ids: z.array(ref).max(200),
          starts_at: instant,
          ends_at: instant,
          notify_subscribers: z.boolean().optional(),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const m = await app.maintenances.create(request.actor, {
        title: b.title,
        body: b.body,
        componentIds: b.component_ids,
        startsAt: b.starts_at,
        endsAt: b.ends_at,
        notifySubscribers: b.notify_subscribers,
      });
      return reply.code(201).send(maintenanceView(m));
    },
  );

  r.patch(
    '/api/v1/status/maintenances/:id',
    {
      schema: {
        tags,
        summary: 'Change a scheduled maintenance, or complete one early with {"complete": true}',
        params: idParams,
        body: z.strictObject({
          title: text(300).optional(),
          body: text(10_000).optional(),
          component_ids: z.array(ref).max(200).optional(),
          starts_at: instant.optional(),
          ends_at: instant.optional(),
          complete: z.literal(true).optional(),
        }),
      },
    },
    async (request) => {
      const b = request.body;
      return maintenanceView(
        await app.maintenances.update(request.actor, request.params.id, {
          title: b.title,
          body: b.body,
          componentIds: b.component_ids,
          startsAt: b.starts_at,
          endsAt: b.ends_at,
          complete: b.complete,
        }),
      );
    },
  );

  r.get(
    '/api/v1/status/subscribers',
    {
      schema: {
        tags,
        summary: 'Subscribers (admin: their addresses are personal data)',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: ref.optional(),
          format: z.enum(['json', 'csv']).optional().describe('csv: every subscriber as a file (the export).'),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.format === 'csv') {
        const all = await app.subscribers.exportAll(request.actor);
        const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const lines = [
          'id,kind,address,components,state,created_at,confirmed_at',
          ...all.map((s) =>
            [
              s.id,
              s.kind,
              s.address,
              (s.componentIds ?? []).join(' '),
              s.state,
              s.createdAt.toISOString(),
              iso(s.confirmedAt) ?? '',
            ]
              .map(cell)
              .join(','),
          ),
        ];
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="status-subscribers.csv"')
          .send(lines.join('\n') + '\n');
      }
      const page = await app.subscribers.list(request.actor, { after: q.cursor, limit: q.limit });
      return { data: page.data.map(subscriberView), next_cursor: page.nextCursor, counts: page.counts };
    },
  );

  r.delete(
    '/api/v1/status/subscribers/:id',
    { schema: { tags, summary: 'Delete a subscriber (admin)', params: idParams } },
    async (request, reply) => {
      await app.subscribers.remove(request.actor, request.params.id);
      return reply.code(204).send();
    },
  );
}
