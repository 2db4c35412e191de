// API tokens, stored as digests. The plaintext never reaches this file.
import type { Db } from '../db/database.js';
import type { ApiTokensTable } from '../db/schema.js';
import type { TokenRole } from '../access/index.js';

export interface Token {
  id: string;
  userId: string;
  userHandle: string;
  /** The owner's privacy flag (GDPR personal data). */
  userPrivacy: boolean;
  name: string;
  role: TokenRole;
  kind: 'api' | 'bootstrap';
  hint: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

type Row = ApiTokensTable & { handle: string; privacy: number | null | undefined };

function toToken(r: Row): Token {
  return {
    id: r.id,
    userId: r.user_id,
    userHandle: r.handle,
    userPrivacy: Number(r.privacy ?? 0) === 1,
    name: r.name,
    role: r.role as TokenRole,
    kind: r.kind as Token['kind'],
    hint: r.hint,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  };
}

function base(db: Db) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('api_tokens')
    .select(['users.handle', 'users.privacy']);
}

export async function insertToken(
  db: Db,
  t: Omit<Token, 'userHandle' | 'userPrivacy'> & { digest: string },
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: t.id,
      user_id: t.userId,
      name: t.name,
      role: t.role,
      kind: t.kind,
      digest: t.digest,
      hint: t.hint,
      created_at: t.createdAt.toISOString(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

export async function findToken(db: Db, id: string): Promise<Token | undefined> {
  const row = await base(db).where('api_tokens.id', '=', id).executeTakeFirst();
  return row && toToken(row);
}

export async function listTokens(
  db: Db,
  q: { limit: number; after?: string | undefined; userId?: string | undefined },
): Promise<Token[]> {
  let query = base(db).orderBy('api_tokens.id', 'desc').limit(q.limit);
  if (q.after) query = query.where('api_tokens.id', '<', q.after);
  if (q.userId) query = query.where('api_tokens.user_id', '=', q.userId);
  return (await query.execute()).map(toToken);
}

export interface Credential {
  token: Token;
  userName: string;
}

/** The live token with this digest whose owner is active, if any. */
export async function findLiveByDigest(db: Db, digest: string): Promise<Credential | undefined> {
  const row = await base(db)
    .select('users.name as user_name')
    .where('api_tokens.digest', '=', digest)
    .where('api_tokens.revoked_at', 'is', null)
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst();
  return row && { token: toToken(row), userName: row.user_name };
}

export async function markRevoked(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: at.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function touchLastUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at.toISOString() }).where('id', '=', id).execute();
}

/**
 * Points the single bootstrap token at `digest`, creating it on first start; the previous bootstrap secret stops
 * working.
 */
export async function upsertBootstrapToken(
  db: Db,
  t: { id: string; userId: string; digest: string; hint: string; at: Date },
): Promise<'created' | 'updated' | 'unchanged'> {
  const existing = await db
    .selectFrom('api_tokens')
    .select(['id', 'digest'])
    .where('kind', '=', 'bootstrap')
    .executeTakeFirst();
  if (!existing) {
    await insertToken(db, {
      id: t.id,
      userId: t.userId,
      name: 'bootstrap admin token',
      role: 'admin',
      kind: 'bootstrap',
      digest: t.digest,
      hint: t.hint,
      createdAt: t.at,
      lastUsedAt: null,
      revokedAt: null,
    });
    return 'created';
  }
  if (existing.digest === t.digest) return 'unchanged';
  await db
    .updateTable('api_tokens')
    .set({ digest: t.digest, hint: t.hint, revoked_at: null })
    .where('id', '=', existing.id)
    .execute();
  return 'updated';
}

/** Active people holding a live admin token: who hears about a policy that reached nobody. */
export async function adminUserIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select('users.id')
    .distinct()
    .where('api_tokens.role', '=', 'admin')
    .where('api_tokens.revoked_at', 'is', null)
    .where('users.deactivated_at', 'is', null)
    .orderBy('users.id')
    .execute();
  return rows.map((r) => r.id);
}
