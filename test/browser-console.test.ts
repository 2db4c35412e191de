// The walk-through in Debian's Chromium against a real `vigil serve`: sign in with the printed
// admin token, an event sent to /v2/enqueue appears in the list without a reload, `a` acknowledges
// it, the incident page resolves it and its timeline shows both; filters narrow the list; a viewer
// sees no acknowledge action and `a` does nothing for them; the list works at phone width. No page
// may log a console error or fail a request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, pageWidth, shot, signIn, startConsole, type Console } from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

describe.skipIf(missing !== null)('the incident console in Chromium', () => {
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

  it(
    'shows a new event live, acknowledges it with `a`, ' + 'resolves it from its page, and the timeline shows both',
    async () => {
      const { page, problems } = await vigil.page(await vigil.context());
      await signIn(page, { token: vigil.adminToken });
      await page.getByRole('heading', { name: 'Incidents' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

      const sent = Date.now();
      await trigger('Checkout latency above 2 s');
      const row = page
        .getByRole('listbox', { name: /Incidents/ })
        .getByRole('option')
        .filter({ hasText: 'Checkout latency above 2 s' });
      await row.waitFor({ timeout: 2_000 });
      const appearedMs = Date.now() - sent;
      expect(appearedMs).toBeLessThan(2_000);
      await expect.poll(() => row.textContent()).toContain('triggered');
      expect(await row.textContent()).toContain('P1');
      expect(await row.textContent()).toMatch(/respond in \d+m/);
      await shot(page, 'incidents-1440');

      await page.keyboard.press('a');
      await expect.poll(() => row.locator('.status').textContent(), { timeout: 5_000 }).toBe('acknowledged');
      const stored = await incidentByTitle('Checkout latency above 2 s');
      expect(stored.status).toBe('acknowledged');

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

  it('filters by status and severity through the URL, and marks several incidents to acknowledge at once', async () => {
    await trigger('Disk 91% on db-1', 'warning');
    await trigger('Payment webhook failures', 'critical');
    await trigger('Queue depth rising', 'critical');
    const { page, problems } = await vigil.page(await vigil.context());
    await signIn(page, { token: vigil.adminToken });
    const rows = page.getByRole('listbox', { name: /Incidents/ }).getByRole('option');
    await expect.poll(() => rows.count()).toBe(3);

    await page.getByRole('checkbox', { name: 'P3' }).check();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Disk 91% on db-1');
    expect(page.url()).toContain('severity=P3');
    await page.getByRole('checkbox', { name: 'P3' }).uncheck();
    await expect.poll(() => rows.count()).toBe(3);

    await page
      .getByRole('checkbox', { name: /Mark .*/ })
      .nth(0)
      .check();
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.getByRole('region', { name: 'Marked incidents' }).getByText('2 marked').waitFor();
    await page.getByRole('button', { name: 'Acknowledge marked' }).click();
    await expect
      .poll(
        async () =>
          (await page.locator('.incident .status').allTextContents()).filter((s) => s === 'acknowledged').length,
        { timeout: 5_000 },
      )
      .toBe(2);

    await page.getByLabel('Status').selectOption('Resolved');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Checkout latency above 2 s');
    await page.getByLabel('Status').selectOption('All');
    await expect.poll(() => rows.count()).toBe(4);
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
    const list = page.getByRole('listbox', { name: /Incidents/ });
    const loaded = async () => Number(await list.getAttribute('data-loaded'));
    await expect.poll(loaded).toBe(100);
    // Scroll to the end until every open incident is loaded.
    for (let guard = 0; guard < 20 && (await loaded()) < before + batch; guard++) {
      await page.mouse.wheel(0, 100_000);
      await page.waitForTimeout(200);
    }
    expect(await loaded()).toBe(before + batch);
    const rendered = await list.getByRole('option').count();
    expect(rendered).toBeLessThanOrEqual(240);
    expect(rendered).toBeLessThan(before + batch);
    // At the end the oldest of the batch is on screen, in its place among all.
    const oldest = list.getByRole('option').filter({ hasText: 'long list 000' });
    await expect.poll(() => oldest.isVisible()).toBe(true);
    expect(await oldest.getAttribute('aria-setsize')).toBe(String(before + batch));
    // Back to the top: the newest rows are rendered again, and j walks past the first window.
    await page.mouse.wheel(0, -1_000_000);
    await expect.poll(() => list.getByRole('option').first().getAttribute('aria-posinset')).toBe('1');
    for (let i = 0; i < 260; i++) await page.keyboard.press('j');
    const focused = list.locator('[aria-selected="true"]');
    await expect.poll(() => focused.getAttribute('aria-posinset')).toBe('261');
    expect(await focused.isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('a viewer sees the list but no acknowledge action, and `a` changes nothing', async () => {
    await trigger('Viewer can only look');
    const { page, problems } = await vigil.page(await vigil.context({ width: 360, height: 780 }));
    await signIn(page, { token: viewerToken });
    const row = page
      .getByRole('listbox', { name: /Incidents/ })
      .getByRole('option')
      .filter({ hasText: 'Viewer can only look' });
    await row.waitFor();
    expect(await page.getByRole('button', { name: /acknowledge/i }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: /Mark/ }).count()).toBe(0);
    await row.click();
    await page.keyboard.press('a');
    await page.waitForTimeout(500);
    expect((await incidentByTitle('Viewer can only look')).status).toBe('triggered');
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    await shot(page, 'incidents-viewer-360');
    expect(problems).toEqual([]);
  });
});
