// The incident list in Debian's Chromium against a real `vigil serve`: the empty list says what to do
// next; sign in with the printed admin token, an event sent to /v2/enqueue appears in the list without
// a reload, `a` acknowledges it, the incident page resolves it and its timeline shows both; the chips
// count by status and severity and filter through the URL, saved filters are links that reproduce a
// view; rows are selected to acknowledge or resolve at once, or changed from their menu; a long list
// keeps only a window in the page; a viewer sees no acknowledge or resolve control and `a` does nothing
// for them. At 1280 and 360 px, light and dark: no serious accessibility finding, no sideways scroll.
// No page may log a console error or fail a request.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  pageWidth,
  shot,
  signIn,
  startConsole,
  type Console,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

/** The list's table and its incident rows (the header row and the spacers left out). */
const table = (page: Page) => page.getByRole('table', { name: /Incidents/ });
const incidentRows = (page: Page) => table(page).locator('tbody tr[data-row]');
const chip = (page: Page, group: 'Status' | 'Severity', name: string) =>
  page.getByRole('group', { name: group }).getByRole('button', { name: new RegExp(`^${name}\\b`) });
/** The number a chip shows. */
const chipCount = async (page: Page, group: 'Status' | 'Severity', name: string) =>
  Number((await chip(page, group, name).locator('.ui-chip-count').textContent())?.replace(/,/g, ''));

