// Post-mortems, pure: their sections, the states they move through, the seed's 24–72 h meeting window,
// which incident timeline entries prefill the timeline and how each reads, the impact section's first
// text, and when the owner is reminded. No I/O; every rule that needs the time takes it.
import { AppError } from '../errors.js';
import type { Incident } from '../incident.js';

export const SECTION_KEYS = [
  'summary',
  'impact',
  'timeline',
  'root_cause',
  'contributing_factors',
  'went_well',
  'went_badly',
  'lessons',
  'action_items',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** Section headings, as the export prints them. */
export const SECTION_TITLES: Readonly<Record<SectionKey, string>> = {
  summary: 'Summary',
  impact: 'Impact',
  timeline: 'Timeline',
  root_cause: 'Root cause',
  contributing_factors: 'Contributing factors',
  went_well: 'What went well',
  went_badly: 'What went badly',
  lessons: 'Lessons',
  action_items: 'Action items',
};

export const POSTMORTEM_STATES = ['draft', 'in_review', 'published'] as const;
export type PostmortemState = (typeof POSTMORTEM_STATES)[number];

/** draft → in_review → published, and back from in_review to draft; published is final. */
const MOVES: Readonly<Record<PostmortemState, readonly PostmortemState[]>> = {
  draft: ['in_review'],
  in_review: ['draft', 'published'],
  published: [],
};

export const isSectionKey = (key: string): key is SectionKey => (SECTION_KEYS as readonly string[]).includes(key);

/** Refuses (409) a move the state machine does not have. */
export function checkMove(from: PostmortemState, to: PostmortemState): void {
  if (from === to || MOVES[from].includes(to)) return;
  throw new AppError(
    'postmortem.invalid_transition',
    from === 'published'
      ? 'the post-mortem is published; it does not change again'
      : `cannot move a post-mortem from ${from} to ${to} (${from} → ${MOVES[from].join(' or ')})`,
    { state: from, to, allowed: MOVES[from] },
  );
}

/** Refuses (409) any change to a published post-mortem. */
export function checkEditable(state: PostmortemState): void {
  if (state === 'published')
    throw new AppError('postmortem.invalid_transition', 'the post-mortem is published; it does not change again', {
      state,
    });
}

const HOUR = 3_600_000;
/** The seed's post-mortem window: the meeting falls 24 to 72 hours after resolution. */
export const MEETING_WINDOW_HOURS = [24, 72] as const;

/**
 * Why a meeting time is outside the seed's 24–72 h window after resolution (it is still accepted), or
 * nothing when it fits. An incident not resolved (reopened since) has no window to check against.
 */
export function meetingWarnings(meetingAt: Date | null, resolvedAt: Date | null): string[] {
  if (!meetingAt) return [];
  if (!resolvedAt)
    return ['meeting_at: the incident is not resolved, so the 24–72 h window after resolution cannot be checked'];
  const hours = (meetingAt.getTime() - resolvedAt.getTime()) / HOUR;
  const [from, to] = MEETING_WINDOW_HOURS;
  if (hours >= from && hours <= to) return [];
  const when = hours < 0 ? `${round(-hours)} h before resolution` : `${round(hours)} h after resolution`;
  return [`meeting_at: ${when}; the runbook's post-mortem meeting falls ${from}–${to} h after resolution`];
}

const round = (n: number) => Math.round(n * 10) / 10;

export const REMINDER_KINDS = ['meeting', 'publish'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** When each reminder to the owner falls due: no meeting 24 h after resolution, not published 72 h after. */
export function reminderTimes(resolvedAt: Date): Array<{ kind: ReminderKind; dueAt: Date }> {
  const [meeting, publish] = MEETING_WINDOW_HOURS;
  return [
    { kind: 'meeting', dueAt: new Date(resolvedAt.getTime() + meeting * HOUR) },
    { kind: 'publish', dueAt: new Date(resolvedAt.getTime() + publish * HOUR) },
  ];
}

/** Whether a due reminder still has a reason to go out. */
export function reminderWanted(
  kind: ReminderKind,
  pm: { state: PostmortemState; meetingAt: Date | null; ownerId: string | null },
): boolean {
  if (!pm.ownerId || pm.state === 'published') return false;
  return kind === 'publish' || pm.meetingAt === null;
}

/**
 * The incident timeline kinds a post-mortem's timeline is prefilled with: triggered, acknowledged,
 * escalations, severity and phase changes, reopening, resolved, notes — of which only those marked key
 * (`isKeyEntry`) — and mitigation actions that ran (not dry runs), with how they ended.
 */
export const KEY_KINDS = [
  'created',
  'acknowledged',
  'escalated',
  'escalation_exhausted',
  'severity_changed',
  'phase_changed',
  'reopened',
  'resolved',
  'note',
  'action_finished',
] as const;

/**
 * Whether an entry of one of KEY_KINDS belongs in the post-mortem: every one, but notes only when marked key
 * and actions only when they ran for real (a dry run, or one rejected or cancelled before it ran, changed nothing).
 */
export function isKeyEntry(e: { kind: string; data: Record<string, unknown> }): boolean {
  if (e.kind === 'note') return e.data.key === true;
  if (e.kind === 'action_finished')
    return e.data.dry_run !== true && e.data.state !== 'rejected' && e.data.state !== 'cancelled';
  return true;
}

/** One incident timeline entry, as the prefill reads it. */
export interface SourceEntry {
  id: string;
  at: Date;
  kind: string;
  actorName: string;
  data: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** One line saying what a key timeline entry was. */
export function summarize(e: SourceEntry): string {
  const d = e.data;
  switch (e.kind) {
    case 'created':
      return `Triggered: ${str(d.title)} (${str(d.severity)})${d.service ? ` on ${str(d.service)}` : ''}`;
    case 'acknowledged':
      return `Acknowledged by ${e.actorName}${d.within_target === false ? ' (after the response target)' : ''}`;
    case 'escalated': {
      const paged = Array.isArray(d.paged) ? d.paged.map((p) => str((p as { handle?: unknown }).handle)) : [];
      const name = d.name ? ` (${str(d.name)})` : '';
      return `Escalated to level ${str(d.level)}${name}: paged ${paged.filter(Boolean).join(', ') || 'nobody'}`;
    }
    case 'escalation_exhausted':
      return `Escalation policy ${str(d.policy)} ran out of levels; admins paged`;
    case 'severity_changed':
      return `Severity ${str(d.from)} → ${str(d.to)}${d.reason ? `: ${str(d.reason)}` : ''}`;
    case 'phase_changed':
      return `Phase ${str(d.from)} → ${str(d.to)}`;
    case 'reopened':
      return `Reopened by ${e.actorName}${d.reason ? `: ${str(d.reason)}` : ''}`;
    case 'resolved':
      return `Resolved by ${e.actorName}${d.note ? `: ${str(d.note)}` : ''}`;
    case 'note':
      return `Note by ${e.actorName}: ${str(d.text)}`;
    case 'action_finished': {
      const how =
        d.exit_code !== null && d.exit_code !== undefined
          ? ` (exit ${str(d.exit_code)})`
          : d.http_status !== null && d.http_status !== undefined
            ? ` (HTTP ${str(d.http_status)})`
            : '';
      const why = d.state !== 'succeeded' && d.reason ? `: ${str(d.reason)}` : '';
      return `Mitigation action ${str(d.name)} ${str(d.state).replace('_', ' ')}${how}${why}`;
    }
    default:
      return e.kind;
  }
}

/** "1 h 23 min", "2 d 4 h", "under 1 min". */
export function duration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes === 0) return 'under 1 min';
  const parts: Array<[number, string]> = [
    [Math.floor(minutes / 1440), 'd'],
    [Math.floor((minutes % 1440) / 60), 'h'],
    [minutes % 60, 'min'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

/** The impact section's first text (Markdown) from what the incident knows. */
export function impactText(
  incident: Pick<Incident, 'impact' | 'createdAt' | 'resolvedAt'>,
  serviceName: string | null,
  dataLoss: boolean,
): string {
  const end = incident.resolvedAt;
  const span = end
    ? `${duration(end.getTime() - incident.createdAt.getTime())} ` +
      `(${incident.createdAt.toISOString()} → ${end.toISOString()})`
    : 'not resolved';
  return [
    `- **Users affected:** ${incident.impact?.trim() || 'not yet known'}`,
    `- **Services:** ${serviceName ?? 'none recorded'}`,
    `- **Data loss:** ${dataLoss ? 'possible: a GDPR breach is recorded for this incident' : 'none reported'}`,
    `- **Duration:** ${span}`,
  ].join('\n');
}

/** The owner by default: the incident commander, else whoever resolved it (a person), else nobody. */
export function defaultOwner(incident: Pick<Incident, 'roles' | 'resolvedBy'>): string | null {
  return incident.roles.incident_commander?.id ?? incident.resolvedBy ?? null;
}
