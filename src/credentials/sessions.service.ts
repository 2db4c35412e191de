// Signing in and out, browser sessions, and passwords. A session is a random secret in the
// vigil_session cookie; the row keeps its digest, the user, the role it was granted and when it ends
// (12 hours without a request, 7 days after sign-in, whichever comes first).
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { User, UsersService } from '../users/index.js';
import { authorize, can, TOKEN_ROLES, type Actor, type TokenRole } from '../access/index.js';
import { Brake } from '../access/index.js';
import { checkPassword, hashPassword, verifyDummy, verifyPassword } from '../access/index.js';
import { digest } from '../access/index.js';
import { csrfTokenOf, generateSessionSecret } from '../access/index.js';
import {
  deleteExpiredSessions,
  deleteSession,
  deleteSessionByDigest,
  deleteUserSessions,
  findLiveSession,
  findPassword,
  insertSession,
  liveTokenRoles,
  setPasswordDigest,
  touchSession,
  type Session,
} from './sessions.repo.js';
import type { TokensService } from './tokens.service.js';

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 24 * 3600_000;
/** Last-seen is written at most this often per session, so reads do not each cost a write. */
const TOUCH_RESOLUTION_MS = 60_000;
const USER_AGENT_MAX = 512;

export interface SessionsDeps {
  db: Db;
  clock: Clock;
  users: UsersService;
  tokens: TokensService;
}

export type Credentials = { handle: string; password: string } | { token: string };

export interface ClientInfo {
  ip: string;
  userAgent?: string | undefined;
  /** The session secret the browser already holds, replaced by the new one. */
  previousSecret?: string | undefined;
  /** For the audit row. */
  requestId?: string | undefined;
}

export interface SignedIn {
  user: User;
  session: Session;
  /** The cookie value; shown to the browser only. */
  secret: string;
  csrfToken: string;
}

const invalidCredentials = () =>
  new AppError('session.invalid_credentials', 'wrong handle, password or token', undefined, 'unauthorized');
const braked = (seconds: number) =>
  new AppError(
    'session.rate_limited',
    `too many failed attempts; try again in ${seconds} s`,
    { retry_after_s: seconds },
    'rate_limited',
  );

/** When the session ends if no further request comes. */
export function idleEnd(session: Session): Date {
  return new Date(Math.min(session.lastSeenAt.getTime() + SESSION_IDLE_MS, session.expiresAt.getTime()));
}

function highest(roles: TokenRole[]): TokenRole {
  for (const role of [...TOKEN_ROLES]) if (roles.includes(role)) return role;
  // Someone with a password and no live token may look but not act.
  return 'viewer';
}

