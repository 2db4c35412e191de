// GDPR consent ledger benchmark (`npm run bench:gdpr`): a real `vigil serve` (SQLite in a temporary data dir,
// then PostgreSQL in a scratch database), fed through the batch API: --events consent events (default
// 1,000,000) over --subjects subjects (100,000) and --purposes purposes (10) in batches of 1,000, --concurrency
// requests in flight (4). Then get_consent_status through POST /functions/v1/gdpr-compliance one call at a time
// (--status-calls, 2,000, after 200 warm-up calls) for p50/p99, coverage counts, the compliance_report emergency
// (median of 5), and a chain check of the whole ledger (POST /api/v1/gdpr/ledger/verify, what `vigil gdpr verify`
// calls). Prints a table and
// rewrites the gdpr block of docs/benchmarks.md.
//
// Options: --events N, --subjects N, --purposes N, --concurrency N, --status-calls N, --dialects sqlite,postgres,
// --dist (the server runs dist/main.js; the npm script builds first), --no-docs. PostgreSQL: the server at
// BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

const EVENTS = numberOption('--events', 1_000_000);
const SUBJECTS = numberOption('--subjects', 100_000);
const PURPOSES = numberOption('--purposes', 10);
const CONCURRENCY = numberOption('--concurrency', 4);
const STATUS_CALLS = numberOption('--status-calls', 2_000);
const DIALECTS = option('--dialects', 'sqlite,postgres').split(',');
const BATCH = 1_000;
/** The commit measured, taken before the run (the tree may move on while it runs). */
const COMMIT = commitLabel();
const TOKEN = `bench_${randomBytes(24).toString('hex')}`;
const PG_SERVER =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

interface Result {
  dialect: string;
  importSeconds: number;
  importRate: number;
  serverCpuImport: number;
  statusP50: number;
  statusP99: number;
  coverageMedian: number;
  reportMedian: number;
  verifyMs: number;
  verifyWallMs: number;
  rssMb: number;
  database: string;
}

