// The Services screen and the dashboards in Chromium, over real data: a service with an HTTP monitor
// against a local server, an alert sent to /v2/enqueue, an error reported to /api/v1/errors. Checks
// the one-time key and the snippets built on it, rotation, maintenance, monitors, each dashboard, what
// a viewer may not do, every screen at 1280 and 360 px in light and dark (axe, no sideways scroll, no
// console errors), a chart following the theme, and saves screenshots.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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
const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

interface Created {
  id: string;
  integration_key: string;
}

/** Sends one PagerDuty event with `key`; answers the HTTP status. */
async function enqueue(url: string, key: string, summary: string): Promise<number> {
  const response = await fetch(`${url}/v2/enqueue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      routing_key: key,
      event_action: 'trigger',
      payload: { summary, source: 'browser-test', severity: 'critical' },
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

const inFlight = new WeakMap<Page, Set<unknown>>();

/** Counts a page's API requests in flight (the live stream aside), for `go`. */
function track(page: Page): Page {
  const pending = new Set<unknown>();
  inFlight.set(page, pending);
  page.on('request', (r) => {
    if (!r.url().includes('/api/v1/stream')) pending.add(r);
  });
  page.on('requestfinished', (r) => pending.delete(r));
  page.on('requestfailed', (r) => pending.delete(r));
  return page;
}

/**
 * Goes to `path` once no request is in flight, so leaving the page aborts none (the harness counts aborted requests
 * as problems).
 */
async function go(page: Page, path: string): Promise<void> {
  const pending = inFlight.get(page) ?? new Set();
  // Quiet for 300 ms: a screen that just rendered may not have sent its requests yet.
  let quietSince = Date.now();
  await until(
    'requests to settle',
    async () => {
      if (pending.size > 0) quietSince = Date.now();
      return Date.now() - quietSince >= 300 ? true : undefined;
    },
    10_000,
  );
  await page.goto(path);
}

/**
 * Picks `option` in the design system's select labelled `label` (a button named by its value and then its
 * label, which opens a list box).
 */
async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`${label}$`) }).click();
  await page.getByRole('option', { name: option }).click();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(missing !== null)('services and dashboards in Chromium', () => {
  let vigil: Console;
  let target: http.Server;
  let checkout: Created;
  let search: Created;
  let monitorId: string;
  let viewerToken: string;
  /** The test PostgreSQL registered as a monitored database, when it is reachable (CI always has it). */
  let postgres: { id: string; location: string } | undefined;

  beforeAll(async () => {
    // The monitored site: answers 200 after a few milliseconds, so there is a response time to draw.
    target = http.createServer((_req, res) => setTimeout(() => res.end('ok'), 5));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const port = (target.address() as AddressInfo).port;

    vigil = await startConsole({
      VIGIL_OUTBOUND_ALLOW: '127.0.0.1/32',
      VIGIL_SECRET_KEY: randomBytes(32).toString('hex'),
    });
    checkout = await vigil.api<Created>('POST', '/api/v1/services', {
      name: 'checkout',
      description: 'The shop checkout',
    });
    search = await vigil.api<Created>('POST', '/api/v1/services', { name: 'search' });
    const monitor = await vigil.api<{ id: string }>('POST', '/api/v1/monitors', {
      service_id: checkout.id,
      name: 'checkout home',
      kind: 'http',
      target: `http://127.0.0.1:${port}/`,
      interval_seconds: 10,
    });
    monitorId = monitor.id;
    expect(await enqueue(vigil.url, checkout.integration_key, 'Checkout returns 502')).toBe(202);
    await vigil.api('POST', '/api/v1/errors', {
      service: checkout.id,
      exception: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'cart')" },
      level: 'error',
      user: { id: 'u-1' },
    });
    await vigil.api('POST', '/api/v1/users', { handle: 'vera', name: 'Vera Viewer', email: 'vera@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'vera', role: 'viewer' }))
      .token;
    postgres = await vigil
      .api<{ id: string; location: string }>('POST', '/api/v1/databases', { name: 'postgres', url: PG_URL })
      .catch((error: unknown) => {
        if (process.env.CI) throw error;
        return undefined;
      });
    // The monitor is checked at once; wait for two checks so the sparkline has a line.
    await until('two monitor checks', async () => {
      const checks = await vigil.api<{ data: unknown[] }>('GET', `/api/v1/monitors/${monitorId}/checks`);
      return checks.data.length >= 1 ? checks : undefined;
    });
  }, 90_000);

  // A failed step leaves a screenshot and the page's problems behind, for whoever reads the CI log.
  let last: { page: Page; problems: string[] } | undefined;
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && last) {
      console.error(`page at ${last.page.url()}; problems: ${JSON.stringify(last.problems)}`);
      await shot(last.page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    }
    last = undefined;
  });

  afterAll(async () => {
    await vigil?.close();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  });

  async function adminPage(viewport?: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
    const context = await vigil.context(viewport);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: vigil.url });
    const watched = await vigil.page(context);
    track(watched.page);
    last = watched;
    await signIn(watched.page, { token: vigil.adminToken });
    return watched;
  }

  it('lists services with their state, and a new service shows its key once, in every snippet', async () => {
    const { page, problems } = await adminPage();
    await page.getByRole('link', { name: 'Services' }).click();
    await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
    const row = page.locator('tr.svc-row').filter({ hasText: 'checkout' });
    const cell = (label: string) => row.locator(`td[data-label="${label}"]`).textContent();
    await expect.poll(() => cell('Open incidents')).toMatch(/^1 P\d/);
    await expect.poll(() => cell('Monitors')).toMatch(/^1 (up|not checked yet)$/);
    expect(await cell('Key ends in')).toBe(`…${checkout.integration_key.slice(-4)}`);
    await shot(page, 'services-list-1440');

    // Create one through the form: its page shows the whole key, and the snippets carry it.
    await page.getByText('New service').click();
    await page.getByLabel('Name').fill('payments');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByRole('heading', { name: 'payments', level: 1 }).waitFor();
    const key = (await page.getByTestId('integration-key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^[a-z0-9]{32}$/);
    const services = await vigil.api<{ data: Array<{ id: string; name: string; integration_key_hint: string }> }>(
      'GET',
      '/api/v1/services',
    );
    const payments = services.data.find((s) => s.name === 'payments');
    expect(payments?.integration_key_hint).toBe(`…${key.slice(-4)}`);
    // The key on screen is the real one: PagerDuty events with it are accepted.
    expect(await enqueue(vigil.url, key, 'payments test')).toBe(202);

    const snippet = (id: string) => page.getByTestId(`snippet-${id}`).locator('pre').textContent();
    expect(await snippet('alertmanager')).toContain(`url: ${vigil.url}/api/v1/integrations/${key}/alertmanager`);
    expect(await snippet('grafana')).toContain(`URL: ${vigil.url}/api/v1/integrations/${key}/grafana`);
    const curl = await snippet('pagerduty');
    expect(curl).toContain(`curl -X POST ${vigil.url}/v2/enqueue`);
    expect(curl).toContain(`"routing_key":"${key}"`);
    const dsn = await vigil.api<{ dsn: string }>('GET', `/api/v1/services/${payments?.id}/dsn`);
    await expect.poll(() => snippet('sentry')).toContain(dsn.dsn);

    await page.getByRole('button', { name: 'Copy Integration key' }).click();
    await page.getByText('Integration key copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.getByRole('button', { name: 'Copy PagerDuty Events API v2 snippet' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(curl);
    await shot(page, 'service-new-key-1440');

    // Shown once: after leaving the page, only the hint remains and the snippets name the gap.
    await page.getByRole('link', { name: 'Services' }).first().click();
    await page.getByRole('link', { name: 'payments' }).click();
    await page.getByTestId('key-hint').waitFor();
    expect(await page.getByTestId('integration-key').count()).toBe(0);
    expect(await snippet('alertmanager')).toContain('/api/v1/integrations/YOUR_INTEGRATION_KEY/alertmanager');
    expect(problems).toEqual([]);
  });

  it('rotates a key: the new one is shown once and works, the old one stops', async () => {
    const created = search;
    const { page, problems } = await adminPage();
    await go(page, `/services/${created.id}`);
    await page.getByRole('heading', { name: 'search', level: 1 }).waitFor();
    expect(await page.getByTestId('integration-key').count()).toBe(0);
    // A service without monitors says so and what to do next.
    await page.getByText('No monitors yet').waitFor();
    expect(await page.getByText(/Add one below/).count()).toBe(1);
    await page.getByRole('button', { name: 'Rotate key…' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    const key = (await page.getByTestId('integration-key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^[a-z0-9]{32}$/);
    expect(key).not.toBe(created.integration_key);
    expect(await page.getByTestId('snippet-pagerduty').locator('pre').textContent()).toContain(key);
    expect(await enqueue(vigil.url, created.integration_key, 'old key')).toBe(400);
    expect(await enqueue(vigil.url, key, 'new key')).toBe(202);
    await page.getByRole('button', { name: 'Hide key' }).click();
    expect(await page.getByTestId('key-hint').textContent()).toBe(`…${key.slice(-4)}`);
    await page.reload();
    await page.getByTestId('key-hint').waitFor();
    expect(await page.getByTestId('integration-key').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('turns maintenance on and off, and shows monitors with state and a response-time line', async () => {
    const { page, problems } = await adminPage();
    await go(page, `/services/${checkout.id}`);
    await page.getByRole('heading', { name: 'checkout', level: 1 }).waitFor();

    const monitor = page.getByTestId('monitor').filter({ hasText: 'checkout home' });
    await expect.poll(() => monitor.textContent(), { timeout: 20_000 }).toMatch(/^Up/);
    expect(await monitor.textContent()).toMatch(/\d+ ms/);
    await expect
      .poll(() => monitor.getByRole('img').getAttribute('aria-label'), { timeout: 30_000 })
      .toMatch(/Response time of the last \d+ checks: latest \d+ ms/);
    expect(await monitor.getByRole('button', { name: 'Pause monitor checkout home' }).count()).toBe(1);

    expect(await page.getByTestId('maintenance-state').textContent()).toMatch(/^Off/);
    await choose(page, 'Duration', '2 hours');
    await page.getByLabel('Reason (optional)').fill('database upgrade');
    await page.getByRole('button', { name: 'Start maintenance' }).click();
    await expect
      .poll(() => page.getByTestId('maintenance-state').textContent())
      .toMatch(/^On until .*database upgrade/);
    const windows = await vigil.api<{ data: Array<{ active: boolean; reason: string }> }>(
      'GET',
      `/api/v1/services/${checkout.id}/maintenance`,
    );
    expect(windows.data).toMatchObject([{ active: true, reason: 'database upgrade' }]);
    await expect.poll(() => page.getByTestId('service-status').textContent()).toBe('In maintenance');
    await shot(page, 'service-page-1440');

    // An admin adds a heartbeat monitor: its URL (with the token) is shown once, and a beat makes it up.
    await page.getByText('Add a monitor').click();
    await page.getByLabel('Monitor name').fill('nightly export');
    await choose(page, 'Kind', /^Heartbeat/);
    await page.getByRole('button', { name: 'Add monitor' }).click();
    const beat = (await page.locator('#heartbeat-url').textContent()) ?? '';
    expect(beat).toMatch(new RegExp(`^${vigil.url}/api/v1/heartbeats/\\S+$`));
    const nightly = page.getByTestId('monitor').filter({ hasText: 'nightly export' });
    await nightly.waitFor();
    expect((await fetch(beat, { method: 'POST' })).status).toBe(200);
    await go(page, `/services/${checkout.id}`);
    await expect.poll(() => nightly.textContent()).toMatch(/^Up/);

    await page.getByRole('button', { name: 'End maintenance' }).click();
    await expect.poll(() => page.getByTestId('maintenance-state').textContent()).toMatch(/^Off/);
    expect((await vigil.api<{ data: unknown[] }>('GET', `/api/v1/services/${checkout.id}/maintenance`)).data).toEqual(
      [],
    );
    expect(problems).toEqual([]);
  });

  it('renders each dashboard from the runbook functions', async () => {
    const { page, problems } = await adminPage();
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
    for (const name of ['Production health', 'Database performance', 'Error tracking', 'GDPR compliance'])
      expect(await page.getByRole('link', { name: new RegExp(name) }).count()).toBe(1);
    // The list does not load uPlot: no chart code before a dashboard opens.
    expect(await page.locator('.uplot').count()).toBe(0);

    await page.getByRole('link', { name: /Production health/ }).click();
    await page.getByRole('heading', { name: 'Production health', level: 1 }).waitFor();
    const health = page.locator('tr.health-service').filter({ hasText: 'checkout' });
    await health.waitFor();
    expect(await health.textContent()).toMatch(/(Down|Degraded|Operational).*1 P\d/);
    const perf = page.getByTestId('perf-service').filter({ hasText: 'checkout' });
    await perf.waitFor();
    expect(await perf.locator('canvas').count()).toBeGreaterThan(0);
    // A chart is a named figure whose description carries its figures.
    const figure = page.getByRole('figure', { name: /checkout: response time by percentile \(ms\)/ });
    expect(await figure.getAttribute('aria-describedby')).toBeTruthy();
    expect(await page.locator(`[id="${await figure.getAttribute('aria-describedby')}"]`).textContent()).toMatch(
      /^This window: p50 \d+(\.\d+)? ms, p95/,
    );
    // KPI cards lead the dashboard.
    expect(
      await page
        .getByRole('definition')
        .filter({ hasText: /^of \d+ services?$/ })
        .count(),
    ).toBe(1);
    expect(await perf.textContent()).toMatch(/p95\d+(\.\d)? ms/);
    expect(await perf.textContent()).toMatch(
      /not enough checks to compare|p95 (\d+ % (above|below)|about) its baseline/,
    );
    await choose(page, 'Time window', 'Last 6 hours');
    await page.getByRole('heading', { name: /Response times — last 6 hours/ }).waitFor();
    await shot(page, 'dashboard-production-1440');

    await go(page, '/dashboards/errors');
    await page.getByRole('heading', { name: 'Error tracking', level: 1 }).waitFor();
    const top = page.getByTestId('top-groups');
    await expect
      .poll(() => top.textContent())
      .toContain("TypeError: Cannot read properties of undefined (reading 'cart')");
    expect(await page.getByTestId('error-events').textContent()).toBe('1');
    expect(await page.getByTestId('new-groups').textContent()).toContain('TypeError');
    expect(await page.locator('tr.error-group').first().textContent()).toContain('TypeError');
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('.chart-text').first().textContent()).toMatch(/^1 event from /);
    await shot(page, 'dashboard-errors-1440');
    await choose(page, 'Service', 'search');
    await expect.poll(() => page.getByTestId('error-events').textContent()).toBe('0');
    // Resolving a group from the unresolved list (responders and admins).
    await vigil.api('POST', '/api/v1/errors', {
      service: search.id,
      exception: { type: 'RangeError', value: 'stale cache entry' },
    });
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByRole('button', { name: 'Resolve RangeError: stale cache entry' }).click();
    await expect.poll(() => page.locator('tr.error-group').count()).toBe(0);
    const resolved = await vigil.api<{ data: Array<{ title: string; status: string }> }>(
      'GET',
      `/api/v1/errors/groups?service_id=${search.id}`,
    );
    expect(resolved.data).toMatchObject([{ title: 'RangeError: stale cache entry', status: 'resolved' }]);

    await go(page, '/dashboards/database');
    await page.getByRole('heading', { name: 'Database performance', level: 1 }).waitFor();
    await page.getByRole('heading', { name: /vigil: Reachable/ }).waitFor();
    await page.getByTestId('blocking-count').waitFor();
    expect(await page.locator('.dashboard').textContent()).toContain('sqlite');
    await shot(page, 'dashboard-database-1440');
    // A registered PostgreSQL database shows its connections against the limit, as text and as a chart.
    if (postgres) {
      await choose(page, 'Database', /^postgres/);
      await page.getByRole('heading', { name: /postgres: Reachable/ }).waitFor();
      await expect.poll(() => page.locator('.dashboard').textContent()).toMatch(/\d+ of \d+ connections in use/);
      await expect.poll(() => page.locator('.dashboard').textContent()).toContain('Cache hit ratio');
      expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
      // Nothing of the SQLite database it showed before stays on screen.
      expect(await page.locator('.dashboard').textContent()).not.toContain('Write-ahead log');
      await shot(page, 'dashboard-database-postgres-1440');
    }

    await go(page, '/dashboards/gdpr');
    await page.getByRole('heading', { name: 'GDPR compliance', level: 1 }).waitFor();
    await page.getByText('No open breaches').waitFor();
    expect(problems).toEqual([]);
  });

  it('gives a viewer no key, maintenance or monitor controls', async () => {
    const { page, problems } = (last = await vigil.page(await vigil.context()));
    track(page);
    await signIn(page, { token: viewerToken });
    await go(page, '/services');
    await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
    expect(await page.getByText('New service').count()).toBe(0);
    await page.getByRole('link', { name: 'checkout' }).click();
    await page.getByTestId('monitor').first().waitFor();
    await page.getByTestId('maintenance-state').waitFor();
    for (const name of [/Rotate/, /Start maintenance/, /End maintenance/, /Pause/, /Resume/])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByTestId('snippet-sentry').locator('pre').textContent()).toMatch(
      /SENTRY_DSN=http:\/\/[0-9a-f]+@127\.0\.0\.1:\d+\/\d+/,
    );
    expect(await page.getByText('Add a monitor').count()).toBe(0);
    await go(page, '/dashboards/errors');
    await page.locator('tr.error-group').first().waitFor();
    expect(await page.getByRole('button', { name: /^Resolve/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('keeps uPlot out of the first page load', async () => {
    const html = await (await fetch(`${vigil.url}/`)).text();
    const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(initial.length).toBeGreaterThan(0);
    for (const file of initial) expect(await (await fetch(`${vigil.url}${file}`)).text()).not.toContain('u-legend');
    // …while the dashboards do load it: the marker is real.
    const { page, problems } = await adminPage();
    const scripts: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) scripts.push(r.url());
    });
    await go(page, '/dashboards/errors');
    await page.locator('.uplot').first().waitFor();
    const bodies = await Promise.all(scripts.map(async (url) => (await fetch(url)).text()));
    expect(bodies.some((b) => b.includes('u-legend'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('fits a 360 px screen', async () => {
    const { page, problems } = await adminPage({ width: 360, height: 780 });
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await go(page, '/services');
    await page.locator('tr.svc-row').first().waitFor();
    expect(await fits()).toBe(true);
    await shot(page, 'services-list-360');
    await go(page, `/services/${checkout.id}`);
    await page.getByTestId('monitor').first().waitFor();
    await page.getByTestId('snippet-sentry').waitFor();
    expect(await fits()).toBe(true);
    // Snippets keep their lines and scroll sideways inside their own labelled, focusable box.
    const block = page.getByRole('region', { name: 'Alertmanager snippet' });
    const shape = await block.evaluate((pre) => ({
      whiteSpace: getComputedStyle(pre).whiteSpace,
      scrolls: pre.scrollWidth > pre.clientWidth,
      tabIndex: pre.tabIndex,
      lines: (pre.textContent ?? '').split('\n').length,
      height: pre.clientHeight,
      lineHeight: parseFloat(getComputedStyle(pre).lineHeight),
    }));
    expect(shape).toMatchObject({ whiteSpace: 'pre', scrolls: true, tabIndex: 0, lines: 5 });
    // Five lines tall (plus padding), not wrapped into more.
    expect(shape.height).toBeLessThan(shape.lineHeight * 6 + 24);
    await shot(page, 'service-page-360');
    await go(page, '/dashboards/production-health');
    await page.getByTestId('perf-service').first().locator('canvas').first().waitFor();
    expect(await fits()).toBe(true);
    await shot(page, 'dashboard-production-360');
    await go(page, '/dashboards/errors');
    await page.getByTestId('top-groups').getByText('TypeError').first().waitFor();
    expect(await fits()).toBe(true);
    await shot(page, 'dashboard-errors-360');
    await go(page, '/dashboards/database');
    await page.getByTestId('blocking-count').waitFor();
    expect(await fits()).toBe(true);
    await shot(page, 'dashboard-database-360');
    // Keyboard: Tab from the top reaches the time-window select and the refresh button.
    await go(page, '/dashboards/errors');
    await page.getByLabel('Time window').waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      reached.add(
        await page.evaluate(
          () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? '',
        ),
      );
      if (await page.evaluate(() => document.activeElement?.closest('.dash-field') != null)) reached.add('time window');
    }
    expect(reached).toContain('time window');
    expect(reached).toContain('Refresh now');
    expect(problems).toEqual([]);
  });

  /** Each screen with what shows it has loaded. */
  const SCREENS: Array<[name: string, path: () => string, ready: (page: Page) => Promise<void>]> = [
    ['services', () => '/services', (p) => p.locator('tr.svc-row').first().waitFor()],
    [
      'service-page',
      () => `/services/${checkout.id}`,
      async (p) => {
        await p.getByTestId('monitor').first().waitFor();
        await p.getByTestId('snippet-sentry').waitFor();
      },
    ],
    ['dashboards', () => '/dashboards', (p) => p.locator('.dash-link').first().waitFor()],
    [
      'dashboard-production',
      () => '/dashboards/production-health',
      (p) => p.getByTestId('perf-service').first().locator('canvas').first().waitFor(),
    ],
    ['dashboard-database', () => '/dashboards/database', (p) => p.getByTestId('blocking-count').waitFor()],
    [
      'dashboard-errors',
      () => '/dashboards/errors',
      async (p) => {
        await p.getByTestId('top-groups').getByText('TypeError').first().waitFor();
        await p.locator('.chart canvas').first().waitFor();
      },
    ],
    [
      'dashboard-gdpr',
      () => '/dashboards/gdpr',
      async (p) => {
        await p.getByTestId('gdpr-open-breaches').waitFor();
        await p.getByText('No requests waiting').waitFor();
      },
    ],
  ];

  for (const width of [1280, 360])
    for (const colorScheme of ['light', 'dark'] as const)
      it(`shows every screen at ${width} px in ${colorScheme}: no axe findings, no sideways scroll`, async () => {
        const context = await vigil.browser.newContext({
          baseURL: vigil.url,
          viewport: { width, height: 900 },
          colorScheme,
        });
        try {
          context.setDefaultTimeout(15_000);
          const watched = (last = await vigil.page(context));
          const { page, problems } = watched;
          track(page);
          await signIn(page, { token: vigil.adminToken });
          for (const [name, path, ready] of SCREENS) {
            await go(page, path());
            await ready(page);
            expect({ name, findings: await axeSerious(page) }).toEqual({ name, findings: [] });
            expect(await pageWidth(page), name).toBeLessThanOrEqual(width);
            // Under 600 px tables are stacked cards that fit their box: nothing to scroll sideways inside either.
            if (width < 600)
              expect(
                await page.$$eval('.ui-table-wrap', (boxes) =>
                  boxes.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.getAttribute('aria-label')),
                ),
                name,
              ).toEqual([]);
            await shot(page, `${name}-${width}-${colorScheme}`);
          }
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      }, 120_000);

  it('redraws a chart in the new colours when the theme changes', async () => {
    const context = await vigil.browser.newContext({
      baseURL: vigil.url,
      viewport: { width: 1280, height: 900 },
      colorScheme: 'light',
    });
    try {
      const { page, problems } = (last = await vigil.page(context));
      track(page);
      await signIn(page, { token: vigil.adminToken });
      await go(page, '/dashboards/production-health');
      const canvas = page.getByTestId('perf-service').first().locator('canvas').first();
      await canvas.waitFor();
      const pixels = () => canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
      // The axes are drawn in --text-muted and --border, the lines in --accent: light-dark() pairs.
      const light = await pixels();

      // The switch in the top bar pins dark: <html data-theme="dark">.
      await page
        .getByRole('radio', { name: 'Dark' })
        .or(page.getByRole('button', { name: 'Dark' }))
        .click();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await expect.poll(pixels).not.toBe(light);
      const dark = await pixels();

      // Back to following the OS, which is light: the light colours return …
      await page
        .getByRole('radio', { name: 'Follow the system' })
        .or(page.getByRole('button', { name: 'Follow the system' }))
        .click();
      await expect.poll(pixels).not.toBe(dark);
      const followingLight = await pixels();
      // … and when the OS turns dark while the page is open, the chart follows it.
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(pixels).not.toBe(followingLight);
      await shot(page, 'chart-theme-dark-os');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
