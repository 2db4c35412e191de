// The incident page in Chromium against a real server: an alert opens a P1, and the page shows its
// header clocks, takes a note, assigns a role in place, acknowledges by keyboard, sends a status
// update after previewing it, resolves with the "Resolve" button, and keeps the timeline live; a
// viewer sees the same page without any control that changes the incident; 1440 and 360 px shots.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, shot, startConsole, type Console } from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

interface Incident {
  id: string;
  number: string;
  title: string;
  status: string;
  roles: Record<string, { handle: string } | null>;
}

describe.skipIf(missing !== null)('the incident page in Chromium', () => {
  let vigil: Console;
  let routingKey: string;
  let viewerToken: string;

  /** Sends a critical alert and waits for the P1 incident it opens. */
  async function openIncident(summary: string): Promise<Incident> {
    await vigil.api('POST', '/v2/enqueue', {
      routing_key: routingKey,
      event_action: 'trigger',
      payload: { summary, source: 'web-1', severity: 'critical' },
    });
    for (let i = 0; i < 100; i += 1) {
      const { data } = await vigil.api<{ data: Incident[] }>('GET', '/api/v1/incidents?limit=100');
      const found = data.find((x) => x.title === summary);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no incident opened for ${summary}`);
  }

  /**
   * Opens the incident page signed out and signs in right there: the console shows the page at that
   * address once signed in. (Signing in on the list first and then going to the page would abort the
   * list's requests, which the harness rightly counts as problems.)
   */
  async function openAs(page: Page, token: string, ref: string): Promise<void> {
    await page.goto(`/incidents/${encodeURIComponent(ref)}`);
    await page.getByRole('radio', { name: 'API token' }).check();
    await page.locator('input[name="token"]').fill(token);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByRole('button', { name: /sign out/i }).waitFor();
  }

  const timeline = (page: Page) => page.getByRole('list', { name: 'Timeline' });
  const noHorizontalScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  beforeAll(async () => {
    vigil = await startConsole();
    const service = await vigil.api<{ integration_key: string }>('POST', '/api/v1/services', { name: 'checkout' });
    routingKey = service.integration_key;
    await vigil.api('POST', '/api/v1/users', { handle: 'casey', name: 'Casey Jones', email: 'casey@example.test' });
    await vigil.api('POST', '/api/v1/users', { handle: 'vera', name: 'Vera Viewer', email: 'vera@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'vera', role: 'viewer' }))
      .token;
  }, 60_000);
  afterAll(async () => vigil?.close());

  it('runs an incident from the page: note, role, acknowledge, status update, resolve', async () => {
    const incident = await openIncident('Checkout returns 500s');
    const { page, problems } = await vigil.page(await vigil.context());
    await openAs(page, vigil.adminToken, incident.number);

    // Header: number, title, severity in words, status, phase with its time box, the clocks.
    await page.getByRole('heading', { level: 1, name: `${incident.number} Checkout returns 500s` }).waitFor();
    const head = page.locator('.incident-head');
    await expect.poll(() => head.innerText()).toContain('P1 high');
    const header = await head.innerText();
    expect(header).toMatch(/triggered/i);
    expect(header).toMatch(/phase: detection/i);
    expect(header).toMatch(/detection, \d+s in, time box ends in [45]m/);
    expect(header).toMatch(/acknowledge in 1[45]m/);
    expect(header).toMatch(/ESCALATION/i);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    // The timeline tells what happened in words, the engine's diagnostics included.
    await expect.poll(() => timeline(page).innerText()).toContain('Automatic diagnostics');
    const opened = await timeline(page).innerText();
    expect(opened).toContain('Opened as P1 high');
    expect(opened).toContain('Alert added');
    expect(opened).toContain('Production health');
    expect(opened).toContain('Escalation levels 1, 2, 3, 4 skipped');
    expect(opened).not.toContain('{"');
    await expect
      .poll(() => page.getByRole('region', { name: /Alerts/ }).innerText())
      .toContain('Checkout returns 500s');

    // A note from the box.
    await page.getByLabel('Add a note').fill('Rolled back deploy 4312');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => timeline(page).innerText()).toContain('Rolled back deploy 4312');
    expect(await page.getByLabel('Add a note').inputValue()).toBe('');

    // A role assigned in place.
    await page.getByRole('button', { name: 'Assign Incident commander' }).click();
    const picker = page.getByLabel('Incident commander: person');
    await expect.poll(() => picker.locator('option').allInnerTexts()).toContain('Casey Jones (@casey)');
    await picker.selectOption({ label: 'Casey Jones (@casey)' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Change Incident commander' }).waitFor();
    expect(await page.getByRole('region', { name: 'Roles' }).innerText()).toContain('Casey Jones (@casey)');
    // Focus goes back to the row's button, so the keyboard user is where they were.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Change Incident commander');
    await expect.poll(() => timeline(page).innerText()).toContain('Incident commander assigned to @casey');
    expect(
      (await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).roles.incident_commander?.handle,
    ).toBe('casey');

    // `a` acknowledges (outside text fields).
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    await expect.poll(() => timeline(page).innerText()).toContain('Incident acknowledged');
    await expect.poll(() => head.innerText()).toMatch(/acknowledged after \d+s, within target/);
    expect((await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).status).toBe('acknowledged');

    // Entries written elsewhere arrive live.
    await vigil.api('POST', `/api/v1/incidents/${incident.id}/notes`, { text: 'Written from the CLI' });
    await expect.poll(() => timeline(page).innerText(), { timeout: 10_000 }).toContain('Written from the CLI');

    // The status update composer: due time, the server's preview, then sending it.
    const updates = page.getByRole('region', { name: 'Status updates' });
    await expect.poll(() => updates.innerText()).toMatch(/Next update due in (59|60)m/);
    await page.getByLabel('Status update to stakeholders').fill('Error rate back to normal after the rollback.');
    await expect
      .poll(() => updates.locator('.preview pre').first().innerText())
      .toContain('Status: acknowledged, phase: detection.');
    expect(await updates.locator('.preview .subject').first().innerText()).toBe(
      `[P1] Update: Checkout returns 500s (${incident.number})`,
    );
    await page.getByRole('button', { name: 'Send update' }).click();
    await expect.poll(() => updates.innerText()).toContain('Sent to 0 stakeholders');
    await expect.poll(() => timeline(page).innerText()).toContain('Status update sent');
    await updates.getByText('Runbook notifications as they would read now').click();
    await expect.poll(() => updates.innerText()).toContain('Incident Commander: casey');

    await shot(page, 'incident-1440');

    // Resolve with the button; then only Reopen is offered.
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(() => timeline(page).innerText()).toContain('Incident resolved');
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    expect(await page.getByRole('button', { name: 'Resolve', exact: true }).count()).toBe(0);
    expect((await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).status).toBe('resolved');
    await expect.poll(() => updates.innerText()).toContain('No further update is due');
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, 'incident-1440-resolved');
    expect(problems).toEqual([]);
  });

  it('fits a 360 px phone with every control reachable', async () => {
    const incident = await openIncident('Payments timing out');
    const { page, problems } = await vigil.page(await vigil.context({ width: 360, height: 780 }));
    await openAs(page, vigil.adminToken, incident.id);
    await page.getByRole('heading', { level: 1, name: /Payments timing out/ }).waitFor();
    await expect.poll(() => timeline(page).innerText()).toContain('Automatic diagnostics');
    expect(await noHorizontalScroll(page)).toBe(true);
    for (const name of [
      'Acknowledge',
      'Resolve',
      'Escalate now',
      'Move phase',
      'Change severity',
      'Add note',
      'Send update',
    ]) {
      expect(await page.getByRole('button', { name, exact: true }).isVisible(), name).toBe(true);
    }
    // Changing the phase from the picker.
    await page.getByLabel('Phase', { exact: true }).selectOption('investigation');
    await page.getByRole('button', { name: 'Move phase' }).click();
    await expect.poll(() => timeline(page).innerText()).toContain('Phase moved from detection to investigation');
    await expect.poll(() => page.locator('.incident-head').innerText()).toMatch(/phase: investigation/i);
    // Raising the severity, with a reason.
    await page.getByLabel('Severity', { exact: true }).selectOption('P0');
    await page.getByLabel('Reason for the severity change (optional)').fill('All regions affected');
    await page.getByRole('button', { name: 'Change severity' }).click();
    await expect.poll(() => timeline(page).innerText()).toContain('Severity changed from P1 high to P0 critical');
    expect(await timeline(page).innerText()).toContain('All regions affected');
    await expect.poll(() => page.locator('.incident-head').innerText()).toContain('P0 critical');
    await shot(page, 'incident-360');
    expect(problems).toEqual([]);
  });

  it('shows a viewer the page without any control that changes the incident', async () => {
    const incident = await openIncident('Search is slow');
    await vigil.api('POST', `/api/v1/incidents/${incident.id}/notes`, { text: 'Looking at the index' });
    const { page, problems } = await vigil.page(await vigil.context({ width: 360, height: 780 }));
    await openAs(page, viewerToken, incident.number);
    await page.getByRole('heading', { level: 1, name: /Search is slow/ }).waitFor();
    await expect.poll(() => timeline(page).innerText()).toContain('Looking at the index');
    expect(await page.locator('.incident-head').innerText()).toContain('P1 high');
    const article = page.getByRole('article');
    expect(await article.getByRole('button').count()).toBe(0);
    expect(await article.getByRole('textbox').count()).toBe(0);
    expect(await article.getByRole('combobox').count()).toBe(0);
    // Keyboard shortcuts do nothing for a viewer either.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    await page.waitForTimeout(300);
    expect((await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).status).toBe('triggered');
    expect(await page.getByRole('region', { name: 'Status updates' }).innerText()).toMatch(/Next update due in/);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, 'incident-360-viewer');
    expect(problems).toEqual([]);
  });
});
