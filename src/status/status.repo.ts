// The status page's tables (migration 025): settings, components and their status history, published
// incidents and their updates, scheduled maintenance, subscribers; and the reads of other features'
// tables a component's automatic status is made from (open incidents, monitors, maintenance windows).
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';
import type {
  StatusComponentsTable,
  StatusIncidentsTable,
  StatusMaintenancesTable,
  StatusSubscribersTable,
  StatusUpdatesTable,
} from '../db/schema.js';
import { newId } from '../ids.js';
import type { Severity } from '../incident.js';
import type { ComponentStatus, Impact, MaintenanceState, StatusChange, StatusMap, UpdateStatus } from './status.js';

/** Who made a change, as stored with it (a person, an integration, or the engine). */
export interface Author {
  type: string;
  id: string | null;
  name: string;
}

export interface AutoPublishRule {
  afterMinutes: number;
  body: string;
}

export interface StatusSettings {
  name: string;
  logoUrl: string | null;
  timeZone: string;
  /** How long a finished maintenance stays "verifying" before it completes by itself. */
  verifyMinutes: number;
  /** Service id → its rule for publishing unanswered P0s by themselves. */
  autoPublish: Record<string, AutoPublishRule>;
  /** The HMAC key of confirmation and unsubscribe links (never leaves the server). */
  signingKey: string;
  updatedAt: Date | null;
}

