// Several engine instances on one PostgreSQL (issue 4, items 6 and 9): three apps, each with its own
// pool and its own fake clock set to the same times, sweep the same escalations at once. Counting
// from the timeline, every incident reaches each level exactly once — nothing twice, nothing missed —
// and rows held by an instance that dies mid-transaction move on to the others within the next sweep.
//
// PostgreSQL only (SQLite serves one instance). With CI=true an unreachable PostgreSQL fails the run
// (test/engines.ts throws on import); elsewhere this file is skipped with one line.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { SYSTEM_ACTOR, type Actor } from '../src/access/index.js';
import { FakeClock } from '../src/clock.js';
import { createDb, migrate, type Database } from '../src/db/database.js';
import { PG_URL, pgAdmin, pgDatabaseUrl, pgProblem, testConfig } from './dialects.js';

const INSTANCES = 3;
const INCIDENTS = 1_000;
const DELAYS = [0, 60, 120];
const T0 = '2033-03-01T10:00:00.000Z';
const T1 = '2033-03-02T10:00:00.000Z';

const at = (start: string, seconds: number) => new Date(new Date(start).getTime() + seconds * 1000);

/** Runs `fn` over `items` with at most `width` calls in flight. */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: width }, lane));
  return out;
}

if (pgProblem) console.log(`escalation-multi skipped: PostgreSQL at ${PG_URL} is unreachable (${pgProblem})`);

