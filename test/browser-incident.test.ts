// The incident page in Chromium against a real server: an alert opens a P1, and the page shows its
// header (status, severity, phase, commander, next deadline, why this severity, the clocks), takes a
// note, assigns a role in place, acknowledges by keyboard, sends a status update after previewing
// it, resolves with the one primary button, and keeps the timeline live; phase and severity changes
// ask for confirmation first; the timeline is grouped by phase and filtered by source; a phone gets
// header, actions, status update, roles and timeline in that order; a viewer sees the same page
// without any control that changes the incident. Every layout at 1280 and 360 px, light and dark,
// with axe, no sideways scroll and no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, browserUnavailable, pageWidth, shot, startConsole, type Console } from './browser-harness.js';

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
  const head = (page: Page) => page.locator('.incident-head');
  const noHorizontalScroll = async (page: Page) => (await pageWidth(page)) <= (page.viewportSize()?.width ?? Infinity);

  /** A context at `width` in `scheme`, closed by the caller (the harness closes only its own). */
  const context = (width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> =>
    vigil.browser
      .newContext({ baseURL: vigil.url, viewport: { width, height: width < 600 ? 780 : 900 }, colorScheme })
      .then((c) => {
        c.setDefaultTimeout(10_000);
        return c;
      });

  /** Picks `option` in the React Aria select labelled `label` (a button that opens a list box). */
  async function pick(page: Page, field: string, option: string): Promise<void> {
    await page.locator(field).getByRole('button').click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  /** Checks what every layout must pass: axe, no sideways scroll. */
  async function checkLayout(page: Page, name: string): Promise<void> {
    expect(await axeSerious(page), name).toEqual([]);
    expect(await noHorizontalScroll(page), name).toBe(true);
    await shot(page, name);
  }

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
    const ctx = await context(1280);
    const { page, problems } = await vigil.page(ctx);
    await openAs(page, vigil.adminToken, incident.number);

    // Header: number, title, status, severity in words with why, phase, commander, next deadline, clocks.
    await page.getByRole('heading', { level: 1, name: `${incident.number} Checkout returns 500s` }).waitFor();
    await expect.poll(() => head(page).innerText()).toContain('P1 high');
    const header = await head(page).innerText();
    expect(header).toMatch(/Status\s+Triggered/);
    expect(header).toMatch(/Phase\s+Detection/);
    expect(header).toMatch(/Commander\s+Nobody yet/);
    expect(header).toMatch(/Next deadline\s+End of the detection time box in [45]m/);
    expect(header).toContain('Why this severity: P1 because the monitoring tool sent the alert as critical.');
    expect(header).not.toContain('severity.critical'); // the rule id waits in "Technical details"
    expect(header).toMatch(/detection, \d+s in, time box ends in [45]m/);
    expect(header).toMatch(/acknowledge in 1[45]m/);
    expect(header).toMatch(/ESCALATION/i);
    expect(await head(page).locator('time').first().getAttribute('title')).toMatch(/\d{4}, \d\d:\d\d [A-Z]/);
    await head(page).getByText('Technical details').click();
    expect(await head(page).innerText()).toContain('Classification rule severity.critical');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    // One primary action, the next step; the rest in the menu.
    expect(await page.locator('.ui-button-primary').allInnerTexts()).toEqual(['Acknowledge']);
    await page.getByRole('button', { name: 'More actions' }).click();
    expect(await page.getByRole('menuitem').allInnerTexts()).toEqual([
      'Resolve',
      'Escalate now',
      'Add a note',
      'Assign roles',
      'Change severity…',
      'Move phase…',
      'Personal data involved…',
    ]);
    await page.keyboard.press('Escape');

    // The timeline tells what happened in words, the engine's diagnostics included, under its phase.
    await expect.poll(() => timeline(page).innerText()).toContain('Automatic diagnostics');
    const opened = await timeline(page).innerText();
    expect(opened).toMatch(/^Detection\s+\d\d:\d\d – now/);
    expect(opened).toContain('Opened as P1 high');
    expect(opened).toContain('P1 high because the monitoring tool sent the alert as critical');
    expect(opened).toContain('Alert added');
    expect(opened).toContain('Production health');
    expect(opened).toContain('Escalation levels 1, 2, 3, 4 skipped');
    expect(opened).not.toContain('{"');
    expect(opened).not.toMatch(/rule (seed|severity)\./);
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
    await expect.poll(() => head(page).innerText()).toMatch(/Commander\s+Casey Jones/);
    expect(
      (await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).roles.incident_commander?.handle,
    ).toBe('casey');

    // `a` acknowledges (outside text fields); then Resolve is the one primary action.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    await expect.poll(() => timeline(page).innerText()).toContain('Incident acknowledged');
    await expect.poll(() => head(page).innerText()).toMatch(/acknowledged after \d+s, within target/);
    expect((await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).status).toBe('acknowledged');
    await expect.poll(() => page.locator('.ui-button-primary').allInnerTexts()).toEqual(['Resolve']);

    // Entries written elsewhere arrive live.
    await vigil.api('POST', `/api/v1/incidents/${incident.id}/notes`, { text: 'Written from the CLI' });
    await expect.poll(() => timeline(page).innerText(), { timeout: 10_000 }).toContain('Written from the CLI');

    // The status update composer: due time and cadence in words, the server's preview, then sending it.
    const updates = page.getByRole('region', { name: 'Status updates' });
    await expect.poll(() => updates.innerText()).toMatch(/Next update due in (59|60)m/);
    expect(await updates.innerText()).toContain('P1 incidents update stakeholders every hour.');
    expect(await updates.innerText()).toMatch(/Empty: the usual every hour, so by \d\d:\d\d/);
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

    await checkLayout(page, 'incident-1280');

    // Resolve with the primary button; then only Reopen is offered, and the update box says what applies.
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(() => timeline(page).innerText()).toContain('Incident resolved');
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    expect(await page.getByRole('button', { name: 'Resolve', exact: true }).count()).toBe(0);
    expect(await page.locator('.ui-button-primary').count()).toBe(0);
    expect((await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).status).toBe('resolved');
    await expect
      .poll(() => updates.innerText())
      .toContain('Resolved: no more updates are due. Post a final update if customers need one.');
    expect(await updates.innerText()).not.toMatch(/cadence\)/);
    await expect.poll(() => timeline(page).innerText()).toMatch(/^Resolved\s+\d\d:\d\d/);
    await expect.poll(() => head(page).innerText()).toMatch(/Resolved\s+\d+[sm] ago, after \d+/);
    await checkLayout(page, 'incident-1280-resolved');
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('fits a 360 px phone in reading order, and asks before changing phase or severity', async () => {
    const incident = await openIncident('Payments timing out');
    const ctx = await context(360);
    const { page, problems } = await vigil.page(ctx);
    await openAs(page, vigil.adminToken, incident.id);
    await page.getByRole('heading', { level: 1, name: /Payments timing out/ }).waitFor();
    await expect.poll(() => timeline(page).innerText()).toContain('Automatic diagnostics');
    expect(await noHorizontalScroll(page)).toBe(true);

    // Header, actions, status update, roles, timeline: top to bottom in that order.
    const tops = [];
    for (const part of ['.incident-head', '.incident-actions', '.updates', '.incident-roles', '.incident-timeline'])
      tops.push((await page.locator(part).boundingBox())?.y ?? -1);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
    expect(tops[0]).toBeGreaterThan(0);
    // The actions are one row of two buttons, not a stack of controls.
    expect((await page.locator('.incident-actions-row').boundingBox())?.height).toBeLessThan(60);
    for (const name of ['Acknowledge', 'More actions', 'Add note', 'Send update'])
      expect(await page.getByRole('button', { name, exact: true }).isVisible(), name).toBe(true);

    // Changing the phase from its field asks first and says what happens.
    await pick(page, '.incident-field-phase', 'Investigation (5–20 min)');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Move to investigation?' }).waitFor();
    expect(await dialog.innerText()).toMatch(/phase clock starts again[\s\S]*Investigation's time box ends/);
    await dialog.getByRole('button', { name: 'Move to investigation' }).click();
    await expect.poll(() => timeline(page).innerText()).toContain('Phase moved from detection to investigation');
    await expect.poll(() => head(page).innerText()).toMatch(/Phase\s+Investigation/);
    await page.getByText('Moved to investigation').waitFor(); // the toast
    await expect.poll(() => timeline(page).innerText()).toMatch(/^Investigation\s+\d\d:\d\d – now/);

    // Raising the severity asks for confirmation: Cancel changes nothing…
    await pick(page, '.incident-field-severity', 'P0 critical');
    await dialog.getByRole('heading', { name: 'Change severity to P0 critical?' }).waitFor();
    expect(await dialog.innerText()).toMatch(/becomes P0 critical \(now P1 high\)[\s\S]*every 30 minutes/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('.incident-field-severity').innerText()).toContain('P1 high');
    expect((await vigil.api<{ severity: string }>('GET', `/api/v1/incidents/${incident.id}`)).severity).toBe('P1');
    // …confirming changes it, with the reason on the timeline.
    await pick(page, '.incident-field-severity', 'P0 critical');
    await dialog.getByLabel('Reason (optional)').fill('All regions affected');
    await dialog.getByRole('button', { name: 'Change to P0' }).click();
    await expect.poll(() => timeline(page).innerText()).toContain('Severity changed from P1 high to P0 critical');
    expect(await timeline(page).innerText()).toContain('All regions affected');
    await expect.poll(() => head(page).innerText()).toContain('P0 critical');
    expect(await head(page).innerText()).toContain(
      'P0, changed by hand. It opened as P1 because the monitoring tool sent the alert as critical.',
    );
    await page.getByText('Severity changed to P0 critical').first().waitFor(); // the toast

    // The menu's "Change severity…" asks which severity first.
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Change severity…' }).click();
    await dialog.getByRole('heading', { name: 'Change severity' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Confirm' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The timeline's filters: people, system, notifications.
    const filters = page.getByRole('group', { name: 'Show entries from' });
    await filters.getByRole('checkbox', { name: /System/ }).uncheck();
    await expect.poll(() => timeline(page).innerText()).not.toContain('Automatic diagnostics');
    expect(await timeline(page).innerText()).toContain('Severity changed from P1 high to P0 critical');
    await filters.getByRole('checkbox', { name: /People/ }).uncheck();
    await expect.poll(() => timeline(page).innerText()).not.toContain('Severity changed');
    await filters.getByRole('checkbox', { name: /System/ }).check();
    await expect.poll(() => timeline(page).innerText()).toContain('Automatic diagnostics');
    expect(await timeline(page).innerText()).not.toContain('Severity changed');
    await filters.getByRole('checkbox', { name: /People/ }).check();
    await expect.poll(() => timeline(page).innerText()).toContain('Severity changed');

    // The menu's "Add a note" and "Assign roles" take the keyboard to the note box and the roles.
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Add a note' }).click();
    await expect.poll(focused).toBe('note-text');
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Assign roles' }).click();
    await expect.poll(focused).toBe('assign-incident_commander');

    await checkLayout(page, 'incident-360');
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('shows a viewer the page without any control that changes the incident', async () => {
    const incident = await openIncident('Search is slow');
    await vigil.api('POST', `/api/v1/incidents/${incident.id}/notes`, { text: 'Looking at the index' });
    const ctx = await context(360, 'dark');
    const { page, problems } = await vigil.page(ctx);
    await openAs(page, viewerToken, incident.number);
    await page.getByRole('heading', { level: 1, name: /Search is slow/ }).waitFor();
    await expect.poll(() => timeline(page).innerText()).toContain('Looking at the index');
    expect(await head(page).innerText()).toContain('P1 high');
    expect(await head(page).innerText()).toMatch(/Phase\s+Detection/);
    const article = page.getByRole('article');
    expect(await article.getByRole('button').count()).toBe(0);
    expect(await article.getByRole('textbox').count()).toBe(0);
    expect(await article.getByRole('combobox').count()).toBe(0);
    expect(await article.getByRole('menuitem').count()).toBe(0);
    // Only the timeline's filters can be ticked: they change what the viewer sees, not the incident.
    expect(await article.getByRole('checkbox').count()).toBe(3);
    // Keyboard shortcuts do nothing for a viewer either.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    await page.waitForTimeout(300);
    expect((await vigil.api<Incident>('GET', `/api/v1/incidents/${incident.id}`)).status).toBe('triggered');
    expect(await page.getByRole('region', { name: 'Status updates' }).innerText()).toMatch(/Next update due in/);
    await checkLayout(page, 'incident-360-dark-viewer');
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('passes axe with no sideways scroll at 1280 and 360 px in light and dark', async () => {
    const incident = await openIncident('Login fails for some users');
    for (const [width, scheme] of [
      [1280, 'dark'],
      [360, 'dark'],
      [360, 'light'],
      [1280, 'light'],
    ] as const) {
      const ctx = await context(width, scheme);
      const { page, problems } = await vigil.page(ctx);
      await openAs(page, vigil.adminToken, incident.number);
      await page.getByRole('heading', { level: 1, name: /Login fails/ }).waitFor();
      await expect.poll(() => timeline(page).innerText()).toContain('Automatic diagnostics');
      await checkLayout(page, `incident-${width}-${scheme}`);
      // The menu and the confirmation dialog, open, pass too.
      await page.getByRole('button', { name: 'More actions' }).click();
      await page.getByRole('menuitem').first().waitFor();
      expect(await axeSerious(page), `${width} ${scheme} menu`).toEqual([]);
      await page.keyboard.press('Escape');
      await pick(page, '.incident-field-severity', 'P2 medium');
      await page.getByRole('dialog').waitFor();
      expect(await axeSerious(page), `${width} ${scheme} dialog`).toEqual([]);
      expect(await noHorizontalScroll(page)).toBe(true);
      await shot(page, `incident-${width}-${scheme}-confirm`);
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      expect(problems, `${width} ${scheme}`).toEqual([]);
      await ctx.close();
    }
  }, 120_000);
});
