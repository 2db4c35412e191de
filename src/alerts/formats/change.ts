// PagerDuty change events (POST /v2/change/enqueue): deploys and config changes. They are stored on
// the service and shown on new incidents; they never page.
import type { ParseResult } from '../event.js';

export interface ChangeInput {
  routingKey: string;
  summary: string;
  source: string | null;
  timestamp: string | null;
  customDetails: unknown;
  links: Array<{ href: string; text?: string }>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasNul(value: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  if (isObject(value)) return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
  return false;
}

/** Validates a change event, naming every bad field the way PagerDuty does. */
export function parseChangeEvent(body: unknown): ParseResult<ChangeInput> {
  if (!isObject(body)) return { ok: false, errors: ['the body must be a JSON object'] };
  const errors: string[] = [];
  const routingKey = body.routing_key;
  if (typeof routingKey !== 'string' || routingKey.trim() === '') errors.push("'routing_key' is missing or blank");
  else if (routingKey.length > 64 || routingKey.includes('\u0000'))
    errors.push("'routing_key' is not a valid integration key");

  const payload = body.payload;
  let summary = '';
  let source: string | null = null;
  let timestamp: string | null = null;
  let customDetails: unknown = undefined;
  if (!isObject(payload)) {
    errors.push("'payload' is missing or not an object");
  } else {
    if (typeof payload.summary !== 'string' || payload.summary.trim() === '')
      errors.push("'payload.summary' is missing or blank");
    else if (payload.summary.length > 1024) errors.push("'payload.summary' is longer than 1024 characters");
    else if (payload.summary.includes('\u0000')) errors.push("'payload.summary' must not contain NUL characters");
    else summary = payload.summary;
    if (payload.source !== undefined) {
      if (typeof payload.source !== 'string' || payload.source.length > 255 || payload.source.includes('\u0000'))
        errors.push("'payload.source' must be a string of at most 255 characters");
      else source = payload.source;
    }
    if (payload.timestamp !== undefined) {
      if (typeof payload.timestamp !== 'string' || Number.isNaN(Date.parse(payload.timestamp)))
        errors.push("'payload.timestamp' must be an ISO 8601 date-time");
      else timestamp = new Date(payload.timestamp).toISOString();
    }
    if (payload.custom_details !== undefined) {
      if (hasNul(payload.custom_details))
        errors.push("'payload.custom_details' must not contain NUL characters or nest deeper than 64 levels");
      else customDetails = payload.custom_details;
    }
  }

  const links: ChangeInput['links'] = [];
  if (body.links !== undefined) {
    if (!Array.isArray(body.links) || body.links.length > 50)
      errors.push("'links' must be an array of at most 50 links");
    else {
      body.links.forEach((link, i) => {
        if (
          !isObject(link) ||
          typeof link.href !== 'string' ||
          link.href === '' ||
          link.href.length > 2048 ||
          hasNul(link)
        )
          errors.push(`'links[${i}].href' is missing or invalid`);
        else if (link.text !== undefined && typeof link.text !== 'string')
          errors.push(`'links[${i}].text' must be a string`);
        else links.push({ href: link.href, ...(typeof link.text === 'string' && { text: link.text }) });
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { routingKey: routingKey as string, summary, source, timestamp, customDetails, links } };
}
