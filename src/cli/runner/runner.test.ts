// The claim loop against a small HTTP peer on loopback that speaks the runner protocol's shapes (the real
// server's suite is test/runner.test.ts): what a claim sends, backing off when Vigil is down, a refused
// token ending the runner with one clear line, and stopping — idle at once, a running command after its
// grace, finished as cancelled "runner stopped".
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../client.js';
import type { RunnerConfig } from './config.js';
import type { ClaimedInvocation } from './execute.js';
import { runRunner, type RunnerOptions } from './runner.js';

interface Seen {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}
type Answer = { status: number; body?: unknown; delayMs?: number };

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

/** A peer that records each request and answers with `answer(request, all so far)`. */
async function peer(answer: (seen: Seen, all: Seen[]) => Answer): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const s: Seen = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(text || '{}') };
      seen.push(s);
      const a = answer(s, seen);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(a.status, a.body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(a.body === undefined ? undefined : JSON.stringify(a.body));
      }, a.delayMs ?? 0);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const config: RunnerConfig = {
  commands: [
    { name: 'hello', argv: [process.execPath, '-e', "console.log('hello')"], env: {} },
    { name: 'sleep', argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], env: {} },
  ],
};

const claimed = (command: string): { invocation: ClaimedInvocation; lease_seconds: number } => ({
  invocation: {
    id: `inv_${command}`,
    name: command,
    command,
    params: {},
    param_specs: [],
    dry_run: false,
    dry_run_flag: null,
    timeout_seconds: 60,
    incident: { id: 'inc_1', number: 'INC-20261207-0001', title: 'Down', severity: 'P2' },
    service: null,
  },
  lease_seconds: 30,
});

function options(url: string, stop: AbortSignal, logs: string[], over: Partial<RunnerOptions> = {}): RunnerOptions {
  return {
    url,
    token: 'vgr_test',
    config,
    concurrency: 1,
    version: '9.9.9',
    hostname: 'web-1',
    log: (line) => void logs.push(line),
    stop,
    timings: { flushMs: 50, killAfterMs: 300, retryForMs: 1_000 },
    ...over,
  };
}

/** Resolves once `check` holds, polling every 20 ms (for a state a peer reaches, not a time). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('runRunner', () => {
  it('claims with its version, host and commands, asks again after a 204, and stops when told', async () => {
    const { url, seen } = await peer(() => ({ status: 204, delayMs: 30 }));
    const stop = new AbortController();
    const logs: string[] = [];
    const running = runRunner(options(url, stop.signal, logs, { concurrency: 2 }));
    await until(() => seen.length >= 4);
    stop.abort();
    await running;
    expect(seen[0]).toEqual({
      path: '/api/v1/runner/claim',
      auth: 'Bearer vgr_test',
      body: { version: '9.9.9', hostname: 'web-1', commands: ['hello', 'sleep'], wait_seconds: 25 },
    });
    expect(logs[0]).toBe(`group from token; 2 commands: hello, sleep; concurrency 2; polling ${url}`);
    expect(logs.at(-1)).toBe('stopped');
  });

  it('backs off while Vigil fails, then runs what it claims and reports its output and end', async () => {
    let claims = 0;
    const { url, seen } = await peer((s) => {
      if (s.path !== '/api/v1/runner/claim') return { status: 200, body: { cancel: false, lease_expires_at: 'x' } };
      claims += 1;
      if (claims === 1) return { status: 503, body: { error: { code: 'db.unavailable', message: 'database down' } } };
      if (claims === 2) return { status: 200, body: claimed('hello') };
      return { status: 204, delayMs: 50 };
    });
    const stop = new AbortController();
    const logs: string[] = [];
    const running = runRunner(options(url, stop.signal, logs));
    await until(() => seen.some((s) => s.path.endsWith('/finish')));
    stop.abort();
    await running;
    expect(logs).toContain(`cannot claim from ${url} (database down (HTTP 503)); trying again in 1 s`);
    const posts = seen.filter((s) => s.path.startsWith('/api/v1/runner/invocations/inv_hello/'));
    expect(posts.map((s) => [s.path.split('/').at(-1), s.body])).toEqual([
      ['output', { chunks: [{ stream: 'stdout', data: 'hello\n' }] }],
      ['finish', { outcome: 'succeeded', exit_code: 0 }],
    ]);
  });

  it('ends with one clear line when the token is refused', async () => {
    const { url } = await peer(() => ({
      status: 401,
      body: { error: { code: 'auth.unauthorized', message: 'unknown token' } },
    }));
    const stop = new AbortController();
    const failure = await runRunner(options(url, stop.signal, [], { concurrency: 3 })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as Error).message).toMatch(
      /^the runner token was refused \(unknown token \(HTTP 401\)\); register a runner with `vigil actions runner-add/,
    );
  });

  it('on stop gives a running command its grace, then stops it and finishes it as cancelled', async () => {
    let claims = 0;
    const { url, seen } = await peer((s) => {
      if (s.path !== '/api/v1/runner/claim') return { status: 200, body: { cancel: false, lease_expires_at: 'x' } };
      claims += 1;
      return claims === 1 ? { status: 200, body: claimed('sleep') } : { status: 204, delayMs: 50 };
    });
    const stop = new AbortController();
    const logs: string[] = [];
    const running = runRunner(options(url, stop.signal, logs, { graceMs: 300 }));
    await until(() => logs.some((l) => l.includes('running sleep')));
    stop.abort();
    await running;
    expect(logs).toContain(
      'stopping: no new claims; 1 running command gets up to 0.3 s (signal again to stop them now)',
    );
    expect(seen.filter((s) => s.path.endsWith('/finish')).map((s) => s.body)).toEqual([
      { outcome: 'cancelled', signal: 'SIGTERM', error: 'runner stopped' },
    ]);
  });

  it('fails an invocation whose command its config lacks', async () => {
    let claims = 0;
    const { url, seen } = await peer((s) => {
      if (s.path !== '/api/v1/runner/claim') return { status: 200, body: {} };
      claims += 1;
      return claims === 1 ? { status: 200, body: claimed('deploy') } : { status: 204, delayMs: 50 };
    });
    const stop = new AbortController();
    const running = runRunner(options(url, stop.signal, []));
    await until(() => seen.some((s) => s.path.endsWith('/finish')));
    stop.abort();
    await running;
    expect(seen.find((s) => s.path.endsWith('/finish'))?.body).toEqual({
      outcome: 'failed',
      error: 'this runner\'s config has no command "deploy" (it has: hello, sleep)',
    });
  });
});
