// The public model in the shapes of Atlassian Statuspage's public API v2, so that clients, widgets and
// dashboards written for Statuspage read Vigil's page unchanged. Pure: everything comes from the PublicModel,
// so the documents are rebuilt with the snapshot and nothing internal can reach them.
import { createHash } from 'node:crypto';
import type {
  SpAffectedComponent,
  SpComponent,
  SpIncident,
  SpLeafComponent,
  SpMaintenance,
  SpPage,
} from './statuspage-shapes.js';
import {
  worse,
  type ComponentStatus,
  type MaintenanceState,
  type PublicComponent,
  type PublicIncident,
  type PublicMaintenance,
  type PublicModel,
} from './status.js';

/** Statuspage's incidents.json and scheduled-maintenances.json show at most this many. */
const LIST_LIMIT = 50;

/**
 * The id of the synthesized component for a group heading: derived from the name alone, so it is the same
 * after every rebuild and on every instance (clients key their caches by it).
 */
export function groupComponentId(group: string): string {
  return 'grp_' + createHash('sha256').update(group).digest('hex').slice(0, 12);
}

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

function pageJson(model: PublicModel): SpPage {
  const { page } = model;
  return { id: page.id, name: page.name, url: page.url, time_zone: page.timeZone, updated_at: iso(page.updatedAt) };
}

function leafJson(c: PublicComponent, pageId: string): SpLeafComponent {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    position: c.position,
    description: c.description,
    showcase: true,
    start_date: iso(c.createdAt).slice(0, 10),
    group_id: c.group === null ? null : groupComponentId(c.group),
    page_id: pageId,
    group: false,
    only_show_if_degraded: c.onlyShowIfDegraded,
  };
}

/** The components with a group component placed before the first of its members; a group shows its worst. */
function componentList(model: PublicModel): SpComponent[] {
  const pageId = model.page.id;
  const members = new Map<string, PublicComponent[]>();
  for (const c of model.components) {
    if (c.group !== null) members.set(c.group, [...(members.get(c.group) ?? []), c]);
  }
  const out: SpComponent[] = [];
  const placed = new Set<string>();
  for (const c of model.components) {
    if (c.group !== null && !placed.has(c.group)) {
      placed.add(c.group);
      const list = members.get(c.group) ?? [c];
      out.push({
        id: groupComponentId(c.group),
        name: c.group,
        status: list.reduce<ComponentStatus>((s, m) => worse(s, m.status), 'operational'),
        created_at: iso(new Date(Math.min(...list.map((m) => m.createdAt.getTime())))),
        updated_at: iso(new Date(Math.max(...list.map((m) => m.updatedAt.getTime())))),
        position: Math.min(...list.map((m) => m.position)),
        description: null,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: pageId,
        group: true,
        only_show_if_degraded: false,
        components: list.map((m) => m.id),
      });
    }
    out.push(leafJson(c, pageId));
  }
  return out;
}

function componentsById(model: PublicModel): (ids: readonly string[]) => SpLeafComponent[] {
  const byId = new Map(model.components.map((c) => [c.id, c]));
  return (ids) =>
    ids.flatMap((id) => {
      const c = byId.get(id);
      return c ? [leafJson(c, model.page.id)] : [];
    });
}

/** The address of an incident on the public page; the HTML renders the matching `id="incident-…"` anchor. */
export function incidentLink(pageUrl: string, id: string): string {
  return `${pageUrl}#incident-${id}`;
}

function incidentJson(
  i: PublicIncident,
  model: PublicModel,
  components: (ids: readonly string[]) => SpLeafComponent[],
) {
  // The model keeps only each update's new statuses; the old one is what the previous update (oldest first)
  // set on that component, else operational, as a component is when an incident starts.
  const last = new Map<string, ComponentStatus>();
  const affected = new Map<string, SpAffectedComponent[]>();
  for (const u of [...i.updates].reverse()) {
    const list = u.affected.map((a) => {
      const entry = {
        code: a.componentId,
        name: a.name,
        old_status: last.get(a.componentId) ?? 'operational',
        new_status: a.status,
      };
      last.set(a.componentId, a.status);
      return entry;
    });
    affected.set(u.id, list);
  }
  const incident: SpIncident = {
    id: i.id,
    name: i.name,
    status: i.status,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    monitoring_at: isoOrNull(i.monitoringAt),
    resolved_at: isoOrNull(i.resolvedAt),
    impact: i.impact,
    shortlink: incidentLink(model.page.url, i.id),
    started_at: iso(i.createdAt),
    page_id: model.page.id,
    incident_updates: i.updates.map((u) => {
      const list = affected.get(u.id) ?? [];
      return {
        id: u.id,
        status: u.status,
        body: u.body,
        incident_id: i.id,
        created_at: iso(u.createdAt),
        updated_at: iso(u.createdAt),
        display_at: iso(u.createdAt),
        affected_components: list.length > 0 ? list : null,
      };
    }),
    components: components(i.componentIds),
  };
  return incident;
}

/**
 * The states a maintenance has passed through, with when, oldest first: the model keeps no update rows, so
 * they are told from its times. One completed by hand skips the states it never reached.
 */
