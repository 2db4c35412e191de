// Mitigation actions in Chromium, on both dialects. An admin defines an HTTP action through Settings → Actions
// (a string parameter with a pattern, a secret header, a JSON body) pointed at a loopback receiver; a responder
// runs it from the incident's Actions panel — the form refuses a value off the pattern on its field, the server
// one off a pattern narrowed meanwhile, then it runs — and the receiver's answer shows as its output, the
// parameter in the request. An example action is switched on and deleted from the list. On a P1 incident a runner
// action whose policy is p0_p1 waits for approval: the responder who asked sees no Approve button, another
// responder approves it (no runner is needed for that), and it is cancelled afterwards. A deploy recorded
// before an incident offers "Roll back this deploy" under the incident's recent changes, prefilled with its
// version. A runner's command is followed live over the event stream (stderr apart, then how it ended).
// Settings → Runners shows who is online and registers a runner, its token once with the command line.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, consoleDialects, signedInPages, startConsole, type Console } from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

interface Hit {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

/** A loopback HTTP peer for the action: records each request and answers 200 with a line of text. */
function flagService() {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('flag switched off\n');
    });
  });
  return {
    hits,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Invocation {
  id: string;
  state: string;
  params: Record<string, unknown>;
}

describe.skipIf(missing !== null).each(consoleDialects())('mitigation actions in the console [%s]', (dialect) => {
  let vigil: Console;
  const peer = flagService();
  let peerUrl: string;
  let service: { id: string; integration_key: string };
  const tokens: Record<'rita' | 'rob', string> = { rita: '', rob: '' };

  beforeAll(async () => {
    peerUrl = await peer.start();
    vigil = await startConsole(
      { VIGIL_OUTBOUND_ALLOW: '127.0.0.1', VIGIL_SECRET_KEY: randomBytes(32).toString('hex') },
      dialect,
    );
    service = await vigil.api('POST', '/api/v1/services', { name: 'Checkout API' });
    for (const [handle, name] of [
      ['rita', 'Rita Responder'],
      ['rob', 'Rob Responder'],
    ] as const) {
      await vigil.api('POST', '/api/v1/users', { handle, name, email: `${handle}@example.test` });
      tokens[handle] = (
        await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: handle, role: 'responder' })
      ).token;
    }
  }, 90_000);
  afterAll(async () => {
    await vigil?.close();
    await peer.stop();
  });
  const open = signedInPages(() => vigil, `actions-${dialect}`);

  /** Opens an incident through an alert on the service (so recent changes are looked up), answers its number. */
  async function incident(dedup: string, severity: 'critical' | 'error'): Promise<{ id: string; number: string }> {
    await vigil.enqueue({
      routing_key: service.integration_key,
      event_action: 'trigger',
      dedup_key: dedup,
      payload: { summary: `Checkout trouble ${dedup}`, source: 'prod-eu-1', severity },
    });
    const list = await vigil.api<{ data: Array<{ id: string; number: string; title: string }> }>(
      'GET',
      `/api/v1/incidents?service_id=${service.id}&limit=20`,
    );
    const found = list.data.find((i) => i.title === `Checkout trouble ${dedup}`);
    if (!found) throw new Error(`no incident for ${dedup}`);
    return found;
  }

  const invocations = async (incidentId: string) =>
    (await vigil.api<{ data: Invocation[] }>('GET', `/api/v1/incidents/${incidentId}/actions`)).data;

  /** The Actions panel's text, once it holds `text`. */
  async function panelWith(page: Page, text: string | RegExp): Promise<string> {
    const panel = page.locator('section.incident-mitigation');
    await panel.getByText(text).first().waitFor();
    return panel.innerText();
  }

  it('an admin defines an HTTP action in Settings; a responder runs it on an incident with a parameter', async () => {
    const { page, problems } = await open('/settings/actions');
    // The seed's examples are there from the start, switched off.
    await page.getByRole('link', { name: 'rollback-previous' }).waitFor();
    expect(await page.getByRole('switch', { name: 'rollback-previous enabled' }).isChecked()).toBe(false);
    await page.getByRole('link', { name: 'New action' }).click();
    await page.getByRole('heading', { name: 'New action' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('flag-off');
    await page.getByLabel('Description').fill('Switch a feature flag off');
    await page.getByRole('checkbox', { name: 'Checkout API' }).check();
    await page.getByRole('button', { name: 'Add a parameter' }).click();
    await page.getByLabel('Parameter 1, name').fill('flag');
    await page.getByLabel('Parameter 1, pattern').fill('[a-z0-9-]{3,40}');
    await page.getByLabel('Parameter 1, description').fill('The flag to switch off');
    await page.getByLabel('Parameter 1, required').check();
    await page.getByLabel('URL').fill(`${peerUrl}/flags/{{params.flag}}/off?incident={{incident.number}}`);
    await page.getByRole('button', { name: 'Add a secret header' }).click();
    await page.getByLabel('Secret header 1, name').fill('Authorization');
    await page.getByLabel('Secret header 1, value').fill('Bearer s3cret-flag-token');
    await page.getByLabel('Body (JSON, optional)').fill('{ "flag": "{{params.flag}}", "by": "vigil" }');
    await page.getByRole('button', { name: 'Create action' }).click();
    await page.waitForURL(/\/settings\/actions\/(?!new)[^/]+$/);
    await page.getByRole('heading', { name: 'Edit “flag-off”' }).waitFor();
    // The secret is kept by name only: the form shows that it is stored, never its value.
    expect(await page.getByRole('list', { name: 'Secret headers stored' }).innerText()).toContain('Authorization');
    expect(await page.locator('main').innerText()).not.toContain('s3cret');
    const definition = await vigil.api('GET', '/api/v1/actions/definitions/flag-off');
    expect(definition).toMatchObject({
      name: 'flag-off',
      category: 'custom',
      enabled: true,
      approval: 'none',
      service_ids: [service.id],
      params: [{ name: 'flag', type: 'string', pattern: '[a-z0-9-]{3,40}', required: true }],
      target: { kind: 'http', method: 'POST', secret_headers: ['Authorization'], body: { flag: '{{params.flag}}' } },
    });
    await page.goto('/settings/actions');
    await page.getByRole('link', { name: 'flag-off' }).waitFor();
    const listed = await page.getByRole('region', { name: 'Mitigation actions', exact: true }).innerText();
    expect(listed).toContain('flag-off');
    expect(listed).toContain('Checkout API');
    // A seed example is switched on from the list, then deleted.
    await page.getByRole('switch', { name: 'rate-limit enabled' }).check();
    await page.getByText('rate-limit enabled', { exact: true }).first().waitFor();
    expect(await vigil.api('GET', '/api/v1/actions/definitions/rate-limit')).toMatchObject({ enabled: true });
    await page
      .getByRole('row', { name: /rate-limit/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete action' }).click();
    await page.getByRole('link', { name: 'rate-limit' }).waitFor({ state: 'detached' });
    await expect(vigil.api('GET', '/api/v1/actions/definitions/rate-limit')).rejects.toThrow(/404/);
    expect(problems).toEqual([]);

    const inc = await incident('flags', 'error');
    const rita = await open(`/incidents/${inc.number}`, tokens.rita);
    await rita.page.getByText('No action has been run on this incident.').waitFor();
    await rita.page.getByRole('button', { name: 'Run action' }).click();
    const dialog = rita.page.getByRole('dialog');
    await dialog.getByText('Switch a feature flag off').waitFor();
    expect(await dialog.innerText()).toMatch(/flag \(required\)/);
    await dialog.getByLabel(/^flag/).fill('Checkout V2');
    await dialog.getByRole('button', { name: 'Run now' }).click();
    expect(await dialog.getByRole('alert').innerText()).toBe('Must match [a-z0-9-]{3,40}.');
    expect(await invocations(inc.id)).toEqual([]);
    // Meanwhile an admin narrows the pattern: the dialog still checks the old one, the server the new one, and
    // its refusal (422 naming params.flag) shows on the field.
    await vigil.api('PATCH', '/api/v1/actions/definitions/flag-off', {
      params: [{ name: 'flag', type: 'string', pattern: '[a-z-]{3,40}', required: true }],
    });
    await dialog.getByLabel(/^flag/).fill('checkout-v2');
    await dialog.getByRole('button', { name: 'Run now' }).click();
    await dialog.getByRole('alert').getByText('Does not match the pattern [a-z-]{3,40}').waitFor();
    expect(await invocations(inc.id)).toEqual([]);
    await dialog.getByLabel(/^flag/).fill('checkout-next');
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Run now' }).click();
    await dialog.waitFor({ state: 'detached' });
    const text = await panelWith(rita.page, 'Succeeded');
    expect(text).toContain('flag-off');
    expect(text).toContain('flag=checkout-next');
    expect(text).toContain('HTTP 200');
    const output = rita.page.getByLabel('Output of flag-off');
    await output.getByText('switched off').waitFor();
    expect(await output.innerText()).toContain('flag switched off');
    expect(peer.hits).toEqual([
      {
        method: 'POST',
        path: `/flags/checkout-next/off?incident=${inc.number}`,
        authorization: 'Bearer s3cret-flag-token',
        body: JSON.stringify({ flag: 'checkout-next', by: 'vigil' }),
      },
    ]);
    // The run is on the timeline in words.
    await rita.page.getByRole('list', { name: 'Timeline' }).getByText('Action flag-off: succeeded').waitFor();
    expect(rita.problems.filter((p) => !/status of 422/.test(p))).toEqual([]);
  }, 120_000);

  it('a runner action on a P1 incident waits for a second responder, who approves it; then cancelled', async () => {
    await vigil.api('POST', '/api/v1/actions/definitions', {
      name: 'restart-checkout',
      category: 'restart',
      description: 'Restart the checkout pods',
      params: [{ name: 'replicas', type: 'integer', min: 1, max: 10, default: 3, required: true }],
      target: { kind: 'runner', group: 'production', command: 'restart-checkout' },
      approval: 'p0_p1',
    });
    const inc = await incident('restart', 'error');
    await vigil.api('POST', `/api/v1/incidents/${inc.id}/severity`, { severity: 'P1', reason: 'checkout is down' });
    const rita = await open(`/incidents/${inc.number}`, tokens.rita);
    await rita.page.getByRole('button', { name: 'Run action' }).click();
    const dialog = rita.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Action' }).click();
    await rita.page.getByRole('option', { name: /restart-checkout/ }).click();
    expect(await dialog.getByLabel(/^replicas/).inputValue()).toBe('3');
    expect(await dialog.getByRole('note').innerText()).toMatch(
      /Needs approval\..*P0 and P1 incidents, and this one is P1 high/s,
    );
    // This action has no dry run.
    expect(await dialog.getByRole('checkbox', { name: /Dry run/ }).isDisabled()).toBe(true);
    await dialog.getByLabel(/^replicas/).fill('4');
    await dialog.getByRole('button', { name: 'Ask for approval' }).click();
    await dialog.waitFor({ state: 'detached' });
    let text = await panelWith(rita.page, 'Awaiting approval');
    expect(text).toMatch(/Needs a second person's approval by .* left/);
    expect(text).toContain('replicas=4');
    // The person who asked cannot approve it themselves.
    const ritaPanel = rita.page.locator('section.incident-mitigation');
    expect(await ritaPanel.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    const rob = await open(`/incidents/${inc.number}`, tokens.rob);
    await panelWith(rob.page, 'Awaiting approval');
    await rob.page.locator('section.incident-mitigation').getByRole('button', { name: 'Approve' }).click();
    text = await panelWith(rob.page, 'Queued');
    expect(text).toMatch(/Approved by rob /);
    expect(text).toContain('Waiting for a runner of group production.');
    // Rita's page follows without a reload.
    await panelWith(rita.page, 'Queued');
    const [queued] = await invocations(inc.id);
    expect(queued).toMatchObject({ state: 'queued', params: { replicas: 4 } });

    await rob.page.locator('section.incident-mitigation').getByRole('button', { name: 'Cancel' }).click();
    await rob.page.getByRole('dialog').getByRole('button', { name: 'Cancel the run' }).click();
    await panelWith(rob.page, 'Cancelled');
    expect((await invocations(inc.id))[0]?.state).toBe('cancelled');
    expect(rita.problems).toEqual([]);
    expect(rob.problems).toEqual([]);
  }, 120_000);

  it("follows a runner's command live: output as it comes, stderr apart, then how it ended", async () => {
    await vigil.api('POST', '/api/v1/actions/definitions', {
      name: 'disk-usage',
      category: 'diagnostic',
      target: { kind: 'runner', group: 'diagnostics', command: 'df' },
    });
    const runner = await vigil.api<{ token: string }>('POST', '/api/v1/actions/runners', {
      name: 'db-2',
      group: 'diagnostics',
    });
    const inc = await incident('disk', 'error');
    const { page, problems } = await open(`/incidents/${inc.number}`, tokens.rita);
    const streams: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/output/stream')) streams.push(request.url());
    });
    await page.getByText('No action has been run on this incident.').waitFor();
    const run = await vigil.api<{ id: string }>('POST', `/api/v1/incidents/${inc.id}/actions`, {
      definition_id: 'disk-usage',
    });
    await panelWith(page, 'Waiting for a runner of group diagnostics.');
    const claimed = await vigil.api<{ invocation: { id: string } }>(
      'POST',
      '/api/v1/runner/claim',
      { version: '0.1.0', hostname: 'db-2.internal', commands: ['df'], wait_seconds: 1 },
      runner.token,
    );
    expect(claimed.invocation.id).toBe(run.id);
    const output = page.getByLabel('Output of disk-usage');
    await panelWith(page, 'Running on db-2');
    const post = (chunks: Array<{ stream: 'stdout' | 'stderr'; data: string }>) =>
      vigil.api('POST', `/api/v1/runner/invocations/${run.id}/output`, { chunks }, runner.token);
    await post([{ stream: 'stdout', data: 'Filesystem  Use%\n/dev/sda1   91%\n' }]);
    await output.getByText('/dev/sda1').waitFor();
    await post([{ stream: 'stderr', data: 'df: /mnt/nfs: Stale file handle\n' }]);
    await output.locator('.stream-stderr', { hasText: 'Stale file handle' }).waitFor();
    await vigil.api(
      'POST',
      `/api/v1/runner/invocations/${run.id}/finish`,
      { outcome: 'failed', exit_code: 1 },
      runner.token,
    );
    const text = await panelWith(page, 'Failed');
    expect(text).toMatch(/Exit code 1 after/);
    expect(await output.innerText()).toBe('Filesystem  Use%\n/dev/sda1   91%\ndf: /mnt/nfs: Stale file handle\n');
    // Followed over the event stream, not by asking again and again.
    expect(streams.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, 120_000);

  it('offers "Roll back this deploy" under a deploy made before the incident, prefilled with its version', async () => {
    await vigil.api('POST', '/api/v1/actions/definitions', {
      name: 'rollback-checkout',
      category: 'rollback',
      params: [{ name: 'version', type: 'string', required: true }],
      target: { kind: 'runner', group: 'production', command: 'rollback' },
      dry_run: { supported: true, flag: '--dry-run' },
    });
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
    const inc = await incident('after-deploy', 'error');
    const { page, problems } = await open(`/incidents/${inc.number}`, tokens.rita);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Recent changes to the service: 1').waitFor();
    await timeline.getByRole('button', { name: 'Roll back this deploy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back this deploy' });
    expect(await dialog.getByLabel(/^version/).inputValue()).toBe('4.1.3');
    await dialog.getByRole('checkbox', { name: /Dry run/ }).check();
    await dialog.getByRole('button', { name: 'Start dry run' }).click();
    await dialog.waitFor({ state: 'detached' });
    const text = await panelWith(page, 'rollback-checkout');
    expect(text).toContain('Dry run');
    expect(text).toContain('version=4.1.3');
    expect((await invocations(inc.id))[0]).toMatchObject({ params: { version: '4.1.3' }, state: 'queued' });
    expect(problems).toEqual([]);
  }, 120_000);

  it('registers a runner in Settings and shows its token once with the command line', async () => {
    const { page, problems } = await open('/settings/runners');
    const table = page.getByRole('region', { name: 'Runners', exact: true });
    // db-2 asked for work a moment ago (the test before): online, with what it reported.
    const db2 = table.getByRole('row', { name: /db-2/ });
    await db2.waitFor();
    expect(await db2.innerText()).toMatch(
      /db-2\s*\(online\)[\s\S]*diagnostics[\s\S]*Online · [\s\S]*0\.1\.0[\s\S]*db-2\.internal[\s\S]*df/,
    );
    await page.getByLabel('Name').fill('web-1');
    await page.getByLabel('Group').fill('production');
    await page.getByRole('button', { name: 'Add runner' }).click();
    const once = page.getByRole('region', { name: 'New runner token' });
    await once.waitFor();
    const token = await once.getByLabel('Token of “web-1”').inputValue();
    expect(token).toMatch(/^vgr_/);
    expect(await once.getByLabel('Start it on its host').inputValue()).toBe(
      `vigil runner --url ${vigil.url} --token ${token} --config runner.yaml`,
    );
    const web1 = table.getByRole('row', { name: /web-1/ });
    await web1.waitFor();
    expect(await web1.innerText()).toContain('Never connected');
    await once.getByRole('button', { name: 'Done, I have stored it' }).click();
    await web1.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke runner' }).click();
    await page.getByRole('button', { name: 'Show 1 revoked runner' }).waitFor();
    expect(problems).toEqual([]);
  }, 60_000);

  it("runs a checklist step's action from the step, which then completes itself", async () => {
    await vigil.api('POST', '/api/v1/actions/definitions', {
      name: 'purge-cdn',
      category: 'custom',
      description: 'Purge the CDN cache',
      target: { kind: 'http', method: 'POST', url: `${peerUrl}/purge?incident={{incident.number}}` },
    });
    await vigil.api('POST', '/api/v1/runbooks', {
      name: 'Checkout runbook',
      applies_to: { service_ids: [service.id] },
      steps: [
        { phase: 'detection', text: 'Acknowledge' },
        { phase: 'mitigation', text: 'Purge the CDN cache', action: 'purge-cdn' },
      ],
    });
    const inc = await incident('stale-cache', 'error');
    const { page, problems } = await open(`/incidents/${inc.number}`, tokens.rita);
    const checklist = page.locator('section.incident-checklist');
    const mitigation = checklist.locator('details.checklist-phase', { has: page.getByText('Purge the CDN cache') });
    await mitigation.locator('summary').click();
    await mitigation.getByRole('button', { name: 'Run purge-cdn' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run purge-cdn' });
    await dialog.getByRole('button', { name: 'Run now' }).click();
    await dialog.waitFor({ state: 'detached' });
    await panelWith(page, 'Succeeded');
    expect(peer.hits.at(-1)).toMatchObject({ method: 'POST', path: `/purge?incident=${inc.number}` });
    // The step completed itself when the action succeeded.
    await mitigation
      .getByText(/completed|done/i)
      .first()
      .waitFor();
    const checklistApi = await vigil.api<{
      steps: Array<{ text: string; done: boolean; completed_on: string | null }>;
    }>('GET', `/api/v1/incidents/${inc.id}/checklist`);
    expect(checklistApi.steps.find((x) => x.text === 'Purge the CDN cache')).toMatchObject({
      done: true,
      completed_on: 'action.succeeded',
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
