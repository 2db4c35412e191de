// `vigil postmortem …` run in-process (as main.ts runs them) against a real HTTP server on loopback, on both
// dialects: show (human, --json, --md, --pdf FILE), meeting (with the window's warning), review and publish, share
// and --revoke; a note marked key with `vigil incident note --key` on its timeline; and one-line failures with a
// non-zero exit that change nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import type { Harness } from './http-harness.js';

const HOUR = 3_600_000;

describeEachDialect('vigil postmortem CLI', (env) => {
  const clock = new FakeClock('2026-12-07T08:00:00Z');
  let h: Harness;
  let cli: Env;
  let incident: string;
  let resolvedAt: Date;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-pm-'));
  const vigil = (...args: string[]) => inProcess(args, cli);
  const shown = async () =>
    JSON.parse(expectSuccess(await vigil('postmortem', 'show', incident, '--json'))) as {
      state: string;
      meeting_at: string | null;
      shared: boolean;
    };

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    const res = await h.call('POST', '/api/v1/incidents', {
      as: cli.VIGIL_TOKEN,
      body: { title: 'Payments down', severity: 'P1', impact: 'All card payments' },
    });
    incident = (res.json() as { number: string }).number;
    expectSuccess(await vigil('incident', 'note', incident, 'Card', 'network', 'timeouts', 'in', 'logs'));
    expectSuccess(await vigil('incident', 'note', incident, '--key', 'Switched', 'to', 'the', 'backup', 'acquirer'));
    clock.advance(30 * 60_000);
    resolvedAt = clock.now();
    await h.call('POST', `/api/v1/incidents/${incident}/resolve`, { as: cli.VIGIL_TOKEN, body: {} });
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows, exports, schedules, publishes and shares the post-mortem of a resolved P1', async () => {
    const human = expectSuccess(await vigil('postmortem', 'show', incident));
    expect(field(human, 'incident')).toBe(incident);
    expect(field(human, 'state')).toBe('draft');
    expect(human).toContain('## Impact (v1)\n- **Users affected:** All card payments');
    expect(human).toMatch(/TIMELINE\nAT\s+WHAT/);
    expect(human).toContain('Triggered: Payments down (P1)');
    // `vigil incident note --key` marks the moment the post-mortem keeps; the plain note stays out.
    expect(human).toMatch(/Note by \S+: Switched to the backup acquirer/);
    expect(human).not.toContain('Card network timeouts');

    const md = expectSuccess(await vigil('postmortem', 'show', incident, '--md'));
    expect(md).toMatch(new RegExp(`^# Post-mortem: ${incident} Payments down\\n`));
    const file = path.join(dir, 'pm.pdf');
    expect(expectSuccess(await vigil('postmortem', 'show', incident, '--pdf', file))).toBe(
      `${incident}: post-mortem written to ${file}\n`,
    );
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');

    const early = new Date(resolvedAt.getTime() + 2 * HOUR).toISOString();
    expect(expectSuccess(await vigil('postmortem', 'meeting', incident, '--at', early))).toMatch(
      new RegExp(`^${incident}: post-mortem draft, meeting ${early}\\nwarning: meeting_at: 2 h after resolution`),
    );
    const inside = new Date(resolvedAt.getTime() + 26 * HOUR).toISOString();
    expect(expectSuccess(await vigil('postmortem', 'meeting', incident, '--at', inside))).toBe(
      `${incident}: post-mortem draft, meeting ${inside}\n`,
    );

    const link = JSON.parse(expectSuccess(await vigil('postmortem', 'share', incident, '--json'))) as {
      url: string;
      token: string;
    };
    expect(link.url).toBe(`${String(cli.VIGIL_URL)}/share/postmortems/${link.token}`);
    expect((await fetch(`${link.url}?format=md`)).status).toBe(200);
    expect(expectSuccess(await vigil('postmortem', 'share', incident, '--revoke'))).toBe(
      `${incident}: share link revoked\n`,
    );
    expect((await fetch(link.url)).status).toBe(404);
    expect((await shown()).shared).toBe(false);

    expect(expectSuccess(await vigil('postmortem', 'review', incident))).toMatch(/post-mortem in_review/);
    expect(expectSuccess(await vigil('postmortem', 'publish', incident))).toBe(
      `${incident}: post-mortem published, meeting ${inside}\n`,
    );
  });

  it('refuses bad input with one line and changes nothing', async () => {
    const before = await shown();
    expectOneLineFailure(await vigil('postmortem', 'meeting', incident, '--at', 'tomorrow'), /--at/);
    expectOneLineFailure(await vigil('postmortem', 'meeting', incident), /--at/);
    expectOneLineFailure(await vigil('postmortem', 'publish', incident), /published; it does not change again/);
    expectOneLineFailure(await vigil('postmortem', 'show', 'INC-20000101-0000'), /does not exist/);
    const p2 = await h.call('POST', '/api/v1/incidents', {
      as: cli.VIGIL_TOKEN,
      body: { title: 'Minor', severity: 'P3' },
    });
    expectOneLineFailure(
      await vigil('postmortem', 'show', (p2.json() as { number: string }).number),
      /has no post-mortem/,
    );
    expect(await shown()).toEqual(before);
  });
});
