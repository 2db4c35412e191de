// Durable acceptance under kill -9: 16 loopback clients send PagerDuty trigger events (a new dedup key
// each) to a real `vigil serve`, the server is SIGKILLed mid-load, restarted on the same data, and
// every dedup key that was answered 202 must be stored. Once on SQLite, once on PostgreSQL.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, pgAdmin, pgDatabaseUrl, pgProblem } from './dialects.js';
import { startServer, type ServerProcess } from './vigil-process.js';

const CLIENTS = 16;
/**
 * The kill lands once load has run this long and at least MIN_ACCEPTED events were answered 202 (or at KILL_BY_MS
 * regardless).
 */
const LOAD_BEFORE_KILL_MS = 1_500;
const MIN_ACCEPTED = 100;
const KILL_BY_MS = 6_000;
/** Hard bound on the load loop, whatever happens to the server. */
const MAX_LOAD_MS = 8_000;

const token = `crash_${randomBytes(24).toString('hex')}`;
let root: string;
const running = new Set<ServerProcess>();
const databases: string[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-crash-'));
});

afterEach(async () => {
  await Promise.all([...running].map((server) => server.stop()));
  running.clear();
});

afterAll(async () => {
  fs.rmSync(root, { recursive: true, force: true });
  for (const name of databases) await pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

async function serve(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const server = await startServer({ VIGIL_ADMIN_TOKEN: token, ...env });
  running.add(server);
  return server;
}

async function createService(url: string): Promise<{ id: string; key: string }> {
  const response = await fetch(`${url}/api/v1/services`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `crash-${randomBytes(3).toString('hex')}` }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { id: string; integration_key: string };
  return { id: body.id, key: body.integration_key };
}

interface LoadResult {
  /** Dedup keys the server answered 202 for. */
  accepted: Set<string>;
  /** Requests that got no answer (connection refused or reset by the kill). */
  failed: number;
  /** Answers other than 202 (a 429 would be admission control; anything else is a fault). */
  other: Map<number, number>;
}

/**
 * Closed loop: each client sends one trigger, waits for the answer, sends the next, until it fails twice in a row or
 * time is up.
 */
async function load(url: string, key: string, kill: () => void): Promise<LoadResult> {
  const result: LoadResult = { accepted: new Set(), failed: 0, other: new Map() };
  const started = Date.now();
  let killed = false;
  const killTimer = setInterval(() => {
    const elapsed = Date.now() - started;
    if ((elapsed >= LOAD_BEFORE_KILL_MS && result.accepted.size >= MIN_ACCEPTED) || elapsed >= KILL_BY_MS) {
      clearInterval(killTimer);
      killed = true;
      kill();
    }
  }, 20);
  const client = async (c: number): Promise<void> => {
    let failures = 0;
    for (let i = 0; Date.now() - started < MAX_LOAD_MS; i++) {
      const dedupKey = `crash-${c}-${i}`;
      try {
        const response = await fetch(`${url}/v2/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            routing_key: key,
            event_action: 'trigger',
            dedup_key: dedupKey,
            payload: { summary: `crash test ${dedupKey}`, source: 'crash.test', severity: 'info' },
          }),
        });
        const body = (await response.json()) as { dedup_key?: string };
        if (response.status === 202 && body.dedup_key === dedupKey) {
          result.accepted.add(dedupKey);
        } else {
          result.other.set(response.status, (result.other.get(response.status) ?? 0) + 1);
        }
        failures = 0;
      } catch {
        result.failed++;
        if (killed && ++failures >= 2) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  } finally {
    clearInterval(killTimer);
  }
  return result;
}

function missing(accepted: Set<string>, stored: Iterable<string>): string[] {
  const have = new Set(stored);
  return [...accepted].filter((k) => !have.has(k));
}

/** Kill mid-load, restart, and check through the restarted server's API that it serves the stored alerts. */
async function crashAndRestart(
  env: Record<string, string | undefined>,
): Promise<{ service: { id: string; key: string }; loaded: LoadResult }> {
  const first = await serve(env);
  const service = await createService(first.url);
  const loaded = await load(first.url, service.key, () => process.kill(first.pid, 'SIGKILL'));
  for (let i = 0; i < 200 && first.output().code === null; i++) await new Promise((r) => setTimeout(r, 25));
  expect(first.output().code).toBe(-1); // exited by the signal, not on its own
  running.delete(first);

  expect([...loaded.other.entries()].filter(([status]) => status !== 429)).toEqual([]);
  expect(loaded.accepted.size).toBeGreaterThan(0);
  expect(loaded.failed).toBeGreaterThan(0); // the kill did land while clients were sending

  const second = await serve(env);
  const page = await fetch(`${second.url}/api/v1/alerts?service_id=${service.id}&limit=200`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(page.status).toBe(200);
  const { data } = (await page.json()) as { data: Array<{ dedup_key: string }> };
  expect(data.length).toBeGreaterThan(0);
  await second.stop();
  running.delete(second);
  console.log(
    `crash: ${loaded.accepted.size} accepted, ${loaded.failed} failed, other ${JSON.stringify([...loaded.other])}`,
  );
  return { service, loaded };
}

describe('kill -9 under ingestion load', () => {
  it('loses no event answered 202 [sqlite]', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'sqlite');
    const { service, loaded } = await crashAndRestart({ VIGIL_DATA_DIR: dataDir });
    const sqlite = new SQLite(path.join(dataDir, 'vigil.db'), { readonly: true });
    try {
      const rows = sqlite
        .prepare('select dedup_key from alerts where service_id = ?')
        .pluck()
        .all(service.id) as string[];
      expect(missing(loaded.accepted, rows)).toEqual([]);
    } finally {
      sqlite.close();
    }
  });

  it.skipIf(pgProblem !== undefined)('loses no event answered 202 [postgres]', { timeout: 60_000 }, async () => {
    const name = `vigil_crash_${randomBytes(6).toString('hex')}`;
    await pgAdmin(`CREATE DATABASE ${name}`);
    databases.push(name);
    const url = pgDatabaseUrl(name);
    const { service, loaded } = await crashAndRestart({ VIGIL_DATA_DIR: path.join(root, 'pg'), DATABASE_URL: url });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ dedup_key: string }>('select dedup_key from alerts where service_id = $1', [
        service.id,
      ]);
      expect(
        missing(
          loaded.accepted,
          rows.map((r) => r.dedup_key),
        ),
      ).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

if (pgProblem) console.log(`crash test on PostgreSQL skipped: ${PG_URL} is unreachable (${pgProblem})`);