describe.skipIf(missing !== null)('the incident list in Chromium', () => {
  let vigil: Console;
  let service: { id: string; integration_key: string };
  let viewerToken: string;

  const trigger = async (summary: string, severity = 'critical') => {
    const response = await fetch(`${vigil.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: service.integration_key,
        event_action: 'trigger',
        payload: { summary, source: 'browser-test', severity },
      }),
    });
    expect(response.status).toBe(202);
  };
  const incidentByTitle = async (title: string) => {
    const list = await vigil.api<{ data: { id: string; number: string; title: string; status: string }[] }>(
      'GET',
      '/api/v1/incidents?status=triggered,acknowledged,resolved&limit=200',
    );
    const found = list.data.find((i) => i.title === title);
    if (!found) throw new Error(`no incident titled ${title}`);
    return found;
  };
  /** Every screen size and colour scheme the list is checked in. */
  const looks = async (
    token: string,
    name: string,
    check: (page: Page, width: number) => Promise<void> = async () => undefined,
  ) => {
    for (const width of [1280, 360])
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await vigil.browser.newContext({
          baseURL: vigil.url,
          viewport: { width, height: width > 600 ? 900 : 780 },
          colorScheme,
        });
        try {
          const { page, problems } = await vigil.page(context);
          await signIn(page, { token });
          await page.getByRole('heading', { name: 'Incidents' }).waitFor();
          await check(page, width);
          expect(await axeSerious(page), `${width} px ${colorScheme}`).toEqual([]);
          expect(await pageWidth(page), `${width} px ${colorScheme}`).toBeLessThanOrEqual(width);
          await shot(page, `${name}-${width}-${colorScheme}`);
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      }
  };

  beforeAll(async () => {
    vigil = await startConsole();
    service = await vigil.api('POST', '/api/v1/services', { name: 'checkout-api' });
    const viewer = await vigil.api<{ id: string }>('POST', '/api/v1/users', {
      handle: 'vera',
      name: 'Vera Viewer',
      email: 'vera@example.test',
    });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: viewer.id, role: 'viewer' }))
      .token;
  }, 60_000);
  afterAll(async () => vigil?.close());

  it('with nothing open, says so and points to the services, at every size and in both themes', async () => {
    await looks(vigil.adminToken, 'incidents-empty', async (page) => {
      await page.getByText('No open incidents').waitFor();
      expect(await page.getByRole('link', { name: 'Go to services' }).getAttribute('href')).toBe('/services');
      await expect.poll(() => chipCount(page, 'Status', 'Open')).toBe(0);
    });
  }, 90_000);

  it(
    'shows a new event live, acknowledges it with `a`, ' + 'resolves it from its page, and the timeline shows both',
    async () => {
      const { page, problems } = await vigil.page(await vigil.context({ width: 1280, height: 900 }));
      await signIn(page, { token: vigil.adminToken });
      await page.getByRole('heading', { name: 'Incidents' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

      const sent = Date.now();
      await trigger('Checkout latency above 2 s');
      const row = incidentRows(page).filter({ hasText: 'Checkout latency above 2 s' });
      await row.waitFor({ timeout: 2_000 });
      const appearedMs = Date.now() - sent;
      expect(appearedMs).toBeLessThan(2_000);
      await expect.poll(() => row.locator('.il-status').textContent()).toBe('Triggered');
      expect(await row.locator('.il-sev').textContent()).toBe('P1');
      expect(await row.textContent()).toMatch(/respond in \d+m/);
      expect(await row.locator('.il-service').textContent()).toBe('checkout-api');
      expect(await row.locator('.il-commander').textContent()).toBe('Unassigned');
      await expect.poll(() => chipCount(page, 'Status', 'Triggered')).toBe(1);

      await page.keyboard.press('a');
      await expect.poll(() => row.locator('.il-status').textContent(), { timeout: 5_000 }).toBe('Acknowledged');
      const stored = await incidentByTitle('Checkout latency above 2 s');
      expect(stored.status).toBe('acknowledged');
      // Acknowledging makes the admin the commander, and the counts follow.
      await expect.poll(() => row.locator('.il-commander').textContent(), { timeout: 5_000 }).not.toBe('Unassigned');
      await expect.poll(() => chipCount(page, 'Status', 'Acknowledged')).toBe(1);
      expect(await chipCount(page, 'Status', 'Triggered')).toBe(0);
      await shot(page, 'incidents-1280');

      await page.keyboard.press('Enter');
      await page.waitForURL(`**/incidents/${stored.number}`);
      await page.getByRole('button', { name: 'Resolve', exact: true }).click();
      await expect
        .poll(async () => (await incidentByTitle('Checkout latency above 2 s')).status, { timeout: 5_000 })
        .toBe('resolved');
      const timeline = page.getByRole('list', { name: 'Timeline' });
      await expect.poll(() => timeline.textContent(), { timeout: 5_000 }).toMatch(/resolved/i);
      expect(await timeline.textContent()).toMatch(/acknowledged/i);
      await shot(page, 'incident-resolved-1440');
      expect(problems).toEqual([]);
    },
  );

  it('filters with chips counting by status and severity, kept in the URL; acknowledges selected rows', async () => {
    await trigger('Disk 91% on db-1', 'warning');
    await trigger('Payment webhook failures', 'critical');
    await trigger('Queue depth rising', 'critical');
    const { page, problems } = await vigil.page(await vigil.context({ width: 1280, height: 900 }));
    await signIn(page, { token: vigil.adminToken });
    const rows = incidentRows(page);
    await expect.poll(() => rows.count()).toBe(3);
    await expect.poll(() => chipCount(page, 'Status', 'Open')).toBe(3);
    expect(await chipCount(page, 'Status', 'Resolved')).toBe(1);
    expect(await chipCount(page, 'Status', 'All')).toBe(4);
    expect(await chipCount(page, 'Severity', 'P1')).toBe(2);
    expect(await chipCount(page, 'Severity', 'P3')).toBe(1);
    expect(await chip(page, 'Status', 'Open').getAttribute('aria-pressed')).toBe('true');

    await chip(page, 'Severity', 'P3').click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Disk 91% on db-1');
    expect(page.url()).toContain('severity=P3');
    expect(await chip(page, 'Severity', 'P3').getAttribute('aria-pressed')).toBe('true');
    // A status chip counts within the chosen severity.
    expect(await chipCount(page, 'Status', 'Open')).toBe(1);
    await chip(page, 'Severity', 'P3').click();
    await expect.poll(() => rows.count()).toBe(3);

    await page
      .getByRole('checkbox', { name: /Select INC-/ })
      .nth(0)
      .check();
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const bulk = page.getByRole('region', { name: 'Selected incidents' });
    await bulk.getByText('2 incidents selected').waitFor();
    await bulk.getByRole('button', { name: 'Acknowledge 2' }).click();
    await expect
      .poll(
        async () => (await page.locator('.il-status').allTextContents()).filter((s) => s === 'Acknowledged').length,
        {
          timeout: 5_000,
        },
      )
      .toBe(2);
    await page.getByText('2 incidents acknowledged').waitFor();
    await expect.poll(() => chipCount(page, 'Status', 'Acknowledged')).toBe(2);

    await chip(page, 'Status', 'Resolved').click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Checkout latency above 2 s');
    expect(page.url()).toContain('status=resolved');
    await chip(page, 'Status', 'All').click();
    await expect.poll(() => rows.count()).toBe(4);

    // A filter that matches nothing says so and offers the way back.
    await page.goto('/incidents?status=resolved&severity=P0');
    await page.getByText('No incidents match these filters').waitFor();
    await page.getByRole('button', { name: 'Show all open incidents' }).click();
    await expect.poll(() => rows.count()).toBe(3);
    expect(new URL(page.url()).search).toBe('');
    expect(problems).toEqual([]);
  });

  it('offers saved filters as links that reproduce a view; acts from a row menu and on selected rows', async () => {
    const { page, problems } = await vigil.page(await vigil.context({ width: 1280, height: 900 }));
    await signIn(page, { token: vigil.adminToken });
    const rows = incidentRows(page);
    await expect.poll(() => rows.count()).toBe(3);
    const saved = page.getByRole('navigation', { name: 'Saved filters' });
    expect(await saved.getByRole('link', { name: 'All open' }).getAttribute('aria-current')).toBe('page');

    await saved.getByRole('link', { name: 'Needs a responder' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Disk 91% on db-1');
    expect(await chip(page, 'Status', 'Triggered').getAttribute('aria-pressed')).toBe('true');
    const link = page.url();
    expect(link).toContain('status=triggered');
    // A triggered row's menu offers all three; Escape closes it and gives the focus back to its button.
    const disk = await incidentByTitle('Disk 91% on db-1');
    const diskMenu = rows.first().getByRole('button', { name: `Actions for ${disk.number}` });
    await diskMenu.click();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['Acknowledge', 'Resolve', 'Open']);
    expect(await axeSerious(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('menuitem').count()).toBe(0);
    expect(await diskMenu.evaluate((el) => el === document.activeElement)).toBe(true);

    // The same link in another browser shows the same view.
    const other = await vigil.page(await vigil.context({ width: 1280, height: 900 }));
    await signIn(other.page, { token: vigil.adminToken });
    await other.page.goto(link);
    await expect.poll(() => incidentRows(other.page).count()).toBe(1);
    expect(
      await other.page
        .getByRole('navigation', { name: 'Saved filters' })
        .getByRole('link', { name: 'Needs a responder' })
        .getAttribute('aria-current'),
    ).toBe('page');
    expect(other.problems).toEqual([]);

    await saved.getByRole('link', { name: 'Open P0/P1' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await chip(page, 'Severity', 'P1').getAttribute('aria-pressed')).toBe('true');
    expect(await chip(page, 'Severity', 'P0').getAttribute('aria-pressed')).toBe('true');

    // The row menu: acknowledge is not offered once acknowledged; resolve takes the row out of the open list.
    const queue = rows.filter({ hasText: 'Queue depth rising' });
    const { number } = await incidentByTitle('Queue depth rising');
    await queue.getByRole('button', { name: `Actions for ${number}` }).click();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['Resolve', 'Open']);
    await page.getByRole('menuitem', { name: 'Resolve' }).click();
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(1);
    expect((await incidentByTitle('Queue depth rising')).status).toBe('resolved');

    // Resolving a selection asks first.
    await rows.first().getByRole('checkbox').check();
    await page.getByRole('region', { name: 'Selected incidents' }).getByRole('button', { name: 'Resolve 1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve 1 incident?' });
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('No incidents match these filters').waitFor({ timeout: 5_000 });
    expect((await incidentByTitle('Payment webhook failures')).status).toBe('resolved');
    expect(await chipCount(page, 'Status', 'Open')).toBe(0);
    expect(problems).toEqual([]);
  });

  it('keeps only a window of a long list in the page, following the scroll and the j/k focus', async () => {
    const before = (
      await vigil.api<{ data: unknown[] }>('GET', '/api/v1/incidents?limit=200&status=triggered,acknowledged')
    ).data.length;
    const batch = 320;
    for (let i = 0; i < batch; i += 40)
      await Promise.all(
        Array.from({ length: 40 }, (_, j) => trigger(`long list ${String(i + j).padStart(3, '0')}`, 'warning')),
      );
    const { page, problems } = await vigil.page(await vigil.context());
    await signIn(page, { token: vigil.adminToken });
    const list = table(page);
    const loaded = async () => Number(await list.getAttribute('data-loaded'));
    await expect.poll(loaded).toBe(100);
    await expect.poll(() => chipCount(page, 'Status', 'Open')).toBe(before + batch);
    // Scroll to the end until every open incident is loaded.
    for (let guard = 0; guard < 20 && (await loaded()) < before + batch; guard++) {
      await page.mouse.wheel(0, 100_000);
      await page.waitForTimeout(200);
    }
    expect(await loaded()).toBe(before + batch);
    const rendered = await incidentRows(page).count();
    expect(rendered).toBeLessThanOrEqual(240);
    expect(rendered).toBeLessThan(before + batch);
    // At the end the oldest of the batch is on screen, in its place among all.
    const oldest = incidentRows(page).filter({ hasText: 'long list 000' });
    await expect.poll(() => oldest.isVisible()).toBe(true);
    expect(await list.getAttribute('aria-rowcount')).toBe(String(before + batch + 1));
    // Back to the top: the newest rows are rendered again, and j walks past the first window.
    await page.mouse.wheel(0, -1_000_000);
    await expect.poll(() => incidentRows(page).first().getAttribute('aria-rowindex')).toBe('2');
    for (let i = 0; i < 260; i++) await page.keyboard.press('j');
    const focused = list.locator('tr[aria-current="true"]');
    await expect.poll(() => focused.getAttribute('aria-rowindex')).toBe('262');
    expect(await focused.isVisible()).toBe(true);
    // The focused row holds the keyboard focus (a roving tab stop), so a screen reader reads it.
    expect(await focused.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await list.locator('tr[tabindex="0"]').count()).toBe(1);
    expect(await axeSerious(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('a viewer sees the list but no acknowledge or resolve control, and `a` changes nothing', async () => {
    await trigger('Viewer can only look');
    const { page, problems } = await vigil.page(await vigil.context({ width: 360, height: 780 }));
    await signIn(page, { token: viewerToken });
    const row = incidentRows(page).filter({ hasText: 'Viewer can only look' });
    await row.waitFor();
    // (The chips "Acknowledged" and "Resolved" filter; no control changes an incident.)
    expect(await page.getByRole('button', { name: /^(acknowledge|resolve)\b/i }).count()).toBe(0);
    expect(await page.getByRole('menuitem').count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await row.locator('.il-age').click();
    await page.keyboard.press('a');
    await page.waitForTimeout(500);
    expect((await incidentByTitle('Viewer can only look')).status).toBe('triggered');
    const { number } = await incidentByTitle('Viewer can only look');
    await row.getByRole('button', { name: `Actions for ${number}` }).click();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['Open']);
    await page.keyboard.press('Escape');
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    await shot(page, 'incidents-viewer-360');
    expect(problems).toEqual([]);
  });

  it('fits 1280 and 360 px in light and dark: a table, then compact cards', async () => {
    await looks(vigil.adminToken, 'incidents', async (page, width) => {
      const row = incidentRows(page).filter({ hasText: 'Viewer can only look' });
      await row.waitFor();
      const box = await row.boundingBox();
      expect(box?.width).toBeLessThanOrEqual(width);
      // The table header is shown on a wide screen; on a phone each row is a card of its own.
      const header = await table(page).locator('thead').boundingBox();
      expect((header?.height ?? 0) > 1).toBe(width > 600);
      expect(await row.locator('.il-commander').isVisible()).toBe(width > 600);
      expect(await row.getByRole('button', { name: /Actions for/ }).isVisible()).toBe(true);
    });
    await looks(viewerToken, 'incidents-viewer');
  }, 180_000);
});
