// Notification templates: a small logic-less language for subjects and bodies, the seed runbook's two
// templates as data, and the field map an incident fills them from.
//
// The language has four tags and nothing else: `{{field}}` inserts a value, `{{#field}}…{{/field}}`
// shows its content only when the field is non-empty, `{{^field}}…{{/field}}` only when it is empty,
// and whitespace inside the braces is allowed. There are no helpers, partials, lookups or expressions,
// so an admin-edited template cannot run code or reach anything but the named fields. Everything is
// checked when a template is saved (`compileTemplate`): unknown fields, unbalanced sections and
// malformed tags are errors naming the line and column, so `render` never meets a bad template.
//
// A section tag alone on its line (only spaces around it) takes its whole line with it, as in
// Mustache, so optional lines vanish cleanly instead of leaving blank lines behind.
import type { Incident, Status } from '../incident.js';

export type RenderMode = 'text' | 'html';

export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly name: string }
  | {
      readonly kind: 'section';
      readonly name: string;
      readonly inverted: boolean;
      readonly children: readonly TemplateNode[];
    };

/** A checked template; only `compileTemplate` makes one. */
export interface Template {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
}

export type CompileResult = { ok: true; template: Template } | { ok: false; errors: string[] };

/** Limits that keep a saved template cheap to check and render, and its errors readable. */
export const MAX_TEMPLATE_LENGTH = 65_536;
export const MAX_SECTION_DEPTH = 16;
const MAX_ERRORS = 20;

const TAG = /^\s*([#^/]?)\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;

interface Tag {
  /** Where the tag's own text starts, for messages. */
  at: number;
  /** The source range the tag replaces: the tag itself, or its whole line when it stands alone. */
  from: number;
  to: number;
  sigil: '' | '#' | '^' | '/';
  name: string;
}

interface Open {
  name: string;
  inverted: boolean;
  at: number;
  children: TemplateNode[];
}

/** Checks `text` against the fields a template may use; all problems are reported, each with its position. */
export function compileTemplate(text: string, allowedFields: readonly string[]): CompileResult {
  if (text.length > MAX_TEMPLATE_LENGTH)
    return { ok: false, errors: [`template is ${text.length} characters long; the limit is ${MAX_TEMPLATE_LENGTH}`] };
  const errors: string[] = [];
  const where = positions(text);
  const tags = scan(text, new Set(allowedFields), where, errors);

  const root: Open = { name: '', inverted: false, at: 0, children: [] };
  const stack: Open[] = [root];
  const top = (): Open => stack[stack.length - 1] as Open;
  let cursor = 0;
  for (const tag of tags) {
    if (tag.from > cursor) top().children.push({ kind: 'text', text: text.slice(cursor, tag.from) });
    cursor = tag.to;
    if (tag.sigil === '') {
      top().children.push({ kind: 'field', name: tag.name });
    } else if (tag.sigil === '#' || tag.sigil === '^') {
      if (stack.length > MAX_SECTION_DEPTH)
        errors.push(`section "${tag.name}" at ${where(tag.at)} is nested more than ${MAX_SECTION_DEPTH} deep`);
      stack.push({ name: tag.name, inverted: tag.sigil === '^', at: tag.at, children: [] });
    } else {
      closeSection(stack, tag, where, errors);
    }
  }
  if (cursor < text.length) top().children.push({ kind: 'text', text: text.slice(cursor) });
  while (stack.length > 1) {
    const open = stack.pop() as Open;
    errors.push(`section "${open.name}" opened at ${where(open.at)} is never closed`);
    top().children.push(sectionNode(open));
  }

  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_ERRORS);
    if (errors.length > MAX_ERRORS) shown.push(`… and ${errors.length - MAX_ERRORS} more errors`);
    return { ok: false, errors: shown };
  }
  return { ok: true, template: { source: text, nodes: root.children } };
}

/**
 * Fills a template. A field missing from `values` is empty; a value of only whitespace counts as
 * empty for sections. In `html` mode the inserted values are escaped (the template's own text is
 * taken as the admin wrote it); in `text` mode nothing is escaped.
 */
