// Registered PostgreSQL databases (for database-scalability), their connection strings sealed.
import type { Db } from '../db/database.js';
import type { MonitoredDatabasesTable } from '../db/schema.js';

export interface MonitoredDatabase {
  id: string;
  name: string;
  location: string;
  urlSealed: string;
  createdAt: Date;
}

const toDatabase = (r: MonitoredDatabasesTable): MonitoredDatabase => ({
  id: r.id,
  name: r.name,
  location: r.location,
  urlSealed: r.url_sealed,
  createdAt: new Date(r.created_at),
});

export async function insertDatabase(db: Db, d: MonitoredDatabase): Promise<void> {
  await db
    .insertInto('monitored_databases')
    .values({
      id: d.id,
      name: d.name,
      location: d.location,
      url_sealed: d.urlSealed,
      created_at: d.createdAt.toISOString(),
    })
    .execute();
}

/** By id or by name. */
export async function findDatabase(db: Db, ref: string): Promise<MonitoredDatabase | undefined> {
  const row = await db
    .selectFrom('monitored_databases')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .executeTakeFirst();
  return row && toDatabase(row);
}

export async function listDatabases(db: Db): Promise<MonitoredDatabase[]> {
  return (await db.selectFrom('monitored_databases').selectAll().orderBy('name').execute()).map(toDatabase);
}

export async function deleteDatabase(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('monitored_databases').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
