// The Follow-ups screen in Chromium over follow-ups made through the API (one moved into the past, so it is
// overdue): outstanding ones first with the overdue one on top, adding one through the form (incident,
// kind, owner, a due time typed into the date field), marking one done, refusing "not doing" without a
// reason and accepting it with one, the incident's timeline naming them, and a viewer reading without
// controls. Due times are relative to now, so the suite passes on any day.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  consoleDialects,
  go,
  startConsole,
  type Console,
  signedInPages,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const HOUR = 3_600_000;
const from = (ms: number) => new Date(Date.now() + ms).toISOString();

interface FollowUp {
  id: string;
  title: string;
  status: string;
  reason: string | null;
  owner: string;
  kind: string;
  priority: string;
  due_at: string;
}

describe.skipIf(missing !== null).each(consoleDialects())('the Follow-ups screen in Chromium [%s]', (dialect) => {
  let vigil: Console;
  let viewerToken: string;
  let incident: string;

  beforeAll(async () => {
    vigil = await startConsole({}, dialect);
    await vigil.api('POST', '/api/v1/users', { handle: 'ana', name: 'Ana Lima', email: 'ana@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'ana', role: 'viewer' })).token;
    incident = (
      await vigil.api<{ number: string }>('POST', '/api/v1/incidents', { title: 'Orders DB failover', severity: 'P1' })
    ).number;
    const add = (title: string, dueIn: number, extra: Record<string, unknown> = {}) =>
      vigil.api<FollowUp>('POST', '/api/v1/follow-ups', {
        incident_id: incident,
        title,
        kind: 'technical',
        owner_id: 'admin',
        due_at: from(dueIn),
        ...extra,
      });
    await add('Document the failover', 72 * HOUR, { kind: 'process', priority: 'low' });
    await add('Alert on replica lag', 24 * HOUR, {
      kind: 'monitoring',
      priority: 'urgent',
      external_url: 'https://tracker.example.com/OPS-7',
    });
    const late = await add('Rehearse the failover', HOUR, { kind: 'training' });
    // Corrected afterwards to a due time already past: it is overdue now.
    await vigil.api('PATCH', `/api/v1/follow-ups/${late.id}`, { due_at: from(-2 * HOUR) });
  }, 90_000);

  afterAll(async () => vigil?.close());
  const open = signedInPages(() => vigil, `follow-ups-${dialect}`);

  const titles = (page: Page) =>
    page
      .getByRole('region', { name: 'Follow-ups' })
      .locator('tbody tr td:first-child')
      .evaluateAll((cells) => cells.map((c) => (c.textContent ?? '').split(' — ')[0]?.trim()));
  const row = (page: Page, title: string) =>
    page.getByRole('region', { name: 'Follow-ups' }).locator('tbody tr').filter({ hasText: title });
  const list = async () =>
    (await vigil.api<{ data: FollowUp[] }>('GET', '/api/v1/follow-ups?status=outstanding')).data.map((f) => f.title);

  it('lists outstanding ones overdue first, adds one, marks one done and records why another is not done', async () => {
    const { page, problems } = await open('/follow-ups');
    await page.getByRole('heading', { name: 'Follow-ups', level: 1 }).waitFor();
    await expect
      .poll(() => titles(page))
      .toEqual(['Rehearse the failover', 'Alert on replica lag', 'Document the failover']);
    await page.getByRole('heading', { name: /3 follow-ups\s*1 overdue/ }).waitFor();
    expect(await row(page, 'Rehearse the failover').textContent()).toMatch(/overdue, was due 2 hr\. ago/);
    expect(await row(page, 'Alert on replica lag').textContent()).toMatch(/Urgent.*due (tomorrow|in 2[34] hr\.)/);
    expect(
      await row(page, 'Alert on replica lag')
        .getByRole('link', { name: /in the issue tracker/ })
        .getAttribute('href'),
    ).toBe('https://tracker.example.com/OPS-7');

    // Add one: the incident, what, kind, owner and a due time at the end of next year.
    const form = page.getByRole('form', { name: 'Add a follow-up' });
    await form.getByLabel('Incident').fill(incident);
    await form.getByLabel('What to do').fill('Raise the connection limit');
    await form.getByRole('button', { name: /Kind$/ }).click();
    await page.getByRole('option', { name: 'Technical' }).click();
    await form.getByRole('button', { name: /Owner$/ }).click();
    await page.getByRole('option', { name: 'Ana Lima (@ana)' }).click();
    const year = new Date().getFullYear() + 1;
    await form.getByRole('group', { name: 'Due' }).getByRole('spinbutton').first().focus();
    await page.keyboard.type(`1231${year}1000`);
    await page.keyboard.type('A');
    await form.getByRole('button', { name: 'Add follow-up' }).click();
    await page.getByText(`Follow-up added for ${incident}`).first().waitFor();
    const added = (await vigil.api<{ data: FollowUp[] }>('GET', '/api/v1/follow-ups?owner_id=ana')).data;
    expect(added).toMatchObject([{ title: 'Raise the connection limit', kind: 'technical', priority: 'medium' }]);
    expect(new Date(added[0]?.due_at as string).getFullYear()).toBe(year);
    await expect.poll(() => titles(page)).toContain('Raise the connection limit');

    // Done: it leaves the outstanding list.
    await row(page, 'Document the failover').getByRole('button', { name: 'Actions for Document the failover' }).click();
    await page.getByRole('menuitem', { name: 'Mark done' }).click();
    await expect.poll(() => titles(page)).not.toContain('Document the failover');
    expect(await list()).not.toContain('Document the failover');

    // Not doing: refused without a reason (the server's message in the dialog), recorded with one.
    await row(page, 'Rehearse the failover').getByRole('button', { name: 'Actions for Rehearse the failover' }).click();
    await page.getByRole('menuitem', { name: 'Not doing…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Not doing this follow-up?' });
    await dialog.getByRole('button', { name: 'Record why' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/reason/)
      .waitFor();
    await dialog.getByLabel('Reason').fill('the quarterly game day covers it');
    await dialog.getByRole('button', { name: 'Record why' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => titles(page)).toEqual(['Alert on replica lag', 'Raise the connection limit']);

    // Every state, closed ones after the open ones, the reason beside the one not done.
    await page.getByRole('button', { name: /State$/ }).click();
    await page.getByRole('option', { name: 'Any' }).click();
    await expect.poll(() => titles(page)).toHaveLength(4);
    expect(await row(page, 'Rehearse the failover').textContent()).toContain('the quarterly game day covers it');
    const all = (await vigil.api<{ data: FollowUp[] }>('GET', '/api/v1/follow-ups')).data;
    expect(all.find((f) => f.title === 'Rehearse the failover')).toMatchObject({
      status: 'not_doing',
      reason: 'the quarterly game day covers it',
    });

    // The incident's timeline names them.
    await go(page, `/incidents/${incident}`);
    await page.getByText('Follow-up done: Document the failover').first().waitFor();
    await page.getByText('Follow-up not being done: Rehearse the failover').first().waitFor();
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });

  it('shows a viewer the list without actions or the form', async () => {
    const { page, problems } = await open('/follow-ups', viewerToken);
    await expect.poll(() => titles(page)).toEqual(['Alert on replica lag', 'Raise the connection limit']);
    expect(await page.getByRole('button', { name: /^Actions for/ }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Add a follow-up' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Mine' }).check();
    await expect.poll(() => titles(page)).toEqual(['Raise the connection limit']);
    expect(problems).toEqual([]);
  });
});
