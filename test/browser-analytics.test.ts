// The Analytics page in Chromium over incidents made through the API (two acknowledged and resolved, of
// different severities and services, one left open; the service's on-call responder texted through a
// Twilio-compatible gateway on loopback, so there is an interruption): the incident count, MTTA and MTTR in
// words with the API's definitions as the cards' descriptions, a canvas for each chart with its figures as
// text, the interruptions per responder, the
// filters in the URL (a reload keeps them), days typed into the range picker with nothing in them (the
// empty state) and over 400 days (the server's 400 beside the filters), both CSV files with the current
// filters, axe with no serious finding, and pictures in light and dark. Times are relative to now.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  consoleDialects,
  go,
  pageWidth,
  shot,
  signIn,
  startConsole,
  type Console,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to 20 s) for `done`; expect.poll only works inside a test, and this runs before them. */
async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await sleep(200)) if (await done()) return;
  throw new Error(`waited 20 s, still not so: ${what}`);
}

/** A Twilio-compatible SMS gateway on loopback that takes every message and counts them. */
async function smsGateway(): Promise<{ url: string; texts: () => number; close: () => Promise<void> }> {
  let texts = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.endsWith('/Messages.json')) texts += 1;
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM1","status":"queued"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://AC123:sekret@127.0.0.1:${port}`,
    texts: () => texts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Summary {
  incidents: { total: number; definition: string };
  interruptions: { total: number };
  mtta: { n: number; mean_s: number | null; definition: string };
  mttr: { n: number; mean_s: number | null; definition: string };
}

/** The browser's own failed request for a range the server refuses is expected; anything else is a problem. */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of 400/.test(p));

