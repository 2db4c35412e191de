import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { at, incident, maintenance, publicModel, update } from '../../test/fixtures/public-model.js';
import { historyAtom, historyRss } from './feeds.js';

const HOSTILE = 'Fish & <chips> "q" \u0001done';

function model(pageUrl = 'https://status.acme.test/status') {
  return publicModel({
    page: { name: 'Acme & Co <Ltd>', url: pageUrl },
    incidents: [
      incident('i2', {
        name: HOSTILE,
        createdAt: at('2026-03-15T09:00:00Z'),
        updatedAt: at('2026-03-15T09:00:00Z'),
        updates: [
          update('i2-b', { status: 'identified', body: `Line one\n${HOSTILE}`, createdAt: at('2026-03-15T09:40:00Z') }),
          update('i2-a', { body: 'Looking', createdAt: at('2026-03-15T09:00:00Z') }),
        ],
      }),
      incident('i1', {
        status: 'resolved',
        createdAt: at('2026-02-01T10:00:00Z'),
        updatedAt: at('2026-02-01T11:00:00Z'),
        resolvedAt: at('2026-02-01T11:00:00Z'),
        updates: [update('i1-a', { status: 'resolved', body: 'All good', createdAt: at('2026-02-01T11:00:00Z') })],
      }),
    ],
    maintenances: [maintenance('m1', { updatedAt: at('2026-03-10T09:00:00Z') })],
  });
}

// Attributes kept, text never turned into numbers, so values compare as the strings they are.
const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (n) => ['item', 'entry'].includes(n),
});

describe('historyRss', () => {
  const xml = historyRss(model(), '/status');

  it('is well-formed RSS 2.0 with one item per incident and maintenance, latest change first', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const channel = parser.parse(xml).rss.channel;
    expect(channel.title).toBe('Acme & Co <Ltd> status');
    expect(channel['atom:link']['@_href']).toBe('https://status.acme.test/status/history.rss');
    expect(channel.lastBuildDate).toBe('Sun, 15 Mar 2026 12:00:00 GMT');
    const items = channel.item as Array<Record<string, unknown>>;
    expect(items.map((i) => i.link)).toEqual([
      'https://status.acme.test/status#incident-i2',
      'https://status.acme.test/status#incident-m1',
      'https://status.acme.test/status#incident-i1',
    ]);
    expect(items[0]?.pubDate).toBe('Sun, 15 Mar 2026 09:00:00 GMT');
    expect(items[0]?.guid).toMatchObject({ '#text': 'urn:vigil:status:page1:incident:i2', '@_isPermaLink': 'false' });
  });

  it('escapes & and <, drops characters XML forbids, and shows a plain-text body as text to HTML readers', () => {
    expect(xml).not.toContain('<chips>');
    expect(xml).not.toContain('\u0001');
    expect(xml).toContain('<title>Fish &amp; &lt;chips&gt; &quot;q&quot; done</title>');
    const item = parser.parse(xml).rss.channel.item[0];
    expect(item.title).toBe('Fish & <chips> "q" done');
    // The latest update is the summary; once XML is decoded, what is left is HTML showing the text as written.
    expect(item.description).toBe('Identified: Line one<br>Fish &amp; &lt;chips&gt; &quot;q&quot; done');
  });
});

describe('historyAtom', () => {
  const xml = historyAtom(model(), '/status');

  it('is well-formed Atom 1.0 with the required feed and entry elements', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parser.parse(xml).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('urn:vigil:status:page1');
    expect(feed.updated).toBe('2026-03-15T12:00:00.000Z');
    expect(feed.author.name).toBe('Acme & Co <Ltd>');
    const entries = feed.entry as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(entries).toHaveLength(3);
    expect(entries.map((e) => e.id)).toEqual([
      'urn:vigil:status:page1:incident:i2',
      'urn:vigil:status:page1:maintenance:m1',
      'urn:vigil:status:page1:incident:i1',
    ]);
    expect(entries[0]?.link['@_href']).toBe('https://status.acme.test/status#incident-i2');
    expect(entries[0]?.updated).toBe('2026-03-15T09:40:00.000Z');
    expect(entries[0]?.summary).toMatchObject({
      '@_type': 'text',
      '#text': `Identified: Line one\nFish & <chips> "q" done`,
    });
    expect(entries[1]?.summary['#text']).toBe(
      'Scheduled (2026-03-20T22:00:00.000Z to 2026-03-20T23:00:00.000Z): We will upgrade m1.',
    );
    expect(entries[2]?.summary['#text']).toBe('Resolved: All good');
  });

  it('escapes & and < in text and attributes', () => {
    expect(xml).not.toContain('<chips>');
    expect(xml).toContain('<title type="text">Acme &amp; Co &lt;Ltd&gt; status</title>');
  });
});

describe('both feeds', () => {
  it('are the same for the same model (no wall clock) and list nothing for an empty page', () => {
    expect(historyRss(model(), '/status')).toBe(historyRss(model(), '/status'));
    expect(historyAtom(model(), '/status')).toBe(historyAtom(model(), '/status'));
    const empty = publicModel();
    expect(XMLValidator.validate(historyRss(empty, '/status'))).toBe(true);
    expect(historyRss(empty, '/status')).not.toContain('<item>');
    expect(historyAtom(empty, '/status')).not.toContain('<entry>');
  });

  it('still work when the page URL is only the prefix (no public URL set)', () => {
    const rss = historyRss(model('/status'), '/status');
    const atom = historyAtom(model('/status'), '/status');
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(rss).toContain('<link>/status#incident-i2</link>');
    expect(atom).toContain('<link rel="self" type="application/atom+xml" href="/status/history.atom"/>');
  });
});
