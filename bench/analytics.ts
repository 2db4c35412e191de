// Response analytics benchmark (`npm run bench:analytics`): one year of history — --incidents incidents
// (default 100,000) with --events timeline entries (1,000,000: created, escalations, acknowledgement, notes,
// resolution), --pages pages (300,000) each with one page message on SMS, voice, e-mail or Slack, and 10,000
// follow-ups, for 50 responders in five time zones — written straight into the tables with db/insert-rows.ts in
// transactions of 5,000 rows (going through the API would take hours and measures ingestion, not analytics).
// Then ANALYZE (PostgreSQL: VACUUM ANALYZE, as autovacuum would have done to a year-old table; without it the
// index-only scans fetch every heap row to check visibility).
// Then, in process, the summary and the weekly time series of the whole year (the service calls the HTTP
// routes make; the routes only add JSON presentation), --runs times each after 2 warm-up calls, for p50/p99.
// Then the post-mortem prefill: --runs + 2 resolved P1 incidents with --prefill-entries timeline entries each
// (10,000: mostly alerts added and notifications sent, 200 escalations, 1,000 notes of which 100 marked key,
// severity and phase changes), and the time to create each one's post-mortem (POST …/postmortem's service call:
// reading the key entries, writing the document, its sections and timeline, answering it in full).
// SQLite in a temporary file, then PostgreSQL in a scratch database. Prints a table and rewrites the analytics
// block of docs/benchmarks.md, with the load average, since the machine is shared.
//
// Options: --incidents N, --events N, --pages N, --prefill-entries N, --runs N (20), --dialects sqlite,postgres,
// --no-docs, --keep (the SQLite file or the PostgreSQL database stays, for looking at query plans).
// PostgreSQL: the server at BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { createApp } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDb, inTransaction, migrate, type Database, type Db } from '../src/db/database.js';
import { insertRows } from '../src/db/insert-rows.js';
import type { Schema } from '../src/db/schema.js';
import { commitLabel, flag, numberOption, option, rewriteDocs, scratchPostgres } from './lib.js';

const INCIDENTS = numberOption('--incidents', 100_000);
const EVENTS = numberOption('--events', 1_000_000);
const PAGES = numberOption('--pages', 300_000);
const FOLLOW_UPS = Math.round(INCIDENTS / 10);
const RUNS = numberOption('--runs', 20);
const PREFILL_ENTRIES = numberOption('--prefill-entries', 10_000);
const DIALECTS = option('--dialects', 'sqlite,postgres').split(',');
const COMMIT = commitLabel();
const PG_SERVER =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const FROM = new Date('2025-06-02T00:00:00.000Z');
const TO = new Date('2026-06-01T00:00:00.000Z');
const NOW = TO;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];
const SEVERITY = ['P0', 'P1', 'P1', 'P2', 'P2', 'P2', 'P3', 'P3', 'P3', 'P3'];
const CHANNELS = ['sms', 'voice', 'email', 'slack'];
const BATCH = 5_000;

/** A fixed-seed generator (mulberry32), so both dialects get the same history. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

type Rows<T extends keyof Schema> = Array<Schema[T]>;

async function flush<T extends keyof Schema & string>(db: Db, table: T, rows: Rows<T>, force = false): Promise<void> {
  if (rows.length < BATCH && !(force && rows.length)) return;
  const columns = Object.keys(rows[0] as object) as Array<keyof Schema[T] & string>;
  const part = rows.splice(0);
  await inTransaction(db, (trx) => insertRows(trx, table, columns, part));
}

/** Writes the history; returns seconds taken. */
/** An incident row as the service would have written it: triggered, maybe acknowledged, maybe resolved. */
function incidentRow(i: {
  id: string;
  number: string;
  severity: string;
  serviceId: string | null;
  created: number;
  acked?: number | null;
  resolved: number | null;
}): Schema['incidents'] {
  const { created, acked = null, resolved } = i;
  return {
    id: i.id,
    number: i.number,
    title: `Incident ${i.number}`,
    description: null,
    impact: null,
    severity: i.severity,
    status: resolved ? 'resolved' : acked ? 'acknowledged' : 'triggered',
    phase: resolved ? 'resolution' : 'investigation',
    service_id: i.serviceId,
    created_at: iso(created),
    updated_at: iso(resolved ?? acked ?? created),
    created_by: null,
    ack_due_at: iso(created + 900_000),
    acknowledged_at: acked ? iso(acked) : null,
    acknowledged_by: null,
    resolved_at: resolved ? iso(resolved) : null,
    resolved_by: null,
    breach_recorded_at: null,
    phase_started_at: iso(created),
    phase_due_at: null,
    group_key: null,
    classified_by: null,
  };
}

