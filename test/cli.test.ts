// The `vigil` CLI end to end, once per engine against a real `vigil serve` process: migrate, the
// incident flow from creation to resolution, tokens and roles, and the CLI conventions (one
// "vigil: …" line and a non-zero exit on failure, --json that parses, --help on every command).
// The server is always a real process. Client commands run in-process through runCli (what main.ts
// calls), since a tsx process costs a second or more of CPU on these two-core machines; on SQLite a
// batch of them also runs as real processes, to check exit codes, output and that they exit at all.
// PostgreSQL is TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) with a database
// made for this file and dropped after; when it is unreachable the PostgreSQL suite is skipped with
// one line, or fails with CI=true.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import { localCommands } from '../src/serve.js';
import { PG_URL, pgAdmin, pgDatabaseUrl, pgProblem } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, type Env } from './cli-harness.js';
import { runVigil, startServer, type ServerProcess } from './vigil-process.js';

/** The secret printed under a "(shown once…)" heading, checked to appear exactly once. */
function shownOnce(output: string, heading: string): string {
  const match = new RegExp(`${heading} \\(shown once[^\\n]*\\n\\n\\s+(\\S+)\\n`).exec(output);
  if (!match?.[1]) throw new Error(`no "${heading}" in:\n${output}`);
  expect(output.split(match[1])).toHaveLength(2);
  return match[1];
}

