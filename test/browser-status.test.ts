// The Status page screen and the incident page's Status page panel in Chromium, on both dialects. An admin adds
// a component bound to a service from the screen, sets its status by hand and gives it back to automatic; a P0
// incident opened on the service (through the API) turns it to a major outage by itself; from the incident page
// an update is previewed (the public page in a frame, styled, nothing saved) and published, and then shows in
// the panel, on the screen (the component set by the update) and on the public /status page. Maintenance is
// scheduled with the date-time fields and completed early; a viewer reads the panel without a publish button.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  consoleDialects,
  go,
  shot,
  startConsole,
  type Console,
  signedInPages,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const HOUR = 3_600_000;
const PUBLIC_TEXT = 'Payments fail for some customers. We are rolling back the latest release.';

interface Component {
  id: string;
  name: string;
  status: string;
  automatic: string;
  manual_status: string | null;
  manual_source: string | null;
  service_ids: string[];
}

describe.skipIf(missing !== null).each(consoleDialects())('the status page console in Chromium [%s]', (dialect) => {
  let vigil: Console;
  let serviceId: string;
  let viewerToken: string;

  beforeAll(async () => {
    vigil = await startConsole({}, dialect);
    serviceId = (await vigil.api<{ id: string }>('POST', '/api/v1/services', { name: 'Payments API' })).id;
    await vigil.api('POST', '/api/v1/services', { name: 'Search' });
    await vigil.api('POST', '/api/v1/users', { handle: 'vic', name: 'Vic Viewer', email: 'vic@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'vic', role: 'viewer' })).token;
  }, 90_000);

  afterAll(async () => vigil?.close());
  const open = signedInPages(() => vigil, `status-${dialect}`);

  const components = async () => (await vigil.api<{ data: Component[] }>('GET', '/api/v1/status/components')).data;
  const payments = async () => (await components()).find((c) => c.name === 'Payments') as Component;

  /** Types `at` into a date-time field, segment by segment in the browser's zone. */
  async function typeTime(page: Page, group: string, at: Date) {
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
    await page.getByRole('group', { name: group }).getByRole('spinbutton').first().focus();
    await page.keyboard.type(`${parts.month}${parts.day}${parts.year}${parts.hour}${parts.minute}`);
  }

  it('adds a component bound to a service, sets its status by hand and clears it', async () => {
    const { page, problems } = await open('/status-page');
    await page.waitForURL('**/status-page/components');
    await page.getByRole('heading', { name: 'Status page', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Open public page' }).getAttribute('href')).toBe('/status');
    await page.getByText('No components yet').waitFor();

    await page.getByRole('button', { name: 'Add component' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a component' });
    await dialog.getByLabel('Name').fill('Payments');
    await dialog.getByLabel('Description (public)').fill('Card and wallet payments');
    await dialog.getByLabel('Group').fill('Checkout');
    await dialog.getByRole('group', { name: 'Services it follows' }).getByLabel('Payments API').check();
    await dialog.getByRole('button', { name: 'Add component' }).click();
    await page.getByText('Added Payments').first().waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Card and wallet payments' });
    await row.locator('td[data-label="Status"]').getByText('Operational', { exact: true }).waitFor();
    await row.getByText('Services: Payments API').waitFor();
    expect(await payments()).toMatchObject({ service_ids: [serviceId], status: 'operational', manual_status: null });

    // By hand: a partial outage wins over the automatic status until it is cleared.
    await row.getByRole('button', { name: /Status of Payments/ }).click();
    await page.getByRole('option', { name: 'Partial outage' }).click();
    await page.getByText('Payments: Partial outage, set by hand').first().waitFor();
    await row.getByText('Set by hand').waitFor();
    expect(await payments()).toMatchObject({ status: 'partial_outage', manual_status: 'partial_outage' });
    expect(await axeSerious(page)).toEqual([]);
    await row.getByRole('button', { name: /Status of Payments/ }).click();
    await page.getByRole('option', { name: 'Automatic (operational)' }).click();
    await page.getByText('Payments: automatic again (Operational)').first().waitFor();
    expect(await payments()).toMatchObject({ status: 'operational', manual_status: null });
    await shot(page, `status-components-${dialect}`);
    expect(problems).toEqual([]);
  });

  it('publishes an incident from its page after a preview, and shows it on the screen and on /status', async () => {
    const incident = await vigil.api<{ id: string; number: string }>('POST', '/api/v1/incidents', {
      title: 'Internal: payments-db primary OOM-killed',
      severity: 'P0',
      service_id: serviceId,
    });
    // The P0 turns the component to a major outage by itself.
    await expect.poll(async () => (await payments()).status).toBe('major_outage');

    const { page, problems } = await open(`/incidents/${incident.number}`);
    const panel = page.getByRole('region', { name: 'Status page' });
    await panel.getByText(/Nothing about this incident is public/).waitFor();
    const publicPage = async () => (await fetch(`${vigil.url}/status`)).text();
    expect(await publicPage()).not.toContain('OOM-killed');

    await panel.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish on the status page' });
    const title = dialog.getByLabel('Public title');
    await expect.poll(() => title.inputValue()).not.toBe('');
    await title.fill('Payment failures');
    await dialog.getByLabel('Message for customers').fill(PUBLIC_TEXT);
    await dialog.getByRole('checkbox', { name: /Notify subscribers/ }).check();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    const frame = dialog.locator('iframe[title="Preview of the public status page"]');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
    const inside = frame.contentFrame();
    await inside.getByText(PUBLIC_TEXT).waitFor();
    await inside.getByText('Payment failures').first().waitFor();
    // The page's own stylesheet applies in the frame (adopted, since the console's policy refuses inline styles).
    const styled = await (
      await frame.elementHandle()
    )
      ?.contentFrame()
      .then((f) => f?.evaluate(() => getComputedStyle(document.body).backgroundColor));
    expect(styled).not.toBe('rgba(0, 0, 0, 0)');
    // Nothing was saved by the preview.
    expect(await vigil.api('GET', `/api/v1/incidents/${incident.id}/status-updates`)).toBeNull();
    await shot(page, `status-preview-${dialect}`);

    await dialog.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published on the status page: Investigating').first().waitFor();
    await panel.getByText('Payment failures').waitFor();
    await panel.getByRole('list', { name: 'Published updates, newest first' }).getByText(PUBLIC_TEXT).waitFor();
    await panel.getByText(/subscribers notified/).waitFor();
    const published = await vigil.api<{ name: string; status: string; updates: unknown[] }>(
      'GET',
      `/api/v1/incidents/${incident.id}/status-updates`,
    );
    expect(published).toMatchObject({ name: 'Payment failures', status: 'investigating' });
    expect(published.updates).toHaveLength(1);

    // The public page shows what was published and nothing internal.
    await expect.poll(publicPage).toContain(PUBLIC_TEXT);
    const html = await publicPage();
    expect(html).toContain('Payment failures');
    expect(html).not.toContain('OOM-killed');

    // A second update from the panel: no title this time, the status moved on.
    await panel.getByRole('button', { name: 'Publish update' }).click();
    const next = page.getByRole('dialog', { name: 'Update “Payment failures” on the status page' });
    expect(await next.getByLabel('Public title').count()).toBe(0);
    await next.getByRole('button', { name: 'Investigating Status' }).click();
    await page.getByRole('option', { name: 'Identified' }).click();
    await next.getByLabel('Message for customers').fill('The faulty release is identified; the rollback is under way.');
    await next.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published on the status page: Identified').first().waitFor();
    const updates = panel.getByRole('list', { name: 'Published updates, newest first' }).getByRole('listitem');
    await expect.poll(() => updates.count()).toBe(2);
    expect(await updates.first().innerText()).toContain('Identified');
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, `status-incident-panel-${dialect}`);

    // On the screen, the component shows what the published update set.
    await go(page, '/status-page/components');
    const row = page.getByRole('row').filter({ hasText: 'Card and wallet payments' });
    await row.getByText('Set by a published update').waitFor();
    await row.locator('td[data-label="Status"]').getByText('Major outage', { exact: true }).waitFor();
    expect(problems).toEqual([]);
  });

  it('schedules maintenance with the date-time fields and completes it early', async () => {
    const { page, problems } = await open('/status-page/maintenance');
    await page.getByText('No maintenance scheduled').waitFor();
    const form = page.getByRole('form', { name: 'Schedule maintenance' });
    await form.getByLabel('Title').fill('Database upgrade');
    await form.getByLabel('What will happen (public)').fill('Payments may be slow for ten minutes.');
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR);
    await typeTime(page, 'Starts', start);
    await typeTime(page, 'Ends', new Date(start.getTime() + 2 * HOUR));
    await form.getByRole('group', { name: 'Components under maintenance' }).getByLabel('Payments').check();
    await form.getByRole('button', { name: 'Schedule maintenance' }).click();
    await page.getByText('Scheduled “Database upgrade”').first().waitFor();
    const scheduled = page.getByRole('region', { name: 'Maintenance: scheduled' });
    await scheduled.getByText('Database upgrade').waitFor();
    const listed = await vigil.api<{ data: Array<{ title: string; starts_at: string; component_ids: string[] }> }>(
      'GET',
      '/api/v1/status/maintenances',
    );
    expect(listed.data).toHaveLength(1);
    expect(Date.parse(listed.data[0]?.starts_at ?? '')).toBe(start.getTime());
    expect(listed.data[0]?.component_ids).toEqual([(await payments()).id]);
    expect(await axeSerious(page)).toEqual([]);

    await scheduled.getByRole('button', { name: 'Complete now: Database upgrade' }).click();
    await page.getByText('Completed “Database upgrade”').first().waitFor();
    await page.getByRole('region', { name: 'Maintenance: completed' }).getByText('Database upgrade').waitFor();
    expect(problems).toEqual([]);
  });

  it('shows subscribers and settings to an admin, and auto-publish off until turned on', async () => {
    const { page, problems } = await open('/status-page/subscribers');
    await page
      .getByLabel('Subscriber counts')
      .getByText(/0\s+confirmed/)
      .waitFor();
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(
      '/api/v1/status/subscribers?format=csv',
    );
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.waitForURL('**/status-page/settings');
    const rules = page.getByRole('group', { name: 'Auto-publish for Payments API' });
    expect(await rules.getByRole('checkbox').isChecked()).toBe(false);
    await rules.getByRole('checkbox').check();
    await rules.getByLabel('After minutes unacknowledged').fill('10');
    await page.getByLabel('Name', { exact: true }).fill('Acme status');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Status page settings saved').first().waitFor();
    const settings = await vigil.api<{ name: string; auto_publish: Record<string, { after_minutes: number }> }>(
      'GET',
      '/api/v1/status/page',
    );
    expect(settings.name).toBe('Acme status');
    expect(settings.auto_publish).toEqual({ [serviceId]: expect.objectContaining({ after_minutes: 10 }) });
    expect(await axeSerious(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows a viewer the panel read-only and no subscribers', async () => {
    const incidents = await vigil.api<{ data: Array<{ number: string; title: string }> }>(
      'GET',
      '/api/v1/incidents?limit=10',
    );
    const number = incidents.data.find((i) => i.title.includes('OOM-killed'))?.number as string;
    const { page, problems } = await open(`/incidents/${number}`, viewerToken);
    const panel = page.getByRole('region', { name: 'Status page' });
    await panel.getByText('Payment failures').waitFor();
    expect(await panel.getByRole('button').count()).toBe(0);
    await go(page, '/status-page/subscribers');
    await page.getByText(/only admins see, export and delete them/).waitFor();
    await go(page, '/status-page/components');
    await page.getByRole('row').filter({ hasText: 'Card and wallet payments' }).waitFor();
    expect(await page.getByRole('button', { name: /Status of Payments/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add component' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
