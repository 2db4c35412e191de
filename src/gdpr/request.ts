// Data-subject requests (Arts. 15–21) and their deadlines, pure. Art. 12(3): the controller answers
// "without undue delay and in any event within one month of receipt", extendable once "by two further
// months where necessary", provided the subject is told of the extension within the first month.
//
// A month is a calendar month, counted as Regulation (EEC, Euratom) No 1182/71 counts periods (Art.
// 3(2)(c)): the period ends when the day ends that has the same date, one month on, as the day of
// receipt; when that month is shorter (received 31 January), on its last day. Days end in UTC here,
// which the console shows in each reader's zone. Public holidays are not skipped (1182/71 would move
// a period ending on one to the next working day): Vigil cannot know a controller's holidays, and an
// earlier deadline is the safe side.
import { DateTime } from 'luxon';
import { AppError } from '../errors.js';

export const REQUEST_KINDS = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_STATES = ['open', 'extended', 'completed', 'refused'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** The article each kind of request rests on, for reports. */
export const REQUEST_ARTICLE: Readonly<Record<RequestKind, string>> = {
  access: 'Art. 15',
  rectification: 'Art. 16',
  erasure: 'Art. 17',
  restriction: 'Art. 18',
  portability: 'Art. 20',
  objection: 'Art. 21',
};

/** Reminders before a request's due time: 7 days and 1 day. */
export const REQUEST_REMINDERS = [
  { kind: 'due_in_7d', beforeMs: 7 * 86_400_000 },
  { kind: 'due_in_1d', beforeMs: 86_400_000 },
] as const;

export interface DataSubjectRequest {
  id: string;
  subjectId: string;
  kind: RequestKind;
  receivedAt: Date;
  dueAt: Date;
  state: RequestState;
  extendedAt: Date | null;
  extensionReason: string | null;
  completedAt: Date | null;
  refusedAt: Date | null;
  refusedReason: string | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The last moment of the day `months` calendar months after `from`'s day (UTC), per 1182/71. */
export function endOfDayMonthsLater(from: Date, months: number): Date {
  // luxon's plus({months}) keeps the date, or takes the month's last day when it has no such date.
  return DateTime.fromJSDate(from, { zone: 'utc' }).plus({ months }).endOf('day').toJSDate();
}

/** When a request received at `receivedAt` must be answered (Art. 12(3)). */
export function dueAt(receivedAt: Date): Date {
  return endOfDayMonthsLater(receivedAt, 1);
}

/** The due time after the one extension: two further months from the end of the first. */
export function extendedDueAt(receivedAt: Date): Date {
  return endOfDayMonthsLater(receivedAt, 3);
}

export const isClosed = (r: Pick<DataSubjectRequest, 'state'>): boolean =>
  r.state === 'completed' || r.state === 'refused';

export const isOverdue = (r: Pick<DataSubjectRequest, 'state' | 'dueAt'>, now: Date): boolean =>
  !isClosed(r) && now > r.dueAt;

/** Whole days left until the due time (negative once overdue), rounded towards the deadline. */
export function daysLeft(r: Pick<DataSubjectRequest, 'dueAt'>, now: Date): number {
  const ms = r.dueAt.getTime() - now.getTime();
  return ms >= 0 ? Math.floor(ms / 86_400_000) : -Math.ceil(-ms / 86_400_000);
}

export type RequestChange =
  | { to: 'extended'; reason: string }
  | { to: 'completed'; note?: string | undefined }
  | { to: 'refused'; reason: string };

const conflict = (message: string, details: Record<string, unknown>) =>
  new AppError('gdpr_request.conflict', message, details);

/**
 * The request after `change` at `now`, or an error naming why it cannot happen: open → extended (once,
 * while the first month runs, with a reason) → completed | refused (with a reason); a closed request
 * does not move again.
 */
export function applyChange(r: DataSubjectRequest, change: RequestChange, now: Date): DataSubjectRequest {
  if (isClosed(r))
    throw conflict(`request ${r.id} is ${r.state} already; a closed request does not change`, {
      state: r.state,
      to: change.to,
    });
  if (change.to === 'extended') {
    if (r.state === 'extended')
      throw conflict('a request can be extended only once (Art. 12(3)): it already was', { state: r.state });
    if (now > r.dueAt)
      throw conflict(
        'too late to extend: Art. 12(3) requires telling the subject within one month of receipt, ' +
          `which ended ${r.dueAt.toISOString()}`,
        { due_at: r.dueAt.toISOString() },
      );
    return {
      ...r,
      state: 'extended',
      dueAt: extendedDueAt(r.receivedAt),
      extendedAt: now,
      extensionReason: change.reason,
      updatedAt: now,
    };
  }
  if (change.to === 'completed')
    return { ...r, state: 'completed', completedAt: now, note: change.note ?? r.note, updatedAt: now };
  return { ...r, state: 'refused', refusedAt: now, refusedReason: change.reason, updatedAt: now };
}

/**
 * The reminders still ahead of `now` for a request due at `due`. An extended request's are kinds of their own
 * ("extended_due_in_7d"), so the reminders of the first deadline, already sent, do not stop them.
 */
export function remindersFor(due: Date, now: Date, extended = false): Array<{ kind: string; dueAt: Date }> {
  return REQUEST_REMINDERS.map((r) => ({
    kind: extended ? `extended_${r.kind}` : r.kind,
    dueAt: new Date(due.getTime() - r.beforeMs),
  })).filter((r) => r.dueAt > now);
}
