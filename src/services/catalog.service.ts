// Creating, editing and deleting services, and rotating their integration keys.
import type { Publish } from '../bus.js';
import { authorize, digest, generateIntegrationKey, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import {
  activeMaintenance,
  currentAndComing,
  endMaintenance,
  endWindows,
  insertMaintenance,
  type MaintenanceWindow,
} from './maintenance.repo.js';
import { changesBetween, findChange, insertChange, listChanges, type ChangeEvent } from './changes.repo.js';
import {
  countOpenIncidents,
  deleteService,
  findService,
  findServiceByKeyDigest,
  insertService,
  listServices,
  updateService,
  type IngestSettingsPatch,
  type Service,
} from './services.repo.js';

function decodeChangeCursor(cursor: string): { timestamp: string; id: string } {
  const [timestamp, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!timestamp || !id || Number.isNaN(Date.parse(timestamp))) {
    throw new AppError('request.invalid_cursor', 'cursor is not one this server returned', { field: 'cursor' });
  }
  return { timestamp, id };
}

/** The patch as the audit log records it: the Grafana secret only as "set" or "removed", never its value. */
function auditablePatch<P extends IngestSettingsPatch>(patch: P): Record<string, unknown> {
  const { grafanaSecret, ...rest } = patch;
  return grafanaSecret === undefined ? rest : { ...rest, grafanaSecret: grafanaSecret === null ? 'removed' : 'set' };
}

export interface ServicesDeps {
  db: Db;
  clock: Clock;
  /** Resolves an escalation policy reference (id or name) to its id, or throws its 404. */
  policyId?: (ref: string, q: Db) => Promise<string>;
  publish: Publish<ServiceEvents>;
}

/** What the services feature publishes on the app's bus (app.ts wires who reacts). */
export interface ServiceEvents {
  /** After a committed update, key rotation or deletion: caches elsewhere (ingest rate limits) drop the service. */
  'service.changed': { serviceId: string };
}

/** The integration key as shown once: PagerDuty-style, 32 characters of [a-z0-9]. */
export interface WithKey {
  service: Service;
  integrationKey: string;
}

function keyHint(key: string): string {
  return `…${key.slice(-4)}`;
}

export function createServicesService({ db, clock, policyId, publish }: ServicesDeps) {
  /** Policy references in a patch, turned into ids (a missing policy is a 404 naming it). */
  async function policies<P extends IngestSettingsPatch>(q: Db, patch: P): Promise<P> {
    if (!policyId) return patch;
    const out = { ...patch };
    if (patch.escalationPolicyId) out.escalationPolicyId = await policyId(patch.escalationPolicyId, q);
    if (patch.severityPolicies) {
      const map: Partial<Record<string, string>> = {};
      for (const [severity, ref] of Object.entries(patch.severityPolicies))
        if (ref) map[severity] = await policyId(ref, q);
      out.severityPolicies = map;
    }
    return out;
  }

  const changed = (serviceId: string) => void publish('service.changed', { serviceId });

  async function load(ref: string, q: Db = db): Promise<Service> {
    const service = await findService(q, ref);
    if (!service) throw notFound('service', ref);
    return service;
  }

  function nameTaken(name: string): AppError {
    return new AppError('service.already_exists', `a service named "${name}" already exists`, { name });
  }

  return {
    async create(
      actor: Actor,
      input: IngestSettingsPatch & { name: string; description?: string | null | undefined },
    ): Promise<WithKey> {
      authorize(actor, 'service.write');
      const now = clock.now();
      const integrationKey = generateIntegrationKey();
      const service: Service = {
        id: newId('svc', now),
        name: input.name,
        description: input.description ?? null,
        keyHint: keyHint(integrationKey),
        createdAt: now,
        updatedAt: now,
        rules: input.rules ?? null,
        groupingWindowSeconds: input.groupingWindowSeconds ?? null,
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        grafanaSecret: input.grafanaSecret ?? null,
        grafanaSignatureHeader: input.grafanaSignatureHeader ?? null,
        grafanaTimestampHeader: input.grafanaTimestampHeader ?? null,
        escalationPolicyId: null,
        severityPolicies: {},
      };
      try {
        await inTransaction(db, async (trx) => {
          const refs = await policies(trx, input);
          Object.assign(service, {
            escalationPolicyId: refs.escalationPolicyId ?? null,
            severityPolicies: refs.severityPolicies ?? {},
          });
          await insertService(trx, { ...service, keyDigest: digest(integrationKey) });
          await audit(trx, clock, actor, {
            action: 'service.create',
            target: { type: 'service', id: service.id },
            details: { name: service.name },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
      return { service, integrationKey };
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined }) {
      authorize(actor, 'read');
      const rows = await listServices(db, { limit: q.limit + 1, after: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    async get(actor: Actor, ref: string): Promise<Service> {
      authorize(actor, 'read');
      return load(ref);
    },

    async update(
      actor: Actor,
      ref: string,
      patch: IngestSettingsPatch & { name?: string | undefined; description?: string | null | undefined },
    ): Promise<Service> {
      authorize(actor, 'service.write');
      try {
        return await inTransaction(db, async (trx) => {
          const service = await load(ref, trx);
          await updateService(trx, service.id, await policies(trx, patch), clock.now());
          await audit(trx, clock, actor, {
            action: 'service.update',
            target: { type: 'service', id: service.id },
            details: auditablePatch(patch),
          });
          return load(service.id, trx);
        }).then((updated) => {
          changed(updated.id);
          return updated;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(patch.name ?? '');
        throw error;
      }
    },

    /** Deletes a service with no open incidents; resolved incidents keep their history without it. */
    async remove(actor: Actor, ref: string): Promise<void> {
      authorize(actor, 'service.write');
      const id = await inTransaction(db, async (trx) => {
        const service = await load(ref, trx);
        const open = await countOpenIncidents(trx, service.id);
        if (open > 0) {
          throw new AppError(
            'service.in_use',
            `service "${service.name}" has ${open} open incident(s); resolve them first`,
            { open_incidents: open },
          );
        }
        await deleteService(trx, service.id);
        await audit(trx, clock, actor, {
          action: 'service.delete',
          target: { type: 'service', id: service.id },
          details: { name: service.name },
        });
        return service.id;
      });
      changed(id);
    },

    /** Issues a new integration key; the old one stops working at once. */
    async rotateKey(actor: Actor, ref: string): Promise<WithKey> {
      authorize(actor, 'service.write');
      const integrationKey = generateIntegrationKey();
      const service = await inTransaction(db, async (trx) => {
        const found = await load(ref, trx);
        await updateService(
          trx,
          found.id,
          { keyDigest: digest(integrationKey), keyHint: keyHint(integrationKey) },
          clock.now(),
        );
        await audit(trx, clock, actor, { action: 'service.rotate_key', target: { type: 'service', id: found.id } });
        return load(found.id, trx);
      });
      changed(service.id);
      return { service, integrationKey };
    },

    /** The service an integration key routes to, for the ingestion endpoints. */
    /** Starts a maintenance window now (or at `start`) until `end`: alerts are recorded, nothing escalates or pages. */
    async startMaintenance(
      actor: Actor,
      ref: string,
      input: { start?: Date | undefined; end: Date; reason?: string | null | undefined },
    ): Promise<MaintenanceWindow> {
      authorize(actor, 'incident.write');
      const now = clock.now();
      const start = input.start ?? now;
      if (!(input.end > start))
        throw new AppError('maintenance.invalid', 'end: must be after the start', { field: 'end' });
      if (!(input.end > now)) throw new AppError('maintenance.invalid', 'end: must be in the future', { field: 'end' });
      return inTransaction(db, async (trx) => {
        const service = await load(ref, trx);
        const window: MaintenanceWindow = {
          id: newId('mnt', now),
          serviceId: service.id,
          start,
          end: input.end,
          reason: input.reason ?? null,
          createdBy: actor.id,
          createdAt: now,
        };
        await insertMaintenance(trx, window);
        await audit(trx, clock, actor, {
          action: 'service.maintenance_start',
          target: { type: 'service', id: service.id },
          details: { start: start.toISOString(), end: input.end.toISOString(), reason: window.reason },
        });
        return window;
      });
    },

    /** Ends the running window and drops scheduled ones. */
    async endMaintenance(actor: Actor, ref: string): Promise<number> {
      authorize(actor, 'incident.write');
      return inTransaction(db, async (trx) => {
        const service = await load(ref, trx);
        const n = await endMaintenance(trx, service.id, clock.now());
        await audit(trx, clock, actor, {
          action: 'service.maintenance_end',
          target: { type: 'service', id: service.id },
          details: { windows: n },
        });
        return n;
      });
    },

    async maintenance(actor: Actor, ref: string): Promise<MaintenanceWindow[]> {
      authorize(actor, 'read');
      return currentAndComing(db, (await load(ref)).id, clock.now());
    },

    /**
     * Maintenance windows from `start` to `end` on each of `serviceIds`, in the caller's transaction (a
     * status-page maintenance opens them): no permission check, the caller authorized. Returns their ids.
     */
    async openWindows(
      trx: Db,
      serviceIds: readonly string[],
      input: { start: Date; end: Date; reason: string; createdBy: string | null; at: Date },
    ): Promise<string[]> {
      const ids: string[] = [];
      for (const serviceId of serviceIds) {
        const id = newId('mnt', input.at);
        await insertMaintenance(trx, {
          id,
          serviceId,
          start: input.start,
          end: input.end,
          reason: input.reason,
          createdBy: input.createdBy,
          createdAt: input.at,
        });
        ids.push(id);
      }
      return ids;
    },

    /** Ends the windows `openWindows` made (running ones now, future ones dropped), in the caller's transaction. */
    closeWindows: (trx: Db, ids: readonly string[], at: Date): Promise<number> => endWindows(trx, ids, at),

    /** The window covering `at` for the escalation engine, inside its transaction. */
    activeMaintenance: (q: Db, serviceId: string, at: Date) => activeMaintenance(q, serviceId, at),

    /** Every service, for Vigil's own reports (no permission check; callers authorize). */
    all: (): Promise<Service[]> => listServices(db, { limit: 1_000_000 }),

    /** A service by its id, for Vigil's own alert sources (monitors, error tracking); no permission check. */
    byId: (id: string, q: Db = db): Promise<Service | undefined> => findService(q, id),

    async byIntegrationKey(key: string, q: Db = db): Promise<Service | undefined> {
      return findServiceByKeyDigest(q, digest(key));
    },

    /** Stores a change event (deploy, config change) on its service, in the caller's transaction. */
    async recordChange(trx: Db, change: Omit<ChangeEvent, 'id'>): Promise<ChangeEvent> {
      const stored = { ...change, id: newId('chg', change.at) };
      await insertChange(trx, stored);
      return stored;
    },

    /** One change event by its id (no permission check; callers authorize). */
    change: (id: string, q: Db = db): Promise<ChangeEvent | undefined> => findChange(q, id),

    /** A service's change events, newest first. */
    async changes(actor: Actor, ref: string, q: { limit: number; cursor?: string | undefined }) {
      authorize(actor, 'read');
      const service = await load(ref);
      const rows = await listChanges(db, service.id, {
        limit: q.limit + 1,
        before: q.cursor ? decodeChangeCursor(q.cursor) : undefined,
      });
      const data = rows.slice(0, q.limit);
      const last = data.at(-1);
      return {
        data,
        nextCursor:
          rows.length > q.limit && last
            ? Buffer.from(`${last.timestamp.toISOString()}|${last.id}`).toString('base64url')
            : null,
      };
    },

    /** Changes in the `windowMs` before `at`, for the "recent changes" of a new incident. */
    recentChanges(trx: Db, serviceId: string, at: Date, windowMs: number): Promise<ChangeEvent[]> {
      return changesBetween(trx, serviceId, new Date(at.getTime() - windowMs), at, 20);
    },

    load,
  };
}

export type ServicesService = ReturnType<typeof createServicesService>;
