// One error event as Vigil keeps it, read from a Sentry event payload (the store endpoint's body, an
// envelope's "event" item) or from the plain /api/v1/errors body turned into that shape. Sentry
// events carry far more than grouping and analytics need; this keeps what they use and a bounded copy
// of the rest for people to read. Wrong types are refused naming the field; unknown fields are ignored,
// as Sentry does, since every SDK sends its own extras.
import type { ParseResult } from '../alerts/index.js';

export const LEVELS = ['fatal', 'error', 'warning', 'info', 'debug'] as const;
export type Level = (typeof LEVELS)[number];

/** Sentry's spellings and the ones its SDKs' loggers use. */
const LEVEL_ALIASES: Record<string, Level> = {
  fatal: 'fatal',
  critical: 'fatal',
  error: 'error',
  warning: 'warning',
  warn: 'warning',
  info: 'info',
  log: 'info',
  debug: 'debug',
};

/** Sentry's limit on an environment name. */
export const MAX_ENVIRONMENT = 64;
export const DEFAULT_ENVIRONMENT = 'production';
const MAX_FRAMES = 250;
const STORED_FRAMES = 50;
const MAX_TEXT = 8_192;
const MAX_TAGS = 100;

export interface Frame {
  module: string | null;
  function: string | null;
  filename: string | null;
  inApp: boolean | null;
}

export interface ExceptionInfo {
  type: string | null;
  value: string | null;
  frames: Frame[];
  /** The SDK made it up to carry a stack trace for a message (captureMessage with attachStacktrace). */
  synthetic: boolean;
}

export interface ErrorEvent {
  /** 32 lowercase hex digits, the id the answer echoes. */
  eventId: string;
  timestamp: Date;
  level: Level;
  environment: string;
  release: string | null;
  /** The formatted message, if the event has one. */
  message: string | null;
  /** logentry.message when params were given separately: the template, for grouping. */
  messageTemplate: string | null;
  /** The exception that was raised last (Sentry lists chained exceptions oldest first). */
  exception: ExceptionInfo | null;
  /** The SDK's own grouping, if it set one ("{{ default }}" stands for Vigil's). */
  fingerprint: string[] | null;
  /** Who was affected: user id, else username, email or IP address (Sentry's order). */
  userKey: string | null;
  culprit: string | null;
  transaction: string | null;
  tags: Record<string, string>;
  /** A bounded copy for reading: exception with frames, message, tags, user, request, sdk. */
  data: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clip = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);
/** PostgreSQL text refuses NUL; it never matters in an error message. */
const clean = (s: string, max = MAX_TEXT): string => clip(s.replaceAll('\u0000', ''), max);

class Problems {
  readonly list: string[] = [];
  add(field: string, problem: string): undefined {
    if (this.list.length < 20) this.list.push(`${field}: ${problem}`);
    return undefined;
  }
  /** An optional string field: absent or null is null; another type is a problem. */
  text(obj: Obj, key: string, field: string, max = MAX_TEXT): string | null {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') return this.add(field, 'must be a string') ?? null;
    const s = clean(v, max).trim();
    return s === '' ? null : s;
  }
}

/** Unix seconds (with fractions) or an RFC 3339 string; a string without a zone is UTC, as Sentry reads it. */
function timestampOf(v: unknown, p: Problems, now: Date): Date {
  if (v === undefined || v === null) return now;
  let ms: number;
  if (typeof v === 'number') ms = v * 1000;
  else if (typeof v === 'string') ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T/.test(v) ? v : `${v}Z`);
  else return p.add('timestamp', 'must be a number of seconds or an RFC 3339 string') ?? now;
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799000) return p.add('timestamp', 'is not a valid time') ?? now;
  return new Date(ms);
}

function eventIdOf(v: unknown, p: Problems, fallback: () => string): string {
  if (v === undefined || v === null) return fallback();
  if (typeof v !== 'string') return p.add('event_id', 'must be a string of 32 hex digits') ?? fallback();
  const id = v.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(id)) return p.add('event_id', 'must be 32 hex digits (a UUID)') ?? fallback();
  return id;
}

