// Escalation engine benchmark (`npm run bench:escalation`): N open escalations fall due uniformly
// over a window of M minutes of real time, and one instance runs the real engine (startEngine with
// the 1 s tick `vigil serve` uses) on SQLite, then on PostgreSQL. For every transition it measures
// the lateness against its due time, two ways:
//   - recorded: the `at` of the "escalated" timeline entry (the clock reading the sweep wrote) − due;
//   - visible:  when an observer on its own connection first saw that entry committed − due (it polls
//               every 100 ms, so this overstates by up to ~0.1 s).
// plus this process's CPU (process.cpuUsage over the window) and RSS, then rewrites the escalation
// section of docs/benchmarks.md.
//
// The rows are seeded in bulk with Kysely (incidents, then their escalation rows) against a policy
// whose one level, at delay 0, targets one user, so each row makes exactly one transition. Seeding
// takes a while at 100,000 rows; instead of guessing how long, the app runs on a real clock shifted
// back by however long seeding overran, so the window starts 3 s after the engine does whatever the
// seeding took (the clock still runs at real speed; only its origin moves).
//
// Options: --minutes N (10), --count N (100000), --dialects sqlite,postgres, --no-docs.
// PostgreSQL: the server at BENCH_DATABASE_URL or TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test); the bench creates vigil_bench_<random> and drops it after.
// Profile with: node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/escalation.ts --no-docs …
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitLabel, flag, option, rewriteDocs, scratchPostgres, type ScratchDatabase } from './lib.js';
import { createApp } from '../src/app.js';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import type { Clock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDb, migrate, type Database, type Db } from '../src/db/database.js';
import type { EscalationsTable, IncidentsTable } from '../src/db/schema.js';

const MINUTES = Number(option('--minutes', '10'));
const COUNT = Number(option('--count', '100000'));
const DIALECTS = option('--dialects', 'sqlite,postgres').split(',');
const DOCS = !flag('--no-docs');
const LEAD_MS = 3_000;
const POLL_MS = 100;
/** After the last due time, how long to wait for stragglers before calling them missed. */
const GRACE_MS = 30_000;
let pgVersion = 'PostgreSQL';
const PG_SERVER =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

if (!(MINUTES > 0) || !(COUNT > 0 && Number.isInteger(COUNT))) {
  console.error('usage: tsx bench/escalation.ts [--minutes N] [--count N] [--dialects sqlite,postgres] [--no-docs]');
  process.exit(2);
}

interface Result {
  dialect: string;
  seeded: number;
  seedSeconds: number;
  transitions: number;
  missed: number;
  duplicates: number;
  recorded: Stats;
  visible: Stats;
  sweeps: number;
  sweepP50Ms: number;
  sweepMaxMs: number;
  cpuSeconds: number;
  wallSeconds: number;
  rssPeakMb: number;
  errors: number;
}

interface Stats {
  p50: number;
  p99: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (ms: number) => new Date(ms).toISOString();

/** Inserts `count` triggered incidents and their escalation rows, due uniformly over [base, base + window). */
async function seed(db: Db, policyId: string, base: number, windowMs: number): Promise<Map<string, number>> {
  const due = new Map<string, number>();
  const CHUNK = 1_000;
  const day = iso(base).slice(0, 10).replaceAll('-', '');
  const fourHours = 4 * 3600_000;
  for (let from = 0; from < COUNT; from += CHUNK) {
    const n = Math.min(CHUNK, COUNT - from);
    const incidents: IncidentsTable[] = [];
    const escalations: EscalationsTable[] = [];
    for (let k = 0; k < n; k++) {
      const i = from + k;
      const id = `inc_bench${String(i).padStart(8, '0')}`;
      const at = base + Math.floor(((i + 0.5) * windowMs) / COUNT);
      due.set(id, at);
      const t = iso(at);
      incidents.push({
        id,
        number: `INC-${day}-B${String(i).padStart(6, '0')}`,
        title: `bench incident ${i}`,
        description: null,
        impact: null,
        severity: 'P3',
        status: 'triggered',
        phase: 'detection',
        service_id: null,
        created_at: t,
        updated_at: t,
        created_by: null,
        ack_due_at: iso(at + fourHours),
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
        breach_recorded_at: null,
        phase_started_at: t,
        phase_due_at: null,
        group_key: null,
        classified_by: null,
      });
      escalations.push({
        incident_id: id,
        policy_id: policyId,
        level: 0,
        loop: 0,
        run: 0,
        started_at: t,
        next_escalation_at: t,
        stopped_at: null,
        stop_reason: null,
        updated_at: t,
      });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('incidents').values(incidents).execute();
      await trx.insertInto('escalations').values(escalations).execute();
    });
  }
  return due;
}

