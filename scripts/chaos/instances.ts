// The Vigil processes under test: `node dist/main.js serve` from this checkout, each on its own
// loopback port (kept across restarts, so the load knows where to go) with its own data directory and
// log file, all on the run's database. An instance is "up" once /readyz answers 200. Processes are
// started in their own process group and only ever signalled by their own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freePort, runCommand, signal } from './processes.js';
import { sleep } from './progress.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(REPO_ROOT, 'dist', 'main.js');

/** Fails with what to do when the build is missing. */
export function checkBuild(): void {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
}

export interface Instance {
  readonly index: number;
  readonly port: number;
  readonly url: string;
  /** The running process, or null while it is down. */
  pid: number | null;
  state: 'down' | 'starting' | 'up' | 'stopping';
  /** Clock offset it runs with (VIGIL_FAULT_CLOCK_OFFSET), in seconds. */
  offsetSeconds: number;
}

/** The parent's environment without Vigil's own variables, so nothing from the caller's shell leaks in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VIGIL_') && k !== 'DATABASE_URL') env[k] = v;
  return { ...env, ...extra };
}

/** `+30s` / `-30s` for an offset in seconds. */
const offsetText = (s: number) => `${s < 0 ? '-' : '+'}${Math.abs(s)}s`;

export interface Fleet {
  readonly instances: readonly Instance[];
  /** `vigil migrate` once, before any instance starts. */
  migrate(): Promise<void>;
  /** Starts the instance (with a clock offset) and resolves once it is ready; retries while it fails to start. */
  start(index: number, offsetSeconds?: number): Promise<void>;
  /** SIGKILL; resolves once the process is gone, with its pid. */
  kill(index: number): Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the pid and whether SIGKILL was needed. */
  terminate(index: number, graceMs: number): Promise<{ pid: number | null; killed: boolean; atMs: number }>;
  /** Every pid any instance has had, for telling who sent a message. */
  pids(): readonly number[];
  /** Stops every running instance (SIGTERM, then SIGKILL), for the end of the run and cleanup. */
  stopAll(graceMs: number): Promise<void>;
  /** Where instance `index` writes its output. */
  logFile(index: number): string;
  /** Called when a ready instance exits without the harness having stopped it. */
  onCrash(listener: (index: number, pid: number, how: string) => void): void;
}

