// Sentry's wire formats around the event: the envelope (a JSON header line, then items, each a JSON
// header line and a payload whose byte length the header may give), the X-Sentry-Auth header, and
// the DSN. Pure: bytes in, values out.
import type { ParseResult } from '../alerts/index.js';

export interface EnvelopeItem {
  type: string;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** More items than any SDK sends in one envelope; past it the envelope is refused. */
const MAX_ITEMS = 1_000;
const NEWLINE = 0x0a;

function jsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Reads an envelope. An item with `length` takes exactly that many bytes; without, up to the next newline. */
export function parseEnvelope(body: Buffer): ParseResult<Envelope> {
  let at = body.indexOf(NEWLINE);
  const headerEnd = at < 0 ? body.length : at;
  const header = jsonObject(body.subarray(0, headerEnd));
  if (!header) return { ok: false, errors: ['envelope header: the first line must be a JSON object'] };
  at = headerEnd + 1;
  const items: EnvelopeItem[] = [];
  while (at < body.length) {
    // Blank lines between items are tolerated (some SDKs end every payload with a newline).
    if (body[at] === NEWLINE) {
      at++;
      continue;
    }
    const n = items.length;
    if (n >= MAX_ITEMS) return { ok: false, errors: [`envelope: more than ${MAX_ITEMS} items`] };
    const lineEnd = body.indexOf(NEWLINE, at);
    const itemHeader = jsonObject(body.subarray(at, lineEnd < 0 ? body.length : lineEnd));
    if (!itemHeader) return { ok: false, errors: [`items.${n}: the item header must be a JSON object`] };
    const type = itemHeader.type;
    if (typeof type !== 'string' || type === '')
      return { ok: false, errors: [`items.${n}.type: must be a non-empty string`] };
    const start = lineEnd < 0 ? body.length : lineEnd + 1;
    const length = itemHeader.length;
    let end: number;
    if (length === undefined || length === null) {
      const next = body.indexOf(NEWLINE, start);
      end = next < 0 ? body.length : next;
    } else {
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0)
        return { ok: false, errors: [`items.${n}.length: must be a whole number of bytes`] };
      end = start + length;
      if (end > body.length)
        return {
          ok: false,
          errors: [`items.${n}.length: ${length} bytes announced, ${body.length - start} left in the envelope`],
        };
    }
    items.push({ type, payload: body.subarray(start, end) });
    at = end + 1;
  }
  return { ok: true, value: { header, items } };
}

/** The item types that hold an error event; the others (transactions, sessions, reports …) are accepted and dropped. */
export const EVENT_ITEM_TYPES = new Set(['event']);

/** `sentry_key` from an X-Sentry-Auth (or `Authorization: Sentry …`) header value. */
export function keyFromAuthHeader(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^\s*Sentry\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  for (const part of (m[1] as string).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === 'sentry_key') return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The public key of a DSN (`https://<key>@host/<project>`), if it parses as one. */
export function keyFromDsn(dsn: unknown): string | undefined {
  if (typeof dsn !== 'string' || dsn.length > 2048) return undefined;
  try {
    return decodeURIComponent(new URL(dsn).username) || undefined;
  } catch {
    return undefined;
  }
}

/** `http(s)://<key>@<host>[:port][/path]/<project id>` from the server's public address. */
export function buildDsn(baseUrl: string, publicKey: string, projectId: number): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${publicKey}@${url.host}${path}/${projectId}`;
}
