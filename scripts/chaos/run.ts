// One chaos run from start to verdict: plan from the seed, start the receivers, a private PostgreSQL
// and the Vigil instances, set up through the API, run the load and the faults together, let the
// deliveries settle, stop the instances, read the database and check every invariant. Everything
// started is registered with `cleanup`, which main.ts runs however the run ends.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cleanup } from './cleanup.js';
import { collectSnapshot } from './collect.js';
import { createFaultRunner } from './faults.js';
import { createCaller } from './http-client.js';
import { checkBuild, createFleet, REPO_ROOT } from './instances.js';
import { checkAll } from './invariants/index.js';
import { summarizeLogs } from './instance-logs.js';
import { createLoad } from './load.js';
import { planLoad } from './load-plan.js';
import type { ChaosOptions } from './options.js';
import { findPostgresBin, startCluster } from './postgres.js';
import { sleep, type Progress } from './progress.js';
import { createRandom } from './random.js';
import { serializeRecords, type RunRecords } from './records.js';
import { startReceivers } from './receivers/index.js';
import { renderReport, type RunSummary } from './report.js';
import { describeFault, faultCounts, planFaults } from './schedule.js';
import { setUp } from './setup.js';

/** The plan of a run: the same for the same seed, minutes, instances and rate. */
export function planRun(options: ChaosOptions) {
  const random = createRandom(options.seed);
  const schedule = planFaults(random.fork('faults'), options);
  const busyMomentsMs = schedule.filter((f) => f.kind === 'sigterm').map((f) => f.atMs);
  const plan = planLoad(random.fork('load'), { ...options, busyMomentsMs });
  return { random, schedule, plan };
}

