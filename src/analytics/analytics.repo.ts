// The analytics queries: every figure is aggregated in the database, per bucket (bucket 0 for a summary),
// with the dialects' differences kept in db/aggregates.ts. Each query reads one event time: incidents by
// their trigger, acknowledgements by the first one, resolutions by resolved_at, pages by when they were
// paged, interruptions by when they were delivered, follow-ups by their due time (analytics.ts says why).
import { sql, type RawBuilder } from 'kysely';
import {
  bucketIndex,
  durationStats,
  epochSeconds,
  secondsBetween,
  weekdayAndHour,
  type DurationStats,
} from '../db/aggregates.js';
import type { Db } from '../db/database.js';
import { SEVERITIES, type Severity } from '../incident.js';
import { BUSINESS_HOURS, INTERRUPTING_CHANNELS, SLEEP_HOURS, type OffsetSegment, type Range } from './analytics.js';

export interface Filters {
  serviceId?: string | undefined;
  teamId?: string | undefined;
  severities?: readonly Severity[] | undefined;
}

/** How instants fall into buckets: from `origin`, `seconds` long; none = everything in bucket 0. */
export type Bucketing = { origin: Date; seconds: number } | null;

type Expr = RawBuilder<unknown>;

function bucketOf(db: Db, bucketing: Bucketing, at: Expr): Expr {
  return bucketing ? bucketIndex(db, bucketing.origin.toISOString(), at, bucketing.seconds) : sql`0`;
}

const within = (column: Expr, range: Range) =>
  sql`${column} >= ${range.from.toISOString()} and ${column} < ${range.to.toISOString()}`;

/**
 * The conditions on incident `i`: its service and severity, and for a team, that one of the team's members
 * was paged for it; `people` names the column of the person a page or message went to, which then must be a
 * member instead.
 */
function incidentWhere(f: Filters, people?: Expr): Expr {
  const parts: Expr[] = [sql`1 = 1`];
  if (f.serviceId) parts.push(sql`i.service_id = ${f.serviceId}`);
  if (f.severities?.length) parts.push(sql`i.severity in (${sql.join([...f.severities])})`);
  if (f.teamId)
    parts.push(
      people
        ? sql`${people} in (select tm.user_id from team_members tm where tm.team_id = ${f.teamId})`
        : sql`exists (select 1 from pages tp join team_members tm on tm.user_id = tp.user_id
                      where tp.incident_id = i.id and tm.team_id = ${f.teamId})`,
    );
  return sql.join(parts, sql` and `);
}

/** The join to incident `i` that the service and severity conditions need; none without them. */
function byIncident(f: Filters, incidentId: Expr): Expr {
  return f.serviceId || f.severities?.length ? sql`join incidents i on i.id = ${incidentId}` : sql``;
}

const num = (v: unknown) => Number(v ?? 0);

export interface IncidentCounts {
  bucket: number;
  severity: Severity;
  incidents: number;
  escalated: number;
  breached: number;
  decided: number;
}

/**
 * Incidents triggered in range per bucket and severity: how many, how many escalated past level 1, and of
 * those whose response target is decided (a first response came, or the target passed by `now`) how many
 * missed it. `targets` are seconds by severity.
 */
export async function incidentCounts(
  db: Db,
  range: Range,
  f: Filters,
  bucketing: Bucketing,
  now: Date,
  targets: Record<Severity, number>,
): Promise<IncidentCounts[]> {
  const target = sql`(case i.severity ${sql.join(
    SEVERITIES.map((s) => sql`when ${sql.lit(s)} then ${sql.lit(targets[s])}`),
    sql` `,
  )} end)`;
  const waited = secondsBetween(db, sql`created_at`, sql`first_response`);
  const sinceTrigger = secondsBetween(db, sql`created_at`, sql`${now.toISOString()}`);
  // Each incident's first response comes from one grouped pass over the timeline's acknowledgements and
  // resolves since `from` (none can precede a trigger in range), joined (a hash join on PostgreSQL) rather
  // than looked up per incident; the CTE is materialized so that the expressions on it are worked out once
  // per incident, not once per reference.
  const { rows } = await sql<Record<string, unknown>>`
    with x as materialized (
      select ${bucketOf(db, bucketing, sql`i.created_at`)} as bucket, i.severity, i.created_at,
             fr.first_response, ${target} as target,
             case when exists (select 1 from pages p where p.incident_id = i.id and p.level >= 2)
                  then 1 else 0 end as escalated
      from incidents i
      left join (select incident_id, min(at) as first_response from incident_events
                 where kind in ('acknowledged', 'resolved') and at >= ${range.from.toISOString()}
                 group by incident_id) fr on fr.incident_id = i.id
      where ${within(sql`i.created_at`, range)} and ${incidentWhere(f)})
    select bucket, severity, count(*) as incidents, sum(escalated) as escalated,
           sum(case when first_response is not null then (case when ${waited} > target then 1 else 0 end)
                    when ${sinceTrigger} > target then 1 else 0 end) as breached,
           sum(case when first_response is not null or ${sinceTrigger} > target then 1 else 0 end) as decided
    from x
    group by bucket, severity`.execute(db);
  return rows.map((r) => ({
    bucket: num(r.bucket),
    severity: r.severity as Severity,
    incidents: num(r.incidents),
    escalated: num(r.escalated),
    breached: num(r.breached),
    decided: num(r.decided),
  }));
}

