// Settings → Runbooks in Chromium: the seed's runbook listed as the default; an admin creates a runbook for
// one service and P1 with steps in two phases (one completing itself on the acknowledge), edits a step and
// moves it up, sees the server refuse a link that is no http(s) URL with the form kept as typed, and a P1
// incident of that service then gets its checklist (a P2 one the default's). Duplicating the seed's runbook
// and deleting the copy go through the confirm dialog; deleting the default shows the server's refusal. A
// viewer reads the same pages without controls; axe finds nothing serious.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  consoleDialects,
  go,
  pageWidth,
  shot,
  startConsole,
  type Console,
  signedInPages,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

interface Runbook {
  id: string;
  name: string;
  default: boolean;
  applies_to: { service_ids: string[]; severities: string[] };
  steps: Array<{
    phase: string;
    text: string;
    link: string | null;
    call: { function: string; action: string } | null;
    auto_complete_on: string | null;
  }>;
}
interface Checklist {
  runbook: { id: string; name: string } | null;
  steps: Array<{ phase: string; text: string; auto_complete_on: string | null; done: boolean }>;
}

const PHASE1 = 'Phase 1 · Detection and initial response';
const PHASE3 = 'Phase 3 · Mitigation';
const SEED = 'Seed incident response runbook';

describe.skipIf(missing !== null).each(consoleDialects())('Settings → Runbooks in Chromium [%s]', (dialect) => {
  let vigil: Console;
  let viewerToken: string;
  let payments: string;

  beforeAll(async () => {
    vigil = await startConsole({}, dialect);
    await vigil.api('POST', '/api/v1/users', { handle: 'vic', name: 'Vic Viewer', email: 'vic@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'vic', role: 'viewer' })).token;
    payments = (await vigil.api<{ id: string }>('POST', '/api/v1/services', { name: 'Payments' })).id;
    await vigil.api('POST', '/api/v1/services', { name: 'Search' });
  }, 90_000);

  afterAll(async () => vigil?.close());
  const open = signedInPages(() => vigil, `runbooks-${dialect}`);
  const runbooks = async () => (await vigil.api<{ data: Runbook[] }>('GET', '/api/v1/runbooks?limit=200')).data;
  const named = async (name: string) => (await runbooks()).find((r) => r.name === name);
  const row = (page: Page, name: string) =>
    page.getByRole('region', { name: 'Runbooks' }).locator('tbody tr').filter({ hasText: name });
  const phase = (page: Page, label: string) => page.getByRole('region', { name: label, exact: true });
  const texts = (page: Page, label: string) =>
    phase(page, label)
      .getByRole('list')
      .locator(':scope > li')
      .evaluateAll((items) => items.map((li) => li.querySelector('.runbook-step-text > span')?.textContent ?? ''));

  /** Adds a step to a phase through its editor and folds the editor again. */
  async function addStep(
    page: Page,
    label: string,
    text: string,
    more: (page: Page) => Promise<void> = async () => {},
  ) {
    await page.getByRole('button', { name: `Add a step to ${label}` }).click();
    const fields = phase(page, label).getByRole('group', { name: /^Step \d+$/ });
    await fields.getByLabel('Step text').fill(text);
    await more(page);
    await fields.getByRole('button', { name: /^Done editing/ }).click();
    await expect.poll(() => texts(page, label)).toContain(text);
  }

  it('lists the default; creates, edits, reorders and assigns a runbook; a P1 incident of it gets it', async () => {
    const { page, problems } = await open('/settings/runbooks');
    await page.getByRole('heading', { name: /^Runbooks/, level: 2 }).waitFor();
    await expect
      .poll(() => row(page, SEED).textContent())
      .toMatch(/Default.*every incident not assigned elsewhere.*50 steps/);
    expect(await axeSerious(page)).toEqual([]);
    // The button-like link keeps its button's colours inside the panel (a panel's links are accent-coloured).
    const colours = await page
      .getByRole('link', { name: 'New runbook' })
      .evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    expect(colours[0]).not.toBe(colours[1]);

    // A new runbook for Payments at P1: two steps in Phase 1 (one completes itself), one in Phase 3.
    await page.getByRole('link', { name: 'New runbook' }).click();
    const form = page.getByRole('form', { name: 'New runbook' });
    await form.getByLabel('Name').fill('Payments P1');
    await form.getByLabel('Description').fill('Card payments failing for customers');
    await form.getByRole('group', { name: 'Services' }).getByRole('checkbox', { name: 'Payments' }).check();
    await form.getByRole('group', { name: 'Severities' }).getByRole('checkbox', { name: 'P1' }).check();
    await form.getByText('Applies to P1 incidents of Payments.').waitFor();
    await addStep(page, PHASE1, 'Page the payments on-call', async () => {
      await form.getByRole('button', { name: /Completes itself when$/ }).click();
      await page.getByRole('option', { name: /^the incident is acknowledged/ }).click();
    });
    await addStep(page, PHASE1, 'Check the card processor status');
    await addStep(page, PHASE3, 'Switch to the backup processor', async () => {
      await form.getByLabel('Seed function (optional)').fill('production-monitoring');
      await form.getByLabel('Function action').fill('health_check');
    });
    expect(await phase(page, PHASE1).textContent()).toContain('completes itself when the incident is acknowledged');
    expect(await axeSerious(page)).toEqual([]);
    await form.getByRole('button', { name: 'Create runbook' }).click();
    await page.getByRole('form', { name: 'Edit “Payments P1”' }).waitFor();
    expect(page.url()).toMatch(/\/settings\/runbooks\/rb_/);
    const created = await named('Payments P1');
    expect(created).toMatchObject({
      applies_to: { service_ids: [payments], severities: ['P1'] },
      steps: [
        { phase: 'detection', text: 'Page the payments on-call', auto_complete_on: 'incident.acknowledged' },
        { phase: 'detection', text: 'Check the card processor status', auto_complete_on: null },
        {
          phase: 'mitigation',
          text: 'Switch to the backup processor',
          call: { function: 'production-monitoring', action: 'health_check' },
        },
      ],
    });

    // Edit the second step and move it up; saved as one PATCH.
    const edit = page.getByRole('form', { name: 'Edit “Payments P1”' });
    await edit.getByRole('button', { name: 'Edit “Check the card processor status”' }).click();
    await edit.getByLabel('Step text').fill('Check the card processor’s status page');
    await edit.getByRole('button', { name: /^Done editing/ }).click();
    // The keyboard comes back to the step: on its Edit button, then (after the move) on the move still possible.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await expect.poll(focused).toBe('Edit “Check the card processor’s status page”');
    expect(
      await edit.getByRole('button', { name: 'Move “Check the card processor’s status page” down' }).isDisabled(),
    ).toBe(true);
    await edit.getByRole('button', { name: 'Move “Check the card processor’s status page” up' }).click();
    await expect
      .poll(() => texts(page, PHASE1))
      .toEqual(['Check the card processor’s status page', 'Page the payments on-call']);
    await expect.poll(focused).toBe('Move “Check the card processor’s status page” down');
    await edit.getByText('Unsaved changes').waitFor();
    await edit.getByRole('button', { name: 'Save runbook' }).click();
    await expect
      .poll(async () => (await named('Payments P1'))?.steps.map((s) => s.text))
      .toEqual([
        'Check the card processor’s status page',
        'Page the payments on-call',
        'Switch to the backup processor',
      ]);

    // A link that is no http(s) URL: the server's message beside the form, the step named, nothing lost.
    const saved = page.getByRole('form', { name: 'Edit “Payments P1”' });
    await saved.getByRole('button', { name: 'Edit “Page the payments on-call”' }).click();
    await saved.getByLabel('Link (optional)').fill('status.cardco.example');
    await saved.getByRole('button', { name: 'Save runbook' }).click();
    const alert = page.getByRole('region', { name: 'Edit “Payments P1”' }).getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/steps\.1\.link: must be an http\(s\) URL/);
    await page
      .getByRole('list', { name: 'Steps the server refused' })
      .getByText(`Step 2 of ${PHASE1}: “Page the payments on-call”`)
      .waitFor();
    expect(await saved.getByLabel('Link (optional)').inputValue()).toBe('status.cardco.example');
    await shot(page, `runbooks-refused-${dialect}`);
    expect((await named('Payments P1'))?.steps[1]?.link).toBeNull();
    await saved.getByLabel('Link (optional)').fill('https://status.cardco.example');
    await saved.getByRole('button', { name: 'Save runbook' }).click();
    await expect.poll(async () => (await named('Payments P1'))?.steps[1]?.link).toBe('https://status.cardco.example');
    await shot(page, `runbooks-editor-${dialect}`);
    // On a phone the editor fits the width: no sideways scroll.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => pageWidth(page)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1440, height: 900 });

    // A P1 incident of Payments opens with this runbook's checklist; a P2 one with the default's.
    const p1 = await vigil.api<{ id: string }>('POST', '/api/v1/incidents', {
      title: 'Card payments failing',
      severity: 'P1',
      service_id: payments,
    });
    const checklist = await vigil.api<Checklist>('GET', `/api/v1/incidents/${p1.id}/checklist`);
    expect(checklist.runbook?.name).toBe('Payments P1');
    expect(checklist.steps.map((s) => [s.phase, s.text, s.auto_complete_on])).toEqual([
      ['detection', 'Check the card processor’s status page', null],
      ['detection', 'Page the payments on-call', 'incident.acknowledged'],
      ['mitigation', 'Switch to the backup processor', null],
    ]);
    const p2 = await vigil.api<{ id: string }>('POST', '/api/v1/incidents', {
      title: 'Slow refunds',
      severity: 'P2',
      service_id: payments,
    });
    expect((await vigil.api<Checklist>('GET', `/api/v1/incidents/${p2.id}/checklist`)).runbook?.id).toBe('rb_seed');

    // The list says what it applies to in words.
    await go(page, '/settings/runbooks');
    await expect.poll(() => row(page, 'Payments P1').textContent()).toMatch(/P1 incidents of Payments.*3 steps/);
    await shot(page, `runbooks-list-${dialect}`);
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });

  it('duplicates the seed, deletes the copy after asking, and shows why the default cannot be deleted', async () => {
    const { page, problems } = await open('/settings/runbooks/rb_seed');
    await page.getByRole('heading', { name: /^Seed incident response runbook/, level: 2 }).waitFor();
    await page.getByRole('link', { name: 'Duplicate' }).click();
    const form = page.getByRole('form', { name: 'New runbook' });
    expect(await form.getByLabel('Name').inputValue()).toBe(`Copy of ${SEED}`);
    await form.getByRole('heading', { name: /Steps\s*· 50 steps/ }).waitFor();
    await form.getByRole('button', { name: 'Create runbook' }).click();
    await page.getByRole('form', { name: `Edit “Copy of ${SEED}”` }).waitFor();
    const copy = await named(`Copy of ${SEED}`);
    const seed = await named(SEED);
    expect(copy?.steps).toEqual(seed?.steps);
    expect(copy?.applies_to).toEqual({ service_ids: [], severities: [] });

    // Delete asks first; Cancel keeps it, the confirm deletes it.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Delete “Copy of ${SEED}”?` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await named(`Copy of ${SEED}`)).toBeDefined();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete runbook' }).click();
    await page.getByRole('heading', { name: /^Runbooks/, level: 2 }).waitFor();
    await expect.poll(async () => named(`Copy of ${SEED}`)).toBeUndefined();

    // The default: the server's reason.
    await go(page, '/settings/runbooks/rb_seed');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page
      .getByRole('dialog', { name: `Delete “${SEED}”?` })
      .getByRole('button', { name: 'Delete runbook' })
      .click();
    await page
      .getByRole('alert')
      .getByText(/the default runbook cannot be deleted/)
      .waitFor();
    expect(await named(SEED)).toBeDefined();
    expect(problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
  });

  it('shows a viewer the list and a runbook read-only', async () => {
    const { page, problems } = await open('/settings/runbooks', viewerToken);
    await expect.poll(() => row(page, 'Payments P1').textContent()).toMatch(/P1 incidents of Payments.*3 steps/);
    expect(await page.getByRole('link', { name: 'New runbook' }).count()).toBe(0);
    await row(page, 'Payments P1').getByRole('link', { name: 'Payments P1' }).click();
    await page.getByRole('heading', { name: 'Payments P1', level: 2 }).waitFor();
    await expect
      .poll(() => texts(page, PHASE1))
      .toEqual(['Check the card processor’s status page', 'Page the payments on-call']);
    expect(await phase(page, PHASE1).textContent()).toContain('completes itself when the incident is acknowledged');
    expect(await phase(page, PHASE3).textContent()).toContain('runs production-monitoring health_check');
    expect(await page.getByRole('link', { name: 'https://status.cardco.example' }).count()).toBe(1);
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Duplicate' }).count()).toBe(0);
    await page.getByText('Only admins change, assign or delete runbooks.').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, `runbooks-viewer-${dialect}`);
    await go(page, '/settings/runbooks/new');
    await page.getByText('Only admins create runbooks.').waitFor();
    expect(problems).toEqual([]);
  });
});
