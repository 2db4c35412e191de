// Managing people: admins create, edit and deactivate users; everyone signed in may list them.
import { authorize, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import {
  deleteContactMethod,
  insertContactMethod,
  listContactMethods,
  setContactMethodVerified,
  type ContactKind,
  type ContactMethod,
} from './contact-methods.repo.js';
import { findUser, findUsersByEmailOrName, insertUser, listUsers, updateUser, type User } from './users.repo.js';

export interface UsersDeps {
  db: Db;
  clock: Clock;
}

export interface NewUser {
  handle: string;
  name: string;
  email: string;
  /** IANA zone; UTC when not given. */
  timezone?: string | undefined;
  /** May read and change the GDPR module's personal data (see access/actor.ts authorizePrivacy). */
  privacy?: boolean | undefined;
}

export function createUsersService({ db, clock }: UsersDeps) {
  async function load(ref: string, q: Db = db): Promise<User> {
    const user = await findUser(q, ref);
    if (!user) throw notFound('user', ref);
    return user;
  }

  return {
    /** Creates a user; the handle is unique. */
    async create(actor: Actor, input: NewUser): Promise<User> {
      authorize(actor, 'user.write');
      const now = clock.now();
      const user: User = {
        id: newId('usr', now),
        ...input,
        timezone: input.timezone ?? 'UTC',
        privacy: input.privacy ?? false,
        createdAt: now,
        updatedAt: now,
        deactivatedAt: null,
      };
      try {
        await inTransaction(db, async (trx) => {
          await insertUser(trx, user);
          await audit(trx, clock, actor, {
            action: 'user.create',
            target: { type: 'user', id: user.id },
            details: { handle: user.handle },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw handleTaken(input.handle);
        throw error;
      }
      return user;
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined }) {
      authorize(actor, 'read');
      const rows = await listUsers(db, { limit: q.limit + 1, after: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    async get(actor: Actor, ref: string): Promise<User> {
      authorize(actor, 'read');
      return load(ref);
    },

    /** Changes name, email or handle; `active: false` deactivates, which stops the user's tokens at once. */
    async update(actor: Actor, ref: string, patch: Partial<NewUser> & { active?: boolean | undefined }): Promise<User> {
      authorize(actor, 'user.write');
      try {
        return await inTransaction(db, async (trx) => {
          const user = await load(ref, trx);
          if (patch.active === false && user.id === actor.id) {
            throw new AppError('user.conflict', 'you cannot deactivate yourself; another admin must do it', {
              user: user.handle,
            });
          }
          const now = clock.now();
          const deactivatedAt =
            patch.active === undefined ? undefined : patch.active ? null : (user.deactivatedAt ?? now);
          await updateUser(
            trx,
            user.id,
            {
              name: patch.name,
              email: patch.email,
              handle: patch.handle,
              timezone: patch.timezone,
              privacy: patch.privacy,
              ...(deactivatedAt !== undefined && { deactivatedAt }),
            },
            now,
          );
          await audit(trx, clock, actor, {
            action: 'user.update',
            target: { type: 'user', id: user.id },
            details: { ...patch },
          });
          return load(user.id, trx);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw handleTaken(patch.handle ?? '');
        throw error;
      }
    },

    /** Resolves a user reference (id or handle) for other features, e.g. role assignment. */
    load,
    /** The same without the 404: undefined when no user has this id or handle. */
    find: (ref: string, q: Db = db) => findUser(q, ref),

    /**
     * The one person `text` names: an id or handle, else an email or full name (any case). Unknown
     * or ambiguous is an error naming the candidates, never a guess.
     */
    async identify(text: string): Promise<User> {
      const exact = await findUser(db, text);
      if (exact) return exact;
      const found = await findUsersByEmailOrName(db, text);
      if (found.length === 0)
        throw new AppError('user.not_found', `no user has the id, handle, email or name ${JSON.stringify(text)}`, {
          user: text,
        });
      if (found.length > 1)
        throw new AppError(
          'user.ambiguous',
          `${JSON.stringify(text)} names ${found.length} users ` +
            `(${found.map((u) => u.handle).join(', ')}); use a handle`,
          { candidates: found.map((u) => u.handle) },
        );
      return found[0] as User;
    },

    /** A person manages their own contact methods; admins anyone's. */
    async addContactMethod(
      actor: Actor,
      ref: string,
      input: { kind: ContactKind; address: string; secret?: string | undefined },
      checkAddress?: (kind: ContactKind, address: string) => void,
    ): Promise<ContactMethod> {
      const user = await load(ref);
      if (user.id !== actor.id) authorize(actor, 'user.write');
      const now = clock.now();
      checkAddress?.(input.kind, input.address);
      const method: ContactMethod = {
        id: newId('cm', now),
        userId: user.id,
        kind: input.kind,
        address: input.address,
        verified: false,
        secret: input.secret ?? null,
        createdAt: now,
      };
      try {
        await inTransaction(db, async (trx) => {
          await insertContactMethod(trx, method);
          await audit(trx, clock, actor, {
            action: 'user.contact_method_add',
            target: { type: 'user', id: user.id },
            details: { id: method.id, kind: method.kind },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('contact_method.already_exists', `${user.handle} already has this ${input.kind} address`, {
            kind: input.kind,
          });
        throw error;
      }
      return method;
    },

    /** Addresses are personal: a person sees their own, admins anyone's. */
    async contactMethods(actor: Actor, ref: string): Promise<ContactMethod[]> {
      authorize(actor, 'read');
      const user = await load(ref);
      if (user.id !== actor.id) authorize(actor, 'user.write');
      return listContactMethods(db, user.id);
    },

    /** A person's contact methods for delivery (no authorization: the caller is the notification engine). */
    contactMethodsOf: (userId: string, q: Db = db) => listContactMethods(q, userId),

    /** Marks a method verified (admins, until the notifications feature verifies by a code). */
    async verifyContactMethod(actor: Actor, ref: string, id: string, verified: boolean): Promise<ContactMethod> {
      authorize(actor, 'user.write');
      const user = await load(ref);
      if (!(await setContactMethodVerified(db, user.id, id, verified ? clock.now() : null)))
        throw notFound('contact_method', id);
      const method = (await listContactMethods(db, user.id)).find((m) => m.id === id);
      if (!method) throw notFound('contact_method', id);
      return method;
    },

    async removeContactMethod(actor: Actor, ref: string, id: string): Promise<void> {
      const user = await load(ref);
      if (user.id !== actor.id) authorize(actor, 'user.write');
      await inTransaction(db, async (trx) => {
        if (!(await deleteContactMethod(trx, user.id, id))) throw notFound('contact_method', id);
        await audit(trx, clock, actor, {
          action: 'user.contact_method_remove',
          target: { type: 'user', id: user.id },
          details: { id },
        });
      });
    },
  };
}

function handleTaken(handle: string): AppError {
  return new AppError('user.already_exists', `a user with handle "${handle}" already exists`, { handle });
}

export type UsersService = ReturnType<typeof createUsersService>;