export interface Component {
  id: string;
  name: string;
  description: string | null;
  group: string | null;
  position: number;
  public: boolean;
  onlyShowIfDegraded: boolean;
  serviceIds: string[];
  monitorIds: string[];
  statusMap: StatusMap;
  manualStatus: ComponentStatus | null;
  /** The published incident whose update set manualStatus, or null when a person set it directly. */
  manualSource: string | null;
  /** The status last shown. */
  status: ComponentStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface PublishedIncident {
  id: string;
  incidentId: string;
  name: string;
  status: UpdateStatus;
  impact: Impact;
  componentIds: string[];
  postmortem: { body: string; publishedAt: Date } | null;
  createdAt: Date;
  updatedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
}

export interface StatusUpdate {
  id: string;
  statusIncidentId: string;
  status: UpdateStatus;
  body: string;
  componentStatuses: Record<string, ComponentStatus>;
  notified: boolean;
  createdBy: Author;
  createdAt: Date;
}

export interface Maintenance {
  id: string;
  title: string;
  body: string;
  componentIds: string[];
  startsAt: Date;
  endsAt: Date;
  state: MaintenanceState;
  completedAt: Date | null;
  windowIds: string[];
  notify: boolean;
  createdBy: Author;
  createdAt: Date;
  updatedAt: Date;
}

export type SubscriberKind = 'email' | 'webhook';

export interface Subscriber {
  id: string;
  kind: SubscriberKind;
  address: string;
  secret: string | null;
  /** null: every component. */
  componentIds: string[] | null;
  state: 'pending' | 'confirmed';
  createdAt: Date;
  confirmedAt: Date | null;
  confirmSentAt: Date | null;
}

const date = (s: string | null): Date | null => (s ? new Date(s) : null);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const json = <T>(s: string): T => JSON.parse(s) as T;

// ---------------------------------------------------------------------------------------------------
// Settings: one row, id "page".

export async function loadSettings(db: Db): Promise<StatusSettings | undefined> {
  const r = await db.selectFrom('status_settings').selectAll().where('id', '=', 'page').executeTakeFirst();
  return (
    r && {
      name: r.name,
      logoUrl: r.logo_url,
      timeZone: r.time_zone,
      verifyMinutes: Number(r.verify_minutes),
      autoPublish: json(r.auto_publish),
      signingKey: r.signing_key,
      updatedAt: new Date(r.updated_at),
    }
  );
}

export async function saveSettings(db: Db, s: StatusSettings, at: Date): Promise<void> {
  const row = {
    name: s.name,
    logo_url: s.logoUrl,
    time_zone: s.timeZone,
    verify_minutes: s.verifyMinutes,
    auto_publish: JSON.stringify(s.autoPublish),
    signing_key: s.signingKey,
    updated_at: at.toISOString(),
  };
  await db
    .insertInto('status_settings')
    .values({ id: 'page', ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Components and their history.

const toComponent = (r: StatusComponentsTable): Component => ({
  id: r.id,
  name: r.name,
  description: r.description,
  group: r.group_name,
  position: Number(r.position),
  public: Boolean(Number(r.public)),
  onlyShowIfDegraded: Boolean(Number(r.only_show_if_degraded)),
  serviceIds: json(r.service_ids),
  monitorIds: json(r.monitor_ids),
  statusMap: json(r.status_map),
  manualStatus: r.manual_status as ComponentStatus | null,
  manualSource: r.manual_source,
  status: r.status as ComponentStatus,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const componentRow = (c: Component): StatusComponentsTable => ({
  id: c.id,
  name: c.name,
  description: c.description,
  group_name: c.group,
  position: c.position,
  public: c.public ? 1 : 0,
  only_show_if_degraded: c.onlyShowIfDegraded ? 1 : 0,
  service_ids: JSON.stringify(c.serviceIds),
  monitor_ids: JSON.stringify(c.monitorIds),
  status_map: JSON.stringify(c.statusMap),
  manual_status: c.manualStatus,
  manual_source: c.manualSource,
  status: c.status,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
});

/** Every component, by position then name. */
export async function listComponents(db: Db): Promise<Component[]> {
  const rows = await db.selectFrom('status_components').selectAll().orderBy('position').orderBy('name').execute();
  return rows.map(toComponent);
}

export async function findComponent(db: Db, id: string): Promise<Component | undefined> {
  const r = await db.selectFrom('status_components').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toComponent(r);
}

/** A new component, with its first history row (it exists from `c.createdAt` on). */
export async function insertComponent(db: Db, c: Component): Promise<void> {
  await db.insertInto('status_components').values(componentRow(c)).execute();
  await insertHistory(db, c.id, c.status, c.createdAt);
}

/** Saves a changed component (its shown status is written by recordStatus alone). */
export async function updateComponent(db: Db, c: Component): Promise<void> {
  const { id: _id, status: _status, created_at: _created, ...row } = componentRow(c);
  await db.updateTable('status_components').set(row).where('id', '=', c.id).execute();
}

export async function deleteComponent(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('status_component_history').where('component_id', '=', id).execute();
  const r = await db.deleteFrom('status_components').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Clears the hand-set statuses a published incident's updates set. */
export async function clearManualFrom(db: Db, statusIncidentId: string, at: Date): Promise<number> {
  const r = await db
    .updateTable('status_components')
    .set({ manual_status: null, manual_source: null, updated_at: at.toISOString() })
    .where('manual_source', '=', statusIncidentId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

async function insertHistory(db: Db, componentId: string, status: ComponentStatus, at: Date): Promise<void> {
  await db
    .insertInto('status_component_history')
    .values({ id: newId('csh', at), component_id: componentId, status, at: at.toISOString() })
    .execute();
}

/**
 * Records that a component shows `status` from `at` on, if that is a change from what it showed: the
 * update is conditional on the old status, so two instances noticing the same change write one row.
 */
export async function recordStatus(
  db: Db,
  id: string,
  from: ComponentStatus,
  to: ComponentStatus,
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('status_components')
    .set({ status: to })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await insertHistory(db, id, to, at);
  return true;
}

/** Each component's changes since `since`, led by the one in force at `since` (if it existed then). */
export async function historySince(db: Db, since: Date): Promise<Map<string, StatusChange[]>> {
  const at = since.toISOString();
  const recent = await db
    .selectFrom('status_component_history')
    .select(['component_id', 'status', 'at'])
    .where('at', '>=', at)
    .orderBy('at')
    .execute();
  const before = await db
    .selectFrom('status_component_history as h')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('status_component_history')
          .select((e) => ['component_id', e.fn.max('at').as('last')])
          .where('at', '<', at)
          .groupBy('component_id')
          .as('m'),
      (join) => join.onRef('m.component_id', '=', 'h.component_id').onRef('m.last', '=', 'h.at'),
    )
    .select(['h.component_id', 'h.status', 'h.at'])
    .execute();
  const out = new Map<string, StatusChange[]>();
  for (const r of [...before, ...recent]) {
    const list = out.get(r.component_id) ?? [];
    list.push({ at: new Date(r.at), status: r.status as ComponentStatus });
    out.set(r.component_id, list);
  }
  return out;
}

/** Writes history rows in bulk (the benchmark's 90 days of past outages). */
export async function insertHistoryRows(
  db: Db,
  rows: Array<{ componentId: string; status: ComponentStatus; at: Date }>,
): Promise<void> {
  for (const part of chunks(rows, 200))
    await db
      .insertInto('status_component_history')
      .values(
        part.map((r) => ({
          id: newId('csh', r.at),
          component_id: r.componentId,
          status: r.status,
          at: r.at.toISOString(),
        })),
      )
      .execute();
}

// ---------------------------------------------------------------------------------------------------
// What automatic statuses are made from.

/** Severities of open incidents, by service, for the services given. */
export async function openSeveritiesByService(db: Db, serviceIds: readonly string[]): Promise<Map<string, Severity[]>> {
  const out = new Map<string, Severity[]>();
  for (const part of chunks([...serviceIds], 500)) {
    const rows = await db
      .selectFrom('incidents')
      .select(['service_id', 'severity'])
      .where('status', 'in', ['triggered', 'acknowledged'])
      .where('service_id', 'in', part)
      .execute();
    for (const r of rows) {
      const list = out.get(r.service_id as string) ?? [];
      list.push(r.severity as Severity);
      out.set(r.service_id as string, list);
    }
  }
  return out;
}

/** Ids of triggered (unacknowledged) P0 incidents on `serviceId` opened at or before `before`, oldest first. */
export async function unansweredP0s(db: Db, serviceId: string, before: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('incidents')
    .select('id')
    .where('service_id', '=', serviceId)
    .where('status', '=', 'triggered')
    .where('severity', '=', 'P0')
    .where('created_at', '<=', before.toISOString())
    .orderBy('created_at')
    .limit(100)
    .execute();
  return rows.map((r) => r.id);
}

/** Ids of the given monitors that are down (paused ones are not watched, so never down). */
export async function monitorsDown(db: Db, monitorIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...monitorIds], 500)) {
    const rows = await db
      .selectFrom('monitors')
      .select('id')
      .where('id', 'in', part)
      .where('state', '=', 'down')
      .where('paused', '=', 0)
      .execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/** Services among those given with a maintenance window running at `at`. */
export async function servicesInMaintenance(db: Db, serviceIds: readonly string[], at: Date): Promise<Set<string>> {
  const out = new Set<string>();
  const t = at.toISOString();
  for (const part of chunks([...serviceIds], 500)) {
    const rows = await db
      .selectFrom('maintenance_windows')
      .select('service_id')
      .where('service_id', 'in', part)
      .where('start_at', '<=', t)
      .where('end_at', '>', t)
      .execute();
    for (const r of rows) out.add(r.service_id);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Published incidents and their updates.

const toPublished = (r: StatusIncidentsTable): PublishedIncident => ({
  id: r.id,
  incidentId: r.incident_id,
  name: r.name,
  status: r.status as UpdateStatus,
  impact: r.impact as Impact,
  componentIds: json(r.component_ids),
  postmortem:
    r.postmortem_body !== null && r.postmortem_at !== null
      ? { body: r.postmortem_body, publishedAt: new Date(r.postmortem_at) }
      : null,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  monitoringAt: date(r.monitoring_at),
  resolvedAt: date(r.resolved_at),
});

const publishedRow = (p: PublishedIncident): StatusIncidentsTable => ({
  id: p.id,
  incident_id: p.incidentId,
  name: p.name,
  status: p.status,
  impact: p.impact,
  component_ids: JSON.stringify(p.componentIds),
  postmortem_body: p.postmortem?.body ?? null,
  postmortem_at: iso(p.postmortem?.publishedAt ?? null),
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
  monitoring_at: iso(p.monitoringAt),
  resolved_at: iso(p.resolvedAt),
});

export async function findPublishedFor(db: Db, incidentId: string): Promise<PublishedIncident | undefined> {
  const r = await db
    .selectFrom('status_incidents')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  return r && toPublished(r);
}

export async function insertPublished(db: Db, p: PublishedIncident): Promise<void> {
  await db.insertInto('status_incidents').values(publishedRow(p)).execute();
}

export async function updatePublished(db: Db, p: PublishedIncident): Promise<void> {
  const { id: _id, incident_id: _incident, created_at: _created, ...row } = publishedRow(p);
  await db.updateTable('status_incidents').set(row).where('id', '=', p.id).execute();
}

/** Published incidents created since `since` or still unresolved, newest first. */
export async function listPublished(db: Db, since: Date): Promise<PublishedIncident[]> {
  const rows = await db
    .selectFrom('status_incidents')
    .selectAll()
    .where((eb) => eb.or([eb('created_at', '>=', since.toISOString()), eb('resolved_at', 'is', null)]))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toPublished);
}

const toUpdate = (r: StatusUpdatesTable): StatusUpdate => ({
  id: r.id,
  statusIncidentId: r.status_incident_id,
  status: r.status as UpdateStatus,
  body: r.body,
  componentStatuses: json(r.component_statuses),
  notified: Boolean(Number(r.notified)),
  createdBy: json(r.created_by),
  createdAt: new Date(r.created_at),
});

export async function insertUpdate(db: Db, u: StatusUpdate): Promise<void> {
  await db
    .insertInto('status_updates')
    .values({
      id: u.id,
      status_incident_id: u.statusIncidentId,
      status: u.status,
      body: u.body,
      component_statuses: JSON.stringify(u.componentStatuses),
      notified: u.notified ? 1 : 0,
      created_by: JSON.stringify(u.createdBy),
      created_at: u.createdAt.toISOString(),
    })
    .execute();
}

/** The updates of the given published incidents, newest first. */
export async function updatesOf(db: Db, statusIncidentIds: readonly string[]): Promise<StatusUpdate[]> {
  const out: StatusUpdate[] = [];
  for (const part of chunks([...statusIncidentIds], 500)) {
    const rows = await db.selectFrom('status_updates').selectAll().where('status_incident_id', 'in', part).execute();
    out.push(...rows.map(toUpdate));
  }
  return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
}

// ---------------------------------------------------------------------------------------------------
// Scheduled maintenance.

const toMaintenance = (r: StatusMaintenancesTable): Maintenance => ({
  id: r.id,
  title: r.title,
  body: r.body,
  componentIds: json(r.component_ids),
  startsAt: new Date(r.starts_at),
  endsAt: new Date(r.ends_at),
  state: r.state as MaintenanceState,
  completedAt: date(r.completed_at),
  windowIds: json(r.window_ids),
  notify: Boolean(Number(r.notify)),
  createdBy: json(r.created_by),
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const maintenanceRow = (m: Maintenance): StatusMaintenancesTable => ({
  id: m.id,
  title: m.title,
  body: m.body,
  component_ids: JSON.stringify(m.componentIds),
  starts_at: m.startsAt.toISOString(),
  ends_at: m.endsAt.toISOString(),
  state: m.state,
  completed_at: iso(m.completedAt),
  window_ids: JSON.stringify(m.windowIds),
  notify: m.notify ? 1 : 0,
  created_by: JSON.stringify(m.createdBy),
  created_at: m.createdAt.toISOString(),
  updated_at: m.updatedAt.toISOString(),
});

export async function insertMaintenance(db: Db, m: Maintenance): Promise<void> {
  await db.insertInto('status_maintenances').values(maintenanceRow(m)).execute();
}

/** Saves a maintenance if it is still in state `from` (so two instances move it once); false if it was not. */
export async function updateMaintenance(db: Db, m: Maintenance, from: MaintenanceState): Promise<boolean> {
  const { id: _id, created_at: _created, ...row } = maintenanceRow(m);
  const r = await db
    .updateTable('status_maintenances')
    .set(row)
    .where('id', '=', m.id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function findMaintenance(db: Db, id: string): Promise<Maintenance | undefined> {
  const r = await db.selectFrom('status_maintenances').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toMaintenance(r);
}

/** Maintenances not completed, or completed ones that ended since `since`; soonest first. */
export async function listMaintenances(db: Db, since: Date): Promise<Maintenance[]> {
  const rows = await db
    .selectFrom('status_maintenances')
    .selectAll()
    .where((eb) => eb.or([eb('state', '!=', 'completed'), eb('ends_at', '>=', since.toISOString())]))
    .orderBy('starts_at')
    .execute();
  return rows.map(toMaintenance);
}

/** Maintenances the engine still has to move. */
export async function openMaintenances(db: Db): Promise<Maintenance[]> {
  const rows = await db
    .selectFrom('status_maintenances')
    .selectAll()
    .where('state', '!=', 'completed')
    .orderBy('starts_at')
    .execute();
  return rows.map(toMaintenance);
}

// ---------------------------------------------------------------------------------------------------
// Subscribers.

const toSubscriber = (r: StatusSubscribersTable): Subscriber => ({
  id: r.id,
  kind: r.kind as SubscriberKind,
  address: r.address,
  secret: r.secret,
  componentIds: r.component_ids === null ? null : json(r.component_ids),
  state: r.state as Subscriber['state'],
  createdAt: new Date(r.created_at),
  confirmedAt: date(r.confirmed_at),
  confirmSentAt: date(r.confirm_sent_at),
});

export async function findSubscriber(db: Db, id: string): Promise<Subscriber | undefined> {
  const r = await db.selectFrom('status_subscribers').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toSubscriber(r);
}

export async function findSubscriberByAddress(
  db: Db,
  kind: SubscriberKind,
  address: string,
): Promise<Subscriber | undefined> {
  const r = await db
    .selectFrom('status_subscribers')
    .selectAll()
    .where('kind', '=', kind)
    .where('address', '=', address)
    .executeTakeFirst();
  return r && toSubscriber(r);
}

export async function insertSubscribers(db: Db, subs: Subscriber[]): Promise<void> {
  for (const part of chunks(subs, 100))
    await db
      .insertInto('status_subscribers')
      .values(
        part.map((s) => ({
          id: s.id,
          kind: s.kind,
          address: s.address,
          secret: s.secret,
          component_ids: s.componentIds === null ? null : JSON.stringify(s.componentIds),
          state: s.state,
          created_at: s.createdAt.toISOString(),
          confirmed_at: iso(s.confirmedAt),
          confirm_sent_at: iso(s.confirmSentAt),
        })),
      )
      .execute();
}

/** Confirms a pending subscriber; false when it was not pending (already confirmed, or gone). */
export async function confirmSubscriber(db: Db, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('status_subscribers')
    .set({ state: 'confirmed', confirmed_at: at.toISOString() })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markConfirmSent(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('status_subscribers').set({ confirm_sent_at: at.toISOString() }).where('id', '=', id).execute();
}

export async function deleteSubscriber(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('status_subscribers').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Subscribers in id order (admins' list and export), `limit` after `after`. */
export async function listSubscribers(db: Db, after: string | null, limit: number): Promise<Subscriber[]> {
  let q = db.selectFrom('status_subscribers').selectAll().orderBy('id').limit(limit);
  if (after) q = q.where('id', '>', after);
  return (await q.execute()).map(toSubscriber);
}

/** Every confirmed subscriber (the fan-out of an update reads them once). */
export async function confirmedSubscribers(db: Db): Promise<Subscriber[]> {
  const rows = await db.selectFrom('status_subscribers').selectAll().where('state', '=', 'confirmed').execute();
  return rows.map(toSubscriber);
}

export async function countSubscribers(db: Db): Promise<{ pending: number; confirmed: number }> {
  const rows = await db
    .selectFrom('status_subscribers')
    .select((eb) => ['state', eb.fn.countAll<number | string>().as('n')])
    .groupBy('state')
    .execute();
  const n = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
  return { pending: n('pending'), confirmed: n('confirmed') };
}
