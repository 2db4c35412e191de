// The public status page as one server-rendered HTML document, pure: made from the PublicModel alone, with
// no script (hover details come from `title` attributes and CSS), so it works with JavaScript off and costs
// nothing to serve from the snapshot. Every string from the model is escaped here; bodies are plain text
// whose line breaks CSS keeps (white-space: pre-line).
import { pageStyle } from './page-style.js';
import {
  dayNotes,
  escapeHtml as esc,
  STATUS_CLASS,
  STATUS_LABEL,
  MAINTENANCE_LABEL,
  UPDATE_LABEL,
  timeFormat,
  uptimeBar,
  type TimeFormat,
} from './page-parts.js';
import {
  worse,
  type ComponentStatus,
  type Impact,
  type PublicComponent,
  type PublicIncident,
  type PublicMaintenance,
  type PublicModel,
  type PublicPage,
} from './status.js';

export interface StatusPageOptions {
  /** Where the page is served, e.g. "/status"; the form and feed links hang off it. */
  prefix: string;
  /** Show the e-mail subscribe form. */
  subscribe: boolean;
}

const IMPACT: Record<Impact, { label: string; cls: string }> = {
  none: { label: 'No impact', cls: '' },
  minor: { label: 'Minor', cls: 'd' },
  major: { label: 'Major', cls: 'p' },
  critical: { label: 'Critical', cls: 'm' },
};

const tag = (cls: string, text: string) => `<span class="tag${cls ? ' ' + cls : ''}">${esc(text)}</span>`;
const statusTag = (status: ComponentStatus) => tag(STATUS_CLASS[status], STATUS_LABEL[status]);

/** The opening of an incident or maintenance card, with the anchor the feeds and JSON shortlinks point at. */
const cardStart = (id: string, name: string, badge: string) =>
  `<article class="card" id="incident-${esc(id)}"><h3>${esc(name)} ${badge}</h3>`;

/** The `<head>` and opening of the body shared by the status page and the message pages. */
function documentStart(page: PublicPage, prefix: string, title: string, style: string): string {
  const logo = /^https?:\/\//i.test(page.logoUrl ?? '') ? `<img src="${esc(page.logoUrl ?? '')}" alt="">` : '';
  const feeds =
    `<link rel="alternate" type="application/rss+xml" title="${esc(page.name)} history (RSS)" ` +
    `href="${esc(prefix)}/history.rss"><link rel="alternate" type="application/atom+xml" ` +
    `title="${esc(page.name)} history (Atom)" href="${esc(prefix)}/history.atom">`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="color-scheme" content="light dark">' +
    `<title>${esc(title)}</title>${feeds}<style>${style}</style></head><body><div class="w">` +
    `<header class="top">${logo}<h1><a class="home" href="${esc(prefix)}">${esc(page.name)}</a></h1></header>`
  );
}

function updateHtml(status: string, body: string, at: Date, fmt: TimeFormat): string {
  return `<div class="upd"><strong>${esc(status)}</strong><div class="body">${esc(body)}</div>${fmt.time(at)}</div>`;
}

/** "Affects: A, B" for the public components named, or nothing. */
function affects(ids: readonly string[], names: ReadonlyMap<string, string>): string {
  const list = ids.flatMap((id) => names.get(id) ?? []);
  return list.length ? `<p class="muted">Affects: ${esc(list.join(', '))}</p>` : '';
}

function activeIncident(i: PublicIncident, fmt: TimeFormat, names: ReadonlyMap<string, string>): string {
  const impact = IMPACT[i.impact];
  const updates = [...i.updates]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .map((u) => updateHtml(UPDATE_LABEL[u.status], u.body, u.createdAt, fmt))
    .join('');
  return (
    cardStart(i.id, i.name, tag(impact.cls, impact.label)) + affects(i.componentIds, names) + `${updates}</article>`
  );
}

function maintenanceCard(m: PublicMaintenance, fmt: TimeFormat, names: ReadonlyMap<string, string>): string {
  return (
    cardStart(m.id, m.name, tag('u', MAINTENANCE_LABEL[m.status])) +
    `<p class="muted">${fmt.time(m.scheduledFor)} – ${fmt.time(m.scheduledUntil)}</p>` +
    affects(m.componentIds, names) +
    `<p class="body">${esc(m.body)}</p></article>`
  );
}

function componentRow(c: PublicComponent, notes: ReturnType<typeof dayNotes>, axis: readonly string[]): string {
  const title = c.description ? ` title="${esc(c.description)}"` : '';
  return (
    `<li><div class="ch"><span class="cn"${title}>${esc(c.name)}</span>${statusTag(c.status)}</div>` +
    uptimeBar(c, notes.get(c.id), axis) +
    `<div class="cf"><span class="l">90 days ago</span><span class="s">30 days ago</span>` +
    `<span>${c.uptimePercent.toFixed(2)}% uptime</span><span>Today</span></div></li>`
  );
}

/** Components in model order, a group listed where its first member is; hidden ones dropped. */
function componentsSection(model: PublicModel): string {
  const shown = model.components.filter((c) => !(c.onlyShowIfDegraded && c.status === 'operational'));
  if (shown.length === 0) return '';
  const notes = dayNotes(model);
  const axis = model.components[0]?.uptime.map((d) => d.date) ?? [];
  const blocks: Array<{ group: string | null; members: PublicComponent[] }> = [];
  const byGroup = new Map<string, PublicComponent[]>();
  for (const c of shown) {
    if (c.group === null) {
      const last = blocks[blocks.length - 1];
      if (last && last.group === null) last.members.push(c);
      else blocks.push({ group: null, members: [c] });
    } else if (byGroup.has(c.group)) {
      byGroup.get(c.group)?.push(c);
    } else {
      const members = [c];
      byGroup.set(c.group, members);
      blocks.push({ group: c.group, members });
    }
  }
  const html = blocks.map(({ group, members }) => {
    const rows = `<ul class="comps">${members.map((c) => componentRow(c, notes, axis)).join('')}</ul>`;
    if (group === null) return `<div class="card">${rows}</div>`;
    const status = members.reduce<ComponentStatus>((s, c) => worse(s, c.status), 'operational');
    return `<section class="card"><div class="ch"><h3>${esc(group)}</h3>${statusTag(status)}</div>${rows}</section>`;
  });
  return `<h2>Components</h2>${html.join('')}`;
}

