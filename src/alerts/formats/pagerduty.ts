// PagerDuty Events API v2 alert events (POST /v2/enqueue), so any PagerDuty client can page Vigil.
// Problems are reported the way PagerDuty words them ("'payload.summary' is missing or blank"), all
// of them at once, for the 400 {"status":"invalid event","errors":[…]} reply.
import {
  EVENT_ACTIONS,
  type AlertEvent,
  type EventAction,
  type EventImage,
  type EventLink,
  type ParseResult,
} from '../event.js';
import { EVENT_SEVERITIES } from '../classify.js';
import {
  MAX_KEY_CHARS,
  MAX_SUMMARY_CHARS,
  capErrors,
  isBlank,
  isRecord,
  isoTimestamp,
  jsonProblem,
  optionalString,
  requiredString,
} from './fields.js';

/** PagerDuty's keys are 32 characters; longer ones are refused before anyone looks them up. */
const MAX_ROUTING_KEY_CHARS = 64;

export interface PagerDutyEnqueue {
  routingKey: string;
  event: AlertEvent;
  /** True when the trigger came without a dedup_key and one was made up (and must be returned). */
  generatedDedupKey: boolean;
}

/** PagerDuty names fields in quotes: 'payload.summary', 'images[0].src'. */
const q = (path: string): string => `'${path}'`;

function oneOf<T extends string>(errors: string[], value: unknown, path: string, allowed: readonly T[]): T | undefined {
  if (isBlank(value)) errors.push(`${q(path)} is missing or blank`);
  else if (!(allowed as readonly unknown[]).includes(value))
    errors.push(`${q(path)} must be one of ${allowed.join(', ')}`);
  else return value as T;
  return undefined;
}

/** Free JSON is kept as sent, but only if the database can store it. */
function checkJson(errors: string[], value: unknown, path: string): void {
  const found = jsonProblem(value, path);
  if (found) errors.push(`${q(found.path)} ${found.problem}`);
}

/** A list of objects such as images or links: `read` checks one entry and returns it or undefined. */
function list<T>(
  errors: string[],
  value: unknown,
  path: string,
  read: (item: Record<string, unknown>, at: string) => T | undefined,
): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push(`${q(path)} must be an array`);
    return [];
  }
  const items: T[] = [];
  value.forEach((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(item)) errors.push(`${q(at)} must be an object`);
    else {
      const entry = read(item, at);
      if (entry !== undefined) items.push(entry);
    }
  });
  return items;
}

function readImage(errors: string[], item: Record<string, unknown>, at: string): EventImage | undefined {
  const src = requiredString(errors, item.src, q(`${at}.src`));
  const href = optionalString(errors, item.href, q(`${at}.href`));
  const alt = optionalString(errors, item.alt, q(`${at}.alt`));
  return src === undefined ? undefined : { src, href, alt };
}

function readLink(errors: string[], item: Record<string, unknown>, at: string): EventLink | undefined {
  const href = requiredString(errors, item.href, q(`${at}.href`));
  const text = optionalString(errors, item.text, q(`${at}.text`));
  return href === undefined ? undefined : { href, text };
}

/** The part of an AlertEvent that PagerDuty's `payload` object carries. */
type PayloadFields = Pick<
  AlertEvent,
  'summary' | 'source' | 'severity' | 'timestamp' | 'component' | 'group' | 'class' | 'customDetails'
>;

function readPayload(errors: string[], payload: unknown): PayloadFields | undefined {
  if (!isRecord(payload)) {
    errors.push(`${q('payload')} is missing or not an object`);
    return undefined;
  }
  const summary = requiredString(errors, payload.summary, q('payload.summary'), MAX_SUMMARY_CHARS);
  const source = requiredString(errors, payload.source, q('payload.source'), MAX_KEY_CHARS);
  const severity = oneOf(errors, payload.severity, 'payload.severity', EVENT_SEVERITIES);
  const sentTime = optionalString(errors, payload.timestamp, q('payload.timestamp'));
  const timestamp = sentTime === undefined ? undefined : isoTimestamp(sentTime);
  if (sentTime !== undefined && timestamp === undefined)
    errors.push(`${q('payload.timestamp')} is not a valid ISO 8601 timestamp`);
  const component = optionalString(errors, payload.component, q('payload.component'), MAX_KEY_CHARS);
  const group = optionalString(errors, payload.group, q('payload.group'), MAX_KEY_CHARS);
  const eventClass = optionalString(errors, payload.class, q('payload.class'), MAX_KEY_CHARS);
  const customDetails = payload.custom_details ?? undefined;
  checkJson(errors, customDetails, 'payload.custom_details');
  if (summary === undefined || source === undefined || severity === undefined) return undefined;
  return { summary, source, severity, timestamp, component, group, class: eventClass, customDetails };
}

/**
 * Follow-up events (acknowledge, resolve) may carry no payload and PagerDuty ignores it, so they get
 * neutral values: empty summary and source, severity info. Consumers must not classify them.
 */
const FOLLOW_UP_PAYLOAD: PayloadFields = { summary: '', source: '', severity: 'info' };

/**
 * Reads one Events API v2 alert event. A trigger without a dedup_key gets `newId()` (a UUID) as its
 * key; acknowledge and resolve need one. Unknown top-level fields are ignored, as PagerDuty does.
 */
export function parsePagerDutyEvent(body: unknown, newId: () => string): ParseResult<PagerDutyEnqueue> {
  if (!isRecord(body)) return { ok: false, errors: ['The event must be a JSON object'] };
  const errors: string[] = [];
  const routingKey = requiredString(errors, body.routing_key, q('routing_key'), MAX_ROUTING_KEY_CHARS);
  const action: EventAction | undefined = oneOf(errors, body.event_action, 'event_action', EVENT_ACTIONS);
  const sentKey = isBlank(body.dedup_key)
    ? undefined
    : optionalString(errors, body.dedup_key, q('dedup_key'), MAX_KEY_CHARS);
  if (isBlank(body.dedup_key) && (action === 'acknowledge' || action === 'resolve'))
    errors.push(`${q('dedup_key')} is missing or blank`);
  // With an unknown action the payload is still checked if sent, so one reply names every problem.
  const payload =
    action === 'trigger' || (action === undefined && body.payload != null)
      ? readPayload(errors, body.payload)
      : FOLLOW_UP_PAYLOAD;
  const images = list(errors, body.images, 'images', (item, at) => readImage(errors, item, at));
  const links = list(errors, body.links, 'links', (item, at) => readLink(errors, item, at));
  const client = optionalString(errors, body.client, q('client'));
  const clientUrl = optionalString(errors, body.client_url, q('client_url'));
  if (errors.length > 0 || routingKey === undefined || action === undefined || payload === undefined) {
    return { ok: false, errors: capErrors(errors) };
  }
  const dedupKey = sentKey ?? newId();
  const event: AlertEvent = { format: 'pagerduty', action, dedupKey, ...payload, links, images, client, clientUrl };
  return { ok: true, value: { routingKey, event, generatedDedupKey: sentKey === undefined } };
}
