// The notification shape that Prometheus Alertmanager (webhook version "4") and Grafana (webhook
// version "1", sent by Grafana's embedded Alertmanager) share: one group of alerts under a groupKey,
// each alert with status, labels, annotations, startsAt/endsAt, generatorURL and fingerprint.
// alertmanager.ts and grafana.ts read the common part here and add their own fields.
import { createHash } from 'node:crypto';
import type { AlertEvent, EventFormat, EventImage, EventLink } from '../event.js';
import { severityFromLabel } from './severity.js';
import {
  MAX_KEY_CHARS,
  MAX_SUMMARY_CHARS,
  charLength,
  isBlank,
  isRecord,
  isoTimestamp,
  optionalString,
  requiredString,
  stringMap,
  truncate,
} from './fields.js';

/** One payload may carry at most this many alerts; Alertmanager's own max_alerts is usually far lower. */
export const MAX_ALERTS_PER_PAYLOAD = 10_000;

/** Go's zero time, which Alertmanager sends as endsAt of a firing alert: "not set". */
const GO_ZERO_TIME = '0001-01-01T00:00:00.000Z';

export interface AlertGroup {
  groupKey: string;
  status: string;
  receiver: string;
  truncatedAlerts: number;
  externalURL?: string | undefined;
  /** The alerts as sent, for readAlert and the format's own fields. */
  alerts: unknown[];
}

export interface GroupAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** As sent, for custom details. */
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  /** startsAt as a UTC ISO string; undefined when absent or Go's zero time. */
  timestamp?: string | undefined;
  generatorURL?: string | undefined;
  fingerprint?: string | undefined;
}

function readStatus(errors: string[], value: unknown, label: string): 'firing' | 'resolved' | undefined {
  if (value === 'firing' || value === 'resolved') return value;
  errors.push(`${label} must be one of firing, resolved`);
  return undefined;
}

function readTime(errors: string[], value: unknown, label: string): { sent?: string; iso?: string } {
  const sent = optionalString(errors, value, label);
  if (sent === undefined) return {};
  const iso = isoTimestamp(sent);
  if (iso === undefined) errors.push(`${label} is not a valid ISO 8601 timestamp`);
  return { sent, iso };
}

/**
 * Reads the group around the alerts; `version` is the protocol version the format must declare.
 * Undefined only when the body is not an object; otherwise the caller reads the alerts and fails if
 * `errors` is not empty.
 * Fields neither format needs (groupLabels, commonLabels, commonAnnotations, …) are not checked.
 */
export function readAlertGroup(errors: string[], body: unknown, version: string): AlertGroup | undefined {
  if (!isRecord(body)) {
    errors.push('body must be a JSON object');
    return undefined;
  }
  if (body.version !== version) errors.push(`version must be "${version}"`);
  const groupKey = requiredString(errors, body.groupKey, 'groupKey');
  const status = readStatus(errors, body.status, 'status');
  const receiver = optionalString(errors, body.receiver, 'receiver') ?? '';
  const truncatedAlerts = body.truncatedAlerts ?? 0;
  if (typeof truncatedAlerts !== 'number' || !Number.isSafeInteger(truncatedAlerts) || truncatedAlerts < 0) {
    errors.push('truncatedAlerts must be a non-negative integer');
  }
  const externalURL = optionalString(errors, body.externalURL, 'externalURL');
  let alerts: unknown[] = [];
  if (!Array.isArray(body.alerts)) errors.push('alerts must be an array');
  else if (body.alerts.length > MAX_ALERTS_PER_PAYLOAD) {
    errors.push(`alerts has ${body.alerts.length} entries; at most ${MAX_ALERTS_PER_PAYLOAD} are accepted per payload`);
  } else alerts = body.alerts;
  const truncated = typeof truncatedAlerts === 'number' ? truncatedAlerts : 0;
  return {
    groupKey: compactKey(groupKey ?? ''),
    status: status ?? '',
    receiver,
    truncatedAlerts: truncated,
    externalURL,
    alerts,
  };
}

