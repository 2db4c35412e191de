// PostgreSQL databases registered so the runbook's database-scalability function can look at them
// (`database_id`), besides Vigil's own. Their connection strings are sealed at rest with
// VIGIL_SECRET_KEY; without that key nothing can be registered. A call opens a small pool of its own
// to the database and closes it when done.
import { authorize, type Actor } from '../access/index.js';
import { seal, unseal } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { createDb, inTransaction, isUniqueViolation, type Database, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import {
  deleteDatabase,
  findDatabase,
  insertDatabase,
  listDatabases,
  type MonitoredDatabase,
} from './databases.repo.js';

/** host:port/database, without credentials, or a refusal naming the problem. */
function locationOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('database.invalid', 'url: not a URL; expected postgres://user:password@host:5432/database', {
      field: 'url',
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new AppError('database.invalid', 'url: must be a postgres:// or postgresql:// URL', { field: 'url' });
  if (!parsed.hostname) throw new AppError('database.invalid', 'url: names no host', { field: 'url' });
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname.length > 1 ? parsed.pathname : '/postgres'}`;
}

export function createDatabasesService({
  db,
  clock,
  secretKey,
}: {
  db: Db;
  clock: Clock;
  secretKey: Buffer | undefined;
}) {
  const key = () => {
    if (!secretKey)
      throw new AppError(
        'database.conflict',
        'VIGIL_SECRET_KEY is not set on the server: connection strings are stored sealed with it ' +
          '(e.g. VIGIL_SECRET_KEY=$(openssl rand -hex 32))',
      );
    return secretKey;
  };

  return {
    async create(actor: Actor, input: { name: string; url: string }): Promise<MonitoredDatabase> {
      authorize(actor, 'service.write');
      const location = locationOf(input.url);
      const now = clock.now();
      const record: MonitoredDatabase = {
        id: newId('mdb', now),
        name: input.name,
        location,
        urlSealed: seal(key(), input.url),
        createdAt: now,
      };
      await inTransaction(db, async (trx) => {
        try {
          await insertDatabase(trx, record);
        } catch (error) {
          if (isUniqueViolation(error))
            throw new AppError('database.already_exists', `a database named "${input.name}" is already registered`, {
              name: input.name,
            });
          throw error;
        }
        await audit(trx, clock, actor, {
          action: 'database.create',
          target: { type: 'database', id: record.id },
          details: { name: record.name, location },
        });
      });
      return record;
    },

    async list(actor: Actor): Promise<MonitoredDatabase[]> {
      authorize(actor, 'read');
      return listDatabases(db);
    },

    async remove(actor: Actor, ref: string): Promise<void> {
      authorize(actor, 'service.write');
      await inTransaction(db, async (trx) => {
        const found = await findDatabase(trx, ref);
        if (!found || !(await deleteDatabase(trx, found.id))) throw notFound('database', ref);
        await audit(trx, clock, actor, {
          action: 'database.delete',
          target: { type: 'database', id: found.id },
          details: { name: found.name },
        });
      });
    },

    /** Runs `fn` against a registered database over a pool of its own, closed afterwards. */
    async with<T>(ref: string, fn: (database: Database, registered: MonitoredDatabase) => Promise<T>): Promise<T> {
      const found = await findDatabase(db, ref);
      if (!found) throw notFound('database', ref);
      let url: string;
      try {
        url = unseal(key(), found.urlSealed);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError(
          'database.conflict',
          `the connection string of "${found.name}" cannot be unsealed: ` +
            'VIGIL_SECRET_KEY is not the key it was stored with',
        );
      }
      const database = createDb({ databaseUrl: url, poolSize: 2 });
      try {
        return await fn(database, found);
      } finally {
        await database.close().catch(() => undefined);
      }
    },
  };
}

export type DatabasesService = ReturnType<typeof createDatabasesService>;
