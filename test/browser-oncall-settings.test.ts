// The On-call and Settings screens in Chromium against a real `vigil serve`: who is on call, an
// override added from the page, the calendar link, and the settings areas (users, contact methods,
// tokens shown once and revoked, templates, policies, stakeholders); a viewer sees no controls; every
// screen is photographed at 1440 and 360 px wide and must not scroll sideways on a phone.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, shot, signIn, startConsole, type Console } from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const PHONE = { width: 360, height: 780 };
const HOUR = 3_600_000;

interface User {
  id: string;
  handle: string;
  name: string;
}

/** A Date as a datetime-local value in this process's zone (the browser shares it). */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
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

  /** Moves within the app as a link would: a reload here would abort the screen's requests in flight. */
  async function go(page: Page, path: string): Promise<void> {
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, path);
  }

  async function noSidewaysScroll(page: Page): Promise<void> {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  }

  const name = (userId: string) => [admin, ada, bob, cy].find((u) => u.id === userId)?.name;

  it('shows who is on call now for each schedule and escalation level', async () => {
    const { page, problems } = await open('/oncall');
    expect(onCallNow).toHaveLength(1);
    const now = page
      .getByRole('list', { name: 'On call now by schedule' })
      .getByRole('listitem')
      .filter({ hasText: 'Primary' });
    await now.getByText(name(onCallNow[0] as string) as string).waitFor();
    const levels = page.getByRole('list', { name: 'Production: levels' }).getByRole('listitem');
    await expect(levels.count()).resolves.toBe(2);
    await levels
      .nth(0)
      .getByText(name(onCallNow[0] as string) as string)
      .waitFor();
    await levels.nth(1).getByText('Bob Builder').waitFor();
    expect(await levels.nth(1).textContent()).toContain('after 15 min');
    // The schedule's shifts: a daily rotation gives one shift a day, the current one first.
    const shifts = page.getByRole('list', { name: 'Shifts of Primary' }).getByRole('listitem');
    expect(await shifts.count()).toBeGreaterThanOrEqual(14);
    await shifts.first().getByText('now', { exact: true }).waitFor();
    await shot(page, 'oncall-1440');
    expect(problems).toEqual([]);
  });

  it('adds an override from the page, shows it in the shifts, and shows the server’s error for a bad one', async () => {
    const { page, problems } = await open('/oncall');
    const form = page.getByRole('form', { name: 'Add an override' });
    await form.getByLabel('Put on call').selectOption({ label: 'Bob Builder (@bob)' });
    // End before start: the server refuses it and the form says why.
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR);
    await form.getByLabel('Start').fill(localInput(start));
    await form.getByLabel('End').fill(localInput(new Date(start.getTime() - HOUR)));
    await form.getByRole('button', { name: 'Add override' }).click();
    await form.getByRole('alert').getByText('end: must be after start').waitFor();

    await form.getByLabel('End').fill(localInput(new Date(start.getTime() + 3 * HOUR)));
    await form.getByRole('button', { name: 'Add override' }).click();
    await form.getByText('Override added.').waitFor();
    const overrideShift = page
      .getByRole('list', { name: 'Shifts of Primary' })
      .getByRole('listitem')
      .filter({ hasText: 'Bob Builder' })
      .filter({ hasText: 'override' });
    await overrideShift.first().waitFor();
    await page.getByRole('list', { name: 'Overrides' }).getByText('Bob Builder (@bob) added').waitFor();
    const stored = await vigil.api<{ data: Array<{ user_id: string; start: string; end: string }> }>(
      'GET',
      '/api/v1/schedules/Primary/overrides',
    );
    expect(stored.data).toEqual([
      expect.objectContaining({
        user_id: bob.id,
        start: start.toISOString(),
        end: new Date(start.getTime() + 3 * HOUR).toISOString(),
      }),
    ]);
    await shot(page, 'oncall-override-1440');
    expect(withoutRefusals(problems)).toEqual([]);
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
    await methods.getByLabel('Kind').selectOption('email');
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
    await form.getByLabel('User').selectOption({ label: 'Ada Lovelace (@ada)' });
    await form.getByLabel('Role').selectOption('responder');
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
    await row.getByRole('button', { name: 'Confirm revoke “deploy hook”' }).click();
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
    await form.getByLabel('L1 target type').selectOption('schedule');
    await form.getByRole('button', { name: 'Add to L1' }).click();
    await form.getByLabel('L4 target type').selectOption('user');
    await form.getByLabel('L4 user').selectOption({ label: 'Administrator (@admin)' });
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
    await form.getByLabel('Rotation').selectOption('custom');
    await form.getByLabel('Shift length (hours)').fill('12');
    await form.getByLabel('Add to layer 1').selectOption({ label: 'Ada Lovelace (@ada)' });
    await form.getByRole('button', { name: 'Add participant' }).click();
    await form.getByLabel('Add to layer 1').selectOption({ label: 'Bob Builder (@bob)' });
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
    const shifts = page.getByRole('list', { name: 'Shifts of Secondary (EU)' }).getByRole('listitem');
    await shifts.first().waitFor();
    expect(page.url()).toContain('/oncall?schedule=');
    const who = await shifts.evaluateAll((items) =>
      items.slice(1, 5).map((li) => li.querySelector('.oc-who')?.textContent?.trim()),
    );
    expect(new Set(who.map((w) => w?.replace(/ you$/, '')))).toEqual(
      new Set(['Bob Builder (@bob)', 'Ada Lovelace (@ada)']),
    );
    expect(problems).toEqual([]);
  });

  it('shows a viewer everything read-only, without create or edit controls', async () => {
    const { page, problems } = await open('/oncall', { token: viewerToken });
    await page.getByRole('list', { name: 'Shifts of Primary' }).waitFor();
    await page.getByText('Viewers cannot change the schedule').waitFor();
    await page.getByRole('list', { name: 'Overrides' }).getByText('Bob Builder (@bob) added').waitFor();
    expect(await page.getByRole('form', { name: 'Add an override' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove' }).count()).toBe(0);
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

  it('fits every screen on a 360 px phone and on a 1440 px desktop', async () => {
    // Each screen, with a heading that only it shows (so the shot is not of the screen before).
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
    for (const viewport of [PHONE, { width: 1440, height: 900 }]) {
      const { page, problems } = await open('/oncall', { viewport });
      for (const [file, path, heading] of screens) {
        await go(page, path);
        await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
        await page.waitForLoadState('networkidle');
        if (viewport === PHONE) await noSidewaysScroll(page);
        await shot(page, `${file}-${viewport.width}`);
      }
      expect(problems).toEqual([]);
    }
  }, 120_000);

  it('can be used with the keyboard: tabs reach the override form and submit it', async () => {
    const { page, problems } = await open('/settings/schedules');
    await page.getByRole('heading', { name: 'New schedule' }).waitFor();
    // Tab from the top of the page to the settings tabs: every tab link is reachable.
    const reached: string[] = [];
    for (let i = 0; i < 30 && reached.length < 6; i++) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() =>
        document.activeElement?.closest('nav[aria-label="Settings"]') ? document.activeElement.textContent : null,
      );
      if (label && !reached.includes(label)) reached.push(label);
    }
    expect(reached).toEqual(['Users', 'API tokens', 'Stakeholders', 'Templates', 'Escalation', 'Schedules']);

    await go(page, '/oncall');
    const form = page.getByRole('form', { name: 'Add an override' });
    await form.getByLabel('Put on call').focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe('replaces');
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 48 * HOUR);
    await form.getByLabel('Start').fill(localInput(start));
    await form.getByLabel('End').fill(localInput(new Date(start.getTime() + HOUR)));
    await form.getByLabel('End').press('Enter');
    await form.getByText('Override added.').waitFor();
    expect(problems).toEqual([]);
  });
});
