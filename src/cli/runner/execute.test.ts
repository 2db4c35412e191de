// Running one claimed invocation with real child processes (this Node running small scripts) and a
// recording Reporter in place of Vigil: arguments arrive literally (no shell), parameters are checked
// again, and a missing command, a missing program, the timeout, a cancel, a lost lease, the runner
// stopping, output order and the 64 KiB stop each end as docs/actions.md says.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunnerCommand, RunnerConfig } from './config.js';
import { execute, LeaseLost, type ClaimedInvocation, type Chunk, type Finish, type Reply } from './execute.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-execute-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A script file in the test's folder; returns its path. */
function script(name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

const ARGV = script('argv.js', 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
const CWD_ENV = script('cwd-env.js', 'console.log(JSON.stringify({ cwd: process.cwd(), v: process.env.VIGIL_T }));\n');
const EXIT_3 = script('exit-3.js', "process.stderr.write('broken\\n'); process.exitCode = 3;\n");
const SLEEP = script('sleep.js', "console.log('started'); setInterval(() => {}, 1000);\n");
const STUBBORN = script(
  'stubborn.js',
  "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));\n" +
    "console.log('started'); setInterval(() => {}, 1000);\n",
);
const ORDER = script(
  'order.js',
  [
    "process.stderr.write('one\\n');",
    "setTimeout(() => process.stdout.write('two\\n'), 150);",
    "setTimeout(() => process.stderr.write('three\\n'), 300);",
    "setTimeout(() => process.stdout.write('four\\n'), 450);",
    '',
  ].join('\n'),
);
// 200 KiB of numbered lines in many writes, and a last line on stderr.
const FLOOD = script(
  'flood.js',
  [
    "let out = ''; for (let i = 0; i < 20000; i++) out += String(i).padStart(9, '0') + '\\n';",
    'for (let i = 0; i < out.length; i += 4096) process.stdout.write(out.slice(i, i + 4096));',
    "process.stderr.write('done\\n');",
    '',
  ].join('\n'),
);
// stdout and stderr taking turns, 300 times: more chunks than one post may carry.
const TURNS = script(
  'turns.js',
  "const fs = require('fs'); let i = 0;\n" +
    "const t = setInterval(() => { fs.writeSync(1 + (i % 2), i + '\\n'); if (++i === 300) clearInterval(t); }, 1);\n",
);
const SILENT = script('silent.js', 'setTimeout(() => {}, 600);\n');

const node = process.execPath;

function invocation(over: Partial<ClaimedInvocation> = {}): ClaimedInvocation {
  return {
    id: 'inv_1',
    name: 'try-it',
    command: 'argv',
    params: {},
    param_specs: [],
    dry_run: false,
    dry_run_flag: null,
    timeout_seconds: 300,
    incident: { id: 'inc_1', number: 'INC-20261207-0001', title: 'Checkout is down', severity: 'P1' },
    service: { id: 'svc_1', name: 'checkout' },
    ...over,
  };
}

const config = (...commands: Array<Partial<RunnerCommand> & { name: string; argv: string[] }>): RunnerConfig => ({
  commands: commands.map((c) => ({ env: {}, ...c })),
});

type Call = { kind: 'output'; chunks: Chunk[] } | { kind: 'heartbeat' } | { kind: 'finish'; finish: Finish };

/** A Reporter that records every call; `answer` decides each output/heartbeat reply (or throws). */
function recorder(answer: (call: Call, calls: Call[]) => Reply = () => ({ cancel: false })) {
  const calls: Call[] = [];
  return {
    calls,
    finishes: () => calls.flatMap((c) => (c.kind === 'finish' ? [c.finish] : [])),
    text: (stream?: string) =>
      calls
        .flatMap((c) => (c.kind === 'output' ? c.chunks : []))
        .filter((c) => !stream || c.stream === stream)
        .map((c) => c.data)
        .join(''),
    reporter: {
      output: async (chunks: Chunk[]) => {
        const call: Call = { kind: 'output', chunks };
        const reply = answer(call, calls);
        calls.push(call);
        return reply;
      },
      heartbeat: async () => {
        const call: Call = { kind: 'heartbeat' };
        const reply = answer(call, calls);
        calls.push(call);
        return reply;
      },
      finish: async (finish: Finish) => void calls.push({ kind: 'finish', finish }),
    },
  };
}

const logs: string[] = [];
const fast = { log: (line: string) => void logs.push(line), killAfterMs: 300, flushMs: 50, retryForMs: 2_000 };

describe('execute', () => {
  it('passes hostile parameter values as single literal arguments, never through a shell', async () => {
    const marker = path.join(dir, 'pwned');
    const hostile = [
      '; rm -rf /',
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      'line one\nline two; touch x',
      `"double" 'single' \\ * ? ~ && || > ${marker}`,
      '--force',
      '',
    ];
    const specs = hostile.map((_, i) => ({ name: `p${i}`, type: 'string' as const, required: false }));
    const params = Object.fromEntries(hostile.map((v, i) => [`p${i}`, v]));
    const r = recorder();
    const result = await execute(
      invocation({ params, param_specs: specs }),
      config({ name: 'argv', argv: [node, ARGV, ...hostile.map((_, i) => `{{params.p${i}}}`), 'x={{params.p0}}'] }),
      { ...fast, reporter: r.reporter },
    );
    expect(result).toMatchObject({ outcome: 'succeeded', exit_code: 0, reported: true });
    expect(JSON.parse(r.text('stdout'))).toEqual([...hostile, 'x=; rm -rf /']);
    expect(fs.existsSync(marker)).toBe(false);
    expect(r.finishes()).toEqual([{ outcome: 'succeeded', exit_code: 0 }]);
  });

  it('fills the context placeholders and appends the dry-run flag on a dry run', async () => {
    const r = recorder();
    await execute(
      invocation({
        dry_run: true,
        dry_run_flag: '--dry-run',
        params: { n: '3', loud: 'true' },
        param_specs: [
          { name: 'n', type: 'integer', required: true },
          { name: 'loud', type: 'boolean', required: false },
          { name: 'mode', type: 'enum', enum: ['fast', 'safe'], default: 'safe', required: false },
        ],
      }),
      config({
        name: 'argv',
        argv: [
          node,
          ARGV,
          '{{incident.number}}: {{incident.title}} ({{incident.severity}}, {{incident.id}})',
          '{{service.name}}/{{service.id}}',
          '{{invocation.id}}',
          '--dry={{dry_run}}',
          '-n{{params.n}}',
          '{{params.loud}}',
          '{{params.mode}}',
        ],
      }),
      { ...fast, reporter: r.reporter },
    );
    expect(JSON.parse(r.text('stdout'))).toEqual([
      'INC-20261207-0001: Checkout is down (P1, inc_1)',
      'checkout/svc_1',
      'inv_1',
      '--dry=true',
      '-n3',
      'true',
      'safe',
      '--dry-run',
    ]);
  });

  it('runs in the command’s cwd with its env added to the runner’s', async () => {
    const r = recorder();
    await execute(
      invocation({ command: 'where' }),
      config({ name: 'where', argv: [node, CWD_ENV], cwd: dir, env: { VIGIL_T: 'from yaml' } }),
      { ...fast, reporter: r.reporter },
    );
    expect(JSON.parse(r.text('stdout'))).toEqual({ cwd: fs.realpathSync(dir), v: 'from yaml' });
  });

  it('fails without running anything when a value breaks the frozen definition’s rules', async () => {
    const marker = path.join(dir, 'ran');
    const r = recorder();
    const result = await execute(
      invocation({
        params: { project: 'Not-A-Project', extra: '1' },
        param_specs: [{ name: 'project', type: 'string', pattern: '[a-z]{20}', required: true }],
      }),
      config({ name: 'argv', argv: [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`] }),
      { ...fast, reporter: r.reporter },
    );
    expect(result.outcome).toBe('failed');
    expect(r.finishes()).toEqual([{ outcome: 'failed', error: expect.stringMatching(/^params\.extra: /) as string }]);
    expect(fs.existsSync(marker)).toBe(false);

    const bad = recorder();
    await execute(
      invocation({
        params: { project: 'Not-A-Project' },
        param_specs: [{ name: 'project', type: 'string', pattern: '[a-z]{20}', required: true }],
      }),
      config({ name: 'argv', argv: [node, ARGV] }),
      { ...fast, reporter: bad.reporter },
    );
    expect(bad.finishes()).toEqual([
      { outcome: 'failed', error: 'params.project: does not match the pattern [a-z]{20}' },
    ]);
  });

  it('fails an invocation of a command its config lacks, naming the ones it has', async () => {
    const r = recorder();
    await execute(
      invocation({ command: 'supabase-deploy' }),
      config({ name: 'argv', argv: [node, ARGV] }, { name: 'df', argv: ['df'] }),
      { ...fast, reporter: r.reporter },
    );
    expect(r.calls).toEqual([
      {
        kind: 'finish',
        finish: {
          outcome: 'failed',
          error: 'this runner\'s config has no command "supabase-deploy" (it has: argv, df)',
        },
      },
    ]);
  });

  it('fails "command not found" when the program does not exist, and names a missing cwd', async () => {
    const r = recorder();
    await execute(invocation(), config({ name: 'argv', argv: ['/nonexistent/vigil-prog', 'x'] }), {
      ...fast,
      reporter: r.reporter,
    });
    expect(r.finishes()).toEqual([{ outcome: 'failed', error: 'command not found: /nonexistent/vigil-prog' }]);

    const r2 = recorder();
    await execute(invocation(), config({ name: 'argv', argv: [node, ARGV], cwd: path.join(dir, 'gone') }), {
      ...fast,
      reporter: r2.reporter,
    });
    expect(r2.finishes()).toEqual([{ outcome: 'failed', error: `working directory not found: ${dir}/gone` }]);
  });

  it('fails with the exit code when the command exits non-zero, its stderr kept', async () => {
    const r = recorder();
    await execute(invocation(), config({ name: 'argv', argv: [node, EXIT_3] }), { ...fast, reporter: r.reporter });
    expect(r.text('stderr')).toBe('broken\n');
    expect(r.finishes()).toEqual([{ outcome: 'failed', exit_code: 3 }]);
  });

  it('times out at the lower of the two timeouts: SIGTERM, then SIGKILL for a command that ignores it', async () => {
    const r = recorder();
    const result = await execute(
      invocation({ timeout_seconds: 1 }),
      config({ name: 'argv', argv: [node, SLEEP], timeout: 600 }),
      { ...fast, reporter: r.reporter },
    );
    expect(result).toMatchObject({ outcome: 'timed_out', signal: 'SIGTERM', error: 'timed out after 1 s' });
    expect(r.text()).toBe('started\n');

    const stubborn = recorder();
    await execute(invocation({ timeout_seconds: 600 }), config({ name: 'argv', argv: [node, STUBBORN], timeout: 1 }), {
      ...fast,
      reporter: stubborn.reporter,
    });
    expect(stubborn.finishes()).toEqual([{ outcome: 'timed_out', signal: 'SIGKILL', error: 'timed out after 1 s' }]);
    expect(stubborn.text()).toBe('started\nignoring SIGTERM\n');
  });

  it('stops the command and finishes cancelled when Vigil answers cancel', async () => {
    const r = recorder((call) => ({ cancel: call.kind === 'output' }));
    const result = await execute(invocation(), config({ name: 'argv', argv: [node, SLEEP] }), {
      ...fast,
      reporter: r.reporter,
    });
    expect(result.outcome).toBe('cancelled');
    expect(r.finishes()).toEqual([{ outcome: 'cancelled', signal: 'SIGTERM' }]);
  });

  it('kills the command and posts nothing more when the lease is lost (409)', async () => {
    const r = recorder(() => {
      throw new LeaseLost('invocation is held by another runner (HTTP 409)');
    });
    const result = await execute(invocation(), config({ name: 'argv', argv: [node, SLEEP] }), {
      ...fast,
      reporter: r.reporter,
    });
    expect(result.reported).toBe(false);
    expect(r.finishes()).toEqual([]);
    expect(logs.some((l) => l.includes('no longer holds it') && l.includes('HTTP 409'))).toBe(true);
  });

  it('finishes cancelled with "runner stopped" when the runner stops', async () => {
    const stop = new AbortController();
    const r = recorder((call) => {
      if (call.kind === 'output') stop.abort();
      return { cancel: false };
    });
    await execute(invocation(), config({ name: 'argv', argv: [node, SLEEP] }), {
      ...fast,
      reporter: r.reporter,
      stop: stop.signal,
    });
    expect(r.finishes()).toEqual([{ outcome: 'cancelled', signal: 'SIGTERM', error: 'runner stopped' }]);
  });

  it('keeps the order of stdout and stderr, and retries a post that did not get through', async () => {
    let failed = false;
    const r = recorder((call) => {
      if (call.kind === 'output' && !failed) {
        failed = true;
        throw new Error('ECONNRESET');
      }
      return { cancel: false };
    });
    await execute(invocation(), config({ name: 'argv', argv: [node, ORDER] }), { ...fast, reporter: r.reporter });
    const chunks = r.calls.flatMap((c) => (c.kind === 'output' ? c.chunks : []));
    expect(
      chunks.flatMap((c) =>
        c.data
          .split('\n')
          .filter(Boolean)
          .map((line) => `${c.stream}:${line}`),
      ),
    ).toEqual(['stderr:one', 'stdout:two', 'stderr:three', 'stdout:four']);
    expect(r.calls.at(-1)?.kind).toBe('finish');
  });

  it('stops sending at 64 KiB but reads (and counts) the rest', async () => {
    const r = recorder();
    const result = await execute(invocation(), config({ name: 'argv', argv: [node, FLOOD] }), {
      ...fast,
      reporter: r.reporter,
    });
    let expected = '';
    for (let i = 0; i < 20000; i++) expected += `${String(i).padStart(9, '0')}\n`;
    expect(result).toMatchObject({ outcome: 'succeeded', outputBytes: 200_000 + 5, sentBytes: 64 * 1024 });
    expect(r.text()).toBe(expected.slice(0, 64 * 1024));
    expect(r.text('stderr')).toBe('');
  });

  it('puts at most 100 chunks in one post, in order', async () => {
    const r = recorder();
    // One post a second: the turns pile up between posts.
    await execute(invocation(), config({ name: 'argv', argv: [node, TURNS] }), {
      ...fast,
      flushMs: 1_000,
      reporter: r.reporter,
    });
    const posts = r.calls.flatMap((c) => (c.kind === 'output' ? [c.chunks] : []));
    expect(Math.max(...posts.map((p) => p.length))).toBeLessThanOrEqual(100);
    const lines = (stream: string) => r.text(stream).split('\n').filter(Boolean).map(Number);
    expect(lines('stdout')).toEqual(Array.from({ length: 150 }, (_, i) => i * 2));
    expect(lines('stderr')).toEqual(Array.from({ length: 150 }, (_, i) => i * 2 + 1));
  });

  it('sends heartbeats while the command is quiet', async () => {
    const r = recorder();
    await execute(invocation(), config({ name: 'argv', argv: [node, SILENT] }), {
      ...fast,
      heartbeatMs: 100,
      reporter: r.reporter,
    });
    expect(r.calls.filter((c) => c.kind === 'heartbeat').length).toBeGreaterThan(0);
    expect(r.calls.some((c) => c.kind === 'output')).toBe(false);
  });
});
