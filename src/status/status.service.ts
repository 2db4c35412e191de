// The status page's use-cases: its settings and components, what responders publish about an incident,
// and the automatic side — components following their services, an unanswered P0 published by itself
// where a service asks for it, and the published incident resolving with the internal one. Scheduled
// maintenance lives in maintenances.service.ts and subscribers in subscribers.service.ts; every change
// here is announced as status.changed after its commit, so the public snapshot is rebuilt.
import { randomBytes } from 'node:crypto';
import { authorize, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Publish } from '../bus.js';
import type { Clock } from '../clock.js';
import { afterCommit, inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { IncidentsService } from '../incidents/index.js';
import type { Incident } from '../incident.js';
import type { NotifyService } from '../notify/index.js';
import type { ServicesService } from '../services/index.js';
import { loadPublicModel } from './public-model.js';
import {
  clearManualFrom,
  deleteComponent,
  findComponent,
  findPublishedFor,
  insertComponent,
  insertPublished,
  insertUpdate,
  listComponents,
  listMaintenances,
  loadSettings,
  monitorsDown,
  openSeveritiesByService,
  recordStatus,
  saveSettings,
  servicesInMaintenance,
  updateComponent,
  updatePublished,
  updatesOf,
  type Component,
  type PublishedIncident,
  type StatusSettings,
  type StatusUpdate,
  unansweredP0s,
} from './status.repo.js';
import {
  DEFAULT_STATUS_MAP,
  effectiveStatus,
  maintenanceStateAt,
  type ComponentStatus,
  type Impact,
  type PublicModel,
  type StatusMap,
  type UpdateStatus,
} from './status.js';

export interface StatusEvents {
  /** Something the public page shows may have changed (after its commit). */
  'status.changed': Record<string, never>;
  /** An update was published (inside its transaction): subscribers are told if it asked for it. */
  'status.update_published': { trx: Db; incident: PublishedIncident; update: StatusUpdate; at: Date };
}

export interface ComponentInput {
  name: string;
  description?: string | null | undefined;
  group?: string | null | undefined;
  position?: number | undefined;
  serviceIds?: string[] | undefined;
  monitorIds?: string[] | undefined;
  public?: boolean | undefined;
  onlyShowIfDegraded?: boolean | undefined;
  statusMap?: Partial<StatusMap> | undefined;
}

export interface UpdateInput {
  status: UpdateStatus;
  body: string;
  /** The public title; required the first time unless the customer notice's subject is to be used. */
  name?: string | undefined;
  impact?: Impact | undefined;
  componentStatuses?: Record<string, ComponentStatus> | undefined;
  notifySubscribers?: boolean | undefined;
}

export interface StatusDeps {
  db: Db;
  clock: Clock;
  incidents: IncidentsService;
  services: ServicesService;
  monitorIds: () => Promise<string[]>;
  notify: Pick<NotifyService, 'customerNotice'>;
  publish: Publish<StatusEvents>;
}

/** What a component shows and why (the console's component list). */
export interface ComponentState extends Component {
  automatic: ComponentStatus;
}

const DEFAULT_SETTINGS = { name: 'Status', timeZone: 'UTC', verifyMinutes: 15 };
const RESOLVED_TEXT = 'This incident has been resolved.';

export function createStatusService(deps: StatusDeps) {
  const { db, clock, incidents, services, notify, publish } = deps;

  const changed = (q: Db) => afterCommit(q, () => void publish('status.changed', {}));

  /** The page's settings, made with defaults and a fresh signing key the first time they are read. */
  async function settingsIn(q: Db): Promise<StatusSettings> {
    const found = await loadSettings(q);
    if (found) return found;
    const fresh: StatusSettings = {
      ...DEFAULT_SETTINGS,
      logoUrl: null,
      autoPublish: {},
      signingKey: randomBytes(32).toString('base64url'),
      updatedAt: null,
    };
    await saveSettings(q, fresh, clock.now());
    // Another instance may have made them first: what is stored wins.
    return (await loadSettings(q)) ?? fresh;
  }

  async function checkServices(q: Db, ids: readonly string[]): Promise<void> {
    for (const id of ids)
      if (!(await services.byId(id, q)))
        throw new AppError(
          'status.unknown_service',
          `service_ids: ${JSON.stringify(id)} is not a service id`,
          {
            field: 'service_ids',
            service: id,
          },
          'unprocessable',
        );
  }

  async function checkMonitors(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const known = new Set(await deps.monitorIds());
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new AppError(
        'status.unknown_monitor',
        `monitor_ids: ${unknown.join(', ')} are not monitor ids`,
        {
          field: 'monitor_ids',
          monitors: unknown,
        },
        'unprocessable',
      );
  }

  async function componentIn(q: Db, id: string): Promise<Component> {
    const c = await findComponent(q, id);
    if (!c) throw notFound('component', id);
    return c;
  }

  /** Every component's automatic status at `now`, from one read of each input table. */
  async function automaticStatuses(q: Db, components: readonly Component[], settings: StatusSettings, now: Date) {
    const serviceIds = [...new Set(components.flatMap((c) => c.serviceIds))];
    const [severities, down, maintained, maintenances] = await Promise.all([
      openSeveritiesByService(q, serviceIds),
      monitorsDown(q, [...new Set(components.flatMap((c) => c.monitorIds))]),
      servicesInMaintenance(q, serviceIds, now),
      listMaintenances(q, now),
    ]);
    const verifyMs = settings.verifyMinutes * 60_000;
    const underWork = new Set(
      maintenances
        .filter((m) => ['in_progress', 'verifying'].includes(maintenanceStateAt(m, verifyMs, now)))
        .flatMap((m) => m.componentIds),
    );
    return new Map(
      components.map((c) => [
        c.id,
        effectiveStatus(null, c.statusMap, {
          openSeverities: c.serviceIds.flatMap((s) => severities.get(s) ?? []),
          monitorsDown: c.monitorIds.filter((m) => down.has(m)).length,
          inMaintenance: underWork.has(c.id) || c.serviceIds.some((s) => maintained.has(s)),
        }),
      ]),
    );
  }

  /** The components as stored, each with what it would show by itself and what it shows now. */
  async function statesOf(q: Db, components: readonly Component[], settings: StatusSettings, now: Date) {
    const auto = await automaticStatuses(q, components, settings, now);
    return components.map((c): ComponentState => {
      const automatic = auto.get(c.id) ?? 'operational';
      return { ...c, automatic, status: c.manualStatus ?? automatic };
    });
  }

  /** Each component with what it shows now and what it would show by itself. */
  async function states(q: Db, now: Date): Promise<ComponentState[]> {
    return statesOf(q, await listComponents(q), await settingsIn(q), now);
  }

  /**
   * The public model at `now`, read in `q` (a preview's transaction sees its own unpublished update). First it
   * writes what every component shows now where that changed, with a history row (the uptime bars are scored
   * from them): the snapshot's rebuild is what notices a change.
   */
  async function publicModel(q: Db, now: Date, pageUrl: string): Promise<PublicModel> {
    const settings = await settingsIn(q);
    const stored = await listComponents(q);
    const current = await statesOf(q, stored, settings, now);
    for (const [i, c] of current.entries()) {
      const was = (stored[i] as Component).status;
      if (was !== c.status) await recordStatus(q, c.id, was, c.status, now);
    }
    return loadPublicModel(q, { now, settings, components: current, pageUrl });
  }

  function componentFrom(input: ComponentInput, id: string, now: Date, position: number): Component {
    return {
      id,
      name: input.name,
      description: input.description ?? null,
      group: input.group ?? null,
      position: input.position ?? position,
      public: input.public ?? true,
      onlyShowIfDegraded: input.onlyShowIfDegraded ?? false,
      serviceIds: input.serviceIds ?? [],
      monitorIds: input.monitorIds ?? [],
      statusMap: { ...DEFAULT_STATUS_MAP, ...input.statusMap },
      manualStatus: null,
      manualSource: null,
      status: 'operational',
      createdAt: now,
      updatedAt: now,
    };
  }

  /** The public title, impact and components of a first update, from the incident and the customer notice. */
  async function prefill(q: Db, incident: Incident) {
    const components = (await listComponents(q)).filter(
      (c) => c.public && incident.serviceId !== null && c.serviceIds.includes(incident.serviceId),
    );
    const notice = await notify.customerNotice(q, incident, {
      componentsAffected: components.map((c) => c.name).join(', '),
      nextUpdateAt: null,
    });
    const impact: Impact =
      incident.severity === 'P0'
        ? 'critical'
        : incident.severity === 'P1'
          ? 'major'
          : incident.severity === 'P2'
            ? 'minor'
            : 'none';
    return {
      name: notice.subject,
      body: notice.text.trim(),
      impact,
      componentStatuses: Object.fromEntries(
        components.map((c) => [c.id, c.statusMap[incident.severity] ?? 'operational']),
      ) as Record<string, ComponentStatus>,
    };
  }

  /**
   * Publishes one update about `incident` in `trx`: the first makes its public incident (title, impact,
   * components); each may set components' statuses, which then win until the public incident resolves.
   */
  async function publishIn(
    trx: Db,
    actor: Actor,
    incident: Incident,
    input: UpdateInput,
    now: Date,
  ): Promise<{ published: PublishedIncident; update: StatusUpdate }> {
    const body = input.body.trim();
    if (body === '') throw new AppError('status.invalid', 'body: must not be empty', { field: 'body' });
    const statuses = input.componentStatuses ?? {};
    const targets: Component[] = [];
    for (const id of Object.keys(statuses)) {
      const c = await findComponent(trx, id);
      if (!c)
        throw new AppError(
          'status.unknown_component',
          `component_statuses: ${JSON.stringify(id)} is not a component id`,
          { field: 'component_statuses', component: id },
          'unprocessable',
        );
      targets.push(c);
    }
    let published = await findPublishedFor(trx, incident.id);
    if (!published) {
      const fill = await prefill(trx, incident);
      published = {
        id: newId('spi', now),
        incidentId: incident.id,
        name: input.name?.trim() || fill.name,
        status: input.status,
        impact: input.impact ?? fill.impact,
        componentIds: targets.map((c) => c.id),
        postmortem: null,
        createdAt: now,
        updatedAt: now,
        monitoringAt: null,
        resolvedAt: null,
      };
      await insertPublished(trx, published);
    }
    published = {
      ...published,
      name: input.name?.trim() || published.name,
      status: input.status,
      impact: input.impact ?? published.impact,
      componentIds: [...new Set([...published.componentIds, ...targets.map((c) => c.id)])],
      updatedAt: now,
      monitoringAt: input.status === 'monitoring' ? (published.monitoringAt ?? now) : published.monitoringAt,
      resolvedAt: input.status === 'resolved' ? (published.resolvedAt ?? now) : null,
    };
    await updatePublished(trx, published);
    const update: StatusUpdate = {
      id: newId('spu', now),
      statusIncidentId: published.id,
      status: input.status,
      body,
      componentStatuses: statuses,
      notified: input.notifySubscribers ?? false,
      createdBy: { type: actor.type, id: actor.id, name: actor.name },
      createdAt: now,
    };
    await insertUpdate(trx, update);
    if (input.status === 'resolved') await clearManualFrom(trx, published.id, now);
    else
      for (const c of targets)
        await updateComponent(trx, {
          ...c,
          manualStatus: statuses[c.id] ?? null,
          manualSource: published.id,
          updatedAt: now,
        });
    await incidents.within(trx).record(
      incident,
      actor,
      'status_published',
      {
        status_incident_id: published.id,
        update_id: update.id,
        status: update.status,
        body,
        notify: update.notified,
      },
      now,
    );
    if (update.notified) await publish('status.update_published', { trx, incident: published, update, at: now });
    changed(trx);
    return { published, update };
  }

  const loadIncident = (actor: Actor, ref: string) => incidents.get(actor, ref);

  return {
    publicModel,
    settingsIn,

    /** The page's settings (any role reads them; the signing key never leaves). */
    async settings(actor: Actor): Promise<Omit<StatusSettings, 'signingKey'>> {
      authorize(actor, 'read');
      const { signingKey: _key, ...rest } = await settingsIn(db);
      return rest;
    },

    /** Changes the page's name, logo, time zone, verify time or auto-publish rules (admins). */
    async updateSettings(
      actor: Actor,
      patch: Partial<Omit<StatusSettings, 'signingKey' | 'updatedAt'>>,
    ): Promise<Omit<StatusSettings, 'signingKey'>> {
      authorize(actor, 'service.write');
      return inTransaction(db, async (trx) => {
        if (patch.autoPublish) await checkServices(trx, Object.keys(patch.autoPublish));
        const next = { ...(await settingsIn(trx)), ...patch };
        await saveSettings(trx, next, clock.now());
        await audit(trx, clock, actor, {
          action: 'status.settings_update',
          target: { type: 'status_page', id: 'page' },
          details: patch,
        });
        changed(trx);
        const { signingKey: _key, ...rest } = { ...next, updatedAt: clock.now() };
        return rest;
      });
    },

    /** Every component with what it shows and would show by itself. */
    async components(actor: Actor): Promise<ComponentState[]> {
      authorize(actor, 'read');
      return states(db, clock.now());
    },

    async component(actor: Actor, id: string): Promise<ComponentState> {
      authorize(actor, 'read');
      const found = (await states(db, clock.now())).find((c) => c.id === id);
      if (!found) throw notFound('component', id);
      return found;
    },

    async createComponent(actor: Actor, input: ComponentInput): Promise<Component> {
      authorize(actor, 'service.write');
      const now = clock.now();
      // Monitors are read outside the transaction (SQLite has one connection, which the transaction holds).
      await checkMonitors(input.monitorIds ?? []);
      return inTransaction(db, async (trx) => {
        await checkServices(trx, input.serviceIds ?? []);
        const count = (await listComponents(trx)).length;
        const c = componentFrom(input, newId('cmp', now), now, count + 1);
        await insertComponent(trx, c);
        await audit(trx, clock, actor, {
          action: 'status.component_create',
          target: { type: 'component', id: c.id },
          details: { name: c.name },
        });
        changed(trx);
        return c;
      });
    },

    async updateComponent(actor: Actor, id: string, patch: Partial<ComponentInput>): Promise<Component> {
      authorize(actor, 'service.write');
      const now = clock.now();
      if (patch.monitorIds) await checkMonitors(patch.monitorIds);
      return inTransaction(db, async (trx) => {
        const c = await componentIn(trx, id);
        if (patch.serviceIds) await checkServices(trx, patch.serviceIds);
        const next: Component = {
          ...c,
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.group !== undefined && { group: patch.group }),
          ...(patch.position !== undefined && { position: patch.position }),
          ...(patch.serviceIds !== undefined && { serviceIds: patch.serviceIds }),
          ...(patch.monitorIds !== undefined && { monitorIds: patch.monitorIds }),
          ...(patch.public !== undefined && { public: patch.public }),
          ...(patch.onlyShowIfDegraded !== undefined && { onlyShowIfDegraded: patch.onlyShowIfDegraded }),
          ...(patch.statusMap !== undefined && { statusMap: { ...c.statusMap, ...patch.statusMap } }),
          updatedAt: now,
        };
        await updateComponent(trx, next);
        await audit(trx, clock, actor, {
          action: 'status.component_update',
          target: { type: 'component', id },
          details: { ...patch },
        });
        changed(trx);
        return next;
      });
    },

    async deleteComponent(actor: Actor, id: string): Promise<void> {
      authorize(actor, 'service.write');
      await inTransaction(db, async (trx) => {
        const c = await componentIn(trx, id);
        await deleteComponent(trx, id);
        await audit(trx, clock, actor, {
          action: 'status.component_delete',
          target: { type: 'component', id },
          details: { name: c.name },
        });
        changed(trx);
      });
    },

    /** Sets a component's status by hand (null clears it): it wins over the automatic one until cleared. */
    async setComponentStatus(actor: Actor, id: string, status: ComponentStatus | null): Promise<Component> {
      authorize(actor, 'incident.write');
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        const c = await componentIn(trx, id);
        const next = { ...c, manualStatus: status, manualSource: null, updatedAt: now };
        await updateComponent(trx, next);
        await audit(trx, clock, actor, {
          action: 'status.component_status',
          target: { type: 'component', id },
          details: { status },
        });
        changed(trx);
        return next;
      });
    },

    /** The prefilled first update of an incident (the console's publish form): title, text, impact, components. */
    async draft(actor: Actor, ref: string) {
      authorize(actor, 'read');
      const incident = await loadIncident(actor, ref);
      return prefill(db, incident);
    },

    /** Publishes an update about an incident (responders). */
    async publish(actor: Actor, ref: string, input: UpdateInput) {
      authorize(actor, 'incident.write');
      const incident = await loadIncident(actor, ref);
      return inTransaction(db, (trx) => publishIn(trx, actor, incident, input, clock.now()));
    },

    /**
     * Runs `publish` in a transaction that is always rolled back, handing `look` the transaction just before:
     * the preview shows exactly what publishing would, and nothing stays.
     */
    async preview<T>(
      actor: Actor,
      ref: string,
      input: UpdateInput,
      look: (trx: Db, now: Date) => Promise<T>,
    ): Promise<T> {
      authorize(actor, 'incident.write');
      const incident = await loadIncident(actor, ref);
      const undo = new Error('preview: rolled back');
      let seen: T | undefined;
      try {
        await inTransaction(db, async (trx) => {
          const now = clock.now();
          await publishIn(trx, actor, incident, { ...input, notifySubscribers: false }, now);
          seen = await look(trx, now);
          throw undo;
        });
      } catch (error) {
        if (error !== undo) throw error;
      }
      return seen as T;
    },

    /** What was published about an incident: its public incident and updates, newest first (null: nothing). */
    async publishedFor(actor: Actor, ref: string) {
      authorize(actor, 'read');
      const incident = await loadIncident(actor, ref);
      const published = await findPublishedFor(db, incident.id);
      return published ? { incident: published, updates: await updatesOf(db, [published.id]) } : null;
    },

    /** Marks a published incident with a public post-mortem summary (or clears it with null). */
    async setPostmortem(actor: Actor, ref: string, body: string | null) {
      authorize(actor, 'incident.write');
      const incident = await loadIncident(actor, ref);
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        const published = await findPublishedFor(trx, incident.id);
        if (!published)
          throw new AppError(
            'status.not_published',
            `${incident.number} has not been published`,
            { incident: incident.number },
            'conflict',
          );
        const text = body?.trim() ?? '';
        const next = { ...published, postmortem: text ? { body: text, publishedAt: now } : null, updatedAt: now };
        await updatePublished(trx, next);
        await incidents.within(trx).record(incident, actor, 'status_postmortem', { summary: text || null }, now);
        changed(trx);
        return next;
      });
    },

    /**
     * An internal incident resolved: its public incident (if any, and not resolved yet) resolves too, with
     * a plain resolved update, telling subscribers if any earlier update told them; what its updates set on
     * components is cleared. In the resolve's own transaction.
     */
    async incidentResolved(trx: Db, incidentId: string, at: Date): Promise<void> {
      const published = await findPublishedFor(trx, incidentId);
      if (!published || published.resolvedAt) return;
      const told = (await updatesOf(trx, [published.id])).some((u) => u.notified);
      const incident = await incidents.within(trx).load(incidentId);
      await publishIn(
        trx,
        SYSTEM_ACTOR,
        incident,
        { status: 'resolved', body: RESOLVED_TEXT, notifySubscribers: told },
        at,
      );
    },

    /**
     * Publishes unacknowledged P0 incidents on services with an auto-publish rule once they have waited the
     * rule's minutes, with its text, telling nobody (the engine's status-auto-publish sweep). Off unless set.
     */
    async sweepAutoPublish(): Promise<number> {
      const settings = await settingsIn(db);
      const rules = Object.entries(settings.autoPublish);
      if (rules.length === 0) return 0;
      const now = clock.now();
      let n = 0;
      for (const [serviceId, rule] of rules) {
        for (const id of await unansweredP0s(db, serviceId, new Date(now.getTime() - rule.afterMinutes * 60_000))) {
          const done = await inTransaction(db, async (trx) => {
            if (await findPublishedFor(trx, id)) return false;
            const incident = await incidents.within(trx).load(id);
            if (incident.status !== 'triggered') return false;
            const fill = await prefill(trx, incident);
            await publishIn(
              trx,
              SYSTEM_ACTOR,
              incident,
              { status: 'investigating', body: rule.body || fill.body, componentStatuses: fill.componentStatuses },
              now,
            );
            return true;
          });
          if (done) n++;
        }
      }
      return n;
    },
  };
}

export type StatusService = ReturnType<typeof createStatusService>;
