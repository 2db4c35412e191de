// Status page benchmark (`npm run bench:status`), once per dialect (SQLite in a temporary data dir, then
// PostgreSQL in a scratch database):
//
// 1. Seed, in this process through the services (FakeClock walking the last 90 days): --components
//    components (50) on as many services, --incidents published incidents (1,000), each opened, published
//    investigating → identified → monitoring and resolved (the resolve publishes the last update itself),
//    the newest still open, so the page is served during an outage; the components' status history written
//    beside them (status.repo's insertHistoryRows: the outage each update set, then operational), which the
//    90-day bars are scored from; and --subscribers (10,000) confirmed e-mail subscribers.
// 2. Start the real `vigil serve` (child process; SMTP to a smtp-server peer in this process) and load
//    GET /status and GET /status/api/v2/summary.json with autocannon in this process, --seconds each, with
//    `accept-encoding: gzip`, then both again without it.
// 3. Read vigil_db_queries_total and vigil_status_snapshot_builds_total from /metrics around every load phase
//    and around an idle window as long as one, so the queries the engine runs by itself (its sweeps and the
//    snapshot's 5 s rebuild) are told apart from those of requests.
// 4. --tries (10) times: POST /api/v1/incidents/{id}/status-updates and poll summary.json until the update
//    shows; the time from sending the update to seeing it served.
// 5. One update with notify_subscribers: true: the time its POST takes (the outbox rows are written in its
//    transaction), then until the SMTP peer has every message (the server's engine delivers them).
//
// Prints the results and rewrites the status block of docs/benchmarks.md.
//
// Options: --dialects sqlite,postgres, --seconds N (10), --connections N (64), --components N, --incidents N,
// --subscribers N, --tries N, --fanout-timeout-s N (600), --dist (the npm script builds and passes it), --no-docs,
// --help. PostgreSQL: the server at BENCH_DATABASE_URL or TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/test). BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p"
// profiles the server.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { createApp } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDb, migrate } from '../src/db/database.js';
import { newId } from '../src/ids.js';
import type { Severity } from '../src/incident.js';
import { renderDocuments } from '../src/status/snapshot.js';
import { insertHistoryRows, insertSubscribers, recordStatus, type Subscriber } from '../src/status/status.repo.js';
import type { ComponentStatus, Impact } from '../src/status/status.js';
import {
  commitLabel,
  cpuSeconds,
  flag,
  numberOption,
  option,
  procStatus,
  rewriteDocs,
  scratchPostgres,
  startServer,
  stopServer,
  type Server,
} from './lib.js';
import { closedLoopLoad, percentile } from './load.js';

const USAGE = `usage: tsx bench/status.ts [options]
  --dialects LIST        sqlite,postgres (both)
  --seconds N            length of each load phase (10)
  --connections N        autocannon keep-alive connections (64)
  --components N         components, one service each (50)
  --incidents N          published incidents over the last 90 days, the newest still open (1000)
  --subscribers N        confirmed e-mail subscribers for the fan-out (10000)
  --tries N              published update → served, how many times (10)
  --fanout-timeout-s N   give up on the fan-out after this long (600)
  --quiet-load X         before each load phase, wait for the 1-minute load average to drop below X (1.5)…
  --quiet-wait-s N       …for at most N seconds (60)
  --dist                 run the server from dist/ (npm run bench:status builds and passes it)
  --no-docs              do not rewrite docs/benchmarks.md`;
if (flag('--help')) {
  console.log(USAGE);
  process.exit(0);
}

const DIALECTS = option('--dialects', 'sqlite,postgres').split(',');
const SECONDS = numberOption('--seconds', 10);
const CONNECTIONS = numberOption('--connections', 64);
const COMPONENTS = numberOption('--components', 50);
const INCIDENTS = numberOption('--incidents', 1_000);
const SUBSCRIBERS = numberOption('--subscribers', 10_000);
const TRIES = numberOption('--tries', 10);
const WARMUP_S = 3;
const FANOUT_TIMEOUT_S = numberOption('--fanout-timeout-s', 600);
const QUIET_LOAD = numberOption('--quiet-load', 1.5);
const QUIET_WAIT_S = numberOption('--quiet-wait-s', 60);
const COMMIT = commitLabel();
const TOKEN = `bench_${randomBytes(24).toString('hex')}`;
const PG_SERVER =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MIN = 60_000;
const DAY = 86_400_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const say = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Json = any;

