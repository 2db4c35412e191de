// The SQL that reporting needs and the two dialects spell differently: seconds since 1970 of a stored
// instant (and from it seconds between two, fixed-length time buckets, an instant's weekday and hour at
// a given UTC offset), and the mean, median and 95th percentile of a column of durations. Times are
// ISO 8601 UTC text (schema.ts).
//
// Percentiles are percentile_cont's (linear interpolation between the two nearest ranks) on both
// dialects, so they agree to the millisecond: PostgreSQL has percentile_cont as an ordered-set
// aggregate; SQLite has no percentile function, so there each group's durations are numbered with
// row_number() in a window and the two ranks around p·(n−1) are blended inside the same query, which
// keeps the work in the database and sends one row per group instead of every duration.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from './dialect-of.js';

type Expr = RawBuilder<unknown>;

/** Seconds (with milliseconds) from instant `a` to instant `b`, both ISO text expressions. */
export function secondsBetween<DB>(db: Kysely<DB>, a: Expr, b: Expr): RawBuilder<number> {
  return sql<number>`(${epochSeconds(db, b)} - ${epochSeconds(db, a)})`;
}

/** The index of the `seconds`-long bucket, counted from instant `origin`, that instant `at` falls in (at ≥ origin). */
export function bucketIndex<DB>(db: Kysely<DB>, origin: string, at: Expr, seconds: number): RawBuilder<number> {
  return sql<number>`cast(floor(${secondsBetween(db, sql`${origin}`, at)} / ${sql.lit(seconds)}) as integer)`;
}

/** Seconds since 1970 of instant `at`, an ISO text expression, with its milliseconds. */
export function epochSeconds<DB>(db: Kysely<DB>, at: Expr): RawBuilder<number> {
  return dialectOf(db) === 'sqlite'
    ? sql<number>`unixepoch(${at}, 'subsec')`
    : sql<number>`extract(epoch from cast(${at} as timestamptz))::float8`;
}

/**
 * The weekday (0 = Sunday … 6 = Saturday) and hour (0–23) of `localSeconds`, seconds since 1970 of a
 * local wall-clock time (an instant's epochSeconds plus its UTC offset). Plain arithmetic from 1970-01-01
 * (a Thursday), which is cheaper than formatting a date on every row.
 */
export function weekdayAndHour(localSeconds: Expr): { weekday: Expr; hour: Expr } {
  const local = sql`(${localSeconds})`;
  return {
    weekday: sql`((cast(floor(${local} / 86400) as integer) + 4) % 7)`,
    hour: sql`(cast(floor(${local} / 3600) as integer) % 24)`,
  };
}

export interface DurationStats {
  bucket: number;
  n: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
}

/**
 * Count, mean, p50 and p95 of `d` per `bucket`, over a query with exactly those two columns (d in
 * seconds); groups without rows are absent.
 */
export async function durationStats<DB>(db: Kysely<DB>, rows: Expr): Promise<DurationStats[]> {
  const query =
    dialectOf(db) === 'postgres'
      ? sql<Record<string, unknown>>`
          select bucket, count(*) as n, avg(d) as mean,
                 percentile_cont(0.5) within group (order by d) as p50,
                 percentile_cont(0.95) within group (order by d) as p95
          from (${rows}) r group by bucket`
      : sql<Record<string, unknown>>`
          select bucket, count(*) as n, avg(d) as mean, ${blend(0.5)} as p50, ${blend(0.95)} as p95
          from (select bucket, d,
                       row_number() over (partition by bucket order by d) - 1 as rn,
                       count(*) over (partition by bucket) as cnt
                from (${rows}) r) ranked
          group by bucket`;
  const { rows: found } = await query.execute(db);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return found.map((r) => ({
    bucket: Number(r.bucket),
    n: Number(r.n),
    mean: num(r.mean),
    p50: num(r.p50),
    p95: num(r.p95),
  }));
}

/** SQLite: percentile_cont(p) from ranked rows (rn from 0, cnt per group): the ranks around p·(cnt−1), blended. */
function blend(p: number): Expr {
  const pos = sql`(${sql.lit(p)} * (cnt - 1))`;
  const low = sql`cast(${pos} as integer)`;
  const frac = sql`(${pos} - ${low})`;
  return sql`sum(case when rn = ${low} then d * (1 - ${frac}) else 0 end
               + case when rn = ${low} + 1 then d * ${frac} else 0 end)`;
}