for (const engine of ['sqlite', 'postgres'] as const) {
  if (engine === 'postgres' && pgProblem) {
    console.log(
      `PostgreSQL CLI suite skipped: ${PG_URL} is unreachable (${pgProblem}); ` +
        'set TEST_DATABASE_URL or start PostgreSQL',
    );
    describe.skip(`vigil CLI against vigil serve [${engine}]`, () => undefined);
    continue;
  }

  describe(`vigil CLI against vigil serve [${engine}]`, () => {
    let dataDir: string;
    let dbName: string | undefined;
    let serverEnv: Env;
    let server: ServerProcess | undefined;
    /** The admin's client environment: the token comes from <data dir>/admin-token. */
    const admin = (): Env => {
      if (!server) throw new Error('the server did not start');
      return { VIGIL_URL: server.url, VIGIL_DATA_DIR: dataDir };
    };

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-cli-${engine}-`));
      serverEnv = { VIGIL_DATA_DIR: dataDir };
      if (engine === 'postgres') {
        dbName = `vigil_cli_${randomBytes(6).toString('hex')}`;
        await pgAdmin(`CREATE DATABASE ${dbName}`);
        serverEnv.DATABASE_URL = pgDatabaseUrl(dbName);
      }
    });

    afterAll(async () => {
      await server?.stop();
      if (dbName) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('migrate applies the migrations to a fresh database, then reports it is up to date', async () => {
      const label = engine === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      expect(expectSuccess(await inProcess(['migrate'], serverEnv))).toMatch(
        new RegExp(`^applied \\d+ migration\\(s\\) to ${label} at \\S+: 001-foundation, `),
      );
      expect(expectSuccess(await inProcess(['migrate'], serverEnv))).toMatch(
        new RegExp(`^${label} at \\S+ is up to date\\n$`),
      );
    });

    it('serve starts on the migrated database and reports its real port', async () => {
      server = await startServer(serverEnv);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect(fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8')).toMatch(/^\S{32,}\n$/);
    });

    let number = '';
    it('runs an incident from creation to resolution', async () => {
      const service = expectSuccess(await inProcess(['service', 'create', 'payments'], admin()));
      const serviceId = field(service, 'id');
      expect(field(service, 'name')).toBe('payments');
      shownOnce(service, 'Integration key');

      const created = expectSuccess(
        await inProcess(
          ['incident', 'create', '--title', 'Checkout is failing', '--severity', 'P1', '--service', 'payments'],
          admin(),
        ),
      );
      number = /^opened (INC-\d{8}-\d{4})$/m.exec(created)?.[1] ?? '';
      expect(number, created).not.toBe('');
      expect(created).toMatch(/^status\s+triggered$/m);
      expect(field(created, 'service_id')).toBe(serviceId);

      const acked = expectSuccess(await inProcess(['incident', 'ack', number], admin()));
      expect(acked).toContain(`${number}: ack done`);
      expect(acked).toMatch(/^status\s+acknowledged$/m);

      expect(field(expectSuccess(await inProcess(['incident', 'phase', number, 'mitigation'], admin())), 'phase')).toBe(
        'mitigation',
      );

      const resolved = expectSuccess(
        await inProcess(['incident', 'resolve', number, '--note', 'rolled back the deploy'], admin()),
      );
      expect(field(resolved, 'status')).toBe('resolved');

      const shown = expectSuccess(await inProcess(['incident', 'show', number], admin()));
      expect(field(shown, 'number')).toBe(number);
      const timeline = shown.split('\nTimeline:\n')[1] ?? '';
      const kinds = timeline
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/\s+/)[1]);
      expect(
        kinds.filter((k) => ['created', 'acknowledged', 'phase_changed', 'resolved'].includes(k as string)),
      ).toEqual(['created', 'acknowledged', 'phase_changed', 'resolved']);
      expect(timeline).toContain('rolled back the deploy');

      const list = JSON.parse(expectSuccess(await inProcess(['incident', 'list', '--json'], admin()))) as {
        data: { number: string; status: string }[];
        next_cursor: unknown;
      };
      expect(Object.keys(list).sort()).toEqual(['data', 'next_cursor']);
      expect(list.data[0]).toMatchObject({ number, status: 'resolved' });
    });

    it('fails with one line on an unknown incident', async () => {
      expectOneLineFailure(
        await inProcess(['incident', 'show', 'INC-20000101-9999'], admin()),
        /INC-20000101-9999.*HTTP 404/,
      );
    });

    it('issues a responder token that cannot manage tokens, and revokes it', async () => {
      const user = expectSuccess(
        await inProcess(
          ['user', 'create', '--handle', 'alice', '--name', 'Alice', '--email', 'a@example.test'],
          admin(),
        ),
      );
      expect(field(user, 'handle')).toBe('alice');

      const issued = expectSuccess(
        await inProcess(['token', 'create', '--role', 'responder', '--user', 'alice'], admin()),
      );
      const tokenId = field(issued, 'id');
      expect(field(issued, 'role')).toBe('responder');
      const secret = shownOnce(issued, 'Token');
      const responder = { ...admin(), VIGIL_TOKEN: secret };

      expect(expectSuccess(await inProcess(['incident', 'list'], responder))).toContain(number);
      expectOneLineFailure(await inProcess(['token', 'list'], responder), /responder.*HTTP 403/);

      const listed = expectSuccess(await inProcess(['token', 'list'], admin()));
      expect(listed).toContain(tokenId);
      expect(listed).not.toContain(secret);

      expect(expectSuccess(await inProcess(['token', 'revoke', tokenId], admin()))).toMatch(
        new RegExp(`^revoked ${tokenId} `),
      );
      expectOneLineFailure(await inProcess(['incident', 'list'], responder), /HTTP 401/);
    });

    it('prints valid JSON with --json on every read command', async () => {
      const reads = [
        ['incident', 'list'],
        ['incident', 'show', number],
        ['service', 'list'],
        ['service', 'show', 'payments'],
        ['user', 'list'],
        ['user', 'show', 'alice'],
        ['token', 'list'],
      ];
      for (const args of reads) {
        const output = expectSuccess(await inProcess([...args, '--json'], admin()));
        expect(() => JSON.parse(output) as unknown, `${args.join(' ')} --json`).not.toThrow();
      }
    });

    if (engine === 'sqlite') {
      it('behaves the same as real processes: output, JSON, exit codes, one-line failures', async () => {
        const port = await closedPort();
        const [shown, list, unknown, unreachable, badSeverity] = await Promise.all([
          runVigil(['incident', 'show', number], admin()),
          runVigil(['incident', 'list', '--json'], admin()),
          runVigil(['incident', 'show', 'INC-20000101-9999'], admin()),
          runVigil(['incident', 'list'], { VIGIL_URL: `http://127.0.0.1:${port}`, VIGIL_TOKEN: 'vgl_x' }),
          runVigil(['incident', 'create', '--title', 'x', '--severity', 'P9'], {}),
        ]);
        expect(expectSuccess(shown)).toMatch(
          new RegExp(`^number\\s+${number}$[\\s\\S]*\\nTimeline:\\n.*created[\\s\\S]*resolved`, 'm'),
        );
        expect((JSON.parse(expectSuccess(list)) as { data: { number: string }[] }).data[0]?.number).toBe(number);
        expectOneLineFailure(unknown, /INC-20000101-9999.*HTTP 404/);
        expectOneLineFailure(
          unreachable,
          new RegExp(`cannot reach Vigil at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
        );
        expectOneLineFailure(badSeverity, /'P9' is invalid/);
      }, 60_000);
    }

    it('sends test events with `event send` and shows the alerts they made', async () => {
      const created = JSON.parse(expectSuccess(await inProcess(['service', 'create', 'queue', '--json'], admin()))) as {
        integration_key: string;
      };
      const key = created.integration_key;
      // No token is needed: the routing key is the credential, as for any PagerDuty client.
      const noToken = { VIGIL_URL: admin().VIGIL_URL, VIGIL_DATA_DIR: path.join(dataDir, 'nowhere') };
      const sent = expectSuccess(
        await inProcess(
          [
            'event',
            'send',
            '--routing-key',
            key,
            '--summary',
            'queue backlog over 10k',
            '--class',
            'database_connection',
            '--dedup-key',
            'q1',
          ],
          noToken,
        ),
      );
      expect(sent).toBe('accepted: dedup_key q1\n');
      expectSuccess(
        await inProcess(
          ['event', 'send', '--routing-key', key, '--summary', 'queue backlog over 10k', '--dedup-key', 'q1'],
          noToken,
        ),
      );

      const alerts = JSON.parse(
        expectSuccess(await inProcess(['alert', 'list', '--service', 'queue', '--json'], admin())),
      ) as { data: Array<{ id: string; dedup_key: string; event_count: number; classified_as: string }> };
      expect(alerts.data).toHaveLength(1);
      expect(alerts.data[0]).toMatchObject({ dedup_key: 'q1', event_count: 2 });
      const shown = expectSuccess(await inProcess(['alert', 'show', alerts.data[0]?.id as string], admin()));
      expect(shown).toMatch(/Events \(2 in all, newest first\)/);
      expect(expectSuccess(await inProcess(['incident', 'list', '--severity', 'P1'], admin()))).toContain(
        'queue backlog over 10k',
      );

      expectOneLineFailure(
        await inProcess(['event', 'send', '--routing-key', 'z'.repeat(32), '--summary', 's'], noToken),
        /not a known integration key.*HTTP 400/,
      );
      expectOneLineFailure(
        await inProcess(['event', 'send', '--routing-key', key, '--summary', 's', '--severity', 'loud'], noToken),
        /severity/,
      );
    });

    it('shows the function log with `logs` (one function, or everything as JSON lines)', async () => {
      const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      const call = (body: unknown) =>
        fetch(`${admin().VIGIL_URL}/functions/v1/production-monitoring`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await call({ action: 'health_check' })).status).toBe(200);
      expect((await call({ action: 'reboot' })).status).toBe(400);
      const shown = expectSuccess(await inProcess(['logs', 'production-monitoring', '--since', '10m'], admin()));
      expect(shown).toMatch(/production-monitoring health_check {2}by \S+ {2}\d+ ms {2}ok/);
      expect(shown).toMatch(
        /production-monitoring reboot {2}by \S+ {2}\d+ ms {2}error: action: "reboot" is not an action/,
      );
      // Oldest first, like a log.
      expect(shown.indexOf('health_check')).toBeLessThan(shown.indexOf('reboot'));
      const lines = expectSuccess(await inProcess(['logs', '--since', '10m', '--json'], admin()))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { source: string; action?: string });
      expect(lines.filter((l) => l.source === 'function').map((l) => l.action)).toEqual(
        expect.arrayContaining(['health_check', 'reboot']),
      );
      expectOneLineFailure(
        await inProcess(['logs', '--since', 'yesterday'], admin()),
        /--since: "yesterday" is not a duration/,
      );
    });
  });
}

/** Every command in the tree with its path from the root, e.g. ['incident', 'phase']. */
function commandTree(cmd: Command, prefix: string[] = []): { names: string[]; cmd: Command }[] {
  return [{ names: prefix, cmd }, ...cmd.commands.flatMap((sub) => commandTree(sub, [...prefix, sub.name()]))];
}

describe('vigil CLI conventions', () => {
  const tree = commandTree(buildProgram(localCommands));

  it('has the commands the design names', () => {
    const leaves = tree.filter((c) => c.cmd.commands.length === 0).map((c) => c.names.join(' '));
    expect(leaves).toEqual(
      expect.arrayContaining([
        'serve',
        'migrate',
        'service create',
        'incident create',
        'incident ack',
        'incident phase',
        'incident resolve',
        'incident show',
        'incident list',
        'user create',
        'token create',
        'token list',
        'token revoke',
      ]),
    );
  });

  it.each(tree.map((c) => [c.names.join(' ') || '(root)', c] as const))(
    'vigil %s --help',
    async (_, { names, cmd }) => {
      const result = await inProcess([...names, '--help'], {});
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: ${['vigil', ...names].join(' ')}`);
      for (const arg of cmd.registeredArguments) {
        const shown = `${arg.name()}${arg.variadic ? '...' : ''}`;
        expect(result.stdout).toContain(arg.required ? `<${shown}>` : `[${shown}]`);
      }
      for (const option of cmd.options) expect(result.stdout).toContain(option.long ?? option.flags);
      for (const sub of cmd.commands) expect(result.stdout).toContain(sub.name());
    },
  );

  it.each([
    [
      'an invalid severity',
      ['incident', 'create', '--title', 'x', '--severity', 'P9'],
      {},
      /'P9' is invalid.*P0, P1, P2, P3/,
    ],
    ['an invalid phase', ['incident', 'phase', 'INC-20000101-0001', 'lunch'], {}, /'lunch' is invalid/],
    ['a missing required option', ['incident', 'create', '--severity', 'P1'], {}, /--title/],
    ['an unknown command', ['incident', 'frobnicate'], {}, /unknown command 'frobnicate'/],
    ['too many arguments', ['incident', 'show', 'a', 'b'], {}, /too many arguments/],
    ['a bad VIGIL_URL', ['incident', 'list'], { VIGIL_URL: 'ftp://example.test' }, /VIGIL_URL/],
    [
      'no token',
      ['incident', 'list'],
      { VIGIL_URL: 'http://127.0.0.1:9', VIGIL_DATA_DIR: path.join(os.tmpdir(), 'vigil-cli-no-such-dir') },
      /no token: VIGIL_TOKEN is unset and there is no admin token at \S*no-such-dir\/admin-token; set VIGIL_TOKEN/,
    ],
  ] as const)('fails with one "vigil:" line on %s', async (_, args, env, pattern) => {
    expectOneLineFailure(await inProcess(args, env), pattern);
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
