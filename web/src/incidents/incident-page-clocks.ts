// The incident's clocks in words, as pure functions of the incident and `now`: the phase's time box,
// the response target, the escalation, and the one deadline the header leads with (whichever of them
// comes first).
import type { IncidentDetail } from '../shared/api.ts';
import { age, countdown, span } from '../shared/format.ts';

export function phaseText(i: IncidentDetail, now: number): string {
  const inPhase = `${i.phase}, ${age(i.phase_started_at, now)} in`;
  if (i.status === 'resolved' || !i.phase_due_at)
    return i.status === 'resolved' ? `${i.phase} (resolved)` : `${inPhase}, open-ended`;
  const c = countdown(i.phase_due_at, now);
  return c.overdue
    ? `${inPhase}, time box ended ${c.text.replace(' overdue', '')} ago`
    : `${inPhase}, time box ends ${c.text}`;
}

export function phaseOverdue(i: IncidentDetail, now: number): boolean {
  return i.phase_overdue || (i.phase_due_at !== null && i.status !== 'resolved' && Date.parse(i.phase_due_at) < now);
}

export function responseText(i: IncidentDetail, now: number): string {
  const responded = i.acknowledged_at ?? i.resolved_at;
  if (responded) {
    const took = span(Date.parse(responded) - Date.parse(i.created_at));
    return (
      `${i.acknowledged_at ? 'acknowledged' : 'resolved'} after ${took}, ` +
      `${i.response_breached ? 'target missed' : 'within target'}`
    );
  }
  const c = countdown(i.ack_due_at, now);
  return c.overdue ? `missed, ${c.text.replace(' overdue', '')} past due` : `acknowledge ${c.text}`;
}

export function responseOverdue(i: IncidentDetail, now: number): boolean {
  return i.response_breached || (!i.acknowledged_at && !i.resolved_at && Date.parse(i.ack_due_at) < now);
}

/** The escalation engine's stop reasons (src/escalation/escalation.service.ts) in words. */
const STOPPED: Record<string, string> = {
  'policy exhausted': 'every level was tried',
  'policy deleted': 'its policy was deleted',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
};

/** Whether "Escalate now" can still reach someone: not once every level was tried or the policy is gone. */
export function canEscalate(i: IncidentDetail, stopped: string | null): boolean {
  return i.status !== 'resolved' && stopped !== 'policy exhausted' && stopped !== 'policy deleted';
}

export function escalationText(i: IncidentDetail, now: number, stopped: string | null): string {
  const level = i.escalation_level === 0 ? 'not escalated yet' : `level ${i.escalation_level}`;
  if (i.next_escalation_at)
    return `${level}, next ${countdown(i.next_escalation_at, now).text.replace(/^(.*) overdue$/, 'due $1 ago')}`;
  const why = stopped ? ` (stopped: ${STOPPED[stopped] ?? stopped})` : '';
  return `${level}${why || (i.status === 'resolved' ? '' : ', nothing more scheduled')}`;
}

export interface Deadline {
  /** What is due, e.g. "Acknowledge". */
  what: string;
  at: string;
  overdue: boolean;
  /** "Acknowledge in 14m" or "Acknowledge: 3m overdue". */
  text: string;
}

/**
 * The deadline that comes first among those still ahead of an open incident: acknowledging, the
 * phase's time box, the next escalation level and the next status update (`updateDueAt`). An
 * overdue one comes first of all, as it is the earliest. Null once resolved or when nothing is due.
 */
export function nextDeadline(i: IncidentDetail, updateDueAt: string | null, now: number): Deadline | null {
  if (i.status === 'resolved') return null;
  const candidates: Array<[string, string | null]> = [
    ['Acknowledge', i.acknowledged_at ? null : i.ack_due_at],
    [`End of the ${i.phase} time box`, i.phase_due_at],
    ['Next escalation', i.next_escalation_at],
    ['Status update', updateDueAt],
  ];
  let first: [string, string] | null = null;
  for (const [what, at] of candidates) if (at && (!first || Date.parse(at) < Date.parse(first[1]))) first = [what, at];
  if (!first) return null;
  const [what, at] = first;
  const c = countdown(at, now);
  return { what, at, overdue: c.overdue, text: c.overdue ? `${what}: ${c.text}` : `${what} ${c.text}` };
}
