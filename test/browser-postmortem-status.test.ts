// The post-mortem page's "Status page" card in Chromium. An incident published on the status page through the
// API and resolved: its post-mortem's card shows the public title, the summary is published from the card
// (prefilled from the summary section as plain text, then edited) and shows on the public page and in the
// API; removed after a confirm, it goes from both. An incident never published says so in one line; a viewer
// reads the card without its buttons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  browserUnavailable,
  consoleDialects,
  shot,
  startConsole,
  type Console,
  signedInPages,
} from './browser-harness.js';

const missing = browserUnavailable();
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`);

interface Published {
  name: string;
  status: string;
  postmortem: { body: string; published_at: string } | null;
}

const PUBLIC_TITLE = 'Delayed order confirmations';
const EDITED = 'Confirmation e-mails were held back for 40 minutes while a queue was drained. We now alert sooner.';

describe.skipIf(missing !== null).each(consoleDialects())('the post-mortem status page card [%s]', (dialect) => {
  let vigil: Console;
  let viewerToken: string;
  let published: { id: string; number: string };
  let quiet: string;

  /** An incident made, acknowledged and resolved through the API, optionally published on the status page first. */
  async function incident(title: string, publish: boolean): Promise<{ id: string; number: string }> {
    const made = await vigil.api<{ id: string; number: string }>('POST', '/api/v1/incidents', {
      title,
      severity: 'P1',
    });
    if (publish)
      await vigil.api('POST', `/api/v1/incidents/${made.id}/status-updates`, {
        status: 'investigating',
        name: PUBLIC_TITLE,
        body: 'Some order confirmations are late. We are looking into it.',
      });
    await vigil.api('POST', `/api/v1/incidents/${made.id}/acknowledge`, {});
    await vigil.api('POST', `/api/v1/incidents/${made.id}/resolve`, { note: 'queue drained' });
    return made;
  }

  beforeAll(async () => {
    vigil = await startConsole({}, dialect);
    await vigil.api('POST', '/api/v1/users', { handle: 'ana', name: 'Ana Lima', email: 'ana@example.test' });
    viewerToken = (await vigil.api<{ token: string }>('POST', '/api/v1/tokens', { user: 'ana', role: 'viewer' })).token;
    published = await incident('Mail relay OOM-killed', true);
    quiet = (await incident('Internal cron lagging', false)).number;
    await vigil.api('PUT', `/api/v1/incidents/${published.number}/postmortem/sections/summary`, {
      text: '## What happened\n\nThe **mail queue** backed up; see [the graph](https://grafana.test/d/1).',
      version: 1,
    });
  }, 90_000);

  afterAll(async () => vigil?.close());
  const open = signedInPages(() => vigil, `pm-status-${dialect}`);

  const publicPage = async () => (await fetch(`${vigil.url}/status`)).text();
  const read = () => vigil.api<Published>('GET', `/api/v1/incidents/${published.id}/status-updates`);

  it('publishes the summary from the card, shows it publicly, then removes it', async () => {
    const { page, problems } = await open(`/incidents/${published.number}/postmortem`);
    const card = page.getByRole('region', { name: 'Status page', exact: true });
    await card.getByText(PUBLIC_TITLE).waitFor();
    await card.getByText('No post-mortem summary on the status page.').waitFor();

    await card.getByRole('button', { name: 'Publish summary on the status page' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish the summary on the status page' });
    await dialog
      .getByRole('note')
      .getByText(/^Public: everyone who opens the status page reads this/)
      .waitFor();
    // Prefilled from the summary section, its Markdown marks dropped.
    const text = dialog.getByLabel('Public summary');
    expect(await text.inputValue()).toBe('What happened\n\nThe mail queue backed up; see the graph.');
    expect(await axeSerious(page)).toEqual([]);
    await text.fill(EDITED);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Summary published on the status page').first().waitFor();
    await card.getByText('Summary public').waitFor();
    await card.getByText(EDITED).waitFor();

    expect((await read()).postmortem?.body).toBe(EDITED);
    await expect.poll(publicPage).toContain(EDITED);
    const html = await publicPage();
    expect(html).toContain(PUBLIC_TITLE);
    expect(html).not.toContain('OOM-killed');
    await shot(page, `pm-status-card-${dialect}`);

    // Opening the dialog again starts from what is public now.
    await card.getByRole('button', { name: 'Publish summary on the status page' }).click();
    expect(await dialog.getByLabel('Public summary').inputValue()).toBe(EDITED);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await card.getByRole('button', { name: 'Remove from status page' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove the summary from the status page?' });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('Summary removed from the status page').first().waitFor();
    await card.getByText('No post-mortem summary on the status page.').waitFor();
    expect(await card.getByRole('button', { name: 'Remove from status page' }).count()).toBe(0);
    expect((await read()).postmortem).toBeNull();
    await expect.poll(publicPage).not.toContain(EDITED);
    expect(await publicPage()).toContain(PUBLIC_TITLE);
    expect(problems).toEqual([]);
  });

  it('says in one line that an unpublished incident was not published', async () => {
    const { page, problems } = await open(`/incidents/${quiet}/postmortem`);
    const card = page.getByRole('region', { name: 'Status page', exact: true });
    await card.getByText('Nothing about this incident was published on the status page.').waitFor();
    expect(await card.getByRole('button').count()).toBe(0);
    expect(await vigil.api('GET', `/api/v1/incidents/${quiet}/status-updates`)).toBeNull();
    expect(problems).toEqual([]);
  });

  it('shows a viewer the card without its buttons', async () => {
    await vigil.api('PUT', `/api/v1/incidents/${published.id}/status-updates/postmortem`, { body: EDITED });
    const { page, problems } = await open(`/incidents/${published.number}/postmortem`, viewerToken);
    const card = page.getByRole('region', { name: 'Status page', exact: true });
    await card.getByText(EDITED).waitFor();
    await card.getByText(PUBLIC_TITLE).waitFor();
    expect(await card.getByRole('button').count()).toBe(0);
    expect(await axeSerious(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
