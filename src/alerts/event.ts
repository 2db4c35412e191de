// The one shape every accepted format (PagerDuty Events v2, Alertmanager, Grafana) is turned into
// before dedup, classification and storage.
import type { EventSeverity } from './classify.js';

export const EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/**
 * Where an event came from: an outside format, or one of Vigil's own sources (monitors, latency baselines, error
 * tracking).
 */
export type EventFormat = 'pagerduty' | 'alertmanager' | 'grafana' | 'monitor' | 'performance' | 'errors';

export interface EventLink {
  href: string;
  text?: string | undefined;
}

export interface EventImage {
  src: string;
  href?: string | undefined;
  alt?: string | undefined;
}

export interface AlertEvent {
  format: EventFormat;
  action: EventAction;
  /** Identifies the alert within its service (PagerDuty dedup_key, Alertmanager/Grafana fingerprint). */
  dedupKey: string;
  /** Present for triggers; follow-up acknowledge/resolve events may carry no payload. */
  summary: string;
  source: string;
  severity: EventSeverity;
  /** When the monitoring tool saw it (ISO 8601), if it said. */
  timestamp?: string | undefined;
  component?: string | undefined;
  group?: string | undefined;
  class?: string | undefined;
  customDetails?: unknown;
  links: EventLink[];
  images: EventImage[];
  client?: string | undefined;
  clientUrl?: string | undefined;
  /** Alerts with the same group key share one incident (Alertmanager's groupKey). */
  groupKey?: string | undefined;
}

/** A parser's answer: the events of one request, or every problem found, each naming its field. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };
