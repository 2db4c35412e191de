// The on-call CLI end to end, once per engine against a real `vigil serve` process: `vigil oncall`,
// `schedule list|show|shifts`, `policy list|show`, `incident escalate` and `service maintenance`,
// each in human and --json form, their failures (one "vigil: …" line, non-zero exit) and --help.
// As in cli.test.ts, client commands run in-process through runCli; schedules and policies have no
// CLI to create them, so they are made over the HTTP API with the admin token. Shifts and on-call
// are asked for at fixed past times (--at, --from), so the answers do not depend on today's date.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PG_URL, pgAdmin, pgDatabaseUrl, pgProblem } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, type Env } from './cli-harness.js';
import { runVigil, startServer, type ServerProcess } from './vigil-process.js';

type Row = Record<string, unknown>;

/** The cells of the table row whose first cells are `first` (cells are separated by two or more spaces). */
function row(output: string, ...first: string[]): string[] {
  const rows = output.split('\n').map((line) => line.trim().split(/ {2,}/));
  const found = rows.find((cells) => first.every((c, i) => cells[i] === c));
  if (!found) throw new Error(`no row "${first.join(' ')}" in:\n${output}`);
  return found;
}

/** The daily rotation: alice from 2024-01-01T09:00Z, bob from the 2nd at 09:00, and so on. */
const HANDOFF = '2024-01-01T09:00:00.000Z';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

