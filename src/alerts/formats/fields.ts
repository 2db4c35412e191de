// Field checks shared by the ingest parsers. Each parser names fields its own way (PagerDuty quotes
// them: 'payload.summary'; the webhook formats write alerts[3].labels), so checks take the label
// already spelled and push "<label> <problem>" onto the parser's error list.
import { EVENT_SEVERITIES } from '../classify.js';
import type { AlertEvent } from '../event.js';

/** Longest dedup key, PagerDuty's limit; also the cap for source, component, group and class. */
export const MAX_KEY_CHARS = 255;
export const MAX_SUMMARY_CHARS = 1024;
/** custom_details and similar free JSON deeper than this are refused (JSON.stringify recurses). */
export const MAX_JSON_DEPTH = 32;
/** A reply lists at most this many problems, then says how many more there were. */
const MAX_ERRORS = 100;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent, null and whitespace-only read as "missing or blank". */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored, if it cannot: PostgreSQL text and jsonb refuse NUL, and jsonb
 * refuses the \ud800-style escapes that JSON.stringify writes for unpaired surrogates.
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (UNPAIRED_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate';
  return undefined;
}

/** Length in Unicode characters (code points), as PostgreSQL counts varchar lengths. */
export function charLength(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || (value.charCodeAt(i - 1) & 0xfc00) !== 0xd800) n++;
  }
  return n;
}

/** Cuts to `max` characters without splitting a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join('');
}

/** An optional string field: absent or null gives undefined; '' too. */
export function optionalString(errors: string[], value: unknown, label: string, max?: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    errors.push(`${label} must be a string`);
    return undefined;
  }
  const problem = textProblem(value);
  if (problem) {
    errors.push(`${label} ${problem}`);
    return undefined;
  }
  if (max !== undefined && value.length > max && charLength(value) > max) {
    errors.push(`${label} is longer than ${max} characters`);
    return undefined;
  }
  return value === '' ? undefined : value;
}

/** A required string field that must not be blank. */
export function requiredString(errors: string[], value: unknown, label: string, max?: number): string | undefined {
  if (isBlank(value)) {
    errors.push(`${label} is missing or blank`);
    return undefined;
  }
  return optionalString(errors, value, label, max);
}

/** An object whose values are all strings (Prometheus labels, annotations); keys checked too. */
export function stringMap(errors: string[], value: unknown, label: string): Record<string, string> | undefined {
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    errors.push(`${label} must be an object of strings`);
    return undefined;
  }
  const map = value as Record<string, string>;
  const before = errors.length;
  for (const [key, text] of Object.entries(map)) {
    const keyProblem = textProblem(key);
    const valueProblem = textProblem(text);
    if (keyProblem) errors.push(`${label} has a key that ${keyProblem}`);
    else if (valueProblem) errors.push(`${label}.${showKey(key)} ${valueProblem}`);
  }
  return errors.length === before ? map : undefined;
}

/** Keys appear in messages, so a huge one is shortened. */
function showKey(key: string): string {
  return charLength(key) > 64 ? `${truncate(key, 64)}…` : key;
}

/**
 * Walks free JSON (custom_details, values) and names the first place that cannot be stored: a
 * string or key with NUL or an unpaired surrogate, or nesting deeper than MAX_JSON_DEPTH.
 */
export function jsonProblem(value: unknown, path: string, depth = 0): { path: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, problem } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_JSON_DEPTH) return { path, problem: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = jsonProblem(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = textProblem(key);
    if (keyProblem) return { path, problem: `has a key that ${keyProblem}` };
    const found = jsonProblem(item, `${path}.${showKey(key)}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** 400 Gregorian years are exactly 146,097 days. */
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses an ISO 8601 date or date-time and returns it as a UTC ISO string, or undefined when it is
 * not one (including impossible dates like 02-30). A time without an offset is read as UTC, so the
 * answer never depends on the server's time zone; fractions beyond milliseconds are dropped.
 */
export function isoTimestamp(value: string): string | undefined {
  const m = ISO_8601.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const daysInMonth = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (daysInMonth === undefined || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 60)
    return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const hh = Number(zone.slice(1, 3));
    const mm = zone.length > 3 ? Number(zone.slice(-2)) : 0;
    if (hh > 23 || mm > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hh * 60 + mm);
  }
  // Date.UTC reads years 0–99 as 1900–1999, so those are computed 400 years (a whole Gregorian cycle) later.
  const early = year < 100;
  const time =
    Date.UTC(early ? year + 400 : year, month - 1, day, hour, minute - offsetMinutes, second, millis) -
    (early ? GREGORIAN_CYCLE_MS : 0);
  return new Date(time).toISOString();
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The reply names every problem, but a payload with thousands of bad alerts gets a readable list. */
export function capErrors(errors: string[]): string[] {
  if (errors.length <= MAX_ERRORS) return errors;
  return [...errors.slice(0, MAX_ERRORS), `… and ${errors.length - MAX_ERRORS} more errors`];
}

/**
 * What every parser guarantees about an accepted event, as a list of broken promises (empty when
 * sound): dedup key of 1–255 characters, summary of at most 1024, a known severity, and no string
 * anywhere (custom details and their keys included) that the database cannot store.
 */
export function eventInvariantProblems(event: AlertEvent): string[] {
  const problems: string[] = [];
  const keyLength = charLength(event.dedupKey);
  if (keyLength < 1 || keyLength > MAX_KEY_CHARS) problems.push(`dedupKey has ${keyLength} characters`);
  if (charLength(event.summary) > MAX_SUMMARY_CHARS) problems.push('summary is longer than 1024 characters');
  if (!(EVENT_SEVERITIES as readonly string[]).includes(event.severity))
    problems.push(`severity ${String(event.severity)} is unknown`);
  for (const field of ['source', 'component', 'group', 'class'] as const) {
    const text = event[field];
    if (text !== undefined && charLength(text) > MAX_KEY_CHARS) problems.push(`${field} is longer than 255 characters`);
  }
  // Start at -Infinity: the depth cap is for parsing input, here only the strings matter.
  const found = jsonProblem(event, 'event', -Infinity);
  if (found) problems.push(`${found.path} ${found.problem}`);
  return problems;
}
