// The documented shapes of Atlassian Statuspage's public API v2 (summary.json, status.json, components.json,
// incidents.json, scheduled-maintenances.json and their filtered variants), as strict zod objects: a field
// missing, misnamed or added fails to parse. Clients and widgets written for Statuspage read these names, so
// the tests hold statuspage-json.ts to them.
import { z } from 'zod';
import { COMPONENT_STATUSES, IMPACTS, MAINTENANCE_STATES, UPDATE_STATUSES } from './status.js';

const time = z.iso.datetime({ offset: true });

export const pageShape = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  time_zone: z.string(),
  updated_at: time,
});

export const indicatorShape = z.enum(['none', 'minor', 'major', 'critical']);

export const statusShape = z.strictObject({ indicator: indicatorShape, description: z.string() });

const componentFields = {
  id: z.string(),
  name: z.string(),
  status: z.enum(COMPONENT_STATUSES),
  created_at: time,
  updated_at: time,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  /** A calendar date (YYYY-MM-DD), not a time. */
  start_date: z.iso.date().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  only_show_if_degraded: z.boolean(),
};

/** A leaf component; `group_id` names its group component, when it has one. */
export const leafComponentShape = z.strictObject({ ...componentFields, group: z.literal(false) });

/** A group component: it lists its members' ids and never sits in another group. */
export const groupComponentShape = z.strictObject({
  ...componentFields,
  group: z.literal(true),
  group_id: z.null(),
  components: z.array(z.string()),
});

export const componentShape = z.union([leafComponentShape, groupComponentShape]);

export const affectedComponentShape = z.strictObject({
  code: z.string(),
  name: z.string(),
  old_status: z.enum(COMPONENT_STATUSES),
  new_status: z.enum(COMPONENT_STATUSES),
});

const updateFields = {
  id: z.string(),
  body: z.string(),
  incident_id: z.string(),
  created_at: time,
  updated_at: time,
  display_at: time,
  /** Statuspage sends null, not an empty list, when an update changed no component. */
  affected_components: z.array(affectedComponentShape).min(1).nullable(),
};

export const incidentUpdateShape = z.strictObject({ ...updateFields, status: z.enum(UPDATE_STATUSES) });

const incidentFields = {
  id: z.string(),
  name: z.string(),
  created_at: time,
  updated_at: time,
  monitoring_at: time.nullable(),
  resolved_at: time.nullable(),
  shortlink: z.string(),
  started_at: time,
  page_id: z.string(),
  components: z.array(leafComponentShape),
};

export const incidentShape = z.strictObject({
  ...incidentFields,
  status: z.enum(UPDATE_STATUSES),
  impact: z.enum(IMPACTS),
  incident_updates: z.array(incidentUpdateShape),
});

export const maintenanceUpdateShape = z.strictObject({ ...updateFields, status: z.enum(MAINTENANCE_STATES) });

export const scheduledMaintenanceShape = z.strictObject({
  ...incidentFields,
  status: z.enum(MAINTENANCE_STATES),
  impact: z.literal('maintenance'),
  incident_updates: z.array(maintenanceUpdateShape),
  scheduled_for: time,
  scheduled_until: time,
});

export const summaryShape = z.strictObject({
  page: pageShape,
  status: statusShape,
  components: z.array(componentShape),
  incidents: z.array(incidentShape),
  scheduled_maintenances: z.array(scheduledMaintenanceShape),
});

export const statusDocShape = z.strictObject({ page: pageShape, status: statusShape });
export const componentsDocShape = z.strictObject({ page: pageShape, components: z.array(componentShape) });
export const incidentsDocShape = z.strictObject({ page: pageShape, incidents: z.array(incidentShape) });
export const maintenancesDocShape = z.strictObject({
  page: pageShape,
  scheduled_maintenances: z.array(scheduledMaintenanceShape),
});

export type SpPage = z.infer<typeof pageShape>;
export type SpComponent = z.infer<typeof componentShape>;
export type SpLeafComponent = z.infer<typeof leafComponentShape>;
export type SpGroupComponent = z.infer<typeof groupComponentShape>;
export type SpAffectedComponent = z.infer<typeof affectedComponentShape>;
export type SpIncident = z.infer<typeof incidentShape>;
export type SpMaintenance = z.infer<typeof scheduledMaintenanceShape>;
export type SpSummary = z.infer<typeof summaryShape>;