describe.skipIf(Boolean(pgProblem))('three engine instances on one PostgreSQL [postgres]', () => {
  const dbName = `vigil_test_${randomBytes(6).toString('hex')}`;
  const databases: Database[] = [];
  const clocks: FakeClock[] = [];
  const apps: App[] = [];
  let admin: Actor;
  let policyId: string;

  const setClocks = (when: Date) => clocks.forEach((c) => c.set(when));
  /** One round: every instance sweeps at once; returns the rows each one worked. */
  const sweepAll = () => Promise.all(apps.map((app) => app.escalation.sweep()));
  const pool = () => (databases[0] as Database).pgPool as pg.Pool;

  /** Per incident, the (loop, level) of every "escalated" timeline entry, and every page. */
  async function reached(ids: string[]) {
    const events = await pool().query<{ incident_id: string; data: string }>(
      `select incident_id, data from incident_events where kind = 'escalated' and incident_id = any($1)`,
      [ids],
    );
    const pages = await pool().query<{ incident_id: string; level: number; loop: number }>(
      `select incident_id, level, loop from pages where incident_id = any($1)`,
      [ids],
    );
    const timeline = new Map<string, number[]>(ids.map((id) => [id, []]));
    for (const row of events.rows) {
      const data = JSON.parse(row.data) as { level: number; loop: number };
      expect(data.loop).toBe(0);
      timeline.get(row.incident_id)?.push(data.level);
    }
    const paged = new Map<string, number[]>(ids.map((id) => [id, []]));
    for (const row of pages.rows) paged.get(row.incident_id)?.push(Number(row.level));
    return { timeline, paged, events: events.rowCount ?? 0, pages: pages.rowCount ?? 0 };
  }

  /** Duplicates and misses against "levels 1..n once each", over every incident. */
  function tally(byIncident: Map<string, number[]>, levels: number) {
    let duplicates = 0;
    let missed = 0;
    for (const list of byIncident.values()) {
      for (let level = 1; level <= levels; level++) {
        const n = list.filter((l) => l === level).length;
        if (n === 0) missed += 1;
        if (n > 1) duplicates += n - 1;
      }
      duplicates += list.filter((l) => l < 1 || l > levels).length;
    }
    return { duplicates, missed };
  }

  async function openIncidents(serviceId: string, count: number, title: string): Promise<string[]> {
    // Spread over the three apps, a few at a time: the day's incident counter serializes them anyway.
    const created = await inBatches(
      Array.from({ length: count }, (_, i) => i),
      6,
      (i) =>
        (apps[i % INSTANCES] as App).incidents.create(admin, { title: `${title} ${i}`, severity: 'P2', serviceId }),
    );
    return created.map((incident) => incident.id);
  }

  beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${dbName}`);
    for (let i = 0; i < INSTANCES; i++) {
      databases.push(createDb({ databaseUrl: pgDatabaseUrl(dbName), poolSize: 5 }));
      clocks.push(new FakeClock(T0));
    }
    await migrate((databases[0] as Database).db);
    const config = testConfig();
    for (let i = 0; i < INSTANCES; i++) apps.push(createApp(config, databases[i] as Database, clocks[i] as FakeClock));
    const first = apps[0] as App;
    const root = await first.users.create(SYSTEM_ACTOR, {
      handle: 'root',
      name: 'Test Admin',
      email: 'root@example.test',
    });
    admin = { type: 'user', id: root.id, name: root.handle, role: 'admin' };
    const oncall = await first.users.create(admin, { handle: 'oncall', name: 'On Call', email: 'oncall@example.test' });
    const policy = await first.policies.create(admin, {
      name: 'three levels',
      escalateWhile: 'unresolved',
      repeat: 0,
      levels: DELAYS.map((delaySeconds, i) => ({
        name: `level ${i + 1}`,
        delaySeconds,
        targets: [{ type: 'user' as const, id: oncall.id }],
      })),
    });
    policyId = policy.id;
  });

  afterAll(async () => {
    for (const database of databases) await database.close().catch(() => undefined);
    if (!pgProblem) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it('over 1,000 incidents, reaches every level exactly once: zero duplicate and zero missed transitions', async () => {
    const first = apps[0] as App;
    const { service } = await first.services.create(admin, { name: 'checkout', escalationPolicyId: policyId });
    setClocks(new Date(T0));
    const ids = await openIncidents(service.id, INCIDENTS, 'checkout failing');

    // Each phase: every instance sweeps at once, a few rounds; the rows worked add up to one per
    // incident (a row worked twice would count twice), and a level never comes before its time.
    const worked: number[][] = [];
    for (const [i, delay] of DELAYS.entries()) {
      if (delay > 0) {
        setClocks(at(T0, delay - 1));
        expect(await sweepAll()).toEqual([0, 0, 0]);
      }
      setClocks(at(T0, delay));
      const rounds = [];
      for (let round = 0; round < 3; round++) rounds.push(await sweepAll());
      worked.push(rounds.reduce((sum, r) => r.map((n, j) => n + (sum[j] ?? 0)), [] as number[]));
      const { timeline } = await reached(ids);
      expect(tally(timeline, i + 1)).toEqual({ duplicates: 0, missed: 0 });
    }
    for (const perInstance of worked) {
      expect(perInstance.reduce((a, b) => a + b, 0)).toBe(INCIDENTS);
      // All three took part: each claimed some of the due rows.
      expect(perInstance.every((n) => n > 0)).toBe(true);
    }

    setClocks(at(T0, 3600));
    expect(await sweepAll()).toEqual([0, 0, 0]);
    const result = await reached(ids);
    expect(result.events).toBe(INCIDENTS * DELAYS.length);
    expect(tally(result.timeline, DELAYS.length)).toEqual({ duplicates: 0, missed: 0 });
    expect(result.pages).toBe(INCIDENTS * DELAYS.length);
    expect(tally(result.paged, DELAYS.length)).toEqual({ duplicates: 0, missed: 0 });
    const states = await pool().query<{ n: string }>(
      'select count(*) as n from escalations where incident_id = any($1) and level = 3 ' +
        "and next_escalation_at is null and stop_reason = 'policy exhausted'",
      [ids],
    );
    expect(Number(states.rows[0]?.n)).toBe(INCIDENTS);
  }, 120_000);

  it(
    "moves a dead instance's claimed rows on: " +
      'skipped while it holds them, taken by the others within the next sweep',
    async () => {
      const first = apps[0] as App;
      const { service } = await first.services.create(admin, { name: 'payments', escalationPolicyId: policyId });
      setClocks(new Date(T1));
      const ids = await openIncidents(service.id, 100, 'payments failing');
      const held = ids.slice(0, 30);

      // The "dead" instance: claims 30 due rows the way a sweep does and never commits.
      const dead = new pg.Client({ connectionString: pgDatabaseUrl(dbName) });
      dead.on('error', () => undefined);
      await dead.connect();
      await dead.query('BEGIN');
      const claimed = await dead.query(
        `select incident_id from escalations where next_escalation_at <= $1 and incident_id = any($2) for update`,
        [new Date(T1).toISOString(), held],
      );
      expect(claimed.rowCount).toBe(held.length);

      // While it holds them, the others skip them (no waiting) and do everything else.
      const rounds = [await sweepAll(), await sweepAll()];
      expect(rounds.flat().reduce((a, b) => a + b, 0)).toBe(ids.length - held.length);
      let { timeline } = await reached(ids);
      expect(held.every((id) => timeline.get(id)?.length === 0)).toBe(true);
      expect(ids.slice(held.length).every((id) => timeline.get(id)?.join() === '1')).toBe(true);

      // It dies: its socket goes away without a COMMIT or ROLLBACK, as when a process is killed.
      (dead as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
      let sweeps = 0;
      let moved = 0;
      const deadline = Date.now() + 10_000;
      while (moved < held.length && Date.now() < deadline) {
        sweeps += 1;
        moved += (await sweepAll()).reduce((a, b) => a + b, 0);
        if (moved < held.length) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(moved).toBe(held.length);
      // The server notices the closed socket at once on loopback; allow a few rounds for it.
      expect(sweeps).toBeLessThanOrEqual(5);

      for (const delay of DELAYS.slice(1)) {
        setClocks(at(T1, delay));
        await sweepAll();
        await sweepAll();
      }
      const result = await reached(ids);
      ({ timeline } = result);
      expect(tally(timeline, DELAYS.length)).toEqual({ duplicates: 0, missed: 0 });
      expect(tally(result.paged, DELAYS.length)).toEqual({ duplicates: 0, missed: 0 });
      expect(result.events).toBe(ids.length * DELAYS.length);
    },
    120_000,
  );
});
