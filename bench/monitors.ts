// Monitor benchmark (`npm run bench:monitors`): a real `vigil serve` runs N HTTP monitors at a 10 s
// interval against local HTTP servers in this process, for M minutes, on SQLite and then PostgreSQL.
// Measured: the server's CPU (cores = CPU seconds per wall second, from /proc), its peak RSS (VmHWM),
// the checks made, and the lateness of each check's start against its due time.
//
// Lateness is seen from the peers: a monitor's next check falls due one interval after its previous
// check was claimed, and the probe starts right after the claim, so for consecutive requests of one
// monitor, lateness ≈ (arrival − previous arrival) − interval (it understates by the couple of ms
// between a claim and its request arriving). The first warm-up window (creating the monitors and
// their first round) is left out.
//
// Options: --monitors N (1000), --minutes M (2), --interval S (10), --dialects sqlite,postgres,
// --dist (run dist/ instead of src/ through tsx), --no-docs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  commitLabel,
  cpuSeconds,
  flag,
  option,
  procStatus,
  rewriteDocs,
  scratchPostgres,
  startServer,
  stopServer,
  type ScratchDatabase,
} from './lib.js';

const MONITORS = Number(option('--monitors', '1000'));
const MINUTES = Number(option('--minutes', '2'));
const INTERVAL_S = Number(option('--interval', '10'));
const DIALECTS = option('--dialects', 'sqlite,postgres').split(',');
const DOCS = !flag('--no-docs');
const PEERS = 4;
const WARMUP_MS = 2 * INTERVAL_S * 1000;
const TOKEN = `vgl_${randomBytes(32).toString('base64url')}`;
const PG_SERVER =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

interface Result {
  dialect: string;
  checks: number;
  expected: number;
  /** Monitors not up at the end (every peer answers 200, so this should be 0). */
  failedRequests: number;
  lateness: { p50: number; p99: number; max: number };
  cores: number;
  rssPeakMb: number;
  createSeconds: number;
}

