// Pieces of the public status page that page-html.ts assembles: escaping, times in the page's zone, and the
// 90-day uptime bar with the incidents of each day. Pure, like the page.
import { shortDate } from './page-style.js';
import type {
  ComponentStatus,
  MaintenanceState,
  PublicComponent,
  PublicModel,
  UpdateStatus,
  UptimeDay,
} from './status.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** The one-letter class of a status (page-style.ts); operational, the common case, has none. */
export const STATUS_CLASS: Record<ComponentStatus, string> = {
  operational: '',
  degraded_performance: 'd',
  partial_outage: 'p',
  major_outage: 'm',
  under_maintenance: 'u',
};

export const STATUS_LABEL: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const UPDATE_LABEL: Record<UpdateStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export const MAINTENANCE_LABEL: Record<MaintenanceState, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

export interface TimeFormat {
  /** A `<time>` element showing the moment in the page's zone. */
  time(at: Date): string;
  /** "March 2026" in the page's zone, for the history headings. */
  month(at: Date): string;
}

/** Formatters for the page's IANA zone; a zone the runtime does not know falls back to UTC rather than fail. */
export function timeFormat(timeZone: string): TimeFormat {
  const make = (zone: string) => ({
    time: new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    }),
    month: new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: 'long', year: 'numeric' }),
  });
  let f: ReturnType<typeof make>;
  try {
    f = make(timeZone);
  } catch {
    f = make('UTC');
  }
  return {
    time: (at) => `<time datetime="${at.toISOString()}">${escapeHtml(f.time.format(at))}</time>`,
    month: (at) => f.month.format(at),
  };
}

const DAY_MS = 86_400_000;

/** Per component, per UTC day (YYYY-MM-DD), the names of the published incidents open on it. */
export type DayNotes = Map<string, Map<string, string[]>>;

/** Which published incidents touched each component on each day: open at any moment of that UTC day. */
export function dayNotes(model: PublicModel): DayNotes {
  const notes: DayNotes = new Map();
  const oldest = model.components[0]?.uptime[0]?.date;
  const windowStart = oldest ? Date.parse(oldest + 'T00:00:00Z') : -Infinity;
  for (const incident of [...model.incidents].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const end = (incident.resolvedAt ?? model.builtAt).getTime();
    const first = Math.max(Math.floor(incident.createdAt.getTime() / DAY_MS) * DAY_MS, windowStart);
    if (end < first) continue;
    for (const componentId of new Set(incident.componentIds)) {
      const days = notes.get(componentId) ?? new Map<string, string[]>();
      notes.set(componentId, days);
      // The first day always counts (an incident opened and closed at once still happened); later days
      // count when the incident was open at their start or after.
      for (let day = first; day === first || day < end; day += DAY_MS) {
        const date = new Date(day).toISOString().slice(0, 10);
        days.set(date, [...(days.get(date) ?? []), incident.name]);
      }
    }
  }
  return notes;
}

/** How much shorter a cell is drawn for the share of the day that was up. */
function heightClass(up: number): string {
  if (up >= 0.995) return '';
  if (up >= 0.95) return 'h1';
  if (up >= 0.75) return 'h2';
  if (up >= 0.5) return 'h3';
  return 'h4';
}

const percent = (share: number) => `${(Math.floor(share * 10_000) / 100).toFixed(2)}%`;

function cell(day: UptimeDay, incidents: readonly string[], titled: boolean): string {
  if (day.up === null) {
    return titled ? `<li class="n" title="${shortDate(day.date)}: no data">` : '<li class="n">';
  }
  const classes = [STATUS_CLASS[day.worst], heightClass(day.up)].filter(Boolean).join(' ');
  const clean = day.up === 1 && day.worst === 'operational' && incidents.length === 0;
  if (clean && !titled) return '<li>';
  const title =
    `${shortDate(day.date)}: ${percent(day.up)} up` +
    (day.worst === 'operational' ? '' : `, ${STATUS_LABEL[day.worst].toLowerCase()}`) +
    (incidents.length ? `. Incidents: ${incidents.join('; ')}` : '');
  return `<li${classes ? ` class="${classes}"` : ''} title="${escapeHtml(title)}">`;
}

/**
 * A component's bar, one `<li>` per day, oldest first. A day with nothing to tell (fully up, no incident)
 * gets no title of its own: its date comes from the shared CSS label of its column (page-style.ts) and the
 * bar's title says the rest. This keeps 50 components under 60 KB; days that differ carry their full title.
 * A component whose days are not the page's `axis` (so the column labels would lie) titles every day.
 */
export function uptimeBar(
  c: PublicComponent,
  notes: ReadonlyMap<string, readonly string[]> | undefined,
  axis: readonly string[],
): string {
  const aligned = c.uptime.length === axis.length && c.uptime.every((d, i) => d.date === axis[i]);
  const summary = `${c.name}: ${c.uptimePercent.toFixed(2)}% uptime over the last ${c.uptime.length} days`;
  const cells = c.uptime.map((d) => cell(d, notes?.get(d.date) ?? [], !aligned)).join('');
  // <li> end tags are optional in HTML; leaving them out saves 5 bytes on each of the 4,500 cells.
  return `<ol class="b" role="img" aria-label="${escapeHtml(summary)}" title="${escapeHtml(summary)}">${cells}</ol>`;
}