async function runOne(dialect: string, database: Database, observer: Database): Promise<Result> {
  const windowMs = MINUTES * 60_000;
  await migrate(database.db);
  let shift = 0;
  const clock: Clock = { now: () => new Date(Date.now() - shift) };
  const config = loadConfig({ VIGIL_DATA_DIR: os.tmpdir(), VIGIL_LOG_LEVEL: 'warn' });
  const app = createApp(config, database, clock);
  const user = await app.users.create(SYSTEM_ACTOR, {
    handle: 'oncall',
    name: 'On Call',
    email: 'oncall@example.test',
  });
  const policy = await app.policies.create(SYSTEM_ACTOR, {
    name: 'bench',
    escalateWhile: 'unresolved',
    repeat: 0,
    levels: [{ name: 'on call', delaySeconds: 0, targets: [{ type: 'user', id: user.id }] }],
  });

  // Due times are planned for a window starting LEAD_MS after now; if seeding overruns that, the clock moves back
  // by the overrun.
  const seedStart = Date.now();
  const base = seedStart + LEAD_MS;
  process.stdout.write(`${dialect}: seeding ${COUNT.toLocaleString('en')} escalations … `);
  const due = await seed(database.db, policy.id, base, windowMs);
  const seedSeconds = (Date.now() - seedStart) / 1000;
  shift = Math.max(0, Date.now() + LEAD_MS - base);
  console.log(`${seedSeconds.toFixed(1)} s; window of ${MINUTES} min starts in ${LEAD_MS / 1000} s`);

  // Sweep durations, from the one call the engine makes per sweep.
  const sweepMs: number[] = [];
  const sweep = app.escalation.sweep;
  app.escalation.sweep = async () => {
    const t = performance.now();
    try {
      return await sweep();
    } finally {
      sweepMs.push(performance.now() - t);
    }
  };
  let errors = 0;
  const logger = {
    info: () => undefined,
    error: (obj: unknown, msg: string) => ((errors += 1), console.error(msg, obj)),
  };

  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let rssPeak = process.memoryUsage().rss;
  const eng = app.engine.start(logger, 1000);

  // The observer: new "escalated" entries in id order (one instance commits its sweeps in order, and ids sort by time).
  const recorded: number[] = [];
  const visible: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let lastId = '';
  const end = base - shift + windowMs + GRACE_MS;
  let lastProgress = Date.now();
  while (seen.size < COUNT && Date.now() < end) {
    await sleep(POLL_MS);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const rows = await observer.db
      .selectFrom('incident_events')
      .select(['id', 'incident_id', 'at'])
      .where('id', '>', lastId)
      .where('kind', '=', 'escalated')
      .orderBy('id')
      .execute();
    const now = clock.now().getTime();
    for (const row of rows) {
      lastId = row.id;
      const dueAt = due.get(row.incident_id);
      if (dueAt === undefined) continue;
      if (seen.has(row.incident_id)) {
        duplicates += 1;
        continue;
      }
      seen.add(row.incident_id);
      recorded.push(new Date(row.at).getTime() - dueAt);
      visible.push(now - dueAt);
    }
    if (Date.now() - lastProgress > 30_000) {
      lastProgress = Date.now();
      console.log(
        `  ${seen.size.toLocaleString('en')} / ${COUNT.toLocaleString('en')} transitions, ` +
          `${Math.round((Date.now() - (base - shift)) / 1000)} s into the window`,
      );
    }
  }
  await eng.stop();
  const wallSeconds = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sweepStats = stats(sweepMs);
  return {
    dialect,
    seeded: COUNT,
    seedSeconds,
    transitions: seen.size,
    missed: COUNT - seen.size,
    duplicates,
    recorded: stats(recorded),
    visible: stats(visible),
    sweeps: sweepMs.length,
    sweepP50Ms: sweepStats.p50,
    sweepMaxMs: sweepStats.max,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds,
    rssPeakMb: rssPeak / 2 ** 20,
    errors,
  };
}

