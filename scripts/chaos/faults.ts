// Carrying out the fault schedule against the live run. Each fault starts at its planned time and runs
// on its own (faults overlap); what actually happened, with its real start and end, is recorded for
// the invariants. A fault that cannot apply (its instance is not up) is skipped and said so.
import fs from 'node:fs';
import type { Cluster } from './postgres.js';
import type { Fleet } from './instances.js';
import type { Call } from './http-client.js';
import type { FaultRecord } from './records.js';
import type { ReceiverModes } from './receivers/modes.js';
import { describeFault, type Fault } from './schedule.js';
import { sleep } from './progress.js';

/** How long a SIGTERMed instance gets to finish (sends in flight, queued events) before SIGKILL. */
export const SIGTERM_GRACE_MS = 25_000;

export interface FaultDeps {
  fleet: Fleet;
  cluster: Cluster;
  modes: ReceiverModes;
  /** A caller with its own connection pool for bursts. */
  burstCall: Call;
  keys: Record<string, string>;
  token: string;
  say: (text: string) => void;
  /** Triggers a burst's requests carry are answered events too. */
  onBurstAnswered: (eventId: string, instance: number, answeredMs: number) => void;
}

export interface BurstStats {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  slowestMs: number;
}

export function createFaultRunner(deps: FaultDeps) {
  const records: FaultRecord[] = [];
  const bursts: BurstStats[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  let skipped = 0;

  /** A SIGTERM (or a skew restart's stop) that had to end in SIGKILL is a kill, and is recorded as one. */
  function noteKillAfterTerm(instance: number, pid: number | null, atMs: number): void {
    records.push({
      kind: 'kill',
      startMs: atMs,
      endMs: atMs,
      instance,
      pid: pid ?? undefined,
      detail: `SIGKILL of instance ${instance} (pid ${pid}) after SIGTERM did not end it in ${SIGTERM_GRACE_MS} ms`,
    });
  }

  async function restartAfter(index: number, pauseMs: number, offsetSeconds = 0): Promise<number> {
    await sleep(pauseMs);
    await deps.fleet.start(index, offsetSeconds);
    return Date.now();
  }

  async function burst(f: Extract<Fault, { kind: 'burst' }>, n: number): Promise<void> {
    const url = deps.fleet.instances[f.instance]?.url ?? '';
    const startMs = Date.now();
    const stats: BurstStats = { requests: f.requests, ok: 0, statuses: {}, slowestMs: 0 };
    await Promise.all(
      Array.from({ length: f.requests }, async (_, i) => {
        // Mostly alerts with no incident (info), which still take a transaction each; the rest API reads.
        const eventId = `burst-${n}.${i}`;
        const answer =
          i % 5 < 3
            ? await deps.burstCall(`${url}/v2/enqueue`, {
                timeoutMs: 15_000,
                body: {
                  routing_key: deps.keys['pd-alpha'],
                  event_action: 'trigger',
                  dedup_key: eventId,
                  payload: {
                    summary: `chaos burst-${n}: info ${i}`,
                    source: 'chaos-burst',
                    severity: 'info',
                    custom_details: { chaos_event: eventId },
                  },
                },
              })
            : await deps.burstCall(`${url}/api/v1/incidents?limit=50`, { token: deps.token, timeoutMs: 15_000 });
        const key = answer.status === 0 ? (answer.errorCode ?? 'error') : String(answer.status);
        stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
        stats.slowestMs = Math.max(stats.slowestMs, answer.ms);
        if (answer.status >= 200 && answer.status < 300) {
          stats.ok++;
          if (i % 5 < 3) deps.onBurstAnswered(eventId, f.instance, Date.now());
        }
      }),
    );
    bursts.push(stats);
    const endMs = Date.now();
    records.push({ kind: 'burst', startMs, endMs, instance: f.instance, detail: describeFault(f) });
    deps.say(
      `burst at instance ${f.instance}: ${stats.ok}/${f.requests} ok in ${((endMs - startMs) / 1000).toFixed(1)} s ` +
        `(${Object.entries(stats.statuses)
          .map(([k, v]) => `${k}×${v}`)
          .join(' ')})`,
    );
  }

  async function apply(f: Fault, n: number): Promise<void> {
    const instance = 'instance' in f ? deps.fleet.instances[f.instance] : undefined;
    const needsUp = f.kind === 'kill' || f.kind === 'sigterm' || f.kind === 'skew';
    // An instance still coming back (from an earlier fault, or its own exit) gets a little time.
    for (let waited = 0; needsUp && instance?.state !== 'up' && waited < 20_000 && !stopped; waited += 500)
      await sleep(500);
    if (needsUp && instance?.state !== 'up') {
      skipped++;
      deps.say(`skipped: ${describeFault(f)} (instance ${f.instance} is ${instance?.state ?? 'missing'})`);
      return;
    }
    deps.say(`fault: ${describeFault(f)}`);
    const startMs = Date.now();
    switch (f.kind) {
      case 'kill': {
        const pid = await deps.fleet.kill(f.instance);
        const endMs = await restartAfter(f.instance, f.downMs);
        records.push({
          kind: 'kill',
          startMs,
          endMs,
          instance: f.instance,
          pid: pid ?? undefined,
          detail: describeFault(f),
        });
        break;
      }
      case 'sigterm': {
        const { pid, killed, atMs } = await deps.fleet.terminate(f.instance, SIGTERM_GRACE_MS);
        if (killed) noteKillAfterTerm(f.instance, pid, atMs);
        const endMs = await restartAfter(f.instance, f.downMs);
        records.push({
          kind: 'sigterm',
          startMs,
          endMs,
          instance: f.instance,
          pid: pid ?? undefined,
          escalatedToKill: killed,
          detail: `${describeFault(f)}; stopped in ${((atMs - startMs) / 1000).toFixed(1)} s`,
        });
        break;
      }
      case 'pg-restart': {
        await deps.cluster.stop();
        await sleep(f.downMs);
        await deps.cluster.start();
        records.push({ kind: 'pg-restart', startMs, endMs: Date.now(), detail: describeFault(f) });
        break;
      }
      case 'receiver': {
        const end = deps.modes.begin(f.receiver, f.mode);
        await sleep(f.durationMs);
        end();
        records.push({
          kind: 'receiver',
          startMs,
          endMs: Date.now(),
          receiver: f.receiver,
          mode: f.mode,
          detail: describeFault(f),
        });
        break;
      }
      case 'skew': {
        const off = await deps.fleet.terminate(f.instance, SIGTERM_GRACE_MS);
        if (off.killed) noteKillAfterTerm(f.instance, off.pid, off.atMs);
        // The record spans exactly the life of the skewed process: from its start to its stop.
        const skewedFrom = Date.now();
        await deps.fleet.start(f.instance, f.offsetSeconds);
        const skewedPid = deps.fleet.instances[f.instance]?.pid ?? undefined;
        await sleep(f.durationMs);
        const skewedUntil = Date.now();
        const back = await deps.fleet.terminate(f.instance, SIGTERM_GRACE_MS);
        if (back.killed) noteKillAfterTerm(f.instance, back.pid, back.atMs);
        await deps.fleet.start(f.instance, 0);
        records.push({
          kind: 'skew',
          startMs: skewedFrom,
          endMs: skewedUntil,
          instance: f.instance,
          pid: skewedPid,
          offsetSeconds: f.offsetSeconds,
          detail: `${describeFault(f)} (pid ${skewedPid}, ${((skewedUntil - skewedFrom) / 1000).toFixed(1)} s)`,
        });
        break;
      }
      case 'burst':
        await burst(f, n);
        break;
    }
  }

  /** The first error line of the instance's last output, to say why it exited. */
  function lastError(index: number): string {
    try {
      const text = fs.readFileSync(deps.fleet.logFile(index), 'utf8').slice(-20_000);
      const tail = text.slice(text.lastIndexOf('=== chaos: start'));
      const line = /^\w*(?:Error|error)\b[^\n]*/m.exec(tail) ?? /^[^\n]*(?:Unhandled|fatal)[^\n]*/im.exec(tail);
      return line?.[0]?.trim().slice(0, 200) ?? 'no error printed';
    } catch {
      return 'no log';
    }
  }

  // An instance that exits on its own is a finding (invariant 11); it is started again at once, as a
  // supervisor would, so the run goes on with every instance.
  deps.fleet.onCrash((index, pid, how) => {
    const startMs = Date.now();
    const offset = deps.fleet.instances[index]?.offsetSeconds ?? 0;
    // Its last words may still be on their way to the log file.
    let reason = 'no error printed';
    void sleep(500)
      .then(() => {
        reason = lastError(index);
        deps.say(`instance ${index} (pid ${pid}) exited on its own (${how}): ${reason}; starting it again`);
        return restartAfter(index, 500, offset);
      })
      .then((endMs) =>
        records.push({
          kind: 'crash',
          startMs,
          endMs,
          instance: index,
          pid,
          detail: `instance ${index} (pid ${pid}) exited on its own (${how}): ${reason}`,
        }),
      )
      .catch((error: unknown) => deps.say(`restart of instance ${index} failed: ${String(error)}`));
  });

  return {
    records,
    bursts,
    skipped: () => skipped,
    /** Runs the schedule from `startMs`; resolves when every fault has ended (or the runner was stopped). */
    async run(schedule: readonly Fault[], startMs: number): Promise<void> {
      let n = 0;
      for (const f of schedule) {
        await sleep(startMs + f.atMs - Date.now());
        if (stopped) break;
        const p = apply(f, n++).catch((error: unknown) =>
          deps.say(`fault failed: ${describeFault(f)}: ${error instanceof Error ? error.message : String(error)}`),
        );
        running.add(p);
        void p.finally(() => running.delete(p));
      }
      while (running.size > 0) await Promise.race([...running]);
    },
    stop() {
      stopped = true;
    },
  };
}
