// The GDPR console in Chromium over real data seeded through the API: purposes and consent decisions (one
// purpose's policy raised, so some grants are stale), breaches at three points of their 72-hour clock, one
// opened by an alert whose category is gdpr_violation, and data-subject requests, one past due. Checks the
// dashboard (live breach clocks, DSAR deadlines, the coverage chart, the ledger check, Art. 30, the report
// download), a breach page's steps through to closing (with the server's refusal shown in its form), the
// incident page's "personal data involved", the settings for GDPR stakeholders, the privacy flag and the
// DPO and authority, and what a viewer sees. Every time is relative to the server's clock now, so the
// suite passes on any day.
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, go, shot, startConsole, type Console, signedInPages } from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** Chromium logs every 4xx answer as a console error; a step that provokes a refusal on purpose drops exactly those. */
const withoutRefusals = (problems: string[]) => problems.filter((p) => !/status of 400/.test(p));

interface Breach {
  id: string;
  number: string;
  state: string;
  incident: { number: string } | null;
}

describe.skipIf(missing !== null)('the GDPR console in Chromium', () => {
  let vigil: Console;
  let viewerToken: string;
  let urgent: Breach;
  let overdue: Breach;
  let fromAlert: Breach;
  let quietIncident: string;

  beforeAll(async () => {
    vigil = await startConsole();
    await vigil.api('PUT', '/api/v1/gdpr/settings', {
      controller_name: 'Example GmbH',
      dpo_name: 'Dana Officer',
      dpo_email: 'dpo@example.com',
      authority_name: 'BfDI',
    });
    await vigil.api('POST', '/api/v1/gdpr/purposes', {
      key: 'newsletter',
      name: 'Newsletter',
      lawful_basis: 'consent',
      data_categories: ['email address'],
      subject_categories: ['customers'],
      recipients: ['mailing provider'],
      retention_days: 730,
      security_measures: 'encrypted at rest',
    });
    await vigil.api('POST', '/api/v1/gdpr/purposes', { key: 'analytics', name: 'Analytics', lawful_basis: 'consent' });
    const consent = (id: string, subject: string, purpose: string, version: number, decision: string) => ({
      id,
      subject_id: subject,
      purpose,
      policy_version: version,
      decision,
      at: ago(2 * HOUR),
      source: 'signup-form',
      proof: { form: 'signup-v3' },
    });
    await vigil.api('POST', '/api/v1/gdpr/consents', {
      events: [
        consent('c1', 'user-1', 'newsletter', 1, 'granted'),
        consent('c2', 'user-2', 'newsletter', 1, 'granted'),
        consent('c3', 'user-3', 'newsletter', 1, 'granted'),
        consent('c4', 'user-1', 'analytics', 1, 'granted'),
        consent('c5', 'user-2', 'analytics', 1, 'withdrawn'),
      ],
    });
    // A new privacy policy: the grants given under version 1 are stale from now on.
    await vigil.api('PATCH', '/api/v1/gdpr/purposes/newsletter', { policy_version: 2 });
    await vigil.api('POST', '/api/v1/gdpr/consents', {
      events: [
        { ...consent('c6', 'user-1', 'newsletter', 2, 'granted'), at: ago(HOUR) },
        { ...consent('c7', 'user-4', 'newsletter', 2, 'withdrawn'), at: ago(HOUR) },
      ],
    });

    // Ten hours left (under 12: red), two hours past the deadline, and one opened by an alert just now.
    urgent = await vigil.api<Breach>('POST', '/api/v1/gdpr/breaches', {
      title: 'Customer export exposed',
      aware_at: ago(62 * HOUR),
      data_categories: ['email', 'address'],
      subjects_approx: 1200,
      records_approx: 5400,
      risk: 'high_risk',
    });
    overdue = await vigil.api<Breach>('POST', '/api/v1/gdpr/breaches', {
      title: 'Laptop stolen',
      aware_at: ago(74 * HOUR),
      risk: 'risk',
    });
    const service = await vigil.api<{ integration_key: string }>('POST', '/api/v1/services', { name: 'shop' });
    for (const [dedup, summary, category] of [
      ['leak', 'Customer table readable without login', 'gdpr_violation'],
      ['slow', 'Search is slow', undefined],
    ] as const) {
      await vigil.enqueue({
        routing_key: service.integration_key,
        event_action: 'trigger',
        dedup_key: dedup,
        payload: { summary, source: 'shop-eu-1', severity: 'critical', custom_details: { category } },
      });
    }
    const breaches = await vigil.api<{ data: Breach[] }>('GET', '/api/v1/gdpr/breaches');
    fromAlert = breaches.data.find((b) => b.incident !== null) as Breach;
    expect(fromAlert).toBeDefined();
    const incidents = await vigil.api<{ data: Array<{ number: string; title: string }> }>('GET', '/api/v1/incidents');
    quietIncident = (incidents.data.find((i) => i.title === 'Search is slow') as { number: string }).number;

    await vigil.api('POST', '/api/v1/gdpr/requests', {
      subject_id: 'user-7',
      kind: 'erasure',
      received_at: ago(40 * DAY),
    });
    await vigil.api('POST', '/api/v1/gdpr/requests', {
      subject_id: 'user-8',
      kind: 'access',
      received_at: ago(2 * DAY),
    });

    await vigil.api('POST', '/api/v1/users', { handle: 'vera', name: 'Vera Viewer', email: 'vera@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'vera', role: 'viewer' }))
      .token;
  }, 90_000);

  // A failed step leaves a screenshot and the page's problems behind, for whoever reads the CI log.
  afterAll(async () => vigil?.close());
  const open = signedInPages(() => vigil, 'gdpr');

  /** Picks `option` in the design system's Select labelled `label` inside `scope`. */
  async function choose(scope: Locator, label: string, option: string): Promise<void> {
    await scope.getByRole('button', { name: new RegExp(`${label}$`) }).click();
    await scope.page().getByRole('option', { name: option }).click();
  }

  const card = (page: Page, title: string | RegExp) =>
    page.locator('section.dash-card').filter({ has: page.getByRole('heading', { name: title, level: 2 }) });

  it('shows breach clocks counting down, DSAR deadlines, consent coverage, the ledger and Art. 30', async () => {
    const { page, problems } = await open('/dashboards/gdpr');
    await page.getByRole('heading', { name: 'GDPR compliance', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('gdpr-open-breaches').textContent()).toBe('3');
    expect(await page.getByTestId('gdpr-open-requests').textContent()).toBe('2');

    // Overdue first, then the nearest deadline; the clock under 12 hours is red and ticks.
    const rows = card(page, 'Breach clocks').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain(overdue.number);
    expect(await rows.nth(0).getByTestId('breach-clock').textContent()).toMatch(/Overdue\s*2:0\d:\d\d overdue/);
    expect(await rows.nth(0).getAttribute('class')).toContain('gdpr-overdue');
    expect(await rows.nth(1).textContent()).toContain(urgent.number);
    const clock = rows.nth(1).getByTestId('breach-clock');
    expect(await clock.getAttribute('class')).toContain('gdpr-clock-urgent');
    const first = (await clock.textContent())?.trim();
    expect(first).toMatch(/^9:5\d:\d\d left$/);
    await expect.poll(() => clock.textContent(), { timeout: 5_000 }).not.toBe(first);
    expect(await rows.nth(1).textContent()).toContain('Decision needed');
    expect(await rows.nth(2).textContent()).toContain(fromAlert.number);
    expect(await rows.nth(2).getByTestId('breach-clock').getAttribute('class')).toContain('gdpr-clock-running');
    expect(await rows.nth(2).textContent()).toContain(fromAlert.incident?.number);

    // Requests by due date, the one past its month flagged.
    const requests = card(page, 'Data-subject requests').locator('tbody tr');
    expect(await requests.nth(0).textContent()).toMatch(/user-7.*Erasure \(Art\. 17\).*Overdue.*days overdue/);
    expect(await requests.nth(1).textContent()).toMatch(/user-8.*Access \(Art\. 15\).*due in 2[789] days/);

    // Coverage per purpose as stacked bars, its figures in words.
    const chart = page.getByRole('figure', { name: /Consent by purpose \(subjects\)/ });
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    expect(await chart.locator('.chart-text').textContent()).toBe(
      'Analytics: 1 granted, 1 withdrawn, 0 stale, 2 none; Newsletter: 1 granted, 1 withdrawn, 2 stale, 0 none.',
    );

    // The ledger: never checked, then checked from here and verified up to its last row.
    expect(await page.getByTestId('gdpr-ledger').textContent()).toBe('7 rows, never checked.');
    await page.getByRole('button', { name: 'Check the chain now' }).click();
    await expect.poll(() => page.getByTestId('gdpr-ledger').textContent()).toBe('Verified up to row 7.');
    expect(await card(page, /Consent ledger integrity/).textContent()).toContain('Verified');

    // Art. 30: the purpose with empty fields, and which.
    expect(await page.getByTestId('gdpr-records').textContent()).toBe('1 of 2 purposes misses required fields.');
    expect(
      await card(page, /Records of processing/)
        .locator('tbody')
        .textContent(),
    ).toContain('Analyticsconsentdata categories, subject categories, recipients, retention days, security measures');

    // The compliance report downloads as Markdown.
    await choose(page.locator('.dash-controls'), 'Compliance report', 'Summary');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Markdown' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^gdpr-compliance-summary-\d{4}-\d\d-\d\d\.md$/);
    const report = fs.readFileSync(await download.path(), 'utf8');
    expect(report).toContain(urgent.number);
    expect(await page.getByRole('link', { name: 'PDF' }).getAttribute('href')).toBe(
      '/api/v1/gdpr/report?type=summary&format=pdf',
    );
    await shot(page, 'gdpr-dashboard-1440');
    expect(problems).toEqual([]);
  });

  it('records a report to the authority, the Art. 34 decision and closing on the breach page', async () => {
    const { page, problems } = await open('/dashboards/gdpr');
    await page.getByRole('link', { name: new RegExp(urgent.number) }).click();
    await page.getByRole('heading', { name: new RegExp(`${urgent.number} Customer export exposed`) }).waitFor();
    expect(await page.locator('.gdpr-breach-state').textContent()).toMatch(/Assessing\s*9:5\d:\d\d left/);
    expect(await card(page, 'Facts').textContent()).toContain('about 1,200 people');
    const history = card(page, 'History');
    await history.getByText('Breach opened').waitFor();

    const report = page.getByRole('form', { name: 'Record the report to the authority' });
    expect(await report.getByLabel('Supervisory authority').inputValue()).toBe('BfDI');
    await report.getByLabel('Their reference (optional)').fill('BfDI-2026-0815');
    await report.getByRole('button', { name: 'Record the report' }).click();
    await expect.poll(() => page.locator('.gdpr-breach-state').textContent()).toMatch(/^Reported\s*Clock stopped$/);
    expect(await card(page, 'Reports to the supervisory authority').textContent()).toContain('BfDI-2026-0815');
    await history.getByText('Reported to the authority').waitFor();
    expect(await history.textContent()).toContain('reference BfDI-2026-0815');

    // A high-risk breach cannot close before its Art. 34 decision: the server says so in the form.
    const close = page.getByRole('form', { name: 'Close the breach' });
    await close.getByRole('button', { name: 'Close the breach' }).click();
    const refusal = page.locator('section.ui-panel').filter({ has: close }).getByRole('alert');
    await expect.poll(() => refusal.textContent()).toMatch(/subjects/i);

    const decision = page.getByRole('form', { name: 'Record the Art. 34 decision' });
    await choose(decision, 'Decision', 'Exempt from telling them');
    await decision.getByLabel('Reason').fill('the export was encrypted; the key was not exposed');
    await decision.getByRole('button', { name: 'Record the decision' }).click();
    await expect.poll(() => page.getByTestId('breach-decision').textContent()).toContain('Exempt under Art. 34(3)(a)');
    await shot(page, 'gdpr-breach-1440');

    await close.getByRole('button', { name: 'Close the breach' }).click();
    await expect.poll(() => page.locator('.gdpr-breach-state').textContent()).toMatch(/^Closed/);
    expect(await page.getByRole('form', { name: 'Close the breach' }).count()).toBe(0);
    expect((await vigil.api<Breach>('GET', `/api/v1/gdpr/breaches/${urgent.number}`)).state).toBe('closed');

    // A first report after the deadline asks for the reasons for the delay.
    await go(page, `/gdpr/breaches/${overdue.number}`);
    await page.waitForURL(new RegExp(`/dashboards/gdpr/breaches/${overdue.number}$`));
    await page.getByLabel(/^Reasons for the delay/).waitFor();
    expect(withoutRefusals(problems)).toEqual([]);
  });

  it('opens a breach from the incident page and links the incident to it', async () => {
    const { page, problems } = await open(`/incidents/${quietIncident}`);
    await page.getByRole('heading', { name: new RegExp(quietIncident) }).waitFor();
    expect(await page.getByTestId('incident-breach').count()).toBe(0);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Personal data involved…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Personal data involved?' });
    await dialog.getByLabel('What was involved (optional)').fill('search logs with customer emails');
    await dialog.getByRole('button', { name: 'Open a breach' }).click();
    const banner = page.getByTestId('incident-breach');
    await expect.poll(() => banner.textContent()).toMatch(/Personal data breach BR-\d{8}-\d{4} · Assessing · 71:5\d/);
    const number = /BR-\d{8}-\d{4}/.exec((await banner.textContent()) ?? '')?.[0] as string;
    const entry = page.locator('.incident-timeline li.kind-breach_opened');
    await expect.poll(() => entry.locator('.entry-label').textContent()).toBe(`Breach opened (${number})`);
    expect(await entry.locator('.entry-lines').textContent()).toContain('flagged on the incident');

    await banner.getByRole('link', { name: number }).click();
    await page.getByRole('heading', { name: new RegExp(`${number} Search is slow`) }).waitFor();
    expect(await card(page, 'Facts').textContent()).toContain(quietIncident);
    await card(page, 'History').getByText('search logs with customer emails').waitFor();
    await shot(page, 'gdpr-incident-breach-1440');
    expect(problems).toEqual([]);
  });

  it('adds a GDPR stakeholder, gives a responder the privacy flag and sets the DPO and authority', async () => {
    const { page, problems } = await open('/settings/stakeholders');
    const form = page.getByRole('form', { name: 'Add a stakeholder' });
    await form.getByLabel('Name').fill('Legal Counsel');
    await form.getByLabel('Address').fill('legal@example.com');
    for (const severity of ['P0 critical', 'P1 high']) await form.getByLabel(severity).uncheck();
    await form.getByLabel('gdpr: personal data breaches').check();
    await form.getByRole('button', { name: 'Add stakeholder' }).click();
    const row = page.locator('tbody tr').filter({ hasText: 'Legal Counsel' });
    await expect.poll(() => row.locator('td[data-label="Topics"]').textContent()).toBe('gdpr');
    const stakeholders = await vigil.api<{ data: Array<{ name: string; topics: string[]; severities: string[] }> }>(
      'GET',
      '/api/v1/stakeholders',
    );
    expect(stakeholders.data).toMatchObject([{ name: 'Legal Counsel', topics: ['gdpr'], severities: [] }]);

    await go(page, '/settings/users/vera');
    const details = page.getByRole('form', { name: 'User details' });
    await details.getByLabel('Privacy flag').check();
    await details.getByRole('button', { name: 'Save details' }).click();
    await details.getByText('Saved.').waitFor();
    expect((await vigil.api<{ privacy: boolean }>('GET', '/api/v1/users/vera')).privacy).toBe(true);
    await go(page, '/settings/users');
    await expect
      .poll(() => page.locator('tbody tr').filter({ hasText: 'Vera Viewer' }).textContent())
      .toContain('Privacy');

    // The controller's DPO and authority, as the report drafts name them; an emptied field is unset.
    await go(page, '/settings/gdpr');
    const contacts = page.getByRole('form', { name: 'GDPR contacts' });
    expect(await contacts.getByLabel('Data protection officer').inputValue()).toBe('Dana Officer');
    await contacts.getByLabel('DPO phone').fill('+49 30 1234567');
    await contacts.getByLabel('Supervisory authority').fill('');
    await contacts.getByRole('button', { name: 'Save contacts' }).click();
    await expect
      .poll(async () => (await vigil.api<{ dpo_phone: string | null }>('GET', '/api/v1/gdpr/settings')).dpo_phone)
      .toBe('+49 30 1234567');
    expect(await vigil.api('GET', '/api/v1/gdpr/settings')).toMatchObject({
      controller_name: 'Example GmbH',
      dpo_name: 'Dana Officer',
      authority_name: null,
    });
    await vigil.api('PUT', '/api/v1/gdpr/settings', {
      controller_name: 'Example GmbH',
      dpo_name: 'Dana Officer',
      dpo_email: 'dpo@example.com',
      authority_name: 'BfDI',
    });
    expect(problems).toEqual([]);
  });

  it('shows a viewer the counts only and says why, even with the privacy flag', async () => {
    const { page, problems } = await open('/dashboards/gdpr', viewerToken);
    await page.getByTestId('gdpr-counts-only').waitFor();
    expect(await page.getByTestId('gdpr-counts-only').textContent()).toContain('only admins and responders');
    await expect.poll(() => page.getByTestId('gdpr-open-breaches').textContent()).toMatch(/^\d$/);
    expect(await page.getByTestId('gdpr-open-requests').textContent()).toBe('2');
    await page.getByRole('figure', { name: /Consent by purpose/ }).waitFor();
    expect(await page.getByTestId('gdpr-records').textContent()).toBe('1 of 2 purposes misses required fields.');
    for (const hidden of ['Breach clocks', 'Data-subject requests'])
      expect(await page.getByRole('heading', { name: hidden }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Markdown' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Check the chain now' }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain('user-7');
    await shot(page, 'gdpr-dashboard-viewer-1440');

    // Its incident's timeline names the breach; the page offers no breach action and fetches no breach.
    await go(page, `/incidents/${fromAlert.incident?.number}`);
    const entry = page.locator('.incident-timeline li.kind-breach_opened');
    await expect.poll(() => entry.locator('.entry-label').textContent()).toBe(`Breach opened (${fromAlert.number})`);
    expect(await entry.locator('.entry-lines').textContent()).toContain(
      'opened by the category of the incident’s alert',
    );
    expect(await page.getByRole('button', { name: 'More actions' }).count()).toBe(0);
    expect(await page.getByTestId('incident-breach').count()).toBe(0);
    await go(page, `/dashboards/gdpr/breaches/${fromAlert.number}`);
    await page.getByText('Breach records are personal data').waitFor();
    expect(problems).toEqual([]);
  });
});
