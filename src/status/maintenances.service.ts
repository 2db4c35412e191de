// Scheduled maintenance on the status page: announced ahead, then moved by the engine at the times given —
// scheduled → in_progress (the maintenance windows open on the components' services, so nothing pages) →
// verifying (the team checks all is well, for the page's verify minutes) → completed. A responder may
// complete one early (its windows end then) or change its times while it is still scheduled.
import { authorize, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Publish } from '../bus.js';
import type { Clock } from '../clock.js';
import { afterCommit, inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { ServicesService } from '../services/index.js';
import {
  findComponent,
  findMaintenance,
  insertMaintenance,
  listMaintenances,
  openMaintenances,
  updateMaintenance,
  type Maintenance,
  type StatusSettings,
} from './status.repo.js';
import { maintenanceStateAt } from './status.js';
import type { StatusEvents } from './status.service.js';

export interface MaintenanceEvents {
  /** A maintenance was announced or moved to another state (inside its transaction). */
  'status.maintenance_changed': { trx: Db; maintenance: Maintenance; at: Date };
}

export interface MaintenanceInput {
  title: string;
  body: string;
  componentIds: string[];
  startsAt: Date;
  endsAt: Date;
  notifySubscribers?: boolean | undefined;
}

export interface MaintenancesDeps {
  db: Db;
  clock: Clock;
  services: Pick<ServicesService, 'openWindows' | 'closeWindows'>;
  settingsIn: (q: Db) => Promise<StatusSettings>;
  publish: Publish<StatusEvents & MaintenanceEvents>;
}

const DAY_MS = 86_400_000;

export function createMaintenancesService(deps: MaintenancesDeps) {
  const { db, clock, services, settingsIn, publish } = deps;
  const changed = (q: Db) => afterCommit(q, () => void publish('status.changed', {}));

  function checkTimes(startsAt: Date, endsAt: Date): void {
    if (!(endsAt > startsAt))
      throw new AppError('maintenance.invalid', 'ends_at: must be after starts_at', { field: 'ends_at' });
  }

  async function checkComponents(q: Db, ids: readonly string[]): Promise<string[]> {
    const services: string[] = [];
    for (const id of ids) {
      const c = await findComponent(q, id);
      if (!c)
        throw new AppError(
          'status.unknown_component',
          `component_ids: ${JSON.stringify(id)} is not a component id`,
          { field: 'component_ids', component: id },
          'unprocessable',
        );
      services.push(...c.serviceIds);
    }
    return [...new Set(services)];
  }

  /** Moves `m` to the state it should be in at `now`, opening or closing its windows; false if it stays. */
  async function moveIn(trx: Db, m: Maintenance, now: Date): Promise<Maintenance | null> {
    const settings = await settingsIn(trx);
    const state = maintenanceStateAt(m, settings.verifyMinutes * 60_000, now);
    if (state === m.state) return null;
    let windowIds = m.windowIds;
    if (state === 'in_progress' && windowIds.length === 0) {
      const serviceIds = await checkComponents(trx, m.componentIds).catch(() => [] as string[]);
      windowIds = await services.openWindows(trx, serviceIds, {
        start: m.startsAt,
        end: m.endsAt,
        reason: `Scheduled maintenance: ${m.title}`,
        createdBy: null,
        at: now,
      });
    }
    if (state === 'completed' && m.completedAt) await services.closeWindows(trx, windowIds, now);
    const next: Maintenance = { ...m, state, windowIds, updatedAt: now };
    if (!(await updateMaintenance(trx, next, m.state))) return null;
    await publish('status.maintenance_changed', { trx, maintenance: next, at: now });
    changed(trx);
    return next;
  }

  return {
    async create(actor: Actor, input: MaintenanceInput): Promise<Maintenance> {
      authorize(actor, 'incident.write');
      checkTimes(input.startsAt, input.endsAt);
      const now = clock.now();
      if (!(input.endsAt > now))
        throw new AppError('maintenance.invalid', 'ends_at: must be in the future', { field: 'ends_at' });
      return inTransaction(db, async (trx) => {
        await checkComponents(trx, input.componentIds);
        const m: Maintenance = {
          id: newId('smt', now),
          title: input.title.trim(),
          body: input.body.trim(),
          componentIds: [...new Set(input.componentIds)],
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          state: 'scheduled',
          completedAt: null,
          windowIds: [],
          notify: input.notifySubscribers ?? false,
          createdBy: { type: actor.type, id: actor.id, name: actor.name },
          createdAt: now,
          updatedAt: now,
        };
        await insertMaintenance(trx, m);
        await audit(trx, clock, actor, {
          action: 'status.maintenance_create',
          target: { type: 'maintenance', id: m.id },
          details: { title: m.title, starts_at: m.startsAt.toISOString(), ends_at: m.endsAt.toISOString() },
        });
        await publish('status.maintenance_changed', { trx, maintenance: m, at: now });
        // One that starts at once moves on in the same transaction.
        const moved = await moveIn(trx, m, now);
        changed(trx);
        return moved ?? m;
      });
    },

    /** Maintenances not completed, and those completed in the last 90 days, soonest first. */
    async list(actor: Actor): Promise<Maintenance[]> {
      authorize(actor, 'read');
      return listMaintenances(db, new Date(clock.now().getTime() - 90 * DAY_MS));
    },

    async get(actor: Actor, id: string): Promise<Maintenance> {
      authorize(actor, 'read');
      const m = await findMaintenance(db, id);
      if (!m) throw notFound('maintenance', id);
      return m;
    },

    /** Changes a scheduled maintenance's text or times, or completes one early (`complete: true`). */
    async update(
      actor: Actor,
      id: string,
      patch: Partial<Omit<MaintenanceInput, 'notifySubscribers'>> & { complete?: boolean | undefined },
    ): Promise<Maintenance> {
      authorize(actor, 'incident.write');
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        const m = await findMaintenance(trx, id);
        if (!m) throw notFound('maintenance', id);
        if (m.state === 'completed')
          throw new AppError('maintenance.invalid_transition', 'it is completed already', { state: m.state });
        const retimed = patch.startsAt !== undefined || patch.endsAt !== undefined || patch.componentIds !== undefined;
        if (retimed && m.state !== 'scheduled')
          throw new AppError(
            'maintenance.invalid_transition',
            `its times and components can change only while it is scheduled (it is ${m.state})`,
            { state: m.state },
          );
        const next: Maintenance = {
          ...m,
          ...(patch.title !== undefined && { title: patch.title.trim() }),
          ...(patch.body !== undefined && { body: patch.body.trim() }),
          ...(patch.startsAt !== undefined && { startsAt: patch.startsAt }),
          ...(patch.endsAt !== undefined && { endsAt: patch.endsAt }),
          ...(patch.componentIds !== undefined && { componentIds: [...new Set(patch.componentIds)] }),
          ...(patch.complete && { completedAt: now }),
          updatedAt: now,
        };
        checkTimes(next.startsAt, next.endsAt);
        if (patch.componentIds) await checkComponents(trx, patch.componentIds);
        if (!(await updateMaintenance(trx, next, m.state)))
          throw new AppError('maintenance.conflict', 'it changed meanwhile; load it again', { id });
        await audit(trx, clock, actor, {
          action: 'status.maintenance_update',
          target: { type: 'maintenance', id },
          details: { ...patch },
        });
        const moved = await moveIn(trx, next, now);
        changed(trx);
        return moved ?? next;
      });
    },

    /** Moves every maintenance whose time has come (the engine's status-maintenance sweep). */
    async sweep(): Promise<number> {
      const now = clock.now();
      let n = 0;
      for (const m of await openMaintenances(db)) {
        const moved = await inTransaction(db, async (trx) => {
          const fresh = await findMaintenance(trx, m.id);
          return fresh ? moveIn(trx, fresh, now) : null;
        });
        if (moved) {
          n++;
          await audit(db, clock, SYSTEM_ACTOR, {
            action: 'status.maintenance_moved',
            target: { type: 'maintenance', id: m.id },
            details: { state: moved.state },
          });
        }
      }
      return n;
    },
  };
}

export type MaintenancesService = ReturnType<typeof createMaintenancesService>;
