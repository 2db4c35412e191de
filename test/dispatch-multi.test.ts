// Two `vigil serve` processes deliver one outbox on one PostgreSQL (issue 5: zero duplicates across two
// dispatcher instances, one killed mid-send). A real HTTP receiver records every webhook request (its
// X-Vigil-Delivery id, when it came and went, and which process sent it) and holds each open for a
// moment, so both instances always have requests in flight. One instance is SIGKILLed while the
// receiver holds some of its requests; the other carries on, and takes the dead one's leased rows
// once their lease (30 s) runs out. Then: every row is sent, each settled once; the live instances
// never had one delivery id in flight twice; and the only ids the receiver saw twice are rows that
// were in flight when the kill landed — each repeat carrying the same X-Vigil-Delivery id, so a
// receiver that drops repeats by it sees every message exactly once.
//
// Which process sent a request is read from /proc (the client port of the receiver's socket belongs
// to a socket inode in one of the two processes' fd tables), so the kill lands while the victim is
// known to be mid-send. PostgreSQL only (SQLite serves one instance); skipped with one line when
// PostgreSQL is unreachable, and with CI=true test/engines.ts fails the run instead.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../src/notify/signature.js';
import { PG_URL, pgAdmin, pgDatabaseUrl, pgProblem } from './dialects.js';
import { startServer, type ServerProcess } from './vigil-process.js';

const STAKEHOLDERS = 30;
const INCIDENTS = 20;
const ROWS = STAKEHOLDERS * INCIDENTS;
/** How long the receiver holds each request before answering 200 (well under the channels' 5 s timeout). */
const HOLD_MS = 600;
/** The kill waits until the receiver holds at least this many of the victim's requests. */
const VICTIM_IN_FLIGHT = 5;
/** The dispatcher's lease (DEFAULT_DISPATCH.leaseMs, plus VIGIL_CLOCK_TOLERANCE: 1 s below), ticks and slack. */
const SETTLE_BY_MS = 55_000;
const SECRET = 'multi-dispatch-secret-0001';

const token = `multi_${randomBytes(24).toString('hex')}`;
const dbName = `vigil_test_${randomBytes(6).toString('hex')}`;
let root: string | undefined;
const running = new Set<ServerProcess>();

/** The local TCP ports of the sockets process `pid` holds (Linux /proc). */
function socketPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed between readdir and readlink
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1]?.split(':')[1];
      if (f[9] && local && inodes.has(f[9])) ports.add(parseInt(local, 16));
    }
  }
  return ports;
}

type Owner = 'victim' | 'survivor' | 'unknown';

interface Delivery {
  id: string;
  /** The payload's delivery_id. */
  bodyId: string;
  signed: boolean;
  owner: Owner;
  start: number;
  end: number | undefined;
  /** Answered 200 (false: the connection died first). */
  answered: boolean;
}

/**
 * The webhook receiver: records every request, holds it HOLD_MS, answers 200; attributes each to a process by its
 * client port.
 */
function receiver() {
  const deliveries: Delivery[] = [];
  const open = new Set<Delivery>();
  const pids: Partial<Record<'victim' | 'survivor', number>> = {};
  const owners = new Map<number, Owner>();
  /** Processes the test has killed: their held requests are never answered (on a loaded machine the
   * hold could otherwise end before the server notices the dead socket, and count as answered). */
  const killed = new Set<Owner>();
  const ownerOf = (port: number): Owner => {
    if (!owners.has(port)) {
      // A new connection: read both processes' sockets again (keep-alive makes this rare).
      for (const who of ['victim', 'survivor'] as const) {
        const pid = pids[who];
        if (pid === undefined) continue;
        try {
          for (const p of socketPorts(pid)) owners.set(p, who);
        } catch {
          // the process is gone
        }
      }
    }
    const known = owners.get(port);
    if (known) return known;
    // Only the two servers send here. Once the victim is dead its sockets cannot be read any more, but
    // the survivor's were just read, live: a connection that is not the survivor's was the victim's.
    if (killed.has('victim') && pids.survivor !== undefined) {
      owners.set(port, 'victim');
      return 'victim';
    }
    return 'unknown';
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      let bodyId = '';
      try {
        bodyId = String((JSON.parse(body) as { delivery_id?: unknown }).delivery_id);
      } catch {
        // recorded as '' and caught by the test
      }
      const d: Delivery = {
        id: String(req.headers['x-vigil-delivery']),
        bodyId,
        signed: verifySignature(req.headers['x-vigil-signature'] as string | undefined, body, [SECRET], new Date()).ok,
        owner: ownerOf(req.socket.remotePort ?? 0),
        start: Date.now(),
        end: undefined,
        answered: false,
      };
      deliveries.push(d);
      open.add(d);
      const timer = setTimeout(() => {
        if (!killed.has(d.owner)) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }, HOLD_MS);
      res.on('close', () => {
        clearTimeout(timer);
        d.end = Date.now();
        d.answered = res.writableFinished;
        open.delete(d);
      });
    });
  });
  // Attributed as soon as a connection arrives, while its process certainly still holds it.
  server.on('connection', (socket) => void ownerOf(socket.remotePort ?? 0));
  return {
    deliveries,
    open,
    pids,
    killed,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function api(base: string, route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(json)).toBe(201);
  return json;
}

