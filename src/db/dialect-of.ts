// Which dialect (SQLite or PostgreSQL) a Kysely instance talks to, read from its adapter; the one place
// that tells them apart.
import { type Kysely, SqliteAdapter } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf<DB>(db: Kysely<DB>): Dialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
