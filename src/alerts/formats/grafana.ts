// Grafana unified alerting's webhook contact point (payload version "1"): Alertmanager's group shape
// plus per-alert dashboard, panel and silence links, the query values that fired, and an optional
// HMAC-SHA256 signature of the body.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AlertEvent, EventLink, ParseResult } from '../event.js';
import { alertEvent, readAlert, readAlertGroup } from './alert-group.js';
import { capErrors, isRecord, optionalString, textProblem } from './fields.js';

export interface GrafanaNotification {
  events: AlertEvent[];
  groupKey: string;
}

/** `values` maps query refIds to numbers (Grafana's map[string]float64), or is null. */
function readValues(errors: string[], value: unknown, label: string): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'number')) {
    errors.push(`${label} must be an object of numbers`);
    return undefined;
  }
  const badKey = Object.keys(value)
    .map(textProblem)
    .find((p) => p !== undefined);
  if (badKey) {
    errors.push(`${label} has a key that ${badKey}`);
    return undefined;
  }
  return value as Record<string, number>;
}

/**
 * Turns a Grafana webhook body into one event per alert, mapped like Alertmanager's (see
 * alertmanager.ts), with the notification title as a last summary candidate, grafana_folder as a
 * last group candidate, links to the rule, dashboard, panel and a new silence, the alert's image,
 * and values/valueString in the custom details.
 */
export function parseGrafanaWebhook(body: unknown): ParseResult<GrafanaNotification> {
  const errors: string[] = [];
  const group = readAlertGroup(errors, body, '1');
  if (!group || !isRecord(body)) return { ok: false, errors };
  const title = optionalString(errors, body.title, 'title');
  const events: AlertEvent[] = [];
  group.alerts.forEach((raw, i) => {
    const at = `alerts[${i}]`;
    const alert = readAlert(errors, raw, at);
    if (!isRecord(raw)) return;
    const before = errors.length;
    const text = (field: string) => optionalString(errors, raw[field], `${at}.${field}`);
    const [dashboardURL, panelURL, silenceURL, imageURL, valueString] = [
      'dashboardURL',
      'panelURL',
      'silenceURL',
      'imageURL',
      'valueString',
    ].map(text);
    const values = readValues(errors, raw.values, `${at}.values`);
    if (!alert || errors.length > before) return;
    const links: EventLink[] = (
      [
        [alert.generatorURL, 'Source'],
        [dashboardURL, 'Dashboard'],
        [panelURL, 'Panel'],
        [silenceURL, 'Silence'],
      ] as const
    ).flatMap(([href, text]) => (href === undefined ? [] : [{ href, text }]));
    events.push(
      alertEvent(alert, group, {
        format: 'grafana',
        client: 'Grafana',
        defaultSource: 'grafana',
        summaryFallbacks: [title],
        groupLabels: ['namespace', 'cluster', 'grafana_folder'],
        links,
        images: imageURL ? [{ src: imageURL }] : [],
        customDetails: {
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt: alert.startsAt,
          endsAt: alert.endsAt,
          values,
          valueString,
        },
      }),
    );
  });
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };
  return { ok: true, value: { events, groupKey: group.groupKey } };
}

export interface GrafanaSignatureCheck {
  /** The integration's shared secret. */
  secret: string;
  /** The raw request body, exactly as received (before JSON parsing). */
  body: Buffer | string;
  /** The signature header's value (Grafana's default header is X-Grafana-Alerting-Signature). */
  signature: string | undefined;
  /** The timestamp header's value, when the integration has a timestamp header configured. */
  timestamp?: string | undefined;
  /** Set when the integration has a timestamp header configured: a request without one is refused. */
  requireTimestamp?: boolean | undefined;
  now: Date;
  /** How far the timestamp may be from `now`, either way; default 300 s. */
  toleranceSeconds?: number | undefined;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,15}$/;

/**
 * Checks Grafana's webhook HMAC: hex HMAC-SHA256 with the shared secret over the raw body, or over
 * `${timestamp}:${body}` when a timestamp header is configured (Grafana puts Unix seconds in it).
 * Compared in constant time; a timestamp more than the tolerance away from `now` is refused, which
 * stops replays of old requests. This follows Grafana's signer (grafana/alerting, http/hmac.go) and
 * its webhook docs ("HMAC signature"); the signature header is bare lowercase hex, no "sha256=".
 */
export function verifyGrafanaSignature(check: GrafanaSignatureCheck): SignatureVerdict {
  const { secret, body, signature, timestamp, now } = check;
  const tolerance = check.toleranceSeconds ?? 300;
  if (secret === '') return { ok: false, reason: 'no signing secret is configured' };
  if (signature === undefined || signature.trim() === '')
    return { ok: false, reason: 'the signature header is missing' };
  if (!HEX_SHA256.test(signature.trim())) return { ok: false, reason: 'the signature is not a hex HMAC-SHA256' };
  if (timestamp === undefined && check.requireTimestamp)
    return { ok: false, reason: 'the timestamp header is missing' };
  if (timestamp !== undefined) {
    if (!UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'the timestamp is not Unix time in seconds' };
    const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
    if (!(skew <= tolerance))
      return { ok: false, reason: `the timestamp is more than ${tolerance} s away from the server's clock` };
  }
  const hmac = createHmac('sha256', secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}:`);
  hmac.update(body);
  const expected = hmac.digest();
  const given = Buffer.from(signature.trim(), 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'the signature does not match' };
}