async function seed(database: Database): Promise<number> {
  const started = performance.now();
  const clock = new FakeClock(FROM);
  const app = createApp(loadConfig({ VIGIL_DATA_DIR: '/tmp/vigil-bench-unused' }), database, clock);
  const users: string[] = [];
  for (let u = 0; u < 50; u++) {
    const handle = `responder-${u}`;
    const user = await app.users.create(SYSTEM_ACTOR, {
      handle,
      name: `Responder ${u}`,
      email: `${handle}@example.test`,
      timezone: ZONES[u % ZONES.length] as string,
    });
    users.push(user.id);
  }
  const services: string[] = [];
  for (let s = 0; s < 20; s++)
    services.push((await app.services.create(SYSTEM_ACTOR, { name: `service-${s}` })).service.id);

  const db = database.db;
  const rnd = random(21);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const span = TO.getTime() - FROM.getTime();
  const eventsPer = EVENTS / INCIDENTS; // 10
  const pagesPer = PAGES / INCIDENTS; // 3
  const incidents: Rows<'incidents'> = [];
  const events: Rows<'incident_events'> = [];
  const pages: Rows<'pages'> = [];
  const messages: Rows<'notifications'> = [];
  const followUps: Rows<'follow_ups'> = [];
  const eventRow = (incident: string, n: number, at: number, kind: string) => ({
    id: `${incident}-e${n}`,
    incident_id: incident,
    at: iso(at),
    actor_type: 'system',
    actor_id: null,
    actor_name: 'bench',
    kind,
    data: '{}',
  });
  for (let i = 0; i < INCIDENTS; i++) {
    const id = `inc-${String(i).padStart(7, '0')}`;
    const created = FROM.getTime() + Math.floor((i / INCIDENTS) * span);
    const acked = rnd() < 0.9 ? created + Math.floor(rnd() * rnd() * 3_600_000) + 1000 : null;
    const resolved = rnd() < 0.85 ? (acked ?? created) + Math.floor(rnd() * 6 * 3_600_000) + 1000 : null;
    const severity = pick(SEVERITY);
    incidents.push(
      incidentRow({ id, number: `INC-BENCH-${i}`, severity, serviceId: pick(services), created, acked, resolved }),
    );
    const kinds = ['created', ...(acked ? ['acknowledged'] : []), ...(resolved ? ['resolved'] : [])];
    const at = (k: string) =>
      k === 'created' ? created : k === 'acknowledged' ? (acked as number) : (resolved as number);
    let n = 0;
    for (const k of kinds) events.push(eventRow(id, n++, at(k), k));
    while (n < eventsPer) events.push(eventRow(id, n++, created + n * 60_000, n % 3 ? 'escalated' : 'note'));
    for (let p = 0; p < pagesPer; p++) {
      const pageAt = created + p * 15 * 60_000;
      const user = pick(users);
      pages.push({
        id: `${id}-p${p}`,
        incident_id: id,
        run: 1,
        level: p + 1,
        loop: 0,
        user_id: user,
        at: iso(pageAt),
        reason: `level ${p + 1}`,
      });
      messages.push({
        id: `${id}-m${p}`,
        incident_id: id,
        kind: 'page',
        channel: pick(CHANNELS),
        destination: `${user}@example.test`,
        secret: null,
        user_id: user,
        page_id: `${id}-p${p}`,
        subject: 'paged',
        body: 'paged',
        payload: '{}',
        state: 'sent',
        attempts: 1,
        next_attempt_at: iso(pageAt),
        deadline_at: null,
        last_error: null,
        created_at: iso(pageAt),
        sent_at: iso(pageAt + 2000),
        send_started_at: null,
      });
    }
    if (i % 10 === 0)
      followUps.push({
        id: `${id}-f`,
        incident_id: id,
        postmortem_id: null,
        title: 'Follow-up',
        kind: 'technical',
        owner_id: pick(users),
        due_at: iso(created + 7 * 86_400_000),
        priority: 'medium',
        status: pick(['outstanding', 'completed', 'completed', 'not_doing']),
        reason: null,
        external_url: null,
        completed_at: null,
        created_by: 'bench',
        created_at: iso(created),
        updated_at: iso(created),
      });
    await flush(db, 'incidents', incidents);
    if (incidents.length === 0) {
      await flush(db, 'incident_events', events, true);
      await flush(db, 'pages', pages, true);
      await flush(db, 'notifications', messages, true);
      await flush(db, 'follow_ups', followUps, true);
    }
  }
  await flush(db, 'incidents', incidents, true);
  await flush(db, 'incident_events', events, true);
  await flush(db, 'pages', pages, true);
  await flush(db, 'notifications', messages, true);
  await flush(db, 'follow_ups', followUps, true);
  if (database.dialect === 'postgres') await database.pgPool?.query('vacuum analyze');
  else database.sqlite?.exec('analyze');
  return (performance.now() - started) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 2; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
}

