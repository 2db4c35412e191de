// Which events are "the same error". The SDK's fingerprint wins when it sent one ("{{ default }}" in it
// stands for the default grouping, so `["{{ default }}", tenant]` splits a group by tenant). Otherwise:
// an exception groups by its type and the top in-app frames of its stack (module or file and function,
// never line numbers, so a deploy that moves code keeps its groups); without a stack by its type and
// its message with the variable parts taken out; an event with only a message by the message template.
import { createHash } from 'node:crypto';
import type { ErrorEvent, Frame } from './event.js';

/** How many of the newest frames take part: deep framework frames below them do not split groups. */
const GROUP_FRAMES = 10;
const TITLE_MAX = 255;

/** Ids, numbers and quoted values turned into placeholders, so "user 17 not found" groups with "user 42 not found". */
export function messageTemplate(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .replace(/'[^'\n]{0,200}'|"[^"\n]{0,200}"/g, '<s>')
    .trim()
    .slice(0, 512);
}

/** A file name without the parts that change per deploy: query, hash, chunk hashes, leading folders. */
function fileKey(filename: string): string {
  const path = filename.replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/i, '');
  const base = path.split(/[\\/]/).filter(Boolean).slice(-2).join('/');
  return base.replace(/[.-][0-9a-f]{8,}(?=\.)/gi, '');
}

function frameKey(f: Frame): string {
  return `${f.module ?? (f.filename ? fileKey(f.filename) : '?')}:${f.function ?? '?'}`;
}

/** The frames that describe where the error is: the app's own when the SDK marked any, newest last. */
function groupFrames(frames: Frame[]): Frame[] {
  const inApp = frames.filter((f) => f.inApp === true);
  return (inApp.length > 0 ? inApp : frames).slice(-GROUP_FRAMES);
}

const realException = (ev: ErrorEvent) =>
  ev.exception && !ev.exception.synthetic && ev.exception.type ? ev.exception : null;

/** The default grouping components of an event. */
export function defaultComponents(ev: ErrorEvent): string[] {
  const exception = realException(ev);
  if (exception) {
    const frames = groupFrames(exception.frames);
    if (frames.length > 0) return ['exception', exception.type ?? '', ...frames.map(frameKey)];
    return ['exception', exception.type ?? '', messageTemplate(exception.value ?? '')];
  }
  const text = ev.messageTemplate ?? ev.message ?? ev.exception?.value;
  if (text) return ['message', messageTemplate(text)];
  return ['empty'];
}

/** The value a fingerprint variable such as "{{ type }}" stands for; undefined when it is not one. */
function variable(part: string, ev: ErrorEvent): string[] | undefined {
  const m = /^\{\{\s*([a-z_.]+)\s*\}\}$/i.exec(part.trim());
  if (!m) return undefined;
  const name = (m[1] as string).toLowerCase();
  const top = realException(ev) ? groupFrames(ev.exception?.frames ?? []).at(-1) : undefined;
  switch (name) {
    case 'default':
      return defaultComponents(ev);
    case 'type':
    case 'error.type':
      return [ev.exception?.type ?? '<no type>'];
    case 'error.value':
      return [ev.exception?.value ?? '<no value>'];
    case 'message':
      return [ev.message ?? '<no message>'];
    case 'transaction':
      return [ev.transaction ?? '<no transaction>'];
    case 'level':
      return [ev.level];
    case 'function':
      return [top?.function ?? '<no function>'];
    case 'module':
      return [top?.module ?? '<no module>'];
    default:
      return undefined;
  }
}

/** The components an event groups by: its own fingerprint (variables filled in) or the default. */
export function groupingComponents(ev: ErrorEvent): string[] {
  if (!ev.fingerprint) return defaultComponents(ev);
  return ['fingerprint', ...ev.fingerprint.flatMap((part) => variable(part, ev) ?? [part])];
}

/** The group's key: sha-256 hex of the grouping components. */
export function fingerprintHash(ev: ErrorEvent): string {
  return createHash('sha256')
    .update(JSON.stringify(groupingComponents(ev)))
    .digest('hex');
}

/** What a group is called: "TypeError: x is undefined", or the message's first line. */
export function titleOf(ev: ErrorEvent): string {
  const exception = realException(ev);
  const firstLine = (s: string) => s.split('\n', 1)[0]?.trim() ?? '';
  const title = exception
    ? exception.value
      ? `${exception.type}: ${firstLine(exception.value)}`
      : (exception.type as string)
    : firstLine(ev.message ?? ev.exception?.value ?? '') || '<unlabeled event>';
  return title.slice(0, TITLE_MAX);
}

/** Where it happened: the SDK's culprit or transaction, else the newest in-app frame. */
export function culpritOf(ev: ErrorEvent): string | null {
  if (ev.culprit) return ev.culprit;
  if (ev.transaction) return ev.transaction;
  const top = groupFrames(ev.exception?.frames ?? []).at(-1);
  if (!top) return null;
  const where = top.module ?? (top.filename ? fileKey(top.filename) : null);
  return [top.function, where && `(${where})`].filter(Boolean).join(' ').slice(0, TITLE_MAX) || null;
}
