// The public status page's model and its rules, pure. Components follow their services' open incidents,
// monitors and maintenance unless someone set a status by hand; each day of the last 90 is scored from
// the component's status history; the page's overall indicator is the worst of what is showing. The
// public page, Statuspage-compatible JSON and feeds are all made from one PublicModel (snapshot.ts), so
// nothing the model does not carry can leak onto the page.
import type { Severity } from '../incident.js';

export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** The public states of a published incident, in the order they usually go. */
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const MAINTENANCE_STATES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

/** What each open-incident severity turns a component into, and what a down monitor does. */
export interface StatusMap {
  P0: ComponentStatus;
  P1: ComponentStatus;
  P2: ComponentStatus;
  P3: ComponentStatus;
  monitor_down: ComponentStatus;
}

export const DEFAULT_STATUS_MAP: Readonly<StatusMap> = Object.freeze({
  P0: 'major_outage',
  P1: 'partial_outage',
  P2: 'degraded_performance',
  P3: 'operational',
  monitor_down: 'major_outage',
});

/** How bad a status is for customers: higher is worse (maintenance is planned, so it ranks under outages). */
const RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

/** The worse of two statuses. */
export const worse = (a: ComponentStatus, b: ComponentStatus): ComponentStatus => (RANK[b] > RANK[a] ? b : a);

/** What a component's automatic status is made from, read at one moment. */
export interface StatusInputs {
  /** Severities of the open (triggered or acknowledged) incidents on the component's services. */
  openSeverities: readonly Severity[];
  /** How many of the component's monitors are down. */
  monitorsDown: number;
  /** A maintenance window on one of its services, or a status-page maintenance naming it, is running. */
  inMaintenance: boolean;
}

/**
 * A component's status: the one set by hand while it is set; else maintenance while it runs (alerts then
 * are expected and page nobody); else the worst of what its open incidents and down monitors map to.
 */
export function effectiveStatus(manual: ComponentStatus | null, map: StatusMap, inputs: StatusInputs): ComponentStatus {
  if (manual) return manual;
  if (inputs.inMaintenance) return 'under_maintenance';
  let status: ComponentStatus = inputs.monitorsDown > 0 ? map.monitor_down : 'operational';
  for (const severity of inputs.openSeverities) status = worse(status, map[severity]);
  return status;
}

/** One change of a component's status: from `at` on it was `status`. */
export interface StatusChange {
  at: Date;
  status: ComponentStatus;
}

/** Share of a day counted as up, per status: partial outage weighs 0.3 of a full outage. */
const DOWN_WEIGHT: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

export interface UptimeDay {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  /** Share of the day not in outage (partial outage counted at 0.3), 0–1; null before the component existed. */
  up: number | null;
  /** The worst status the day saw. */
  worst: ComponentStatus;
}

export const UPTIME_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * The last `days` UTC days up to and including today's part so far, oldest first, from a component's
 * status changes (any order). Before its first change the component did not exist (up: null); today's
 * share is of the time elapsed so far, so a morning outage is not diluted by hours still to come.
 */
export function uptimeDays(changes: readonly StatusChange[], now: Date, days = UPTIME_DAYS): UptimeDay[] {
  const sorted = [...changes].sort((a, b) => a.at.getTime() - b.at.getTime());
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const out: UptimeDay[] = [];
  let i = 0;
  let current: ComponentStatus | null = null;
  const first = today - (days - 1) * DAY_MS;
  while (i < sorted.length && (sorted[i] as StatusChange).at.getTime() <= first)
    current = (sorted[i++] as StatusChange).status;
  for (let d = 0; d < days; d++) {
    const start = first + d * DAY_MS;
    const end = Math.min(start + DAY_MS, now.getTime());
    let worst: ComponentStatus = current ?? 'operational';
    let down = 0;
    let existed = 0;
    let from = start;
    const spend = (until: number) => {
      if (current !== null && until > from) {
        existed += until - from;
        down += (until - from) * DOWN_WEIGHT[current];
      }
      from = until;
    };
    while (i < sorted.length && (sorted[i] as StatusChange).at.getTime() < end) {
      const change = sorted[i++] as StatusChange;
      spend(change.at.getTime());
      current = change.status;
      worst = worse(worst, current);
    }
    spend(end);
    if (current !== null) worst = worse(worst, current);
    out.push({
      date: new Date(start).toISOString().slice(0, 10),
      up: existed > 0 ? 1 - down / existed : null,
      worst: existed > 0 ? worst : 'operational',
    });
  }
  return out;
}

