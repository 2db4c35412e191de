// error-tracking: the runbook's get_error_analytics — how many errors, how fast, which groups, how
// many people, what is new and what came back, over one of the runbook's time windows.
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { TIME_WINDOWS, type RunbookFunction } from '../runbook/index.js';
import type { ServicesService } from '../services/index.js';
import {
  activeGroupCount,
  countGroupsSince,
  findGroupsById,
  groupsSince,
  minuteSeries,
  topGroupCounts,
  usersAffected,
  usersPerGroup,
  type ErrorGroup,
  type WindowFilter,
} from './errors.repo.js';
import { minuteOf } from './errors-batch.js';
import { MAX_ENVIRONMENT } from './event.js';

type Window = keyof typeof TIME_WINDOWS;
const windows = Object.keys(TIME_WINDOWS) as [Window, ...Window[]];

/** Minutes per point of the rate series: about 60–170 points whatever the window. */
const BUCKET_MINUTES: Record<Window, number> = { '15m': 1, '1h': 1, '6h': 5, '24h': 15, '7d': 60 };
const TOP_GROUPS = 10;
const LISTED = 20;

const params = z.object({
  time_window: z.enum(windows).default('1h'),
  service: z.string().trim().min(1).max(200).optional(),
  environment: z.string().trim().min(1).max(MAX_ENVIRONMENT).optional(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function errorAnalytics({
  db,
  clock,
  services,
}: {
  db: Db;
  clock: Clock;
  services: ServicesService;
}): RunbookFunction {
  return {
    get_error_analytics: {
      summary:
        'Error events, rate per minute, top error groups, users affected, new and regressed groups in a time window',
      permission: 'read',
      params,
      async run(actor, raw) {
        const p = raw as z.infer<typeof params>;
        const now = clock.now();
        const windowMs = TIME_WINDOWS[p.time_window];
        const service = p.service ? await services.get(actor, p.service) : undefined;
        // Counts are per minute, so the window starts at the start of its first minute.
        const since = minuteOf(new Date(now.getTime() - windowMs + 60_000));
        const f: WindowFilter = { since, serviceId: service?.id, environment: p.environment };

        const minutes = await minuteSeries(db, f);
        const events = minutes.reduce((sum, m) => sum + m.count, 0);
        const bucketMs = BUCKET_MINUTES[p.time_window] * 60_000;
        const start = Date.parse(since);
        const points = Math.ceil(windowMs / bucketMs);
        const buckets = Array.from({ length: points }, () => 0);
        for (const m of minutes) {
          const i = Math.min(points - 1, Math.max(0, Math.floor((Date.parse(m.minute) - start) / bucketMs)));
          buckets[i] = (buckets[i] ?? 0) + m.count;
        }
        const perMinute = (n: number, ms: number) => Math.round((n / (ms / 60_000)) * 100) / 100;
        const peak = minutes.reduce((max, m) => Math.max(max, m.count), 0);

        const top = await topGroupCounts(db, f, TOP_GROUPS);
        const newGroups = await groupsSince(db, f, 'first_seen', LISTED);
        const regressed = await groupsSince(db, f, 'regressed_at', LISTED);
        const ids = [
          ...new Set([...top.map((t) => t.groupId), ...newGroups.map((g) => g.id), ...regressed.map((g) => g.id)]),
        ];
        const groups = new Map((await findGroupsById(db, ids)).map((g) => [g.id, g]));
        const users = await usersPerGroup(db, ids, since);
        const inWindow = new Map(top.map((t) => [t.groupId, t.count]));
        const view = (g: ErrorGroup) => ({
          id: g.id,
          service_id: g.serviceId,
          environment: g.environment,
          title: g.title,
          type: g.type,
          culprit: g.culprit,
          level: g.level,
          status: g.status,
          events: inWindow.get(g.id) ?? null,
          events_total: g.count,
          users_affected: users.get(g.id) ?? 0,
          first_seen: iso(g.firstSeen),
          last_seen: iso(g.lastSeen),
          last_message: g.lastMessage,
          ...(g.regressedAt && { resolved_at: iso(g.resolvedAt), regressed_at: iso(g.regressedAt) }),
        });
        const listed = (list: ErrorGroup[]) => list.map((g) => view(groups.get(g.id) ?? g));

        return {
          time_window: p.time_window,
          since,
          until: now.toISOString(),
          service: service ? { id: service.id, name: service.name } : null,
          environment: p.environment ?? null,
          totals: {
            events,
            groups: await activeGroupCount(db, f),
            users_affected: await usersAffected(db, f),
            new_groups: await countGroupsSince(db, f, 'first_seen'),
            regressed_groups: await countGroupsSince(db, f, 'regressed_at'),
          },
          rate: {
            per_minute_avg: perMinute(events, windowMs),
            peak_per_minute: peak,
            bucket_minutes: BUCKET_MINUTES[p.time_window],
            series: buckets.map((n, i) => ({
              at: new Date(start + i * bucketMs).toISOString(),
              events: n,
              per_minute: perMinute(n, bucketMs),
            })),
          },
          top_groups: top
            .map((t) => groups.get(t.groupId))
            .filter((g): g is ErrorGroup => g !== undefined)
            .map(view),
          new_groups: listed(newGroups),
          regressed_groups: listed(regressed),
        };
      },
    },
  };
}
