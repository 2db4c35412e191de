// How a person can be reached. Delivery is the notifications feature's; this only records the methods.
import type { Db } from '../db/database.js';
import type { ContactMethodsTable } from '../db/schema.js';

export const CONTACT_KINDS = ['email', 'sms', 'voice', 'slack', 'teams', 'mattermost', 'webhook'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export interface ContactMethod {
  id: string;
  userId: string;
  kind: ContactKind;
  address: string;
  verified: boolean;
  /** Signing secret of a webhook destination (never shown after it is set). */
  secret: string | null;
  createdAt: Date;
}

const toMethod = (r: ContactMethodsTable): ContactMethod => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind as ContactKind,
  address: r.address,
  verified: r.verified_at !== null,
  secret: r.secret,
  createdAt: new Date(r.created_at),
});

export async function insertContactMethod(db: Db, m: ContactMethod): Promise<void> {
  await db
    .insertInto('contact_methods')
    .values({
      id: m.id,
      user_id: m.userId,
      kind: m.kind,
      address: m.address,
      verified_at: m.verified ? m.createdAt.toISOString() : null,
      secret: m.secret,
      created_at: m.createdAt.toISOString(),
    })
    .execute();
}

export async function listContactMethods(db: Db, userId: string): Promise<ContactMethod[]> {
  return (await db.selectFrom('contact_methods').selectAll().where('user_id', '=', userId).orderBy('id').execute()).map(
    toMethod,
  );
}

/** A contact method by id, whoever it belongs to (notification rules and delivery look them up). */
export async function findContactMethod(db: Db, id: string): Promise<ContactMethod | undefined> {
  const row = await db.selectFrom('contact_methods').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMethod(row);
}

export async function setContactMethodVerified(db: Db, userId: string, id: string, at: Date | null): Promise<boolean> {
  const result = await db
    .updateTable('contact_methods')
    .set({ verified_at: at?.toISOString() ?? null })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a person's contact method and the notification rules that point at it. */
export async function deleteContactMethod(db: Db, userId: string, id: string): Promise<boolean> {
  const owned = await db
    .selectFrom('contact_methods')
    .select('id')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!owned) return false;
  await db.deleteFrom('notification_rules').where('contact_method_id', '=', id).execute();
  const result = await db
    .deleteFrom('contact_methods')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
