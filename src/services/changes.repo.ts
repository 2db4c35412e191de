// Change events (deploys, config changes) stored on their service; they never page.
import type { Db } from '../db/database.js';
import type { ChangeEventsTable } from '../db/schema.js';

export interface ChangeEvent {
  id: string;
  serviceId: string;
  /** When Vigil received it. */
  at: Date;
  /** When the change happened, as the sender said (or when received). */
  timestamp: Date;
  summary: string;
  source: string | null;
  details: { custom_details?: unknown; links?: unknown };
}

function toChange(r: ChangeEventsTable): ChangeEvent {
  return {
    id: r.id,
    serviceId: r.service_id,
    at: new Date(r.at),
    timestamp: new Date(r.timestamp),
    summary: r.summary,
    source: r.source,
    details: JSON.parse(r.details) as ChangeEvent['details'],
  };
}

export async function insertChange(db: Db, c: ChangeEvent): Promise<void> {
  await db
    .insertInto('change_events')
    .values({
      id: c.id,
      service_id: c.serviceId,
      at: c.at.toISOString(),
      timestamp: c.timestamp.toISOString(),
      summary: c.summary,
      source: c.source,
      details: JSON.stringify(c.details),
    })
    .execute();
}

/** Newest first by change time; `before` is the id of the last change of the previous page. */
export async function listChanges(
  db: Db,
  serviceId: string,
  q: { limit: number; before?: { timestamp: string; id: string } | undefined },
): Promise<ChangeEvent[]> {
  let query = db
    .selectFrom('change_events')
    .selectAll()
    .where('service_id', '=', serviceId)
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit);
  const before = q.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('timestamp', '<', before.timestamp),
        eb.and([eb('timestamp', '=', before.timestamp), eb('id', '<', before.id)]),
      ]),
    );
  }
  return (await query.execute()).map(toChange);
}

/** Changes of a service that happened in [from, to], newest first, at most `limit`. */
export async function changesBetween(
  db: Db,
  serviceId: string,
  from: Date,
  to: Date,
  limit: number,
): Promise<ChangeEvent[]> {
  const rows = await db
    .selectFrom('change_events')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('timestamp', '>=', from.toISOString())
    .where('timestamp', '<=', to.toISOString())
    .orderBy('timestamp', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toChange);
}

export async function findChange(db: Db, id: string): Promise<ChangeEvent | undefined> {
  const row = await db.selectFrom('change_events').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toChange(row);
}
