// Ingestion benchmark (`npm run bench:ingest`): a real `vigil serve` on SQLite in a temporary data dir
// as a child process, and load generators in this process over loopback. Closed loop (N connections,
// each sends its next request when the previous one is answered; bench/load.ts, raw sockets with
// pre-encoded requests, so the generator takes as little of the shared cores as it can) for throughput,
// open loop (requests sent on a fixed schedule over the same kind of connections, latency measured
// from the scheduled time, after a warm-up at the same rate) for the p99 at an offered rate.
// Prints a table and rewrites the generated part of docs/benchmarks.md.
//
// `npm run bench:ingest` builds and passes --dist (the server runs dist/main.js); without it the server
// runs src/ through tsx. --cpu-prof writes a V8 CPU profile of the server, prints where its time went and
// keeps the profile in the system tmp dir; --no-docs skips the docs update; --only and --server-node-args
// (below); --seconds N (default 6), --connections N (32), --am-connections N (8) and --rate N (5000) change
// the phases.
// --postgres URL runs the server on a fresh database created on that PostgreSQL server (dropped
// afterwards) instead of SQLite; --services N sends the /v2/enqueue phases' events to N services
// round-robin (Alertmanager stays on the first). Either leaves the docs alone.
import { DEFAULT_GROUP_COMMIT } from '../src/alerts/ingest.service.js';
import { closedLoopLoad, openLoopLoad, percentile } from './load.js';
import {
  argValue,
  cpuSeconds,
  flag,
  gitState,
  numberOption,
  procStatus,
  rewriteDocs,
  scratchPostgres,
  startServer,
  stopServer,
} from './lib.js';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const PHASE_S = numberOption('--seconds', 6);
const WARMUP_S = 2;
const CONNECTIONS = numberOption('--connections', 32);
const AM_CONNECTIONS = numberOption('--am-connections', 8);
const AM_ALERTS = 100;
const RETRIGGER_KEYS = 1_000;
const OPEN_RATE = numberOption('--rate', 5_000);
const OPEN_S = 5;
/** --server-node-args "…": extra node flags for the server process (e.g. V8 heap settings to compare). */
const SERVER_NODE_ARGS = argValue('--server-node-args')?.split(' ').filter(Boolean) ?? [];
/** --postgres URL: the server's database is a fresh one on this PostgreSQL server. */
const PG_SERVER = argValue('--postgres');
const SERVICES = numberOption('--services', 1);
/** --only ref,info,critical,retrigger,am,open runs just those phases (and leaves the docs alone). */
const ONLY = argValue('--only')?.split(',');
const want = (phase: string): boolean => !ONLY || ONLY.includes(phase);
/** The open loop's warm-up figures, for the notes. */
let openWarmup = { p99: NaN, max: NaN, connections: 0 };
const TOKEN = `bench_${randomBytes(24).toString('hex')}`;

// ---------------------------------------------------------------------------------------------------
// The server

function generatorCpu(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
}

// ---------------------------------------------------------------------------------------------------
// HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface PhaseResult {
  requests: number;
  ok: number;
  statuses: Map<number, number>;
  seconds: number;
  p50: number;
  p99: number;
  cpuServer: number;
  cpuGenerator: number;
}

interface ClosedLoopOptions {
  /** Send exactly this many requests instead of running for `seconds`. */
  amount?: number;
  /** The statuses the phase expects (default 2xx); any other answer, error or timeout fails the phase. */
  expected?: (status: number) => boolean;
}

const is2xx = (status: number): boolean => status >= 200 && status < 300;

/**
 * Closed loop (bench/load.ts): `connections` keep-alive connections, each sending its next request as
 * soon as the last is answered (pipelining 1). `body(n)` builds the n-th request's body (n counts up
 * from 0 across all connections, once per request sent). Throws if any answer is unexpected.
 */
async function closedLoop(
  phase: string,
  pid: number,
  url: string,
  connections: number,
  seconds: number,
  body: (n: number) => string,
  { amount, expected = is2xx }: ClosedLoopOptions = {},
): Promise<PhaseResult> {
  const cpu0 = cpuSeconds(pid);
  const gen0 = process.cpuUsage();
  const result = await closedLoopLoad({ url, connections, body, ...(amount ? { amount } : { seconds }) });
  const cpuServer = cpuSeconds(pid) - cpu0;
  const cpuGenerator = generatorCpu(gen0);
  const ok = [...result.statuses].filter(([st]) => expected(st)).reduce((a, [, c]) => a + c, 0);
  const unexpected = [...result.statuses]
    .filter(([st]) => !expected(st))
    .map(([st, c]) => `${st}×${c} (first: ${result.samples.get(st) ?? ''})`);
  unexpected.push(...result.errors);
  if (unexpected.length) throw new Error(`phase ${phase}: unexpected answers: ${unexpected.join('; ')}`);
  return {
    requests: result.requests,
    ok,
    statuses: result.statuses,
    seconds: result.seconds,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    cpuServer,
    cpuGenerator,
  };
}

