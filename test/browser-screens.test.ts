// Every screen of the console, at 1280 and 360 px wide, in light and dark: no console errors or failed
// requests, no serious or critical axe-core finding, and no sideways scroll. The same walk takes the
// README's screenshots: `npm run screenshots` runs this file with VIGIL_SCREENSHOTS=docs/screens, which
// writes the main screens there (every screen always goes to test-results/screens/).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  pageWidth,
  RESULTS,
  signIn,
  startConsole,
  type AxeFinding,
  type Console,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

const WIDTHS = [1280, 360] as const;
const SCHEMES = ['light', 'dark'] as const;
const HOUR = 3_600_000;
/** The screens whose pictures the README shows; the rest are checked the same way but not kept in docs/. */
const IN_README = new Set([
  'incidents',
  'incident',
  'oncall',
  'services',
  'dashboard-production',
  'sign-in',
  'postmortem',
  'analytics',
]);

interface Screen {
  name: string;
  path: string;
}

describe.skipIf(missing !== null)('every console screen, at two widths and in two themes', () => {
  let vigil: Console;
  const screens: Screen[] = [];

  beforeAll(async () => {
    // A secret key, so that an action's secret header can be stored (Settings → Actions shows it by name).
    vigil = await startConsole({ VIGIL_SECRET_KEY: randomBytes(32).toString('hex') });
    for (const [handle, name] of [
      ['lea', 'Lea Novak'],
      ['sam', 'Sam Ortiz'],
      ['kim', 'Kim Park'],
    ])
      await vigil.api('POST', '/api/v1/users', { handle, name, email: `${handle}@example.com`, timezone: 'UTC' });
    const handoff = new Date(Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR);
    await vigil.api('POST', '/api/v1/schedules', {
      name: 'Primary',
      timezone: 'UTC',
      layers: [
        {
          name: 'Daily',
          rotation: { kind: 'daily', handoff_at: handoff.toISOString(), participants: ['lea', 'sam', 'kim'] },
        },
      ],
    });
    await vigil.api('POST', '/api/v1/escalation-policies', {
      name: 'Production',
      levels: [
        { name: 'On-call engineer', delay_seconds: 0, targets: [{ type: 'schedule', id: 'Primary' }] },
        { name: 'Technical lead', delay_seconds: 900, targets: [{ type: 'user', id: 'sam' }] },
      ],
    });
    const service = await vigil.api<{ id: string; integration_key: string }>('POST', '/api/v1/services', {
      name: 'Checkout API',
    });
    await vigil.api('POST', '/api/v1/services', { name: 'Search' });
    // A deploy just before the incidents: the checkout incident lists it and offers to roll it back.
    await vigil.enqueue(
      {
        routing_key: service.integration_key,
        payload: {
          summary: 'Deploy checkout 4.2.0',
          timestamp: new Date().toISOString(),
          source: 'ci',
          custom_details: { previous_version: '4.1.3' },
        },
      },
      'change',
    );
    const events: Array<[string, string, string]> = [
      ['checkout-502', 'critical', 'Checkout returns 502 for most EU users'],
      ['payments-latency', 'error', 'Payment authorisation p99 above 4 s'],
      ['search-index', 'warning', 'Search index is 40 minutes behind'],
      ['disk-80', 'info', 'Disk on db-2 is 80 % full'],
    ];
    for (const [dedup, severity, summary] of events)
      await vigil.enqueue({
        routing_key: service.integration_key,
        event_action: 'trigger',
        dedup_key: dedup,
        payload: { summary, source: 'prod-eu-1', severity },
      });
    const incidents = await vigil.api<{ data: Array<{ id: string; number: string; title: string }> }>(
      'GET',
      '/api/v1/incidents?limit=10',
    );
    const byTitle = (t: string) => incidents.data.find((i) => i.title.startsWith(t));
    const payments = byTitle('Payment');
    if (payments) await vigil.api('POST', `/api/v1/incidents/${payments.id}/acknowledge`, {});
    const disk = byTitle('Disk');
    if (disk) await vigil.api('POST', `/api/v1/incidents/${disk.id}/resolve`, {});
    const checkout = byTitle('Checkout');
    if (!checkout) throw new Error('the checkout incident was not opened');
    // A P1 that was acknowledged and resolved an hour later: its post-mortem is drafted, for the post-mortem page.
    const cart = await vigil.api<{ id: string; number: string }>('POST', '/api/v1/incidents', {
      title: 'Cart totals wrong after the 4.2 deploy',
      severity: 'P1',
      service_id: service.id,
    });
    await vigil.api('POST', `/api/v1/incidents/${cart.id}/acknowledge`, {});
    await vigil.api('POST', `/api/v1/incidents/${cart.id}/resolve`, {});
    // The GDPR dashboard with something on each card: a purpose with consents, a breach on its clock, a request.
    await vigil.api('POST', '/api/v1/gdpr/purposes', {
      key: 'newsletter',
      name: 'Newsletter',
      lawful_basis: 'consent',
    });
    await vigil.api('POST', '/api/v1/gdpr/consents', {
      events: ['u1', 'u2', 'u3'].map((subject, i) => ({
        id: `c${i}`,
        subject_id: subject,
        purpose: 'newsletter',
        policy_version: 1,
        decision: i === 2 ? 'withdrawn' : 'granted',
        at: new Date(Date.now() - HOUR).toISOString(),
        source: 'signup-form',
        proof: {},
      })),
    });
    const breach = await vigil.api<{ number: string }>('POST', '/api/v1/gdpr/breaches', {
      incident_id: checkout.id,
      title: 'Customer export exposed',
      aware_at: new Date(Date.now() - 62 * HOUR).toISOString(),
      data_categories: ['email', 'address'],
      risk: 'high_risk',
    });
    await vigil.api('POST', '/api/v1/gdpr/requests', { subject_id: 'u4', kind: 'erasure' });
    // Two follow-ups of the checkout incident, one urgent with a tracker link.
    for (const [title, priority, hours] of [
      ['Alert on checkout error rate', 'urgent', 20],
      ['Write the payment retry runbook', 'medium', 96],
    ] as const)
      await vigil.api('POST', '/api/v1/follow-ups', {
        incident_id: checkout.id,
        title,
        kind: priority === 'urgent' ? 'monitoring' : 'process',
        priority,
        owner_id: 'admin',
        due_at: new Date(Date.now() + hours * HOUR).toISOString(),
        ...(priority === 'urgent' && { external_url: 'https://tracker.example.com/OPS-12' }),
      });
    // The status page: a component following the checkout service (a major outage now) and maintenance ahead.
    const component = await vigil.api<{ id: string }>('POST', '/api/v1/status/components', {
      name: 'Checkout',
      group: 'Shop',
      description: 'Cart, payment and order confirmation',
      service_ids: [service.id],
    });
    await vigil.api('POST', '/api/v1/status/maintenances', {
      title: 'Payment provider upgrade',
      body: 'Card payments may be slow for ten minutes.',
      component_ids: [component.id],
      starts_at: new Date(Date.now() + 48 * HOUR).toISOString(),
      ends_at: new Date(Date.now() + 49 * HOUR).toISOString(),
    });
    await mitigations(checkout.id, service.id);
    screens.push(
      { name: 'incidents', path: '/incidents' },
      { name: 'incident', path: `/incidents/${checkout.number}` },
      { name: 'oncall', path: '/oncall' },
      { name: 'services', path: '/services' },
      { name: 'service', path: `/services/${service.id}` },
      { name: 'follow-ups', path: '/follow-ups' },
      { name: 'postmortem', path: `/incidents/${cart.number}/postmortem` },
      { name: 'analytics', path: '/analytics' },
      { name: 'status-components', path: '/status-page/components' },
      { name: 'status-maintenance', path: '/status-page/maintenance' },
      { name: 'status-subscribers', path: '/status-page/subscribers' },
      { name: 'status-settings', path: '/status-page/settings' },
      { name: 'dashboards', path: '/dashboards' },
      { name: 'dashboard-production', path: '/dashboards/production-health' },
      { name: 'dashboard-database', path: '/dashboards/database' },
      { name: 'dashboard-errors', path: '/dashboards/errors' },
      { name: 'dashboard-gdpr', path: '/dashboards/gdpr' },
      { name: 'gdpr-breach', path: `/dashboards/gdpr/breaches/${breach.number}` },
      { name: 'settings-users', path: '/settings/users' },
      { name: 'settings-tokens', path: '/settings/tokens' },
      { name: 'settings-schedules', path: '/settings/schedules' },
      { name: 'settings-escalation', path: '/settings/escalation' },
      { name: 'settings-stakeholders', path: '/settings/stakeholders' },
      { name: 'settings-templates', path: '/settings/templates' },
      { name: 'settings-gdpr', path: '/settings/gdpr' },
      { name: 'settings-runbooks', path: '/settings/runbooks' },
      { name: 'settings-runbook', path: '/settings/runbooks/rb_seed' },
      { name: 'settings-actions', path: '/settings/actions' },
      { name: 'settings-action', path: '/settings/actions/flag-off' },
      { name: 'settings-action-new', path: '/settings/actions/new' },
      { name: 'settings-runners', path: '/settings/runners' },
      { name: 'design', path: '/design' },
    );
  }, 120_000);
  afterAll(async () => vigil?.close());

  /**
   * The checkout incident's Actions panel with something in each state: a dry run a runner finished (its output
   * with a line on stderr), a restart awaiting approval, a rollback queued; Settings with HTTP and runner actions
   * and a runner that has reported in.
   */
  async function mitigations(incidentId: string, serviceId: string): Promise<void> {
    await vigil.api('POST', '/api/v1/actions/definitions', {
      name: 'restart-checkout',
      category: 'restart',
      description: 'Restart the checkout pods one by one',
      service_ids: [serviceId],
      params: [
        { name: 'replicas', type: 'integer', min: 1, max: 10, default: 3, required: true },
        { name: 'reason', type: 'string', max: 200, required: false },
      ],
      target: { kind: 'runner', group: 'production', command: 'restart-checkout' },
      dry_run: { supported: true, flag: '--dry-run' },
      approval: 'always',
    });
    await vigil.api('POST', '/api/v1/actions/definitions', {
      name: 'rollback-checkout',
      category: 'rollback',
      description: 'Roll checkout back to an earlier release',
      params: [{ name: 'version', type: 'string', pattern: '[0-9]+\\.[0-9]+\\.[0-9]+', required: true }],
      target: { kind: 'runner', group: 'production', command: 'rollback' },
      approval: 'none',
    });
    await vigil.api('POST', '/api/v1/actions/definitions', {
      name: 'flag-off',
      category: 'custom',
      description: 'Switch a feature flag off',
      params: [{ name: 'flag', type: 'enum', enum: ['checkout-v2', 'new-pricing'], required: true }],
      target: {
        kind: 'http',
        method: 'POST',
        url: 'https://flags.example.com/api/flags/{{params.flag}}/off',
        headers: { 'X-Incident': '{{incident.number}}' },
        secret_headers: { Authorization: 'Bearer not-a-real-token' },
        body: { by: 'vigil', incident: '{{incident.number}}' },
      },
    });
    const runner = await vigil.api<{ token: string }>('POST', '/api/v1/actions/runners', {
      name: 'web-1',
      group: 'production',
    });
    const dry = await vigil.api<{ id: string }>('POST', `/api/v1/incidents/${incidentId}/actions`, {
      definition_id: 'restart-checkout',
      params: { replicas: 2 },
      dry_run: true,
    });
    const claimed = await vigil.api<{ invocation: { id: string } }>(
      'POST',
      '/api/v1/runner/claim',
      {
        version: '0.1.0',
        hostname: 'web-1.prod.internal',
        commands: ['restart-checkout', 'rollback'],
        wait_seconds: 1,
      },
      runner.token,
    );
    if (claimed.invocation.id !== dry.id) throw new Error('the runner claimed another invocation');
    await vigil.api(
      'POST',
      `/api/v1/runner/invocations/${dry.id}/output`,
      {
        chunks: [
          { stream: 'stdout', data: 'would restart checkout-7f9c (1 of 2)\nwould restart checkout-2b1d (2 of 2)\n' },
          { stream: 'stderr', data: 'warning: PodDisruptionBudget allows 1 unavailable\n' },
        ],
      },
      runner.token,
    );
    await vigil.api(
      'POST',
      `/api/v1/runner/invocations/${dry.id}/finish`,
      { outcome: 'succeeded', exit_code: 0 },
      runner.token,
    );
    await vigil.api('POST', `/api/v1/incidents/${incidentId}/actions`, {
      definition_id: 'restart-checkout',
      params: { replicas: 2, reason: 'pods stuck after the 4.2.0 deploy' },
    });
    await vigil.api('POST', `/api/v1/incidents/${incidentId}/actions`, {
      definition_id: 'rollback-checkout',
      params: { version: '4.1.3' },
    });
  }

  /** Waits for a heading and for "Loading" to show nowhere (no skeleton, no notice): the data has arrived. */
  async function settled(page: Page): Promise<void> {
    await page.locator('main h1, main h2').first().waitFor();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('main [role="status"][aria-label^="Loading"]').length === 0 &&
        ![...document.querySelectorAll('main *')].some(
          (e) => e.childElementCount === 0 && /^Loading/.test(e.textContent ?? '') && e.checkVisibility(),
        ),
      null,
      { timeout: 10_000 },
    );
    await page.waitForTimeout(250);
  }

  /**
   * Saves the screen as a picture: the whole page on a desktop, what the phone's screen shows at 360 px (a
   * whole-page picture would draw the bottom navigation, fixed to the screen, across the middle of it).
   */
  async function photograph(page: Page, name: string): Promise<void> {
    const fullPage = (page.viewportSize()?.width ?? 0) > 600;
    const dirs = [path.join(RESULTS, 'screens')];
    const docs = process.env.VIGIL_SCREENSHOTS;
    if (docs && IN_README.has(name.replace(/-(1280|360)-(light|dark)$/, ''))) dirs.push(path.resolve(docs));
    for (const dir of dirs) {
      fs.mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage, animations: 'disabled' });
    }
  }

  for (const scheme of SCHEMES)
    for (const width of WIDTHS)
      it(`shows every screen at ${width} px in ${scheme}: clean, accessible, no sideways scroll`, async () => {
        const context = await vigil.browser.newContext({
          baseURL: vigil.url,
          viewport: { width, height: 800 },
          colorScheme: scheme,
        });
        try {
          const watched = await vigil.page(context);
          const { page, problems } = watched;
          await page.goto('/');
          await page.getByRole('radio', { name: 'API token' }).waitFor();
          const signInFindings = await axeSerious(page);
          await photograph(page, `sign-in-${width}-${scheme}`);
          expect(signInFindings).toEqual([]);
          await signIn(page, { token: vigil.adminToken });

          const failures: string[] = [];
          for (const screen of screens) {
            await page.goto(screen.path);
            const ready = await settled(page).then(
              () => true,
              () => false,
            );
            if (!ready) failures.push(`${screen.path}: still loading (or no heading) after 10 s`);
            const findings: AxeFinding[] = await axeSerious(page);
            const wide = await pageWidth(page);
            await photograph(page, `${screen.name}-${width}-${scheme}`);
            if (findings.length) failures.push(`${screen.path}: axe ${JSON.stringify(findings)}`);
            if (wide > width) failures.push(`${screen.path}: ${wide} px wide in a ${width} px window`);
          }
          expect(failures).toEqual([]);
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      }, 180_000);

  it('shows a visible focus ring on everything the Tab key reaches', async () => {
    const context = await vigil.browser.newContext({ baseURL: vigil.url, viewport: { width: 1280, height: 800 } });
    try {
      const { page, problems } = await vigil.page(context);
      await signIn(page, { token: vigil.adminToken });
      const unringed: string[] = [];
      for (const screen of screens) {
        await page.goto(screen.path);
        await settled(page);
        const seen = new Set<string>();
        for (let step = 0; step < 60; step++) {
          await page.keyboard.press('Tab');
          const focus = await page.evaluate(() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            // The ring may be drawn by the field around it (a combobox's input, a date's segments).
            const ringed = (e: Element) => {
              const style = getComputedStyle(e);
              return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            };
            const field = el.parentElement?.closest('.ui-control');
            const ring = ringed(el) || (field !== null && field !== undefined && ringed(field));
            const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
            return { key: `${el.tagName} ${name}`, ring };
          });
          if (!focus || seen.has(focus.key)) break;
          seen.add(focus.key);
          if (!focus.ring) unringed.push(`${screen.path}: ${focus.key}`);
        }
        expect(seen.size, `Tab reaches something on ${screen.path}`).toBeGreaterThan(3);
      }
      expect(unringed).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('switches the theme from the top bar, keeps it across a reload, and shows /design in it', async () => {
    const context = await vigil.browser.newContext({ baseURL: vigil.url, colorScheme: 'light' });
    try {
      const { page, problems } = await vigil.page(context);
      await signIn(page, { token: vigil.adminToken });
      await page.goto('/design');
      await settled(page);
      const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const light = await background();
      await page.getByRole('radio', { name: 'Dark' }).click();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      const dark = await background();
      expect(dark).not.toBe(light);
      await page.reload();
      await settled(page);
      expect(await background()).toBe(dark);
      expect(await axeSerious(page)).toEqual([]);
      await page.getByRole('radio', { name: 'Follow the system' }).click();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
      expect(await background()).toBe(light);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
