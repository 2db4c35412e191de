// Reads worth doing once per transaction: a batch of incidents opened together on one service looks
// up the same service and escalation policy for each; within one transaction those rows cannot
// change under it, so the first read serves the rest. Outside a transaction nothing is kept.
import type { Db } from './database.js';

/**
 * `load` memoised per transaction and key. Only for rows the transaction does not itself change
 * after reading them (a change made later in the same transaction would not be seen).
 */
export function perTransaction<T>(load: (q: Db, key: string) => Promise<T>): (q: Db, key: string) => Promise<T> {
  const seen = new WeakMap<Db, Map<string, Promise<T>>>();
  return (q, key) => {
    if (!q.isTransaction) return load(q, key);
    let values = seen.get(q);
    if (!values) seen.set(q, (values = new Map()));
    let value = values.get(key);
    if (!value) values.set(key, (value = load(q, key)));
    return value;
  };
}
