// Mitigation actions benchmark (`npm run bench:actions`), once per dialect (SQLite in a temporary data dir,
// then PostgreSQL in a scratch database), against the real `vigil serve` and real `vigil runner` processes:
//
// 1. Latency: --runners (4) runners of one group wait in their long poll; --queued (200) invocations of a
//    command are sent at once (64 requests in flight), and each command prints the time it started
//    (`date +%s%N`). Invoke → command started, p50/p99/max, measured from just before each POST; then
//    --single (20) invocations one at a time (nothing queued ahead: the wake-up path alone).
// 2. Streaming: --streaming (100) invocations at once of a command printing a line every 100 ms for 5 s, the
//    runners at concurrency 25 so all run together, 10 of them followed over the SSE output stream; meanwhile
//    GET /api/v1/incidents is timed every 100 ms (is the console still responsive?) and the server's CPU read.
// 3. Lost runner: --doomed (8) invocations of `sleep 20` on a runner group served by two runners; one runner is
//    killed with SIGKILL while they run. After the 30 s lease every invocation it held must have failed with
//    "runner lost"; none may have run twice (each command prints its invocation id once at start; no id may
//    appear twice and none may be re-queued), and those on the other runner succeed.
//
// Prints the results and rewrites the actions block of docs/benchmarks.md.
//
// Options: --dialects sqlite,postgres, --runners N, --queued N, --single N, --streaming N, --doomed N, --dist
// (the npm script builds and passes it), --no-docs, --help. PostgreSQL: the server at BENCH_DATABASE_URL or
// TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT,
  commitLabel,
  cpuSeconds,
  flag,
  numberOption,
  option,
  rewriteDocs,
  scratchPostgres,
  startServer,
  stopServer,
} from './lib.js';

const USAGE = `usage: tsx bench/actions.ts [options]
  --dialects LIST   sqlite,postgres (both)
  --runners N       runner processes (4)
  --queued N        invocations sent at once for the latency figures (200)
  --single N        invocations sent one at a time (20)
  --streaming N     invocations streaming output at once (100)
  --doomed N        invocations running when a runner is killed (8)
  --concurrency N   commands each runner runs at once in the latency phase (4)
  --dist            run server and runners from dist/ (npm run bench:actions builds and passes it)
  --no-docs         do not rewrite docs/benchmarks.md`;
if (flag('--help')) {
  console.log(USAGE);
  process.exit(0);
}

const DIALECTS = option('--dialects', 'sqlite,postgres').split(',');
const RUNNERS = numberOption('--runners', 4);
const QUEUED = numberOption('--queued', 200);
const SINGLE = numberOption('--single', 20);
const STREAMING = numberOption('--streaming', 100);
const DOOMED = numberOption('--doomed', 8);
const CONCURRENCY = numberOption('--concurrency', 4);
const DIST = flag('--dist');
const PG_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

type Json = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: q(50), p99: q(99), max: s.at(-1) ?? NaN };
}
const ms = (x: number) => `${x.toFixed(0)} ms`;

function client(base: string, token: string) {
  return async function call(method: string, url: string, body?: unknown): Promise<Json> {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Json) : {};
  };
}

interface Runner {
  child: ChildProcess;
  exited: Promise<void>;
  log: () => string;
}

function startRunner(url: string, token: string, config: string, concurrency: number): Runner {
  const entry = DIST ? [path.join(ROOT, 'dist/main.js')] : ['--import', 'tsx', path.join(ROOT, 'src/main.ts')];
  const child = spawn(
    process.execPath,
    [...entry, 'runner', '--url', url, '--token', token, '--config', config, '--concurrency', String(concurrency)],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VIGIL_RUNNER_TOKEN: '' } },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited, log: () => log };
}

async function stopRunners(runners: Runner[]): Promise<void> {
  for (const r of runners) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
  await Promise.all(runners.map((r) => Promise.race([r.exited, sleep(40_000)])));
}

