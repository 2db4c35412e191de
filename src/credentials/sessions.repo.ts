// Sessions and password digests. Session secrets never reach this file (only their digests), and a
// password digest leaves it only towards sessions.service.ts for verification, never in a User.
import type { Db } from '../db/database.js';
import type { SessionsTable } from '../db/schema.js';
import type { TokenRole } from '../access/index.js';

export interface Session {
  id: string;
  userId: string;
  userHandle: string;
  /** The person's privacy flag (GDPR personal data). */
  userPrivacy: boolean;
  role: TokenRole;
  tokenId: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute end; the idle end is lastSeenAt + the idle timeout. */
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

const toSession = (r: SessionsTable & { handle: string; privacy: number | null | undefined }): Session => ({
  id: r.id,
  userId: r.user_id,
  userHandle: r.handle,
  userPrivacy: Number(r.privacy ?? 0) === 1,
  role: r.role as TokenRole,
  tokenId: r.token_id,
  createdAt: new Date(r.created_at),
  lastSeenAt: new Date(r.last_seen_at),
  expiresAt: new Date(r.expires_at),
  userAgent: r.user_agent,
  ip: r.ip,
});

export async function insertSession(
  db: Db,
  s: Omit<Session, 'userHandle' | 'userPrivacy'> & { digest: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      digest: s.digest,
      user_id: s.userId,
      role: s.role,
      token_id: s.tokenId,
      created_at: s.createdAt.toISOString(),
      last_seen_at: s.lastSeenAt.toISOString(),
      expires_at: s.expiresAt.toISOString(),
      user_agent: s.userAgent,
      ip: s.ip,
    })
    .execute();
}

/** The session with this digest whose user is active and whose token (if it came from one) is live. */
export async function findLiveSession(db: Db, digest: string): Promise<Session | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('api_tokens', 'api_tokens.id', 'sessions.token_id')
    .selectAll('sessions')
    .select(['users.handle', 'users.privacy'])
    .where('sessions.digest', '=', digest)
    .where('users.deactivated_at', 'is', null)
    .where((eb) => eb.or([eb('sessions.token_id', 'is', null), eb('api_tokens.revoked_at', 'is', null)]))
    .executeTakeFirst();
  return row && toSession(row);
}

export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at.toISOString() }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionByDigest(db: Db, digest: string): Promise<void> {
  await db.deleteFrom('sessions').where('digest', '=', digest).execute();
}

/** Ends every session of a user except `keep` (the one changing its own password). */
export async function deleteUserSessions(db: Db, userId: string, keep?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keep) query = query.where('id', '!=', keep);
  return Number((await query.executeTakeFirst()).numDeletedRows);
}

/** Drops a user's sessions that ended by time (run at sign-in, so rows do not pile up). */
export async function deleteExpiredSessions(db: Db, userId: string, now: Date, idleMs: number): Promise<void> {
  const idleSince = new Date(now.getTime() - idleMs).toISOString();
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<=', idleSince)]))
    .execute();
}

export interface PasswordRecord {
  userId: string;
  handle: string;
  active: boolean;
  digest: string | null;
}

/** A person's password digest by handle (exact) or id, for verification only. */
export async function findPassword(db: Db, ref: string): Promise<PasswordRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'handle', 'deactivated_at', 'password_digest'])
    .where((eb) => eb.or([eb('id', '=', ref), eb('handle', '=', ref)]))
    .executeTakeFirst();
  return (
    row && {
      userId: row.id,
      handle: row.handle,
      active: row.deactivated_at === null,
      digest: row.password_digest ?? null,
    }
  );
}

export async function setPasswordDigest(db: Db, userId: string, digest: string, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_digest: digest, password_changed_at: at.toISOString() })
    .where('id', '=', userId)
    .execute();
}

/** The roles of a person's live API tokens: a password sign-in takes the highest. */
export async function liveTokenRoles(db: Db, userId: string): Promise<TokenRole[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select('role')
    .distinct()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map((r) => r.role as TokenRole);
}
