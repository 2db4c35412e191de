// Notification benchmark (`npm run bench:notify`): a real `vigil serve` as a child process (SQLite in a
// temporary data dir, or a PostgreSQL database created for the run and dropped after), a webhook
// receiver over loopback in this process (allowed through the SSRF guard with VIGIL_OUTBOUND_ALLOW),
// and an open-loop generator posting critical events to /v2/enqueue, each with a new dedup key, so
// each opens a P1 incident. Set-up through the API: a stakeholder (webhook, P0/P1) gets the runbook's
// initial notification for every incident; the service's policy pages an on-call user at delay 0,
// whose webhook contact method receives the pages (throttled by the dispatcher to one message a
// minute per destination, with the pages held back meanwhile bundled into it; --no-pages leaves the
// user without a contact method, so pages are written but no messages follow).
//
// (a) Latency: events at --rate per second for --seconds after a --warmup; for every incident, the
//     receiver's arrival time of its first notification − the time its event was sent.
// (b) Drain: the receiver refuses (503, or --outage-mode refuse: the listener is closed) for
//     --outage-minutes while events keep arriving at the same rate, then answers again. Measured from
//     the receiver and from samples of the outbox table (a read-only connection, once a second): the
//     backlog at recovery and when its rows are due, the time until it is empty, and the delivery
//     rate while backlog rows were due. Events keep arriving during the drain too.
//
// Prints a summary and rewrites the generated part of the "Notifications" section of
// docs/benchmarks.md (--no-docs skips that). `npm run bench:notify` builds and passes --dist (the
// server runs dist/main.js); without it the server runs src/ through tsx. --help lists the options.
import Sqlite from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  argValue,
  commitLabel,
  cpuSeconds,
  flag,
  procStatus,
  rewriteDocs,
  scratchPostgres,
  type Server,
  startServer,
  stopServer,
} from './lib.js';

const DEFAULT_PG_SERVER = 'postgres://postgres@127.0.0.1:5432/test';
const USAGE = `usage: tsx bench/notify.ts [options]
  --dialect sqlite|postgres   database of the server (sqlite); postgres creates vigil_bench_<random> on
                             BENCH_DATABASE_URL or TEST_DATABASE_URL (${DEFAULT_PG_SERVER}) and drops it after
  --rate N                   critical events per second offered, each a new incident (100)
  --seconds N                length of the latency phase (a), after the warm-up (60)
  --warmup N                 seconds at the same rate before (a), not counted (5)
  --outage-minutes N         receiver outage in the drain phase (b); 0 skips (b) (10)
  --outage-mode 503|refuse   during the outage answer 503, or close the listener (connection refused) (503)
  --drain-timeout-minutes N  give up on the drain this long after recovery (30)
  --no-pages                 the on-call user has no contact method: stakeholder notifications only
  --dist                     run the server from dist/ (npm run bench:notify builds and passes it)
  --no-docs                  do not rewrite docs/benchmarks.md
  --help                     this text`;

if (flag('--help')) {
  console.log(USAGE);
  process.exit(0);
}
// Here an empty value counts as given (`??`, unlike lib's option()): `--rate ''` is rejected, not defaulted.
const DIALECT = argValue('--dialect') ?? 'sqlite';
const RATE = Number(argValue('--rate') ?? '100');
const SECONDS = Number(argValue('--seconds') ?? '60');
const WARMUP_S = Number(argValue('--warmup') ?? '5');
const OUTAGE_MIN = Number(argValue('--outage-minutes') ?? '10');
const OUTAGE_MODE = argValue('--outage-mode') ?? '503';
const DRAIN_TIMEOUT_MIN = Number(argValue('--drain-timeout-minutes') ?? '30');
const PAGES = !flag('--no-pages');
const DOCS = !flag('--no-docs');
const PG_SERVER = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || DEFAULT_PG_SERVER;
/** How long (a) waits after its last event for the notifications still on their way. */
const SETTLE_MS = 30_000;
const SAMPLE_MS = 1_000;
if (
  !['sqlite', 'postgres'].includes(DIALECT) ||
  !(RATE > 0) ||
  !(SECONDS > 0) ||
  !(WARMUP_S >= 0) ||
  !(OUTAGE_MIN >= 0) ||
  !['503', 'refuse'].includes(OUTAGE_MODE) ||
  !(DRAIN_TIMEOUT_MIN > 0)
) {
  console.error(USAGE);
  process.exit(2);
}

