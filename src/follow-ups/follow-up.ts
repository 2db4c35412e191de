// Follow-ups (the action items after an incident) and their rules, pure: what may change into what,
// when one is overdue, and when its owner is reminded.
//
// Reminders and "the day". The owner is reminded twice: on the day before the due day and on the due day,
// where a day is a calendar day in the owner's own time zone (users.timezone), read at the moment the
// reminders are planned. Each reminder is due at 09:00 owner-local on its day, but never after due_at
// (a follow-up due at 08:00 is reminded at 08:00 on its due day and at 09:00 the day before). A reminder
// whose time has passed when it is planned is due at once while its day (owner-local) still runs and the
// follow-up is not yet due; otherwise it is skipped: a follow-up added at 15:00 and due tomorrow gets its
// day-before reminder now; one added on its due day gets no day-before reminder. Days follow the zone's
// daylight-saving rules (luxon), so 09:00 stays 09:00 across a change.
import { DateTime } from 'luxon';
import { AppError } from '../errors.js';

export const FOLLOW_UP_KINDS = ['technical', 'process', 'monitoring', 'training'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export const FOLLOW_UP_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type FollowUpPriority = (typeof FOLLOW_UP_PRIORITIES)[number];

export const FOLLOW_UP_STATUSES = ['outstanding', 'completed', 'not_doing', 'deleted'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export const REMINDER_KINDS = ['day_before', 'due_day'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** The owner-local hour a reminder is sent on its day. */
export const REMINDER_HOUR = 9;

export interface FollowUp {
  id: string;
  incidentId: string;
  /** A post-mortem's id; not checked, there is no post-mortem table yet. */
  postmortemId: string | null;
  title: string;
  kind: FollowUpKind;
  ownerId: string;
  dueAt: Date;
  priority: FollowUpPriority;
  status: FollowUpStatus;
  /** Why it is not being done (required for not_doing), or a note on another status. */
  reason: string | null;
  /** The issue tracker's link (http or https). */
  externalUrl: string | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a change may set; absent fields stay as they are, null clears what may be cleared. */
export interface FollowUpPatch {
  title?: string | undefined;
  kind?: FollowUpKind | undefined;
  ownerId?: string | undefined;
  dueAt?: Date | undefined;
  priority?: FollowUpPriority | undefined;
  status?: FollowUpStatus | undefined;
  reason?: string | null | undefined;
  externalUrl?: string | null | undefined;
  postmortemId?: string | null | undefined;
}

export const isOverdue = (f: Pick<FollowUp, 'status' | 'dueAt'>, now: Date): boolean =>
  f.status === 'outstanding' && now > f.dueAt;

/** Refuses a due time that has passed (a new follow-up must be due in the future). */
export function checkDueAt(dueAt: Date, now: Date): void {
  if (dueAt <= now)
    throw new AppError('follow_up.invalid', 'due_at: must be in the future', {
      field: 'due_at',
      now: now.toISOString(),
    });
}

/** Refuses not_doing without a reason. */
export function checkReason(status: FollowUpStatus, reason: string | null): void {
  if (status === 'not_doing' && !reason)
    throw new AppError('follow_up.invalid', 'reason: required when the status is not_doing', { field: 'reason' });
}

/**
 * The follow-up after `patch` at `now`, or an error: a deleted follow-up does not change again; not_doing
 * needs a reason (given with the move); completing stamps completed_at, leaving completed clears it.
 */
export function applyPatch(f: FollowUp, patch: FollowUpPatch, now: Date): FollowUp {
  if (f.status === 'deleted')
    throw new AppError('follow_up.conflict', `follow-up ${f.id} is deleted; it does not change again`, {
      status: f.status,
    });
  const status = patch.status ?? f.status;
  // A move to another status drops the old reason unless the change gives one.
  const moved = status !== f.status;
  const reason = patch.reason !== undefined ? patch.reason : moved ? null : f.reason;
  checkReason(status, reason);
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as FollowUpPatch;
  return {
    ...f,
    ...defined,
    status,
    reason,
    completedAt: status === 'completed' ? (f.status === 'completed' ? f.completedAt : now) : null,
    updatedAt: now,
  } as FollowUp;
}

/** The timeline entry's kind for a follow-up moving into `status` (from another). */
export function statusEntry(from: FollowUpStatus, to: FollowUpStatus): string {
  if (to === 'outstanding') return 'follow_up_reopened';
  return `follow_up_${to}`;
}

/** One reminder to plan: which, for which owner-local day, and when it is due. */
export interface PlannedReminder {
  kind: ReminderKind;
  day: string;
  dueAt: Date;
}

/**
 * The reminders still to send for a follow-up due at `dueAt` to an owner in `zone`, planned at `now`
 * (see the header for the rule).
 */
export function remindersFor(dueAt: Date, zone: string, now: Date): PlannedReminder[] {
  if (dueAt <= now) return [];
  const dueDay = DateTime.fromJSDate(dueAt, { zone }).startOf('day');
  const nowLocal = DateTime.fromJSDate(now, { zone });
  const days: Array<[ReminderKind, DateTime]> = [
    ['day_before', dueDay.minus({ days: 1 })],
    ['due_day', dueDay],
  ];
  return days.flatMap(([kind, day]) => {
    if (nowLocal >= day.plus({ days: 1 }).startOf('day')) return []; // its day is over
    const slot = day.set({ hour: REMINDER_HOUR }).toJSDate();
    const at = new Date(Math.max(Math.min(slot.getTime(), dueAt.getTime()), now.getTime()));
    return [{ kind, day: day.toISODate() as string, dueAt: at }];
  });
}