// ---------------------------------------------------------------------------------------------------
// 1. Seeding

const GROUPS = ['Shop', 'Accounts', 'Payments', 'Delivery', 'Platform'];
const OUTAGE: Record<string, { status: ComponentStatus; impact: Impact }> = {
  P0: { status: 'major_outage', impact: 'critical' },
  P1: { status: 'partial_outage', impact: 'major' },
  P2: { status: 'degraded_performance', impact: 'minor' },
};
const severityOf = (i: number): Severity => (i % 10 === 0 ? 'P0' : i % 10 < 4 ? 'P1' : 'P2');

interface Seeded {
  seconds: number;
  /** One snapshot rebuild in this process after seeding, median of 3: reading the model, rendering every document. */
  rebuild: { readMs: number; renderMs: number };
  /** The open incident's id, which the update and fan-out steps publish about. */
  activeIncident: string;
  componentNames: string[];
  updates: number;
}

async function seed(dataDir: string, databaseUrl: string | undefined, now: number): Promise<Seeded> {
  const started = performance.now();
  const database = createDb({ databaseUrl, sqlitePath: path.join(dataDir, 'vigil.db') });
  try {
    await migrate(database.db);
    const clock = new FakeClock(new Date(now - 91 * DAY));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, ...(databaseUrl && { DATABASE_URL: databaseUrl }) });
    const app = createApp(config, database, clock);
    await app.status.updateSettings(SYSTEM_ACTOR, { name: 'Example Shop' });
    const components: Array<{ id: string; name: string }> = [];
    const services: string[] = [];
    for (let c = 0; c < COMPONENTS; c++) {
      const service = (await app.services.create(SYSTEM_ACTOR, { name: `bench-service-${c}` })).service.id;
      const group = GROUPS[c % GROUPS.length] as string;
      const name = `${group} component ${c}`;
      const component = await app.status.createComponent(SYSTEM_ACTOR, {
        name,
        description: `What customers of ${group.toLowerCase()} use (${c})`,
        group,
        serviceIds: [service],
      });
      services.push(service);
      components.push({ id: component.id, name });
    }
    // Past incidents spread evenly from 90 days ago to a day ago, round-robin over the components, so one
    // component's outages never overlap (its next starts ~COMPONENTS × 2 h later); the last is open now.
    const history: Array<{ componentId: string; status: ComponentStatus; at: Date }> = [];
    const span = 89 * DAY;
    let activeIncident = '';
    let updates = 0;
    for (let i = 0; i < INCIDENTS; i++) {
      const last = i === INCIDENTS - 1;
      const at = last ? now - 40 * MIN : now - 90 * DAY + Math.floor((i * span) / Math.max(1, INCIDENTS - 1));
      const duration = (30 + ((i * 37) % 180)) * MIN;
      const c = i % COMPONENTS;
      const component = components[c] as { id: string; name: string };
      const severity = severityOf(i);
      const outage = OUTAGE[severity] as { status: ComponentStatus; impact: Impact };
      clock.set(new Date(at));
      const incident = await app.incidents.create(SYSTEM_ACTOR, {
        title: `internal: ${severity} on bench-service-${c} (#${i})`,
        severity,
        serviceId: services[c],
      });
      await app.status.publish(SYSTEM_ACTOR, incident.id, {
        status: 'investigating',
        name: `${outage.impact === 'critical' ? 'Outage' : 'Errors'} on ${component.name}`,
        body: `We are looking into reports of errors on ${component.name}. Next update within 30 minutes.`,
        impact: outage.impact,
        componentStatuses: { [component.id]: outage.status },
      });
      clock.advance(10 * MIN);
      await app.status.publish(SYSTEM_ACTOR, incident.id, {
        status: 'identified',
        body: 'We found the cause (a faulty release) and are rolling it back.',
      });
      updates += 2;
      if (last) {
        await recordStatus(database.db, component.id, 'operational', outage.status, new Date(at));
        activeIncident = incident.id;
        break;
      }
      clock.advance(15 * MIN);
      await app.status.publish(SYSTEM_ACTOR, incident.id, {
        status: 'monitoring',
        body: 'The rollback is done; we are watching error rates.',
      });
      clock.set(new Date(at + duration));
      await app.incidents.resolve(SYSTEM_ACTOR, incident.id); // publishes "This incident has been resolved."
      updates += 2;
      history.push({ componentId: component.id, status: outage.status, at: new Date(at) });
      history.push({ componentId: component.id, status: 'operational', at: new Date(at + duration) });
      if ((i + 1) % 200 === 0) say(`  ${i + 1} incidents published`);
    }
    await insertHistoryRows(database.db, history);
    const subscribedAt = new Date(now - DAY);
    const subscribers: Subscriber[] = Array.from({ length: SUBSCRIBERS }, (_, n) => ({
      id: newId('sub', subscribedAt),
      kind: 'email',
      address: `subscriber-${n}@example.test`,
      secret: null,
      componentIds: null,
      state: 'confirmed',
      createdAt: subscribedAt,
      confirmedAt: subscribedAt,
      confirmSentAt: subscribedAt,
    }));
    await insertSubscribers(database.db, subscribers);
    const seconds = (performance.now() - started) / 1000;
    // What one rebuild of the snapshot costs (the server does it on every change and every 5 s), in two parts.
    clock.set(new Date(now));
    const reads: number[] = [];
    const renders: number[] = [];
    for (let n = 0; n < 3; n++) {
      const t0 = performance.now();
      const model = await app.status.publicModel(database.db, clock.now(), app.statusPageUrl);
      const t1 = performance.now();
      await renderDocuments(model, { prefix: config.statusPage.prefix, subscribe: true });
      reads.push(t1 - t0);
      renders.push(performance.now() - t1);
    }
    return {
      seconds,
      rebuild: { readMs: median(reads), renderMs: median(renders) },
      activeIncident,
      componentNames: components.map((c) => c.name),
      updates,
    };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// The SMTP peer: counts the messages and when each arrived