/**
 * Open loop (bench/load.ts): requests leave at `rate` whatever the answers, for a warm-up and then
 * `seconds` more, on up to 256 connections opened as requests queue. Only requests scheduled after the
 * warm-up count towards the phase's figures; the warm-up's own latencies are returned apart.
 */
async function openLoop(
  pid: number,
  url: string,
  rate: number,
  seconds: number,
  body: (n: number) => string,
): Promise<PhaseResult & { lateMs: number; connections: number; warmup: { p99: number; max: number } }> {
  const warmupTotal = Math.round(rate * WARMUP_S);
  const cpu0 = cpuSeconds(pid);
  const gen0 = process.cpuUsage();
  const r = await openLoopLoad({
    url,
    body,
    rate,
    seconds: WARMUP_S + seconds,
    maxConnections: 256,
    measureFrom: warmupTotal,
  });
  // CPU over the whole run (warm-up included: the rate is the same throughout).
  const wall = r.seconds + r.warmup.seconds;
  const problems = [...r.errors, ...r.warmup.errors];
  if (problems.length) throw new Error(`open loop: ${problems.join('; ')}`);
  const ok = [...r.statuses].filter(([st]) => is2xx(st)).reduce((a, [, c]) => a + c, 0);
  const w = r.warmup.latencies;
  return {
    requests: r.requests,
    ok,
    statuses: r.statuses,
    seconds: r.seconds,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    cpuServer: ((cpuSeconds(pid) - cpu0) / wall) * r.seconds,
    cpuGenerator: (generatorCpu(gen0) / wall) * r.seconds,
    lateMs: r.lateMs,
    connections: r.connections,
    warmup: { p99: percentile(w, 99), max: w[w.length - 1] ?? NaN },
  };
}

// ---------------------------------------------------------------------------------------------------
// Payloads

const run = randomBytes(3).toString('hex');

// Bodies are built per request while the generator runs, so they are template strings over values
// known to need no JSON escaping (hex, the integration key, counters) rather than JSON.stringify.
const jsonSafe = (s: string): string => {
  if (!/^[\w.:-]*$/.test(s)) throw new Error(`not safe to put in a JSON string unescaped: ${s}`);
  return s;
};

const pdEvent = (key: string, dedupKey: string, severity: string): string => {
  const host = `web-${dedupKey.slice(-3)}`;
  return (
    `{"routing_key":"${key}","event_action":"trigger","dedup_key":"${dedupKey}",` +
    `"payload":{"summary":"CPU high on ${host}","source":"${host}.example.net","severity":"${severity}",` +
    `"component":"web","group":"prod","class":"cpu","custom_details":{"cpu_pct":97,"host":"web"}},"client":"bench"}`
  );
};

/** Each alert up to its fingerprint's per-payload part; the fingerprint is `${run}${payload hex}${alert hex}`. */
const amAlertHeads = Array.from(
  { length: AM_ALERTS },
  (_, i) =>
    `{"status":"firing","labels":{"alertname":"HighLatency","severity":"warning","instance":"web-${i}:9100",` +
    `"job":"node","namespace":"prod"},` +
    `"annotations":{"summary":"p99 latency above 500 ms on web-${i}",` +
    `"description":"The 99th percentile of request latency has been above 500 ms for 5 minutes."},` +
    `"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z",` +
    `"generatorURL":"http://prometheus.example.net/graph?g0.expr=latency%7Binstance%3D%22web-${i}%22%7D",` +
    `"fingerprint":"${run}`,
);
const amAlertTails = Array.from({ length: AM_ALERTS }, (_, i) => `${i.toString(16).padStart(4, '0')}"}`);

