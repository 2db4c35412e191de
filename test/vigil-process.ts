// Real `vigil` processes for end-to-end tests, run from source through tsx: a server on 127.0.0.1
// with port 0 (the real port is read from its "Vigil is serving on …" line), and one-shot commands.
// Servers are stopped by their own pid only; environment comes from the caller, never the parent's
// VIGIL_* or DATABASE_URL, so a developer's shell cannot point a test at a real server.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without Vigil's variables, plus `env` (undefined values are left out). */
export function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VIGIL_') && key !== 'DATABASE_URL') base[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return base;
}

function spawnVigil(args: readonly string[], env: Record<string, string | undefined>): ChildProcess {
  // --import tsx keeps it one process, so the pid we hold is the server itself.
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `vigil <args>` to completion; kills it by pid if it outlives `timeoutMs`. */
export function runVigil(
  args: readonly string[],
  env: Record<string, string | undefined>,
  timeoutMs = 30_000,
): Promise<RunResult> {
  const child = spawnVigil(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `vigil ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Everything the server has printed so far. */
  output(): RunResult;
  /** Resolves with the match once stdout matches `pattern` (output arrives in chunks). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `vigil serve --host 127.0.0.1 --port 0` and resolves once it says where it is serving. */
export async function startServer(env: Record<string, string | undefined>, timeoutMs = 45_000): Promise<ServerProcess> {
  const child = spawnVigil(['serve', '--host', '127.0.0.1', '--port', '0'], { VIGIL_LOG_LEVEL: 'warn', ...env });
  const pid = child.pid;
  let stdout = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = (): RunResult => ({ code: exitCode ?? null, stdout, stderr });

  const stop = async (): Promise<void> => {
    if (exitCode !== undefined || pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    const hard = setTimeout(() => exitCode === undefined && process.kill(pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(hard);
  };

  const waitForStdout = (pattern: RegExp, ms = 10_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = pattern.exec(stdout);
        if (!match) return false;
        cleanup();
        resolve(match);
        return true;
      };
      const onExit = () => {
        if (check()) return;
        cleanup();
        reject(
          new Error(
            `vigil serve exited (code ${String(exitCode)}) without printing ${pattern}\n` +
              `stdout: ${stdout}\nstderr: ${stderr}`,
          ),
        );
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`vigil serve did not print ${pattern} within ${ms} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.off('exit', onExit);
      };
      if (check()) return;
      if (exitCode !== undefined) return onExit();
      child.stdout?.on('data', check);
      child.on('exit', onExit);
    });

  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await spawned;
    const [, url] = await waitForStdout(/^Vigil is serving on (http:\/\/\S+)/m, timeoutMs);
    return { url: url as string, pid: pid as number, output, waitForStdout, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
