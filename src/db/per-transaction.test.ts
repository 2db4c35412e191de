import { describe, expect, it } from 'vitest';
import { createDb, inTransaction } from './database.js';
import { perTransaction } from './per-transaction.js';

describe('perTransaction', () => {
  it('loads a key once per transaction, again in the next one, and every time outside a transaction', async () => {
    const { db, close } = createDb({ sqlitePath: ':memory:' });
    const calls: string[] = [];
    const load = perTransaction(async (_q, key) => {
      calls.push(key);
      return `${key}#${calls.length}`;
    });
    const first = await inTransaction(db, async (trx) => [
      await load(trx, 'a'),
      await load(trx, 'a'),
      await load(trx, 'b'),
    ]);
    expect(first).toEqual(['a#1', 'a#1', 'b#2']);
    const second = await inTransaction(db, async (trx) => load(trx, 'a'));
    expect(second).toBe('a#3');
    expect([await load(db, 'a'), await load(db, 'a')]).toEqual(['a#4', 'a#5']);
    expect(calls).toEqual(['a', 'b', 'a', 'a', 'a']);
    await close();
  });
});
