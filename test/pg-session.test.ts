// Vigil's own PostgreSQL sessions: JIT compilation off (analytics measured slower with it), unless the URL
// carries the operator's own `options`, which are kept as given.
import { afterAll, expect, it } from 'vitest';
import { createDb, type Database } from '../src/db/database.js';
import { PG_URL, pgProblem } from './dialects.js';

const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

async function jitOf(url: string): Promise<string> {
  const database = createDb({ databaseUrl: url, poolSize: 1 });
  opened.push(database);
  const result = await database.pgPool?.query<{ jit: string }>('show jit');
  return result?.rows[0]?.jit ?? 'no answer';
}

it.skipIf(pgProblem !== undefined)('turns JIT off for its sessions, and keeps options given in the URL', async () => {
  expect(await jitOf(PG_URL)).toBe('off');
  const own = new URL(PG_URL);
  own.searchParams.set('options', '-c jit=on');
  expect(await jitOf(own.toString())).toBe('on');
});