const TOKEN = `bench_${randomBytes(24).toString('hex')}`;
const run = randomBytes(3).toString('hex');
const say = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Wall-clock milliseconds with performance.now()'s resolution, so send and arrival times compare. */
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------------
// The webhook receiver: records when each delivery arrived and which incidents it was about

interface Receiver {
  url: string;
  /** Per event sequence number: arrival of its incident's first initial notification / first page. */
  initialAt: Map<number, number>;
  pageAt: Map<number, number>;
  /** Every accepted delivery: arrival time, kind, pages it carried, and whether its id was seen before. */
  deliveries: Array<{ at: number; kind: 'initial' | 'page' | 'other'; pages: number }>;
  duplicates: number;
  /** Requests refused (503) during the outage, with their times. */
  refused: number[];
  setOutage(on: boolean): Promise<void>;
  close(): Promise<void>;
}

const SEQ = /\(bench [0-9a-f]+ #(\d+)\)/;
const seqOf = (payload: unknown): number | undefined => {
  const title = (payload as { incident?: { title?: unknown } } | undefined)?.incident?.title;
  const m = typeof title === 'string' ? SEQ.exec(title) : null;
  return m ? Number(m[1]) : undefined;
};

async function startReceiver(): Promise<Receiver> {
  let outage = false;
  const seen = new Set<string>();
  const r: Receiver = {
    url: '',
    initialAt: new Map(),
    pageAt: new Map(),
    deliveries: [],
    duplicates: 0,
    refused: [],
    setOutage: async () => undefined,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = now();
      if (outage) {
        r.refused.push(at);
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for the benchmark');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      const id = String(req.headers['x-vigil-delivery'] ?? '');
      if (seen.has(id)) {
        r.duplicates += 1;
        return;
      }
      seen.add(id);
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        event?: string;
        bundle?: unknown[];
        bundled?: number;
      };
      if (body.event === 'notification.initial') {
        const seq = seqOf(body);
        if (seq !== undefined && !r.initialAt.has(seq)) r.initialAt.set(seq, at);
        r.deliveries.push({ at, kind: 'initial', pages: 0 });
      } else if (body.event === 'page') {
        const pages = body.bundle ?? [body];
        for (const p of pages) {
          const seq = seqOf(p);
          if (seq !== undefined && !r.pageAt.has(seq)) r.pageAt.set(seq, at);
        }
        // A bundle spells out its first pages in full and counts the rest in `bundled`; only the spelled-out ones
        // have a latency here.
        r.deliveries.push({ at, kind: 'page', pages: body.bundled ?? pages.length });
      } else r.deliveries.push({ at, kind: 'other', pages: 0 });
    });
  });
  server.keepAliveTimeout = 60_000;
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}`,
    async setOutage(on: boolean) {
      if (OUTAGE_MODE === 'refuse') {
        if (on) {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
        } else await listen(port);
      }
      outage = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

// ---------------------------------------------------------------------------------------------------
// The server

// ---------------------------------------------------------------------------------------------------
// HTTP client, set-up and the open-loop generator

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(method: string, url: string, body?: unknown): Promise<{ status: number; body: string }> {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

async function api<T>(server: Server, urlPath: string, body: unknown): Promise<T> {
  const res = await request('POST', `${server.url}${urlPath}`, body);
  if (res.status !== 201) throw new Error(`POST ${urlPath}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

/**
 * Stakeholder, on-call user (with a webhook contact method unless --no-pages), policy, service; returns the
 * integration key.
 */
