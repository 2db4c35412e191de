// Reads the public model of the status page: public components with their 90-day uptime, published
// incidents of the last 90 days (and every unresolved one) with their updates, and scheduled maintenance.
// Only what was made to be public is read into it: components marked public, the public titles and texts
// responders wrote; never internal incident titles, notes, people, services or alerts.
import type { Db } from '../db/database.js';
import {
  historySince,
  listMaintenances,
  listPublished,
  updatesOf,
  type Component,
  type StatusSettings,
} from './status.repo.js';
import {
  overallStatus,
  uptimeDays,
  uptimePercent,
  UPTIME_DAYS,
  type PublicComponent,
  type PublicIncident,
  type PublicModel,
} from './status.js';

const DAY_MS = 86_400_000;

/** The first instant the uptime bars and the history cover: midnight UTC 89 days before today. */
export const windowStart = (now: Date): Date =>
  new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - (UPTIME_DAYS - 1) * DAY_MS);

export async function loadPublicModel(
  db: Db,
  input: { now: Date; settings: StatusSettings; components: readonly Component[]; pageUrl: string },
): Promise<PublicModel> {
  const { now, settings } = input;
  const since = windowStart(now);
  const shown = input.components.filter((c) => c.public);
  const names = new Map(shown.map((c) => [c.id, c.name]));
  const [history, published, maintenances] = await Promise.all([
    historySince(db, since),
    listPublished(db, since),
    listMaintenances(db, since),
  ]);
  const updates = await updatesOf(
    db,
    published.map((p) => p.id),
  );

  const components: PublicComponent[] = shown.map((c) => {
    const uptime = uptimeDays(history.get(c.id) ?? [], now);
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      group: c.group,
      position: c.position,
      status: c.status,
      onlyShowIfDegraded: c.onlyShowIfDegraded,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      uptime,
      uptimePercent: uptimePercent(uptime),
    };
  });

  const incidents: PublicIncident[] = published.map((p) => ({
    id: p.id,
    name: p.name,
    status: p.status,
    impact: p.impact,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    monitoringAt: p.monitoringAt,
    resolvedAt: p.resolvedAt,
    componentIds: p.componentIds.filter((id) => names.has(id)),
    updates: updates
      .filter((u) => u.statusIncidentId === p.id)
      .map((u) => ({
        id: u.id,
        status: u.status,
        body: u.body,
        createdAt: u.createdAt,
        affected: Object.entries(u.componentStatuses)
          .filter(([id]) => names.has(id))
          .map(([componentId, status]) => ({ componentId, name: names.get(componentId) as string, status })),
      })),
    postmortem: p.postmortem,
  }));

  const stamps = [
    settings.updatedAt,
    ...shown.map((c) => c.updatedAt),
    ...published.map((p) => p.updatedAt),
    ...maintenances.map((m) => m.updatedAt),
    ...[...history.values()].flatMap((h) => h.map((x) => x.at)),
  ].filter((d): d is Date => d !== null && d.getTime() <= now.getTime());
  const updatedAt = stamps.reduce<Date>((a, b) => (b > a ? b : a), new Date(0));

  return {
    page: {
      id: 'page',
      name: settings.name,
      url: input.pageUrl,
      logoUrl: settings.logoUrl,
      timeZone: settings.timeZone,
      updatedAt: updatedAt.getTime() > 0 ? updatedAt : now,
    },
    components,
    incidents,
    maintenances: maintenances.map((m) => ({
      id: m.id,
      name: m.title,
      body: m.body,
      status: m.state,
      scheduledFor: m.startsAt,
      scheduledUntil: m.endsAt,
      componentIds: m.componentIds.filter((id) => names.has(id)),
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
    })),
    status: overallStatus(
      components.filter((c) => !c.onlyShowIfDegraded || c.status !== 'operational'),
      incidents.filter((i) => i.resolvedAt === null).map((i) => i.impact),
    ),
    builtAt: now,
  };
}
