// The ingest worker (alerts/ingest-writer.ts): batches applied on a worker thread with its own
// connection to the server's SQLite file, while the server's own connection keeps writing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../src/alerts/index.js';
import { startIngestWriter, type IngestWriter } from '../src/alerts/index.js';
import { createServices, type App } from '../src/app.js';
import { SYSTEM_ACTOR } from '../src/auth/index.js';
import { systemClock } from '../src/clock.js';
import { createDb, migrate, type Database } from '../src/db/database.js';
import { testConfig } from './engines.js';

const event = (dedupKey: string, severity: AlertEvent['severity']): AlertEvent => ({ format: 'pagerduty', action: 'trigger', dedupKey, summary: `disk full (${dedupKey})`, source: 'db-1', severity, links: [], images: [] });

describe('ingest writer on a worker thread', () => {
  let dir: string;
  let file: string;
  let database: Database;
  let writer: IngestWriter;
  let app: App;
  let key: string;
  let wakes = 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-writer-'));
    file = path.join(dir, 'vigil.db');
    database = createDb({ sqlitePath: file });
    await migrate(database.db);
    const config = testConfig();
    writer = startIngestWriter(config, file, () => void (wakes += 1));
    app = createServices(config, database, systemClock, undefined, (batch, now) => writer.run(batch, now));
    key = (await app.services.create(SYSTEM_ACTOR, { name: 'payments' })).integrationKey;
  });
  afterAll(async () => {
    await app.ingest.close();
    await writer.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits what the server submits, visible on the server connection once answered, and wakes the engine for new incidents', async () => {
    const results = await Promise.all([app.ingest.submit({ routingKey: key, events: [event('w-1', 'critical')] }), app.ingest.submit({ routingKey: key, events: [event('w-2', 'info')] }), app.ingest.submit({ routingKey: 'no-such-key', events: [event('w-3', 'info')] })]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    const alerts = await app.alerts.list(SYSTEM_ACTOR, { limit: 10 });
    expect(alerts.data.map((a) => a.dedupKey).sort()).toEqual(['w-1', 'w-2']);
    const critical = alerts.data.find((a) => a.dedupKey === 'w-1');
    // The incident, its timeline and its escalation row were written by the worker in the same transaction.
    const incident = await app.incidents.get(SYSTEM_ACTOR, critical?.incidentId as string);
    expect(incident.severity).toBe('P1');
    expect(await app.escalation.state(SYSTEM_ACTOR, incident.id)).toMatchObject({ level: 0 });
    await expect.poll(() => wakes, { timeout: 2_000 }).toBeGreaterThan(0);
  });

  it('shares the database with the server connection during a storm: no busy failures, no lost or shared incident numbers', async () => {
    const allNumbers = async () => {
      const numbers: string[] = [];
      for (let cursor: string | undefined, more = true; more; ) {
        const page = await app.incidents.list(SYSTEM_ACTOR, { limit: 200, cursor });
        numbers.push(...page.data.map((i) => i.number));
        cursor = page.nextCursor ?? undefined;
        more = page.nextCursor !== null;
      }
      return numbers;
    };
    const opened = [];
    for (let i = 0; i < 40; i++) opened.push(await app.incidents.create(SYSTEM_ACTOR, { title: `by hand ${i}`, severity: 'P3' }));
    const before = (await allNumbers()).length;
    const ingest = Array.from({ length: 200 }, (_, i) => app.ingest.submit({ routingKey: key, events: [event(`c-${i}`, i % 4 === 0 ? 'critical' : 'warning')] }));
    // Meanwhile the server's own connection works incidents: each change reads the incident, then writes.
    const manual = opened.flatMap((incident, i) => [
      app.incidents.acknowledge(SYSTEM_ACTOR, incident.id),
      app.incidents.create(SYSTEM_ACTOR, { title: `by hand, during the storm ${i}`, severity: 'P3' }),
    ]);
    const settled = await Promise.allSettled([...ingest, ...manual]);
    const failed = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    const numbers = await allNumbers();
    // One incident per critical or warning alert (info opens none) and per manual one, no two sharing a number.
    expect(numbers.length).toBe(before + 200 + 40);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('fails its batches with ingest.unavailable (a 503) instead of hanging when the worker dies', async () => {
    // A directory where the database file should be: the worker cannot open it and exits.
    const broken = startIngestWriter(testConfig(), dir, () => undefined);
    try {
      await expect(broken.run([{ routingKey: key, events: [event('b-1', 'info')] }], new Date())).rejects.toMatchObject({ code: 'ingest.unavailable' });
    } finally {
      await broken.close();
    }
  });
});