async function setUp(server: Server, receiver: Receiver): Promise<string> {
  await api(server, '/api/v1/stakeholders', {
    name: 'Bench stakeholders',
    kind: 'webhook',
    address: `${receiver.url}/stakeholder`,
    severities: ['P0', 'P1'],
  });
  const user = await api<{ id: string }>(server, '/api/v1/users', {
    handle: 'bench-oncall',
    name: 'Bench On Call',
    email: 'oncall@example.com',
  });
  if (PAGES)
    await api(server, `/api/v1/users/${user.id}/contact-methods`, { kind: 'webhook', address: `${receiver.url}/page` });
  const policy = await api<{ id: string }>(server, '/api/v1/escalation-policies', {
    name: 'bench',
    levels: [{ name: 'on call', delay_seconds: 0, targets: [{ type: 'user', id: user.id }] }],
  });
  const service = await api<{ integration_key: string }>(server, '/api/v1/services', {
    name: `bench-${run}`,
    escalation_policy_id: policy.id,
  });
  if (!/^[a-z0-9]{32}$/.test(service.integration_key))
    throw new Error(`unexpected integration key ${service.integration_key}`);
  return service.integration_key;
}

interface Generator {
  /** Send time per sequence number (only events answered 2xx). */
  sentAt: Map<number, number>;
  statuses: Map<string, number>;
  /** How far behind its schedule the generator fell, at worst (ms). */
  lateMs: number;
  /** Sends at RATE from sequence number `from` until stop(); resolves when every request is answered. */
  offer(from: number): { stop(): Promise<number> };
}

function generator(enqueueUrl: string, key: string): Generator {
  const g: Generator = {
    sentAt: new Map(),
    statuses: new Map(),
    lateMs: 0,
    offer(from) {
      let stopped = false;
      const inflight = new Set<Promise<void>>();
      const t0 = performance.now();
      let n = 0;
      const loop = (async () => {
        while (!stopped) {
          const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
          for (; n < due && !stopped; n++) {
            const seq = from + n;
            g.lateMs = Math.max(g.lateMs, performance.now() - (t0 + (n / RATE) * 1000));
            const body =
              `{"routing_key":"${key}","event_action":"trigger","dedup_key":"bench-${run}-${seq}",` +
              `"payload":{"summary":"Disk full on db-${seq % 50} (bench ${run} #${seq})",` +
              `"source":"db-${seq % 50}.example.net","severity":"critical","component":"db","class":"disk"},` +
              `"client":"bench"}`;
            const sent = now();
            const p = request('POST', enqueueUrl, body).then(
              (res) => {
                const k = String(res.status);
                g.statuses.set(k, (g.statuses.get(k) ?? 0) + 1);
                if (res.status >= 200 && res.status < 300) g.sentAt.set(seq, sent);
              },
              (error: unknown) => {
                const k = `error ${(error as Error).message.slice(0, 60)}`;
                g.statuses.set(k, (g.statuses.get(k) ?? 0) + 1);
              },
            );
            inflight.add(p);
            void p.finally(() => inflight.delete(p));
          }
          await sleep(2);
        }
      })();
      return {
        async stop() {
          stopped = true;
          await loop;
          await Promise.all(inflight);
          return from + n;
        },
      };
    },
  };
  return g;
}

// ---------------------------------------------------------------------------------------------------
// A read-only look at the outbox, for the drain phase