for (const engine of ['sqlite', 'postgres'] as const) {
  if (engine === 'postgres' && pgProblem) {
    console.log(
      `PostgreSQL on-call CLI suite skipped: ${PG_URL} is unreachable (${pgProblem}); ` +
        'set TEST_DATABASE_URL or start PostgreSQL',
    );
    describe.skip(`vigil on-call CLI against vigil serve [${engine}]`, () => undefined);
    continue;
  }

  describe(`vigil on-call CLI against vigil serve [${engine}]`, () => {
    let dataDir: string;
    let dbName: string | undefined;
    let server: ServerProcess | undefined;
    const ids: Record<string, string> = {};
    const admin = (): Env => {
      if (!server) throw new Error('the server did not start');
      return { VIGIL_URL: server.url, VIGIL_DATA_DIR: dataDir };
    };
    const run = async (...args: string[]) => expectSuccess(await inProcess(args, admin()));
    const json = async (...args: string[]) => JSON.parse(await run(...args, '--json')) as Row;

    /** The HTTP API with the admin token, for what the CLI does not create. */
    async function api(method: string, url: string, body?: unknown): Promise<Row> {
      const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      const res = await fetch(`${admin().VIGIL_URL}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.ok, `${method} ${url}: ${res.status} ${text}`).toBe(true);
      return JSON.parse(text) as Row;
    }

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-cli-oncall-${engine}-`));
      const serverEnv: Env = { VIGIL_DATA_DIR: dataDir };
      if (engine === 'postgres') {
        dbName = `vigil_cli_oncall_${randomBytes(6).toString('hex')}`;
        await pgAdmin(`CREATE DATABASE ${dbName}`);
        serverEnv.DATABASE_URL = pgDatabaseUrl(dbName);
      }
      server = await startServer(serverEnv);

      for (const handle of ['alice', 'bob'])
        ids[handle] = field(
          await run(
            'user',
            'create',
            '--handle',
            handle,
            '--name',
            handle.toUpperCase(),
            '--email',
            `${handle}@example.test`,
          ),
          'id',
        );
      const schedule = await api('POST', '/api/v1/schedules', {
        name: 'primary',
        timezone: 'UTC',
        layers: [{ name: 'main', rotation: { kind: 'daily', handoff_at: HANDOFF, participants: ['alice', 'bob'] } }],
      });
      ids.schedule = schedule.id as string;
      const policy = await api('POST', '/api/v1/escalation-policies', {
        name: 'payments-chain',
        levels: [
          { name: 'first', delay_seconds: 0, targets: [{ type: 'user', id: 'alice' }] },
          { name: 'second', delay_seconds: 3600, targets: [{ type: 'user', id: 'bob' }] },
          { name: 'rota', delay_seconds: 7200, targets: [{ type: 'schedule', id: 'primary' }] },
        ],
      });
      ids.policy = policy.id as string;
      await run('service', 'create', 'payments');
      await api('PATCH', '/api/v1/services/payments', { escalation_policy_id: 'payments-chain' });
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
      if (dbName) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('oncall lists every schedule and every policy level, with handles', async () => {
      const out = await run('oncall', '--at', '2024-01-02T12:00:00+01:00');
      expect(out).toMatch(/^On call at 2024-01-02T11:00:00\.000Z\n\nSchedules:\n/);
      expect(row(out, 'primary')).toEqual(['primary', 'bob', ids.schedule]);
      expect(row(out, 'payments-chain', '1')).toEqual(['payments-chain', '1', 'first', 'at once', 'alice']);
      expect(row(out, 'payments-chain', '2')).toEqual(['payments-chain', '2', 'second', '+1h', 'bob']);
      expect(row(out, 'payments-chain', '3')).toEqual(['payments-chain', '3', 'rota', '+2h', 'bob']);
      // The seed chain exists on a fresh server, with nobody on it yet.
      expect(row(out, 'Seed escalation chain', '2')).toEqual([
        'Seed escalation chain',
        '2',
        'technical lead',
        '+15m',
        '-',
      ]);

      const data = await json('oncall', '--at', '2024-01-01T12:00:00Z');
      expect(data.at).toBe('2024-01-01T12:00:00.000Z');
      expect(data.schedules).toContainEqual({ schedule_id: ids.schedule, name: 'primary', user_ids: [ids.alice] });
      expect(data.policies).toContainEqual(
        expect.objectContaining({
          policy_id: ids.policy,
          levels: expect.arrayContaining([expect.objectContaining({ level: 3, user_ids: [ids.alice] })]),
        }),
      );
    });

    it('oncall --schedule prints that schedule’s people', async () => {
      const out = await run('oncall', '--schedule', 'primary', '--at', '2024-01-01T12:00:00Z');
      expect(out).toMatch(/^On call for primary at 2024-01-01T12:00:00\.000Z:\n\nHANDLE\s+NAME\s+EMAIL\s+ID\n/);
      expect(row(out, 'alice')).toEqual(['alice', 'ALICE', 'alice@example.test', ids.alice]);
      expect(out).not.toContain('bob');
      expect(await run('oncall', '--schedule', 'primary', '--at', '2023-12-31T12:00:00Z')).toBe(
        'nobody is on call for primary at 2023-12-31T12:00:00.000Z\n',
      );
      expect(await json('oncall', '--schedule', ids.schedule as string, '--at', '2024-01-02T09:00:00Z')).toEqual({
        schedule_id: ids.schedule,
        name: 'primary',
        at: '2024-01-02T09:00:00.000Z',
        user_ids: [ids.bob],
      });
    });

    it('schedule list and show', async () => {
      expect(row(await run('schedule', 'list'), 'primary')).toEqual(['primary', ids.schedule, 'UTC', '1', '-']);
      const list = await json('schedule', 'list');
      expect(Object.keys(list).sort()).toEqual(['data', 'next_cursor']);
      expect(list.data).toContainEqual(expect.objectContaining({ id: ids.schedule, name: 'primary' }));

      const shown = await run('schedule', 'show', 'primary');
      expect(field(shown, 'id')).toBe(ids.schedule);
      expect(field(shown, 'timezone')).toBe('UTC');
      expect(field(shown, 'on_call_now')).toMatch(/^(alice|bob)$/);
      expect(field(shown, 'created_at')).toMatch(ISO);
      expect(shown).toContain(`Layer 1: main (daily, first shift ${HANDOFF})\n  participants: alice, bob\n`);
      expect(await json('schedule', 'show', ids.schedule as string)).toMatchObject({
        id: ids.schedule,
        name: 'primary',
        layers: [{ rotation: { participants: [ids.alice, ids.bob] } }],
      });
    });

    it('schedule shifts over --from/--to or --days', async () => {
      const out = await run('schedule', 'shifts', 'primary', '--from', '2024-01-01T00:00:00Z', '--days', '3');
      const lines = out.split('\n');
      expect(lines[0]).toBe('Shifts of primary from 2024-01-01T00:00:00.000Z to 2024-01-04T00:00:00.000Z:');
      expect(lines.slice(2, 6).map((l) => l.trim().split(/ {2,}/))).toEqual([
        ['START', 'END', 'ON CALL', 'LAYER', 'SOURCE'],
        ['2024-01-01T09:00:00.000Z', '2024-01-02T09:00:00.000Z', 'alice', 'main', 'rotation'],
        ['2024-01-02T09:00:00.000Z', '2024-01-03T09:00:00.000Z', 'bob', 'main', 'rotation'],
        ['2024-01-03T09:00:00.000Z', '2024-01-04T00:00:00.000Z', 'alice', 'main', 'rotation'],
      ]);
      const data = await json(
        'schedule',
        'shifts',
        'primary',
        '--from',
        '2024-01-02T10:00:00+01:00',
        '--to',
        '2024-01-03T09:00:00Z',
      );
      expect(data).toEqual({
        from: '2024-01-02T09:00:00.000Z',
        to: '2024-01-03T09:00:00.000Z',
        data: [
          {
            user_id: ids.bob,
            start: '2024-01-02T09:00:00.000Z',
            end: '2024-01-03T09:00:00.000Z',
            source: 'rotation',
            layer: 'main',
          },
        ],
      });
      // --days alone counts from now.
      const ahead = await json('schedule', 'shifts', 'primary', '--days', '2');
      expect(new Date(ahead.to as string).getTime() - new Date(ahead.from as string).getTime()).toBe(2 * 86_400_000);
      expect(
        await run('schedule', 'shifts', 'primary', '--from', '2023-01-01T00:00:00Z', '--to', '2023-01-02T00:00:00Z'),
      ).toMatch(/:\n\nno shifts\n$/);
    });

    it('policy list and show, with targets by handle and schedule name', async () => {
      const list = await run('policy', 'list');
      expect(row(list, 'payments-chain')).toEqual(['payments-chain', ids.policy, '3', 'unresolved', '0']);
      expect(row(list, 'Seed escalation chain')).toEqual(['Seed escalation chain', 'pol_seed', '4', 'unresolved', '0']);
      expect((await json('policy', 'list')).data).toContainEqual(expect.objectContaining({ id: 'pol_seed' }));

      const shown = await run('policy', 'show', 'payments-chain');
      expect(field(shown, 'id')).toBe(ids.policy);
      expect(field(shown, 'escalate_while')).toBe('unresolved');
      expect(row(shown, '1')).toEqual(['1', 'first', 'at once', 'user alice']);
      expect(row(shown, '2')).toEqual(['2', 'second', '+1h', 'user bob']);
      expect(row(shown, '3')).toEqual(['3', 'rota', '+2h', 'schedule primary']);
      const data = await json('policy', 'show', 'payments-chain');
      expect(data).toMatchObject({
        id: ids.policy,
        levels: [
          { level: 1, targets: [{ type: 'user', id: ids.alice }] },
          { level: 2 },
          { level: 3, targets: [{ type: 'schedule', id: ids.schedule }] },
        ],
      });
    });

    it('incident escalate reaches the next level and says who was paged', async () => {
      const number = /^opened (INC-\d{8}-\d{4})$/m.exec(
        await run('incident', 'create', '--title', 'Checkout is failing', '--severity', 'P2', '--service', 'payments'),
      )?.[1] as string;
      expect(number).toBeDefined();
      // Level 1 is due at once; the server's sweep reaches it within a second or so.
      await vi.waitFor(async () => expect((await json('incident', 'show', number)).escalation_level).toBe(1), {
        timeout: 10_000,
        interval: 200,
      });
      expect(field(await run('incident', 'show', number), 'escalation_level')).toBe('1');

      const out = await run('incident', 'escalate', number);
      const [head, next, paged] = out.split('\n');
      expect(head).toBe(`${number}: escalated to level 2`);
      // Level 3 is due two hours after the incident opened, which the server's clock decides.
      expect(next).toMatch(/^next escalation: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(paged).toMatch(/^paged: bob at \S+Z$/);
      expect(field(out, 'escalation_level')).toBe('2');
      expect(field(out, 'next_escalation_at')).toBe(next?.replace('next escalation: ', ''));

      const last = await json('incident', 'escalate', number);
      expect(last).toMatchObject({ number, escalation_level: 3, next_escalation_at: null });

      expectOneLineFailure(
        await inProcess(['incident', 'escalate', number], admin()),
        /has reached every level of payments-chain.*HTTP 409/,
      );
      expectOneLineFailure(await inProcess(['incident', 'escalate', 'INC-20000101-9999'], admin()), /HTTP 404/);
      await run('incident', 'resolve', number);
    });

    it('service maintenance starts, lists and ends windows', async () => {
      const started = await run('service', 'maintenance', 'payments', '--for', '30m', '--reason', 'db upgrade');
      expect(started).toMatch(/^payments is in maintenance from \S+Z to \S+Z\n/);
      const length = new Date(field(started, 'end')).getTime() - new Date(field(started, 'start')).getTime();
      expect(length).toBe(30 * 60_000);
      expect(field(started, 'reason')).toBe('db upgrade');
      expect(field(started, 'active')).toBe('true');

      const later = await json(
        'service',
        'maintenance',
        'payments',
        '--start',
        '2030-01-01T00:00:00Z',
        '--end',
        '2030-01-01T02:00:00+01:00',
      );
      expect(later).toMatchObject({
        start: '2030-01-01T00:00:00.000Z',
        end: '2030-01-01T01:00:00.000Z',
        reason: null,
        active: false,
      });
      const scheduled = await run(
        'service',
        'maintenance',
        'payments',
        '--start',
        '2030-02-01T00:00:00Z',
        '--for',
        '2h',
      );
      expect(scheduled).toMatch(
        /^payments is scheduled for maintenance from 2030-02-01T00:00:00\.000Z to 2030-02-01T02:00:00\.000Z\n/,
      );

      const listed = await run('service', 'maintenance', 'payments');
      expect(listed.split('\n')[0]).toMatch(/^START\s+END\s+RUNNING\s+REASON\s+ID$/);
      expect(row(listed, '2030-01-01T00:00:00.000Z')).toEqual([
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T01:00:00.000Z',
        'false',
        '-',
        later.id,
      ]);
      expect(listed).toMatch(/true\s+db upgrade/);
      expect(((await json('service', 'maintenance', 'payments')).data as Row[]).map((w) => w.id)).toContain(later.id);

      expectOneLineFailure(
        await inProcess(['service', 'maintenance', 'payments', '--for', '5s'], admin()),
        /--for.*'5s' is invalid.*30m/,
      );
      expectOneLineFailure(
        await inProcess(
          ['service', 'maintenance', 'payments', '--for', '30m', '--end', '2030-01-01T00:00:00Z'],
          admin(),
        ),
        /'--for <duration>' cannot be used with option '--end/,
      );
      expectOneLineFailure(
        await inProcess(['service', 'maintenance', 'payments', '--end', 'tomorrow'], admin()),
        /'tomorrow' is invalid.*ISO 8601/,
      );
      expectOneLineFailure(
        await inProcess(['service', 'maintenance', 'payments', '--reason', 'x'], admin()),
        /give --for or --end/,
      );
      expectOneLineFailure(
        await inProcess(['service', 'maintenance', 'payments', '--off', '--for', '5m'], admin()),
        /'--off' cannot be used with option '--for/,
      );
      expectOneLineFailure(await inProcess(['service', 'maintenance', 'nope', '--for', '5m'], admin()), /HTTP 404/);

      expect(await run('service', 'maintenance', 'payments', '--off')).toBe(
        'ended 3 maintenance window(s) of payments\n',
      );
      expect(await run('service', 'maintenance', 'payments')).toBe('no maintenance windows for payments\n');
      expect(await json('service', 'maintenance', 'payments', '--off')).toEqual({ ended: 0 });
    });

    it('fails with one line on an unknown schedule or policy, and on bad times', async () => {
      for (const args of [
        ['oncall', '--schedule', 'nope'],
        ['schedule', 'show', 'nope'],
        ['schedule', 'shifts', 'nope'],
        ['schedule', 'shifts', 'nope', '--json'],
      ]) {
        expectOneLineFailure(await inProcess(args, admin()), /schedule "nope" does not exist.*HTTP 404/);
      }
      expectOneLineFailure(await inProcess(['policy', 'show', 'nope'], admin()), /HTTP 404/);
      expectOneLineFailure(
        await inProcess(['oncall', '--at', '2024-01-01'], admin()),
        /'--at <time>' argument '2024-01-01' is invalid/,
      );
      expectOneLineFailure(
        await inProcess(['schedule', 'shifts', 'primary', '--to', '2024-01-02T00:00:00Z', '--days', '2'], admin()),
        /cannot be used with/,
      );
      expectOneLineFailure(
        await inProcess(['schedule', 'shifts', 'primary', '--days', '0'], admin()),
        /'--days <n>' argument '0' is invalid/,
      );
      expectOneLineFailure(
        await inProcess(
          ['schedule', 'shifts', 'primary', '--from', '2024-01-01T00:00:00Z', '--to', '2024-06-01T00:00:00Z'],
          admin(),
        ),
        /at most 93 days.*HTTP 400/,
      );
    });

    if (engine === 'sqlite') {
      it('behaves the same as real processes: output, exit codes, one-line failures', async () => {
        const [overview, unknown] = await Promise.all([
          runVigil(['oncall', '--schedule', 'primary', '--at', '2024-01-01T12:00:00Z', '--json'], admin()),
          runVigil(['oncall', '--schedule', 'nope'], admin()),
        ]);
        expect(JSON.parse(expectSuccess(overview))).toMatchObject({ user_ids: [ids.alice] });
        expectOneLineFailure(unknown, /schedule "nope" does not exist.*HTTP 404/);
      }, 60_000);
    }
  });
}

describe('vigil on-call CLI help', () => {
  const cases: Array<[string[], string[]]> = [
    [['oncall'], ['--schedule <schedule>', '--at <time>', '--json']],
    [['schedule'], ['list', 'show', 'shifts']],
    [
      ['schedule', 'list'],
      ['--limit', '--json'],
    ],
    [
      ['schedule', 'show'],
      ['<schedule>', '--json'],
    ],
    [
      ['schedule', 'shifts'],
      ['<schedule>', '--from <time>', '--to <time>', '--days <n>', 'at most 93 days'],
    ],
    [['policy'], ['list', 'show']],
    [
      ['policy', 'list'],
      ['--limit', '--json'],
    ],
    [
      ['policy', 'show'],
      ['<policy>', '--json'],
    ],
    [
      ['incident', 'escalate'],
      ['<incident>', 'who was paged', '--json'],
    ],
    [
      ['service', 'maintenance'],
      ['<service>', '--for <duration>', '--end <time>', '--start <time>', '--reason', '--off', 'list:'],
    ],
  ];
  it.each(cases.map(([names, expected]) => [names.join(' '), names, expected] as const))(
    'vigil %s --help',
    async (_, names, expected) => {
      const result = await inProcess([...names, '--help'], {});
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: vigil ${names.join(' ')}`);
      for (const text of expected) expect(result.stdout).toContain(text);
    },
  );

  it('lists the new commands in the top-level and noun help', async () => {
    const top = expectSuccess(await inProcess(['--help'], {}));
    for (const noun of ['oncall', 'schedule', 'policy']) expect(top).toMatch(new RegExp(`^  ${noun}\\b`, 'm'));
    expect(expectSuccess(await inProcess(['incident', '--help'], {}))).toMatch(/^ {2}escalate /m);
    expect(expectSuccess(await inProcess(['service', '--help'], {}))).toMatch(/^ {2}maintenance /m);
  });
});
