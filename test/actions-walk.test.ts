// Issue 23's walk with a real `vigil runner` process, on both dialects: on a P1 incident a responder dry-runs
// the seed's "restart" (supabase functions deploy … --project-ref …) with a parameter, then runs it; it waits
// for a second responder (the invoker may not approve), who approves; the runner runs the exact argv, the
// output is followed live over the SSE stream while the command runs, and the timeline ends with the result.
// (The HTTP rollback, maintenance mode and the approval cases are in test/actions.test.ts; hostile values and
// the lost runner with the real process in test/runner.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { listeningHarness, type Env } from './cli-harness.js';
import { describeEachDialect } from './dialects.js';
import { expectError, unique, type Caller, type Harness } from './http-harness.js';
import { startRunnerProcess, type RunnerProcess } from './runner-process.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Json = any;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-walk-'));
// Stands in for the supabase CLI: prints its argv, then two steps 400 ms apart (so output is seen live).
const DEPLOY_JS = path.join(dir, 'supabase.js');
fs.writeFileSync(
  DEPLOY_JS,
  [
    'console.log(JSON.stringify(process.argv.slice(2)));',
    "setTimeout(() => console.log('Bundling function'), 400);",
    "setTimeout(() => { console.error('warning: cold start'); console.log('Deployed Function trust-scorer'); }, 800);",
  ].join('\n'),
);
const CONFIG = path.join(dir, 'runner.yaml');
fs.writeFileSync(
  CONFIG,
  [
    'commands:',
    '  - name: supabase-deploy',
    `    argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(DEPLOY_JS)}, "functions", "deploy",`,
    '           "{{params.function}}", "--project-ref", "{{params.project}}"]',
    '',
  ].join('\n'),
);

/** Reads a server-sent-events response into [{event, data, at}] until it ends. */
async function readEvents(res: Response, seen: Array<{ event: string; data: Json; at: number }>): Promise<void> {
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) return;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(frame)?.[1];
      const data = /^data: (.+)$/m.exec(frame)?.[1];
      if (event && data) seen.push({ event, data: JSON.parse(data), at: performance.now() });
    }
  }
}