interface Observer {
  all(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

function sqliteObserver(file: string): Observer {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  return {
    all: async (sql, params) => db.prepare(sql).all(...params) as Array<Record<string, unknown>>,
    close: async () => void db.close(),
  };
}

async function pgObserver(url: string): Promise<Observer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    all: async (sql, params) => {
      let i = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++i}`),
          params,
        )
      ).rows as Array<Record<string, unknown>>;
    },
    close: () => client.end(),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Initial notifications of incidents created before `before`: not yet sent, and of those how many are due (or in
 * flight) at `at`.
 */
async function backlog(obs: Observer, before: number, at: number): Promise<{ open: number; due: number }> {
  const [row] = await obs.all(
    `SELECT count(*) AS open, sum(CASE WHEN state = 'sending' OR next_attempt_at <= ? THEN 1 ELSE 0 END) AS due
       FROM notifications WHERE kind = 'initial' AND created_at < ? AND state IN ('pending', 'failed', 'sending')`,
    [iso(at), iso(before)],
  );
  return { open: Number(row?.open ?? 0), due: Number(row?.due ?? 0) };
}

/** Outbox rows by kind and state (counts), for the summary. */
async function outboxStates(obs: Observer): Promise<string> {
  const rows = await obs.all(
    `SELECT kind, state, count(*) AS n FROM notifications GROUP BY kind, state ORDER BY kind, state`,
    [],
  );
  return rows.map((r) => `${String(r.kind)} ${String(r.state)} ${Number(r.n).toLocaleString('en')}`).join(', ');
}

// ---------------------------------------------------------------------------------------------------
// Figures

interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const sec = (x: number, d = 1) => (Number.isFinite(x) ? (x / 1000).toFixed(d) : '–');
const num = (x: number, d = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–';

interface LatencyResult {
  incidents: number;
  initial: Stats;
  first: Stats;
  page: Stats;
  undelivered: number;
  unsentAtEnd: string;
  pageMessages: number;
  pagesCarried: number;
  cpuServer: number;
  cpuGenerator: number;
  seconds: number;
}

interface DrainResult {
  incidentsDuringOutage: number;
  refused: number;
  refusedPerMinute: number[];
  atRecovery: { open: number; due: number; waits: string };
  firstSuccessAfterS: number;
  burst: { seconds: number; backlogDelivered: number; messages: number };
  emptyAfter: { p50: number; p99: number; all: number };
  leftOver: number;
  messagesToEmpty: number;
  peakPerSecond: number;
  pageMessages: number;
}

/** Latencies of the incidents with sequence numbers in [from, to). */
function latency(
  gen: Generator,
  rec: Receiver,
  from: number,
  to: number,
): Pick<LatencyResult, 'incidents' | 'initial' | 'first' | 'page' | 'undelivered'> {
  const initial: number[] = [];
  const first: number[] = [];
  const page: number[] = [];
  let incidents = 0;
  let undelivered = 0;
  for (let seq = from; seq < to; seq++) {
    const sent = gen.sentAt.get(seq);
    if (sent === undefined) continue;
    incidents += 1;
    const i = rec.initialAt.get(seq);
    const p = rec.pageAt.get(seq);
    if (i !== undefined) initial.push(i - sent);
    if (p !== undefined) page.push(p - sent);
    if (i === undefined && p === undefined) undelivered += 1;
    else first.push(Math.min(i ?? Infinity, p ?? Infinity) - sent);
  }
  return { incidents, initial: stats(initial), first: stats(first), page: stats(page), undelivered };
}

// ---------------------------------------------------------------------------------------------------
// The phases

/**
 * Unsent outbox rows by kind at `at`: due (or in flight) and waiting for a later attempt time (throttle, breaker,
 * backoff).
 */
async function unsent(obs: Observer, at: number): Promise<string> {
  const rows = await obs.all(
    "SELECT kind, sum(CASE WHEN state = 'sending' OR next_attempt_at <= ? THEN 1 ELSE 0 END) AS due, " +
      `sum(CASE WHEN state <> 'sending' AND next_attempt_at > ? THEN 1 ELSE 0 END) AS later
       FROM notifications WHERE state IN ('pending', 'failed', 'sending') GROUP BY kind ORDER BY kind`,
    [iso(at), iso(at)],
  );
  return (
    rows.map((r) => `${String(r.kind)} ${num(Number(r.due))} due, ${num(Number(r.later))} waiting`).join('; ') || 'none'
  );
}

async function phaseLatency(
  server: Server,
  gen: Generator,
  rec: Receiver,
  obs: Observer,
  from: number,
): Promise<{ result: LatencyResult; next: number }> {
  say(`warm-up: ${WARMUP_S} s at ${RATE}/s`);
  let offer = gen.offer(from);
  await sleep(WARMUP_S * 1000);
  const start = await offer.stop();
  say(`(a) latency: ${SECONDS} s at ${RATE} critical events/s`);
  const cpu0 = cpuSeconds(server.pid);
  const gen0 = process.cpuUsage();
  const t0 = performance.now();
  const deliveries0 = rec.deliveries.length;
  offer = gen.offer(start);
  await sleep(SECONDS * 1000);
  const end = await offer.stop();
  const seconds = (performance.now() - t0) / 1000;
  const unsentAtEnd = await unsent(obs, now());
  const cpuServer = (cpuSeconds(server.pid) - cpu0) / seconds;
  const g = process.cpuUsage(gen0);
  // The initial notifications still on their way (pages may be throttled far longer; they are not waited for).
  const deadline = Date.now() + SETTLE_MS;
  const waiting = () => [...gen.sentAt.keys()].filter((s) => s >= start && s < end && !rec.initialAt.has(s)).length;
  while (waiting() > 0 && Date.now() < deadline) await sleep(200);
  const pageDeliveries = rec.deliveries.slice(deliveries0).filter((d) => d.kind === 'page');
  return {
    result: {
      ...latency(gen, rec, start, end),
      unsentAtEnd,
      pageMessages: pageDeliveries.length,
      pagesCarried: pageDeliveries.reduce((a, d) => a + d.pages, 0),
      cpuServer,
      cpuGenerator: (g.user + g.system) / 1e6 / seconds,
      seconds,
    },
    next: end,
  };
}

async function phaseDrain(gen: Generator, rec: Receiver, obs: Observer, from: number): Promise<DrainResult> {
  say(
    `(b) drain: receiver ${OUTAGE_MODE === 'refuse' ? 'refuses connections' : 'answers 503'} ` +
      `for ${OUTAGE_MIN} min while events arrive at ${RATE}/s`,
  );
  await rec.setOutage(true);
  const outageStart = now();
  const refused0 = rec.refused.length;
  const offer = gen.offer(from);
  const outageEnd = outageStart + OUTAGE_MIN * 60_000;
  let lastSay = now();
  while (now() < outageEnd) {
    await sleep(Math.min(1000, outageEnd - now()));
    if (now() - lastSay > 30_000) {
      lastSay = now();
      say(`  outage: ${sec(now() - outageStart, 0)} s, ${num(rec.refused.length - refused0)} requests refused`);
    }
  }
  // The receiver answers again; everything created before now is the backlog to drain.
  const recovery = now();
  const incidentsDuringOutage = [...gen.sentAt.keys()].filter((s) => s >= from).length;
  const before = [...gen.sentAt.keys()].filter((s) => !rec.initialAt.has(s));
  const b0 = await backlog(obs, recovery, recovery);
  const waitRows = await obs.all(
    'SELECT attempts, count(*) AS n, min(next_attempt_at) AS first, max(next_attempt_at) AS last ' +
      "FROM notifications WHERE kind = 'initial' AND state IN ('pending', 'failed', 'sending') " +
      'GROUP BY attempts ORDER BY attempts',
    [],
  );
  const waits = waitRows
    .map(
      (r) =>
        `${num(Number(r.n))} after ${Number(r.attempts)} attempt(s), ` +
        `due ${sec(Date.parse(String(r.first)) - recovery)}…${sec(Date.parse(String(r.last)) - recovery)} s`,
    )
    .join('; ');
  const refusedCount = rec.refused.length - refused0;
  const refusedPerMinute = Array.from(
    { length: Math.ceil(OUTAGE_MIN) },
    (_, m) =>
      rec.refused.slice(refused0).filter((t) => t >= outageStart + m * 60_000 && t < outageStart + (m + 1) * 60_000)
        .length,
  );
  await rec.setOutage(false);
  say(`  recovered: ${num(b0.open)} initial notifications waiting (${num(b0.due)} due now); ${waits}`);

  const deliveries0 = rec.deliveries.length;
  /** The first sample after deliveries resumed in which no backlog row was due (or in flight). */
  let dueGoneAt = NaN;
  const deadline = recovery + DRAIN_TIMEOUT_MIN * 60_000;
  lastSay = now();
  for (;;) {
    await sleep(SAMPLE_MS);
    const left = before.filter((s) => !rec.initialAt.has(s)).length;
    if (left === 0 || now() > deadline) break;
    if (Number.isNaN(dueGoneAt) && before.some((s) => rec.initialAt.has(s))) {
      const b = await backlog(obs, recovery, now());
      if (b.due === 0) dueGoneAt = now();
    }
    if (now() - lastSay > 30_000) {
      lastSay = now();
      say(
        `  drain: ${sec(now() - recovery, 0)} s after recovery, ` +
          `${num(left)} of ${num(before.length)} backlog incidents still without their initial notification`,
      );
    }
  }
  const stoppedAt = now();
  await offer.stop();
  const after = rec.deliveries.slice(deliveries0);
  const arrivals = before.map((s) => rec.initialAt.get(s)).filter((t): t is number => t !== undefined);
  // The burst: from the first backlog delivery to the last one made while backlog rows were still due.
  const firstOk = arrivals.reduce((a, t) => Math.min(a, t), Infinity);
  const burstEnd = arrivals
    .filter((t) => t <= (Number.isNaN(dueGoneAt) ? stoppedAt : dueGoneAt))
    .reduce((a, t) => Math.max(a, t), firstOk);
  const leftOver = before.length - arrivals.length;
  const emptied = stats(arrivals.map((t) => t - recovery));
  const emptyAt = leftOver === 0 ? recovery + emptied.max : now();
  const inBurst = (t: number) => t >= firstOk && t <= burstEnd;
  const perSecond = new Map<number, number>();
  for (const d of after)
    if (d.at <= emptyAt) perSecond.set(Math.floor(d.at / 1000), (perSecond.get(Math.floor(d.at / 1000)) ?? 0) + 1);
  return {
    incidentsDuringOutage,
    refused: refusedCount,
    refusedPerMinute,
    atRecovery: { open: b0.open, due: b0.due, waits },
    firstSuccessAfterS: (firstOk - recovery) / 1000,
    burst: {
      seconds: (burstEnd - firstOk) / 1000,
      backlogDelivered: arrivals.filter(inBurst).length,
      messages: after.filter((d) => inBurst(d.at)).length,
    },
    emptyAfter: { p50: emptied.p50, p99: emptied.p99, all: leftOver === 0 ? emptied.max : NaN },
    leftOver,
    messagesToEmpty: after.filter((d) => d.at <= emptyAt).length,
    peakPerSecond: [...perSecond.values()].reduce((a, x) => Math.max(a, x), 0),
    pageMessages: after.filter((d) => d.kind === 'page' && d.at <= emptyAt).length,
  };
}

// ---------------------------------------------------------------------------------------------------
// Report

function report(
  a: LatencyResult,
  b: DrainResult | undefined,
  meta: {
    dialect: string;
    sha: string;
    started: Date;
    load: [number, number];
    rss: number;
    states: string;
    statuses: string;
    lateMs: number;
    duplicates: number;
  },
): string {
  const cpus = os.cpus();
  const lines = [
    `| (a) ${num(RATE)} critical events/s for ${SECONDS} s, ${meta.dialect} ` +
      '| Incidents | p50 (ms) | p99 (ms) | max (ms) | Target |',
    '|---|---:|---:|---:|---:|---|',
    `| Event sent → first notification at the receiver (either kind) | ${num(a.first.n)} ` +
      `| ${ms(a.first.p50)} | **${ms(a.first.p99)}** | ${ms(a.first.max)} ` +
      `| p99 < 1 s: ${a.first.p99 < 1000 && a.undelivered === 0 ? 'met' : 'missed'} |`,
    `| … the stakeholder's initial notification | ${num(a.initial.n)} ` +
      `| ${ms(a.initial.p50)} | ${ms(a.initial.p99)} | ${ms(a.initial.max)} | |`,
    `| … the on-call page (throttled: one message a minute, pages bundled) | ${num(a.page.n)} ` +
      `| ${ms(a.page.p50)} | ${ms(a.page.p99)} | ${ms(a.page.max)} | |`,
    '',
    `Incidents opened in (a): ${num(a.incidents)}; ` +
      `without any notification ${SETTLE_MS / 1000} s after the last event: ${num(a.undelivered)}. ` +
      `Unsent outbox rows when (a)'s last event was answered: ${a.unsentAtEnd}. ` +
      `Page messages during (a): ${num(a.pageMessages)} carrying ${num(a.pagesCarried)} pages. ` +
      `Server CPU ${a.cpuServer.toFixed(2)} cores, ` +
      `generator and receiver (this process) ${a.cpuGenerator.toFixed(2)} cores.`,
  ];
  if (b) {
    lines.push(
      '',
      `| (b) ${OUTAGE_MIN} min outage (${OUTAGE_MODE === 'refuse' ? 'connection refused' : '503'}) ` +
        `at ${num(RATE)}/s, ${meta.dialect} | Figure |`,
      '|---|---|',
      '| Incidents opened during the outage (events kept arriving at the same rate after recovery too) ' +
        `| ${num(b.incidentsDuringOutage)} |`,
      OUTAGE_MODE === 'refuse'
        ? '| Requests refused during the outage | not counted: connections were refused before any request |'
        : '| Requests the receiver refused during the outage, per minute ' +
            `| ${num(b.refused)}: ${b.refusedPerMinute.map((x) => num(x)).join(', ')} |`,
      `| Backlog at recovery (initial notifications not sent) | ${num(b.atRecovery.open)}, ` +
        `of which due at once: ${num(b.atRecovery.due)} |`,
      '| When the backlog rows were next due (by attempts spent), relative to recovery ' +
        `| ${b.atRecovery.waits || '–'} |`,
      `| First backlog delivery after recovery | ${b.firstSuccessAfterS.toFixed(1)} s |`,
      '| Burst: from the first backlog delivery to the last one made while backlog rows were due ' +
        `(outbox sampled every ${SAMPLE_MS / 1000} s) | ${b.burst.seconds.toFixed(1)} s, ` +
        `${num(b.burst.backlogDelivered)} backlog notifications, ${num(b.burst.messages)} messages in all: ` +
        `**${num(b.burst.messages / b.burst.seconds)} messages/s** (target ≥ 200) |`,
      '| Backlog empty (50 % / 99 % / all delivered), after recovery ' +
        `| ${sec(b.emptyAfter.p50)} / ${sec(b.emptyAfter.p99)} / ` +
        '**' +
        (b.leftOver ? `not within ${DRAIN_TIMEOUT_MIN} min (${num(b.leftOver)} left)` : `${sec(b.emptyAfter.all)} s`) +
        '** |',
      `| Messages from recovery to empty (incl. live incidents and ${num(b.pageMessages)} page messages) ` +
        `| ${num(b.messagesToEmpty)}, ` +
        `${num(b.messagesToEmpty / ((b.leftOver ? DRAIN_TIMEOUT_MIN * 60_000 : b.emptyAfter.all) / 1000))}` +
        ` messages/s on average; busiest second ${num(b.peakPerSecond)} |`,
    );
  }
  lines.push(
    '',
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM; Node ${process.version}; commit ${meta.sha}; ` +
      `${meta.started.toISOString().slice(0, 16).replace('T', ' ')} UTC; ` +
      `1-minute load average ${meta.load[0].toFixed(2)} before, ` +
      `${meta.load[1].toFixed(2)} after (others share the cores).`,
    `- Settings: \`--dialect ${DIALECT} --rate ${RATE} --seconds ${SECONDS} --warmup ${WARMUP_S} ` +
      `--outage-minutes ${OUTAGE_MIN} --outage-mode ${OUTAGE_MODE}${PAGES ? '' : ' --no-pages'}\`; ` +
      `server ${flag('--dist') ? 'from dist/' : 'from src/ through tsx'}, NODE_ENV=production, VIGIL_LOG_LEVEL=warn, ` +
      'VIGIL_OUTBOUND_ALLOW=127.0.0.1, ' +
      (DIALECT === 'sqlite'
        ? 'SQLite in a fresh data dir'
        : 'PostgreSQL on 127.0.0.1 in a database created for the run and dropped after') +
      ', dispatcher defaults (batch 50, backoff 1 min doubling to 16 min ±20 %, 6 attempts, ' +
      'breaker after 5 failures open 60 s, pages one a minute per destination).',
    '- Each event is a PagerDuty v2 trigger, severity critical, new dedup key → a P1 incident; ' +
      'the stakeholder (webhook, P0/P1) gets the initial notification; ' +
      "the service's policy pages one user at delay 0" +
      `${PAGES ? ', whose webhook contact method gets the pages' : ' (no contact method: --no-pages)'}. ` +
      'Latency = arrival at the receiver (end of the request body) − when the event was sent; ' +
      `the generator fell at most ${meta.lateMs.toFixed(0)} ms behind its schedule. ` +
      `Generator answers: ${meta.statuses}; duplicate deliveries seen: ${num(meta.duplicates)}.`,
    `- Outbox at the end: ${meta.states}. Peak server RSS (VmHWM) ${meta.rss.toFixed(0)} MB.`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const started = new Date();
  const sha = commitLabel();
  const load0 = os.loadavg()[0] ?? 0;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-notify-'));
  const scratch = DIALECT === 'postgres' ? await scratchPostgres(PG_SERVER) : undefined;
  const databaseUrl = scratch?.url;
  const receiver = await startReceiver();
  let server: Server | undefined;
  let obs: Observer | undefined;
  try {
    server = await startServer({
      dataDir: path.join(tmp, 'data'),
      dist: flag('--dist'),
      env: {
        VIGIL_ADMIN_TOKEN: TOKEN,
        VIGIL_OUTBOUND_ALLOW: '127.0.0.1',
        ...(databaseUrl && { DATABASE_URL: databaseUrl }),
      },
    });
    say(`server pid ${server.pid} at ${server.url} (${DIALECT}); receiver at ${receiver.url}`);
    const key = await setUp(server, receiver);
    obs = databaseUrl ? await pgObserver(databaseUrl) : sqliteObserver(path.join(tmp, 'data', 'vigil.db'));
    const gen = generator(`${server.url}/v2/enqueue`, key);
    const a = await phaseLatency(server, gen, receiver, obs, 0);
    const drain = OUTAGE_MIN > 0 ? await phaseDrain(gen, receiver, obs, a.next) : undefined;
    const meta = {
      dialect: DIALECT === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      sha,
      started,
      load: [load0, os.loadavg()[0] ?? 0] as [number, number],
      rss: procStatus(server.pid).hwmMb,
      states: await outboxStates(obs),
      statuses: [...gen.statuses].map(([s, c]) => `${s}×${num(c)}`).join(' '),
      lateMs: gen.lateMs,
      duplicates: receiver.duplicates,
    };
    const body = report(a.result, drain, meta);
    console.log(`\n${body}`);
    if (DOCS) rewriteDocs('notify', 'Notifications', body);
    const ok =
      [...gen.statuses.keys()].every((s) => s === '202') && a.result.undelivered === 0 && (drain?.leftOver ?? 0) === 0;
    return ok ? 0 : 1;
  } finally {
    await obs?.close();
    if (server) await stopServer(server);
    await receiver.close();
    agent.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
    await scratch?.drop();
  }
}

process.exit(await main());
