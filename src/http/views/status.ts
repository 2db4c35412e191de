// Wire shapes of the status page's admin API (/api/v1/status/*, /api/v1/incidents/{id}/status-updates).
import { z } from 'zod';
import { COMPONENT_STATUSES, IMPACTS, MAINTENANCE_STATES, UPDATE_STATUSES } from '../../status/index.js';

const componentStatus = z.enum(COMPONENT_STATUSES);
const by = z.object({ type: z.string(), id: z.string().nullable(), name: z.string() });

export const StatusComponent = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    group: z.string().nullable(),
    position: z.number(),
    public: z.boolean(),
    only_show_if_degraded: z.boolean(),
    service_ids: z.array(z.string()),
    monitor_ids: z.array(z.string()),
    status_map: z.object({
      P0: componentStatus,
      P1: componentStatus,
      P2: componentStatus,
      P3: componentStatus,
      monitor_down: componentStatus,
    }),
    status: componentStatus.describe('What the public page shows now.'),
    automatic: componentStatus.describe('What its services, monitors and maintenance alone would show.'),
    manual_status: componentStatus.nullable().describe('Set by hand or by a published update; wins until cleared.'),
    manual_source: z.string().nullable().describe('The published incident whose update set manual_status.'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('A status-page component (GET /api/v1/status/components).');

export const StatusSettingsView = z
  .object({
    name: z.string(),
    logo_url: z.string().nullable(),
    time_zone: z.string(),
    verify_minutes: z.number(),
    auto_publish: z.record(z.string(), z.object({ after_minutes: z.number(), body: z.string() })),
    page_url: z.string().describe('Where the public page is served.'),
    updated_at: z.string().nullable(),
  })
  .describe('The status page settings (GET /api/v1/status/page).');

export const StatusUpdateView = z.object({
  id: z.string(),
  status: z.enum(UPDATE_STATUSES),
  body: z.string(),
  component_statuses: z.record(z.string(), componentStatus),
  notified: z.boolean(),
  created_by: by,
  created_at: z.string(),
});

export const PublishedIncidentView = z
  .object({
    id: z.string(),
    incident_id: z.string(),
    name: z.string(),
    status: z.enum(UPDATE_STATUSES),
    impact: z.enum(IMPACTS),
    component_ids: z.array(z.string()),
    postmortem: z.object({ body: z.string(), published_at: z.string() }).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    monitoring_at: z.string().nullable(),
    resolved_at: z.string().nullable(),
    updates: z.array(StatusUpdateView).describe('Newest first.'),
  })
  .describe('What was published about an incident (GET /api/v1/incidents/{id}/status-updates).');

export const StatusDraft = z
  .object({
    name: z.string(),
    body: z.string(),
    impact: z.enum(IMPACTS),
    component_statuses: z.record(z.string(), componentStatus),
  })
  .describe("An incident's prefilled first update, from the customer notice template.");

export const StatusMaintenance = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    component_ids: z.array(z.string()),
    starts_at: z.string(),
    ends_at: z.string(),
    state: z.enum(MAINTENANCE_STATES),
    completed_at: z.string().nullable(),
    notify_subscribers: z.boolean(),
    created_by: by,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('A scheduled maintenance (GET /api/v1/status/maintenances).');

export const StatusSubscriber = z
  .object({
    id: z.string(),
    kind: z.enum(['email', 'webhook']),
    address: z.string().describe('An e-mail address or a webhook URL: personal data, for admins only.'),
    component_ids: z.array(z.string()).nullable().describe('null: every component.'),
    state: z.enum(['pending', 'confirmed']),
    created_at: z.string(),
    confirmed_at: z.string().nullable(),
  })
  .describe('A status-page subscriber (GET /api/v1/status/subscribers, admins).');
