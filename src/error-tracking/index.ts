export { createErrorsService, DEFAULT_SPIKE_THRESHOLD, type ErrorsService } from './errors.service.js';
export { errorAnalytics } from './analytics.js';
export {
  parseSentryEvent,
  LEVELS,
  MAX_ENVIRONMENT,
  DEFAULT_ENVIRONMENT,
  type ErrorEvent,
  type Level,
} from './event.js';
export {
  parseEnvelope,
  keyFromAuthHeader,
  keyFromDsn,
  buildDsn,
  EVENT_ITEM_TYPES,
  type Envelope,
  type EnvelopeItem,
} from './envelope.js';
export { KEEP_EVENTS, ALERT_ENVIRONMENT } from './errors-batch.js';
export type { ErrorGroup, ErrorProject, GroupStatus, StoredEvent } from './errors.repo.js';