/** Local HTTP servers answering 200 "ok" and noting when each path was hit. */
async function startPeers(): Promise<{ ports: number[]; hits: Map<string, number[]>; close(): Promise<void> }> {
  const hits = new Map<string, number[]>();
  const servers: http.Server[] = [];
  for (let i = 0; i < PEERS; i++) {
    const server = http.createServer((req, res) => {
      const at = performance.now();
      const list = hits.get(req.url ?? '');
      if (list) list.push(at);
      else hits.set(req.url ?? '', [at]);
      res.end('ok');
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
  }
  return {
    ports: servers.map((s) => (s.address() as AddressInfo).port),
    hits,
    async close() {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number) : NaN;

async function run(dialect: string): Promise<Result | string> {
  let scratch: ScratchDatabase | undefined;
  if (dialect === 'postgres') {
    try {
      scratch = await scratchPostgres(PG_SERVER);
    } catch (error) {
      return `PostgreSQL at ${PG_SERVER} is unreachable (${(error as Error).message})`;
    }
  }
  const databaseUrl = scratch?.url;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-mon-'));
  const peers = await startPeers();
  const server = await startServer({
    dataDir: path.join(tmp, 'data'),
    dist: flag('--dist'),
    env: {
      VIGIL_ADMIN_TOKEN: TOKEN,
      VIGIL_OUTBOUND_ALLOW: '127.0.0.1/32',
      ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    },
  });
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  try {
    const service = await api('POST', '/api/v1/services', { name: `bench-${dialect}` });
    const createStart = performance.now();
    // Created 20 at a time, so first checks (due at creation) spread over the creation time.
    for (let i = 0; i < MONITORS; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, MONITORS - i) }, (_, j) =>
          api('POST', '/api/v1/monitors', {
            service_id: service.id,
            name: `m${i + j}`,
            kind: 'http',
            target: `http://127.0.0.1:${peers.ports[(i + j) % PEERS]}/m/${i + j}`,
            interval_seconds: INTERVAL_S,
            timeout_ms: 5000,
          }),
        ),
      );
    }
    const createSeconds = (performance.now() - createStart) / 1000;
    console.log(
      `${dialect}: ${MONITORS} monitors created in ${createSeconds.toFixed(1)} s; warming up ${WARMUP_MS / 1000} s`,
    );
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const windowStart = performance.now();
    const cpuStart = cpuSeconds(server.pid);
    await new Promise((r) => setTimeout(r, MINUTES * 60_000));
    const wall = (performance.now() - windowStart) / 1000;
    const cpu = cpuSeconds(server.pid) - cpuStart;
    const windowEnd = windowStart + wall * 1000;
    const rssPeakMb = procStatus(server.pid).hwmMb;
    const lateness: number[] = [];
    let checks = 0;
    for (const times of peers.hits.values()) {
      for (let k = 1; k < times.length; k++) {
        const at = times[k] as number;
        if (at < windowStart || at > windowEnd) continue;
        checks += 1;
        lateness.push(Math.max(0, at - (times[k - 1] as number) - INTERVAL_S * 1000));
      }
    }
    lateness.sort((a, b) => a - b);
    let failedRequests = 0;
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = (await api(
        'GET',
        `/api/v1/monitors?service_id=${String(service.id)}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      )) as { data: Array<{ state: string }>; next_cursor: string | null };
      failedRequests += page.data.filter((m) => m.state !== 'up').length;
      cursor = page.next_cursor;
    }
    return {
      dialect,
      checks,
      expected: Math.round((MONITORS * wall) / INTERVAL_S),
      failedRequests,
      lateness: { p50: pct(lateness, 0.5), p99: pct(lateness, 0.99), max: lateness.at(-1) ?? NaN },
      cores: cpu / wall,
      rssPeakMb,
      createSeconds,
    };
  } finally {
    await stopServer(server);
    await peers.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    await scratch?.drop();
  }
}

const ms = (v: number) => `${Math.round(v)} ms`;
function section(
  results: Result[],
  skipped: string[],
  load: { before: number; after: number },
  started: Date,
  sha: string,
): string {
  const cpus = os.cpus();
  return [
    '| Engine | Monitors × interval | Checks in window (expected) | Lateness p50 / p99 / max ' +
      '| CPU (cores) | Peak RSS |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.dialect} | ${MONITORS} × ${INTERVAL_S} s ` +
        `| ${r.checks.toLocaleString('en-US')} (${r.expected.toLocaleString('en-US')}) ` +
        `| ${ms(r.lateness.p50)} / **${ms(r.lateness.p99)}** / ${ms(r.lateness.max)} ` +
        `| ${r.cores.toFixed(2)} | ${r.rssPeakMb.toFixed(0)} MB |`,
    ),
    '',
    ...skipped.map((why) => `- Skipped: ${why}.`),
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM; Node ${process.version}; commit ${sha}; ` +
      `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    `- Settings: \`--monitors ${MONITORS} --minutes ${MINUTES} --interval ${INTERVAL_S}\`; ` +
      `one \`vigil serve\` (${flag('--dist') ? 'dist/' : 'src/ through tsx'}) with the default monitor loop ` +
      '(250 ms tick, 100 checks in flight at most, results written once a second); ' +
      `${PEERS} local HTTP servers in the bench process answering 200; ` +
      `a ${MINUTES}-minute window after ${WARMUP_MS / 1000} s of warm-up. ` +
      `Monitor creation took ${results.map((r) => `${r.createSeconds.toFixed(0)} s on ${r.dialect}`).join(', ')}.`,
    '- Lateness: start of a check − its due time, seen from the peers as ' +
      '(arrival − previous arrival of that monitor) − interval. ' +
      'A check’s next due time is its claim time plus the interval, so due times fall on the loop’s 250 ms ticks ' +
      'and lateness is mostly timer drift and how long a tick takes ' +
      '(a monitor just created or changed waits up to one tick). ' +
      'CPU: the server process only (user + system from /proc) per wall second; peak RSS is its VmHWM.',
    `- 1-minute load average ${load.before.toFixed(2)} before and ${load.after.toFixed(2)} after ` +
      '(above ~1 means other work shared the 2 cores and the lateness figures are inflated).',
  ].join('\n');
}

const started = new Date();
const sha = commitLabel();
const loadBefore = os.loadavg()[0] ?? 0;
const results: Result[] = [];
const skipped: string[] = [];
for (const dialect of DIALECTS) {
  const r = await run(dialect);
  if (typeof r === 'string') {
    console.log(`${dialect} skipped: ${r}`);
    skipped.push(r);
  } else {
    results.push(r);
    console.log(JSON.stringify(r));
  }
}
const body = section(results, skipped, { before: loadBefore, after: os.loadavg()[0] ?? 0 }, started, sha);
console.log(`\n${body}`);
if (DOCS) rewriteDocs('monitors', 'Monitors', body);
process.exit(results.some((r) => r.failedRequests > 0) ? 1 : 0);
