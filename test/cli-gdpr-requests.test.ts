// `vigil gdpr requests`, `vigil gdpr request …` and `vigil gdpr report` run in-process (as main.ts runs them)
// against a real HTTP server on loopback, on both dialects: deadlines as the API computes them, the one
// extension, completion and refusal, the compliance report as Markdown, JSON and a PDF file, and one-line
// failures with a non-zero exit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import type { Harness } from './http-harness.js';

describeEachDialect('vigil gdpr request and report CLI', (env) => {
  let h: Harness;
  let cli: Env;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-gdpr-requests-cli-'));
  const vigil = (...args: string[]) => inProcess(args, cli);

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, new FakeClock('2026-12-07T08:00:00Z')));
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens a request due a calendar month later, extends it once, completes one and refuses another', async () => {
    const opened = expectSuccess(
      await vigil(
        'gdpr',
        'request',
        'open',
        '--subject',
        'cust-1042',
        '--kind',
        'access',
        '--received-at',
        '2026-11-30T15:00:00Z',
      ),
    );
    const id = field(opened, 'id');
    expect(field(opened, 'state')).toBe('open');
    // 30 November + one month is 30 December; the request is due at the end of that day (UTC).
    expect(opened).toMatch(/due 2026-12-30T23:59:59\.999Z/);

    const extended = expectSuccess(
      await vigil('gdpr', 'request', 'extend', id, '--reason', 'forty linked accounts to search'),
    );
    expect(extended).toBe(`${id}: extended, now due 2027-02-28T23:59:59.999Z\n`);
    expectOneLineFailure(await vigil('gdpr', 'request', 'extend', id, '--reason', 'again'), /once/i);
    expect(expectSuccess(await vigil('gdpr', 'request', 'complete', id, '--note', 'export sent'))).toBe(
      `${id}: completed (access)\n`,
    );

    const other = JSON.parse(
      expectSuccess(await vigil('gdpr', 'request', 'open', '--subject', 'cust-7', '--kind', 'objection', '--json')),
    ) as { id: string; state: string; received_at: string };
    expect(other.received_at).toBe('2026-12-07T08:00:00.000Z');
    expectOneLineFailure(await vigil('gdpr', 'request', 'refuse', other.id), /--reason/);
    expect(expectSuccess(await vigil('gdpr', 'request', 'refuse', other.id, '--reason', 'manifestly excessive'))).toBe(
      `${other.id}: refused\n`,
    );

    const listed = expectSuccess(await vigil('gdpr', 'requests'));
    expect(listed).toMatch(/^ID\s+KIND\s+STATE\s+SUBJECT/);
    expect(listed).toContain('cust-1042');
    expect(listed).toContain('cust-7');
    const refused = JSON.parse(expectSuccess(await vigil('gdpr', 'requests', '--state', 'refused', '--json'))) as {
      data: { id: string }[];
    };
    expect(refused.data.map((r) => r.id)).toEqual([other.id]);
  });

  it('refuses bad input with one line and changes nothing', async () => {
    const before = (JSON.parse(expectSuccess(await vigil('gdpr', 'requests', '--json'))) as { data: unknown[] }).data;
    expectOneLineFailure(
      await vigil('gdpr', 'request', 'open', '--subject', 'x', '--kind', 'gossip'),
      /--kind.*gossip|gossip.*--kind|Allowed choices/i,
    );
    expectOneLineFailure(
      await vigil('gdpr', 'request', 'open', '--subject', 'x', '--kind', 'access', '--received-at', 'yesterday'),
      /--received-at/,
    );
    expectOneLineFailure(await vigil('gdpr', 'request', 'show', 'no-such-request'), /not found|404/i);
    const after = (JSON.parse(expectSuccess(await vigil('gdpr', 'requests', '--json'))) as { data: unknown[] }).data;
    expect(after).toEqual(before);
  });

  it('prints the compliance report as Markdown or JSON and writes it as a PDF', async () => {
    expectSuccess(
      await vigil('gdpr', 'breach', 'open', '--title', 'Backup bucket public', '--aware-at', '2026-12-06T20:00:00Z'),
    );
    const md = expectSuccess(await vigil('gdpr', 'report', '--type', 'emergency'));
    expect(md).toMatch(/^# /);
    expect(md).toContain('Backup bucket public');
    expect(md).toMatch(/60 h/);

    const json = JSON.parse(expectSuccess(await vigil('gdpr', 'report', '--type', 'full', '--json'))) as {
      report_type: string;
      breaches: { open: number; clocks: { title: string; hours_left: number }[] };
    };
    expect(json.report_type).toBe('full');
    expect(json.breaches.open).toBe(1);
    expect(json.breaches.clocks.map((b) => [b.title, b.hours_left])).toEqual([['Backup bucket public', 60]]);

    const file = path.join(dir, 'report.pdf');
    const out = expectSuccess(await vigil('gdpr', 'report', '--pdf', file));
    expect(out).toMatch(/^PDF written to .*report\.pdf \(\d+ bytes\)\n$/);
    expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expectOneLineFailure(await vigil('gdpr', 'report', '--type', 'weekly'), /--type/);
  });
});
