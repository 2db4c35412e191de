// Claiming due work when several instances share one PostgreSQL: the one place that knows about row
// locks. A claimed row stays locked until its transaction ends, and other instances skip it instead
// of waiting, so each due row is worked by exactly one instance; if that instance dies, its
// transaction rolls back, the lock goes, and the next sweep elsewhere takes the row. SQLite serves one
// instance and serializes writers, so there the query runs as it is.
import type { SelectQueryBuilder } from 'kysely';
import type { Db } from './database.js';
import { engineOf } from './engine-of.js';

/** `query` with FOR UPDATE SKIP LOCKED on PostgreSQL; run it inside the transaction that works the rows. */
export function claimSkippingLocked<DB, TB extends keyof DB, O>(db: Db, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return engineOf(db) === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/** `query` with FOR UPDATE on PostgreSQL (waits for another holder): for changing one known row safely. */
export function lockForUpdate<DB, TB extends keyof DB, O>(db: Db, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return engineOf(db) === 'postgres' ? query.forUpdate() : query;
}