export function createSessionsService({ db, clock, users, tokens }: SessionsDeps) {
  const brake = new Brake();
  const handleKey = (handle: string) => `handle:${handle.toLowerCase()}`;

  /** Who the credentials stand for, or undefined; unknown handles cost one argon2 verification too. */
  async function resolve(
    credentials: Credentials,
  ): Promise<{ userId: string; role: TokenRole; tokenId: string | null } | undefined> {
    if ('token' in credentials) {
      const actor = await tokens.authenticate(credentials.token);
      return actor?.id ? { userId: actor.id, role: actor.role, tokenId: actor.tokenId ?? null } : undefined;
    }
    const record = await findPassword(db, credentials.handle);
    if (!record?.digest || !record.active) return verifyDummy(credentials.password).then(() => undefined);
    if (!(await verifyPassword(record.digest, credentials.password))) return undefined;
    return { userId: record.userId, role: highest(await liveTokenRoles(db, record.userId)), tokenId: null };
  }

  return {
    /**
     * Signs in with a handle and password or with any API token (its role). Wrong credentials of any
     * kind answer the same 401; 10 failures per handle or per IP within 15 minutes brake with a 429.
     */
    async signIn(credentials: Credentials, client: ClientInfo): Promise<SignedIn> {
      const keys = [`ip:${client.ip}`, ...('handle' in credentials ? [handleKey(credentials.handle)] : [])];
      const wait = brake.retryAfter(keys, clock.now());
      if (wait > 0) throw braked(wait);
      const who = await resolve(credentials);
      const now = clock.now();
      if (!who) {
        brake.fail(keys, now);
        throw invalidCredentials();
      }
      if ('handle' in credentials) brake.clear(handleKey(credentials.handle));
      const secret = generateSessionSecret();
      const session: Session = {
        id: newId('ses', now),
        userId: who.userId,
        userHandle: '',
        userPrivacy: false,
        role: who.role,
        tokenId: who.tokenId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + SESSION_MAX_MS),
        userAgent: client.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        ip: client.ip,
      };
      const user = await users.load(who.userId);
      const actor: Actor = {
        type: 'user',
        id: user.id,
        name: user.handle,
        role: who.role,
        ...(user.privacy && { privacy: true }),
        ...(client.requestId && { requestId: client.requestId }),
      };
      await inTransaction(db, async (trx) => {
        if (client.previousSecret) await deleteSessionByDigest(trx, digest(client.previousSecret));
        await deleteExpiredSessions(trx, who.userId, now, SESSION_IDLE_MS);
        await insertSession(trx, { ...session, digest: digest(secret) });
        await audit(trx, clock, actor, {
          action: 'session.sign_in',
          target: { type: 'session', id: session.id },
          details: { method: 'token' in credentials ? 'token' : 'password', role: who.role, ip: client.ip },
        });
      });
      return {
        user,
        session: { ...session, userHandle: user.handle, userPrivacy: user.privacy },
        secret,
        csrfToken: csrfTokenOf(secret),
      };
    },

    /** The actor and session a cookie secret stands for, or undefined when unknown, ended, or its user deactivated. */
    async authenticate(secret: string, requestId?: string): Promise<{ actor: Actor; session: Session } | undefined> {
      const session = await findLiveSession(db, digest(secret));
      if (!session) return undefined;
      const now = clock.now();
      if (now >= session.expiresAt || now.getTime() - session.lastSeenAt.getTime() >= SESSION_IDLE_MS) {
        await deleteSession(db, session.id);
        return undefined;
      }
      if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS) {
        await touchSession(db, session.id, now);
        session.lastSeenAt = now;
      }
      const actor: Actor = {
        type: 'user',
        id: session.userId,
        name: session.userHandle,
        role: session.role,
        ...(session.userPrivacy && { privacy: true }),
        ...(requestId && { requestId }),
      };
      return { actor, session };
    },

    /** Ends one session (signing out); ending it twice is harmless. */
    async signOut(actor: Actor, sessionId: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        await deleteSession(trx, sessionId);
        await audit(trx, clock, actor, { action: 'session.sign_out', target: { type: 'session', id: sessionId } });
      });
    },

    /**
     * Sets a password. Admins set or reset anyone's without the current one, ending that person's
     * sessions; others change only their own and must give the current password. The session
     * making the change (if any) stays signed in.
     */
    async setPassword(
      actor: Actor,
      ref: string,
      input: { password: string; currentPassword?: string | undefined },
      currentSessionId?: string,
    ): Promise<User> {
      const user = await users.load(ref);
      const self = user.id === actor.id;
      if (!can(actor.role, 'user.write')) {
        if (!self) authorize(actor, 'user.write');
        if (input.currentPassword === undefined)
          throw new AppError(
            'user.current_password_required',
            'current_password is required to change your own password',
            { field: 'current_password' },
          );
        const key = handleKey(user.handle);
        const wait = brake.retryAfter([key], clock.now());
        if (wait > 0) throw braked(wait);
        const record = await findPassword(db, user.id);
        if (!record?.digest || !(await verifyPassword(record.digest, input.currentPassword))) {
          brake.fail([key], clock.now());
          throw new AppError('user.wrong_current_password', 'current_password is not your current password', {
            field: 'current_password',
          });
        }
      }
      checkPassword(input.password);
      const passwordDigest = await hashPassword(input.password);
      await inTransaction(db, async (trx) => {
        const now = clock.now();
        await setPasswordDigest(trx, user.id, passwordDigest, now);
        const ended = await deleteUserSessions(trx, user.id, self ? currentSessionId : undefined);
        await audit(trx, clock, actor, {
          action: 'user.password_set',
          target: { type: 'user', id: user.id },
          details: { handle: user.handle, by: self ? 'self' : 'admin', sessions_ended: ended },
        });
      });
      return user;
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
