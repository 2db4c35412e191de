// In-process ingestion cost (`npm run bench:ingest-db`): the ingest service driven directly, without
// HTTP, on a file-backed SQLite with the server's pragmas, 512 requests in flight so group commit forms
// full batches. Shows what the database path alone sustains, to compare with bench:ingest's HTTP figures.
// `-- --inflight 32` keeps that many in flight instead (batches as small as over HTTP's 32 connections).
// `-- --services N` spreads the requests over N services round-robin (on PostgreSQL, different
// services' batches commit side by side). `-- --postgres postgres://postgres@127.0.0.1:5432/postgres`
// runs it on a fresh PostgreSQL database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDb, migrate } from '../src/db/database.js';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import type { AlertEvent } from '../src/alerts/index.js';
import { argValue, numberOption, scratchPostgres } from './lib.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ingest-db-'));
// --postgres URL: run on a fresh database created on that server (and dropped afterwards) instead.
const pgServer = argValue('--postgres');
const INFLIGHT = numberOption('--inflight', 512);
const SERVICES = numberOption('--services', 1);
const scratch = pgServer ? await scratchPostgres(pgServer) : undefined;
const database = scratch ? createDb({ databaseUrl: scratch.url }) : createDb({ sqlitePath: `${dir}/vigil.db` });
console.log(scratch ? `${scratch.version}, database ${scratch.name}` : `SQLite at ${dir}/vigil.db`);
await migrate(database.db);
const app = createApp(loadConfig({ VIGIL_DATA_DIR: dir }), database, systemClock);
const keys: string[] = [];
for (let i = 0; i < SERVICES; i++)
  keys.push((await app.services.create(SYSTEM_ACTOR, { name: `bench-${i}` })).integrationKey);
let turn = 0;
/** The next service's integration key, round-robin. */
const key = () => keys[turn++ % keys.length] as string;
let n = 0;
const ev = (severity: AlertEvent['severity'], over: Partial<AlertEvent> = {}): AlertEvent => ({
  format: 'pagerduty',
  action: 'trigger',
  dedupKey: `k${n++}`,
  summary: 'disk full on db-1',
  source: 'db-1',
  severity,
  links: [],
  images: [],
  ...over,
});
async function run(
  name: string,
  total: number,
  make: () => { routingKey: string; events: AlertEvent[] },
  perReq: number,
) {
  const t0 = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    inflight.push(app.ingest.submit(make()));
    if (inflight.length >= INFLIGHT) await Promise.all(inflight.splice(0));
  }
  await Promise.all(inflight);
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${name.padEnd(20)} ${Math.round((total * perReq) / s)
      .toLocaleString('en-US')
      .padStart(8)} events/s  (${(total * perReq).toLocaleString('en-US')} events in ${s.toFixed(2)} s)`,
  );
}
await run('info new keys', 20000, () => ({ routingKey: key(), events: [ev('info')] }), 1);
await run('critical new keys', 5000, () => ({ routingKey: key(), events: [ev('critical')] }), 1);
let r = 0;
await run(
  'retrigger 1000',
  20000,
  () => ({ routingKey: key(), events: [ev('critical', { dedupKey: `re${r++ % 1000}` })] }),
  1,
);
let g = 0;
await run(
  'AM 100/payload',
  300,
  () => {
    const gk = `g${g++}`;
    return {
      routingKey: key(),
      events: Array.from({ length: 100 }, (_, i) =>
        ev('warning', { format: 'alertmanager', groupKey: gk, dedupKey: `${gk}-${i}` }),
      ),
    };
  },
  100,
);
await app.ingest.close();
await app.stream.close();
await database.close();
await scratch?.drop();
fs.rmSync(dir, { recursive: true });
