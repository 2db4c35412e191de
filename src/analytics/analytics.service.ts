// Response analytics (docs/analytics.md): a summary of a range and the same figures per day or week.
// Every role reads them. The figures come from the database's aggregates (analytics.repo.ts); here they
// are put together per bucket and rounded (seconds to the millisecond, shares to 4 decimals).
import { authorize, type Actor } from '../access/index.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { SEVERITIES, type Severity } from '../incident.js';
import type { ServicesService } from '../services/index.js';
import type { TeamsService } from '../teams/index.js';
import {
  BUCKET_SECONDS,
  bucketOrigin,
  bucketsOf,
  checkRange,
  definitions,
  offsetSegments,
  POSTMORTEM_WINDOW_S,
  targetSeconds,
  type Bucket,
  type Definitions,
  type Range,
} from './analytics.js';
import {
  ackTimes,
  followUpCounts,
  postmortemCounts,
  incidentCounts,
  interruptions,
  pageCounts,
  resolveTimes,
  userZones,
  type Bucketing,
  type Filters,
} from './analytics.repo.js';

export interface AnalyticsDeps {
  db: Db;
  clock: Clock;
  /** The configured response targets in milliseconds by severity (config.responseTargets). */
  responseTargets: Readonly<Record<Severity, number>>;
  services: Pick<ServicesService, 'load'>;
  teams: Pick<TeamsService, 'load'>;
}

export interface AnalyticsQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  /** A service id or name. */
  service?: string | undefined;
  /** A team id or name. */
  team?: string | undefined;
  severities?: readonly Severity[] | undefined;
}

/** Seconds; null when there is nothing to measure. */
export interface DurationFigure {
  n: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
}

export interface Counts {
  business: number;
  off: number;
  sleep: number;
  total: number;
}

export interface Figures {
  incidents: { total: number; bySeverity: Record<Severity, number> };
  mtta: DurationFigure;
  mttr: DurationFigure;
  breaches: { breached: number; decided: number; rate: number | null };
  escalated: { escalated: number; incidents: number; share: number | null };
  pages: number;
  interruptions: Counts;
  followUps: { due: number; completed: number; notDoing: number; overdue: number; outstanding: number };
  postmortems: { due: number; withinWindow: number; late: number; unpublished: number };
}

export interface Responder extends Counts {
  userId: string;
  handle: string;
  name: string;
  timezone: string;
}

interface Report {
  range: Range;
  filters: { serviceId: string | null; teamId: string | null; severities: Severity[] };
  generatedAt: Date;
  /** Response targets in seconds. */
  targets: Record<Severity, number>;
  definitions: Definitions;
}

export interface Summary extends Report {
  figures: Figures;
  /** Interruptions per responder, most first. */
  responders: Responder[];
}

export interface Timeseries extends Report {
  bucket: Bucket;
  buckets: Array<{ start: Date; end: Date; figures: Figures }>;
}

const seconds = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** Figures of a bucket with nothing in it. */
export function emptyFigures(): Figures {
  const none: DurationFigure = { n: 0, mean: null, p50: null, p95: null };
  return {
    incidents: { total: 0, bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number> },
    mtta: { ...none },
    mttr: { ...none },
    breaches: { breached: 0, decided: 0, rate: null },
    escalated: { escalated: 0, incidents: 0, share: null },
    pages: 0,
    interruptions: { business: 0, off: 0, sleep: 0, total: 0 },
    followUps: { due: 0, completed: 0, notDoing: 0, overdue: 0, outstanding: 0 },
    postmortems: { due: 0, withinWindow: 0, late: 0, unpublished: 0 },
  };
}

