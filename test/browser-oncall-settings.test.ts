// The On-call and Settings screens in Chromium against a real `vigil serve`: who is on call now and
// next, the schedule's time axis, overrides from a shift's menu, by keyboard and by a drag, the calendar
// link, and the settings areas (users, contact methods, tokens shown once and revoked after a
// confirmation, templates, policies, stakeholders); a viewer sees no controls; every screen is checked
// at 1280 and 360 px wide, light and dark: no sideways scroll, no serious accessibility finding, no
// console error, and photographed.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  go,
  pageWidth,
  shot,
  signIn,
  startConsole,
  type Console,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const PHONE = { width: 360, height: 780 };
const HOUR = 3_600_000;

interface User {
  id: string;
  handle: string;
  name: string;
}

/** Chromium logs every 4xx answer as a console error; a test that provokes a refusal on purpose drops exactly those. */
const withoutRefusals = (problems: string[]) => problems.filter((p) => !/status of (400|409)/.test(p));

describe.skipIf(missing !== null)('the On-call and Settings screens in Chromium', () => {
  let vigil: Console;
  let ada: User;
  let bob: User;
  let cy: User;
  let admin: User;
  let viewerToken: string;
  let onCallNow: string[];

  beforeAll(async () => {
    vigil = await startConsole();
    ada = await vigil.api<User>('POST', '/api/v1/users', {
      handle: 'ada',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      timezone: 'UTC',
    });
    bob = await vigil.api<User>('POST', '/api/v1/users', {
      handle: 'bob',
      name: 'Bob Builder',
      email: 'bob@example.com',
      timezone: 'UTC',
    });
    cy = await vigil.api<User>('POST', '/api/v1/users', {
      handle: 'cy',
      name: 'Cy Viewer',
      email: 'cy@example.com',
      timezone: 'UTC',
    });
    admin = await vigil.api<User>('GET', '/api/v1/users/admin');
    const handoff = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 2 * HOUR);
    await vigil.api('POST', '/api/v1/schedules', {
      name: 'Primary',
      timezone: 'UTC',
      layers: [
        {
          name: 'Week',
          rotation: { kind: 'daily', handoff_at: handoff.toISOString(), participants: ['admin', 'ada', 'bob'] },
        },
      ],
    });
    await vigil.api('POST', '/api/v1/escalation-policies', {
      name: 'Production',
      levels: [
        { name: 'On-call engineer', delay_seconds: 0, targets: [{ type: 'schedule', id: 'Primary' }] },
        { name: 'Technical lead', delay_seconds: 900, targets: [{ type: 'user', id: 'bob' }] },
      ],
    });
    await vigil.api('POST', '/api/v1/incidents', { title: 'Checkout is down', severity: 'P1' });
    viewerToken = (
      await vigil.api<{ token: string }>('POST', '/api/v1/tokens', {
        user: 'cy',
        role: 'viewer',
        name: 'viewer in browser',
      })
    ).token;
    onCallNow = (await vigil.api<{ user_ids: string[] }>('GET', '/api/v1/schedules/Primary/oncall')).user_ids;
  }, 90_000);
  afterAll(async () => vigil?.close());

  async function open(
    path: string,
    options: { viewport?: { width: number; height: number }; token?: string } = {},
  ): Promise<{ page: Page; problems: string[]; context: BrowserContext }> {
    const context = await vigil.context(options.viewport);
    const { page, problems } = await vigil.page(context);
    await signIn(page, { token: options.token ?? vigil.adminToken });
    await go(page, path);
    return { page, problems, context };
  }

  /** Picks `option` in the design system's Select labelled `label` (a button that opens a list box). */
  async function choose(scope: Locator, label: string, option: string): Promise<void> {
    await scope
      .locator('.ui-field')
      .filter({ has: scope.page().getByText(label, { exact: true }) })
      .locator('button')
      .click();
    await scope.page().getByRole('option', { name: option }).click();
  }

  const name = (userId: string) => [admin, ada, bob, cy].find((u) => u.id === userId)?.name;

  /** The bars of a schedule's timeline (buttons for those who may override, images for viewers). */
  const bars = (page: Page, schedule: string) =>
    page.getByRole('list', { name: `Shifts of ${schedule}` }).getByRole('listitem');

  it('shows who is on call now and next per schedule and escalation level, and the shifts on a time axis', async () => {
    const { page, problems } = await open('/oncall');
    expect(onCallNow).toHaveLength(1);
    const now = page
      .getByRole('list', { name: 'On call now by schedule' })
      .getByRole('listitem')
      .filter({ hasText: 'Primary' })
      .first();
    await now
      .getByText(name(onCallNow[0] as string) as string)
      .first()
      .waitFor();
    // A daily rotation: the person on call now hands over within a day, to the next in the rotation (the
    // handovers arrive by their own request, after the names).
    await expect.poll(() => now.textContent()).toMatch(/until .+Next: .+ from /);
    const levels = page.getByRole('list', { name: 'Production: levels' }).locator('> li');
    await expect(levels.count()).resolves.toBe(2);
    await levels
      .nth(0)
      .getByText(name(onCallNow[0] as string) as string)
      .waitFor();
    await levels.nth(1).getByText('Bob Builder').waitFor();
    expect(await levels.nth(1).textContent()).toContain('after 15 min');
    // The schedule's shifts: a daily rotation gives one shift a day; over 2 weeks at least 14, one of them now.
    await page.getByRole('radiogroup', { name: 'Range' }).getByText('2 weeks').click();
    await expect.poll(() => bars(page, 'Primary').count()).toBeGreaterThanOrEqual(14);
    const current = bars(page, 'Primary').getByRole('button', { name: /on call now$/ });
    expect(await current.getAttribute('aria-label')).toContain(name(onCallNow[0] as string));
    await page.getByRole('region', { name: 'Timeline of Primary' }).waitFor();
    // Back and forth by two weeks, and back to today.
    const range = page.locator('.oc-range');
    const before = await range.textContent();
    await page.getByRole('button', { name: 'Next 2 weeks' }).click();
    await expect.poll(() => range.textContent()).not.toBe(before);
    await page.getByRole('button', { name: 'Today' }).click();
    await expect.poll(() => range.textContent()).toBe(before);
    await shot(page, 'oncall-1440');
    expect(problems).toEqual([]);
  });

  it('overrides a shift from its menu (pre-filled, bad range refused), highlighted on the timeline', async () => {
    const { page, problems } = await open('/oncall');
    const adaShift = bars(page, 'Primary')
      .getByRole('button', { name: /^Ada Lovelace \(@ada\)/ })
      .first();
    const shiftName = (await adaShift.getAttribute('aria-label')) as string;
    await adaShift.click();
    await page.getByRole('menuitem', { name: 'Override this shift…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Override on Primary' });
    const form = dialog.getByRole('form', { name: 'Add an override' });
    const start = await form.locator('input[name="start"]').inputValue();
    const end = await form.locator('input[name="end"]').inputValue();
    // The shift's own times, and the zone is named.
    expect(Date.parse(end) - Date.parse(start)).toBe(24 * HOUR);
    expect(shiftName).toContain('Ada Lovelace (@ada)');
    await dialog
      .getByText(/Times in /)
      .first()
      .waitFor();
    expect(await form.getByRole('button', { name: /Instead of/ }).textContent()).toContain('Ada Lovelace (@ada)');
    await form.getByRole('combobox', { name: 'Put on call' }).fill('Bob');
    await page.getByRole('option', { name: 'Bob Builder (@bob)' }).click();
    // End two days earlier, so before the start: the server refuses it and the dialog says why.
    const endDay = form.getByRole('group', { name: 'End' }).getByRole('spinbutton', { name: /day/i }).first();
    await endDay.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await form.getByRole('button', { name: 'Add override' }).click();
    await form.getByRole('alert').getByText('end: must be after start').waitFor();
    await endDay.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await form.locator('input[name="end"]').inputValue()).toBe(end);
    await form.getByRole('button', { name: 'Add override' }).click();
    await page.getByText('Override added').first().waitFor();
    await expect.poll(() => dialog.count()).toBe(0);

    const overrideBar = bars(page, 'Primary').getByRole('button', { name: /^Bob Builder \(@bob\).*override/ });
    await overrideBar.first().waitFor();
    expect(await overrideBar.first().getAttribute('class')).toContain('oc-bar-override');
    await page
      .getByRole('list', { name: 'Overrides' })
      .getByText('Bob Builder (@bob) instead of Ada Lovelace (@ada)')
      .waitFor();
    const stored = await vigil.api<{
      data: Array<{ user_id: string; replaces_user_id: string; start: string; end: string }>;
    }>('GET', '/api/v1/schedules/Primary/overrides');
    expect(stored.data).toEqual([expect.objectContaining({ user_id: bob.id, replaces_user_id: ada.id, start, end })]);
    await shot(page, 'oncall-override-1440');
    expect(withoutRefusals(problems)).toEqual([]);
  });

  it('picks a time range by dragging across the axis, rounded to 15 minutes, into the same dialog', async () => {
    const { page, problems } = await open('/oncall');
    await page.getByRole('radiogroup', { name: 'Range' }).getByText('Day').click();
    const track = page.locator('.oc-tl-track');
    await track.scrollIntoViewIfNeeded();
    const box = (await track.boundingBox()) as { x: number; y: number; width: number; height: number };
    // From about 17:00 back to about 13:00 of the day shown, along the track's bottom edge, off the bars.
    const y = box.y + box.height - 2;
    await page.mouse.move(box.x + box.width * 0.71, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.55, y, { steps: 5 });
    await page.mouse.up();
    const dialog = page.getByRole('dialog', { name: 'Override on Primary' });
    await dialog.waitFor();
    const start = Date.parse(await dialog.locator('input[name="start"]').inputValue());
    const end = Date.parse(await dialog.locator('input[name="end"]').inputValue());
    expect(start % (15 * 60_000)).toBe(0);
    expect(end % (15 * 60_000)).toBe(0);
    expect(end - start).toBeGreaterThanOrEqual(3 * HOUR);
    expect(end - start).toBeLessThanOrEqual(5 * HOUR);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('gives the signed-in person their calendar link, and it serves their shifts', async () => {
    const { page, problems } = await open('/oncall');
    const feed = page.getByRole('region', { name: 'Calendar feed' });
    await feed.getByText('treat it like a password').waitFor();
    await feed.getByRole('button', { name: 'Get my calendar link' }).click();
    const url = await feed.getByLabel('Your shifts (iCal URL)').inputValue();
    expect(url).toMatch(/^http:\/\/.+\/ical\/[^/]+\/me\.ics$/);
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    expect(await response.text()).toContain('BEGIN:VCALENDAR');
    // The admin is first in the daily rotation, so "My shifts" lists some.
    expect(await page.getByRole('region', { name: 'My shifts' }).getByRole('listitem').count()).toBeGreaterThan(0);
    // Revoking every link asks first, then the feed stops answering.
    await feed.getByRole('button', { name: 'Revoke all my calendar links…' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke all your calendar links?' })
      .getByRole('button', { name: 'Revoke all' })
      .click();
    await page.getByText('1 calendar link revoked').waitFor();
    expect((await fetch(url)).ok).toBe(false);
    await feed.getByRole('button', { name: 'Get my calendar link' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('creates a user, gives them a contact method and a notification rule', async () => {
    const { page, problems } = await open('/settings');
    await page.waitForURL(/\/settings\/users$/);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Handle').fill('grace');
    await form.getByLabel('Name').fill('Grace Hopper');
    await form.getByLabel('Email').fill('grace@example.com');
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('table').getByRole('link', { name: 'Grace Hopper' }).waitFor();
    // The same handle again: the server's refusal is shown under the form.
    await form.getByLabel('Name').fill('Grace Again');
    await form.getByLabel('Handle').fill('grace');
    await form.getByLabel('Email').fill('grace2@example.com');
    await form.getByRole('button', { name: 'Add user' }).click();
    const refusal = await page.getByRole('region', { name: 'Add a user' }).getByRole('alert').textContent();
    expect(refusal).toMatch(/grace/);
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByRole('heading', { name: /Grace Hopper/ }).waitFor();

    const methods = page.getByRole('form', { name: 'Add a contact method' });
    await choose(methods, 'Kind', 'Email');
    await methods.getByLabel('Address').fill('grace@example.com');
    await methods.getByRole('button', { name: 'Add contact method' }).click();
    await page.getByRole('cell', { name: 'grace@example.com' }).waitFor();

    const rules = page.getByRole('form', { name: 'Add a notification rule' });
    await rules.getByLabel('Minutes after the page').fill('5');
    await rules.getByRole('button', { name: 'Add rule' }).click();
    await page.getByText('After 5 min: email: grace@example.com').waitFor();

    const stored = await vigil.api<{ data: Array<{ delay_seconds: number }> }>(
      'GET',
      '/api/v1/users/grace/notification-rules',
    );
    expect(stored.data.map((r) => r.delay_seconds)).toEqual([300]);
    await shot(page, 'settings-user-1440');
    expect(withoutRefusals(problems)).toEqual([]);
  });

  it('issues a token, shows its secret once, and revokes it', async () => {
    const { page, problems, context } = await open('/settings/tokens');
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const form = page.getByRole('form', { name: 'Issue a token' });
    await choose(form, 'User', 'Ada Lovelace (@ada)');
    await choose(form, 'Role', 'Responder');
    await form.getByLabel('Name (what it is for)').fill('deploy hook');
    await form.getByRole('button', { name: 'Issue token' }).click();
    const once = page.getByRole('region', { name: 'New token secret' });
    await once.getByText('it will not be shown again').waitFor();
    const secret = await once.getByLabel('Secret of “deploy hook”').inputValue();
    expect(
      (await vigil.api<{ user: { handle: string }; role: string }>('GET', '/api/v1/me', undefined, secret)).role,
    ).toBe('responder');
    await once.getByRole('button', { name: 'Copy' }).click();
    await once.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await shot(page, 'settings-tokens-secret-1440');

    await once.getByRole('button', { name: 'Done, I have stored it' }).click();
    await expect.poll(() => once.count()).toBe(0);
    await go(page, '/settings/users');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API tokens' }).click();
    const row = page.getByRole('row').filter({ hasText: 'deploy hook' });
    await row.waitFor();
    expect(await page.getByText(secret).count()).toBe(0);
    expect(
      await page
        .locator('input')
        .evaluateAll((inputs, s) => inputs.some((i) => (i as HTMLInputElement).value === s), secret),
    ).toBe(false);

    await row.getByRole('button', { name: 'Revoke' }).click();
    // It asks first, naming the token; cancelling keeps it.
    const confirm = page.getByRole('dialog', { name: 'Revoke “deploy hook”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('Revoked “deploy hook”').waitFor();
    await expect.poll(() => row.count()).toBe(0);
    await expect(vigil.api('GET', '/api/v1/me', undefined, secret)).rejects.toThrow(/401/);
    expect(problems).toEqual([]);
  });

  it('edits a template, shows the server’s error for a bad one, and previews it for an incident', async () => {
    const { page, problems } = await open('/settings/templates');
    const form = page.getByRole('form', { name: 'Edit Initial Incident Notification' });
    const original = await form.getByLabel('Text').inputValue();
    await form.getByLabel('Text').fill('Hello {{nope}}');
    await form.getByRole('button', { name: 'Save template' }).click();
    await page
      .getByRole('region', { name: 'Initial Incident Notification' })
      .getByRole('alert')
      .getByText(/nope/)
      .waitFor();

    await form.getByLabel('Text').fill(original);
    await form.getByLabel('Subject').fill('[{{severity}}] Browser test: {{title}}');
    await form.getByRole('button', { name: 'Save template' }).click();
    await expect
      .poll(
        async () =>
          (await vigil.api<{ subject: string; customised: boolean }>('GET', '/api/v1/templates/initial')).subject,
      )
      .toBe('[{{severity}}] Browser test: {{title}}');
    await page.getByRole('region', { name: 'Initial Incident Notification' }).getByText('Edited by').waitFor();

    const preview = page.getByRole('group', { name: 'Preview Initial Incident Notification' });
    await preview.getByRole('button', { name: 'Preview' }).click();
    await preview
      .getByRole('region', { name: 'Rendered notification' })
      .getByText('[P1] Browser test: Checkout is down')
      .waitFor();
    await shot(page, 'settings-templates-1440');
    expect(withoutRefusals(problems)).toEqual([]);
  });

  it('creates an escalation policy from the runbook chain and a stakeholder', async () => {
    const { page, problems } = await open('/settings/escalation');
    const form = page.getByRole('form', { name: 'New escalation policy' });
    await form.getByLabel('Name', { exact: true }).fill('Runbook chain');
    await form.getByRole('button', { name: 'Use the runbook’s L1–L4 chain' }).click();
    await choose(form, 'L1 target type', 'Schedule');
    await form.getByRole('button', { name: 'Add to L1' }).click();
    await choose(form, 'L4 target type', 'Person');
    await choose(form, 'L4 person', 'Administrator (@admin)');
    await form.getByRole('button', { name: 'Add to L4' }).click();
    await form.getByRole('button', { name: 'Create policy' }).click();
    const created = page.getByRole('article', { name: 'Runbook chain' });
    await created.getByText('CTO/VP Engineering').waitFor();
    const policy = await vigil.api<{
      levels: Array<{ name: string; delay_seconds: number; targets: Array<{ type: string }> }>;
    }>('GET', '/api/v1/escalation-policies/Runbook%20chain');
    expect(policy.levels.map((l) => [l.name, l.delay_seconds, l.targets.map((t) => t.type)])).toEqual([
      ['On-call engineer', 0, ['schedule']],
      ['Technical lead', 900, []],
      ['Engineering manager', 1800, []],
      ['CTO/VP Engineering', 3600, ['user']],
    ]);
    await shot(page, 'settings-escalation-1440');

    await page.getByRole('link', { name: 'Stakeholders' }).click();
    const add = page.getByRole('form', { name: 'Add a stakeholder' });
    await add.getByLabel('Name').fill('Support lead');
    await add.getByLabel('Address').fill('support@example.com');
    await add.getByLabel('P2 medium').check();
    await add.getByRole('button', { name: 'Add stakeholder' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'Support lead' })
      .getByText('P0 critical, P1 high, P2 medium')
      .waitFor();
    await shot(page, 'settings-stakeholders-1440');
    expect(problems).toEqual([]);
  });

  it('creates a schedule with a rotation and then renames it', async () => {
    const { page, problems } = await open('/settings/schedules');
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Name', { exact: true }).fill('Secondary');
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await choose(form, 'Rotation', 'Custom shift length');
    await form.getByLabel('Shift length (hours)').fill('12');
    await choose(form, 'Add to layer 1', 'Ada Lovelace (@ada)');
    await form.getByRole('button', { name: 'Add participant' }).click();
    await choose(form, 'Add to layer 1', 'Bob Builder (@bob)');
    await form.getByRole('button', { name: 'Add participant' }).click();
    await form.getByRole('button', { name: 'Move Bob Builder (@bob) earlier' }).click();
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const created = page.getByRole('article', { name: 'Secondary' });
    await created.getByText('every 12 h').waitFor();
    const schedule = await vigil.api<{
      timezone: string;
      layers: Array<{ rotation: { kind: string; shift_seconds: number; participants: string[] } }>;
    }>('GET', '/api/v1/schedules/Secondary');
    expect(schedule.timezone).toBe('Europe/Berlin');
    expect(schedule.layers[0]?.rotation).toMatchObject({
      kind: 'custom',
      shift_seconds: 43_200,
      participants: [bob.id, ada.id],
    });

    await created.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Secondary' });
    await edit.getByLabel('Name', { exact: true }).fill('Secondary (EU)');
    await edit.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('article', { name: 'Secondary (EU)' }).waitFor();
    expect(
      (await vigil.api<{ layers: unknown[] }>('GET', `/api/v1/schedules/${encodeURIComponent('Secondary (EU)')}`))
        .layers,
    ).toHaveLength(1);
    await shot(page, 'settings-schedules-created-1440');

    // Its link opens the On-call page on that schedule; 12-hour shifts alternate Bob, Ada.
    await page.getByRole('link', { name: 'Shifts and overrides of Secondary (EU)' }).click();
    const shifts = bars(page, 'Secondary (EU)');
    await shifts.first().waitFor();
    expect(page.url()).toContain('/oncall?schedule=');
    const who = await shifts.evaluateAll((items) =>
      items.slice(1, 5).map((li) => li.querySelector('.oc-bar')?.getAttribute('aria-label')?.split(', ')[0]),
    );
    expect(new Set(who.map((w) => w?.replace(/ \(you\)$/, '')))).toEqual(
      new Set(['Bob Builder (@bob)', 'Ada Lovelace (@ada)']),
    );
    expect(problems).toEqual([]);
  });

  it('shows a viewer everything read-only, without create or edit controls', async () => {
    const { page, problems } = await open('/oncall', { token: viewerToken });
    await page.getByRole('list', { name: 'Shifts of Primary' }).waitFor();
    await page.getByText('Viewers cannot change the schedule').waitFor();
    await page
      .getByRole('list', { name: 'Overrides' })
      .getByText('Bob Builder (@bob) instead of Ada Lovelace (@ada)')
      .waitFor();
    expect(await page.getByRole('form', { name: 'Add an override' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add an override' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    // The shifts are shown, but are not buttons with a menu.
    expect(await bars(page, 'Primary').getByRole('button').count()).toBe(0);
    expect(await bars(page, 'Primary').count()).toBeGreaterThan(0);
    await shot(page, 'oncall-viewer-1440');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('table').getByRole('link', { name: 'Grace Hopper' }).waitFor();
    expect(await page.getByRole('form', { name: 'Add a user' }).count()).toBe(0);
    await page.getByText('Admins only.').first().waitFor();

    // Each tab: its note, and once its data is shown, no button that would change anything.
    for (const [tab, note, loaded] of [
      ['API tokens', 'Only admins list, issue and revoke API tokens', null],
      ['Stakeholders', 'Only admins see and change the stakeholder list', null],
      [
        'Escalation',
        'Only admins create and change escalation policies',
        page.getByRole('article', { name: 'Production' }).getByText('Bob Builder (@bob)'),
      ],
      [
        'Schedules',
        'Only admins create and change schedules',
        page.getByRole('article', { name: 'Primary' }).getByText('Ada Lovelace (@ada)'),
      ],
      [
        'Templates',
        'Only admins edit the notification templates',
        page.getByRole('region', { name: 'Resolution Notification' }),
      ],
    ] as const) {
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: tab }).click();
      await page.getByText(note).waitFor();
      if (loaded) await loaded.waitFor();
      expect(
        await page
          .getByRole('button', { name: /^(Edit|Delete|Remove|Revoke|Create .*|Save .*|Issue token|Add .*)$/ })
          .count(),
      ).toBe(0);
    }
    expect(
      await page
        .getByRole('form', { name: 'Edit Initial Incident Notification' })
        .getByLabel('Subject')
        .getAttribute('readonly'),
    ).not.toBeNull();
    await shot(page, 'settings-viewer-templates-1440');

    // Their own contact methods stay theirs to manage.
    await go(page, '/settings/users/cy');
    await page.getByRole('form', { name: 'Add a contact method' }).waitFor();
    expect(await page.getByRole('form', { name: 'User details' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('fits every screen at 360 and 1280 px, light and dark, without serious accessibility findings', async () => {
    // Each screen, with a heading that only it shows (so the checks are not of the screen before).
    const screens = [
      ['oncall', '/oncall', 'Shifts: Primary'],
      ['settings-users', '/settings/users', 'Add a user'],
      ['settings-user', '/settings/users/grace', 'Notification rules'],
      ['settings-tokens', '/settings/tokens', 'Issue a token'],
      ['settings-stakeholders', '/settings/stakeholders', 'Add a stakeholder'],
      ['settings-templates', '/settings/templates', 'Resolution Notification'],
      ['settings-escalation', '/settings/escalation', 'New escalation policy'],
      ['settings-schedules', '/settings/schedules', 'New schedule'],
    ] as const;
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const viewport of [PHONE, { width: 1280, height: 900 }]) {
        const context = await vigil.browser.newContext({ baseURL: vigil.url, viewport, colorScheme });
        context.setDefaultTimeout(10_000);
        const { page, problems } = await vigil.page(context);
        await signIn(page, { token: vigil.adminToken });
        for (const [file, path, heading] of screens) {
          await go(page, path);
          await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
          await page.waitForLoadState('networkidle');
          expect(await pageWidth(page), `${file} at ${viewport.width} px, ${colorScheme}`).toBeLessThanOrEqual(
            viewport.width,
          );
          expect(await axeSerious(page), `${file} at ${viewport.width} px, ${colorScheme}`).toEqual([]);
          await shot(page, `${file}-${viewport.width}-${colorScheme}`);
          if (file !== 'oncall') continue;
          // The override dialog, with its person and date-time fields, passes the same checks.
          await page.getByRole('button', { name: 'Add an override' }).click();
          const dialog = page.getByRole('dialog', { name: 'Override on Primary' });
          await dialog
            .getByText(/Times in /)
            .first()
            .waitFor();
          expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
          expect(await axeSerious(page), `override dialog at ${viewport.width} px, ${colorScheme}`).toEqual([]);
          await shot(page, `oncall-dialog-${viewport.width}-${colorScheme}`);
          await dialog.getByRole('button', { name: 'Cancel' }).click();
          await expect.poll(() => dialog.count()).toBe(0);
        }
        expect(problems).toEqual([]);
        await context.close();
      }
    }
  }, 240_000);

  it('can be used with the keyboard: tabs reach the override form and submit it', async () => {
    const { page, problems } = await open('/settings/schedules');
    await page.getByRole('heading', { name: 'New schedule' }).waitFor();
    // Tab from the top of the page to the settings tabs: every tab link is reachable.
    const reached: string[] = [];
    for (let i = 0; i < 40 && reached.length < 9; i++) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() =>
        document.activeElement?.closest('nav[aria-label="Settings"]') ? document.activeElement.textContent : null,
      );
      if (label && !reached.includes(label)) reached.push(label);
    }
    expect(reached).toEqual([
      'Users',
      'API tokens',
      'Stakeholders',
      'Templates',
      'Runbooks',
      'Actions',
      'Runners',
      'Escalation',
      'Schedules',
    ]);

    // On-call: Tab to a shift, open its menu, pick "Override this shift…", Tab to the submit button.
    await go(page, '/oncall');
    const bobShift = bars(page, 'Primary')
      .getByRole('button', { name: /^Bob Builder \(@bob\)/ })
      .first();
    await bobShift.waitFor();
    const shift = (await bobShift.getAttribute('aria-label')) as string;
    await page.getByRole('region', { name: 'Timeline of Primary' }).focus();
    let onBar = false;
    for (let i = 0; i < 40 && !onBar; i++) {
      await page.keyboard.press('Tab');
      onBar = await page.evaluate((label) => document.activeElement?.getAttribute('aria-label') === label, shift);
    }
    expect(onBar).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Override this shift…' }).waitFor();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Override on Primary' });
    await dialog.waitFor();
    let onSubmit = false;
    for (let i = 0; i < 40 && !onSubmit; i++) {
      await page.keyboard.press('Tab');
      onSubmit = await page.evaluate(() => document.activeElement?.textContent === 'Add override');
    }
    expect(onSubmit).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByText('Override added').first().waitFor();
    await bars(page, 'Primary')
      .getByRole('button', { name: /^Administrator \(@admin\) \(you\).*override/ })
      .first()
      .waitFor();
    // Removing it asks first; then the shift is the rotation's again.
    const overrides = page.getByRole('list', { name: 'Overrides' });
    await overrides
      .getByRole('listitem')
      .filter({ hasText: 'Administrator (@admin) instead of Bob Builder (@bob)' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await page
      .getByRole('dialog', { name: 'Remove this override?' })
      .getByRole('button', { name: 'Remove override' })
      .click();
    await page.getByText('Override removed').first().waitFor();
    await expect
      .poll(() => overrides.getByText('Administrator (@admin) instead of Bob Builder (@bob)').count())
      .toBe(0);
    expect(problems).toEqual([]);
  });
});