export async function createFleet(count: number, root: string, env: Record<string, string>): Promise<Fleet> {
  checkBuild();
  const instances: Instance[] = [];
  for (let index = 0; index < count; index++) {
    const port = await freePort();
    instances.push({ index, port, url: `http://127.0.0.1:${port}`, pid: null, state: 'down', offsetSeconds: 0 });
  }
  const children = new Map<number, { child: ChildProcess; exited: Promise<void> }>();
  const allPids: number[] = [];
  /** Set by stopAll: a start under way gives up instead of starting another process. */
  let closed = false;
  /** Processes the harness is stopping: their exit is no crash. */
  const stopping = new Set<number>();
  const crashListeners: Array<(index: number, pid: number, how: string) => void> = [];
  /** Starts under way, so two callers (a fault, the crash watch) never start one instance twice. */
  const starting = new Map<number, Promise<void>>();

  const instanceEnv = (i: Instance, offsetSeconds: number) =>
    cleanEnv({
      ...env,
      VIGIL_HOST: '127.0.0.1',
      VIGIL_PORT: String(i.port),
      VIGIL_DATA_DIR: path.join(root, `instance-${i.index}`),
      ...(offsetSeconds !== 0 && { VIGIL_FAULT_CLOCK_OFFSET: offsetText(offsetSeconds) }),
    });

  async function ready(url: string, isGone: () => boolean, deadline: number): Promise<boolean> {
    while (Date.now() < deadline && !isGone()) {
      try {
        const answer = await request(`${url}/readyz`, { headersTimeout: 2000, bodyTimeout: 2000 });
        await answer.body.dump();
        if (answer.statusCode === 200) return true;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    return false;
  }

  function spawnOne(i: Instance, offsetSeconds: number): { pid: number; exited: Promise<void>; gone: () => boolean } {
    fs.mkdirSync(path.join(root, `instance-${i.index}`), { recursive: true });
    const logFile = fleet.logFile(i.index);
    fs.appendFileSync(logFile, `\n=== chaos: start at ${new Date().toISOString()} offset ${offsetSeconds}s ===\n`);
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      cwd: REPO_ROOT,
      env: instanceEnv(i, offsetSeconds),
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    fs.closeSync(fd);
    if (child.pid === undefined) throw new Error(`instance ${i.index} could not be started`);
    let gone = false;
    const pid = child.pid;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, sig) => {
        gone = true;
        resolve();
        if (!stopping.has(pid) && i.pid === pid && i.state === 'up') {
          i.state = 'down';
          i.pid = null;
          children.delete(pid);
          for (const listener of crashListeners) listener(i.index, pid, sig ? `signal ${sig}` : `exit code ${code}`);
        }
      });
      child.once('error', () => {
        gone = true;
        resolve();
      });
    });
    children.set(pid, { child, exited });
    allPids.push(pid);
    return { pid, exited, gone: () => gone };
  }

  async function stopPid(pid: number, graceMs: number): Promise<boolean> {
    const entry = children.get(pid);
    if (!entry) return false;
    stopping.add(pid);
    signal(pid, 'SIGTERM');
    let killed = false;
    const hard = setTimeout(() => {
      killed = signal(pid, 'SIGKILL');
    }, graceMs);
    await entry.exited;
    clearTimeout(hard);
    children.delete(pid);
    return killed;
  }

  /** Starts instance `index` and waits until it is ready, trying again while it fails to start. */
  async function startOne(index: number, offsetSeconds: number): Promise<void> {
    const i = instances[index] as Instance;
    i.state = 'starting';
    const deadline = Date.now() + 180_000;
    // A start can fail while PostgreSQL is down (migrations run first): try again until the deadline.
    for (let attempt = 1; Date.now() < deadline && !closed; attempt++) {
      const { pid, exited, gone } = spawnOne(i, offsetSeconds);
      i.pid = pid;
      if (!closed && (await ready(i.url, () => gone() || closed, Math.min(deadline, Date.now() + 60_000)))) {
        i.state = 'up';
        i.offsetSeconds = offsetSeconds;
        return;
      }
      stopping.add(pid);
      if (!gone()) signal(pid, 'SIGKILL');
      await exited;
      children.delete(pid);
      i.pid = null;
      await sleep(Math.min(5000, 500 * attempt));
    }
    i.state = 'down';
    if (closed) return;
    throw new Error(`instance ${index} did not become ready in 3 minutes (see instance-${index}.log)`);
  }

  const fleet: Fleet = {
    instances,
    async migrate() {
      await runCommand(process.execPath, [MAIN, 'migrate'], {
        env: instanceEnv(instances[0] as Instance, 0),
        cwd: REPO_ROOT,
        timeoutMs: 120_000,
      });
    },
    start(index, offsetSeconds = 0) {
      const under = starting.get(index);
      if (under) return under;
      const started = startOne(index, offsetSeconds).finally(() => starting.delete(index));
      starting.set(index, started);
      return started;
    },
    async kill(index) {
      const i = instances[index] as Instance;
      const pid = i.pid;
      if (pid === null) return null;
      i.state = 'down';
      stopping.add(pid);
      signal(pid, 'SIGKILL');
      await children.get(pid)?.exited;
      children.delete(pid);
      i.pid = null;
      return pid;
    },
    async terminate(index, graceMs) {
      const i = instances[index] as Instance;
      const pid = i.pid;
      if (pid === null) return { pid, killed: false, atMs: Date.now() };
      i.state = 'stopping';
      const killed = await stopPid(pid, graceMs);
      i.state = 'down';
      i.pid = null;
      return { pid, killed, atMs: Date.now() };
    },
    pids: () => allPids,
    logFile: (index) => path.join(root, `instance-${index}.log`),
    onCrash: (listener) => void crashListeners.push(listener),
    async stopAll(graceMs) {
      closed = true;
      await Promise.all(
        instances.map(async (i) => {
          if (i.pid !== null) await stopPid(i.pid, graceMs);
          i.pid = null;
          i.state = 'down';
        }),
      );
      // Anything left over (a start that was still under way) goes too.
      await Promise.all([...children.keys()].map((pid) => stopPid(pid, graceMs)));
    },
  };
  return fleet;
}
