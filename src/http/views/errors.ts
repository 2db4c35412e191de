// Wire shapes of error tracking: error groups (GET /api/v1/errors/groups) and the runbook's
// error-tracking get_error_analytics.
import { z } from 'zod';
import { TimeWindow } from './functions.js';

export const ErrorGroup = z.object({
  id: z.string(),
  service_id: z.string(),
  environment: z.string(),
  fingerprint: z.string(),
  title: z.string(),
  type: z.string().nullable(),
  culprit: z.string().nullable(),
  level: z.string(),
  status: z.string(),
  count: z.number(),
  users_affected: z.number(),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
  resolved_at: z.string().nullable(),
  regressed_at: z.string().nullable(),
  last_message: z.string().nullable(),
});

export const AnalyticsGroup = z
  .object({
    id: z.string(),
    service_id: z.string(),
    environment: z.string(),
    title: z.string(),
    type: z.string().nullable(),
    culprit: z.string().nullable(),
    level: z.string(),
    status: z.string(),
    events: z.number().nullable().describe('Events in the window; null for a group outside the top list.'),
    events_total: z.number(),
    users_affected: z.number(),
    first_seen: z.string().nullable(),
    last_seen: z.string().nullable(),
    last_message: z.string().nullable(),
    resolved_at: z.string().nullable().optional(),
    regressed_at: z.string().nullable().optional().describe('Only on groups that regressed.'),
  })
  .describe('An error group in get_error_analytics.');

export const ErrorAnalytics = z
  .object({
    time_window: TimeWindow,
    since: z.string(),
    until: z.string(),
    service: z.object({ id: z.string(), name: z.string() }).nullable(),
    environment: z.string().nullable(),
    totals: z.object({
      events: z.number(),
      groups: z.number(),
      users_affected: z.number(),
      new_groups: z.number(),
      regressed_groups: z.number(),
    }),
    rate: z.object({
      per_minute_avg: z.number(),
      peak_per_minute: z.number(),
      bucket_minutes: z.number(),
      series: z.array(z.object({ at: z.string(), events: z.number(), per_minute: z.number() })),
    }),
    top_groups: z.array(AnalyticsGroup),
    new_groups: z.array(AnalyticsGroup),
    regressed_groups: z.array(AnalyticsGroup),
    generated_at: z.string(),
  })
  .describe('error-tracking get_error_analytics.');
