// The post-mortem page in Chromium. A P1 incident made, acknowledged and resolved through the API gets its
// post-mortem drafted; from the incident's header the page opens: the summary edited with its preview showing
// rendered Markdown, a save refused because the section changed behind the page's back (the message shown,
// the typed text kept, then saved over theirs), a meeting outside the 24–72 h window (the warning shown) and
// inside it (gone), one timeline entry left out and another annotated, review and publishing (asked first),
// the Markdown export, a share link read without signing in and revoked. A viewer reads a draft without
// controls; a resolved P3 incident's post-mortem is started from its page. Times are relative to now.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  consoleDialects,
  shot,
  startConsole,
  type Console,
  signedInPages,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const HOUR = 3_600_000;

interface Postmortem {
  id: string;
  state: string;
  meeting_at: string | null;
  warnings: string[];
  sections: Array<{ key: string; text: string; version: number }>;
  timeline: Array<{ entry_id: string; summary: string; included: boolean; annotation: string | null }>;
}

const FIRST_SUMMARY = '## What happened\n\n- The primary database failed over\n- Orders queued for 12 minutes';
const SUMMARY = `${FIRST_SUMMARY}\n\nThe replica lagged behind.`;

describe.skipIf(missing !== null).each(consoleDialects())('the post-mortem page in Chromium [%s]', (dialect) => {
  let vigil: Console;
  let viewerToken: string;
  let p1: string;
  let p0: string;
  let p3: string;

  /** An incident made, acknowledged and resolved through the API; its number. */
  async function resolved(title: string, severity: string): Promise<string> {
    const { id, number } = await vigil.api<{ id: string; number: string }>('POST', '/api/v1/incidents', {
      title,
      severity,
    });
    await vigil.api('POST', `/api/v1/incidents/${id}/acknowledge`, {});
    await vigil.api('POST', `/api/v1/incidents/${id}/resolve`, { note: 'failed back to the primary' });
    return number;
  }

  beforeAll(async () => {
    vigil = await startConsole({}, dialect);
    await vigil.api('POST', '/api/v1/users', { handle: 'ana', name: 'Ana Lima', email: 'ana@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'ana', role: 'viewer' })).token;
    p1 = await resolved('Orders DB failover', 'P1');
    p0 = await resolved('Checkout down', 'P0');
    p3 = await resolved('Slow search suggestions', 'P3');
  }, 90_000);

  afterAll(async () => vigil?.close());
  const open = signedInPages(() => vigil, `postmortem-${dialect}`);

  const read = (number: string) => vigil.api<Postmortem>('GET', `/api/v1/incidents/${number}/postmortem`);
  const section = (pm: Postmortem, key: string) => pm.sections.find((s) => s.key === key);

  /** Types `at` into the meeting field, segment by segment in the browser's zone (month, day, year, hour, minute). */
  async function typeMeeting(page: Page, at: Date) {
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    );
    const field = page.getByRole('form', { name: 'Meeting time' }).getByRole('group', { name: 'Meeting at' });
    await field.getByRole('spinbutton').first().focus();
    await page.keyboard.type(`${parts.month}${parts.day}${parts.year}${parts.hour}${parts.minute}`);
  }

  it('edits, survives a conflicting save, schedules, curates the timeline, publishes, exports and shares', async () => {
    // The incident's header links to the post-mortem drafted when it resolved.
    const { page, problems } = await open(`/incidents/${p1}`);
    await page.getByRole('heading', { name: new RegExp(`${p1}.*Orders DB failover`), level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Post-mortem', exact: true }).click();
    await page.waitForURL(`**/incidents/${p1}/postmortem`);
    await page.getByRole('heading', { name: `Post-mortem: ${p1} Orders DB failover`, level: 1 }).waitFor();
    await page.getByText('Draft', { exact: true }).first().waitFor();
    await page
      .getByRole('region', { name: 'Impact' })
      .getByText(/Users affected/)
      .waitFor();

    // The summary, written as Markdown and previewed rendered.
    const summary = page.getByRole('region', { name: 'Summary', exact: true });
    await summary.getByRole('button', { name: 'Edit Summary' }).click();
    await summary.getByLabel('Summary (Markdown)').fill(FIRST_SUMMARY);
    await summary.getByRole('button', { name: 'Preview' }).click();
    const preview = summary.getByRole('region', { name: 'Summary preview' });
    await preview.getByRole('heading', { name: 'What happened', level: 2 }).waitFor();
    await preview.getByRole('listitem').filter({ hasText: 'The primary database failed over' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await summary.getByRole('button', { name: 'Save summary' }).click();
    await page.getByText('Summary saved').first().waitFor();
    await summary.getByRole('heading', { name: 'What happened' }).waitFor();
    await expect.poll(async () => section(await read(p1), 'summary')?.version).toBe(2);

    // Someone saves the summary behind the page's back: the page's save is refused, says so and keeps the text.
    await summary.getByRole('button', { name: 'Edit Summary' }).click();
    await summary.getByLabel('Summary (Markdown)').fill(SUMMARY);
    await vigil.api('PUT', `/api/v1/incidents/${p1}/postmortem/sections/summary`, {
      text: 'Theirs: a config push',
      version: 2,
    });
    await summary.getByRole('button', { name: 'Save summary' }).click();
    const conflict = summary.getByRole('alert');
    await conflict
      .getByText(/Someone else saved this section \(version 3\) while you edited; your text is kept/)
      .waitFor();
    expect(await summary.getByLabel('Summary (Markdown)').inputValue()).toBe(SUMMARY);
    await shot(page, `postmortem-conflict-${dialect}`);
    await conflict.getByText('Their version (3)').click();
    await conflict.getByText('Theirs: a config push').waitFor();
    expect(section(await read(p1), 'summary')).toMatchObject({ text: 'Theirs: a config push', version: 3 });
    await conflict.getByRole('button', { name: 'Overwrite with mine' }).click();
    await page.getByText('Summary saved').first().waitFor();
    await expect.poll(async () => section(await read(p1), 'summary')).toMatchObject({ text: SUMMARY, version: 4 });
    await summary.getByText('The replica lagged behind.').waitFor();

    // The meeting: outside the window the server's warning shows; inside it, it goes.
    const meeting = page.getByRole('region', { name: 'Meeting', exact: true });
    await meeting.getByText(/^24–72 h after the resolve: from /).waitFor();
    await typeMeeting(page, new Date(Date.now() + 3 * HOUR));
    await meeting.getByRole('button', { name: 'Save meeting' }).click();
    const warning = meeting.getByRole('status', { name: 'Meeting warning' });
    await warning.getByText(/Outside the window\. The meeting is \d+(\.\d)? h after resolution/).waitFor();
    expect((await read(p1)).warnings).toHaveLength(1);
    await typeMeeting(page, new Date(Date.now() + 48 * HOUR));
    await meeting.getByRole('button', { name: 'Save meeting' }).click();
    await expect.poll(() => warning.count()).toBe(0);
    const scheduled = await read(p1);
    expect(scheduled.warnings).toEqual([]);
    expect(Math.abs(Date.parse(scheduled.meeting_at as string) - (Date.now() + 48 * HOUR))).toBeLessThan(HOUR);

    // The timeline: the acknowledgement left out, the resolve annotated.
    const entries = page.getByRole('list', { name: 'Timeline entries' });
    await entries.getByRole('checkbox', { name: /^Include “Acknowledged by/ }).uncheck();
    await page.getByText('Left out of the post-mortem timeline').first().waitFor();
    const resolve = entries.getByRole('listitem').filter({ hasText: /Resolved by/ });
    await resolve.getByRole('textbox', { name: /^Annotation for “Resolved by/ }).fill('Rolled back the config push');
    await resolve.getByRole('button', { name: 'Save annotation' }).click();
    await page.getByText('Annotation saved').first().waitFor();
    const curated = (await read(p1)).timeline;
    expect(curated.find((t) => t.summary.startsWith('Acknowledged by'))?.included).toBe(false);
    expect(curated.find((t) => t.summary.startsWith('Resolved by'))).toMatchObject({
      included: true,
      annotation: 'Rolled back the config push',
    });

    // A follow-up out of the review, linked to the post-mortem, listed among its action items.
    const form = page.getByRole('form', { name: 'Add a follow-up' });
    await form.getByLabel('What to do').fill('Alert on replica lag');
    const year = new Date().getFullYear() + 1;
    await form.getByRole('group', { name: 'Due' }).getByRole('spinbutton').first().focus();
    await page.keyboard.type(`1231${year}1000`);
    await form.getByRole('button', { name: 'Add follow-up' }).click();
    await page.getByText('Follow-up added: Alert on replica lag').first().waitFor();
    await page.getByRole('region', { name: 'Follow-ups of the incident' }).getByText('Alert on replica lag').waitFor();
    const items = await vigil.api<{ data: Array<{ title: string; postmortem_id: string | null }> }>(
      'GET',
      `/api/v1/follow-ups?incident_id=${p1}`,
    );
    expect(items.data).toMatchObject([{ title: 'Alert on replica lag', postmortem_id: (await read(p1)).id }]);

    // Review, then publish, which asks first and says it is final.
    await page.getByRole('button', { name: 'Send for review' }).click();
    await page.getByText('In review', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish the post-mortem?' });
    await dialog.getByText(/Publishing is final/).waitFor();
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await page
      .getByRole('note')
      .getByText(/Published: this post-mortem is final/)
      .waitFor();
    expect((await read(p1)).state).toBe('published');
    expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save meeting' }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);

    // The Markdown export downloads with the summary and the annotation in it.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('group', { name: 'Export' }).getByRole('link', { name: 'Markdown' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${p1}-postmortem.md`);
    const exported = fs.readFileSync(await download.path(), 'utf8');
    expect(exported).toContain('The replica lagged behind.');
    expect(exported).toContain('Rolled back the config push');

    // A share link, shown once, read without signing in; revoked, it stops working.
    await page.getByRole('button', { name: 'Create a share link' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toMatch(new RegExp(`^${vigil.url}/share/postmortems/`));
    const shared = await fetch(`${link}?format=md`);
    expect(shared.status).toBe(200);
    expect(await shared.text()).toContain('The replica lagged behind.');
    await page.getByRole('button', { name: 'Revoke share link' }).click();
    await page.getByText('Share link revoked').first().waitFor();
    expect((await fetch(link)).status).toBe(404);

    expect(await axeSerious(page)).toEqual([]);
    await shot(page, `postmortem-${dialect}`);
    // The one refused save (409) is the console's only complaint.
    expect(problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
  });

  it('shows a viewer a draft to read, without controls', async () => {
    const { page, problems } = await open(`/incidents/${p0}`, viewerToken);
    await page.getByRole('link', { name: 'Post-mortem', exact: true }).click();
    await page.getByRole('heading', { name: `Post-mortem: ${p0} Checkout down`, level: 1 }).waitFor();
    await page
      .getByRole('note')
      .getByText(/read-only access/)
      .waitFor();
    await page.getByText('Draft', { exact: true }).first().waitFor();
    for (const name of [/^Edit /, /Send for review/, /Save meeting/, /share link/, /Add follow-up/])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('textbox').count()).toBe(0);
    await page.getByRole('link', { name: 'PDF' }).waitFor();
    await page.getByRole('link', { name: 'Open the Follow-ups screen' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('starts the post-mortem of a resolved P3 incident from its page', async () => {
    const { page, problems } = await open(`/incidents/${p3}`);
    await page.getByRole('button', { name: 'Start post-mortem' }).click();
    await page.getByRole('heading', { name: `Post-mortem: ${p3} Slow search suggestions`, level: 1 }).waitFor();
    expect((await read(p3)).state).toBe('draft');
    // Back on the incident, its header now links to it.
    await page.getByRole('link', { name: `← ${p3}` }).click();
    await page.getByRole('link', { name: 'Post-mortem', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Start post-mortem' }).count()).toBe(0);
    await shot(page, `postmortem-incident-link-${dialect}`);
    expect(problems).toEqual([]);
  });
});
