// `vigil actions …` against a real HTTP server on loopback, on both dialects, with a runner (runRunner, the
// loop `vigil runner` runs) claiming and running the commands: list with its filters, run (values typed by
// the server, dry runs, a second person's approval shown with its deadline), --wait following the output
// to the end (run as its own process, since it writes the command's output as it comes) with exit 0 only
// on success, approve, reject, cancel, show with the output, invocations with filters, the runners and
// registering one; and one-line failures that change nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runRunner } from '../src/cli/runner/runner.js';
import { FakeClock } from '../src/clock.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import { describeEachDialect } from './dialects.js';
import { unique, type Caller, type Harness } from './http-harness.js';
import { cleanEnv, runVigil, type RunResult } from './vigil-process.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Json = any;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-actions-'));
const ARGV_JS = path.join(dir, 'argv.js');
fs.writeFileSync(ARGV_JS, "process.stderr.write('checking\\n'); console.log(JSON.stringify(process.argv.slice(2)));\n");
const FAIL_JS = path.join(dir, 'fail.js');
fs.writeFileSync(FAIL_JS, "console.log('deploying'); console.error('no such deploy'); process.exitCode = 2;\n");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MIN = 60_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** `vigil <args>` as its own process, whose stdout can be watched while it runs. */
function startVigil(args: string[], env: Env) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of watchers) w();
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<RunResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    done,
    /** Resolves with the match once stdout matches; rejects if the process ends first. */
    stdoutMatch: (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(stdout);
          if (m && watchers.delete(check)) resolve(m);
        };
        watchers.add(check);
        check();
        void done.then(() => watchers.delete(check) && reject(new Error(`no ${pattern} in:\n${stdout}${stderr}`)));
      }),
  };
}
const clockTime = (ms: number) =>
  new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

