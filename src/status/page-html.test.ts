import { describe, expect, it } from 'vitest';
import {
  at,
  component,
  incident,
  LONG_AGO,
  maintenance,
  publicModel,
  update,
} from '../../test/fixtures/public-model.js';
import { renderStatusMessage, renderStatusPage } from './page-html.js';

const HOSTILE = `<script>alert("x")</script>&'`;
const opts = { prefix: '/status', subscribe: false };

/** The inner HTML of each uptime bar, in page order. */
function bars(html: string): string[] {
  return html
    .split('<ol class="b"')
    .slice(1)
    .map((rest) => rest.slice(0, rest.indexOf('</ol>')));
}

const cellCount = (bar: string) => bar.split('<li').length - 1;

describe('renderStatusPage', () => {
  it('is a complete HTML5 document with no script and no outside resource', () => {
    const html = renderStatusPage(publicModel(), opts);
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html.endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('escapes every model string, bodies included, and keeps their line breaks', () => {
    const model = publicModel({
      page: { name: HOSTILE, logoUrl: `https://cdn.test/logo.png?a=1&b="2"` },
      components: [component('c1', { name: HOSTILE, group: HOSTILE, description: HOSTILE, status: 'major_outage' })],
      incidents: [
        incident('i1', {
          name: HOSTILE,
          componentIds: ['c1'],
          updates: [update('u1', { body: `first line\n${HOSTILE}` })],
        }),
        incident('i2', {
          name: HOSTILE,
          status: 'resolved',
          resolvedAt: at('2026-03-01T11:00:00Z'),
          createdAt: at('2026-03-01T10:00:00Z'),
          postmortem: { body: HOSTILE, publishedAt: at('2026-03-02T10:00:00Z') },
        }),
      ],
      maintenances: [maintenance('m1', { name: HOSTILE, body: HOSTILE })],
    });
    const html = renderStatusPage(model, { prefix: '/st"atus', subscribe: true });
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toContain('"x"');
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';
    // Page title and heading, group, component and its description, two incidents, post-mortem, maintenance.
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(9);
    expect(html).toContain(`<div class="body">first line\n${escaped}</div>`);
    expect(html).toContain('.body{white-space:pre-line');
    expect(html).toContain('<img src="https://cdn.test/logo.png?a=1&amp;b=&quot;2&quot;" alt="">');
    expect(html).toContain('action="/st&quot;atus/subscribe"');
  });

  it('shows a logo only from an http(s) URL', () => {
    const html = renderStatusPage(publicModel({ page: { logoUrl: 'javascript:alert(1)' } }), opts);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
  });

  it('draws 90 day cells for every component, and 50 quiet components stay under 60 KB', () => {
    const components = Array.from({ length: 50 }, (_, n) =>
      component(`c${n}`, { name: `Service number ${n}`, group: n < 25 ? 'Core platform' : null, position: n }),
    );
    const html = renderStatusPage(publicModel({ components }), { prefix: '/status', subscribe: true });
    const all = bars(html);
    expect(all).toHaveLength(50);
    for (const bar of all) expect(cellCount(bar)).toBe(90);
    expect(Buffer.byteLength(html)).toBeLessThan(60_000);
  });

  it('colours a cell by the worst status, shortens it by downtime and titles it with the day’s incidents', () => {
    const c1 = component('c1', { name: 'API' }, [
      { at: LONG_AGO, status: 'operational' },
      { at: at('2026-03-10T00:00:00Z'), status: 'major_outage' },
      { at: at('2026-03-10T12:00:00Z'), status: 'operational' },
    ]);
    const c2 = component('c2', { name: 'Web' });
    const outage = incident('i1', {
      name: 'API down',
      status: 'resolved',
      componentIds: ['c1'],
      createdAt: at('2026-03-10T00:00:00Z'),
      resolvedAt: at('2026-03-11T01:00:00Z'),
    });
    const [api, web] = bars(renderStatusPage(publicModel({ components: [c1, c2], incidents: [outage] }), opts));
    const cells = (api ?? '').split('<li').slice(1);
    // Day 85 of 90 is 10 March (15 March is the 90th): half a day of major outage.
    expect(cells[84]).toBe(' class="m h3" title="10 Mar 2026: 50.00% up, major outage. Incidents: API down">');
    // 11 March was fully up but the incident was still open in its first hour.
    expect(cells[85]).toBe(' title="11 Mar 2026: 100.00% up. Incidents: API down">');
    expect(cells[83]).toBe('>');
    // The incident touched only c1.
    expect(web).not.toContain('API down');
    expect(web).not.toContain('title="1');
  });

  it('labels every day column with its date once in the stylesheet, for the cells without a title', () => {
    const html = renderStatusPage(publicModel(), opts);
    expect(html).toContain('.b li:nth-child(1)::before{content:"16 Dec 2025"}');
    expect(html).toContain('.b li:nth-child(90)::before{content:"15 Mar 2026"}');
  });

  it('marks days before a component existed as without data', () => {
    const young = component('c1', {}, [{ at: at('2026-03-14T00:00:00Z'), status: 'operational' }]);
    const [bar] = bars(renderStatusPage(publicModel({ components: [young] }), opts));
    expect(bar?.split('<li class="n">').length).toBe(89);
  });

  it('has a light and a dark palette', () => {
    const html = renderStatusPage(publicModel(), opts);
    expect(html).toContain('color-scheme:light dark');
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)\{:root\{--bg:/);
  });

  it('offers the subscribe form only when asked, posting an email field to the prefix', () => {
    expect(renderStatusPage(publicModel(), opts)).not.toContain('<form');
    const html = renderStatusPage(publicModel(), { prefix: '/status', subscribe: true });
    expect(html).toContain(
      '<form class="card sub" method="post" action="/status/subscribe" enctype="application/x-www-form-urlencoded">',
    );
    expect(html).toContain('name="email"');
  });

  it('links the feeds, in the head and on the page', () => {
    const html = renderStatusPage(publicModel(), opts);
    expect(html).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(html).toContain('href="/status/history.rss">');
    expect(html).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(html).toContain('<a href="/status/history.atom">Atom</a>');
  });

  it('shows the banner by indicator, and active incidents with their updates newest first', () => {
    const model = publicModel({
      components: [component('c1', { name: 'API', status: 'major_outage' })],
      incidents: [
        incident('i1', {
          name: 'API down',
          impact: 'critical',
          componentIds: ['c1'],
          updates: [
            update('u1', { body: 'Looking into it', createdAt: at('2026-03-15T10:00:00Z') }),
            update('u2', { status: 'identified', body: 'Found it', createdAt: at('2026-03-15T10:30:00Z') }),
          ],
        }),
      ],
    });
    const html = renderStatusPage(model, opts);
    expect(html).toContain('<div class="banner critical">Major System Outage');
    const card = html.slice(html.indexOf('id="incident-i1"'));
    expect(card).toContain('<p class="muted">Affects: API</p>');
    expect(card.indexOf('Found it')).toBeLessThan(card.indexOf('Looking into it'));
    expect(card).toContain('<strong>Identified</strong>');
    expect(card).toContain('<time datetime="2026-03-15T10:30:00.000Z">15 Mar 2026, 11:30 CET</time>');
  });

  it('lists upcoming and running maintenance with anchors, and hides operational only-if-degraded components', () => {
    const model = publicModel({
      components: [
        component('c1', { name: 'Quiet one', onlyShowIfDegraded: true }),
        component('c2', { name: 'Loud one', onlyShowIfDegraded: true, status: 'degraded_performance' }),
      ],
      maintenances: [maintenance('m1', { name: 'DB upgrade', componentIds: ['c2'] })],
    });
    const html = renderStatusPage(model, opts);
    expect(html).not.toContain('Quiet one');
    expect(html).toContain('Loud one');
    expect(html).toContain('<h2>Scheduled maintenance</h2><article class="card" id="incident-m1"><h3>DB upgrade');
  });

  it('groups history by month in the page’s zone, newest month first, with resolution and post-mortem', () => {
    const resolved = (id: string, created: string, over = {}) =>
      incident(id, {
        name: `Past ${id}`,
        status: 'resolved',
        createdAt: at(created),
        resolvedAt: new Date(at(created).getTime() + 3_600_000),
        ...over,
      });
    const model = publicModel({
      incidents: [
        resolved('a', '2026-03-02T10:00:00Z'),
        // 31 January 23:30 UTC is 1 February in Berlin.
        resolved('b', '2026-01-31T23:30:00Z', {
          postmortem: { body: 'Disk full.', publishedAt: at('2026-02-03T00:00:00Z') },
        }),
        resolved('c', '2026-01-10T10:00:00Z'),
        incident('open', { name: 'Still open' }),
      ],
      maintenances: [maintenance('m0', { status: 'completed', scheduledFor: at('2026-02-20T10:00:00Z') })],
    });
    const html = renderStatusPage(model, opts);
    const history = html.slice(html.indexOf('<h2>Incident history</h2>'));
    const order = ['<h3>March 2026</h3>', 'Past a', '<h3>February 2026</h3>', 'Maintenance m0', 'Past b'];
    const positions = [...order, '<h3>January 2026</h3>', 'Past c'].map((s) => history.indexOf(s));
    expect(positions.every((p, n) => p >= 0 && (n === 0 || p > (positions[n - 1] as number)))).toBe(true);
    expect(history).not.toContain('Still open');
    expect(history).toContain('id="incident-b"');
    expect(history).toContain('<strong>Post-mortem</strong><div class="body">Disk full.</div>');
    expect(history).toContain('<p class="muted">Resolved <time datetime="2026-02-01T00:30:00.000Z">');
  });

  it('says when there is no history', () => {
    expect(renderStatusPage(publicModel(), opts)).toContain('No incidents in the last 90 days.');
  });
});

describe('renderStatusMessage', () => {
  it('renders an escaped message in the page’s style, as a problem for 4xx', () => {
    const page = publicModel().page;
    const bad = renderStatusMessage(page, { prefix: '/status', title: HOSTILE, text: 'Try\nagain', status: 400 });
    expect(bad.toLowerCase()).not.toContain('<script');
    expect(bad).toContain('<div class="banner critical">&lt;script&gt;');
    expect(bad).toContain('<p class="body">Try\nagain</p>');
    expect(bad).toContain('<a href="/status">Back to the status page</a>');
    const good = renderStatusMessage(page, { prefix: '/status', title: 'Subscribed', text: 'Done', status: 200 });
    expect(good).toContain('<div class="banner">Subscribed</div>');
    expect(good).toContain('@media (prefers-color-scheme:dark)');
  });
});
