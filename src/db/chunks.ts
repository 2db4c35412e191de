// Splitting rows or keys for multi-row statements and IN lists.

/**
 * Power-of-two chunks of at most `max` (itself a power of two). Each distinct length is a distinct
 * SQL text and so a distinct prepared statement in SQLite's statement cache; powers of two keep that
 * to a handful per statement, and keep bound parameters well under both dialects' limits.
 */
export function* chunks<T>(items: readonly T[], max = 128): Generator<T[]> {
  let at = 0;
  while (at < items.length) {
    let size = max;
    while (size > items.length - at) size >>= 1;
    yield items.slice(at, at + size);
    at += size;
  }
}