describeEachDialect('vigil actions CLI', (env) => {
  const clock = new FakeClock('2026-12-07T09:00:00Z');
  const group = unique('edge');
  let h: Harness;
  let cli: Env;
  let ana: Caller;
  let ben: Caller;
  let service: Json;
  let p2: Json;
  let p1: Json;
  let echo: Json;
  let restart: Json;
  let broken: Json;
  let runnerDone: Promise<void>;
  const stopRunner = new AbortController();
  const runnerLog: string[] = [];

  const vigil = (...args: string[]) => inProcess(args, cli);
  const as = (who: Caller, ...args: string[]) => inProcess(args, { ...cli, VIGIL_TOKEN: who.token });
  async function json(method: 'GET' | 'POST', url: string, body?: unknown, who: Caller | string = cli.VIGIL_TOKEN!) {
    const res = await h.call(method, url, { as: who, body });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json() as Json;
  }
  /** The invocation once it is final (the runner works in its own time). */
  async function settled(id: string): Promise<Json> {
    for (;;) {
      const inv = await json('GET', `/api/v1/actions/invocations/${id}`);
      if (['succeeded', 'failed', 'timed_out', 'cancelled', 'rejected'].includes(inv.state)) return inv;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const define = (name: string, body: object) =>
    json('POST', '/api/v1/actions/definitions', {
      name: unique(name),
      service_ids: [service.id],
      params: [],
      ...body,
    });

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    ana = await h.caller('responder', 'ana');
    ben = await h.caller('responder', 'ben');
    service = await json('POST', '/api/v1/services', { name: unique('trust') });
    p2 = await json('POST', '/api/v1/incidents', { title: 'Scorer slow', severity: 'P2', service_id: service.id }, ana);
    p1 = await json('POST', '/api/v1/incidents', { title: 'Scorer down', severity: 'P1', service_id: service.id }, ana);
    const params = [
      { name: 'word', type: 'string', required: true },
      { name: 'count', type: 'integer', min: 1, max: 5, default: 1 },
      { name: 'loud', type: 'boolean', default: false },
    ];
    echo = await define('echo', {
      category: 'diagnostic',
      params,
      target: { kind: 'runner', group, command: 'echo-args' },
      dry_run: { supported: true, flag: '--dry-run' },
    });
    restart = await define('restart', {
      category: 'restart',
      params,
      target: { kind: 'runner', group, command: 'echo-args' },
    });
    broken = await define('broken', { category: 'diagnostic', target: { kind: 'runner', group, command: 'fail' } });
    const token = (await json('POST', '/api/v1/actions/runners', { name: unique('host'), group })).token as string;
    runnerDone = runRunner({
      url: cli.VIGIL_URL!,
      token,
      config: {
        commands: [
          {
            name: 'echo-args',
            argv: [process.execPath, ARGV_JS, '{{params.word}}', '{{params.count}}', '{{params.loud}}'],
            env: {},
          },
          { name: 'fail', argv: [process.execPath, FAIL_JS], env: {} },
        ],
      },
      concurrency: 2,
      version: '0.1.0',
      hostname: 'cli-test-host',
      log: (line) => void runnerLog.push(line),
      stop: stopRunner.signal,
      graceMs: 0,
    });
  });
  afterAll(async () => {
    stopRunner.abort();
    await runnerDone;
    await h.close();
  });

  it('lists the actions, by category and by service', async () => {
    const listed = expectSuccess(await vigil('actions', 'list'));
    expect(listed).toMatch(/^NAME\s+CATEGORY\s+ENABLED\s+APPROVAL\s+SERVICES\s+PARAMS\s+TARGET$/m);
    expect(listed).toMatch(
      new RegExp(
        `^${echo.name}\\s+diagnostic\\s+true\\s+none\\s+1\\s+word, count, loud\\s+runner ${group}/echo-args$`,
        'm',
      ),
    );
    const restarts = JSON.parse(expectSuccess(await vigil('actions', 'list', '--category', 'restart', '--json')));
    expect(restarts.data.map((d: Json) => d.name)).toEqual(expect.arrayContaining([restart.name]));
    expect(restarts.data.every((d: Json) => d.category === 'restart')).toBe(true);
    const forService = expectSuccess(await vigil('actions', 'list', '--service', service.name));
    for (const d of [echo, restart, broken]) expect(forService).toContain(d.name);
    expectOneLineFailure(await vigil('actions', 'list', '--category', 'reboot'), /'reboot' is invalid/);
  });

  it('runs an action with typed parameters, then shows it with its output', async () => {
    const run = JSON.parse(
      expectSuccess(
        await as(
          ana,
          'actions',
          'run',
          p2.number,
          echo.name,
          '--param',
          'word=; rm -rf /',
          '--param',
          'count=3',
          '--param',
          'loud=true',
          '--json',
        ),
      ),
    );
    expect(run).toMatchObject({
      name: echo.name,
      incident_number: p2.number,
      params: { word: '; rm -rf /', count: 3, loud: true },
      dry_run: false,
    });
    expect(['queued', 'running', 'succeeded']).toContain(run.state);
    expect((await settled(run.id)).state).toBe('succeeded');

    const shown = expectSuccess(await vigil('actions', 'show', run.id));
    expect(field(shown, 'state')).toBe('succeeded (exit 0)');
    expect(field(shown, 'incident')).toBe(p2.number);
    expect(shown).toContain('output:\n[stderr] checking\n["; rm -rf /","3","true"]');
    const asJson = JSON.parse(expectSuccess(await vigil('actions', 'show', run.id, '--json')));
    expect(asJson.output.map((c: Json) => [c.stream, c.data])).toEqual([
      ['stderr', 'checking\n'],
      ['stdout', '["; rm -rf /","3","true"]\n'],
    ]);

    const dry = JSON.parse(
      expectSuccess(await as(ana, 'actions', 'run', p1.id, echo.name, '--param', 'word=x', '--dry-run', '--json')),
    );
    expect(dry).toMatchObject({ dry_run: true, approval_required: false });
    await settled(dry.id);
    expect(expectSuccess(await vigil('actions', 'show', dry.id))).toContain('["x","1","false","--dry-run"]');
  });

  it('waits for a run, printing its output as it comes; exit 0 only when it succeeded', async () => {
    const env_ = { ...cli, VIGIL_TOKEN: ana.token };
    const ok = await runVigil(['actions', 'run', p2.number, echo.name, '--param', 'word=hi there', '--wait'], env_);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('checking\n');
    const lines = ok.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^(\\S+): ${echo.name} on ${p2.number}, (queued|running)$`));
    expect(lines.slice(1)).toEqual([
      '["hi there","1","false"]',
      `${/^(\S+):/.exec(lines[0]!)?.[1]}: succeeded (exit 0)`,
    ]);

    const bad = await runVigil(['actions', 'run', p2.number, broken.name, '--wait'], env_);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\ndeploying\n\S+: failed \(exit 2\)\n$/);
    expect(bad.stderr).toMatch(
      new RegExp(`^no such deploy\\nvigil: ${broken.name} \\S+ ended failed \\(exit 2\\)\\n$`),
    );
  });

  it('asks for a second person on a P1, approves, rejects and cancels', async () => {
    const until = clockTime(clock.now().getTime() + 15 * MIN);
    const asked = expectSuccess(await as(ana, 'actions', 'run', p1.number, restart.name, '--param', 'word=go'));
    const id = field(asked, 'id');
    expect(field(asked, 'state')).toBe('awaiting approval');
    expect(asked).toContain(`\n\nawaiting approval by a second person until ${until} (vigil actions approve ${id})`);
    expectOneLineFailure(await as(ana, 'actions', 'approve', id), /HTTP 403/);
    expect(expectSuccess(await as(ben, 'actions', 'approve', id))).toMatch(
      new RegExp(`^${id}: (queued|running|succeeded)`),
    );
    expect((await settled(id)).state).toBe('succeeded');

    const second = JSON.parse(
      expectSuccess(await as(ana, 'actions', 'run', p1.number, restart.name, '--param', 'word=no', '--json')),
    );
    expect(expectSuccess(await as(ben, 'actions', 'reject', second.id, '--reason', 'not during the peak'))).toBe(
      `${second.id}: rejected: not during the peak\n`,
    );
    const third = JSON.parse(
      expectSuccess(await as(ana, 'actions', 'run', p1.number, restart.name, '--param', 'word=x', '--json')),
    );
    expect(expectSuccess(await as(ana, 'actions', 'cancel', third.id))).toMatch(new RegExp(`^${third.id}: cancelled`));
    expectOneLineFailure(
      await as(ben, 'actions', 'approve', third.id),
      /cannot approve an invocation that is cancelled.*HTTP 409/,
    );
  });

  it('waits through an approval, saying once that it waits', async () => {
    const waiting = startVigil(['actions', 'run', p1.number, restart.name, '--param', 'word=later', '--wait'], {
      ...cli,
      VIGIL_TOKEN: ana.token,
    });
    const id = (
      await waiting.stdoutMatch(/awaiting approval by a second person until \d\d:\d\d \(vigil actions approve (\S+)\)/)
    )[1];
    await json('POST', `/api/v1/actions/invocations/${id}/approve`, {}, ben);
    const done = await waiting.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.match(/awaiting approval by a second person until \d\d:\d\d/g)).toHaveLength(1);
    expect(done.stdout).toContain('["later","1","false"]\n');
    expect(done.stdout).toMatch(/: succeeded \(exit 0\)\n$/);
  });

  it('lists invocations with filters', async () => {
    const all = expectSuccess(await vigil('actions', 'invocations', '--incident', p2.number));
    expect(all).toMatch(/^ID\s+INCIDENT\s+ACTION\s+STATE\s+DRY RUN\s+BY\s+CREATED$/m);
    expect(all).toContain('failed (exit 2)');
    const failed = JSON.parse(
      expectSuccess(await vigil('actions', 'invocations', '--incident', p2.number, '--status', 'failed', '--json')),
    );
    expect(failed.data.map((i: Json) => [i.name, i.state])).toEqual([[broken.name, 'failed']]);
    const byService = JSON.parse(
      expectSuccess(await vigil('actions', 'invocations', '--service', service.name, '--json')),
    );
    expect(byService.data.length).toBeGreaterThanOrEqual(6);
    expect(expectSuccess(await vigil('actions', 'invocations', '--incident', p2.number, '--status', 'timed_out'))).toBe(
      'no invocations\n',
    );
  });

  it('shows the runners and registers one, printing its token once with how to start it', async () => {
    const table = expectSuccess(await vigil('actions', 'runners'));
    expect(table).toMatch(
      new RegExp(`\\s${group}\\s+yes\\s+\\S+\\s+cli-test-host\\s+0\\.1\\.0\\s+echo-args, fail$`, 'm'),
    );
    const added = expectSuccess(await vigil('actions', 'runner-add', 'db-host-1', '--group', 'database'));
    const token = /^token: (vgr_\S+)$/m.exec(added)?.[1];
    expect(token).toBeDefined();
    expect(added).toContain(`vigil runner --url ${cli.VIGIL_URL} --token ${token} --config runner.yaml`);
    const listed = JSON.parse(expectSuccess(await vigil('actions', 'runners', '--json')));
    expect(listed.data.find((r: Json) => r.name === 'db-host-1')).toMatchObject({ group: 'database', online: false });
    expectOneLineFailure(await as(ana, 'actions', 'runner-add', 'x', '--group', 'y'), /HTTP 403/);
  });

  it('fails in one line and queues nothing on a bad call', async () => {
    const before = (await json('GET', `/api/v1/actions/invocations?incident_id=${p2.id}`)).data.length;
    expectOneLineFailure(
      await as(ana, 'actions', 'run', p2.number, 'no-such-action'),
      /definition_id: "no-such-action" is no action.*HTTP 422/,
    );
    expectOneLineFailure(
      await as(ana, 'actions', 'run', p2.number, echo.name, '--param', 'word'),
      /--param.*give name=value/,
    );
    expectOneLineFailure(
      await as(ana, 'actions', 'run', p2.number, echo.name, '--param', 'word=a', '--param', 'word=b'),
      /"word" is given twice/,
    );
    expectOneLineFailure(
      await as(ana, 'actions', 'run', p2.number, echo.name, '--param', 'word=a', '--param', 'count=9'),
      /params\.count: must be at most 5.*HTTP 422/,
    );
    expectOneLineFailure(await as(ana, 'actions', 'run', p2.number, broken.name, '--dry-run'), /dry run.*HTTP 422/);
    expectOneLineFailure(await vigil('actions', 'show', 'inv_nope'), /HTTP 404/);
    expect((await json('GET', `/api/v1/actions/invocations?incident_id=${p2.id}`)).data.length).toBe(before);
    expect(runnerLog.filter((l) => /could not|cannot claim/.test(l))).toEqual([]);
  });
});
