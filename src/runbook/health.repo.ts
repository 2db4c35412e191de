// Read-only figures across features for the health check: open incidents per service, how overdue
// the escalation engine is, how far behind delivery is. Counts and minimums only; changes nothing.
import type { Db } from '../db/database.js';

/** Unresolved incidents per service and severity (service null for incidents without one). */
export async function openIncidentCounts(
  db: Db,
): Promise<Array<{ serviceId: string | null; severity: string; count: number }>> {
  const rows = await db
    .selectFrom('incidents')
    .select((eb) => ['service_id', 'severity', eb.fn.countAll<string | number>().as('count')])
    .where('status', '<>', 'resolved')
    .groupBy(['service_id', 'severity'])
    .execute();
  return rows.map((r) => ({ serviceId: r.service_id, severity: r.severity, count: Number(r.count) }));
}

/** Escalations due at `now` or before, and the oldest due time among them. */
export async function overdueEscalations(db: Db, now: Date): Promise<{ count: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('escalations')
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.min('next_escalation_at').as('oldest')])
    .where('next_escalation_at', '<=', now.toISOString())
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}

/** Notifications due for delivery at `now`, the oldest due time, and how many went dead since `deadSince`. */
export async function outboxBacklog(
  db: Db,
  now: Date,
  deadSince: Date,
): Promise<{ due: number; oldest: Date | null; dead: number }> {
  const due = await db
    .selectFrom('notifications')
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('state', 'in', ['pending', 'failed'])
    .where('next_attempt_at', '<=', now.toISOString())
    .executeTakeFirst();
  const dead = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('state', '=', 'dead')
    .where('created_at', '>=', deadSince.toISOString())
    .executeTakeFirst();
  return { due: Number(due?.n ?? 0), oldest: due?.oldest ? new Date(due.oldest) : null, dead: Number(dead?.n ?? 0) };
}
