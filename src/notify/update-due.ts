// When an incident's next status update is due, as pure rules over `now`.
//
// The runbook promises stakeholders a "NEXT UPDATE" time. Until the first status update, that time is
// the severity's cadence counted from when the incident opened (or reopened): P0 30 minutes, P1 an
// hour; P2 and P3 have no cadence, so nothing is due until an update names a time. After a status
// update, it is the time that update announced. When the time passes unmet, the people running the
// incident are reminded once for that missed update, and the next update falls due one cadence later
// (the update that should have followed); a severity without a cadence gets that one reminder only.
import type { Severity } from '../incident.js';

const MINUTE = 60_000;

/** How often a status update is expected, per severity (the runbook: P0 every 30 min, P1 every hour). */
export const UPDATE_CADENCE_MS: Readonly<Partial<Record<Severity, number>>> = Object.freeze({
  P0: 30 * MINUTE,
  P1: 60 * MINUTE,
});

/** What the due time was counted from. */
export type DueBasis = 'opened' | 'reopened' | 'update';

/** The first update's due time for an incident that opened (or reopened) at `at`; null without a cadence. */
export function firstUpdateDue(severity: Severity, at: Date): Date | null {
  const cadence = UPDATE_CADENCE_MS[severity];
  return cadence ? new Date(at.getTime() + cadence) : null;
}

/** The next update's due time when a status update at `now` names none: the cadence from now, or none. */
export function nextUpdateDue(severity: Severity, now: Date): Date | null {
  return firstUpdateDue(severity, now);
}

/**
 * The due time after a reminder for the missed update due at `due`: one cadence later, or null
 * without a cadence. If the engine was away so long that later slots passed too, they are skipped
 * to the first one after `now`, so a backlog brings one reminder rather than a burst.
 */
export function dueAfterReminder(severity: Severity, due: Date, now: Date): Date | null {
  const cadence = UPDATE_CADENCE_MS[severity];
  if (!cadence) return null;
  const missed = Math.max(1, Math.floor((now.getTime() - due.getTime()) / cadence) + 1);
  return new Date(due.getTime() + missed * cadence);
}
