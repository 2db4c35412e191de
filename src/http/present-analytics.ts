// Response analytics on the wire: the JSON of a summary and of a time series (views/analytics.ts), and
// their CSV. The summary's CSV is long (one figure a row, with its definition); the time series' is wide
// (one bucket a row, one column a figure; the definitions are those of the summary).
import type { z } from 'zod';
import {
  INTERRUPTING_CHANNELS,
  emptyFigures,
  type Figures,
  type Summary,
  type Timeseries,
} from '../analytics/index.js';
import { SEVERITIES } from '../incident.js';
import type * as views from './views/index.js';

type Report = Summary | Timeseries;

function reportJson(r: Report) {
  return {
    from: r.range.from.toISOString(),
    to: r.range.to.toISOString(),
    generated_at: r.generatedAt.toISOString(),
    filters: { service_id: r.filters.serviceId, team_id: r.filters.teamId, severity: r.filters.severities },
    response_targets_s: r.targets,
  };
}

function figuresJson(f: Figures): Omit<z.input<typeof views.AnalyticsBucket>, 'start' | 'end'> {
  const duration = (d: Figures['mtta']) => ({ mean_s: d.mean, p50_s: d.p50, p95_s: d.p95, n: d.n });
  const i = f.interruptions;
  return {
    incidents: { total: f.incidents.total, by_severity: f.incidents.bySeverity },
    mtta: duration(f.mtta),
    mttr: duration(f.mttr),
    response_target_breaches: { ...f.breaches },
    escalated_beyond_l1: { ...f.escalated },
    pages: { total: f.pages },
    interruptions: { total: i.total, business_hours: i.business, off_hours: i.off, sleep_hours: i.sleep },
    follow_ups: {
      due: f.followUps.due,
      completed: f.followUps.completed,
      not_doing: f.followUps.notDoing,
      overdue: f.followUps.overdue,
      outstanding: f.followUps.outstanding,
    },
    postmortems: {
      due: f.postmortems.due,
      published_within_72h: f.postmortems.withinWindow,
      published_later: f.postmortems.late,
      unpublished: f.postmortems.unpublished,
    },
  };
}

export function summaryJson(s: Summary): z.input<typeof views.AnalyticsSummary> {
  const f = figuresJson(s.figures);
  const d = s.definitions;
  return {
    ...reportJson(s),
    incidents: { ...f.incidents, definition: d.incidents },
    mtta: { ...f.mtta, definition: d.mtta },
    mttr: { ...f.mttr, definition: d.mttr },
    response_target_breaches: { ...f.response_target_breaches, definition: d.response_target_breaches },
    escalated_beyond_l1: { ...f.escalated_beyond_l1, definition: d.escalated_beyond_l1 },
    pages: { ...f.pages, definition: d.pages },
    interruptions: {
      ...f.interruptions,
      channels: [...INTERRUPTING_CHANNELS],
      by_responder: s.responders.map((r) => ({
        user_id: r.userId,
        handle: r.handle,
        name: r.name,
        timezone: r.timezone,
        total: r.total,
        business_hours: r.business,
        off_hours: r.off,
        sleep_hours: r.sleep,
      })),
      definition: d.interruptions,
    },
    follow_ups: { ...f.follow_ups, definition: d.follow_ups },
    postmortems: { ...f.postmortems, definition: d.postmortems },
  };
}

export function timeseriesJson(t: Timeseries): z.input<typeof views.AnalyticsTimeseries> {
  return {
    ...reportJson(t),
    bucket: t.bucket,
    definitions: t.definitions,
    buckets: t.buckets.map((b) => ({
      start: b.start.toISOString(),
      end: b.end.toISOString(),
      ...figuresJson(b.figures),
    })),
  };
}

/** One CSV field: quoted when it holds a comma, quote or line break; null is empty. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csv = (rows: unknown[][]) => rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';

/** Every figure of a bucket as [column, value], in one order for the header and the rows. */
function flat(f: Figures): Array<[string, number | null]> {
  const duration = (name: string, d: Figures['mtta']): Array<[string, number | null]> => [
    [`${name}_mean_s`, d.mean],
    [`${name}_p50_s`, d.p50],
    [`${name}_p95_s`, d.p95],
    [`${name}_n`, d.n],
  ];
  return [
    ['incidents', f.incidents.total],
    ...SEVERITIES.map((s): [string, number] => [`incidents_${s}`, f.incidents.bySeverity[s]]),
    ...duration('mtta', f.mtta),
    ...duration('mttr', f.mttr),
    ['breached', f.breaches.breached],
    ['breach_decided', f.breaches.decided],
    ['breach_rate', f.breaches.rate],
    ['escalated_beyond_l1', f.escalated.escalated],
    ['escalated_share', f.escalated.share],
    ['pages', f.pages],
    ['interruptions', f.interruptions.total],
    ['interruptions_business_hours', f.interruptions.business],
    ['interruptions_off_hours', f.interruptions.off],
    ['interruptions_sleep_hours', f.interruptions.sleep],
    ['follow_ups_due', f.followUps.due],
    ['follow_ups_completed', f.followUps.completed],
    ['follow_ups_not_doing', f.followUps.notDoing],
    ['follow_ups_overdue', f.followUps.overdue],
    ['follow_ups_outstanding', f.followUps.outstanding],
    ['postmortems_due', f.postmortems.due],
    ['postmortems_published_within_72h', f.postmortems.withinWindow],
    ['postmortems_published_later', f.postmortems.late],
    ['postmortems_unpublished', f.postmortems.unpublished],
  ];
}

/** The figure a column belongs to, for its definition. */
function figureOf(column: string): keyof Summary['definitions'] {
  if (column.startsWith('incidents')) return 'incidents';
  if (column.startsWith('mtta') || column.startsWith('mttr')) return column.slice(0, 4) as 'mtta' | 'mttr';
  if (column.startsWith('breach')) return 'response_target_breaches';
  if (column.startsWith('escalated')) return 'escalated_beyond_l1';
  if (column.startsWith('interruptions')) return 'interruptions';
  if (column.startsWith('follow_ups')) return 'follow_ups';
  if (column.startsWith('postmortems')) return 'postmortems';
  return 'pages';
}

/** metric,value,definition: the range, every figure, then each responder's interruptions. */
export function summaryCsv(s: Summary): string {
  const rows: unknown[][] = [
    ['metric', 'value', 'definition'],
    ['from', s.range.from.toISOString(), ''],
    ['to', s.range.to.toISOString(), ''],
    ...flat(s.figures).map(([column, value]) => [column, value, s.definitions[figureOf(column)]]),
  ];
  for (const r of s.responders)
    for (const [hours, value] of [
      ['business_hours', r.business],
      ['off_hours', r.off],
      ['sleep_hours', r.sleep],
    ] as const)
      rows.push([`interruptions_${hours}:${r.handle}`, value, s.definitions.interruptions]);
  return csv(rows);
}

/** start,end and one column per figure, a row per bucket. */
export function timeseriesCsv(t: Timeseries): string {
  const header = ['start', 'end', ...flat(t.buckets[0]?.figures ?? emptyFigures()).map(([c]) => c)];
  return csv([
    header,
    ...t.buckets.map((b) => [b.start.toISOString(), b.end.toISOString(), ...flat(b.figures).map(([, v]) => v)]),
  ]);
}