/**
 * Writes `count` resolved P1 incidents with PREFILL_ENTRIES timeline entries each and returns their numbers.
 * Of every 10,000 entries: created, acknowledged and resolved; 200 escalations; 10 severity and 10 phase
 * changes; 1,000 notes, every tenth marked key; the rest alerts added and notifications sent.
 */
async function seedPrefill(database: Database, count: number): Promise<string[]> {
  const db = database.db;
  const numbers: string[] = [];
  const start = TO.getTime() - 30 * 86_400_000;
  for (let i = 0; i < count; i++) {
    const id = `inc-pm-${i}`;
    const created = start + i * 3_600_000;
    const resolved = created + 50 * 60_000;
    numbers.push(`INC-PM-${i}`);
    const row = incidentRow({ id, number: `INC-PM-${i}`, severity: 'P1', serviceId: null, created, resolved });
    await flush(db, 'incidents', [{ ...row, acknowledged_at: iso(created + 60_000) }], true);
    const rows: Rows<'incident_events'> = [];
    const step = (resolved - created) / PREFILL_ENTRIES;
    for (let n = 0; n < PREFILL_ENTRIES; n++) {
      const kind =
        n === 0
          ? 'created'
          : n === 1
            ? 'acknowledged'
            : n === PREFILL_ENTRIES - 1
              ? 'resolved'
              : n % 50 === 0
                ? 'escalated'
                : n % 1000 === 5
                  ? 'severity_changed'
                  : n % 1000 === 7
                    ? 'phase_changed'
                    : n % 10 === 3
                      ? 'note'
                      : n % 2
                        ? 'alert_added'
                        : 'notification_sent';
      const data =
        kind === 'note'
          ? { text: `Observation ${n}`, ...(n % 100 === 3 && { key: true }) }
          : kind === 'severity_changed'
            ? { from: 'P2', to: 'P1' }
            : kind === 'phase_changed'
              ? { from: 'investigation', to: 'mitigation' }
              : kind === 'escalated'
                ? { level: 1 + (n % 3), paged: [{ handle: 'responder-1' }] }
                : {};
      rows.push({
        ...{ id: `${id}-e${String(n).padStart(5, '0')}`, incident_id: id, at: iso(created + n * step) },
        ...{ actor_type: 'system', actor_id: null, actor_name: 'bench', kind, data: JSON.stringify(data) },
      });
      await flush(db, 'incident_events', rows);
    }
    await flush(db, 'incident_events', rows, true);
  }
  if (database.dialect === 'postgres') await database.pgPool?.query('vacuum analyze');
  else database.sqlite?.exec('analyze');
  return numbers;
}

interface Result {
  dialect: string;
  seedSeconds: number;
  summary: { p50: number; p99: number };
  weekly: { p50: number; p99: number };
  prefill: { p50: number; p99: number; entries: number };
  check: string;
  database: string;
}