type HistoryEntry = { at: Date; html: string };

function historyIncident(i: PublicIncident, fmt: TimeFormat): HistoryEntry {
  const impact = IMPACT[i.impact];
  const last = i.updates.reduce<PublicIncident['updates'][number] | undefined>(
    (a, u) => (a && a.createdAt.getTime() >= u.createdAt.getTime() ? a : u),
    undefined,
  );
  const pm = i.postmortem ? updateHtml('Post-mortem', i.postmortem.body, i.postmortem.publishedAt, fmt) : '';
  const resolved = i.resolvedAt ? `<p class="muted">Resolved ${fmt.time(i.resolvedAt)}</p>` : '';
  return {
    at: i.createdAt,
    html:
      cardStart(i.id, i.name, tag(impact.cls, impact.label)) +
      resolved +
      (last ? updateHtml(UPDATE_LABEL[last.status], last.body, last.createdAt, fmt) : '') +
      `${pm}</article>`,
  };
}

/** Resolved incidents and completed maintenance by month in the page's zone, newest month first. */
function historySection(model: PublicModel, fmt: TimeFormat, names: ReadonlyMap<string, string>): string {
  const entries = [
    ...model.incidents.filter((i) => i.status === 'resolved').map((i) => historyIncident(i, fmt)),
    ...model.maintenances
      .filter((m) => m.status === 'completed')
      .map((m) => ({ at: m.scheduledFor, html: maintenanceCard(m, fmt, names) })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  if (entries.length === 0) return '<h2>Incident history</h2><p class="muted">No incidents in the last 90 days.</p>';
  let html = '<h2>Incident history</h2>';
  let month = '';
  for (const e of entries) {
    const m = fmt.month(e.at);
    if (m !== month) html += `<h3>${esc(m)}</h3>`;
    month = m;
    html += e.html;
  }
  return html;
}

function subscribeForm(prefix: string): string {
  return (
    `<h2>Subscribe</h2><form class="card sub" method="post" action="${esc(prefix)}/subscribe" ` +
    'enctype="application/x-www-form-urlencoded"><label for="sub-email">Get an e-mail when we post an update</label>' +
    '<input id="sub-email" type="email" name="email" required autocomplete="email" placeholder="you@example.com">' +
    '<button type="submit">Subscribe</button></form>'
  );
}

function footer(prefix: string): string {
  const p = esc(prefix);
  return (
    `<footer><a href="${p}/history.rss">RSS</a><a href="${p}/history.atom">Atom</a>` +
    `<a href="${p}/api/v2/summary.json">JSON API</a><span>Powered by Vigil</span></footer>`
  );
}

/** The whole public status page for the model, as a complete HTML5 document. */
export function renderStatusPage(model: PublicModel, opts: StatusPageOptions): string {
  const { page } = model;
  const fmt = timeFormat(page.timeZone);
  const names = new Map(model.components.map((c) => [c.id, c.name]));
  const axis = model.components[0]?.uptime.map((d) => d.date) ?? [];
  const maintenance = model.components.some((c) => c.status === 'under_maintenance');
  const bannerClass = model.status.indicator === 'none' ? (maintenance ? ' mnt' : '') : ` ${model.status.indicator}`;
  const active = model.incidents
    .filter((i) => i.status !== 'resolved')
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const planned = model.maintenances
    .filter((m) => m.status !== 'completed')
    .sort((a, b) => a.scheduledFor.getTime() - b.scheduledFor.getTime());
  return (
    documentStart(page, opts.prefix, `${page.name} status`, pageStyle(axis)) +
    `<main><div class="banner${bannerClass}">${esc(model.status.description)}` +
    `<small>Updated ${fmt.time(page.updatedAt)}</small></div>` +
    (active.length ? `<h2>Active incidents</h2>${active.map((i) => activeIncident(i, fmt, names)).join('')}` : '') +
    (planned.length
      ? `<h2>Scheduled maintenance</h2>${planned.map((m) => maintenanceCard(m, fmt, names)).join('')}`
      : '') +
    componentsSection(model) +
    historySection(model, fmt, names) +
    (opts.subscribe ? subscribeForm(opts.prefix) : '') +
    `</main>${footer(opts.prefix)}</div></body></html>`
  );
}

export interface StatusMessageOptions {
  prefix: string;
  title: string;
  text: string;
  /** The HTTP status the page is sent with; 4xx and 5xx are shown as a problem. */
  status: number;
}

/** A small page in the status page's style for one message (a subscription confirmed, a link not valid). */
export function renderStatusMessage(page: PublicPage, opts: StatusMessageOptions): string {
  const tone = opts.status >= 400 ? ' critical' : '';
  return (
    documentStart(page, opts.prefix, `${opts.title} – ${page.name}`, pageStyle()) +
    `<main><div class="banner${tone}">${esc(opts.title)}</div><p class="body">${esc(opts.text)}</p>` +
    `<p><a href="${esc(opts.prefix)}">Back to the status page</a></p></main>${footer(opts.prefix)}</div></body></html>`
  );
}
