// The web console in a real browser: a real `vigil serve` (SQLite in a temp dir, or PostgreSQL in a
// database made for it and dropped after; a known admin token) serving the built web/dist, and
// Debian's Chromium driven by playwright-core. Every page records its console errors and failed
// requests so a test can assert there were none, and `shot` saves a screenshot under test-results/
// (git-ignored) for people to look at.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { pgAdmin, pgDatabaseUrl, pgProblem } from './dialects.js';
import { startServer, type ServerProcess } from './vigil-process.js';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RESULTS = path.join(ROOT, 'test-results');
export const WEB_BUILT = fs.existsSync(path.join(ROOT, 'web', 'dist', 'index.html'));
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);

/** Why the browser suites cannot run here, or null when they can. CI must be able to run them. */
export function browserUnavailable(): string | null {
  const why = !HAS_CHROMIUM
    ? `${CHROMIUM} is missing (apt-get install chromium; .ci/run does this)`
    : !WEB_BUILT
      ? 'web/dist is not built (npm run build -w web)'
      : null;
  if (why && !process.env.CI) console.log(`browser suites skipped: ${why}`);
  return why;
}

export type ConsoleDialect = 'sqlite' | 'postgres';

/**
 * The dialects a console suite runs on: both, or SQLite alone (with one line saying so) where
 * PostgreSQL does not answer outside CI — dialects.ts already fails a CI run in that case.
 */
export function consoleDialects(): ConsoleDialect[] {
  return pgProblem ? ['sqlite'] : ['sqlite', 'postgres'];
}

export interface Console {
  readonly dialect: ConsoleDialect;
  readonly url: string;
  readonly adminToken: string;
  readonly server: ServerProcess;
  readonly browser: Browser;
  /** Calls the API as the admin (or with `token`) and returns the parsed body; throws on non-2xx. */
  api<T = unknown>(method: string, apiPath: string, body?: unknown, token?: string): Promise<T>;
  /**
   * Sends one PagerDuty Events v2 event (routing_key included) to /v2/enqueue, or a change event (a deploy)
   * to /v2/change/enqueue; throws unless it is accepted.
   */
  enqueue(event: Record<string, unknown>, kind?: 'alert' | 'change'): Promise<void>;
  /** A fresh browser context (its own cookies) at 1440×900 unless a viewport is given. */
  context(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  /** A page whose console errors, page errors and failed requests are collected in `problems`. */
  page(context: BrowserContext): Promise<WatchedPage>;
  close(): Promise<void>;
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and failed same-origin requests seen so far. */
  readonly problems: string[];
}

export async function startConsole(
  env: Record<string, string> = {},
  dialect: ConsoleDialect = 'sqlite',
): Promise<Console> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-browser-'));
  const adminToken = `browser_${randomBytes(24).toString('hex')}`;
  let database: string | undefined;
  if (dialect === 'postgres') {
    database = `vigil_browser_${randomBytes(6).toString('hex')}`;
    await pgAdmin(`CREATE DATABASE ${database}`);
  }
  const dropDatabase = async () => {
    if (database) await pgAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
  let server: ServerProcess;
  try {
    server = await startServer({
      VIGIL_DATA_DIR: dataDir,
      VIGIL_ADMIN_TOKEN: adminToken,
      ...(database ? { VIGIL_DATABASE_URL: pgDatabaseUrl(database) } : {}),
      ...env,
    });
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
  } catch (error) {
    await server.stop();
    await dropDatabase();
    throw error;
  }
  const contexts: BrowserContext[] = [];

  const api = async <T>(method: string, apiPath: string, body?: unknown, token = adminToken): Promise<T> => {
    const response = await fetch(`${server.url}${apiPath}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${apiPath} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const enqueue = async (event: Record<string, unknown>, kind: 'alert' | 'change' = 'alert'): Promise<void> => {
    const response = await fetch(`${server.url}/v2/${kind === 'change' ? 'change/' : ''}enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    if (response.status !== 202) throw new Error(`enqueue → ${response.status}: ${await response.text()}`);
  };

  return {
    dialect,
    url: server.url,
    adminToken,
    server,
    browser,
    api,
    enqueue,
    async context(viewport = { width: 1440, height: 900 }) {
      const context = await browser.newContext({ baseURL: server.url, viewport });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context;
    },
    async page(context) {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => {
        // Requests cut short by leaving a page (and the EventSource closed then) are aborted on purpose.
        if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
        if (request.url().startsWith(server.url) && !request.url().includes('/api/v1/stream'))
          problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
      });
      return { page, problems };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await server.stop();
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the sign-in screen with the admin token (or handle + password). */
export async function signIn(
  page: Page,
  credentials: { token: string } | { handle: string; password: string },
): Promise<void> {
  await page.goto('/');
  if ('token' in credentials) {
    await page.getByRole('radio', { name: 'API token' }).check();
    await page.locator('input[name="token"]').fill(credentials.token);
  } else {
    await page.locator('input[name="handle"]').fill(credentials.handle);
    await page.locator('input[name="password"]').fill(credentials.password);
  }
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('button', { name: /sign out/i }).waitFor();
}

/**
 * Moves within the app as a link would (pushState and a popstate event): a reload would abort the screen's
 * requests in flight, which the harness counts as problems.
 */
export async function go(page: Page, to: string): Promise<void> {
  await page.evaluate((path) => {
    history.pushState(null, '', path);
    dispatchEvent(new PopStateEvent('popstate'));
  }, to);
}

/** Saves a full-page screenshot as test-results/<name>.png. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** How wide the page's content is in CSS pixels: more than the viewport means a sideways scroll. */
export function pageWidth(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
}

/** One axe-core finding, trimmed to what a failing test should print. */
export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2 A/AA rules and best practices) on the page as it is now and returns the
 * serious and critical findings; a test expects none. axe comes from node_modules, so nothing is
 * fetched.
 */
export async function axeSerious(page: Page): Promise<AxeFinding[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const findings = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  })()`)) as AxeFinding[];
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/**
 * For a suite whose tests open signed-in pages: registers an afterEach that, when a test fails, prints the
 * problems of the page it opened last and saves its screenshot as `failed-<label>-<test name>`; returns
 * `open(path, token?)`, which signs a fresh context in (with the admin token unless given) and goes to `path`.
 */
export function signedInPages(vigil: () => Console, label: string) {
  let last: WatchedPage | undefined;
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && last) {
      console.error(`page at ${last.page.url()}; problems: ${JSON.stringify(last.problems)}`);
      const name = `failed-${label}-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`;
      await shot(last.page, name).catch(() => undefined);
    }
    last = undefined;
  });
  return async function open(path: string, token = vigil().adminToken): Promise<WatchedPage> {
    const watched = await vigil().page(await vigil().context());
    last = watched;
    await signIn(watched.page, { token });
    await go(watched.page, path);
    return watched;
  };
}
