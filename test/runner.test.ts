// A real `vigil runner` process (run from source through tsx, as test/vigil-process.ts runs the CLI) against a
// listening harness on both dialects: it claims what responders invoke, runs its runner.yaml's commands
// without a shell (hostile parameter values arrive as single literal arguments), fails an invocation of a
// command its config lacks with that reason, stops gently on SIGTERM, and — killed with SIGKILL mid-run —
// loses its invocation when the lease runs out and the engine sweeps ("runner lost").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { listeningHarness, type Env } from './cli-harness.js';
import { describeEachDialect } from './dialects.js';
import { unique, type Caller, type Harness } from './http-harness.js';
import { startRunnerProcess, type RunnerProcess } from './runner-process.js';

const FINAL = ['succeeded', 'failed', 'timed_out', 'cancelled', 'rejected'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Json = any;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-runner-'));
const ARGV_JS = path.join(dir, 'argv.js');
fs.writeFileSync(ARGV_JS, 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
const SLOW_JS = path.join(dir, 'slow.js');
fs.writeFileSync(SLOW_JS, "console.log('pid ' + process.pid); setInterval(() => {}, 1000);\n");
const CONFIG = path.join(dir, 'runner.yaml');
fs.writeFileSync(
  CONFIG,
  [
    'commands:',
    '  - name: argv',
    `    argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(ARGV_JS)}, "{{params.a}}", "{{params.b}}",`,
    '           "{{params.c}}", "{{params.d}}", "--incident={{incident.number}}"]',
    '  - name: slow',
    `    argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SLOW_JS)}]`,
    '',
  ].join('\n'),
);

/** `vigil runner` with this file's runner.yaml, at concurrency 2. */
const startRunner = (url: string, token: string, ...more: string[]): RunnerProcess =>
  startRunnerProcess({ url, token, config: CONFIG, args: ['--concurrency', '2', ...more] });

describeEachDialect('vigil runner, the process', (env) => {
  const clock = new FakeClock('2026-12-07T09:00:00Z');
  let h: Harness;
  let cli: Env;
  let ana: Caller;
  let incident: Json;
  let runner: RunnerProcess;
  const started: RunnerProcess[] = [];
  const group = unique('hosts');

  async function json(method: 'GET' | 'POST', url: string, body?: unknown, as: Caller | string = cli.VIGIL_TOKEN!) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json() as Json;
  }
  const define = (command: string, group_: string, params: string[] = []) =>
    json('POST', '/api/v1/actions/definitions', {
      name: unique(command),
      category: 'diagnostic',
      params: params.map((name) => ({ name, type: 'string', required: true })),
      target: { kind: 'runner', group: group_, command },
      approval: 'none',
    });
  const invoke = (definition: Json, params: Record<string, string> = {}) =>
    json('POST', `/api/v1/incidents/${incident.id}/actions`, { definition_id: definition.name, params }, ana);
  /** The invocation once it is in a final state (the runner works in its own time). */
  async function settled(id: string): Promise<Json> {
    for (;;) {
      const inv = await json('GET', `/api/v1/actions/invocations/${id}`);
      if (FINAL.includes(inv.state)) return inv;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const output = async (id: string) =>
    ((await json('GET', `/api/v1/actions/invocations/${id}/output`)).data as Json[]).map((c) => c.data).join('');
  const runnerToken = async (group_: string) =>
    (await json('POST', '/api/v1/actions/runners', { name: unique('host'), group: group_ })).token as string;

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    ana = await h.caller('responder', 'ana');
    const service = await json('POST', '/api/v1/services', { name: unique('edge') });
    incident = await json(
      'POST',
      '/api/v1/incidents',
      { title: 'Edge functions failing', severity: 'P2', service_id: service.id },
      ana,
    );
    runner = startRunner(cli.VIGIL_URL!, await runnerToken(group));
    started.push(runner);
    await runner.waitFor(/concurrency 2; polling http:\/\/127\.0\.0\.1:\d+\n/);
  });
  afterAll(async () => {
    for (const r of started) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(started.map((r) => r.exited));
    await h.close();
  });

  it('runs a command with hostile parameter values as single literal arguments', async () => {
    const marker = path.join(dir, `pwned-${env.dialect}`);
    const values = { a: '; rm -rf /', b: `$(touch ${marker})`, c: `\`touch ${marker}\``, d: 'one\ntwo && touch x' };
    const inv = await invoke(await define('argv', group, ['a', 'b', 'c', 'd']), values);
    const done = await settled(inv.id);
    expect(done, runner.stderr()).toMatchObject({
      state: 'succeeded',
      exit_code: 0,
      runner: { name: expect.any(String) },
    });
    expect(JSON.parse(await output(inv.id))).toEqual([...Object.values(values), `--incident=${incident.number}`]);
    expect(fs.existsSync(marker)).toBe(false);
    await runner.waitFor(new RegExp(`${inv.id} \\(.+ on ${incident.number}\\): succeeded \\(exit 0\\)`));
    const listed = (await json('GET', '/api/v1/actions/runners')).data as Json[];
    expect(listed.find((r) => r.group === group)).toMatchObject({
      hostname: os.hostname(),
      version: '0.1.0',
      commands: ['argv', 'slow'],
      online: true,
    });
  });

  it('fails an invocation of a command its runner.yaml lacks, saying so', async () => {
    const inv = await invoke(await define('supabase-deploy', group));
    expect(await settled(inv.id)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('this runner\'s config has no command "supabase-deploy" (it has: argv, slow)'),
    });
  });

  it('stops on SIGTERM with exit 0', async () => {
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    expect(runner.stderr()).toMatch(/vigil runner: stopping\nvigil runner: stopped\n$/);
  });

  it('logs JSON lines; killed with SIGKILL mid-run, loses its invocation after the lease ("runner lost")', async () => {
    const lonely = unique('lonely');
    const doomed = startRunner(cli.VIGIL_URL!, await runnerToken(lonely), '--json-logs');
    started.push(doomed);
    await doomed.waitFor(/polling/);
    expect(JSON.parse(doomed.stderr().split('\n')[0]!)).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      msg: expect.stringMatching(/^group from token; 2 commands: argv, slow; concurrency 2; polling http/) as string,
    });
    const inv = await invoke(await define('slow', lonely));
    await doomed.waitFor(new RegExp(`${inv.id} .*running slow`));
    // Its command prints its pid; once that is in Vigil's copy of the output, it is mid-run.
    let pid: number | undefined;
    while (pid === undefined) {
      pid = Number(/pid (\d+)/.exec(await output(inv.id))?.[1]) || undefined;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    process.kill(pid, 'SIGKILL'); // the command outlives its runner (its own process group); ours to end

    const engine = h.app.engine.start({ info: vi.fn(), error: vi.fn() }, 0, { wake: false });
    try {
      await engine.sweep();
      expect((await json('GET', `/api/v1/actions/invocations/${inv.id}`)).state).toBe('running');
      clock.advance(31_000);
      await engine.sweep();
    } finally {
      await engine.stop();
    }
    expect(await json('GET', `/api/v1/actions/invocations/${inv.id}`)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('runner lost'),
    });
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
