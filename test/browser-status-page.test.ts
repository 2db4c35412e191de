// The public status page in a real browser (Debian's Chromium), on both dialects: served by `vigil serve`
// with a P0 outage on one component and a published update, read at 1280 and 360 px, in light and dark,
// with JavaScript on (no errors) and off (everything shows, and the subscribe form works as a plain form).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, consoleDialects, shot, startConsole, type Console } from './browser-harness.js';

const skip = browserUnavailable();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Json = any;

for (const dialect of consoleDialects()) {
  describe.skipIf(skip)(`the public status page in a browser (${dialect})`, () => {
    let c: Console;

    beforeAll(async () => {
      c = await startConsole({}, dialect);
      await c.api('PATCH', '/api/v1/status/page', { name: 'Example Shop' });
      const checkout = await c.api<Json>('POST', '/api/v1/services', { name: 'checkout' });
      const search = await c.api<Json>('POST', '/api/v1/services', { name: 'search' });
      await c.api('POST', '/api/v1/status/components', {
        name: 'Checkout API',
        group: 'Shop',
        service_ids: [checkout.id],
      });
      await c.api('POST', '/api/v1/status/components', { name: 'Search', group: 'Shop', service_ids: [search.id] });
      await c.api('POST', '/api/v1/status/components', { name: 'Website', description: 'www and the docs' });
      await c.enqueue({
        routing_key: checkout.integration_key,
        event_action: 'trigger',
        payload: { summary: 'internal: pg-3 lost quorum', source: 'pg-3', severity: 'critical', class: 'outage' },
      });
      const incident = (await c.api<Json>('GET', `/api/v1/incidents?service_id=${checkout.id}`)).data[0];
      await c.api('POST', `/api/v1/incidents/${incident.id}/status-updates`, {
        status: 'identified',
        name: 'Checkout unavailable',
        body: 'Payments fail at checkout.\nWe have found the cause and are fixing it.',
        impact: 'critical',
      });
    }, 120_000);
    afterAll(async () => {
      await c?.close();
    });

    for (const width of [1280, 360]) {
      for (const javaScriptEnabled of [true, false]) {
        it(`reads at ${width} px with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
          const context = await c.browser.newContext({
            baseURL: c.url,
            viewport: { width, height: 900 },
            javaScriptEnabled,
            colorScheme: javaScriptEnabled ? 'light' : 'dark',
          });
          const watched = await c.page(context);
          const { page } = watched;
          const res = await page.goto('/status');
          expect(res?.status()).toBe(200);
          expect(await page.locator('h1').innerText()).toBe('Example Shop');
          expect(await page.locator('.banner').first().innerText()).toContain('Major System Outage');
          const text = await page.locator('body').innerText();
          expect(text).toContain('Checkout unavailable');
          expect(text).toContain('We have found the cause');
          expect(text).toContain('Checkout API');
          expect(text).toContain('Website');
          expect(text).not.toContain('pg-3');
          expect(await page.locator('ol.b').count()).toBe(3);
          expect(await page.locator('ol.b').first().locator('li').count()).toBe(90);
          // Nothing wider than the screen.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow).toBeLessThanOrEqual(0);
          await shot(page, `status-page-${dialect}-${width}-${javaScriptEnabled ? 'light' : 'dark'}`);
          expect(watched.problems).toEqual([]);
          await context.close();
        });
      }
    }

    it('subscribes through the plain form with JavaScript off', async () => {
      const context = await c.browser.newContext({ baseURL: c.url, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto('/status');
      await page.locator('form input[name="email"]').fill('reader@example.test');
      await page.locator('form button, form input[type="submit"]').first().click();
      await page.waitForURL(/\/status\/subscribe$/);
      expect(await page.locator('.banner').innerText()).toBe('Check your inbox');
      const listed = await c.api<Json>('GET', '/api/v1/status/subscribers');
      expect(listed.data.map((s: Json) => [s.address, s.state])).toEqual([['reader@example.test', 'pending']]);
      await context.close();
    });
  });
}
