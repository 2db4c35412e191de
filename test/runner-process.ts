// `vigil runner` as a real process for the suites (run from source through tsx, as test/vigil-process.ts runs
// the CLI), in a clean environment: never the parent's VIGIL_* settings.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './vigil-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface RunnerProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr matches (output arrives in chunks); rejects if the runner exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `vigil runner --url URL --config CONFIG …args` with the token in VIGIL_RUNNER_TOKEN. */
export function startRunnerProcess(o: { url: string; token: string; config: string; args?: string[] }): RunnerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'runner', '--url', o.url, '--config', o.config, ...(o.args ?? [])],
    { cwd: ROOT, env: cleanEnv({ VIGIL_RUNNER_TOKEN: o.token }), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const waiting = new Set<() => void>();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const check of waiting) check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stderr: () => stderr,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
        void exited.then(() => {
          if (waiting.delete(check)) reject(new Error(`the runner exited before ${pattern}:\n${stderr}`));
        });
      }),
    exited,
  };
}
