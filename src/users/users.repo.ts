// People who own tokens and take incident roles.
import type { Db } from '../db/database.js';
import type { UsersTable } from '../db/schema.js';

export interface User {
  id: string;
  handle: string;
  name: string;
  email: string;
  /** IANA zone, e.g. "Europe/Berlin"; shifts and pages are shown to the person in it. */
  timezone: string;
  createdAt: Date;
  updatedAt: Date;
  deactivatedAt: Date | null;
  /** May read and change the GDPR module's personal data (with the responder role or above). */
  privacy: boolean;
}

function toUser(r: UsersTable): User {
  return {
    id: r.id,
    handle: r.handle,
    name: r.name,
    email: r.email,
    timezone: r.timezone,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    deactivatedAt: r.deactivated_at ? new Date(r.deactivated_at) : null,
    privacy: Number(r.privacy ?? 0) === 1,
  };
}

export async function insertUser(db: Db, user: User): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      handle: user.handle,
      name: user.name,
      email: user.email,
      timezone: user.timezone,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
      deactivated_at: null,
      privacy: user.privacy ? 1 : 0,
    })
    .execute();
}

/** Finds a user by id or by handle. */
export async function findUser(db: Db, ref: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('handle', '=', ref)]))
    .executeTakeFirst();
  return row && toUser(row);
}

/** Users whose email or name is `text`, ignoring case (a person typing who they are). */
export async function findUsersByEmailOrName(db: Db, text: string): Promise<User[]> {
  const lower = text.toLowerCase();
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb(eb.fn('lower', ['email']), '=', lower), eb(eb.fn('lower', ['name']), '=', lower)]))
    .orderBy('id')
    .limit(10)
    .execute();
  return rows.map(toUser);
}

export async function listUsers(db: Db, q: { limit: number; after?: string | undefined }): Promise<User[]> {
  let query = db.selectFrom('users').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.after) query = query.where('id', '<', q.after);
  return (await query.execute()).map(toUser);
}

export async function updateUser(
  db: Db,
  id: string,
  patch: {
    name?: string | undefined;
    email?: string | undefined;
    handle?: string | undefined;
    timezone?: string | undefined;
    deactivatedAt?: Date | null;
    privacy?: boolean | undefined;
  },
  at: Date,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.email !== undefined && { email: patch.email }),
      ...(patch.handle !== undefined && { handle: patch.handle }),
      ...(patch.timezone !== undefined && { timezone: patch.timezone }),
      ...(patch.deactivatedAt !== undefined && { deactivated_at: patch.deactivatedAt?.toISOString() ?? null }),
      ...(patch.privacy !== undefined && { privacy: patch.privacy ? 1 : 0 }),
      updated_at: at.toISOString(),
    })
    .where('id', '=', id)
    .execute();
}