async function call(url: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Json = any;

const purposeKey = (p: number) => `purpose-${p}`;
const subjectOf = (i: number) => `user-${(i * 7919) % SUBJECTS}`;
const BASE = Date.now() - EVENTS - 86_400_000;

/** Event i: a subject and purpose spread evenly, one in five a withdrawal, times in the past and rising. */
function event(i: number) {
  return {
    id: `bench-${i}`,
    subject_id: subjectOf(i),
    purpose: purposeKey(i % PURPOSES),
    policy_version: 1,
    decision: i % 5 === 4 ? 'withdrawn' : 'granted',
    at: new Date(BASE + i).toISOString(),
    source: i % 2 ? 'signup-form' : 'mobile-app',
    proof: { form: 'signup-v3', ip_hash: (i * 2654435761).toString(16).slice(-8) },
  };
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

async function importAll(url: string): Promise<number> {
  const started = performance.now();
  let next = 0;
  let reported = 0;
  async function lane(): Promise<void> {
    for (;;) {
      const from = next;
      if (from >= EVENTS) return;
      next += BATCH;
      const events = Array.from({ length: Math.min(BATCH, EVENTS - from) }, (_, k) => event(from + k));
      const res = await call(url, 'POST', '/api/v1/gdpr/consents', { events });
      if (res.status !== 201)
        throw new Error(`batch at ${from}: HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
      if (next - reported >= 100_000) {
        reported = next;
        process.stderr.write(
          `  ${Math.min(next, EVENTS)} events, ${Math.round(next / ((performance.now() - started) / 1000))}/s\n`,
        );
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return (performance.now() - started) / 1000;
}

async function statusLatencies(url: string): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < STATUS_CALLS + 200; n++) {
    const user = subjectOf(Math.floor(Math.random() * EVENTS));
    const t = performance.now();
    const res = await call(url, 'POST', '/functions/v1/gdpr-compliance', {
      action: 'get_consent_status',
      user_id: user,
    });
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`get_consent_status: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    if (n >= 200) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

/** The compliance_report emergency time (target < 500 ms), median of 5 calls after one warm-up. */
async function timeComplianceReport(url: string): Promise<number> {
  const times: number[] = [];
  for (let n = 0; n < 6; n++) {
    const t = performance.now();
    const res = await call(url, 'POST', '/functions/v1/gdpr-compliance', {
      action: 'compliance_report',
      report_type: 'emergency',
    });
    if (res.status !== 200) throw new Error(`compliance_report: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    if (n > 0) times.push(performance.now() - t);
  }
  return median(times);
}

async function runOne(dialect: string): Promise<Result> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-bench-gdpr-${dialect}-`));
  const scratch = dialect === 'postgres' ? await scratchPostgres(PG_SERVER) : undefined;
  let server: Server | undefined;
  try {
    server = await startServer({
      dataDir,
      dist: flag('--dist'),
      env: { VIGIL_ADMIN_TOKEN: TOKEN, ...(scratch && { DATABASE_URL: scratch.url }) },
    });
    const url = server.url;
    for (let p = 0; p < PURPOSES; p++) {
      const res = await call(url, 'POST', '/api/v1/gdpr/purposes', {
        key: purposeKey(p),
        name: `Purpose ${p}`,
        lawful_basis: 'consent',
      });
      if (res.status !== 201) throw new Error(`purpose: HTTP ${res.status}`);
    }
    console.error(`${dialect}: importing ${EVENTS} events…`);
    const cpu0 = cpuSeconds(server.pid);
    const importSeconds = await importAll(url);
    const serverCpuImport = cpuSeconds(server.pid) - cpu0;
    console.error(`${dialect}: get_consent_status ×${STATUS_CALLS}…`);
    const status = await statusLatencies(url);
    const coverage: number[] = [];
    for (let n = 0; n < 21; n++) {
      const t = performance.now();
      await call(url, 'GET', '/api/v1/gdpr/coverage');
      if (n > 0) coverage.push(performance.now() - t);
    }
    const reportMedian = await timeComplianceReport(url);
    console.error(`${dialect}: verifying the chain…`);
    const t = performance.now();
    const verified = await call(url, 'POST', '/api/v1/gdpr/ledger/verify');
    const verifyWallMs = performance.now() - t;
    if (!verified.json?.ok || verified.json.rows !== EVENTS)
      throw new Error(`verify: ${JSON.stringify(verified.json)}`);
    return {
      dialect,
      importSeconds,
      importRate: EVENTS / importSeconds,
      serverCpuImport,
      statusP50: percentile(status, 0.5),
      statusP99: percentile(status, 0.99),
      coverageMedian: median(coverage),
      reportMedian,
      verifyMs: verified.json.duration_ms,
      verifyWallMs,
      rssMb: procStatus(server.pid).hwmMb,
      database: scratch?.version ?? 'SQLite (better-sqlite3 12, WAL, synchronous=FULL)',
    };
  } finally {
    if (server) await stopServer(server);
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const dialect of DIALECTS) results.push(await runOne(dialect));

const f = (n: number, d = 1) => n.toFixed(d);
const rows = results.map(
  (r) =>
    `| ${r.dialect} | ${Math.round(r.importRate).toLocaleString('en')} /s ` +
    `(${f(r.importSeconds)} s; server CPU ${f(r.serverCpuImport)} s) | ` +
    `${f(r.statusP50, 2)} / ${f(r.statusP99, 2)} ms | ${f(r.coverageMedian, 2)} ms | ` +
    `${f(r.reportMedian)} ms | ` +
    `${(r.verifyMs / 1000).toFixed(1)} s | ${Math.round(r.rssMb)} MB |`,
);
const cpus = os.cpus();
const body = [
  `Run ${new Date().toISOString().slice(0, 10)} on commit ${COMMIT}: ` +
    `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ` +
    `Node ${process.version}, ` +
    `server from ${flag('--dist') ? 'dist/' : 'src/ (tsx)'}; ` +
    `${EVENTS.toLocaleString('en')} events, ${SUBJECTS.toLocaleString('en')} subjects, ${PURPOSES} purposes, ` +
    `batches of ${BATCH}, ${CONCURRENCY} in flight; get_consent_status ${STATUS_CALLS} calls one at a time. ` +
    `Databases: ${results.map((r) => `${r.dialect}: ${r.database}`).join('; ')}.`,
  '',
  '| dialect | import through POST /api/v1/gdpr/consents | get_consent_status p50 / p99 | coverage (median) | ' +
    'compliance_report emergency (median) | verify whole chain | server peak RSS |',
  '|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(body);
if (!flag('--no-docs')) rewriteDocs('gdpr', 'GDPR consent ledger', body);