/** Seconds from trigger to first acknowledgement, for incidents first acknowledged in range, per bucket. */
export function ackTimes(db: Db, range: Range, f: Filters, bucketing: Bucketing): Promise<DurationStats[]> {
  return durationStats(
    db,
    sql`select ${bucketOf(db, bucketing, sql`a.at`)} as bucket, ${secondsBetween(db, sql`i.created_at`, sql`a.at`)} as d
        from (select incident_id, min(at) as at from incident_events
              where kind = 'acknowledged' and at < ${range.to.toISOString()} group by incident_id) a
        join incidents i on i.id = a.incident_id
        where a.at >= ${range.from.toISOString()} and ${incidentWhere(f)}`,
  );
}

/** Seconds from trigger to resolution, for incidents resolved in range (and resolved now), per bucket. */
export function resolveTimes(db: Db, range: Range, f: Filters, bucketing: Bucketing): Promise<DurationStats[]> {
  return durationStats(
    db,
    sql`select ${bucketOf(db, bucketing, sql`i.resolved_at`)} as bucket,
               ${secondsBetween(db, sql`i.created_at`, sql`i.resolved_at`)} as d
        from incidents i
        where i.status = 'resolved' and ${within(sql`i.resolved_at`, range)} and ${incidentWhere(f)}`,
  );
}

/** People paged in range, per bucket. */
export async function pageCounts(
  db: Db,
  range: Range,
  f: Filters,
  bucketing: Bucketing,
): Promise<Array<{ bucket: number; pages: number }>> {
  const { rows } = await sql<Record<string, unknown>>`
    select ${bucketOf(db, bucketing, sql`p.at`)} as bucket, count(*) as pages
    from pages p ${byIncident(f, sql`p.incident_id`)}
    where ${within(sql`p.at`, range)} and ${incidentWhere(f, sql`p.user_id`)}
    group by 1`.execute(db);
  return rows.map((r) => ({ bucket: num(r.bucket), pages: num(r.pages) }));
}

/** The time zones people are in. */
export async function userZones(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('users').select('timezone').distinct().execute();
  return rows.map((r) => r.timezone);
}

export interface Interruptions {
  bucket: number;
  userId: string;
  handle: string;
  name: string;
  timezone: string;
  business: number;
  off: number;
  sleep: number;
}

/**
 * Page messages delivered in range by an interrupting channel, per person and bucket, classed by the
 * person's local time: `segments` give each zone's UTC offset over the range (analytics.ts).
 */