function smtpPeer() {
  const arrivals: number[] = [];
  const recipients = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1_000_000,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        arrivals.push(performance.now());
        for (const r of session.envelope.rcptTo) recipients.add(r.address);
        callback();
      });
    },
  });
  return {
    arrivals,
    recipients,
    start: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------
// 2.–5. Measuring a running server

async function call(url: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

interface Counters {
  queries: number;
  builds: number;
}

async function counters(url: string): Promise<Counters> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics: HTTP ${res.status} ${text.slice(0, 200)}`);
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { queries: read('vigil_db_queries_total'), builds: read('vigil_status_snapshot_builds_total') };
}

interface LoadRow {
  /** The load generator: autocannon, or bench/load.ts's lean closed loop. */
  client: 'autocannon' | 'lean';
  path: string;
  gzip: boolean;
  requests: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  bytesPerAnswer: number;
  non200: string;
  serverCpu: number;
  /** CPU of this process (autocannon) per wall second. */
  clientCpu: number;
  queries: number;
  builds: number;
  seconds: number;
  /** The 1-minute load average when the phase began. */
  loadAvg: number;
}

/** What a load phase measured, whichever generator made it. */
type Measured = Pick<LoadRow, 'requests' | 'rate' | 'p50' | 'p99' | 'max' | 'bytesPerAnswer' | 'non200'>;

/** One phase: the counters and CPU around `run`, after waiting for a quieter machine. */
async function phase(
  server: Server,
  row: Pick<LoadRow, 'client' | 'path' | 'gzip'>,
  run: () => Promise<Measured>,
): Promise<LoadRow> {
  const loadAvg = await quieter();
  const before = await counters(server.url);
  const cpu0 = cpuSeconds(server.pid);
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const measured = await run();
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = (cpuSeconds(server.pid) - cpu0) / seconds;
  const own = process.cpuUsage(own0);
  const after = await counters(server.url);
  return {
    ...row,
    ...measured,
    rate: measured.requests / seconds,
    serverCpu,
    clientCpu: (own.user + own.system) / 1e6 / seconds,
    queries: after.queries - before.queries,
    builds: after.builds - before.builds,
    seconds,
    loadAvg,
  };
}

/** autocannon, --connections keep-alive connections for --seconds. */
async function autocannonLoad(server: Server, urlPath: string, gzip: boolean): Promise<Measured> {
  const result = await autocannon({
    url: `${server.url}${urlPath}`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: SECONDS,
    headers: gzip ? { 'accept-encoding': 'gzip' } : {},
  });
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count ?? 0] as const);
  const bad = statuses.filter(([code]) => code !== '200').map(([code, n]) => `${code}×${n}`);
  if (result.errors) bad.push(`errors×${result.errors}`);
  if (result.timeouts) bad.push(`timeouts×${result.timeouts}`);
  return {
    requests: statuses.filter(([code]) => code === '200').reduce((a, [, n]) => a + n, 0),
    rate: NaN,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    bytesPerAnswer: result.throughput.total / Math.max(1, result.requests.total),
    non200: bad.join(' ') || '–',
  };
}

/**
 * bench/load.ts's closed loop (raw keep-alive sockets, a few µs of CPU a request), to tell the server's own
 * cost from autocannon's on the shared cores. Bytes per answer: the body only.
 */
async function leanLoad(server: Server, urlPath: string, gzip: boolean): Promise<Measured> {
  const result = await closedLoopLoad({
    url: `${server.url}${urlPath}`,
    method: 'GET',
    body: () => '',
    headers: gzip ? { 'accept-encoding': 'gzip' } : {},
    connections: CONNECTIONS,
    seconds: SECONDS,
  });
  const bad = [...result.statuses].filter(([code]) => code !== 200).map(([code, n]) => `${code}×${n}`);
  bad.push(...result.errors.slice(0, 1));
  return {
    requests: result.statuses.get(200) ?? 0,
    rate: NaN,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    max: result.latencies[result.latencies.length - 1] ?? NaN,
    bytesPerAnswer: NaN,
    non200: bad.join(' ') || '–',
  };
}

/**
 * Waits (at most --quiet-wait-s) for the machine's 1-minute load average to drop below --quiet-load, since
 * other work shares the 2 cores; returns the load average it starts at.
 */
async function quieter(): Promise<number> {
  const until = performance.now() + QUIET_WAIT_S * 1000;
  while ((os.loadavg()[0] ?? 0) > QUIET_LOAD && performance.now() < until) await sleep(2000);
  return os.loadavg()[0] ?? 0;
}

/** Publishes an update and polls summary.json until it shows; milliseconds from sending it. */
async function publishToServed(server: Server, incidentId: string, n: number): Promise<number> {
  const marker = `bench update ${randomBytes(4).toString('hex')} #${n}`;
  const t0 = performance.now();
  const res = await call(server.url, 'POST', `/api/v1/incidents/${incidentId}/status-updates`, {
    status: 'identified',
    body: `Still rolling back (${marker}).`,
  });
  if (res.status !== 201) throw new Error(`publish: HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  for (;;) {
    const text = await (await fetch(`${server.url}/status/api/v2/summary.json`)).text();
    if (text.includes(marker)) return performance.now() - t0;
    if (performance.now() - t0 > 10_000) throw new Error(`update ${n} not served within 10 s`);
    await sleep(2);
  }
}

interface FanOut {
  enqueueMs: number;
  firstAfterS: number;
  allAfterS: number;
  delivered: number;
  distinct: number;
  rate: number;
  serverCpu: number;
}

async function fanOut(server: Server, smtp: ReturnType<typeof smtpPeer>, incidentId: string): Promise<FanOut> {
  const delivered0 = smtp.arrivals.length;
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  const res = await call(server.url, 'POST', `/api/v1/incidents/${incidentId}/status-updates`, {
    status: 'monitoring',
    body: 'A fix is in place and we are watching the results.',
    notify_subscribers: true,
  });
  const t1 = performance.now();
  if (res.status !== 201) throw new Error(`publish: HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  let lastSay = t1;
  while (smtp.arrivals.length - delivered0 < SUBSCRIBERS && performance.now() - t1 < FANOUT_TIMEOUT_S * 1000) {
    await sleep(100);
    if (performance.now() - lastSay > 15_000) {
      lastSay = performance.now();
      say(`  fan-out: ${smtp.arrivals.length - delivered0} of ${SUBSCRIBERS} delivered`);
    }
  }
  const arrivals = smtp.arrivals.slice(delivered0);
  const first = arrivals[0] ?? NaN;
  const last = arrivals[arrivals.length - 1] ?? NaN;
  return {
    enqueueMs: t1 - t0,
    firstAfterS: (first - t1) / 1000,
    allAfterS: arrivals.length >= SUBSCRIBERS ? (last - t1) / 1000 : NaN,
    delivered: arrivals.length,
    distinct: smtp.recipients.size,
    rate: arrivals.length / ((last - t1) / 1000),
    serverCpu: (cpuSeconds(server.pid) - cpu0) / ((performance.now() - t0) / 1000),
  };
}

interface Result {
  dialect: string;
  database: string;
  seed: Seeded;
  page: { htmlBytes: number; htmlGzip: number; jsonBytes: number; jsonGzip: number; firstMs: number };
  rows: LoadRow[];
  idle: { seconds: number; queries: number; builds: number };
  served: number[];
  fan: FanOut;
  rssMb: number;
}

async function sizeOf(url: string, gzip: boolean): Promise<number> {
  // undici decompresses on its own, so the wire size is read from Content-Length.
  const res = await fetch(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : { 'accept-encoding': 'identity' } });
  await res.arrayBuffer();
  return Number(res.headers.get('content-length'));
}

async function runOne(dialect: string): Promise<Result> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-bench-status-${dialect}-`));
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir);
  const scratch = dialect === 'postgres' ? await scratchPostgres(PG_SERVER) : undefined;
  const smtp = smtpPeer();
  let server: Server | undefined;
  try {
    say(`${dialect}: seeding ${COMPONENTS} components, ${INCIDENTS} published incidents, ${SUBSCRIBERS} subscribers…`);
    const seeded = await seed(dataDir, scratch?.url, Date.now());
    say(`${dialect}: seeded in ${seeded.seconds.toFixed(1)} s`);
    const smtpPort = await smtp.start();
    server = await startServer({
      dataDir,
      dist: flag('--dist'),
      env: {
        VIGIL_ADMIN_TOKEN: TOKEN,
        VIGIL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        VIGIL_OUTBOUND_ALLOW: '127.0.0.1',
        ...(scratch && { DATABASE_URL: scratch.url }),
      },
    });
    // The first request builds the snapshot; then check that the page shows the seeded data.
    const t = performance.now();
    const html = await (await fetch(`${server.url}/status`)).text();
    const firstMs = performance.now() - t;
    const summary = (await call(server.url, 'GET', '/status/api/v2/summary.json')).json;
    const shown = seeded.componentNames.filter((name) => html.includes(name)).length;
    // Statuspage lists each group as a component of its own (`group: true`).
    const listed = (summary?.components ?? []).filter((c: Json) => c.group !== true).length;
    if (shown !== COMPONENTS || listed !== COMPONENTS || summary?.incidents?.length !== 1)
      throw new Error(
        `the page does not show the seeded data: ${shown} component names in the HTML, ` +
          `${listed} components and ${summary?.incidents?.length} active incidents in summary.json`,
      );
    const page = {
      htmlBytes: await sizeOf(`${server.url}/status`, false),
      htmlGzip: await sizeOf(`${server.url}/status`, true),
      jsonBytes: await sizeOf(`${server.url}/status/api/v2/summary.json`, false),
      jsonGzip: await sizeOf(`${server.url}/status/api/v2/summary.json`, true),
      firstMs,
    };
    say(`${dialect}: page ${page.htmlBytes} B (${page.htmlGzip} gzip), summary.json ${page.jsonBytes} B; warming up…`);
    say(`${dialect}: warming up (${WARMUP_S} s of GET /status, not counted)…`);
    await autocannon({ url: `${server.url}/status`, connections: CONNECTIONS, duration: WARMUP_S });
    const running = server;
    const rows: LoadRow[] = [];
    for (const [client, p, gzip] of [
      ['autocannon', '/status', true],
      ['autocannon', '/status/api/v2/summary.json', true],
      ['autocannon', '/status', false],
      ['autocannon', '/status/api/v2/summary.json', false],
      ['lean', '/status', true],
      ['lean', '/status/api/v2/summary.json', true],
    ] as const) {
      say(`${dialect}: loading ${p}${gzip ? ' (gzip)' : ''} with ${client} for ${SECONDS} s…`);
      const run = client === 'lean' ? leanLoad : autocannonLoad;
      rows.push(await phase(running, { client, path: p, gzip }, () => run(running, p, gzip)));
      await sleep(1000);
    }
    say(`${dialect}: idle window of ${SECONDS} s…`);
    const idle0 = await counters(server.url);
    const ti = performance.now();
    await sleep(SECONDS * 1000);
    const idle1 = await counters(server.url);
    const idle = {
      seconds: (performance.now() - ti) / 1000,
      queries: idle1.queries - idle0.queries,
      builds: idle1.builds - idle0.builds,
    };
    say(`${dialect}: published update → served, ${TRIES} times…`);
    const served: number[] = [];
    for (let n = 0; n < TRIES; n++) {
      served.push(await publishToServed(server, seeded.activeIncident, n));
      await sleep(500);
    }
    say(`${dialect}: fan-out to ${SUBSCRIBERS} subscribers…`);
    const fan = await fanOut(server, smtp, seeded.activeIncident);
    return {
      dialect,
      database: scratch?.version ?? 'SQLite (better-sqlite3 12, WAL)',
      seed: seeded,
      page,
      rows,
      idle,
      served,
      fan,
      rssMb: procStatus(server.pid).hwmMb,
    };
  } finally {
    if (server) await stopServer(server);
    await smtp.stop();
    await scratch?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Report

const num = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const kb = (bytes: number) => `${num(bytes / 1024, 1)} KB`;

function report(results: Result[], started: Date, load: [number, number]): string {
  const cpus = os.cpus();
  const lines: string[] = [
    '| Dialect | Request | Requests/s | p50 / p99 / max (ms) | Bytes per answer | ' +
      'CPU: server / autocannon (cores; µs a request) | Queries (snapshot builds) during the phase | ' +
      'Answers other than 200 | Load avg. at start |',
    '|---|---|---:|---|---:|---|---|---|---:|',
  ];
  for (const r of results) {
    const idleRate = r.idle.queries / r.idle.seconds;
    for (const row of r.rows)
      lines.push(
        `| ${r.dialect} | GET ${row.path}${row.gzip ? ', gzip' : ', identity'}` +
          `${row.client === 'lean' ? ' (lean client)' : ''} | **${num(row.rate)}** ` +
          `| ${num(row.p50, row.client === 'lean' ? 1 : 0)} / **${num(row.p99, row.client === 'lean' ? 1 : 0)}** / ` +
          `${num(row.max, row.client === 'lean' ? 1 : 0)} | ${num(row.bytesPerAnswer)} ` +
          `| ${num(row.serverCpu, 2)} / ${num(row.clientCpu, 2)} ` +
          `(${num((row.serverCpu / row.rate) * 1e6)} / ${num((row.clientCpu / row.rate) * 1e6)} µs) ` +
          `| ${num(row.queries)} (${num(row.builds)}): ` +
          `${num((row.queries - idleRate * row.seconds) / Math.max(1, row.requests), 4)} a request beyond idle ` +
          `| ${row.non200} | ${num(row.loadAvg, 2)} |`,
      );
  }
  lines.push(
    '',
    '| Dialect | Seeding | Page / summary.json (gzip) | One rebuild: read model + render all (in process) | ' +
      'First build (cold GET /status) | Idle: queries, builds ' +
      `in ${SECONDS} s | Update → served, median / max of ${TRIES} | Fan-out: POST (enqueue) | ` +
      'Fan-out: first / all delivered | Delivered (distinct recipients) | Messages/s | Server peak RSS |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results)
    lines.push(
      `| ${r.dialect} | ${num(r.seed.seconds, 1)} s | ${kb(r.page.htmlBytes)} (${kb(r.page.htmlGzip)}) / ` +
        `${kb(r.page.jsonBytes)} (${kb(r.page.jsonGzip)}) | ` +
        `${num(r.seed.rebuild.readMs)} + ${num(r.seed.rebuild.renderMs)} ms | ${num(r.page.firstMs)} ms | ` +
        `${num(r.idle.queries)}, ${num(r.idle.builds)} | ` +
        `**${num(median(r.served))}** / ${num(Math.max(...r.served))} ms ` +
        `| ${num(r.fan.enqueueMs)} ms | ${num(r.fan.firstAfterS, 2)} s / ${num(r.fan.allAfterS, 1)} s ` +
        `| ${num(r.fan.delivered)} (${num(r.fan.distinct)}) | **${num(r.fan.rate)}** ` +
        `(server CPU ${num(r.fan.serverCpu, 2)}) | ${num(r.rssMb)} MB |`,
    );
  lines.push(
    '',
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM; Node ${process.version}; commit ${COMMIT}; ` +
      `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; 1-minute load average ` +
      `${load[0].toFixed(2)} before, ${load[1].toFixed(2)} after (others share the cores). ` +
      `Databases: ${results.map((r) => `${r.dialect}: ${r.database}`).join('; ')}.`,
    `- Settings: \`--seconds ${SECONDS} --connections ${CONNECTIONS} --components ${COMPONENTS} ` +
      `--incidents ${INCIDENTS} --subscribers ${SUBSCRIBERS} --tries ${TRIES}\`; server ` +
      `${flag('--dist') ? 'from dist/' : 'from src/ through tsx'} (\`vigil serve\`, NODE_ENV=production, ` +
      'VIGIL_LOG_LEVEL=warn); autocannon in the bench process on the same 2 cores, keep-alive, pipelining 1; ' +
      '"Server CPU" is the server process\'s CPU seconds per wall second. Latencies are autocannon\'s (1 ms ' +
      'resolution).',
    `- Data: ${COMPONENTS} components in ${GROUPS.length} groups, one service each; ${num(INCIDENTS)} incidents ` +
      'published through the status service over the last 90 days (investigating, identified, monitoring, ' +
      `resolved: ${num(results[0]?.seed.updates ?? 0)} updates), the newest still open (identified, its component ` +
      'in outage), with the outage history rows the uptime bars are scored from; every check above found the ' +
      'seeded components and the open incident on the page and in summary.json.',
    '- Queries: `vigil_db_queries_total` read from `/metrics` before and after each phase (a scrape itself ' +
      'runs a few: the token check and the incident gauge). The idle window, as long as a phase with no load, ' +
      "measures what the server's engine runs by itself — its sweeps every second or so and the status " +
      'snapshot\'s rebuild every 5 s (what another instance may have changed) — and "a request beyond idle" ' +
      'subtracts that rate from the phase.',
    '- Update → served: `POST /api/v1/incidents/{id}/status-updates` sent, then `summary.json` polled every ' +
      '~2 ms until the update is in it; rebuilds start at least 200 ms apart. Fan-out: one update with ' +
      `\`notify_subscribers: true\` to ${num(SUBSCRIBERS)} confirmed e-mail subscribers (outbox rows written in ` +
      "the publish's transaction), delivered by the server's engine (dispatcher batches of 50, sent in " +
      'parallel, one SMTP connection per message) to a smtp-server peer on loopback in the bench process; ' +
      '"first / all delivered" count from the POST\'s answer.',
  );
  return lines.join('\n');
}

const started = new Date();
const load0 = os.loadavg()[0] ?? 0;
const results: Result[] = [];
for (const dialect of DIALECTS) results.push(await runOne(dialect));
const body = report(results, started, [load0, os.loadavg()[0] ?? 0]);
console.log(body);
if (!flag('--no-docs')) rewriteDocs('status', 'Status page', body);
