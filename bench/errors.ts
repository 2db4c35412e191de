// Error-tracking benchmark (`npm run bench:errors`): a real `vigil serve` on SQLite in a temporary data
// dir, and autocannon in this process sending Sentry events over loopback, closed loop (N keep-alive
// connections, each sending its next event when the last is answered; a 200 means committed).
// Phases: the store endpoint with plain JSON, the envelope endpoint, and the envelope endpoint with
// gzip bodies. Events spread over GROUPS error groups in production (so each group's first event also
// raises its "new error" alert) and USERS users. Prints a table and rewrites docs/benchmarks.md.
//
// `npm run bench:errors` builds and passes --dist (the server runs dist/main.js); without it the server
// runs src/ through tsx. --seconds N (default 6), --connections N (32), --no-docs; BENCH_PROFILE_DIR=<dir>
// writes a V8 CPU profile of the server there.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { cpuSeconds, flag, gitState, numberOption, procStatus, rewriteDocs, startServer, stopServer } from './lib.js';

const PHASE_S = numberOption('--seconds', 6);
const CONNECTIONS = numberOption('--connections', 32);
const GROUPS = 100;
const USERS = 1_000;
const TOKEN = `bench_${randomBytes(24).toString('hex')}`;
const run = randomBytes(3).toString('hex');

/** A Sentry exception event as @sentry/node sends it; `n` picks its group, user and line numbers. */
function event(n: number): string {
  const g = n % GROUPS;
  const id = `${run}${n.toString(16).padStart(26, '0')}`;
  return (
    `{"event_id":"${id}","timestamp":${Date.now() / 1000},"platform":"node","level":"error",` +
    `"environment":"production","release":"shop@1.0.${g % 7}","server_name":"web-${g % 4}",` +
    `"user":{"id":"u${n % USERS}"},"tags":{"region":"eu-${g % 3}"},` +
    `"exception":{"values":[{"type":"BenchError${g}","value":"order ${n} could not be charged",` +
    `"stacktrace":{"frames":[` +
    `{"filename":"node:internal/process/task_queues","function":"process.processTicksAndRejections",` +
    `"lineno":95,"in_app":false},` +
    `{"filename":"/srv/app/routes/orders.js","module":"routes.orders","function":"handle${g}",` +
    `"lineno":${40 + (n % 9)},"colno":12,"in_app":true},` +
    `{"filename":"/srv/app/payments/charge.js","module":"payments.charge","function":"charge",` +
    `"lineno":17,"colno":5,"in_app":true}]},` +
    `"mechanism":{"type":"generic","handled":true}}]},` +
    `"sdk":{"name":"sentry.javascript.node","version":"11.12.0"}}`
  );
}

function envelope(n: number): string {
  const body = event(n);
  return (
    `{"event_id":"${run}${n.toString(16).padStart(26, '0')}","sent_at":"${new Date().toISOString()}",` +
    `"sdk":{"name":"sentry.javascript.node","version":"11.12.0"}}\n` +
    `{"type":"event","length":${Buffer.byteLength(body)}}\n${body}\n`
  );
}

interface Row {
  phase: string;
  rate: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: string;
  cpu: number;
  rssMb: number;
}

async function phase(
  name: string,
  pid: number,
  url: string,
  headers: Record<string, string>,
  body: (n: number) => string | Buffer,
  seconds: number,
): Promise<Row> {
  let n = 0;
  let firstBad: string | undefined;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          req.body = body(n++) as string;
          return req;
        },
        onResponse: (status, resBody) => {
          if (firstBad === undefined && status !== 200) firstBad = `${status} ${resBody.slice(0, 300)}`;
        },
      },
    ],
  });
  const elapsed = (performance.now() - t0) / 1000;
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(
    ([code, { count }]) => [Number(code), count ?? 0] as const,
  );
  const ok = statuses.filter(([code]) => code === 200).reduce((a, [, c]) => a + c, 0);
  const bad = statuses.filter(([code]) => code !== 200).map(([code, c]) => `${code}×${c}`);
  if (result.errors) bad.push(`errors×${result.errors}`);
  if (firstBad) process.stderr.write(`${name}: first non-200: ${firstBad}\n`);
  return {
    phase: name,
    rate: ok / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: statuses.reduce((a, [, c]) => a + c, 0),
    non2xx: bad.join(' ') || '–',
    cpu: (cpuSeconds(pid) - cpu0) / elapsed,
    rssMb: procStatus(pid).rssMb,
  };
}

