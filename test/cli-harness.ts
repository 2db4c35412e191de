// Running the CLI in this process, as main.ts does, and reading what it printed: shared by the CLI suites.
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';
import { expect, vi } from 'vitest';
import { runCli } from '../src/cli/index.js';
import type { FakeClock } from '../src/clock.js';
import { localCommands } from '../src/serve.js';
import type { DialectEnv } from './dialects.js';
import { startHarness, type Harness } from './http-harness.js';
import type { RunResult } from './vigil-process.js';

export type Env = Record<string, string | undefined>;
export type Runner = (args: readonly string[], env: Env) => Promise<RunResult>;

/**
 * Runs the CLI in this process exactly as main.ts does, with `env` as the only Vigil variables.
 * Client commands read process.env and print with console.log, so both are swapped for the call.
 */
export const inProcess: Runner = async (args, env) => {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env))
    if (key.startsWith('VIGIL_') || key === 'DATABASE_URL') delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
  let stdout = '';
  let stderr = '';
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...parts: unknown[]) => void (stdout += `${format(...parts)}\n`));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...parts: unknown[]) => void (stderr += `${format(...parts)}\n`));
  try {
    const code = await runCli(args, localCommands, {
      out: (text) => void (stdout += text),
      err: (text) => void (stderr += text),
    });
    return { code, stdout, stderr };
  } finally {
    log.mockRestore();
    error.mockRestore();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
};

/** A failed command: non-zero exit, nothing on stdout, one line on stderr starting with "vigil:". */
export function expectOneLineFailure(result: RunResult, pattern: RegExp): void {
  expect(result.code, result.stdout + result.stderr).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^vigil: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

export function expectSuccess(result: RunResult): string {
  expect(result.stderr, result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The value of `key` in a "key  value" block. */
export function field(output: string, key: string): string {
  const match = new RegExp(`^${key}\\s+(\\S.*)$`, 'm').exec(output);
  if (!match?.[1]) throw new Error(`no "${key}" line in:\n${output}`);
  return match[1];
}

/** A harness app listening on loopback at `clock`, and the environment that points the CLI at it as an admin. */
export async function listeningHarness(env: DialectEnv, clock: FakeClock): Promise<{ h: Harness; cli: Env }> {
  const h = await startHarness(env, { clock });
  await h.server.listen({ port: 0, host: '127.0.0.1' });
  const admin = await h.caller('admin');
  return {
    h,
    cli: {
      VIGIL_URL: `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`,
      VIGIL_TOKEN: admin.token,
    },
  };
}