describeEachDialect('mitigation actions with a real runner: the restart walk', (env) => {
  const clock = new FakeClock('2026-12-07T09:00:00Z');
  let h: Harness;
  let cli: Env;
  let ana: Caller;
  let ben: Caller;
  let runner: RunnerProcess;

  async function json(method: 'GET' | 'POST', url: string, body?: unknown, as: Caller | string = cli.VIGIL_TOKEN!) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json() as Json;
  }
  async function settled(id: string): Promise<Json> {
    for (;;) {
      const inv = await json('GET', `/api/v1/actions/invocations/${id}`);
      if (['succeeded', 'failed', 'timed_out', 'cancelled', 'rejected'].includes(inv.state)) return inv;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const output = async (id: string) =>
    ((await json('GET', `/api/v1/actions/invocations/${id}/output`)).data as Json[])
      .filter((c) => c.stream === 'stdout')
      .map((c) => c.data)
      .join('');

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    ana = await h.caller('responder', 'ana');
    ben = await h.caller('responder', 'ben');
    const group = unique('production');
    const token = (await json('POST', '/api/v1/actions/runners', { name: unique('edge-host'), group })).token;
    runner = startRunnerProcess({ url: cli.VIGIL_URL!, token, config: CONFIG });
    await runner.waitFor(/polling http/);
    await json('POST', '/api/v1/actions/definitions', {
      name: 'restart',
      category: 'restart',
      description: 'Restart failed services: supabase functions deploy',
      params: [
        { name: 'function', type: 'enum', enum: ['trust-scorer', 'auth-verify'], required: true },
        { name: 'project', type: 'string', pattern: '[a-z]{20}', required: true },
      ],
      target: { kind: 'runner', group, command: 'supabase-deploy' },
      dry_run: { supported: true, flag: '--dry-run' },
    });
  });
  afterAll(async () => {
    if (runner.child.exitCode === null) runner.child.kill('SIGTERM');
    await runner.exited;
    await h.close();
  });

  it('dry-runs, then runs "restart" after a second responder approves; output live and on the timeline', async () => {
    const service = await json('POST', '/api/v1/services', { name: unique('trust-scorer') });
    const incident = await json(
      'POST',
      '/api/v1/incidents',
      { title: 'Trust scorer failing', severity: 'P1', service_id: service.id },
      ana,
    );
    const params = { function: 'trust-scorer', project: 'etretluugvclmydzlfte' };
    const argv = ['functions', 'deploy', 'trust-scorer', '--project-ref', 'etretluugvclmydzlfte'];

    // The dry run needs nobody's approval and runs with the flag appended.
    const dry = await json(
      'POST',
      `/api/v1/incidents/${incident.id}/actions`,
      { definition_id: 'restart', params, dry_run: true },
      ana,
    );
    expect(dry).toMatchObject({ state: 'queued', approval_required: false, dry_run: true });
    expect(await settled(dry.id), runner.stderr()).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(JSON.parse((await output(dry.id)).split('\n')[0]!)).toEqual([...argv, '--dry-run']);

    // The real run waits for a second person; the output stream is followed from before the approval.
    const run = await json(
      'POST',
      `/api/v1/incidents/${incident.id}/actions`,
      { definition_id: 'restart', params },
      ana,
    );
    expect(run).toMatchObject({ state: 'awaiting_approval', approval_required: true });
    const events: Array<{ event: string; data: Json; at: number }> = [];
    const res = await fetch(
      `${cli.VIGIL_URL}/api/v1/actions/invocations/${run.id}/output/stream?access_token=${ben.token}`,
    );
    expect(res.status).toBe(200);
    const reading = readEvents(res, events);

    expectError(
      await h.call('POST', `/api/v1/actions/invocations/${run.id}/approve`, { as: ana }),
      403,
      'action.forbidden',
    );
    expect(await json('POST', `/api/v1/actions/invocations/${run.id}/approve`, undefined, ben)).toMatchObject({
      state: 'queued',
      decided_by: { name: ben.handle },
    });
    await reading; // the stream ends with the invocation

    const names = events.map((e) => (e.event === 'state' ? `state:${e.data.state}` : e.event));
    expect(names[0]).toBe('state:awaiting_approval');
    expect(names.at(-1)).toBe('end');
    expect(names).toContain('state:running');
    // Output arrived in pieces while the command ran, before it finished.
    const finishedAt = events.find((e) => e.event === 'state' && e.data.state === 'succeeded')?.at;
    const outputs = events.filter((e) => e.event === 'output');
    expect(outputs.length).toBeGreaterThanOrEqual(2);
    expect(outputs[0]!.at).toBeLessThan(finishedAt!);
    expect(names.indexOf('output')).toBeLessThan(names.indexOf('state:succeeded'));
    const live = outputs.map((e) => e.data.data as string).join('');
    expect(JSON.parse(live.split('\n')[0]!)).toEqual(argv);
    expect(live).toContain('Deployed Function trust-scorer');
    expect(outputs.some((e) => e.data.stream === 'stderr' && e.data.data.includes('cold start'))).toBe(true);

    const done = await json('GET', `/api/v1/actions/invocations/${run.id}`);
    expect(done).toMatchObject({
      state: 'succeeded',
      exit_code: 0,
      dry_run: false,
      runner: { name: expect.any(String) },
    });
    const timeline = (await json('GET', `/api/v1/incidents/${incident.id}/timeline?limit=200`)).data as Json[];
    const mine = timeline.filter((e) => e.data?.invocation_id === run.id).map((e) => e.kind);
    expect(mine).toEqual(
      expect.arrayContaining(['action_invoked', 'action_approved', 'action_started', 'action_finished']),
    );
    const finished = timeline.find((e) => e.kind === 'action_finished' && e.data.invocation_id === run.id);
    expect(finished.data).toMatchObject({ state: 'succeeded', exit_code: 0 });
    expect(finished.data.output).toContain('Deployed Function trust-scorer');
  });

  it('holds a claim over a real connection until work comes (a long poll, not a busy one)', async () => {
    const group = unique('idle');
    const token = (await json('POST', '/api/v1/actions/runners', { name: unique('poller'), group })).token;
    await json('POST', '/api/v1/actions/definitions', {
      name: unique('probe'),
      category: 'diagnostic',
      target: { kind: 'runner', group, command: 'probe' },
    }).then(async (def: Json) => {
      const service = await json('POST', '/api/v1/services', { name: unique('probe') });
      const incident = await json('POST', '/api/v1/incidents', {
        title: 'probe',
        severity: 'P3',
        service_id: service.id,
      });
      const claiming = fetch(`${cli.VIGIL_URL}/api/v1/runner/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ wait_seconds: 20 }),
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const inv = await json('POST', `/api/v1/incidents/${incident.id}/actions`, { definition_id: def.name }, ana);
      const res = await claiming;
      expect(res.status).toBe(200);
      expect(((await res.json()) as Json).invocation.id).toBe(inv.id);
    });
  });

  it('a runner that hangs up while waiting is not handed work (the next waiting runner is)', async () => {
    const group = unique('fickle');
    const tokenOf = async () =>
      (await json('POST', '/api/v1/actions/runners', { name: unique('poller'), group })).token as string;
    const def = await json('POST', '/api/v1/actions/definitions', {
      name: unique('probe'),
      category: 'diagnostic',
      target: { kind: 'runner', group, command: 'probe' },
    });
    const service = await json('POST', '/api/v1/services', { name: unique('probe') });
    const incident = await json('POST', '/api/v1/incidents', {
      title: 'probe',
      severity: 'P3',
      service_id: service.id,
    });
    const claim = (token: string, signal?: AbortSignal) =>
      fetch(`${cli.VIGIL_URL}/api/v1/runner/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ wait_seconds: 20 }),
        ...(signal && { signal }),
      });
    const gone = new AbortController();
    const first = claim(await tokenOf(), gone.signal).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    gone.abort();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = claim(await tokenOf());
    await new Promise((resolve) => setTimeout(resolve, 200));
    const inv = await json('POST', `/api/v1/incidents/${incident.id}/actions`, { definition_id: def.name }, ana);
    const res = await second;
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).invocation.id).toBe(inv.id);
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
