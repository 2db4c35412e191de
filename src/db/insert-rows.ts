// Multi-row INSERTs for the hottest writes (alert ingestion) without Kysely's query builder. Building
// and compiling a 128-row insert (parsing every value into an operation node, then visiting them all)
// cost more than SQLite took to store the rows; here the SQL text for a (table, columns, row count)
// is made once and the rows go in as a flat parameter list. The text is the same string object each
// time, so SQLite's statement cache (database.ts) finds its prepared statement without rehashing.
import { CompiledQuery } from 'kysely';
import { chunks } from './chunks.js';
import type { Db } from './database.js';
import { dialectOf } from './dialect-of.js';
import type { Schema } from './schema.js';

type Table = keyof Schema & string;
type Column<T extends Table> = keyof Schema[T] & string;

export interface InsertRowsOptions<T extends Table> {
  /** Rows per statement at most (a power of two; see chunks.ts). */
  max?: number;
  /**
   * Rows whose `key` (a column, or the columns of a composite key) exists already have these columns
   * overwritten instead (ON CONFLICT … DO UPDATE, on both engines).
   */
  onConflictUpdate?: { key: Column<T> | ReadonlyArray<Column<T>>; set: ReadonlyArray<Column<T>> };
}

const texts = new Map<string, string>();

const quote = (name: string): string => `"${name}"`;

function sqlFor<T extends Table>(
  postgres: boolean,
  table: T,
  columns: ReadonlyArray<Column<T>>,
  rows: number,
  conflict: InsertRowsOptions<T>['onConflictUpdate'],
): string {
  const cacheKey =
    `${postgres ? 'pg' : 'sqlite'} ${table} ${columns.join(',')} ${rows} ` +
    `${conflict ? `${String(conflict.key)}:${conflict.set.join(',')}` : ''}`;
  let text = texts.get(cacheKey);
  if (text) return text;
  let n = 0;
  const tuple = (): string => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
  const values = Array.from({ length: rows }, tuple).join(', ');
  text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${values}`;
  if (conflict)
    text +=
      ` on conflict (${(typeof conflict.key === 'string' ? [conflict.key] : conflict.key).map(quote).join(', ')}) ` +
      'do update set ' +
      `${conflict.set.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`;
  texts.set(cacheKey, text);
  return text;
}

/**
 * Inserts `rows` (already in their stored form: text, numbers, null) in statements of at most `max`
 * rows, each row's values taken in `columns` order. Runs on `db`, so inside the caller's transaction.
 */
export async function insertRows<T extends Table>(
  db: Db,
  table: T,
  columns: ReadonlyArray<Column<T>>,
  rows: ReadonlyArray<Schema[T]>,
  options: InsertRowsOptions<T> = {},
): Promise<void> {
  if (rows.length === 0) return;
  const postgres = dialectOf(db) === 'postgres';
  for (const part of chunks(rows, options.max ?? 128)) {
    const params: unknown[] = [];
    for (const row of part) for (const column of columns) params.push(row[column] ?? null);
    await db.executeQuery(
      CompiledQuery.raw(sqlFor(postgres, table, columns, part.length, options.onConflictUpdate), params),
    );
  }
}