function maintenanceSteps(m: PublicMaintenance): Array<{ status: MaintenanceState; at: Date; body: string }> {
  const steps: Array<{ status: MaintenanceState; at: Date; body: string }> = [
    { status: 'scheduled', at: m.createdAt, body: m.body },
  ];
  if (m.status === 'scheduled') return steps;
  const done = m.status === 'completed';
  const endedAt = m.updatedAt.getTime();
  if (!done || endedAt >= m.scheduledFor.getTime()) {
    steps.push({ status: 'in_progress', at: m.scheduledFor, body: 'The maintenance is in progress.' });
  }
  if (m.status === 'verifying' || (done && endedAt >= m.scheduledUntil.getTime())) {
    steps.push({ status: 'verifying', at: m.scheduledUntil, body: 'The work is done and is being verified.' });
  }
  if (done) steps.push({ status: 'completed', at: m.updatedAt, body: 'The maintenance is completed.' });
  return steps;
}

function maintenanceJson(
  m: PublicMaintenance,
  model: PublicModel,
  components: (ids: readonly string[]) => SpLeafComponent[],
): SpMaintenance {
  const steps = maintenanceSteps(m);
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    monitoring_at: null,
    resolved_at: m.status === 'completed' ? iso(m.updatedAt) : null,
    impact: 'maintenance',
    shortlink: incidentLink(model.page.url, m.id),
    started_at: iso(m.scheduledFor),
    page_id: model.page.id,
    incident_updates: steps.reverse().map((s) => ({
      id: `${m.id}-${s.status}`,
      status: s.status,
      body: s.body,
      incident_id: m.id,
      created_at: iso(s.at),
      updated_at: iso(s.at),
      display_at: iso(s.at),
      affected_components: null,
    })),
    components: components(m.componentIds),
    scheduled_for: iso(m.scheduledFor),
    scheduled_until: iso(m.scheduledUntil),
  };
}

const newestFirst = (a: PublicIncident, b: PublicIncident) => b.createdAt.getTime() - a.createdAt.getTime();
const isUnresolved = (i: PublicIncident) => i.status !== 'resolved';
const isUpcoming = (m: PublicMaintenance) => m.status === 'scheduled';
const isActive = (m: PublicMaintenance) => m.status === 'in_progress' || m.status === 'verifying';
const soonestFirst = (a: PublicMaintenance, b: PublicMaintenance) =>
  a.scheduledFor.getTime() - b.scheduledFor.getTime() || a.id.localeCompare(b.id);

function incidentList(model: PublicModel, keep: (i: PublicIncident) => boolean, limit = Infinity): SpIncident[] {
  const components = componentsById(model);
  return model.incidents
    .filter(keep)
    .sort(newestFirst)
    .slice(0, limit)
    .map((i) => incidentJson(i, model, components));
}

function maintenanceList(model: PublicModel, list: PublicMaintenance[]): SpMaintenance[] {
  const components = componentsById(model);
  return list.map((m) => maintenanceJson(m, model, components));
}

/** summary.json: the page, its indicator, every component, unresolved incidents, coming or running maintenance. */
export function summaryJson(model: PublicModel) {
  return {
    page: pageJson(model),
    status: { ...model.status },
    components: componentList(model),
    incidents: incidentList(model, isUnresolved),
    scheduled_maintenances: maintenanceList(
      model,
      model.maintenances.filter((m) => isUpcoming(m) || isActive(m)).sort(soonestFirst),
    ),
  };
}

/** status.json: the page and its overall indicator with its sentence. */
export function statusJson(model: PublicModel) {
  return { page: pageJson(model), status: { ...model.status } };
}

/** components.json: every public component, group components included. */
export function componentsJson(model: PublicModel) {
  return { page: pageJson(model), components: componentList(model) };
}

/** incidents.json: the latest 50 published incidents, newest first, resolved ones included. */
export function incidentsJson(model: PublicModel) {
  return { page: pageJson(model), incidents: incidentList(model, () => true, LIST_LIMIT) };
}

/** incidents/unresolved.json: the published incidents not yet resolved, newest first. */
export function unresolvedIncidentsJson(model: PublicModel) {
  return { page: pageJson(model), incidents: incidentList(model, isUnresolved) };
}

/** scheduled-maintenances.json: the latest 50 maintenances, the latest scheduled first. */
export function maintenancesJson(model: PublicModel) {
  const list = [...model.maintenances].sort((a, b) => soonestFirst(b, a)).slice(0, LIST_LIMIT);
  return { page: pageJson(model), scheduled_maintenances: maintenanceList(model, list) };
}

/** scheduled-maintenances/upcoming.json: maintenances not yet started, soonest first. */
export function upcomingMaintenancesJson(model: PublicModel) {
  const list = model.maintenances.filter(isUpcoming).sort(soonestFirst);
  return { page: pageJson(model), scheduled_maintenances: maintenanceList(model, list) };
}

/** scheduled-maintenances/active.json: maintenances running or being verified, soonest first. */
export function activeMaintenancesJson(model: PublicModel) {
  const list = model.maintenances.filter(isActive).sort(soonestFirst);
  return { page: pageJson(model), scheduled_maintenances: maintenanceList(model, list) };
}
