// Prometheus Alertmanager's webhook payload (version "4"), as sent by a webhook_config receiver:
// one notification per alert group, re-sent whole every group_interval, so every alert becomes an
// event keyed by its fingerprint and re-sends update instead of duplicating.
import type { AlertEvent, ParseResult } from '../event.js';
import { alertEvent, readAlert, readAlertGroup } from './alert-group.js';
import { capErrors } from './fields.js';

export interface AlertmanagerNotification {
  events: AlertEvent[];
  /** Shared by every event: a group's alerts share one incident. */
  groupKey: string;
  /** Alerts Alertmanager left out because of the receiver's max_alerts. */
  truncatedAlerts: number;
  receiver: string;
  /** The group's status: firing while any alert fires, else resolved. */
  status: string;
}

/**
 * Turns an Alertmanager webhook body into one event per alert. Source is the instance or job label
 * (else the Alertmanager's host), component the service or job label, group the namespace or cluster
 * label, class the alertname; labels, annotations and the alert's times are kept as custom details.
 */
export function parseAlertmanagerWebhook(body: unknown): ParseResult<AlertmanagerNotification> {
  const errors: string[] = [];
  const group = readAlertGroup(errors, body, '4');
  if (!group) return { ok: false, errors };
  const events: AlertEvent[] = [];
  group.alerts.forEach((raw, i) => {
    const alert = readAlert(errors, raw, `alerts[${i}]`);
    if (!alert) return;
    events.push(
      alertEvent(alert, group, {
        format: 'alertmanager',
        client: 'Alertmanager',
        defaultSource: 'alertmanager',
        summaryFallbacks: [],
        groupLabels: ['namespace', 'cluster'],
        links: alert.generatorURL ? [{ href: alert.generatorURL, text: 'Source' }] : [],
        images: [],
        customDetails: {
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt: alert.startsAt,
          endsAt: alert.endsAt,
        },
      }),
    );
  });
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };
  const { groupKey, truncatedAlerts, receiver, status } = group;
  return { ok: true, value: { events, groupKey, truncatedAlerts, receiver, status } };
}