/** An Alertmanager webhook payload of AM_ALERTS firing alerts, all with fingerprints new to payload `n`. */
function alertmanagerPayload(n: number): string {
  const nHex = n.toString(16).padStart(8, '0');
  let alerts = '';
  for (let i = 0; i < AM_ALERTS; i++)
    alerts += `${i ? ',' : ''}${amAlertHeads[i] as string}${nHex}${amAlertTails[i] as string}`;
  return (
    `{"version":"4","groupKey":"{}:{alertname=\\"HighLatency\\",batch=\\"${run}-${n}\\"}","truncatedAlerts":0,` +
    `"status":"firing","receiver":"vigil","groupLabels":{"alertname":"HighLatency"},` +
    `"commonLabels":{"alertname":"HighLatency","severity":"warning","job":"node","namespace":"prod"},` +
    `"commonAnnotations":{},"externalURL":"http://alertmanager.example.net:9093","alerts":[${alerts}]}`
  );
}

// ---------------------------------------------------------------------------------------------------
// CPU profile summary: self time per function and per source file, from a .cpuprofile

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function summariseProfile(file: string): string[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...byNode.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  const areaOf = (url: string, name: string): string => {
    if (!url)
      return name === '(garbage collector)' || name === '(idle)' || name === '(program)'
        ? name
        : `native: ${name || '(anonymous)'}`;
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return `npm: ${m[1]}`;
    if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
    const s = /\/(src|dist)\/(.+)$/.exec(url);
    return s ? `vigil: ${s[2]}` : url;
  };
  for (const node of profile.nodes) {
    const t = byNode.get(node.id) ?? 0;
    if (!t) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${areaOf(url, functionName)}:${lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + t);
    const a = areaOf(url, functionName);
    area.set(a, (area.get(a) ?? 0) + t);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  return ['Self time by area:', ...top(area, 18), '', 'Self time by function:', ...top(fn, 25)];
}

// ---------------------------------------------------------------------------------------------------
// Main

interface Row {
  phase: string;
  unit: string;
  rate: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: string;
  cpu: number;
  genCpu: number;
  rssMb: number;
}

function row(
  phase: string,
  unit: string,
  perRequest: number,
  r: PhaseResult,
  rssMb: number,
  expected: (status: number) => boolean = is2xx,
): Row {
  const non2xx = [...r.statuses.entries()].filter(([s]) => !expected(s)).map(([s, c]) => `${s}×${c}`);
  return {
    phase,
    unit,
    rate: (r.ok * perRequest) / r.seconds,
    p50: r.p50,
    p99: r.p99,
    requests: r.requests,
    non2xx: non2xx.join(' ') || '–',
    cpu: r.cpuServer / r.seconds,
    genCpu: r.cpuGenerator / r.seconds,
    rssMb,
  };
}

function machine(): { nproc: number; cpu: string; memGb: string; node: string; commit: string; dirty: boolean } {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const { sha, dirty } = gitState();
  return {
    nproc: os.availableParallelism(),
    cpu,
    memGb: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    commit: sha,
    dirty,
  };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const profileDir = flag('--cpu-prof') ? path.join(tmp, 'profile') : undefined;
  const load0 = os.loadavg()[0] as number;
  const scratch = PG_SERVER ? await scratchPostgres(PG_SERVER) : undefined;
  const server = await startServer({
    dataDir: path.join(tmp, 'data'),
    dist: flag('--dist'),
    env: { VIGIL_ADMIN_TOKEN: TOKEN, ...(scratch && { DATABASE_URL: scratch.url }) },
    nodeArgs: [...SERVER_NODE_ARGS, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
  });
  const rows: Row[] = [];
  let profileLines: string[] = [];
  try {
    const keys: string[] = [];
    for (let i = 0; i < SERVICES; i++) {
      const created = await post(`${server.url}/api/v1/services`, JSON.stringify({ name: `bench-${run}-${i}` }), {
        authorization: `Bearer ${TOKEN}`,
      });
      if (created.status !== 201) throw new Error(`creating a service: ${created.status} ${created.body}`);
      keys.push(jsonSafe((JSON.parse(created.body) as { integration_key: string }).integration_key));
    }
    const key = keys[0] as string;
    /** The n-th request's integration key: the services in turn. */
    const keyOf = (n: number) => keys[n % keys.length] as string;
    const enqueue = `${server.url}/v2/enqueue`;
    const rss = () => procStatus(server.pid).rssMb;
    const say = (s: string) => process.stderr.write(`${s}\n`);

    say(`server pid ${server.pid} at ${server.url}; warm-up ${WARMUP_S} s`);
    await closedLoop('warm-up', server.pid, enqueue, CONNECTIONS, WARMUP_S, (n) =>
      pdEvent(key, `${run}-warm-${n}`, 'info'),
    );

    if (want('ref')) {
      say(`(ref) events the parser rejects (400, no database), ${CONNECTIONS} connections, ${PHASE_S} s`);
      const is400 = (status: number) => status === 400;
      const r = await closedLoop(
        '(ref)',
        server.pid,
        enqueue,
        CONNECTIONS,
        PHASE_S,
        (n) =>
          `{"routing_key":"${key}","event_action":"trigger","dedup_key":"${run}-bad-${n}",` +
          `"payload":{"summary":"no source or severity"}}`,
        { expected: is400 },
      );
      rows.push(
        row(
          '(ref) /v2/enqueue rejected by the parser: HTTP + JSON only, no database',
          'requests/s',
          1,
          r,
          rss(),
          is400,
        ),
      );
    }

    if (want('info')) {
      say(`(a) new dedup keys, severity info, ${CONNECTIONS} connections, ${PHASE_S} s`);
      const r = await closedLoop('(a) info', server.pid, enqueue, CONNECTIONS, PHASE_S, (n) =>
        pdEvent(keyOf(n), `${run}-info-${n}`, 'info'),
      );
      rows.push(row('(a) /v2/enqueue, new keys, info (no incident)', 'events/s', 1, r, rss()));
    }

    if (want('critical')) {
      say(`(a) new dedup keys, severity critical, ${CONNECTIONS} connections, ${PHASE_S} s`);
      const r = await closedLoop('(a) critical', server.pid, enqueue, CONNECTIONS, PHASE_S, (n) =>
        pdEvent(keyOf(n), `${run}-crit-${n}`, 'critical'),
      );
      rows.push(row('(a) /v2/enqueue, new keys, critical (1 incident each)', 'events/s', 1, r, rss()));
    }

    if (want('retrigger')) {
      say(`(b) ${RETRIGGER_KEYS} keys re-triggered, ${CONNECTIONS} connections, ${PHASE_S} s`);
      const seeded = await closedLoop(
        '(b) seeding',
        server.pid,
        enqueue,
        CONNECTIONS,
        60,
        (n) => pdEvent(keyOf(n), `${run}-re-${n}`, 'critical'),
        { amount: RETRIGGER_KEYS },
      );
      if (seeded.ok !== RETRIGGER_KEYS) throw new Error(`seeding ${RETRIGGER_KEYS} keys: only ${seeded.ok} accepted`);
      const r = await closedLoop('(b)', server.pid, enqueue, CONNECTIONS, PHASE_S, (n) =>
        pdEvent(keyOf(n % RETRIGGER_KEYS), `${run}-re-${n % RETRIGGER_KEYS}`, 'critical'),
      );
      rows.push(row(`(b) /v2/enqueue, ${fmt(RETRIGGER_KEYS)} keys re-triggered, critical`, 'events/s', 1, r, rss()));
    }

    if (want('am')) {
      say(`(c) Alertmanager, ${AM_ALERTS} alerts a payload, ${AM_CONNECTIONS} connections, ${PHASE_S} s`);
      const r = await closedLoop(
        '(c)',
        server.pid,
        `${server.url}/api/v1/integrations/${key}/alertmanager`,
        AM_CONNECTIONS,
        PHASE_S,
        alertmanagerPayload,
      );
      rows.push(row(`(c) Alertmanager, ${AM_ALERTS} new alerts a payload, warning`, 'alerts/s', AM_ALERTS, r, rss()));
    }

    if (want('open')) {
      say(`(d) open loop at ${OPEN_RATE}/s for ${OPEN_S} s, new keys, info`);
      const o = await openLoop(server.pid, enqueue, OPEN_RATE, OPEN_S, (n) =>
        pdEvent(keyOf(n), `${run}-open-${n}`, 'info'),
      );
      rows.push(row(`(d) /v2/enqueue at ${fmt(OPEN_RATE)}/s offered (open loop), info`, 'events/s', 1, o, rss()));
      if (o.lateMs > 20)
        say(
          `note: the generator fell up to ${o.lateMs.toFixed(0)} ms behind its schedule ` +
            '(latency still counts from the schedule)',
        );
      openWarmup = { ...o.warmup, connections: o.connections };
    }

    const { hwmMb } = procStatus(server.pid);
    const m = machine();
    await stopServer(server);
    if (profileDir) {
      const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        profileLines = summariseProfile(path.join(profileDir, file));
        const kept = path.join(os.tmpdir(), 'vigil-bench-ingest.cpuprofile');
        fs.copyFileSync(path.join(profileDir, file), kept);
        profileLines.push('', `The whole profile: ${kept} (open it in Chrome DevTools or VS Code).`);
      }
    }
    report(rows, hwmMb, m, profileLines, [load0, os.loadavg()[0] as number]);
  } finally {
    await stopServer(server);
    agent.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
    await scratch?.drop();
  }
}

function report(
  rows: Row[],
  hwmMb: number,
  m: ReturnType<typeof machine>,
  profileLines: string[],
  loadavg: [number, number],
): void {
  const header =
    '| Phase | Rate | p50 ms | p99 ms | Requests | Non-2xx | CPU server / generator (cores) | RSS after (MB) |';
  const lines = [
    header,
    '|---|---:|---:|---:|---:|---|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.phase} | ${fmt(r.rate)} ${r.unit} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.requests)} ` +
        `| ${r.non2xx} | ${fmt(r.cpu, 2)} / ${fmt(r.genCpu, 2)} | ${fmt(r.rssMb)} |`,
    ),
  ];
  const table = lines.join('\n');
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const settings = [
    `- Machine: ${m.nproc} cores (${m.cpu}), ${m.memGb} GB RAM; Node ${m.node}; ` +
      'server and load generator on the same machine, loopback.',
    `- Commit ${m.commit}${m.dirty ? ' (with uncommitted changes in src/)' : ''}, ${date} UTC; ` +
      `server run from ${flag('--dist') ? 'dist/' : 'src/ through tsx'}, NODE_ENV=production, VIGIL_LOG_LEVEL=warn.`,
    '- ' +
      (PG_SERVER
        ? `PostgreSQL (a fresh database on ${new URL(PG_SERVER).host}, synchronous_commit on, pool of 10)`
        : 'SQLite (WAL, synchronous=FULL) in a fresh data dir') +
      (SERVICES > 1 ? `; /v2/enqueue events spread over ${SERVICES} services round-robin` : '') +
      '; group commit at the defaults (' +
      `VIGIL_INGEST_MAX_BATCH=${DEFAULT_GROUP_COMMIT.maxBatch}, ` +
      `VIGIL_INGEST_MAX_WAIT_MS=${DEFAULT_GROUP_COMMIT.maxWaitMs}, ` +
      `VIGIL_INGEST_MAX_QUEUE=${DEFAULT_GROUP_COMMIT.maxQueue}).`,
    `- Closed loop: ${CONNECTIONS} keep-alive connections for /v2/enqueue, ${AM_CONNECTIONS} for Alertmanager, ` +
      `pipelining 1, ${PHASE_S} s a phase after a ${WARMUP_S} s warm-up; ` +
      'every request has its own body (new dedup keys, new alert fingerprints), ' +
      `except that (b) first triggers its ${fmt(RETRIGGER_KEYS)} keys, then re-triggers them round-robin. ` +
      'Any answer other than 2xx (400 for the reference row), connection error or timeout fails the run. ' +
      `Open loop: ${fmt(OPEN_RATE)} requests/s for ${OPEN_S} s after a ${WARMUP_S} s warm-up at the same rate, ` +
      "latency from each request's scheduled send time; connections are opened on demand as requests queue " +
      `(at most 256; ${fmt(openWarmup.connections)} were opened), ` +
      `and during the warm-up p99 was ${fmt(openWarmup.p99, 1)} ms and the worst ${fmt(openWarmup.max, 1)} ms.`,
    `- 1-minute load average ${loadavg[0].toFixed(2)} before the run and ${loadavg[1].toFixed(2)} after it ` +
      '(other work on the machine competes for the 2 cores).',
    '- Load generator, in the bench process (it shares the 2 cores with the server): ' +
      'bench/load.ts for the closed-loop rows (raw keep-alive sockets, each request one pre-encoded write, ' +
      'answers framed by Content-Length; 15–25 µs of CPU a request where autocannon took about 40), ' +
      'latencies to 0.1 ms. The open-loop row uses the same connections under a 1 ms scheduler (bench/load.ts). ' +
      '"CPU" is user+system CPU seconds per wall second of the server process and of the generator ' +
      '(this process).',
  ].join('\n');
  const out = `${table}\n\nPeak server RSS (VmHWM) over the whole run: **${fmt(hwmMb)} MB**.\n\n${settings}\n`;
  console.log(`\n${out}`);
  if (profileLines.length) console.log(`\nServer CPU profile:\n${profileLines.join('\n')}`);
  if (flag('--no-docs') || ONLY || PG_SERVER || SERVICES > 1) return;
  rewriteDocs('ingest', 'Ingestion', out);
  console.log('\nupdated docs/benchmarks.md');
}

await main();
