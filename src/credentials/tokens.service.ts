// Issuing, listing, revoking and checking API tokens. A token is shown once, at creation.
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { UsersService } from '../users/index.js';
import { authorize, type Actor, type TokenRole } from '../access/index.js';
import { digest, generateToken, hintOf } from '../access/index.js';
import {
  findLiveByDigest,
  findToken,
  insertToken,
  listTokens,
  markRevoked,
  touchLastUsed,
  type Token,
} from './tokens.repo.js';

/** Last use is written at most this often per token, so reads do not each cost a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface TokensDeps {
  db: Db;
  clock: Clock;
  users: UsersService;
}

export function createTokensService({ db, clock, users }: TokensDeps) {
  return {
    /** Issues a token for a user; the returned secret is never retrievable again. */
    async create(
      actor: Actor,
      input: { user: string; role: TokenRole; name?: string | undefined },
    ): Promise<{ token: Token; secret: string }> {
      authorize(actor, 'token.write');
      return inTransaction(db, async (trx) => {
        const user = await users.load(input.user, trx);
        if (user.deactivatedAt)
          throw new AppError('user.deactivated', `user "${user.handle}" is deactivated`, { user: user.handle });
        const now = clock.now();
        const secret = generateToken();
        const id = newId('tok', now);
        const name = input.name ?? `${input.role} token for ${user.handle}`;
        await insertToken(trx, {
          id,
          userId: user.id,
          name,
          role: input.role,
          kind: 'api',
          digest: digest(secret),
          hint: hintOf(secret),
          createdAt: now,
          lastUsedAt: null,
          revokedAt: null,
        });
        await audit(trx, clock, actor, {
          action: 'token.create',
          target: { type: 'token', id },
          details: { user: user.handle, role: input.role, name },
        });
        const token = await findToken(trx, id);
        if (!token) throw new AppError('token.internal', 'token vanished after insert');
        return { token, secret };
      });
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined; user?: string | undefined }) {
      authorize(actor, 'token.write');
      const userId = q.user ? (await users.load(q.user)).id : undefined;
      const rows = await listTokens(db, { limit: q.limit + 1, after: q.cursor, userId });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    /** Revokes a token at once; revoking twice is harmless and answers the same. */
    async revoke(actor: Actor, id: string): Promise<Token> {
      authorize(actor, 'token.write');
      return inTransaction(db, async (trx) => {
        const token = await findToken(trx, id);
        if (!token) throw notFound('token', id);
        if (!token.revokedAt) {
          await markRevoked(trx, id, clock.now());
          await audit(trx, clock, actor, {
            action: 'token.revoke',
            target: { type: 'token', id },
            details: { user: token.userHandle },
          });
        }
        return (await findToken(trx, id)) as Token;
      });
    },

    /** The actor a bearer secret stands for, or undefined when it is unknown, revoked or its user deactivated. */
    async authenticate(secret: string, requestId?: string): Promise<Actor | undefined> {
      const found = await findLiveByDigest(db, digest(secret));
      if (!found) return undefined;
      const { token } = found;
      const now = clock.now();
      if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        await touchLastUsed(db, token.id, now);
      }
      return {
        type: 'user',
        id: token.userId,
        name: token.userHandle,
        role: token.role,
        ...(token.userPrivacy && { privacy: true }),
        tokenId: token.id,
        ...(requestId && { requestId }),
      };
    },
  };
}

export type TokensService = ReturnType<typeof createTokensService>;
