// The incident page's runbook checklist in Chromium: a real `vigil serve` imports the seed's runbook at
// start, so a new incident carries its steps. A responder ticks a step by hand and unticks it, the
// acknowledge completes "Acknowledge the alert" by itself, both show on the timeline in words, and a viewer
// reads the checklist with marks instead of boxes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, consoleDialects, go, signIn, startConsole, type Console } from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

describe.skipIf(missing !== null).each(consoleDialects())('the incident checklist in Chromium [%s]', (dialect) => {
  let vigil: Console;
  let viewerToken: string;
  let incident: { id: string; number: string };
  let total: number;

  beforeAll(async () => {
    vigil = await startConsole({}, dialect);
    await vigil.api('POST', '/api/v1/users', { handle: 'vic', name: 'Vic Viewer', email: 'vic@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'vic', role: 'viewer' })).token;
    incident = await vigil.api('POST', '/api/v1/incidents', { title: 'Search is slow', severity: 'P2' });
    total = (await vigil.api<{ total: number }>('GET', `/api/v1/incidents/${incident.id}/checklist`)).total;
  }, 90_000);
  afterAll(async () => vigil?.close());

  async function open(token = vigil.adminToken): Promise<{ page: Page; problems: string[] }> {
    const watched = await vigil.page(await vigil.context());
    await signIn(watched.page, { token });
    await go(watched.page, `/incidents/${incident.number}`);
    return watched;
  }
  const panel = (page: Page) => page.getByRole('region', { name: /^Checklist/ });
  const phase1 = (page: Page) => panel(page).getByRole('list', { name: /^Phase 1/ });

  it('ticks and unticks by hand, completes the acknowledge step by itself, and says so on the timeline', async () => {
    expect(total).toBeGreaterThan(40);
    const { page, problems } = await open();
    await expect.poll(() => panel(page).getByRole('heading', { level: 2 }).textContent()).toMatch(`0 of ${total} done`);
    const verify = phase1(page).getByRole('checkbox', { name: 'Verify the alert is authentic' });
    await verify.check();
    await expect.poll(() => panel(page).getByRole('heading', { level: 2 }).textContent()).toMatch(`1 of ${total} done`);
    await expect
      .poll(() => phase1(page).locator('li').filter({ hasText: 'Verify the alert is authentic' }).textContent())
      .toMatch(/ticked by admin/);
    await page.getByText('Checklist: Verify the alert is authentic done').first().waitFor();

    await verify.uncheck();
    await expect.poll(() => panel(page).getByRole('heading', { level: 2 }).textContent()).toMatch(`0 of ${total} done`);
    await page.getByText('Checklist: Verify the alert is authentic reopened').first().waitFor();

    // The acknowledge (here through the API) completes its step by itself; the page follows.
    await vigil.api('POST', `/api/v1/incidents/${incident.id}/acknowledge`, {});
    await expect
      .poll(() => phase1(page).locator('li').filter({ hasText: 'Acknowledge the alert' }).textContent(), {
        timeout: 15_000,
      })
      .toMatch(/done by itself: the incident was acknowledged/);
    expect(await phase1(page).getByRole('checkbox', { name: 'Acknowledge the alert' }).isChecked()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('shows a viewer the checklist with marks, not boxes', async () => {
    const { page, problems } = await open(viewerToken);
    const acknowledge = phase1(page).locator('li').filter({ hasText: 'Acknowledge the alert' });
    await acknowledge.getByRole('img', { name: 'done' }).waitFor();
    expect(
      await phase1(page)
        .locator('li')
        .filter({ hasText: 'Verify the alert' })
        .getByRole('img')
        .getAttribute('aria-label'),
    ).toBe('open');
    expect(await panel(page).getByRole('checkbox').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
