import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Database } from './database.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQLite log checkpoints on a worker thread', () => {
  const opened: Database[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of opened.splice(0)) await d.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function open(): { database: Database; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ckpt-'));
    dirs.push(dir);
    const file = path.join(dir, 'vigil.db');
    const database = createDb({ sqlitePath: file, checkpointIntervalMs: 50 });
    opened.push(database);
    return { database, file };
  }

  /** Writes `batches` transactions of about 100 KB each, pausing between them as a quiet server would. */
  async function write(database: Database, batches: number): Promise<void> {
    await sql`create table if not exists filler (id integer primary key, body text not null)`.execute(database.db);
    const body = 'x'.repeat(1_000);
    for (let b = 0; b < batches; b++) {
      await database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 100; i++) await sql`insert into filler (body) values (${body})`.execute(trx);
      });
      await sleep(20);
    }
  }

  it(
    'turns automatic checkpoints off on the server connection ' +
      'and keeps the log bounded by checkpointing elsewhere',
    async () => {
      const { database, file } = open();
      expect(database.sqlite?.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await write(database, 60); // ~6 MB through the log
      const wal = fs.statSync(`${file}-wal`).size;
      // Without checkpoints the log would hold every page written (> 6 MB); the worker's keep it to what arrives
      // between two of them.
      expect(wal).toBeLessThan(2_000_000);
      const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(database.db);
      expect(Number(rows.rows[0]?.n)).toBe(6_000);
    },
  );

  it(
    'grows the log past that bound while a reader holds an old snapshot ' +
      "(so the bound above is the checkpoints' doing)",
    async () => {
      const { database, file } = open();
      database.sqlite?.pragma('wal_autocheckpoint = 0');
      // Stop only the worker's effect by holding a read snapshot open on another connection: PASSIVE checkpoints
      // cannot pass it.
      const reader = createDb({ sqlitePath: file, checkpointIntervalMs: 60_000 });
      opened.push(reader);
      await sql`create table if not exists filler (id integer primary key, body text not null)`.execute(database.db);
      const snapshot = reader.sqlite?.prepare('select 1 from sqlite_master');
      reader.sqlite?.exec('begin');
      snapshot?.get();
      await write(database, 30);
      reader.sqlite?.exec('commit');
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(3_000_000);
    },
  );

  it('closes promptly, and the data is all there when the file is opened again', async () => {
    const { database, file } = open();
    await write(database, 5);
    const started = Date.now();
    await database.close();
    opened.splice(opened.indexOf(database), 1);
    expect(Date.now() - started).toBeLessThan(3_000);
    const again = createDb({ sqlitePath: file });
    opened.push(again);
    const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(again.db);
    expect(Number(rows.rows[0]?.n)).toBe(500);
  });
});
