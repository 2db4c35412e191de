// An alert event as a parser hands it to ingestion, for the suites that feed ingestion directly: a
// critical PagerDuty trigger from db-1 summarised after its dedup key, unless `over` says otherwise.
import type { AlertEvent } from '../src/alerts/index.js';

export function alertEvent(over: Partial<AlertEvent> & Pick<AlertEvent, 'dedupKey'>): AlertEvent {
  return {
    format: 'pagerduty',
    action: 'trigger',
    summary: `alert ${over.dedupKey}`,
    source: 'db-1',
    severity: 'critical',
    links: [],
    images: [],
    ...over,
  };
}
