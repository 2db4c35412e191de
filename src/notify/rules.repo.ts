// Per-person notification rules: which contact method, how long after being paged.
import type { Db } from '../db/database.js';

export interface NotificationRule {
  id: string;
  userId: string;
  contactMethodId: string;
  delaySeconds: number;
  createdAt: Date;
}

export async function insertRule(db: Db, r: NotificationRule): Promise<void> {
  await db
    .insertInto('notification_rules')
    .values({
      id: r.id,
      user_id: r.userId,
      contact_method_id: r.contactMethodId,
      delay_seconds: r.delaySeconds,
      created_at: r.createdAt.toISOString(),
    })
    .execute();
}

/** A person's rules, soonest first. */
export async function rulesOf(db: Db, userId: string): Promise<NotificationRule[]> {
  const rows = await db
    .selectFrom('notification_rules')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('delay_seconds')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    contactMethodId: r.contact_method_id,
    delaySeconds: Number(r.delay_seconds),
    createdAt: new Date(r.created_at),
  }));
}

export async function deleteRule(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('notification_rules')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
