// The `severity` label of Prometheus-style alerts (Alertmanager, Grafana) mapped onto PagerDuty's four
// event severities. Rule authors spell severity many ways, so common synonyms and P/SEV levels are
// understood; case, spaces, '-' and '_' are ignored ("SEV-1", "sev_1" and "sev 1" are all sev1).
import type { EventSeverity } from '../classify.js';

/** Every spelling understood, by the severity it maps to. */
export const SEVERITY_SYNONYMS: Readonly<Record<EventSeverity, readonly string[]>> = Object.freeze({
  critical: [
    'critical',
    'crit',
    'page',
    'p0',
    'p1',
    'sev0',
    'sev1',
    'high',
    'major',
    'fatal',
    'emergency',
    'emerg',
    'alert',
    'disaster',
  ],
  error: ['error', 'err', 'p2', 'sev2', 'medium', 'moderate', 'average'],
  warning: ['warning', 'warn', 'low', 'minor', 'p3', 'sev3'],
  info: ['info', 'informational', 'information', 'notice', 'none', 'ok', 'p4', 'p5', 'sev4', 'sev5', 'debug'],
});

/**
 * An unknown or missing severity label reads as warning: it still opens an incident (P3 by the
 * default rules), so an alert is never silently dropped, without paging anyone as if it were critical.
 */
export const UNKNOWN_LABEL_SEVERITY: EventSeverity = 'warning';

const BY_SPELLING = new Map<string, EventSeverity>(
  (Object.entries(SEVERITY_SYNONYMS) as Array<[EventSeverity, readonly string[]]>).flatMap(([severity, names]) =>
    names.map((name) => [name, severity] as const),
  ),
);

/** The event severity for a `severity` label value (undefined when the alert has none). */
export function severityFromLabel(value: string | undefined): EventSeverity {
  if (value === undefined) return UNKNOWN_LABEL_SEVERITY;
  return BY_SPELLING.get(value.toLowerCase().replace(/[\s_-]+/g, '')) ?? UNKNOWN_LABEL_SEVERITY;
}