const fmt = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-errors-'));
  const dist = flag('--dist');
  const load0 = os.loadavg()[0] as number;
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const server = await startServer({
    dataDir: path.join(tmp, 'data'),
    dist,
    env: { VIGIL_ADMIN_TOKEN: TOKEN },
    nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
  try {
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: `bench-errors-${run}` }),
    });
    if (created.status !== 201) throw new Error(`creating the service: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const { dsn, project_id, public_key } = (await (
      await fetch(`${server.url}/api/v1/services/${id}/dsn`, { headers: auth })
    ).json()) as { dsn: string; project_id: number; public_key: string };
    process.stderr.write(`server pid ${server.pid} at ${server.url}; DSN ${dsn}\n`);
    const sentryAuth = {
      'x-sentry-auth': `Sentry sentry_version=7, sentry_client=bench/1.0, sentry_key=${public_key}`,
    };
    const store = `${server.url}/api/${project_id}/store/`;
    const envelopeUrl = `${server.url}/api/${project_id}/envelope/`;
    // Gzipped bodies are made ahead (compressing per request would measure this process, not the server).
    const gzipped = Array.from({ length: 4_096 }, (_, i) => zlib.gzipSync(envelope(i)));

    await phase('warm-up', server.pid, store, { 'content-type': 'application/json', ...sentryAuth }, event, 2);
    const rows: Row[] = [];
    rows.push(
      await phase(
        '/api/{id}/store/, JSON',
        server.pid,
        store,
        { 'content-type': 'application/json', ...sentryAuth },
        event,
        PHASE_S,
      ),
    );
    rows.push(
      await phase(
        '/api/{id}/envelope/, ?sentry_key=',
        server.pid,
        `${envelopeUrl}?sentry_key=${public_key}&sentry_version=7`,
        { 'content-type': 'application/x-sentry-envelope' },
        envelope,
        PHASE_S,
      ),
    );
    rows.push(
      await phase(
        '/api/{id}/envelope/, gzip',
        server.pid,
        envelopeUrl,
        { 'content-type': 'application/x-sentry-envelope', 'content-encoding': 'gzip', ...sentryAuth },
        (n) => gzipped[n % gzipped.length] as Buffer,
        PHASE_S,
      ),
    );
    const hwmMb = procStatus(server.pid).hwmMb;
    const groups = (await (
      await fetch(`${server.url}/api/v1/errors/groups?service_id=${id}&limit=200`, { headers: auth })
    ).json()) as { data: Array<{ count: number }> };
    const stored = groups.data.reduce((a, g) => a + g.count, 0);
    await stopServer(server);

    const git = gitState();
    const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
    const lines = [
      `Run ${new Date().toISOString().slice(0, 16)}Z on ${os.availableParallelism()} × ${cpu}, ` +
        `Node ${process.version}, commit ${git.sha}${git.dirty ? ' (with uncommitted changes)' : ''}; ` +
        `server ${dist ? 'dist/main.js' : 'src/ through tsx'} on SQLite; ` +
        `autocannon, ${CONNECTIONS} connections, ${PHASE_S} s a phase; ${GROUPS} groups, ${USERS} users; ` +
        `load average ${fmt(load0, 1)} before, ${fmt(os.loadavg()[0] as number, 1)} after.`,
      '',
      '| Phase | events/s | p50 ms | p99 ms | requests | non-200 | server CPU | RSS MB |',
      '|---|---:|---:|---:|---:|---|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.phase} | ${fmt(r.rate)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ` +
          `${fmt(r.requests)} | ${r.non2xx} | ${fmt(r.cpu * 100)} % | ${fmt(r.rssMb)} |`,
      ),
      '',
      `Peak RSS (VmHWM) ${fmt(hwmMb)} MB. Every 200 was committed: the groups API counts ${fmt(stored)} stored events.`,
    ];
    const text = lines.join('\n');
    console.log(text);
    if (!flag('--no-docs')) {
      rewriteDocs(
        'errors',
        'Error tracking',
        `${text}\n\nThe generator shares the 2 cores with the server; ` +
          'runs minutes apart on this machine differ by up to 2×, so compare figures within one run.',
      );
      console.log('\nupdated docs/benchmarks.md');
    }
  } finally {
    await stopServer(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
