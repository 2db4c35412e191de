// Response analytics: MTTA, MTTR, response-target breaches, escalations, pages, interruptions by the
// responder's hours, follow-ups (docs/analytics.md).
export { BUCKETS, INTERRUPTING_CHANNELS, MAX_RANGE_DAYS, type Bucket } from './analytics.js';
export {
  createAnalyticsService,
  emptyFigures,
  type AnalyticsQuery,
  type AnalyticsService,
  type DurationFigure,
  type Figures,
  type Responder,
  type Summary,
  type Timeseries,
} from './analytics.service.js';
