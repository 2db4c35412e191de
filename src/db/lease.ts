// Claiming due work when several instances share one PostgreSQL: the one place that knows about row
// locks. A claimed row stays locked until its transaction ends, and other instances skip it instead
// of waiting, so each due row is worked by exactly one instance; if that instance dies, its
// transaction rolls back, the lock goes, and the next sweep elsewhere takes the row. Work that must
// not interleave with the same work elsewhere (one service's ingest or error batches) holds an advisory lock
// instead. SQLite serves one instance and serializes writers, so there the query runs as it is.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from './database.js';
import { dialectOf } from './dialect-of.js';

/** `query` with FOR UPDATE SKIP LOCKED on PostgreSQL; run it inside the transaction that works the rows. */
export function claimSkippingLocked<DB, TB extends keyof DB, O>(
  db: Db,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return dialectOf(db) === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/** `query` with FOR UPDATE on PostgreSQL (waits for another holder): for changing one known row safely. */
export function lockForUpdate<DB, TB extends keyof DB, O>(
  db: Db,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return dialectOf(db) === 'postgres' ? query.forUpdate() : query;
}

/** Vigil's space among PostgreSQL's advisory locks (the first of the two int4 keys; "VIG1"). */
const LOCK_SPACE = 0x56494731;

/**
 * Holds a PostgreSQL advisory lock on each of `keys` until the transaction `db` belongs to ends, so
 * transactions on other instances (or other connections) that lock one of the same keys wait for it
 * and then see what it committed. Taken in sorted order, so two transactions locking overlapping keys
 * cannot deadlock on them. Nothing on SQLite, whose one writer serializes transactions already.
 */
export async function lockKeys(db: Db, keys: Iterable<string>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const key of [...new Set(keys)].sort())
    await sql`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${key}))`.execute(db);
}
