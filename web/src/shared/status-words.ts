// The status page's words and small rules, shared by its screen and the incident page: what each component
// status, public incident status, impact and maintenance state is called and which tone its badge has, the
// order components are listed in, maintenance by state, and the preview document split into its markup and
// its stylesheet (the console's content security policy refuses inline styles, even in a frame).
import type { StatusComponent, StatusMaintenance } from './api.ts';
import type { ComponentStatus, Impact, MaintenanceState, UpdateStatus } from './status-api.ts';
import type { Tone } from '../ui/index.ts';

export const COMPONENT_STATUS_LABEL: Readonly<Record<ComponentStatus, string>> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const COMPONENT_STATUS_TONE: Readonly<Record<ComponentStatus, Tone>> = {
  operational: 'success',
  degraded_performance: 'warning',
  partial_outage: 'warning',
  major_outage: 'danger',
  under_maintenance: 'info',
};

export const UPDATE_STATUS_LABEL: Readonly<Record<UpdateStatus, string>> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export const UPDATE_STATUS_TONE: Readonly<Record<UpdateStatus, Tone>> = {
  investigating: 'danger',
  identified: 'warning',
  monitoring: 'info',
  resolved: 'success',
};

export const IMPACT_LABEL: Readonly<Record<Impact, string>> = {
  none: 'None',
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
};

export const MAINTENANCE_STATE_LABEL: Readonly<Record<MaintenanceState, string>> = {
  in_progress: 'In progress',
  verifying: 'Verifying',
  scheduled: 'Scheduled',
  completed: 'Completed',
};

export const MAINTENANCE_STATE_TONE: Readonly<Record<MaintenanceState, Tone>> = {
  in_progress: 'info',
  verifying: 'accent',
  scheduled: 'neutral',
  completed: 'success',
};

/** Select options from a label table, in the table's order. */
export function optionsOf<K extends string>(labels: Readonly<Record<K, string>>): Array<{ id: K; label: string }> {
  return (Object.keys(labels) as K[]).map((id) => ({ id, label: labels[id] }));
}

/** Components as the public page lists them: by group (ungrouped first), then position, then name. */
export function byGroupAndPosition(components: readonly StatusComponent[]): StatusComponent[] {
  return [...components].sort(
    (a, b) => (a.group ?? '').localeCompare(b.group ?? '') || a.position - b.position || a.name.localeCompare(b.name),
  );
}

/** What a component's status rests on, in words: set by hand, by a published update, or automatic. */
export function statusSource(c: Pick<StatusComponent, 'manual_status' | 'manual_source'>): string {
  if (c.manual_status === null) return 'Automatic';
  return c.manual_source ? 'Set by a published update' : 'Set by hand';
}

/**
 * Maintenance in the order people look for it: what runs now (in progress, then verifying), what is
 * scheduled, soonest first, then what completed, latest first. Empty states are left out.
 */
export function maintenanceByState(
  list: readonly StatusMaintenance[],
): Array<{ state: MaintenanceState; items: StatusMaintenance[] }> {
  const order = Object.keys(MAINTENANCE_STATE_LABEL) as MaintenanceState[];
  return order
    .map((state) => {
      const items = list.filter((m) => m.state === state);
      items.sort((a, b) =>
        state === 'completed'
          ? Date.parse(b.completed_at ?? b.ends_at) - Date.parse(a.completed_at ?? a.ends_at)
          : Date.parse(a.starts_at) - Date.parse(b.starts_at),
      );
      return { state, items };
    })
    .filter((g) => g.items.length > 0);
}

/** Why a maintenance form cannot be sent yet, or null when it can. */
export function maintenanceProblem(f: {
  title: string;
  body: string;
  startsAt: string | null;
  endsAt: string | null;
}): string | null {
  if (!f.title.trim()) return 'Give it a title.';
  if (!f.body.trim()) return 'Say what will happen, for customers.';
  if (!f.startsAt || !f.endsAt) return 'Choose when it starts and ends.';
  if (Date.parse(f.endsAt) <= Date.parse(f.startsAt)) return 'It must end after it starts.';
  return null;
}

/**
 * The preview document's markup with its `<style>` elements taken out, and their CSS: the frame shows the
 * markup and the console adopts the CSS as a constructed stylesheet, which the content security policy allows.
 * Images from other sites (the logo) are left out too, since the policy refuses them; `imagesLeftOut` says so.
 */
export function splitPreview(html: string): { markup: string; css: string; imagesLeftOut: boolean } {
  const css: string[] = [];
  let imagesLeftOut = false;
  const markup = html
    .replace(/<style\b[^>]*>([\s\S]*?)<\/style>/gi, (_whole, sheet: string) => {
      css.push(sheet);
      return '';
    })
    .replace(/<img\b[^>]*\bsrc="(?:https?:)?\/\/[^"]*"[^>]*>/gi, () => {
      imagesLeftOut = true;
      return '';
    });
  return { markup, css: css.join('\n'), imagesLeftOut };
}
