// Wire shapes of response analytics: the summary of a range and its time series. Every figure of the
// summary carries its definition; the time series states them once, under `definitions`.
import { z } from 'zod';
import { BUCKETS } from '../../analytics/index.js';
import { SEVERITIES } from '../../incident.js';

const bySeverity = z.object(Object.fromEntries(SEVERITIES.map((s) => [s, z.number()])) as Record<'P0', z.ZodNumber>);
const definition = z.string().describe('What the figure counts or measures, and over which incidents.');
const seconds = z.number().nullable();

const incidentsFigure = z.object({ total: z.number(), by_severity: bySeverity });
const durationFigure = z.object({
  mean_s: seconds,
  p50_s: seconds,
  p95_s: seconds,
  n: z.number().describe('How many incidents were measured.'),
});
const breachFigure = z.object({
  breached: z.number(),
  decided: z.number().describe('Incidents that responded, or whose target passed.'),
  rate: z.number().nullable().describe('breached / decided, 4 decimals; null when none is decided.'),
});
const escalatedFigure = z.object({
  escalated: z.number(),
  incidents: z.number(),
  share: z.number().nullable().describe('escalated / incidents, 4 decimals; null without incidents.'),
});
const hours = {
  total: z.number(),
  business_hours: z.number(),
  off_hours: z.number(),
  sleep_hours: z.number(),
};
const followUpsFigure = z.object({
  due: z.number(),
  completed: z.number(),
  not_doing: z.number(),
  overdue: z.number(),
  outstanding: z.number(),
});

const postmortemsFigure = z.object({
  due: z.number().describe('Post-mortems of incidents resolved in range.'),
  published_within_72h: z.number(),
  published_later: z.number(),
  unpublished: z.number(),
});

const reportFields = {
  from: z.string(),
  to: z.string(),
  generated_at: z.string(),
  filters: z.object({
    service_id: z.string().nullable(),
    team_id: z.string().nullable(),
    severity: z.array(z.enum(SEVERITIES)),
  }),
  response_targets_s: bySeverity.describe('The configured response targets, in seconds, by severity.'),
};

export const AnalyticsResponder = z
  .object({ user_id: z.string(), handle: z.string(), name: z.string(), timezone: z.string(), ...hours })
  .describe("One responder's interruptions, by their own time zone.");

export const AnalyticsSummary = z
  .object({
    ...reportFields,
    incidents: incidentsFigure.extend({ definition }),
    mtta: durationFigure.extend({ definition }),
    mttr: durationFigure.extend({ definition }),
    response_target_breaches: breachFigure.extend({ definition }),
    escalated_beyond_l1: escalatedFigure.extend({ definition }),
    pages: z.object({ total: z.number(), definition }),
    interruptions: z.object({
      ...hours,
      channels: z.array(z.string()).describe('The channels that interrupt.'),
      by_responder: z.array(AnalyticsResponder),
      definition,
    }),
    follow_ups: followUpsFigure.extend({ definition }),
    postmortems: postmortemsFigure.extend({ definition }),
  })
  .describe('GET /api/v1/analytics/summary.');

export const AnalyticsBucket = z
  .object({
    start: z.string(),
    end: z.string(),
    incidents: incidentsFigure,
    mtta: durationFigure,
    mttr: durationFigure,
    response_target_breaches: breachFigure,
    escalated_beyond_l1: escalatedFigure,
    pages: z.object({ total: z.number() }),
    interruptions: z.object(hours),
    follow_ups: followUpsFigure,
    postmortems: postmortemsFigure,
  })
  .describe('The figures of one day or week, clipped to the range.');

export const AnalyticsTimeseries = z
  .object({
    ...reportFields,
    bucket: z.enum(BUCKETS),
    definitions: z.object({
      incidents: definition,
      mtta: definition,
      mttr: definition,
      response_target_breaches: definition,
      escalated_beyond_l1: definition,
      pages: definition,
      interruptions: definition,
      follow_ups: definition,
      postmortems: definition,
    }),
    buckets: z.array(AnalyticsBucket),
  })
  .describe('GET /api/v1/analytics/timeseries: UTC days, or weeks from Monday 00:00 UTC.');