/** The share of the known days that were up, as a percentage with two decimals (100 when none is known). */
export function uptimePercent(days: readonly UptimeDay[]): number {
  const known = days.filter((d) => d.up !== null);
  if (known.length === 0) return 100;
  const mean = known.reduce((sum, d) => sum + (d.up as number), 0) / known.length;
  return Math.floor(mean * 10_000) / 100;
}

/** Statuspage's page-level indicator. */
export type Indicator = 'none' | 'minor' | 'major' | 'critical';

const INDICATOR_OF: Record<ComponentStatus, Indicator> = {
  operational: 'none',
  under_maintenance: 'none',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};
const INDICATOR_RANK: Record<Indicator, number> = { none: 0, minor: 1, major: 2, critical: 3 };

/**
 * The page's indicator and its sentence: the worst of the components' statuses and the impact of the
 * unresolved published incidents.
 */
export function overallStatus(
  components: ReadonlyArray<{ status: ComponentStatus }>,
  unresolvedImpacts: readonly Impact[],
): { indicator: Indicator; description: string } {
  const levels: Indicator[] = [...components.map((c) => INDICATOR_OF[c.status]), ...unresolvedImpacts];
  const indicator = levels.reduce<Indicator>((a, b) => (INDICATOR_RANK[b] > INDICATOR_RANK[a] ? b : a), 'none');
  const maintenance = components.some((c) => c.status === 'under_maintenance');
  const description =
    indicator === 'critical'
      ? 'Major System Outage'
      : indicator === 'major'
        ? 'Partial System Outage'
        : indicator === 'minor'
          ? 'Minor Service Outage'
          : maintenance
            ? 'Service Under Maintenance'
            : 'All Systems Operational';
  return { indicator, description };
}

/**
 * Where a scheduled maintenance stands at `now`: scheduled before it starts, in progress until it ends,
 * then verifying for `verifyMs` (someone checks all is well), then completed. A maintenance completed by
 * hand stays completed.
 */
export function maintenanceStateAt(
  m: { startsAt: Date; endsAt: Date; completedAt: Date | null },
  verifyMs: number,
  now: Date,
): MaintenanceState {
  if (m.completedAt && m.completedAt.getTime() <= now.getTime()) return 'completed';
  const t = now.getTime();
  if (t < m.startsAt.getTime()) return 'scheduled';
  if (t < m.endsAt.getTime()) return 'in_progress';
  if (t < m.endsAt.getTime() + verifyMs) return 'verifying';
  return 'completed';
}

// The public model: everything the page, the JSON and the feeds may show, and nothing else.

export interface PublicPage {
  id: string;
  name: string;
  /** The page's absolute URL (VIGIL_PUBLIC_URL + prefix), or the prefix alone when no public URL is set. */
  url: string;
  /** An http(s) URL of the organisation's logo, or null. */
  logoUrl: string | null;
  /** IANA zone the page shows times in. */
  timeZone: string;
  updatedAt: Date;
}

export interface PublicComponent {
  id: string;
  name: string;
  description: string | null;
  /** Group heading it is listed under, or null. */
  group: string | null;
  position: number;
  status: ComponentStatus;
  /** Shown only while not operational (Statuspage's only_show_if_degraded). */
  onlyShowIfDegraded: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** The last 90 UTC days, oldest first. */
  uptime: UptimeDay[];
  uptimePercent: number;
}

export interface PublicUpdate {
  id: string;
  status: UpdateStatus;
  /** The customer-facing text, as the responder wrote it (plain text; renderers escape it). */
  body: string;
  createdAt: Date;
  /** Components this update set a status on. */
  affected: Array<{ componentId: string; name: string; status: ComponentStatus }>;
}

export interface PublicIncident {
  id: string;
  /** The public title (never the internal one). */
  name: string;
  status: UpdateStatus;
  impact: Impact;
  createdAt: Date;
  updatedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  componentIds: string[];
  /** Newest first. */
  updates: PublicUpdate[];
  /** A public post-mortem summary, once marked. */
  postmortem: { body: string; publishedAt: Date } | null;
}

export interface PublicMaintenance {
  id: string;
  name: string;
  body: string;
  status: MaintenanceState;
  scheduledFor: Date;
  scheduledUntil: Date;
  componentIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface PublicModel {
  page: PublicPage;
  /** By position, then name. */
  components: PublicComponent[];
  /** Published incidents of the last 90 days and every unresolved one, newest first. */
  incidents: PublicIncident[];
  /** Not completed, and completed in the last 90 days; soonest first. */
  maintenances: PublicMaintenance[];
  status: { indicator: Indicator; description: string };
  builtAt: Date;
}