function framesOf(st: unknown, field: string, p: Problems): Frame[] {
  if (st === undefined || st === null) return [];
  if (!isObj(st)) return p.add(field, 'must be an object') ?? [];
  const frames = st.frames;
  if (frames === undefined || frames === null) return [];
  if (!Array.isArray(frames)) return p.add(`${field}.frames`, 'must be an array') ?? [];
  const out: Frame[] = [];
  // The newest frames are last; keep those when a stack is absurdly deep.
  for (const [i, f] of frames.slice(-MAX_FRAMES).entries()) {
    if (!isObj(f)) {
      p.add(`${field}.frames.${i}`, 'must be an object');
      continue;
    }
    const inApp = f.in_app;
    out.push({
      module: p.text(f, 'module', `${field}.frames.${i}.module`, 512),
      function: p.text(f, 'function', `${field}.frames.${i}.function`, 512),
      filename:
        p.text(f, 'filename', `${field}.frames.${i}.filename`, 1024) ??
        p.text(f, 'abs_path', `${field}.frames.${i}.abs_path`, 1024),
      inApp: typeof inApp === 'boolean' ? inApp : null,
    });
  }
  return out;
}

/** exception.values (or the older bare list); the last one is the one that surfaced. */
function exceptionOf(v: unknown, p: Problems): ExceptionInfo | null {
  if (v === undefined || v === null) return null;
  const values = Array.isArray(v) ? v : isObj(v) ? v.values : undefined;
  const field = Array.isArray(v) ? 'exception' : 'exception.values';
  if (values === undefined || values === null) return null;
  if (!Array.isArray(values)) return p.add(field, 'must be an array') ?? null;
  if (values.length === 0) return null;
  const i = values.length - 1;
  const last: unknown = values[i];
  if (!isObj(last)) return p.add(`${field}.${i}`, 'must be an object') ?? null;
  const mechanism = isObj(last.mechanism) ? last.mechanism : {};
  return {
    type: p.text(last, 'type', `${field}.${i}.type`, 256),
    value: p.text(last, 'value', `${field}.${i}.value`),
    frames: framesOf(last.stacktrace, `${field}.${i}.stacktrace`, p),
    synthetic: mechanism.synthetic === true,
  };
}

function messageOf(ev: Obj, p: Problems): { message: string | null; template: string | null } {
  const logentry = ev.logentry ?? ev['sentry.interfaces.Message'];
  if (isObj(logentry)) {
    const formatted = p.text(logentry, 'formatted', 'logentry.formatted');
    const template = p.text(logentry, 'message', 'logentry.message');
    return { message: formatted ?? template, template: template ?? formatted };
  }
  if (logentry !== undefined && logentry !== null) p.add('logentry', 'must be an object');
  const m = ev.message;
  if (isObj(m)) {
    const formatted = p.text(m, 'formatted', 'message.formatted');
    const template = p.text(m, 'message', 'message.message');
    return { message: formatted ?? template, template: template ?? formatted };
  }
  const message = p.text(ev, 'message', 'message');
  return { message, template: message };
}

/** Sentry's user interface → the key that counts a person once. */
function userOf(v: unknown, p: Problems): { key: string | null; stored: Obj | null } {
  if (v === undefined || v === null) return { key: null, stored: null };
  if (!isObj(v)) return { key: p.add('user', 'must be an object') ?? null, stored: null };
  const part = (k: string): string | null => {
    const x = v[k];
    if (typeof x === 'number' && Number.isFinite(x)) return String(x);
    return typeof x === 'string' && x.trim() !== '' ? clean(x.trim(), 256) : null;
  };
  const id = part('id');
  const username = part('username');
  const email = part('email');
  const ip = part('ip_address');
  const key = id
    ? `id:${id}`
    : username
      ? `username:${username}`
      : email
        ? `email:${email}`
        : ip && ip !== '{{auto}}'
          ? `ip:${ip}`
          : null;
  const stored = Object.fromEntries(
    Object.entries({ id, username, email, ip_address: ip }).filter(([, x]) => x !== null),
  );
  return { key, stored };
}

