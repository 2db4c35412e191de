// `vigil gdpr breaches`, `vigil gdpr breach …` and `vigil stakeholder …` run in-process (as main.ts runs
// them) against a real HTTP server on loopback, on both dialects: human output and --json, the report
// draft as Markdown and as a PDF file, one-line failures with a non-zero exit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import type { Harness } from './http-harness.js';

describeEachDialect('vigil gdpr breach CLI', (env) => {
  let h: Harness;
  let cli: Env;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-gdpr-cli-'));
  const vigil = (...args: string[]) => inProcess(args, cli);

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, new FakeClock('2026-12-07T08:00:00Z')));
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens, lists overdue first, notifies, decides, closes and drafts the report', async () => {
    const opened = expectSuccess(
      await vigil(
        'gdpr',
        'breach',
        'open',
        '--title',
        'Newsletter list exposed',
        '--aware-at',
        '2026-12-07T06:00:00Z',
        '--categories',
        'email, name',
        '--subjects',
        '800',
        '--risk',
        'high_risk',
      ),
    );
    const number = field(opened, 'number');
    expect(number).toMatch(/^BR-20261207-\d{4}$/);
    expect(field(opened, 'hours_left')).toBe('70');
    expect(field(opened, 'subjects_decision')).toBe('NEEDED (high risk, Art. 34)');
    const late = JSON.parse(
      expectSuccess(
        await vigil('gdpr', 'breach', 'open', '--title', 'Old laptop', '--aware-at', '2026-12-03T08:00:00Z', '--json'),
      ),
    ) as { number: string; overdue: boolean };
    expect(late.overdue).toBe(true);

    const listed = expectSuccess(await vigil('gdpr', 'breaches'));
    const lines = listed.split('\n');
    expect(lines[0]).toMatch(/^NUMBER\s+STATE\s+CLOCK/);
    expect(lines[1]).toContain(late.number);
    expect(lines[1]).toContain('OVERDUE 24 h');
    expect(listed).toContain('70 h left');
    const overdueOnly = JSON.parse(expectSuccess(await vigil('gdpr', 'breaches', '--overdue', '--json'))) as {
      data: Array<{ number: string }>;
    };
    expect(overdueOnly.data.map((b) => b.number)).toEqual([late.number]);

    expectOneLineFailure(
      await vigil('gdpr', 'breach', 'notify', late.number, '--authority', 'BfDI', '--reference', 'C-7'),
      /delay_reason: required/,
    );
    const notified = expectSuccess(
      await vigil(
        'gdpr',
        'breach',
        'notify',
        late.number,
        '--authority',
        'BfDI',
        '--reference',
        'C-7',
        '--delay-reason',
        'found late',
      ),
    );
    expect(field(notified, 'state')).toBe('notified');
    expect(field(notified, 'reported_late')).toBe('true');

    expectOneLineFailure(await vigil('gdpr', 'breach', 'close', number), /reason: required.*subjects_decision/);
    expectOneLineFailure(await vigil('gdpr', 'breach', 'decide', number, '--communicated'), /--at and --channel/);
    expectOneLineFailure(await vigil('gdpr', 'breach', 'decide', number), /exactly one of/);
    expectOneLineFailure(
      await vigil('gdpr', 'breach', 'decide', number, '--exempt', '34(3)(d)', '--reason', 'x'),
      /34\(3\)\(d\)/,
    );
    const decided = expectSuccess(
      await vigil('gdpr', 'breach', 'decide', number, '--exempt', '34(3)(a)', '--reason', 'encrypted at rest'),
    );
    expect(field(decided, 'subjects_decision')).toBe('exempt 34(3)(a)');
    expectOneLineFailure(
      await vigil('gdpr', 'breach', 'decide', number, '--not-notifiable', 'minor'),
      /risk is high_risk/,
    );

    const md = expectSuccess(await vigil('gdpr', 'breach', 'report', number));
    expect(md).toContain(`# Personal data breach notification (draft): ${number}`);
    expect(md).toContain('- Approximate number of data subjects concerned: about 800');
    const file = path.join(dir, 'draft.pdf');
    const written = JSON.parse(
      expectSuccess(await vigil('gdpr', 'breach', 'report', number, '--pdf', file, '--json')),
    ) as {
      pdf: string;
      bytes: number;
      markdown: string;
    };
    expect(written.pdf).toBe(file);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(fs.statSync(file).size).toBe(written.bytes);
    expect(written.markdown).toContain(number);

    await vigil('gdpr', 'breach', 'notify', number, '--authority', 'BfDI');
    const closed = expectSuccess(await vigil('gdpr', 'breach', 'close', number, '--reason', 'handled'));
    expect(field(closed, 'state')).toBe('closed');
    expectOneLineFailure(await vigil('gdpr', 'breach', 'close', number), /already closed/);
    const shown = JSON.parse(expectSuccess(await vigil('gdpr', 'breach', 'show', number, '--events', '--json'))) as {
      events: Array<{ kind: string }>;
    };
    expect(shown.events.map((e) => e.kind)).toEqual(['closed', 'reported', 'subjects_decision', 'opened']);
    expectOneLineFailure(await vigil('gdpr', 'breach', 'show', 'BR-00000000-0000'), /does not exist/);
  });

  it('flags personal data on an incident once', async () => {
    const incident = await h.app.incidents.create(env.admin, { title: 'Backup bucket public', severity: 'P2' });
    const first = JSON.parse(expectSuccess(await vigil('gdpr', 'breach', 'flag', incident.number, '--json'))) as {
      id: string;
      incident: { number: string };
    };
    expect(first.incident.number).toBe(incident.number);
    const again = JSON.parse(expectSuccess(await vigil('gdpr', 'breach', 'flag', incident.id, '--json'))) as {
      id: string;
    };
    expect(again.id).toBe(first.id);
  });

  it('stakeholders with topics', async () => {
    const added = expectSuccess(
      await vigil(
        'stakeholder',
        'add',
        '--name',
        'Legal Counsel',
        '--kind',
        'email',
        '--address',
        'legal@example.test',
        '--topics',
        'gdpr',
      ),
    );
    expect(field(added, 'topics')).toBe('gdpr');
    expect(field(added, 'severities')).toBe('-');
    const listed = expectSuccess(await vigil('stakeholder', 'list'));
    expect(listed).toMatch(/Legal Counsel\s+email\s+legal@example.test\s+-\s+gdpr/);
    expectOneLineFailure(
      await vigil('stakeholder', 'add', '--name', 'x', '--kind', 'email', '--address', 'x@example.test'),
      /--severities, --topics or both/,
    );
    const help = expectSuccess(await vigil('gdpr', 'breach', 'decide', '--help'));
    expect(help).toContain('--exempt <ground>');
  });
});
