// The status page's history as RSS 2.0 and Atom 1.0: one entry per published incident or maintenance,
// with its latest update as the summary. Written by hand rather than with the `feed` package, which throws
// on a relative page URL (the default when no public URL is set), lets control characters through into
// ill-formed XML and types every summary as HTML, while bodies here are plain text. Pure and deterministic:
// every time comes from the model.
import { UPDATE_LABEL, MAINTENANCE_LABEL, escapeHtml } from './page-parts.js';
import { incidentLink } from './statuspage-json.js';
import type { PublicIncident, PublicMaintenance, PublicModel } from './status.js';

interface Entry {
  id: string;
  title: string;
  link: string;
  /** Plain text. */
  summary: string;
  category: 'Incident' | 'Maintenance';
  published: Date;
  updated: Date;
}

// XML 1.0 allows tab, line feed, carriage return and the characters from U+0020 up, surrogates and
// U+FFFE/U+FFFF aside; anything else makes the whole document unreadable, so it is dropped.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text made safe for XML content and double-quoted attributes. */
function xml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A stable identifier that does not depend on where the page is served (Atom ids must be absolute IRIs). */
const urn = (...parts: string[]) => ['urn:vigil:status', ...parts.map(encodeURIComponent)].join(':');

function incidentEntry(i: PublicIncident, model: PublicModel): Entry {
  const latest = [...i.updates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return {
    id: urn(model.page.id, 'incident', i.id),
    title: i.name,
    link: incidentLink(model.page.url, i.id),
    summary: latest ? `${UPDATE_LABEL[latest.status]}: ${latest.body}` : UPDATE_LABEL[i.status],
    category: 'Incident',
    published: i.createdAt,
    updated: latest && latest.createdAt > i.updatedAt ? latest.createdAt : i.updatedAt,
  };
}

function maintenanceEntry(m: PublicMaintenance, model: PublicModel): Entry {
  const window = `${m.scheduledFor.toISOString()} to ${m.scheduledUntil.toISOString()}`;
  return {
    id: urn(model.page.id, 'maintenance', m.id),
    title: m.name,
    link: incidentLink(model.page.url, m.id),
    summary: `${MAINTENANCE_LABEL[m.status]} (${window}): ${m.body}`,
    category: 'Maintenance',
    published: m.createdAt,
    updated: m.updatedAt,
  };
}

/** Every entry, the latest change first (ties by id, so the order never depends on input order). */
function entries(model: PublicModel): Entry[] {
  return [
    ...model.incidents.map((i) => incidentEntry(i, model)),
    ...model.maintenances.map((m) => maintenanceEntry(m, model)),
  ].sort((a, b) => b.updated.getTime() - a.updated.getTime() || a.id.localeCompare(b.id));
}

/** The feed's own address: on the page's origin when the page URL is absolute, else the bare path. */
function selfLink(model: PublicModel, prefix: string, file: string): string {
  const path = `${prefix}/${file}`;
  return /^https?:\/\//i.test(model.page.url) ? new URL(path, model.page.url).toString() : path;
}

const description = (model: PublicModel) => `Incidents and maintenance on the ${model.page.name} status page`;

/** The history as an RSS 2.0 document. */
export function historyRss(model: PublicModel, prefix: string): string {
  // RSS readers treat <description> as HTML, so the plain text is HTML-escaped (line breaks kept as <br>)
  // before it is XML-escaped: a body that says <b> shows "<b>", never bold.
  const asHtml = (text: string) => escapeHtml(text).replace(/\r?\n/g, '<br>');
  const items = entries(model).map(
    (e) =>
      `<item><title>${xml(e.title)}</title><link>${xml(e.link)}</link>` +
      `<guid isPermaLink="false">${xml(e.id)}</guid><pubDate>${e.published.toUTCString()}</pubDate>` +
      `<category>${e.category}</category><description>${xml(asHtml(e.summary))}</description></item>\n`,
  );
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n' +
    `<title>${xml(model.page.name)} status</title><link>${xml(model.page.url)}</link>` +
    `<description>${xml(description(model))}</description>` +
    `<lastBuildDate>${model.page.updatedAt.toUTCString()}</lastBuildDate>` +
    `<atom:link href="${xml(selfLink(model, prefix, 'history.rss'))}" rel="self" type="application/rss+xml"/>\n` +
    items.join('') +
    '</channel></rss>\n'
  );
}

/** The history as an Atom 1.0 document. */
export function historyAtom(model: PublicModel, prefix: string): string {
  const entryXml = entries(model).map(
    (e) =>
      `<entry><id>${xml(e.id)}</id><title type="text">${xml(e.title)}</title>` +
      `<link rel="alternate" type="text/html" href="${xml(e.link)}"/>` +
      `<published>${e.published.toISOString()}</published><updated>${e.updated.toISOString()}</updated>` +
      `<category term="${e.category}"/><summary type="text">${xml(e.summary)}</summary></entry>\n`,
  );
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<feed xmlns="http://www.w3.org/2005/Atom">\n' +
    `<id>${xml(urn(model.page.id))}</id><title type="text">${xml(model.page.name)} status</title>` +
    `<subtitle type="text">${xml(description(model))}</subtitle>` +
    `<updated>${model.page.updatedAt.toISOString()}</updated><author><name>${xml(model.page.name)}</name></author>` +
    `<link rel="alternate" type="text/html" href="${xml(model.page.url)}"/>` +
    `<link rel="self" type="application/atom+xml" href="${xml(selfLink(model, prefix, 'history.atom'))}"/>\n` +
    entryXml.join('') +
    '</feed>\n'
  );
}