/** Reads the fields both formats give every alert; `at` names it, like alerts[3]. */
export function readAlert(errors: string[], raw: unknown, at: string): GroupAlert | undefined {
  if (!isRecord(raw)) {
    errors.push(`${at} must be an object`);
    return undefined;
  }
  const before = errors.length;
  const status = readStatus(errors, raw.status, `${at}.status`);
  const labels = stringMap(errors, raw.labels, `${at}.labels`);
  const annotations = raw.annotations == null ? {} : stringMap(errors, raw.annotations, `${at}.annotations`);
  const startsAt = readTime(errors, raw.startsAt, `${at}.startsAt`);
  const endsAt = readTime(errors, raw.endsAt, `${at}.endsAt`);
  const generatorURL = optionalString(errors, raw.generatorURL, `${at}.generatorURL`);
  const fingerprint = optionalString(errors, raw.fingerprint, `${at}.fingerprint`, MAX_KEY_CHARS);
  if (errors.length > before || !status || !labels || !annotations) return undefined;
  return {
    status,
    labels,
    annotations,
    startsAt: startsAt.sent,
    endsAt: endsAt.sent,
    timestamp: startsAt.iso === GO_ZERO_TIME ? undefined : startsAt.iso,
    generatorURL,
    fingerprint: isBlank(fingerprint) ? undefined : fingerprint,
  };
}

/**
 * The alert's identity when the sender gave no fingerprint: a SHA-256 of its labels sorted by name,
 * so re-sends of the same alert (same labels) update it instead of opening a new one.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Keys longer than 255 characters (a groupKey of a route with many group_by labels) become a stable digest. */
export function compactKey(key: string): string {
  return charLength(key) <= MAX_KEY_CHARS ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function label(labels: Record<string, string>, name: string): string | undefined {
  const value = Object.hasOwn(labels, name) ? labels[name] : undefined;
  return isBlank(value) ? undefined : value;
}

function firstLabel(labels: Record<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = label(labels, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).host || undefined;
}

function capped(value: string | undefined): string | undefined {
  return value === undefined ? undefined : truncate(value, MAX_KEY_CHARS);
}

export interface AlertEventOptions {
  format: EventFormat;
  /** The sending tool's name, also the source when nothing better is known ('alertmanager'). */
  client: string;
  defaultSource: string;
  /** Summary candidates after annotations.summary, annotations.description and labels.alertname. */
  summaryFallbacks: ReadonlyArray<string | undefined>;
  /** Labels that name the event's group, first present wins. */
  groupLabels: readonly string[];
  links: EventLink[];
  images: EventImage[];
  customDetails: Record<string, unknown>;
}

/**
 * The normalized event for one alert of a group: fingerprint as dedup key, `resolved` resolves,
 * severity from the severity label, and the usual Prometheus labels for source, component and class.
 */
export function alertEvent(alert: GroupAlert, group: AlertGroup, options: AlertEventOptions): AlertEvent {
  const { labels, annotations } = alert;
  const summary = [
    label(annotations, 'summary'),
    label(annotations, 'description'),
    label(labels, 'alertname'),
    ...options.summaryFallbacks,
  ].find((s) => !isBlank(s));
  return {
    format: options.format,
    action: alert.status === 'resolved' ? 'resolve' : 'trigger',
    dedupKey: alert.fingerprint ?? labelsFingerprint(labels),
    summary: truncate(summary ?? `${options.client} alert`, MAX_SUMMARY_CHARS),
    source: truncate(
      firstLabel(labels, ['instance', 'job']) ?? hostOf(group.externalURL) ?? options.defaultSource,
      MAX_KEY_CHARS,
    ),
    severity: severityFromLabel(label(labels, 'severity')),
    timestamp: alert.timestamp,
    component: capped(firstLabel(labels, ['service', 'job'])),
    group: capped(firstLabel(labels, options.groupLabels)),
    class: capped(label(labels, 'alertname')),
    // Alerts the sender left out (its max_alerts) are recorded on every alert of the group it did send.
    customDetails:
      group.truncatedAlerts > 0
        ? { ...options.customDetails, truncatedAlerts: group.truncatedAlerts }
        : options.customDetails,
    links: options.links,
    images: options.images,
    client: options.client,
    clientUrl: group.externalURL,
    groupKey: group.groupKey,
  };
}
