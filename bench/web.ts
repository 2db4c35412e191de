// Web console benchmark (`npm run bench:web`): the built console's JavaScript sizes, and the incident
// list with N incidents (5,000) in Debian's Chromium against a real `vigil serve` on SQLite.
// Measured: initial JS (the entry script and the chunks index.html preloads, gzip level 9, as a
// server would send them) and every lazy chunk; time from opening the list to its first row; time to
// page through all N rows (100 per request, loaded as the end of the list scrolls into view); frame
// times while scrolling the whole list (requestAnimationFrame intervals; a frame over 50 ms is a
// visible stutter); how long a new incident takes to appear at the top with N rows loaded; the
// page's JS heap after that.
//
// Options: --incidents N (5000), --no-docs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { commitLabel, flag, numberOption, rewriteDocs, ROOT, startServer, stopServer } from './lib.js';

const N = numberOption('--incidents', 5000);
const DOCS = !flag('--no-docs');
const DIST = path.join(ROOT, 'web', 'dist');
const TOKEN = `vgl_${randomBytes(32).toString('base64url')}`;

interface Sizes {
  initial: { file: string; raw: number; gzip: number }[];
  lazy: { file: string; raw: number; gzip: number }[];
}

/** The scripts index.html loads at once (entry + modulepreload) and every other JS chunk. */
function bundleSizes(): Sizes {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const initialFiles = new Set([...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string));
  const measure = (file: string) => {
    const bytes = fs.readFileSync(path.join(DIST, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const all = fs
    .readdirSync(path.join(DIST, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`);
  return { initial: [...initialFiles].map(measure), lazy: all.filter((f) => !initialFiles.has(f)).map(measure) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;

async function main() {
  if (!fs.existsSync(path.join(DIST, 'index.html')))
    throw new Error('web/dist is missing: run npm run build -w web first');
  const sizes = bundleSizes();
  const initialGzip = sizes.initial.reduce((s, f) => s + f.gzip, 0);
  console.log(
    `initial JS: ${sizes.initial.map((f) => `${f.file} ${kb(f.gzip)}`).join(', ')} = ${kb(initialGzip)} gzip`,
  );

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-web-'));
  const server = await startServer({ dataDir, dist: true, env: { VIGIL_ADMIN_TOKEN: TOKEN } });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
      const r = await fetch(`${server.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    };
    const service = await api<{ integration_key: string }>('POST', '/api/v1/services', { name: 'bench-web' });
    const send = (summary: string) =>
      fetch(`${server.url}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          routing_key: service.integration_key,
          event_action: 'trigger',
          payload: { summary, source: 'bench', severity: 'warning' },
        }),
      }).then((r) => {
        if (r.status !== 202) throw new Error(`enqueue: ${r.status}`);
      });
    const createStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < N) {
          const i = next++;
          await send(`bench incident ${i} on host-${i % 97}: disk usage above threshold`);
          if (i % 1000 === 999) console.log(`created ${i + 1}/${N} incidents`);
        }
      }),
    );
    const createSeconds = (performance.now() - createStarted) / 1000;

    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto('/');
    await page.getByRole('radio', { name: 'API token' }).check();
    await page.locator('input[name="token"]').fill(TOKEN);
    await page.getByRole('button', { name: /sign in/i }).click();
    const rows = page.getByRole('table', { name: /Incidents/ }).locator('tbody tr[data-row]');
    await rows.first().waitFor();

    // Cold open of the list: a fresh navigation to the first row.
    const openStarted = performance.now();
    await page.goto('/incidents');
    await rows.first().waitFor();
    const firstRowMs = performance.now() - openStarted;

    // Page through everything by scrolling to the end until no more pages load.
    const loadStarted = performance.now();
    // Plain DOM queries here: Playwright's role selectors walk the accessibility tree of the whole
    // page, which with thousands of rows costs seconds per call and would be counted as the list's time.
    // The list renders only a window of its rows; data-loaded says how many it holds.
    const rowCount = () =>
      page.evaluate(() => Number(document.querySelector('.incidents')?.getAttribute('data-loaded') ?? 0));
    const moreToLoad = () => page.evaluate(() => document.querySelector('.list-end button') !== null);
    while (await moreToLoad()) {
      const before = await rowCount();
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.waitForFunction(
        (n) =>
          Number(document.querySelector('.incidents')?.getAttribute('data-loaded') ?? 0) > n ||
          document.querySelector('.list-end button') === null,
        before,
        { timeout: 30_000 },
      );
      if ((before / 100) % 10 === 9)
        console.log(`  ${before + 100} rows after ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    }
    const loaded = await rowCount();
    const loadAllMs = performance.now() - loadStarted;
    console.log(`loaded ${loaded} rows in ${(loadAllMs / 1000).toFixed(1)} s`);

    // Scroll from the top to the bottom, 800 px a frame, recording frame intervals.
    console.log('scrolling through the list');
    const frames = await page.evaluate(async () => {
      window.scrollTo(0, 0);
      await new Promise((r) => requestAnimationFrame(r));
      const gaps: number[] = [];
      let prev = performance.now();
      // Bounded: the list's height settles as rows are laid out, but never more than 20,000 frames.
      while (gaps.length < 20_000 && window.scrollY + window.innerHeight < document.documentElement.scrollHeight - 2) {
        window.scrollBy(0, 800);
        await new Promise((r) => requestAnimationFrame(r));
        const t = performance.now();
        gaps.push(t - prev);
        prev = t;
      }
      return gaps;
    });
    const sortedFrames = [...frames].sort((a, b) => a - b);

    // A live incident with everything loaded: event sent → row on top.
    await page.evaluate(() => window.scrollTo(0, 0));
    const liveStarted = performance.now();
    await send('bench live incident: appears on top');
    await page.waitForFunction(
      () =>
        document.querySelector('.incidents tbody tr[data-row]')?.textContent?.includes('bench live incident') ?? false,
      undefined,
      { timeout: 30_000 },
    );
    const liveMs = performance.now() - liveStarted;
    const heapMb = await page.evaluate(
      () =>
        ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN) / 2 ** 20,
    );
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);

    const cpus = os.cpus();
    const lines = [
      `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ` +
        `${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM; Node ${process.version}; ` +
        `Chromium ${browser.version()} headless; commit ${commitLabel()}; ` +
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${os.loadavg()[0]?.toFixed(2)}.`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| initial JavaScript (gzip -9): ${sizes.initial.map((f) => `\`${f.file}\``).join(', ')} ` +
        `| **${kb(initialGzip)}** (${kb(sizes.initial.reduce((s, f) => s + f.raw, 0))} raw) | < 250 KB gzip |`,
      `| lazy chunks (loaded per screen) | ${sizes.lazy.length} chunks, largest ${[...sizes.lazy]
        .sort((a, b) => b.gzip - a.gzip)
        .slice(0, 3)
        .map((f) => `\`${f.file}\` ${kb(f.gzip)}`)
        .join(', ')} | |`,
      `| ${N.toLocaleString('en')} open incidents: list opened → first row | ${firstRowMs.toFixed(0)} ms | |`,
      `| all ${loaded.toLocaleString('en')} rows paged in by scrolling (100 per request) ` +
        `| ${(loadAllMs / 1000).toFixed(1)} s | |`,
      '| scrolling all rows, 800 px per frame: frame interval p50 / p95 / max ' +
        `| ${pct(sortedFrames, 0.5).toFixed(1)} / ${pct(sortedFrames, 0.95).toFixed(1)} / ` +
        `${(sortedFrames.at(-1) ?? NaN).toFixed(1)} ms over ${frames.length} frames; ` +
        `${frames.filter((f) => f > 50).length} over 50 ms | smooth |`,
      `| new incident → on top of the loaded list | ${liveMs.toFixed(0)} ms | < 2 s |`,
      `| page after that: JS heap / DOM elements | ${heapMb.toFixed(1)} MB / ${domNodes.toLocaleString('en')} | |`,
      `| console errors | ${problems.length} | 0 |`,
      '',
      `Set-up: ${N.toLocaleString('en')} warning events sent to \`/v2/enqueue\` ` +
        `(16 at a time, ${createSeconds.toFixed(1)} s), each a P3 incident; the list at 1440×900. ` +
        'The list renders only the rows near the viewport (a window of 240, moved 40 at a time as you scroll), ' +
        'with padding standing in for the rest; a row re-renders only when what it shows changes.',
    ];
    console.log(lines.join('\n'));
    if (problems.length) console.log(`console errors:\n${problems.join('\n')}`);
    if (DOCS) rewriteDocs('web', 'Web console', lines.join('\n'));
  } finally {
    await browser.close();
    await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
