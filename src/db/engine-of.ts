// Which engine a Kysely instance talks to, read from its adapter; the one place that tells them apart.
import { type Kysely, SqliteAdapter } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export function engineOf(db: Kysely<unknown>): Engine {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
