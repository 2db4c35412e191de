// `vigil follow-ups …` run in-process (as main.ts runs them) against a real HTTP server on loopback, on both
// dialects: add, list (--mine through GET /api/v1/me, --overdue, --incident, --status), show, done and
// not-doing, and one-line failures with a non-zero exit that change nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import type { Caller, Harness } from './http-harness.js';

type Listed = { data: Array<{ id: string; status: string; overdue: boolean }>; next_cursor: string | null };

describeEachDialect('vigil follow-ups CLI', (env) => {
  const clock = new FakeClock('2026-12-07T08:00:00Z');
  let h: Harness;
  let cli: Env;
  let responder: Caller;
  let incident: string;
  const vigil = (...args: string[]) => inProcess(args, cli);
  const asResponder = (...args: string[]) => inProcess(args, { ...cli, VIGIL_TOKEN: responder.token });
  const listed = async (...args: string[]) =>
    (JSON.parse(expectSuccess(await vigil('follow-ups', 'list', '--json', ...args))) as Listed).data.map((f) => f.id);

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    responder = await h.caller('responder', 'fixer');
    const res = await h.call('POST', '/api/v1/incidents', {
      as: cli.VIGIL_TOKEN,
      body: { title: 'Queue backlog', severity: 'P2' },
    });
    incident = (res.json() as { number: string }).number;
  });
  afterAll(() => h.close());

  it('adds, lists, shows and closes follow-ups', async () => {
    const added = expectSuccess(
      await vigil(
        'follow-ups',
        'add',
        '--incident',
        incident,
        '--title',
        'Alert on queue depth',
        '--kind',
        'monitoring',
        '--owner',
        responder.handle,
        '--due',
        '2026-12-07T12:00:00Z',
        '--priority',
        'high',
        '--url',
        'https://tracker.example.com/OPS-7',
      ),
    );
    const id = field(added, 'id');
    expect(field(added, 'status')).toBe('outstanding');
    expect(field(added, 'owner')).toBe(responder.handle);
    expect(field(added, 'incident_number')).toBe(incident);
    const other = JSON.parse(
      expectSuccess(
        await asResponder(
          'follow-ups',
          'add',
          '--incident',
          incident,
          '--title',
          'Runbook for replaying the queue',
          '--kind',
          'process',
          '--owner',
          'root',
          '--due',
          '2026-12-20T12:00:00+01:00',
          '--json',
        ),
      ),
    ) as { id: string; priority: string; due_at: string };
    expect([other.priority, other.due_at]).toEqual(['medium', '2026-12-20T11:00:00.000Z']);

    const table = expectSuccess(await vigil('follow-ups', 'list'));
    expect(table).toMatch(/^ID\s+INCIDENT\s+TITLE\s+KIND\s+OWNER/);
    expect(table).toContain('Alert on queue depth');
    expect(await listed()).toEqual([other.id, id]);
    expect(await listed('--incident', incident)).toEqual([other.id, id]);
    const mine = JSON.parse(expectSuccess(await asResponder('follow-ups', 'list', '--mine', '--json'))) as Listed;
    expect(mine.data.map((f) => f.id)).toEqual([id]);
    expect(await listed('--overdue')).toEqual([]);
    clock.advance(5 * 3_600_000);
    expect(await listed('--overdue')).toEqual([id]);
    expect(field(expectSuccess(await vigil('follow-ups', 'show', id)), 'overdue')).toBe('true');

    expect(expectSuccess(await asResponder('follow-ups', 'done', id))).toBe(`${id}: completed\n`);
    expect(expectSuccess(await vigil('follow-ups', 'not-doing', other.id, '--reason', 'queue is being replaced'))).toBe(
      `${other.id}: not doing (queue is being replaced)\n`,
    );
    expect(await listed('--status', 'completed')).toEqual([id]);
    expect(await listed('--status', 'not_doing')).toEqual([other.id]);
    expect(await listed('--overdue')).toEqual([]);
  });

  it('refuses bad input with one line and changes nothing', async () => {
    const before = await listed('--limit', '200');
    const add = (...extra: string[]) =>
      vigil('follow-ups', 'add', '--incident', incident, '--title', 'T', '--kind', 'process', ...extra);
    expectOneLineFailure(await add('--owner', 'root', '--due', '2026-12-01T00:00:00Z'), /due_at/);
    expectOneLineFailure(await add('--owner', 'nobody-here', '--due', '2027-01-01T00:00:00Z'), /not a user/);
    expectOneLineFailure(await add('--owner', 'root', '--due', 'tomorrow'), /--due/);
    expectOneLineFailure(
      await add('--owner', 'root', '--due', '2027-01-01T00:00:00Z', '--url', 'ftp://x.example/1'),
      /http/,
    );
    expectOneLineFailure(
      await vigil(
        'follow-ups',
        'add',
        '--incident',
        'INC-20000101-0000',
        '--title',
        'T',
        '--kind',
        'process',
        '--owner',
        'root',
        '--due',
        '2027-01-01T00:00:00Z',
      ),
      /not found|does not exist/i,
    );
    expectOneLineFailure(
      await add('--kind', 'hope', '--owner', 'root', '--due', '2027-01-01T00:00:00Z'),
      /--kind|hope/,
    );
    expectOneLineFailure(await vigil('follow-ups', 'not-doing', before[0] ?? 'x'), /--reason/);
    expectOneLineFailure(await vigil('follow-ups', 'show', 'fu-none'), /does not exist/);
    expectOneLineFailure(await vigil('follow-ups', 'list', '--status', 'open'), /--status/);
    expect(await listed('--limit', '200')).toEqual(before);
  });
});
