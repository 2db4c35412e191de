export { createAlertsService, type AlertsService } from './alerts.service.js';
export {
  createIngestService,
  DEFAULT_GROUP_COMMIT,
  type IngestService,
  type IngestRequest,
  type IngestResult,
} from './ingest.service.js';
export {
  classify,
  DEFAULT_RULES,
  EVENT_SEVERITIES,
  type Rule,
  type Condition,
  type EventSeverity,
} from './classify.js';
export type { AlertEvent, EventAction, EventFormat, ParseResult } from './event.js';
export type { Alert, AlertStatus } from './alerts.repo.js';
export { parseAlertmanagerWebhook } from './formats/alertmanager.js';
export { parseChangeEvent } from './formats/change.js';
export { parseGrafanaWebhook, verifyGrafanaSignature } from './formats/grafana.js';
export { parsePagerDutyEvent } from './formats/pagerduty.js';
