// Maintenance windows: while one is on, a service's alerts are recorded but nothing escalates or pages.
import type { Db } from '../db/database.js';
import type { MaintenanceWindowsTable } from '../db/schema.js';

export interface MaintenanceWindow {
  id: string;
  serviceId: string;
  start: Date;
  end: Date;
  reason: string | null;
  createdBy: string | null;
  createdAt: Date;
}

const toWindow = (r: MaintenanceWindowsTable): MaintenanceWindow => ({
  id: r.id,
  serviceId: r.service_id,
  start: new Date(r.start_at),
  end: new Date(r.end_at),
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
});

export async function insertMaintenance(db: Db, w: MaintenanceWindow): Promise<void> {
  await db
    .insertInto('maintenance_windows')
    .values({
      id: w.id,
      service_id: w.serviceId,
      start_at: w.start.toISOString(),
      end_at: w.end.toISOString(),
      reason: w.reason,
      created_by: w.createdBy,
      created_at: w.createdAt.toISOString(),
    })
    .execute();
}

/** Windows of the service that have not ended by `at` (running or scheduled), soonest first. */
export async function currentAndComing(db: Db, serviceId: string, at: Date): Promise<MaintenanceWindow[]> {
  const rows = await db
    .selectFrom('maintenance_windows')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('end_at', '>', at.toISOString())
    .orderBy('start_at')
    .execute();
  return rows.map(toWindow);
}

/** The window covering `at`, if any (the one ending last, when several overlap). */
export async function activeMaintenance(db: Db, serviceId: string, at: Date): Promise<MaintenanceWindow | undefined> {
  const iso = at.toISOString();
  const row = await db
    .selectFrom('maintenance_windows')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('start_at', '<=', iso)
    .where('end_at', '>', iso)
    .orderBy('end_at', 'desc')
    .executeTakeFirst();
  return row && toWindow(row);
}

/** Ends running windows now and drops scheduled ones; returns how many changed. */
export async function endMaintenance(db: Db, serviceId: string, at: Date): Promise<number> {
  const iso = at.toISOString();
  const ended = await db
    .updateTable('maintenance_windows')
    .set({ end_at: iso })
    .where('service_id', '=', serviceId)
    .where('start_at', '<=', iso)
    .where('end_at', '>', iso)
    .executeTakeFirst();
  const dropped = await db
    .deleteFrom('maintenance_windows')
    .where('service_id', '=', serviceId)
    .where('start_at', '>', iso)
    .executeTakeFirst();
  return Number(ended.numUpdatedRows) + Number(dropped.numDeletedRows);
}

/** Ends the given windows at `at` (running ones end now, ones not started are dropped); returns how many changed. */
export async function endWindows(db: Db, ids: readonly string[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const iso = at.toISOString();
  const ended = await db
    .updateTable('maintenance_windows')
    .set({ end_at: iso })
    .where('id', 'in', [...ids])
    .where('start_at', '<=', iso)
    .where('end_at', '>', iso)
    .executeTakeFirst();
  const dropped = await db
    .deleteFrom('maintenance_windows')
    .where('id', 'in', [...ids])
    .where('start_at', '>', iso)
    .executeTakeFirst();
  return Number(ended.numUpdatedRows) + Number(dropped.numDeletedRows);
}
