// /api/v1/analytics: response analytics of a range (docs/analytics.md), as JSON with each figure's
// definition, or as CSV. Every role reads.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BUCKETS, MAX_RANGE_DAYS, type AnalyticsQuery } from '../../analytics/index.js';
import type { App } from '../../app.js';
import { SEVERITIES } from '../../incident.js';
import { summaryCsv, summaryJson, timeseriesCsv, timeseriesJson } from '../present-analytics.js';
import { csvOf, instant, ref } from '../schemas.js';

const tags = ['analytics'];

const filters = {
  from: instant.optional().describe('Start of the range (inclusive); default 30 days before `to`.'),
  to: instant.optional().describe(`End of the range (exclusive); default now. At most ${MAX_RANGE_DAYS} days long.`),
  service_id: ref.optional().describe("Only this service's incidents (id or name)."),
  team_id: ref
    .optional()
    .describe("Only incidents that paged a member of this team (id or name); pages and interruptions: the members'."),
  severity: csvOf(SEVERITIES).optional().describe('Only these severities, e.g. P0,P1.'),
  format: z.enum(['json', 'csv']).default('json'),
};

const filtersQuery = z.strictObject(filters);

/** The service's query from the parsed filters. */
function analyticsQuery(q: z.output<typeof filtersQuery>): AnalyticsQuery {
  return { from: q.from, to: q.to, service: q.service_id, team: q.team_id, severities: q.severity };
}

function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(body);
}

export function analyticsRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/analytics/summary',
    {
      schema: {
        tags,
        summary: 'Response analytics of a range: incidents, MTTA, MTTR, breaches, escalations, pages, interruptions',
        description:
          'Each figure carries its definition. format=csv gives metric,value,definition rows. A range over ' +
          `${MAX_RANGE_DAYS} days or with from after to is refused (400); an unknown service or team is a 404.`,
        querystring: filtersQuery,
      },
    },
    async (request, reply) => {
      const q = request.query;
      const summary = await app.analytics.summary(request.actor, analyticsQuery(q));
      return q.format === 'csv' ? sendCsv(reply, 'analytics-summary', summaryCsv(summary)) : summaryJson(summary);
    },
  );

  r.get(
    '/api/v1/analytics/timeseries',
    {
      schema: {
        tags,
        summary: 'The same figures per UTC day or week (weeks start Monday 00:00 UTC), clipped to the range',
        description: 'format=csv gives one row per bucket and one column per figure.',
        querystring: z.strictObject({ ...filters, bucket: z.enum(BUCKETS).default('week') }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const series = await app.analytics.timeseries(request.actor, { ...analyticsQuery(q), bucket: q.bucket });
      return q.format === 'csv'
        ? sendCsv(reply, `analytics-${q.bucket}`, timeseriesCsv(series))
        : timeseriesJson(series);
    },
  );
}