export function createAnalyticsService({ db, clock, responseTargets, services, teams }: AnalyticsDeps) {
  const targets = targetSeconds(responseTargets);

  async function prepare(actor: Actor, q: AnalyticsQuery): Promise<{ report: Report; filters: Filters }> {
    authorize(actor, 'read');
    const now = clock.now();
    const range = checkRange(q.from, q.to, now);
    const serviceId = q.service ? (await services.load(q.service)).id : null;
    const teamId = q.team ? (await teams.load(q.team)).id : null;
    const severities = [...new Set(q.severities ?? [])];
    return {
      report: {
        range,
        filters: { serviceId, teamId, severities },
        generatedAt: now,
        targets,
        definitions: definitions(responseTargets),
      },
      filters: { serviceId: serviceId ?? undefined, teamId: teamId ?? undefined, severities },
    };
  }

  /** Every figure per bucket index, and the interruptions per responder and bucket. */
  async function collect(range: Range, f: Filters, bucketing: Bucketing, now: Date) {
    const segments = (await userZones(db)).flatMap((zone) => offsetSegments(zone, range));
    const [counts, acks, resolves, pages, interrupted, followUps, postmortems] = await Promise.all([
      incidentCounts(db, range, f, bucketing, now, targets),
      ackTimes(db, range, f, bucketing),
      resolveTimes(db, range, f, bucketing),
      pageCounts(db, range, f, bucketing),
      interruptions(db, range, f, bucketing, segments),
      followUpCounts(db, range, f, bucketing, now),
      postmortemCounts(db, range, f, bucketing, POSTMORTEM_WINDOW_S),
    ]);
    const byBucket = new Map<number, Figures>();
    const at = (bucket: number) => {
      let figures = byBucket.get(bucket);
      if (!figures) byBucket.set(bucket, (figures = emptyFigures()));
      return figures;
    };
    for (const c of counts) {
      const x = at(c.bucket);
      x.incidents.total += c.incidents;
      x.incidents.bySeverity[c.severity] += c.incidents;
      x.breaches.breached += c.breached;
      x.breaches.decided += c.decided;
      x.escalated.escalated += c.escalated;
      x.escalated.incidents += c.incidents;
    }
    for (const [key, rows] of [
      ['mtta', acks],
      ['mttr', resolves],
    ] as const)
      for (const d of rows)
        at(d.bucket)[key] = { n: d.n, mean: seconds(d.mean), p50: seconds(d.p50), p95: seconds(d.p95) };
    for (const p of pages) at(p.bucket).pages += p.pages;
    for (const i of interrupted) {
      const x = at(i.bucket).interruptions;
      x.business += i.business;
      x.off += i.off;
      x.sleep += i.sleep;
      x.total += i.business + i.off + i.sleep;
    }
    for (const u of followUps) at(u.bucket).followUps = { ...u };
    for (const { bucket, ...p } of postmortems) at(bucket).postmortems = p;
    for (const x of byBucket.values()) {
      x.breaches.rate = share(x.breaches.breached, x.breaches.decided);
      x.escalated.share = share(x.escalated.escalated, x.escalated.incidents);
    }
    return { byBucket, interrupted, at };
  }

  return {
    /** The figures of one range, with each responder's interruptions. */
    async summary(actor: Actor, q: AnalyticsQuery): Promise<Summary> {
      const { report, filters } = await prepare(actor, q);
      const { interrupted, at } = await collect(report.range, filters, null, report.generatedAt);
      const responders = interrupted
        .map(({ bucket: _, ...r }) => ({ ...r, total: r.business + r.off + r.sleep }))
        .sort((a, b) => b.total - a.total || a.handle.localeCompare(b.handle));
      return { ...report, figures: at(0), responders };
    },

    /** The same figures per UTC day or week (weeks start on Monday), each bucket clipped to the range. */
    async timeseries(actor: Actor, q: AnalyticsQuery & { bucket: Bucket }): Promise<Timeseries> {
      const { report, filters } = await prepare(actor, q);
      const bucketing = { origin: bucketOrigin(report.range.from, q.bucket), seconds: BUCKET_SECONDS[q.bucket] };
      const { at } = await collect(report.range, filters, bucketing, report.generatedAt);
      const buckets = bucketsOf(report.range, q.bucket).map((b) => ({
        start: b.start,
        end: b.end,
        figures: at(b.index),
      }));
      return { ...report, bucket: q.bucket, buckets };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