async function runOne(dialect: string): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-bench-analytics-${dialect}-`));
  const scratch = dialect === 'postgres' ? await scratchPostgres(PG_SERVER) : undefined;
  const database = createDb(scratch ? { databaseUrl: scratch.url } : { sqlitePath: path.join(dir, 'vigil.db') });
  try {
    await migrate(database.db);
    const seedSeconds = await seed(database);
    const app = createApp(loadConfig({ VIGIL_DATA_DIR: dir }), database, new FakeClock(NOW));
    const query = { from: FROM, to: TO };
    const s = await app.analytics.summary(SYSTEM_ACTOR, query);
    const check =
      `${s.figures.incidents.total} incidents, MTTA n ${s.figures.mtta.n} p50 ${s.figures.mtta.p50} s, ` +
      `${s.figures.pages} pages, ${s.figures.interruptions.total} interruptions`;
    console.log(`${dialect}: seeded in ${seedSeconds.toFixed(1)} s; ${check}`);
    const summary = await time(() => app.analytics.summary(SYSTEM_ACTOR, query));
    const weekly = await time(() => app.analytics.timeseries(SYSTEM_ACTOR, { ...query, bucket: 'week' }));
    const longOnes = await seedPrefill(database, RUNS + 2);
    let entries = 0;
    const prefillMs: number[] = [];
    for (const [i, number] of longOnes.entries()) {
      const t = performance.now();
      const pm = await app.postmortems.create(SYSTEM_ACTOR, number);
      if (i >= 2) prefillMs.push(performance.now() - t); // the first two warm up
      entries = pm.timeline.length;
    }
    prefillMs.sort((a, b) => a - b);
    console.log(`${dialect}: post-mortem prefill p50 ${prefillMs[Math.floor(prefillMs.length / 2)]?.toFixed(1)} ms`);
    return {
      dialect,
      seedSeconds,
      summary,
      weekly,
      prefill: { p50: percentile(prefillMs, 0.5), p99: percentile(prefillMs, 0.99), entries },
      check,
      database: scratch?.version ?? 'SQLite (better-sqlite3 12, WAL, synchronous=FULL)',
    };
  } finally {
    await database.close();
    if (!flag('--keep')) {
      await scratch?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    } else console.log(`kept ${scratch ? `${scratch.url} (drop it when done)` : dir}`);
  }
}

const loadBefore = os.loadavg();
const results: Result[] = [];
for (const dialect of DIALECTS) results.push(await runOne(dialect));
const loadAfter = os.loadavg();

const ms = (n: number) => `${n.toFixed(0)} ms`;
const cpus = os.cpus();
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
const body = [
  `Run ${new Date().toISOString().slice(0, 10)} on commit ${COMMIT}: ` +
    `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ` +
    `Node ${process.version}; ` +
    `shared machine, load average (1/5/15 min) ${load(loadBefore)} before and ${load(loadAfter)} after. ` +
    `${INCIDENTS.toLocaleString('en')} incidents, ${EVENTS.toLocaleString('en')} timeline entries, ` +
    `${PAGES.toLocaleString('en')} pages (each with one message on SMS, voice, e-mail or Slack), ` +
    `${FOLLOW_UPS.toLocaleString('en')} follow-ups over ${FROM.toISOString().slice(0, 10)} – ` +
    `${TO.toISOString().slice(0, 10)}, written straight into the tables (db/insert-rows.ts); ` +
    `${RUNS} calls of each after 2 warm-up calls, in process (the service under GET /api/v1/analytics/*). ` +
    `Post-mortem prefill: ${RUNS} post-mortems created (after 2 warm-up ones), each for a resolved P1 with ` +
    `${PREFILL_ENTRIES.toLocaleString('en')} timeline entries, in process (the service under POST …/postmortem). ` +
    `Targets: < 1 s each for the year, < 200 ms for the prefill. ` +
    `Databases: ${results.map((r) => `${r.dialect}: ${r.database}`).join('; ')}.`,
  '',
  '| dialect | seeding | summary of the year p50 / p99 | weekly timeseries of the year p50 / p99 | ' +
    'post-mortem prefill p50 / p99 (entries kept) | figures |',
  '|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.dialect} | ${r.seedSeconds.toFixed(0)} s | ${ms(r.summary.p50)} / ${ms(r.summary.p99)} | ` +
      `${ms(r.weekly.p50)} / ${ms(r.weekly.p99)} | ${ms(r.prefill.p50)} / ${ms(r.prefill.p99)} ` +
      `(${r.prefill.entries}) | ${r.check} |`,
  ),
].join('\n');
console.log(body);
if (!flag('--no-docs')) rewriteDocs('analytics', 'Response analytics', body);