export async function interruptions(
  db: Db,
  range: Range,
  f: Filters,
  bucketing: Bucketing,
  segments: OffsetSegment[],
): Promise<Interruptions[]> {
  if (segments.length === 0) return [];
  const segs = sql.join(
    segments.map((s) => sql`(${s.zone}, ${s.start}, ${s.end}, ${sql.lit(s.offsetMinutes)})`),
    sql`, `,
  );
  const { weekday, hour } = weekdayAndHour(sql`local_s`);
  const workdays = sql.join(BUSINESS_HOURS.weekdays.map((d) => sql.lit(d)));
  // People first, then the segments of their zone, then each segment's deliveries to that person by the index
  // on (user_id, kind, state, sent_at) — 50 people with a few segments each are a few hundred index ranges,
  // never a scan per segment (CROSS JOIN keeps SQLite to this order). Each delivery's time is parsed once, in
  // the materialized `delivered` (inlined, the planners parsed it again for every use of its hour and
  // weekday); the counts are grouped by bucket and person id alone, and names joined to the few grouped rows
  // (grouping every delivery by five text columns had cost more than all the rest).
  const { rows } = await sql<Record<string, unknown>>`
    with segs (zone, seg_start, seg_end, offset_min) as (values ${segs}),
    delivered as materialized (
      select ${bucketOf(db, bucketing, sql`n.sent_at`)} as bucket, n.user_id,
             ${epochSeconds(db, sql`n.sent_at`)} + 60 * s.offset_min as local_s
      from users pu
      cross join segs s
      cross join notifications n
      ${byIncident(f, sql`n.incident_id`)}
      where s.zone = pu.timezone and n.user_id = pu.id
        and n.kind = 'page' and n.state = 'sent'
        and n.sent_at >= s.seg_start and n.sent_at < s.seg_end
        and n.channel in (${sql.join([...INTERRUPTING_CHANNELS])})
        and ${within(sql`n.sent_at`, range)} and ${incidentWhere(f, sql`n.user_id`)})
    select g.bucket, g.user_id, u.handle, u.name, u.timezone, g.business, g.off, g.sleep
    from (select bucket, user_id,
                 sum(case when sleep = 0 and weekday in (${workdays}) and hour < ${sql.lit(BUSINESS_HOURS.to)}
                          then 1 else 0 end) as business,
                 sum(case when sleep = 0 and not (weekday in (${workdays}) and hour < ${sql.lit(BUSINESS_HOURS.to)})
                          then 1 else 0 end) as off,
                 sum(sleep) as sleep
          from (select bucket, user_id, weekday, hour,
                       case when hour >= ${sql.lit(SLEEP_HOURS.from)} or hour < ${sql.lit(SLEEP_HOURS.to)}
                            then 1 else 0 end as sleep
                from (select bucket, user_id, ${weekday} as weekday, ${hour} as hour from delivered) local_times
               ) classed
          group by bucket, user_id) g
    join users u on u.id = g.user_id`.execute(db);
  return rows.map((r) => ({
    bucket: num(r.bucket),
    userId: String(r.user_id),
    handle: String(r.handle),
    name: String(r.name),
    timezone: String(r.timezone),
    business: num(r.business),
    off: num(r.off),
    sleep: num(r.sleep),
  }));
}

export interface FollowUpCounts {
  bucket: number;
  due: number;
  completed: number;
  notDoing: number;
  overdue: number;
  outstanding: number;
}

/** Follow-ups (not deleted) due in range per bucket, by their status at `now`. */
export async function followUpCounts(
  db: Db,
  range: Range,
  f: Filters,
  bucketing: Bucketing,
  now: Date,
): Promise<FollowUpCounts[]> {
  const late = sql`f.due_at < ${now.toISOString()}`;
  const { rows } = await sql<Record<string, unknown>>`
    select ${bucketOf(db, bucketing, sql`f.due_at`)} as bucket, count(*) as due,
           sum(case when f.status = 'completed' then 1 else 0 end) as completed,
           sum(case when f.status = 'not_doing' then 1 else 0 end) as not_doing,
           sum(case when f.status = 'outstanding' and ${late} then 1 else 0 end) as overdue,
           sum(case when f.status = 'outstanding' and not (${late}) then 1 else 0 end) as outstanding
    from follow_ups f join incidents i on i.id = f.incident_id
    where f.status <> 'deleted' and ${within(sql`f.due_at`, range)} and ${incidentWhere(f)}
    group by 1`.execute(db);
  return rows.map((r) => ({
    bucket: num(r.bucket),
    due: num(r.due),
    completed: num(r.completed),
    notDoing: num(r.not_doing),
    overdue: num(r.overdue),
    outstanding: num(r.outstanding),
  }));
}

export interface PostmortemCounts {
  bucket: number;
  due: number;
  withinWindow: number;
  late: number;
  unpublished: number;
}

/**
 * Post-mortems of incidents resolved in range, per bucket of the resolve: how many were published within
 * `windowSeconds` (72 h) of it, published later, or not yet.
 */
export async function postmortemCounts(
  db: Db,
  range: Range,
  f: Filters,
  bucketing: Bucketing,
  windowSeconds: number,
): Promise<PostmortemCounts[]> {
  const took = secondsBetween(db, sql`i.resolved_at`, sql`p.published_at`);
  const { rows } = await sql<Record<string, unknown>>`
    select ${bucketOf(db, bucketing, sql`i.resolved_at`)} as bucket, count(*) as due,
           sum(case when p.published_at is not null and ${took} <= ${windowSeconds} then 1 else 0 end) as within_window,
           sum(case when p.published_at is not null and ${took} > ${windowSeconds} then 1 else 0 end) as late,
           sum(case when p.published_at is null then 1 else 0 end) as unpublished
    from postmortems p join incidents i on i.id = p.incident_id
    where i.status = 'resolved' and ${within(sql`i.resolved_at`, range)} and ${incidentWhere(f)}
    group by 1`.execute(db);
  return rows.map((r) => ({
    bucket: num(r.bucket),
    due: num(r.due),
    withinWindow: num(r.within_window),
    late: num(r.late),
    unpublished: num(r.unpublished),
  }));
}