describe.skipIf(missing !== null).each(consoleDialects())('the Analytics page in Chromium [%s]', (dialect) => {
  let vigil: Console;
  let gateway: Awaited<ReturnType<typeof smsGateway>>;
  let checkout: { id: string };

  beforeAll(async () => {
    gateway = await smsGateway();
    vigil = await startConsole(
      { VIGIL_TWILIO_URL: gateway.url, VIGIL_TWILIO_FROM: '+15550000000', VIGIL_OUTBOUND_ALLOW: '127.0.0.1/32' },
      dialect,
    );
    // Checkout's incidents page Ana at once, by SMS.
    const ana = await vigil.api<{ id: string }>('POST', '/api/v1/users', {
      handle: 'ana',
      name: 'Ana Lima',
      email: 'ana@example.test',
      timezone: 'Europe/Lisbon',
    });
    await vigil.api('POST', `/api/v1/users/${ana.id}/contact-methods`, { kind: 'sms', address: '+15551230001' });
    const policy = await vigil.api<{ id: string }>('POST', '/api/v1/escalation-policies', {
      name: 'Checkout on-call',
      levels: [{ delay_seconds: 0, targets: [{ type: 'user', id: ana.id }] }],
    });
    checkout = await vigil.api('POST', '/api/v1/services', { name: 'checkout-api', escalation_policy_id: policy.id });
    const open = (title: string, severity: string, service?: string) =>
      vigil.api<{ id: string }>('POST', '/api/v1/incidents', {
        title,
        severity,
        ...(service && { service_id: service }),
      });
    const failover = await open('Orders DB failover', 'P1', checkout.id);
    const search = await open('Search latency above 2 s', 'P2');
    await open('Slow admin reports', 'P3');
    // A second or more between the steps, so MTTA and MTTR read as whole seconds; Ana's text went out first.
    await sleep(1_100);
    await until('the gateway has the text', () => gateway.texts() === 1);
    await until(
      'the summary counts it',
      async () => (await vigil.api<Summary>('GET', '/api/v1/analytics/summary')).interruptions.total === 1,
    );
    await vigil.api('POST', `/api/v1/incidents/${failover.id}/acknowledge`, {});
    await vigil.api('POST', `/api/v1/incidents/${search.id}/acknowledge`, {});
    await sleep(1_100);
    await vigil.api('POST', `/api/v1/incidents/${failover.id}/resolve`, {});
    await vigil.api('POST', `/api/v1/incidents/${search.id}/resolve`, {});
  }, 90_000);

  let last: { page: Page; problems: string[] } | undefined;
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && last) {
      console.error(`page at ${last.page.url()}; problems: ${JSON.stringify(last.problems)}`);
      await shot(last.page, `failed-analytics-${dialect}-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(
        () => {},
      );
    }
    last = undefined;
  });
  afterAll(async () => {
    await vigil?.close();
    await gateway?.close();
  });

  async function open(path: string, colorScheme: 'light' | 'dark' = 'light', width = 1440) {
    const context = await vigil.browser.newContext({
      baseURL: vigil.url,
      viewport: { width, height: 900 },
      colorScheme,
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10_000);
    const watched = await vigil.page(context);
    last = watched;
    await signIn(watched.page, { token: vigil.adminToken });
    await go(watched.page, path);
    return { ...watched, context };
  }

  const card = (page: Page, name: string) => page.getByRole('article', { name, exact: true });
  const value = (page: Page, name: string) => card(page, name).locator('.an-figure-value').textContent();
  /** The text of the element that describes `locator` (aria-describedby). */
  const description = (page: Page, name: string) =>
    card(page, name).evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
  const query = (page: Page) => new URL(page.url()).searchParams;
  const csv = async (page: Page, link: string): Promise<{ name: string; lines: string[] }> => {
    const [download] = (await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: link }).click(),
    ])) as [Download, unknown];
    const text = fs.readFileSync(await download.path(), 'utf8');
    return { name: download.suggestedFilename(), lines: text.trim().split(/\r?\n/) };
  };
  /** Types first and last day (month, day, year as the en-US fields take them) into the "Days" range field. */
  async function typeDays(page: Page, start: Date, end: Date) {
    const digits = (d: Date) =>
      `${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}${d.getFullYear()}`;
    const segments = page.getByRole('group', { name: 'Days', exact: true }).getByRole('spinbutton');
    await segments.nth(0).focus();
    await page.keyboard.type(digits(start));
    await segments.nth(3).focus();
    await page.keyboard.type(digits(end));
  }

  it('shows the figures with their definitions, a canvas for each chart, and filters kept in the URL', async () => {
    const api = await vigil.api<Summary>('GET', '/api/v1/analytics/summary');
    expect(api.incidents.total).toBe(3);
    expect(api.mtta.n).toBe(2);
    expect(api.mttr.n).toBe(2);

    const { page, problems } = await open('/analytics');
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Analytics' }).waitFor();
    await expect.poll(() => value(page, 'Incidents')).toBe('3');
    expect(await card(page, 'Incidents').textContent()).toMatch(/P1\s*1.*P2\s*1.*P3\s*1/);

    // MTTA and MTTR: the mean in words (over a second each), p50, p95 and n; the API's definition describes each.
    for (const [name, figure] of [
      ['Time to acknowledge (MTTA)', api.mtta],
      ['Time to resolve (MTTR)', api.mttr],
    ] as const) {
      expect(await value(page, name)).toMatch(/^mean \d+(\.\d)? s$/);
      const text = await card(page, name).textContent();
      expect(text).toMatch(/p50\s*\d+(\.\d)? s/);
      expect(text).toMatch(/p95\s*\d+(\.\d)? s/);
      expect(text).toContain('measured2 incidents');
      expect(await description(page, name)).toBe(figure.definition);
    }
    expect(await description(page, 'Incidents')).toBe(api.incidents.definition);
    // Every card names its definition; opening the disclosure shows it.
    const cards = page.getByRole('article');
    expect(await cards.count()).toBe(9);
    for (const c of await cards.all()) expect(await c.getAttribute('aria-describedby')).toBeTruthy();
    await card(page, 'Time to acknowledge (MTTA)').getByText('Definition').click();
    await card(page, 'Time to acknowledge (MTTA)').getByText(api.mtta.definition).waitFor();

    // The charts: a canvas each, and their figures as text (a summary and a table).
    const charts = page.getByRole('figure');
    await expect.poll(() => charts.count()).toBe(3);
    for (const chart of await charts.all()) expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    // 30 days of the browser's zone: 30 UTC days, or 31 cut ones where the zone is not UTC.
    const days = page.getByRole('table', { name: 'Incidents per day by severity' }).locator('tbody tr');
    const rows = await days.count();
    expect([30, 31]).toContain(rows);
    await page
      .getByRole('figure', { name: /Incidents per day by severity/ })
      .getByText(`3 incidents in ${rows} days`, { exact: false })
      .waitFor();
    await page.getByRole('figure', { name: /Time to acknowledge and to resolve per day/ }).waitFor();
    // Ana's text: one interruption in her own hours, in the chart's table and the visible one, with the definition.
    const interruptions = page.getByRole('region', { name: 'Interruptions per responder', exact: true });
    await interruptions.getByText(/^Definition: page messages/).waitFor();
    await interruptions.getByRole('figure', { name: /Interruptions per responder by their hours/ }).waitFor();
    const row = page.getByRole('region', { name: 'Interruptions by responder and hours' }).locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['Ana Lima @ana', 'Europe/Lisbon']);
    expect(cells.slice(2, 5).map(Number).sort()).toEqual([0, 0, 1]);
    expect(cells[5]).toBe('1');
    expect(await value(page, 'Interruptions')).toBe('1');

    // Both files with the current filters: the summary's rows and the series' columns.
    const summary = await csv(page, 'Summary as CSV');
    expect(summary.name).toBe('analytics-summary.csv');
    expect(summary.lines[0]).toBe('metric,value,definition');
    expect(summary.lines.find((l) => l.startsWith('incidents,'))).toMatch(/^incidents,3,/);
    const series = await csv(page, 'Per day as CSV');
    expect(series.name).toBe('analytics-day.csv');
    expect(series.lines[0]).toMatch(/^start,end,incidents,/);
    expect(series.lines).toHaveLength(rows + 1);

    // P1 only: the URL carries it, a reload keeps it, and the CSV follows it.
    await page.getByRole('group', { name: 'Severity' }).getByRole('button', { name: 'P1', exact: true }).click();
    await expect.poll(() => query(page).get('severity')).toBe('P1');
    await expect.poll(() => value(page, 'Incidents')).toBe('1');
    await page.reload();
    await expect.poll(() => value(page, 'Incidents')).toBe('1');
    expect(await page.getByRole('button', { name: 'P1', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect((await csv(page, 'Summary as CSV')).lines.find((l) => l.startsWith('incidents,'))).toMatch(/^incidents,1,/);

    // A quick range and a service, together in the URL.
    await page.getByRole('button', { name: 'Last 90 days' }).click();
    await page.getByRole('button', { name: /Service$/ }).click();
    await page.getByRole('option', { name: 'checkout-api' }).click();
    await expect.poll(() => query(page).toString()).toBe(`range=90d&service=${checkout.id}&severity=P1`);
    await expect.poll(() => value(page, 'Incidents')).toBe('1');
    await page.getByRole('figure', { name: /Incidents per week by severity/ }).waitFor();
    expect((await csv(page, 'Per week as CSV')).name).toBe('analytics-week.csv');
    await page.getByRole('button', { name: 'P1', exact: true }).click();
    await expect.poll(() => value(page, 'Incidents')).toBe('1'); // the service's one incident
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.url()).toMatch(/\/analytics\??$/);
    await expect.poll(() => value(page, 'Incidents')).toBe('3');

    expect(await axeSerious(page)).toEqual([]);
    await shot(page, `analytics-${dialect}-light`);
    expect(problems).toEqual([]);
  });

  it('shows an empty range as such, and the server’s words for a range over 400 days', async () => {
    const { page, problems } = await open('/analytics');
    await expect.poll(() => value(page, 'Incidents')).toBe('3');
    const year = new Date().getFullYear();

    // January of last year: nothing happened then.
    await typeDays(page, new Date(year - 1, 0, 1), new Date(year - 1, 0, 31));
    await expect.poll(() => query(page).toString()).toBe(`from=${year - 1}-01-01&to=${year - 1}-01-31`);
    await page.getByText('Nothing happened in this range').waitFor();
    expect(await page.getByRole('article').count()).toBe(0);
    expect(await page.getByRole('figure').count()).toBe(0);
    await page.reload();
    await page.getByText('Nothing happened in this range').waitFor();
    expect(await page.getByTestId('analytics-range').textContent()).toMatch(/^1 Jan – 31 Jan \d{4} · 31 days/);

    // Fifteen months: the server refuses, and its message stands beside the filters; no file to download.
    await typeDays(page, new Date(year - 2, 0, 1), new Date(year - 1, 2, 31));
    await expect.poll(() => query(page).toString()).toBe(`from=${year - 2}-01-01&to=${year - 1}-03-31`);
    const refusal = page.getByRole('group', { name: 'Filters', exact: true }).getByRole('alert');
    await expect.poll(() => refusal.textContent()).toMatch(/^the range from \S+ to \S+ is 45\d days; at most 400/);
    expect(await page.getByRole('link', { name: 'Summary as CSV' }).count()).toBe(0);
    await page.reload();
    await expect.poll(() => refusal.textContent()).toMatch(/at most 400 are allowed/);
    await shot(page, `analytics-${dialect}-refused`);

    // A quick range again: figures back.
    await page.getByRole('button', { name: 'Last 365 days' }).click();
    await expect.poll(() => value(page, 'Incidents')).toBe('3');
    expect(await refusal.count()).toBe(0);
    expect(unexpected(problems)).toEqual([]);
  });

  it('reads well in dark, passes axe and has no sideways scroll', async () => {
    const { page, problems } = await open('/analytics', 'dark');
    await expect.poll(() => value(page, 'Incidents')).toBe('3');
    await expect.poll(() => page.getByRole('figure').count()).toBe(3);
    expect(await axeSerious(page)).toEqual([]);
    expect(await pageWidth(page)).toBeLessThanOrEqual(1440);
    await shot(page, `analytics-${dialect}-dark`);
    expect(problems).toEqual([]);
  });

  it('shows the range field on /design: typed or picked in its calendar, accessible', async () => {
    const { page, problems } = await open('/design');
    const days = page.getByRole('group', { name: 'Days', exact: true });
    const segments = () => days.getByRole('spinbutton').allTextContents();
    await days.waitFor();
    expect(await segments()).toEqual(['11', '1', '2026', '11', '30', '2026']);
    await page.getByRole('button', { name: 'Pick days from a calendar' }).click();
    const calendar = page.getByRole('dialog', { name: 'Days: calendar' });
    await calendar.waitFor();
    expect(await axeSerious(page)).toEqual([]);
    // The first click picks the first day, the second the last; the popover closes on it.
    await calendar.getByRole('button', { name: /November 10, 2026/ }).click();
    await calendar.getByRole('button', { name: /November 20, 2026/ }).click();
    await expect.poll(() => calendar.count()).toBe(0);
    expect(await segments()).toEqual(['11', '10', '2026', '11', '20', '2026']);
    expect(problems).toEqual([]);
  });

  it('fits a 360 px phone: the page and the range field without sideways scroll, axe clean', async () => {
    for (const path of ['/analytics', '/design']) {
      const { page, problems, context } = await open(path, 'light', 360);
      await page.getByRole('group', { name: 'Days', exact: true }).waitFor();
      if (path === '/analytics') await expect.poll(() => value(page, 'Incidents')).toBe('3');
      expect(await pageWidth(page), path).toBeLessThanOrEqual(360);
      expect(await axeSerious(page), path).toEqual([]);
      if (path === '/analytics') await shot(page, `analytics-${dialect}-360`);
      expect(problems).toEqual([]);
      await context.close();
    }
  });
});