export function render(template: Template, values: Record<string, string>, mode: RenderMode): string {
  const out: string[] = [];
  renderNodes(template.nodes, values, mode, out);
  return out.join('');
}

function renderNodes(
  nodes: readonly TemplateNode[],
  values: Record<string, string>,
  mode: RenderMode,
  out: string[],
): void {
  for (const node of nodes) {
    if (node.kind === 'text') {
      out.push(node.text);
    } else if (node.kind === 'field') {
      const value = valueOf(values, node.name);
      out.push(mode === 'html' ? escapeHtml(value) : value);
    } else if ((valueOf(values, node.name).trim() !== '') !== node.inverted) {
      renderNodes(node.children, values, mode, out);
    }
  }
}

// Own properties only, so a field called "constructor" cannot reach Object.prototype.
function valueOf(values: Record<string, string>, name: string): string {
  const value: unknown = Object.hasOwn(values, name) ? values[name] : undefined;
  return typeof value === 'string' ? value : '';
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] as string);
}

/** Finds every `{{…}}`, reporting malformed and unknown ones, and widens standalone section tags to their line. */
function scan(text: string, allowed: ReadonlySet<string>, where: (offset: number) => string, errors: string[]): Tag[] {
  const tags: Tag[] = [];
  let pos = 0;
  for (;;) {
    const open = text.indexOf('{{', pos);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      errors.push(`unterminated tag at ${where(open)}: "{{" has no closing "}}"`);
      break;
    }
    pos = close + 2;
    const raw = text.slice(open, pos);
    const match = TAG.exec(raw.slice(2, -2));
    if (!match) {
      errors.push(
        `malformed tag ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}...` : raw)} at ${where(open)}: ` +
          'expected {{field}}, {{#field}}, {{^field}} or {{/field}}',
      );
      continue;
    }
    const sigil = match[1] as Tag['sigil'];
    const name = match[2] as string;
    if (!allowed.has(name)) errors.push(`unknown field "${name}" at ${where(open)}`);
    tags.push({ at: open, ...(sigil === '' ? { from: open, to: pos } : standalone(text, open, pos)), sigil, name });
  }
  return tags;
}

function standalone(text: string, start: number, end: number): { from: number; to: number } {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline < 0 ? text.length : newline;
  const alone = /^[ \t]*$/.test(text.slice(lineStart, start)) && /^[ \t]*\r?$/.test(text.slice(end, lineEnd));
  return alone ? { from: lineStart, to: newline < 0 ? text.length : newline + 1 } : { from: start, to: end };
}

function closeSection(stack: Open[], tag: Tag, where: (offset: number) => string, errors: string[]): void {
  const top = stack[stack.length - 1] as Open;
  if (stack.length === 1) {
    errors.push(`closing tag {{/${tag.name}}} at ${where(tag.at)} has no open section`);
    return;
  }
  if (top.name === tag.name) {
    stack.pop();
    (stack[stack.length - 1] as Open).children.push(sectionNode(top));
    return;
  }
  if (!stack.some((open, i) => i > 0 && open.name === tag.name)) {
    errors.push(
      `closing tag {{/${tag.name}}} at ${where(tag.at)} ` +
        `does not match the open section "${top.name}" (opened at ${where(top.at)})`,
    );
    return;
  }
  // The tag closes an outer section: the inner ones were left open.
  for (;;) {
    const open = stack.pop() as Open;
    (stack[stack.length - 1] as Open).children.push(sectionNode(open));
    if (open.name === tag.name) return;
    errors.push(
      `section "${open.name}" opened at ${where(open.at)} is not closed before {{/${tag.name}}} at ${where(tag.at)}`,
    );
  }
}

function sectionNode(open: Open): TemplateNode {
  return { kind: 'section', name: open.name, inverted: open.inverted, children: open.children };
}

/** "line 3, column 7" for an offset, 1-based, found by binary search over the line starts. */
function positions(text: string): (offset: number) => string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return `line ${lo + 1}, column ${offset - (starts[lo] as number) + 1}`;
  };
}

// ---------------------------------------------------------------------------------------------------
// The seed runbook's communications.

/** Every field a notification template may use; `incidentFields` fills each of them (possibly empty). */
export const TEMPLATE_FIELDS = [
  'incident_id',
  'title',
  'severity',
  'status',
  'impact',
  'description',
  'url',
  'started',
  'started_iso',
  'next_update',
  'next_update_iso',
  'actions_taken',
  'incident_commander',
  'resolved',
  'resolved_iso',
  'duration',
  'root_cause',
  'users_affected',
  'services_affected',
  'data_loss',
  'preventive_measures',
  'post_mortem',
  'post_mortem_iso',
  'components_affected',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

export interface SeedTemplate {
  name: string;
  subject: string;
  text: string;
}

/**
 * The runbook's "Initial Incident Notification" (P0/P1) and "Resolution Notification", and the customer notice
 * that prefills a public status-page update (its subject is the public title), as editable defaults.
 */
export const SEED_TEMPLATES: Readonly<Record<'initial' | 'resolution' | 'customer_notice', SeedTemplate>> =
  Object.freeze({
    initial: {
      name: 'Initial Incident Notification',
      subject: '[{{severity}}] Production Incident - {{title}}',
      text: `INCIDENT DETAILS:
- Incident ID: {{incident_id}}
- Severity: {{severity}}
- Started: {{started}}
- Impact: {{#impact}}{{impact}}{{/impact}}{{^impact}}being assessed{{/impact}}
- Status: {{status}}
{{#url}}
- Link: {{url}}
{{/url}}

ACTIONS TAKEN:
{{#actions_taken}}
{{actions_taken}}
{{/actions_taken}}
{{^actions_taken}}
- none recorded yet
{{/actions_taken}}

NEXT UPDATE: {{#next_update}}{{next_update}}{{/next_update}}{{^next_update}}not scheduled yet{{/next_update}}

Incident Commander: {{incident_commander}}
`,
    },
    resolution: {
      name: 'Resolution Notification',
      subject: '[RESOLVED] [{{severity}}] Production Incident - {{title}}',
      text:
        `RESOLUTION SUMMARY:
- Incident ID: {{incident_id}}
- Resolved: {{#resolved}}{{resolved}}{{/resolved}}{{^resolved}}not resolved yet{{/resolved}}
- Duration: {{duration}}
- Root Cause: {{#root_cause}}{{root_cause}}{{/root_cause}}{{^root_cause}}under investigation{{/root_cause}}
{{#url}}
- Link: {{url}}
{{/url}}

IMPACT:
- Users Affected: {{#users_affected}}{{users_affected}}{{/users_affected}}` +
        `{{^users_affected}}not yet known{{/users_affected}}
- Services Affected: {{#services_affected}}{{services_affected}}{{/services_affected}}` +
        `{{^services_affected}}not yet known{{/services_affected}}
- Data Loss: {{#data_loss}}{{data_loss}}{{/data_loss}}{{^data_loss}}none reported{{/data_loss}}

ACTIONS TAKEN:
{{#actions_taken}}
{{actions_taken}}
{{/actions_taken}}
{{^actions_taken}}
- none recorded
{{/actions_taken}}

PREVENTIVE MEASURES:
{{#preventive_measures}}
{{preventive_measures}}
{{/preventive_measures}}
{{^preventive_measures}}
- to be agreed at the post-mortem
{{/preventive_measures}}

Post-mortem meeting scheduled for: {{#post_mortem}}{{post_mortem}}{{/post_mortem}}` +
        `{{^post_mortem}}to be scheduled{{/post_mortem}}
`,
    },
    customer_notice: {
      name: 'Customer Notice (status page)',
      subject:
        '{{#components_affected}}Service disruption: {{components_affected}}{{/components_affected}}' +
        '{{^components_affected}}Service disruption{{/components_affected}}',
      text:
        `We are investigating an issue affecting ` +
        `{{#components_affected}}{{components_affected}}{{/components_affected}}` +
        `{{^components_affected}}some of our services{{/components_affected}}.` +
        `{{#impact}} Impact: {{impact}}.{{/impact}}
Our team is working on it and we will post the next update ` +
        `{{#next_update}}by {{next_update}}{{/next_update}}{{^next_update}}as soon as we know more{{/next_update}}.
`,
    },
  });

export interface IncidentFieldExtras {
  now: Date;
  nextUpdateAt?: Date | null;
  actionsTaken?: string;
  rootCause?: string;
  usersAffected?: string;
  servicesAffected?: string;
  dataLoss?: string;
  preventiveMeasures?: string;
  postMortemAt?: Date | null;
  /** Overrides the status line derived from the incident ("Investigating", "Resolved", …). */
  statusText?: string;
  /** VIGIL_PUBLIC_URL; with it the fields include a link to the incident. */
  publicUrl?: string;
  /** The public names of the status-page components it affects, e.g. "API, Dashboard". */
  componentsAffected?: string;
}

/**
 * The field map for an incident at `now`. Every name in TEMPLATE_FIELDS is present; what is not
 * known is the empty string, which the templates' inverted sections turn into wording like "not
 * yet known". Times come twice: ISO 8601 UTC (`*_iso`) and "2026-11-28 04:48 UTC". The duration runs
 * to the resolution, or to `now` while the incident is open. Multi-line action and measure lists
 * become "- " bullet lines.
 */
export function incidentFields(incident: Incident, extra: IncidentFieldExtras): Record<TemplateField, string> {
  const end = incident.resolvedAt ?? extra.now;
  const commander = incident.roles.incident_commander;
  return {
    incident_id: incident.number,
    title: incident.title,
    severity: incident.severity,
    status: extra.statusText ?? statusLine(incident),
    impact: incident.impact ?? '',
    description: incident.description ?? '',
    url: extra.publicUrl ? `${extra.publicUrl.replace(/\/+$/, '')}/incidents/${incident.number}` : '',
    started: humanTime(incident.createdAt),
    started_iso: incident.createdAt.toISOString(),
    next_update: humanTime(extra.nextUpdateAt),
    next_update_iso: extra.nextUpdateAt?.toISOString() ?? '',
    actions_taken: bullets(extra.actionsTaken),
    incident_commander: commander ? commander.handle : 'unassigned',
    resolved: humanTime(incident.resolvedAt),
    resolved_iso: incident.resolvedAt?.toISOString() ?? '',
    duration: humanDuration(end.getTime() - incident.createdAt.getTime()),
    root_cause: extra.rootCause?.trim() ?? '',
    users_affected: extra.usersAffected?.trim() ?? '',
    services_affected: extra.servicesAffected?.trim() ?? '',
    data_loss: extra.dataLoss?.trim() ?? '',
    preventive_measures: bullets(extra.preventiveMeasures),
    post_mortem: humanTime(extra.postMortemAt),
    post_mortem_iso: extra.postMortemAt?.toISOString() ?? '',
    components_affected: extra.componentsAffected?.trim() ?? '',
  };
}

const PHASE_STATUS: Readonly<Record<Incident['phase'], string>> = {
  detection: 'Investigating',
  investigation: 'Investigating',
  mitigation: 'Mitigating',
  resolution: 'Resolving',
};
const STATUS_TEXT: Readonly<Partial<Record<Status, string>>> = { resolved: 'Resolved' };

function statusLine(incident: Incident): string {
  return STATUS_TEXT[incident.status] ?? PHASE_STATUS[incident.phase];
}

/** "2026-11-28 04:48 UTC"; empty for no time. */
export function humanTime(at: Date | null | undefined): string {
  if (!at || Number.isNaN(at.getTime())) return '';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "1 h 23 min", "2 d 4 h", "under 1 min": whole minutes, rounded down, zero parts left out. */
export function humanDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes === 0) return 'under 1 min';
  const parts: string[] = [];
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (mins > 0) parts.push(`${mins} min`);
  return parts.join(' ');
}

function bullets(text: string | undefined): string {
  if (text === undefined) return '';
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => (/^[-*•]\s/.test(line) ? `- ${line.slice(1).trim()}` : `- ${line}`))
    .join('\n');
}
