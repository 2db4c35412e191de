// Which engine a Kysely instance talks to, read from its adapter; the one place that tells them apart.
import { type Kysely, SqliteAdapter } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export function engineOf<DB>(db: Kysely<DB>): Engine {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