async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Every invocation of the incident, all pages. */
async function invocations(call: ReturnType<typeof client>, incident: string): Promise<Json[]> {
  const all: Json[] = [];
  let cursor: string | null = null;
  do {
    const page = await call(
      'GET',
      `/api/v1/incidents/${incident}/actions?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    all.push(...(page.data as Json[]));
    cursor = page.next_cursor as string | null;
  } while (cursor);
  return all;
}

const FINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'rejected']);

async function runDialect(dialect: string): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-actions-'));
  const scratch = dialect === 'postgres' ? await scratchPostgres(PG_URL) : undefined;
  const adminToken = `vgl_${randomBytes(32).toString('base64url')}`;
  const server = await startServer({
    dataDir,
    dist: DIST,
    env: { VIGIL_ADMIN_TOKEN: adminToken, ...(scratch && { DATABASE_URL: scratch.url }) },
  });
  const call = client(server.url, adminToken);
  const lines: string[] = [];
  const runners: Runner[] = [];
  try {
    const config = path.join(dataDir, 'runner.yaml');
    fs.writeFileSync(
      config,
      [
        'commands:',
        '  - name: started',
        '    argv: ["date", "+%s%N"]',
        '  - name: chatty',
        // One process printing a line every 100 ms (a shell loop would spawn `sleep` 1,000 times a second).
        '    argv: ["perl", "-e",',
        '           "$|=1; for (0..49) { print qq(line $_ of $ARGV[0]\\n); select(undef,undef,undef,0.1) }",',
        '           "{{invocation.id}}"]',
        '  - name: long',
        '    argv: ["sh", "-c", "echo start {{invocation.id}}; sleep 20; echo done"]',
        '',
      ].join('\n'),
    );
    const service = await call('POST', '/api/v1/services', { name: 'bench-actions' });
    const incident = await call('POST', '/api/v1/incidents', {
      title: 'bench actions',
      severity: 'P3',
      service_id: service.id,
    });
    for (const [name, command, group] of [
      ['bench-started', 'started', 'bench'],
      ['bench-chatty', 'chatty', 'bench'],
      ['bench-long', 'long', 'doomed'],
    ] as const)
      await call('POST', '/api/v1/actions/definitions', {
        name,
        category: 'diagnostic',
        target: { kind: 'runner', group, command },
        timeout_seconds: 120,
      });
    const tokenOf = async (group: string) =>
      (await call('POST', '/api/v1/actions/runners', { name: `bench-${randomBytes(3).toString('hex')}`, group }))
        .token as string;
    for (let i = 0; i < RUNNERS; i++)
      runners.push(startRunner(server.url, await tokenOf('bench'), config, CONCURRENCY));
    await waitFor('runners online', 30_000, async () => {
      const list = (await call('GET', '/api/v1/actions/runners')).data as Json[];
      return list.filter((r) => r.online).length >= RUNNERS ? true : undefined;
    });

    const invoke = (name: string) =>
      call('POST', `/api/v1/incidents/${incident.id as string}/actions`, { definition_id: name, params: {} });
    const startedAt = async (id: string): Promise<number> => {
      const out = await call('GET', `/api/v1/actions/invocations/${id}/output`);
      const text = (out.data as Json[]).map((c) => c.data).join('');
      return Number(BigInt(text.trim().split('\n')[0] ?? '0') / 1_000_000n);
    };
    // One list request per look (a few per second), so the bench's polling stays out of the figures.
    const settledAll = (what: string, ids: readonly string[]) =>
      waitFor(what, 300_000, async () => {
        await sleep(150);
        const byId = new Map((await invocations(call, incident.id as string)).map((i) => [i.id as string, i]));
        const mine = ids.map((id) => byId.get(id));
        return mine.every((i) => i && FINAL.has(i.state as string)) ? (mine as Json[]) : undefined;
      });
    async function latencies(ids: Array<{ id: string; sent: number }>): Promise<number[]> {
      await settledAll(
        'the invocations to finish',
        ids.map((i) => i.id),
      );
      return Promise.all(ids.map(async ({ id, sent }) => (await startedAt(id)) - sent));
    }

    // 1. A burst of QUEUED, 64 requests in flight, then SINGLE one at a time.
    const burstCpu = cpuSeconds(server.pid);
    const burst: Array<{ id: string; sent: number }> = [];
    let next = 0;
    const burstStart = Date.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < QUEUED) {
          next += 1;
          const sent = Date.now();
          burst.push({ id: (await invoke('bench-started')).id as string, sent });
        }
      }),
    );
    const sentIn = Date.now() - burstStart;
    const burstLat = quantiles(await latencies(burst));
    const burstCpuS = cpuSeconds(server.pid) - burstCpu;
    console.error(`burst: server CPU ${burstCpuS.toFixed(1)} s`);
    const singles: Array<{ id: string; sent: number }> = [];
    for (let i = 0; i < SINGLE; i++) {
      const sent = Date.now();
      const id = (await invoke('bench-started')).id as string;
      singles.push({ id, sent });
      await latencies([{ id, sent }]);
    }
    const singleLat = quantiles(await latencies(singles));
    lines.push(
      `| ${dialect} | invoke → command started, ${QUEUED} sent at once (in ${ms(sentIn)}), ` +
        `${RUNNERS} runners × ${CONCURRENCY} | ` +
        `${ms(burstLat.p50)} | ${ms(burstLat.p99)} | ${ms(burstLat.max)} |`,
      `| ${dialect} | invoke → command started, one at a time (${SINGLE}) | ${ms(singleLat.p50)} | ` +
        `${ms(singleLat.p99)} | ${ms(singleLat.max)} |`,
    );

    // 2. STREAMING at once on runners with room for all of them; the console timed meanwhile.
    await stopRunners(runners.splice(0));
    const per = Math.ceil(STREAMING / RUNNERS);
    for (let i = 0; i < RUNNERS; i++) runners.push(startRunner(server.url, await tokenOf('bench'), config, per));
    await sleep(2_000); // into their long polls
    const cpuBefore = cpuSeconds(server.pid);
    const t0 = Date.now();
    const streaming = await Promise.all(
      Array.from({ length: STREAMING }, async () => (await invoke('bench-chatty')).id as string),
    );
    const followers = streaming.slice(0, 10).map((id) => {
      const abort = new AbortController();
      const events = { output: 0 };
      const done = fetch(`${server.url}/api/v1/actions/invocations/${id}/output/stream?access_token=${adminToken}`, {
        signal: abort.signal,
      })
        .then(async (res) => {
          const reader = res.body?.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const chunk = await reader?.read();
            if (!chunk || chunk.done) break;
            events.output += (decoder.decode(chunk.value).match(/^event: output$/gm) ?? []).length;
          }
        })
        .catch(() => undefined);
      return { abort, events, done };
    });
    const consoleTimes: number[] = [];
    let finished = false;
    const probe = (async () => {
      while (!finished) {
        const s = performance.now();
        await call('GET', '/api/v1/incidents?limit=50');
        consoleTimes.push(performance.now() - s);
        await sleep(100);
      }
    })();
    const failures = await settledAll('the streaming invocations to finish', streaming);
    const states = failures.map((i) => i.state as string);
    const wall = Date.now() - t0;
    finished = true;
    await probe;
    for (const f of followers) f.abort.abort();
    await Promise.all(followers.map((f) => f.done));
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    const consoleQ = quantiles(consoleTimes);
    const ok = states.filter((s) => s === 'succeeded').length;
    const streamed = followers.map((f) => f.events.output);
    lines.push(
      `| ${dialect} | ${STREAMING} invocations streaming 50 lines each at once: ` +
        `GET /api/v1/incidents meanwhile (${consoleQ.n} probes) | ` +
        `${ms(consoleQ.p50)} | ${ms(consoleQ.p99)} | ${ms(consoleQ.max)} |`,
    );
    const why = [...new Set(failures.filter((i) => i.state !== 'succeeded').map((i) => `${i.state}: ${i.reason}`))];
    if (why.length) console.error('not succeeded:', why.slice(0, 5));
    const streamNote =
      `${dialect}: ${ok}/${STREAMING} streaming invocations succeeded in ${(wall / 1000).toFixed(1)} s; server CPU ` +
      `${cpu.toFixed(1)} s over that time; the 10 SSE followers received ` +
      `${Math.min(...streamed)}–${Math.max(...streamed)} output events each.`;

    // 3. Kill -9 one of two runners while DOOMED long commands run.
    await stopRunners(runners.splice(0));
    const doomedRunners = [
      // Half the slots each, so each runner holds half of them when one is killed.
      startRunner(server.url, await tokenOf('doomed'), config, Math.ceil(DOOMED / 2)),
      startRunner(server.url, await tokenOf('doomed'), config, Math.ceil(DOOMED / 2)),
    ];
    runners.push(...doomedRunners);
    await sleep(2_000);
    const doomed = await Promise.all(
      Array.from({ length: DOOMED }, async () => (await invoke('bench-long')).id as string),
    );
    await waitFor('the long commands to start', 60_000, async () => {
      await sleep(150);
      const byId = new Map((await invocations(call, incident.id as string)).map((i) => [i.id as string, i.state]));
      return doomed.every((id) => byId.get(id) === 'running') ? true : undefined;
    });
    await sleep(2_000);
    const victim = doomedRunners[0] as Runner;
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    const settled = await settledAll('the doomed invocations to settle', doomed);
    const settleS = (Date.now() - killedAt) / 1000;
    const lost = settled.filter((i) => i.state === 'failed' && String(i.reason).includes('runner lost'));
    const succeeded = settled.filter((i) => i.state === 'succeeded');
    const starts = new Map<string, number>();
    for (const i of settled) {
      const out = await call('GET', `/api/v1/actions/invocations/${i.id as string}/output`);
      const text = (out.data as Json[]).map((c) => c.data).join('');
      for (const m of text.matchAll(/^start (\S+)$/gm))
        starts.set(m[1] as string, (starts.get(m[1] as string) ?? 0) + 1);
    }
    const twice = [...starts.values()].filter((n) => n > 1).length;
    const all = await invocations(call, incident.id as string);
    const extra = all.filter((i) => i.name === 'bench-long').length - DOOMED;
    const lostOk = lost.length + succeeded.length === DOOMED && twice === 0 && extra === 0;
    const lostNote =
      `${dialect}: runner killed -9 with ${DOOMED} \`sleep 20\` invocations running on two runners: ` +
      `${lost.length} failed "runner lost", ${succeeded.length} succeeded on the other runner, all settled ` +
      `${settleS.toFixed(1)} s after the ` +
      `kill; started twice: ${twice}; re-queued: ${extra} — ${lostOk ? 'none lost, none run twice' : 'CHECK FAILED'}.`;
    return [...lines, '', streamNote, lostNote];
  } finally {
    await stopRunners(runners);
    await stopServer(server);
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
const notes: string[] = [];
for (const dialect of DIALECTS) {
  console.error(`bench:actions on ${dialect}…`);
  const out = await runDialect(dialect);
  const blank = out.indexOf('');
  rows.push(...out.slice(0, blank));
  notes.push(...out.slice(blank + 1));
}
const body = [
  `Commit ${commitLabel()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; ` +
    `server and runners ${DIST ? 'from dist/' : 'through tsx'}, all on this machine; ${RUNNERS} runners. ` +
    'Target: invoke → command started p99 < 1 s.',
  '',
  '| Dialect | What | p50 | p99 | max |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  ...notes.map((n) => `- ${n}`),
].join('\n');
console.log(body);
if (!flag('--no-docs')) rewriteDocs('actions', 'Mitigation actions', body);