async function runSqlite(): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-esc-'));
  const file = path.join(dir, 'vigil.db');
  const database = createDb({ sqlitePath: file });
  const observer = createDb({ sqlitePath: file });
  try {
    return await runOne('SQLite', database, observer);
  } finally {
    await observer.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runPostgres(): Promise<Result | string> {
  let scratch: ScratchDatabase;
  try {
    scratch = await scratchPostgres(PG_SERVER);
  } catch (error) {
    return `PostgreSQL at ${redact(PG_SERVER)} is unreachable (${(error as Error).message})`;
  }
  pgVersion = scratch.version;
  const database = createDb({ databaseUrl: scratch.url });
  const observer = createDb({ databaseUrl: scratch.url, poolSize: 1 });
  try {
    return await runOne('PostgreSQL', database, observer);
  } finally {
    await observer.close();
    await database.close();
    await scratch.drop();
  }
}

function redact(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

// ---------------------------------------------------------------------------------------------------
// Report

const s = (ms: number) => (ms / 1000).toFixed(3);
const n = (x: number) => x.toLocaleString('en');

function table(results: Result[]): string {
  const lines = [
    '| Engine | Escalations | Transitions seen | Missed / duplicate | Lateness recorded p50 / p99 / max (s) ' +
      '| Lateness visible p50 / p99 / max (s) | Sweeps (p50 / max ms) | CPU s (cores) | Peak RSS (MB) |',
    '|---|---:|---:|---|---|---|---|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.dialect} | ${n(r.seeded)} over ${MINUTES} min | ${n(r.transitions)} | ${r.missed} / ${r.duplicates} ` +
        `| ${s(r.recorded.p50)} / **${s(r.recorded.p99)}** / ${s(r.recorded.max)} ` +
        `| ${s(r.visible.p50)} / **${s(r.visible.p99)}** / ${s(r.visible.max)} ` +
        `| ${n(r.sweeps)} (${r.sweepP50Ms.toFixed(1)} / ${r.sweepMaxMs.toFixed(0)}) ` +
        `| ${r.cpuSeconds.toFixed(1)} (${(r.cpuSeconds / r.wallSeconds).toFixed(2)}) | ${r.rssPeakMb.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

function section(
  results: Result[],
  skipped: string[],
  load: { before: number; after: number },
  started: Date,
  sha: string,
): string {
  const cpus = os.cpus();
  const seeds = results.map((r) => `${r.dialect} ${r.seedSeconds.toFixed(0)} s`).join(', ');
  return [
    table(results),
    '',
    ...skipped.map((why) => `- Skipped: ${why}.`),
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM; Node ${process.version}; commit ${sha}; ` +
      `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    `- Settings: \`--count ${COUNT} --minutes ${MINUTES}\`; one instance, the engine as \`vigil serve\` runs it ` +
      '(startEngine, 1 s tick, escalation sweep claims 25 rows a transaction, then the response-target sweep); ' +
      'a real clock. Each escalation is one triggered P3 incident ' +
      '(ack target 4 h, so no breaches fall in the window) ' +
      'with a policy of one level at delay 0 targeting one user, so each row makes exactly one transition ' +
      '(page + "escalated" timeline entry + audit row). Due times uniform over the window; ' +
      `rows seeded in bulk beforehand (${seeds}).`,
    "- SQLite: a fresh file with the server's pragmas (WAL, synchronous=FULL). " +
      `${pgVersion} on the same machine over loopback, pool of 10, ` +
      'in a database created for the run and dropped after.',
    `- Lateness: *recorded* = the "escalated" entry's \`at\` (the sweep's clock reading for its batch) − due; ` +
      `*visible* = when an observer on a separate connection, polling every ${POLL_MS} ms, ` +
      `first saw the entry committed − due (overstates by up to ~${POLL_MS} ms). ` +
      "CPU is this process's user+system time over the window (engine, plus the observer's polling), " +
      `in seconds and per wall second; RSS sampled every ${POLL_MS} ms.`,
    `- 1-minute load average ${load.before.toFixed(2)} before and ${load.after.toFixed(2)} after ` +
      `(other work shares the ${cpus.length} cores).`,
  ].join('\n');
}

const started = new Date();
const sha = commitLabel(); // the code this process loaded, even if HEAD moves during a long run
const loadBefore = os.loadavg()[0] ?? 0;
const results: Result[] = [];
const skipped: string[] = [];
for (const dialect of DIALECTS) {
  if (dialect === 'sqlite') results.push(await runSqlite());
  else if (dialect === 'postgres') {
    const r = await runPostgres();
    if (typeof r === 'string') {
      console.log(`PostgreSQL skipped: ${r}`);
      skipped.push(r);
    } else results.push(r);
  } else throw new Error(`unknown dialect ${dialect}`);
  const last = results.at(-1);
  if (last) console.log(table([last]));
}
const load = { before: loadBefore, after: os.loadavg()[0] ?? 0 };
const body = section(results, skipped, load, started, sha);
console.log(`\n${body}`);
if (DOCS) rewriteDocs('escalation', 'Escalation engine', body);
const failed = results.some((r) => r.missed > 0 || r.duplicates > 0 || r.errors > 0);
process.exit(failed ? 1 : 0);