function commitOf(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=10'], { cwd: REPO_ROOT })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

function machineOf(): string {
  const cpus = os.cpus();
  let postgres = 'PostgreSQL ?';
  try {
    postgres = `PostgreSQL ${path.basename(path.dirname(findPostgresBin()))}`;
  } catch {
    // reported when the cluster is started
  }
  return (
    `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, ${postgres}, load average at start ${os.loadavg()[0]?.toFixed(2)}`
  );
}

/** Runs the whole thing; resolves with the exit code (0 every invariant holds, 1 one fails). */
export async function runChaos(options: ChaosOptions, progress: Progress, cleanup: Cleanup): Promise<number> {
  const say = (text: string) => progress.line(text);
  const { random, schedule, plan } = planRun(options);
  const counts = faultCounts(options.minutes);
  say(`seed ${options.seed}${options.seedGiven ? '' : ' (fresh; pass --seed to replay)'}`);
  say(`load plan: ${plan.length} requests over ${options.minutes} min at ~${options.rate}/s`);
  say(`fault schedule (${schedule.length} faults; ${counts.kill} kills planned):`);
  for (const f of schedule) say(`  ${describeFault(f)}`);
  if (options.planOnly) return 0;

  checkBuild();
  const machine = machineOf();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-chaos-'));
  cleanup.add('remove the temporary directory', () => {
    if (options.keep) say(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  });
  say(`working in ${root}`);

  let pids: () => readonly number[] = () => [];
  const receivers = await startReceivers(random.fork('receivers'), () => pids());
  cleanup.add('close the receivers', () => receivers.close());

  const cluster = await startCluster(path.join(root, 'pg'));
  cleanup.add('stop PostgreSQL', () => cluster.destroy());
  say(`PostgreSQL on 127.0.0.1:${cluster.port}`);

  const token = `chaos-admin-${random.fork('token').hex(40)}`;
  const fleet = await createFleet(options.instances, root, {
    DATABASE_URL: cluster.url('vigil'),
    VIGIL_ADMIN_TOKEN: token,
    VIGIL_LOG_LEVEL: 'warn',
    VIGIL_OUTBOUND_ALLOW: '127.0.0.1',
    VIGIL_SMTP_URL: `smtp://127.0.0.1:${receivers.ports.email}`,
    VIGIL_TWILIO_URL: `http://${receivers.twilio.sid}:${receivers.twilio.token}@127.0.0.1:${receivers.ports.sms}`,
    VIGIL_TWILIO_FROM: '+15550100000',
    VIGIL_PAGE_INTERVAL: '10s',
  });
  cleanup.add('stop the Vigil instances', () => fleet.stopAll(5_000));
  pids = () => fleet.instances.flatMap((i) => (i.pid === null ? [] : [i.pid]));
  await fleet.migrate();
  await Promise.all(fleet.instances.map((i) => fleet.start(i.index)));
  say(`instances up: ${fleet.instances.map((i) => `${i.index}@${i.port} pid ${i.pid}`).join(', ')}`);

  const caller = createCaller();
  const burstCaller = createCaller(1024);
  cleanup.add('close HTTP clients', async () => void (await Promise.all([caller.close(), burstCaller.close()])));
  const setup = await setUp(caller.call, fleet.instances[0]?.url ?? '', token, receivers);
  say('setup done: 6 people on 4 channels, 2 policies, 4 services, 2 stakeholders, 3 monitors');

  const load = createLoad({
    plan,
    fleet,
    call: caller.call,
    ctx: { keys: setup.keys, heartbeatTokens: setup.heartbeatTokens },
    token,
    seed: options.seed,
    deliveries: receivers.log,
    say,
  });
  const faults = createFaultRunner({
    fleet,
    cluster,
    modes: receivers.modes,
    burstCall: burstCaller.call,
    keys: setup.keys,
    token,
    say,
    onBurstAnswered: (eventId, instance, answeredMs) =>
      load.answered.push({
        kind: 'pd-trigger',
        story: 'burst',
        key: eventId,
        service: 'pd-alpha',
        triggerIds: [eventId],
        answeredMs,
        instance,
        attempts: 1,
      }),
  });
  cleanup.add('stop load and faults', () => {
    load.stop();
    load.stopReacting();
    faults.stop();
  });

  const startMs = Date.now() + 1_000;
  const durationMs = Math.round(options.minutes * 60_000);
  progress.startClock(startMs);
  const ticker = setInterval(() => {
    const s = load.stats();
    const up = fleet.instances.map((i) => (i.state === 'up' ? `${i.index}` : `-${i.index}`)).join(',');
    say(
      `load ${s.sent}/${s.planned} sent, ${s.answered} 2xx, ${s.retried} retried, ${s.gaveUp} given up | ` +
        `received ${receivers.log.all().length} | instances ${up} | faults done ${faults.records.length}`,
    );
  }, 10_000);
  cleanup.add('stop the progress lines', () => clearInterval(ticker));
  const stopLoad = setTimeout(() => load.stop(), startMs + durationMs - Date.now());
  await Promise.all([load.run(startMs), faults.run(schedule, startMs)]);
  clearTimeout(stopLoad);

  // Whatever a fault left down comes back before the settle, so every row has a live dispatcher.
  await Promise.all(fleet.instances.filter((i) => i.state !== 'up').map((i) => fleet.start(i.index)));
  say(`load and faults over; letting deliveries settle for ${options.settleSeconds} s`);
  await sleep(options.settleSeconds * 1000);
  load.stopReacting();
  await load.drain();
  clearInterval(ticker);
  const endMs = Date.now();
  await fleet.stopAll(25_000);
  say('instances stopped; reading the database');

  const records: RunRecords = {
    seed: options.seed,
    startMs,
    endMs,
    faults: faults.records,
    answered: load.answered,
    deliveries: [...receivers.log.all()],
    db: await collectSnapshot(cluster.url('vigil')),
    setup,
  };
  const results = checkAll(records);
  const summary: RunSummary = {
    seed: options.seed,
    minutes: options.minutes,
    instances: options.instances,
    commit: commitOf(),
    machine,
    faults: faults.records,
    skippedFaults: faults.skipped(),
    load: load.stats(),
    attempts: load.attempts,
    deliveries: records.deliveries,
    bursts: faults.bursts,
    results,
    logs: summarizeLogs(root),
  };
  const text = renderReport(summary);
  progress.line(text);
  const json = JSON.stringify(
    { ...summary, attempts: undefined, deliveries: undefined, bursts: faults.bursts },
    null,
    2,
  );
  fs.writeFileSync(path.join(root, 'report.json'), json);
  fs.writeFileSync(path.join(root, 'report.txt'), `${progress.lines().join('\n')}\n`);
  fs.writeFileSync(path.join(root, 'records.json'), serializeRecords(records));
  if (options.reportFile) fs.writeFileSync(options.reportFile, json);
  return results.every((r) => r.holds) ? 0 : 1;
}