async function until(what: string, ms: number, ready: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

if (pgProblem) console.log(`dispatch-multi skipped: PostgreSQL at ${PG_URL} is unreachable (${pgProblem})`);

describe.skipIf(Boolean(pgProblem))(
  'two dispatcher processes on one PostgreSQL, one killed mid-send [postgres]',
  () => {
    const hooks = receiver();
    let client: pg.Client | undefined;
    let created = false;

    afterAll(async () => {
      await Promise.all([...running].map((server) => server.stop()));
      await client?.end().catch(() => undefined);
      await hooks.stop();
      if (created) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      if (root) fs.rmSync(root, { recursive: true, force: true });
    });

    it(
      'delivers every row, none twice while both live, ' +
        'and repeats only what the dead instance had in flight, under the same delivery id',
      { timeout: 150_000 },
      async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-dispatch-multi-'));
        await pgAdmin(`CREATE DATABASE ${dbName}`);
        created = true;
        const base = await hooks.start();
        const serve = async (name: string) => {
          const server = await startServer({
            VIGIL_ADMIN_TOKEN: token,
            DATABASE_URL: pgDatabaseUrl(dbName),
            VIGIL_DATA_DIR: path.join(root as string, name),
            VIGIL_OUTBOUND_ALLOW: '127.0.0.1/32',
            // Both instances read one clock, so the lease needs no margin for clocks that disagree.
            VIGIL_CLOCK_TOLERANCE: '1s',
          });
          running.add(server);
          return server;
        };
        // One after the other: the first migrates and bootstraps the admin, the second finds both done.
        const victim = await serve('victim');
        const survivor = await serve('survivor');
        hooks.pids.victim = victim.pid;
        hooks.pids.survivor = survivor.pid;
        client = new pg.Client({ connectionString: pgDatabaseUrl(dbName) });
        await client.connect();
        const db = client;

        for (let i = 0; i < STAKEHOLDERS; i++) {
          await api(i % 2 ? victim.url : survivor.url, '/api/v1/stakeholders', {
            name: `lead ${i}`,
            kind: 'webhook',
            address: `${base}/leads/${i}`,
            severities: ['P0', 'P1'],
            secret: SECRET,
          });
        }
        // Each P1 writes one outbox row per stakeholder in its own transaction; both instances sweep them.
        await Promise.all(
          Array.from({ length: INCIDENTS }, (_, i) =>
            api(i % 2 ? victim.url : survivor.url, '/api/v1/incidents', {
              title: `checkout failing ${i}`,
              severity: 'P1',
            }),
          ),
        );

        // The kill lands while the receiver holds several of the victim's requests, after both have delivered some.
        const victimOpen = () => [...hooks.open].filter((d) => d.owner === 'victim');
        const answeredBy = (who: Owner) => hooks.deliveries.filter((d) => d.owner === who && d.answered);
        await until(
          'the victim to have requests in flight after delivering some',
          30_000,
          () =>
            victimOpen().length >= VICTIM_IN_FLIGHT &&
            answeredBy('victim').length > 0 &&
            answeredBy('survivor').length > 0,
        );
        hooks.killed.add('victim');
        process.kill(victim.pid, 'SIGKILL');
        const killedAt = Date.now();
        await until('the victim to exit', 5_000, () => victim.output().code !== null);
        running.delete(victim);
        expect(victim.output().code).toBe(-1); // by the signal
        // In flight at the kill: rows leased and not settled (the victim's stay so until their lease runs out;
        // the survivor's are here too).
        const leased = new Set(
          (await db.query<{ id: string }>(`select id from notifications where state = 'sending'`)).rows.map(
            (r) => r.id,
          ),
        );
        const answeredBeforeKill = { victim: answeredBy('victim').length, survivor: answeredBy('survivor').length };

        await until(
          'every row to be sent',
          SETTLE_BY_MS,
          async () =>
            Number(
              (await db.query<{ n: string }>(`select count(*) as n from notifications where state <> 'sent'`)).rows[0]
                ?.n,
            ) === 0,
        );
        // Past the last settle, nothing more may arrive: give a straggler a moment to show itself.
        await new Promise((r) => setTimeout(r, HOLD_MS + 500));
        await until('the receiver to finish answering', 5_000, () => hooks.open.size === 0);

        // Every row sent, each settled (timeline "notification_sent") exactly once.
        const rows = (
          await db.query<{ id: string; state: string; kind: string }>(`select id, state, kind from notifications`)
        ).rows;
        expect(rows).toHaveLength(ROWS);
        expect(rows.filter((r) => r.state !== 'sent' || r.kind !== 'initial')).toEqual([]);
        const settled = new Map<string, number>();
        for (const e of (
          await db.query<{ data: string }>(`select data from incident_events where kind = 'notification_sent'`)
        ).rows) {
          const id = (JSON.parse(e.data) as { notification_id: string }).notification_id;
          settled.set(id, (settled.get(id) ?? 0) + 1);
        }
        expect(settled.size).toBe(ROWS);
        expect([...settled.values()].every((n) => n === 1)).toBe(true);

        // The receiver: every request attributed to a process, signed, its header id matching its payload's.
        const all = hooks.deliveries;
        expect(all.filter((d) => d.owner === 'unknown')).toEqual([]);
        expect(all.filter((d) => !d.signed || d.bodyId !== d.id)).toEqual([]);
        expect(answeredBeforeKill.victim).toBeGreaterThan(0);
        expect(answeredBeforeKill.survivor).toBeGreaterThan(0);

        // Distinct delivery ids = rows, and they are the rows' ids.
        const byId = new Map<string, Delivery[]>();
        for (const d of all) byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
        expect(byId.size).toBe(ROWS);
        expect([...byId.keys()].sort()).toEqual(rows.map((r) => r.id).sort());

        // No id was ever in flight twice at once: each one's requests follow one another.
        for (const [id, list] of byId) {
          const sorted = [...list].sort((a, b) => a.start - b.start);
          for (let i = 1; i < sorted.length; i++)
            expect((sorted[i] as Delivery).start, id).toBeGreaterThanOrEqual(
              (sorted[i - 1] as Delivery).end ?? Infinity,
            );
        }

        // The kill cut some of the victim's requests off; those, and only rows in flight at the kill, came
        // again — once, from the survivor, after the lease.
        const cutOff = all.filter((d) => d.owner === 'victim' && !d.answered);
        expect(cutOff.length).toBeGreaterThanOrEqual(1);
        expect(cutOff.every((d) => (d.end ?? Infinity) >= killedAt - 50)).toBe(true);
        const repeats = [...byId].filter(([, list]) => list.length > 1);
        const repeatIds = new Set(repeats.map(([id]) => id));
        expect([...repeatIds].filter((id) => !leased.has(id))).toEqual([]);
        expect(cutOff.filter((d) => !repeatIds.has(d.id))).toEqual([]);
        for (const [id, list] of repeats) {
          expect(list, id).toHaveLength(2);
          const again = list[1] as Delivery;
          expect(again.owner).toBe('survivor');
          expect(again.answered).toBe(true);
          expect(again.start).toBeGreaterThanOrEqual(killedAt);
        }
        // Before the kill, with both instances alive, no id reached the receiver twice.
        const beforeKill = all.filter((d) => d.start < killedAt);
        expect(new Set(beforeKill.map((d) => d.id)).size).toBe(beforeKill.length);
        // A receiver deduplicating on X-Vigil-Delivery sees each message exactly once.
        const seen = new Set<string>();
        const firstTimes = all.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
        expect(firstTimes).toHaveLength(ROWS);

        console.log(
          `dispatch-multi: ${ROWS} rows, ${all.length} requests ` +
            `(victim ${all.filter((d) => d.owner === 'victim').length}, ` +
            `survivor ${all.filter((d) => d.owner === 'survivor').length}), ` +
            `${cutOff.length} cut off by the kill, ${repeatIds.size} repeated, ${leased.size} leased at the kill, ` +
            `all sent ${((Date.now() - killedAt) / 1000).toFixed(1)} s after it`,
        );
      },
    );
  },
);