/** Tags as an object or as [key, value] pairs, both of which SDKs send. */
function tagsOf(v: unknown, p: Problems): Record<string, string> {
  if (v === undefined || v === null) return {};
  const pairs: Array<[unknown, unknown]> = Array.isArray(v)
    ? v.filter((x): x is [unknown, unknown] => Array.isArray(x) && x.length === 2)
    : isObj(v)
      ? Object.entries(v)
      : [];
  if (!Array.isArray(v) && !isObj(v)) p.add('tags', 'must be an object or a list of [key, value] pairs');
  const out: Record<string, string> = {};
  for (const [k, x] of pairs.slice(0, MAX_TAGS)) {
    if (typeof k !== 'string' || k === '' || k === '__proto__') continue;
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')
      out[clean(k, 200)] = clean(String(x), 200);
  }
  return out;
}

function levelOf(v: unknown, p: Problems): Level {
  if (v === undefined || v === null) return 'error';
  const level = typeof v === 'string' ? LEVEL_ALIASES[v.trim().toLowerCase()] : undefined;
  return level ?? p.add('level', `must be one of ${LEVELS.join(', ')}`) ?? 'error';
}

function environmentOf(ev: Obj, p: Problems): string {
  const env = p.text(ev, 'environment', 'environment', 10_000);
  if (env === null) return DEFAULT_ENVIRONMENT;
  if (env.length > MAX_ENVIRONMENT || /[\n\r/]/.test(env))
    return (
      p.add('environment', `must be at most ${MAX_ENVIRONMENT} characters, without slashes or line breaks`) ??
      DEFAULT_ENVIRONMENT
    );
  return env;
}

/** The optional string list Sentry calls fingerprint. */
function fingerprintOf(v: unknown, p: Problems): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0 || v.length > 50)
    return p.add('fingerprint', 'must be a list of 1 to 50 strings') ?? null;
  const out: string[] = [];
  for (const [i, x] of v.entries()) {
    if (typeof x === 'string' || typeof x === 'number') out.push(clean(String(x), 1024));
    else p.add(`fingerprint.${i}`, 'must be a string');
  }
  return out;
}

/** Reads one Sentry event. `now` stands in for a missing timestamp; `newEventId` for a missing event_id. */
export function parseSentryEvent(body: unknown, now: Date, newEventId: () => string): ParseResult<ErrorEvent> {
  if (!isObj(body)) return { ok: false, errors: ['event: must be a JSON object'] };
  const p = new Problems();
  const eventId = eventIdOf(body.event_id, p, newEventId);
  const exception = exceptionOf(body.exception ?? body['sentry.interfaces.Exception'], p);
  const { message, template } = messageOf(body, p);
  const user = userOf(body.user, p);
  const tags = tagsOf(body.tags, p);
  const request = isObj(body.request)
    ? {
        url: typeof body.request.url === 'string' ? clean(body.request.url, 2048) : undefined,
        method: typeof body.request.method === 'string' ? clean(body.request.method, 16) : undefined,
      }
    : undefined;
  const sdk =
    isObj(body.sdk) && typeof body.sdk.name === 'string'
      ? {
          name: clean(body.sdk.name, 100),
          version: typeof body.sdk.version === 'string' ? clean(body.sdk.version, 50) : undefined,
        }
      : undefined;
  const event: ErrorEvent = {
    eventId,
    timestamp: timestampOf(body.timestamp, p, now),
    level: levelOf(body.level, p),
    environment: environmentOf(body, p),
    release: p.text(body, 'release', 'release', 200),
    message,
    messageTemplate: template,
    exception,
    fingerprint: fingerprintOf(body.fingerprint, p),
    userKey: user.key,
    culprit: p.text(body, 'culprit', 'culprit', 255),
    transaction: p.text(body, 'transaction', 'transaction', 255),
    tags,
    data: {},
  };
  if (p.list.length > 0) return { ok: false, errors: p.list };
  event.data = {
    ...(exception && {
      exception: {
        type: exception.type,
        value: exception.value,
        frames: exception.frames
          .slice(-STORED_FRAMES)
          .map((f) => ({ module: f.module, function: f.function, filename: f.filename, in_app: f.inApp })),
      },
    }),
    ...(message && { message }),
    tags,
    ...(user.stored && { user: user.stored }),
    ...(request && { request }),
    ...(sdk && { sdk }),
    ...(typeof body.platform === 'string' && { platform: clean(body.platform, 50) }),
    ...(typeof body.server_name === 'string' && { server_name: clean(body.server_name, 200) }),
    ...(event.transaction && { transaction: event.transaction }),
  };
  return { ok: true, value: event };
}
