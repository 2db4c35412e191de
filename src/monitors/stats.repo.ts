// Check counts and latency percentiles over time ranges (monitorStats), and the roll-up of raw
// samples older than seven days into per-minute rows with a latency histogram.
//
// Raw samples give exact percentiles when they are all there is and not too many to read
// (EXACT_LIMIT latencies); otherwise every part — raw samples by bucket and aggregated minutes — is
// merged into one histogram and the percentiles are read from it (histogram.ts: within a factor of √2).
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { chunks } from '../db/chunks.js';
import { BUCKETS, bucketOf, exactPercentile, histogramPercentile } from './histogram.js';

export interface StatsRow {
  monitorId: string | null;
  serviceId: string;
  count: number;
  failures: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** More successful raw latencies than this in one query and percentiles come from the histogram. */
const EXACT_LIMIT = 100_000;

const COLUMNS = Array.from({ length: BUCKETS }, (_, i) => `h${String(i).padStart(2, '0')}`) as Array<`h${string}`>;

interface Acc {
  serviceId: string;
  count: number;
  failures: number;
  hist: number[];
  latencies: number[];
}

const acc = (serviceId: string): Acc => ({
  serviceId,
  count: 0,
  failures: 0,
  hist: new Array<number>(BUCKETS).fill(0),
  latencies: [],
});

/**
 * Checks, failures and p50/p95/p99 latency (ms, successful checks with a latency) per monitor and per
 * service, over all `ranges` pooled (e.g. the same hour on each of the last seven days).
 */
export async function monitorStats(
  db: Db,
  q: { ranges: Array<{ from: Date; to: Date }>; serviceId?: string },
): Promise<{ monitors: StatsRow[]; services: StatsRow[] }> {
  if (q.ranges.length === 0) return { monitors: [], services: [] };
  const byMonitor = new Map<string, Acc>();
  const get = (monitorId: string, serviceId: string) => {
    let a = byMonitor.get(monitorId);
    if (!a) byMonitor.set(monitorId, (a = acc(serviceId)));
    return a;
  };

  const raw = () => {
    let query = db
      .selectFrom('monitor_samples')
      .where((eb) =>
        eb.or(q.ranges.map((r) => eb.and([eb('at', '>=', r.from.toISOString()), eb('at', '<', r.to.toISOString())]))),
      );
    if (q.serviceId) query = query.where('service_id', '=', q.serviceId);
    return query;
  };
  const counts = await raw()
    .select((eb) => [
      'monitor_id',
      'service_id',
      eb.fn.countAll<string | number>().as('n'),
      sql<string | number>`sum(case when ok = 0 then 1 else 0 end)`.as('failed'),
    ])
    .groupBy(['monitor_id', 'service_id'])
    .execute();
  for (const r of counts) {
    const a = get(r.monitor_id, r.service_id);
    a.count += Number(r.n);
    a.failures += Number(r.failed);
  }
  const buckets = await raw()
    .select((eb) => ['monitor_id', 'service_id', 'bucket', eb.fn.countAll<string | number>().as('n')])
    .where('ok', '=', 1)
    .where('bucket', 'is not', null)
    .groupBy(['monitor_id', 'service_id', 'bucket'])
    .execute();
  let rawLatencies = 0;
  for (const r of buckets) {
    const a = get(r.monitor_id, r.service_id);
    a.hist[r.bucket as number] = (a.hist[r.bucket as number] ?? 0) + Number(r.n);
    rawLatencies += Number(r.n);
  }

  let minutes = db
    .selectFrom('monitor_minutes')
    .select((eb) => [
      'monitor_id',
      'service_id',
      eb.fn.sum<string | number>('count').as('n'),
      eb.fn.sum<string | number>('failures').as('failed'),
      ...COLUMNS.map((c) => sql<string | number>`sum(${sql.ref(c)})`.as(c)),
    ])
    .where((eb) =>
      eb.or(
        q.ranges.map((r) => eb.and([eb('minute', '>=', r.from.toISOString()), eb('minute', '<', r.to.toISOString())])),
      ),
    )
    .groupBy(['monitor_id', 'service_id']);
  if (q.serviceId) minutes = minutes.where('service_id', '=', q.serviceId);
  const aggregated = await minutes.execute();
  for (const r of aggregated) {
    const a = get(r.monitor_id, r.service_id);
    a.count += Number(r.n);
    a.failures += Number(r.failed);
    const row = r as unknown as Record<string, string | number>;
    COLUMNS.forEach((c, i) => (a.hist[i] = (a.hist[i] ?? 0) + Number(row[c] ?? 0)));
  }

  // Exact when only raw samples are involved and there are few enough to read.
  const exact = aggregated.length === 0 && rawLatencies <= EXACT_LIMIT;
  if (exact && rawLatencies > 0) {
    const rows = await raw()
      .select(['monitor_id', 'latency_ms'])
      .where('ok', '=', 1)
      .where('latency_ms', 'is not', null)
      .execute();
    for (const r of rows) byMonitor.get(r.monitor_id)?.latencies.push(r.latency_ms as number);
  }

  const byService = new Map<string, Acc>();
  for (const a of byMonitor.values()) {
    let s = byService.get(a.serviceId);
    if (!s) byService.set(a.serviceId, (s = acc(a.serviceId)));
    s.count += a.count;
    s.failures += a.failures;
    a.hist.forEach((n, i) => (s.hist[i] = (s.hist[i] ?? 0) + n));
    for (const l of a.latencies) s.latencies.push(l);
  }
  const row = (monitorId: string | null, a: Acc): StatsRow => {
    if (exact) {
      const sorted = a.latencies.sort((x, y) => x - y);
      return {
        monitorId,
        serviceId: a.serviceId,
        count: a.count,
        failures: a.failures,
        p50: exactPercentile(sorted, 0.5),
        p95: exactPercentile(sorted, 0.95),
        p99: exactPercentile(sorted, 0.99),
      };
    }
    return {
      monitorId,
      serviceId: a.serviceId,
      count: a.count,
      failures: a.failures,
      p50: histogramPercentile(a.hist, 0.5),
      p95: histogramPercentile(a.hist, 0.95),
      p99: histogramPercentile(a.hist, 0.99),
    };
  };
  return {
    monitors: [...byMonitor.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([id, a]) => row(id, a)),
    services: [...byService.values()].sort((x, y) => (x.serviceId < y.serviceId ? -1 : 1)).map((a) => row(null, a)),
  };
}

const minuteOf = (iso: string): string => `${iso.slice(0, 16)}:00.000Z`;

/**
 * Moves raw samples older than `cutoff` into per-minute rows, at most `maxMinutes` minutes of them
 * (oldest first) per call, and only whole minutes. The samples are deleted with RETURNING and
 * aggregated from what came back, so when two instances roll up at once each sample is counted by
 * whichever deleted it, never twice. Returns the number of samples moved.
 */
export async function rollUpSamples(db: Db, cutoff: Date, maxMinutes: number): Promise<number> {
  const oldest = await db
    .selectFrom('monitor_samples')
    .select((eb) => eb.fn.min('at').as('at'))
    .where('at', '<', cutoff.toISOString())
    .executeTakeFirst();
  if (!oldest?.at) return 0;
  const from = new Date(minuteOf(oldest.at as string));
  const upper = new Date(
    Math.min(new Date(minuteOf(cutoff.toISOString())).getTime(), from.getTime() + maxMinutes * 60_000),
  );
  if (upper <= from) return 0;
  return db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('monitor_samples')
      .where('at', '>=', from.toISOString())
      .where('at', '<', upper.toISOString())
      .returning(['monitor_id', 'service_id', 'at', 'ok', 'latency_ms', 'bucket'])
      .execute();
    const rows = new Map<
      string,
      { monitor_id: string; service_id: string; minute: string; count: number; failures: number; hist: number[] }
    >();
    for (const s of gone) {
      const minute = minuteOf(s.at);
      const key = `${s.monitor_id}\n${minute}`;
      let r = rows.get(key);
      if (!r)
        rows.set(
          key,
          (r = {
            monitor_id: s.monitor_id,
            service_id: s.service_id,
            minute,
            count: 0,
            failures: 0,
            hist: new Array<number>(BUCKETS).fill(0),
          }),
        );
      r.count += 1;
      if (!s.ok) r.failures += 1;
      else if (s.latency_ms !== null) {
        const b = s.bucket ?? bucketOf(s.latency_ms);
        r.hist[b] = (r.hist[b] ?? 0) + 1;
      }
    }
    for (const part of chunks([...rows.values()], 32)) {
      await trx
        .insertInto('monitor_minutes')
        .values(
          part.map(
            (r) =>
              ({
                monitor_id: r.monitor_id,
                service_id: r.service_id,
                minute: r.minute,
                count: r.count,
                failures: r.failures,
                ...Object.fromEntries(COLUMNS.map((c, i) => [c, r.hist[i] ?? 0])),
              }) as never,
          ),
        )
        .onConflict((oc) =>
          oc
            .columns(['monitor_id', 'minute'])
            .doUpdateSet(
              Object.fromEntries(
                ['count', 'failures', ...COLUMNS].map((c) => [
                  c,
                  sql`${sql.ref(`monitor_minutes.${c}`)} + ${sql.ref(`excluded.${c}`)}`,
                ]),
              ) as never,
            ),
        )
        .execute();
    }
    return gone.length;
  });
}
