// Pure incident rules from the seed runbook: severities and response targets, the status machine,
// the four timed phases and the response roles. No I/O here; every rule takes `now`.
import { AppError } from './errors.js';

export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type Status = (typeof STATUSES)[number];

export const PHASES = ['detection', 'investigation', 'mitigation', 'resolution'] as const;
export type Phase = (typeof PHASES)[number];

export const ROLES = [
  'incident_commander',
  'technical_lead',
  'devops_engineer',
  'security_officer',
  'communication_lead',
] as const;
export type Role = (typeof ROLES)[number];

const MINUTE = 60_000;

/** The seed's response targets: P0 immediate (5 min here), P1 15 min, P2 1 h, P3 4 h. */
export const DEFAULT_RESPONSE_TARGETS: Readonly<Record<Severity, number>> = Object.freeze({
  P0: 5 * MINUTE,
  P1: 15 * MINUTE,
  P2: 60 * MINUTE,
  P3: 240 * MINUTE,
});

/**
 * When each phase should be over, counted from the start of the incident, as the seed's time boxes
 * are: detection 0–5 min, investigation 5–20, mitigation 20–45, resolution 45+ (open-ended).
 */
export const PHASE_ENDS: Readonly<Record<Phase, number | null>> = Object.freeze({
  detection: 5 * MINUTE,
  investigation: 20 * MINUTE,
  mitigation: 45 * MINUTE,
  resolution: null,
});

export interface UserRef {
  id: string;
  handle: string;
  name: string;
}

export interface Incident {
  id: string;
  number: string;
  title: string;
  description: string | null;
  impact: string | null;
  severity: Severity;
  status: Status;
  phase: Phase;
  serviceId: string | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  ackDueAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  /** Set when the engine noticed the breach and wrote it on the timeline. */
  breachRecordedAt: Date | null;
  phaseStartedAt: Date;
  phaseDueAt: Date | null;
  /** Set when alerts opened it: alerts sharing this key join it while it is open. */
  groupKey: string | null;
  /** The classification rule that chose the severity, for incidents opened by alerts. */
  classifiedBy: string | null;
  roles: Partial<Record<Role, UserRef>>;
  /** The last escalation level reached (0 before the first), kept by the escalation engine. */
  escalationLevel: number;
  /** When the next level is due; null when nothing more will escalate. */
  nextEscalationAt: Date | null;
}

export type StatusAction = 'acknowledge' | 'resolve' | 'reopen';

/** The status an action leads to, or a 409 saying why the action does not apply. */
export function nextStatus(current: Status, action: StatusAction): Status {
  switch (action) {
    case 'acknowledge':
      if (current === 'triggered') return 'acknowledged';
      throw invalid(
        current,
        action,
        current === 'acknowledged' ? 'it is already acknowledged' : 'it is resolved; reopen it first',
      );
    case 'resolve':
      if (current !== 'resolved') return 'resolved';
      throw invalid(current, action, 'it is already resolved');
    case 'reopen':
      if (current === 'resolved') return 'triggered';
      throw invalid(current, action, `it is ${current}, not resolved`);
  }
}

function invalid(current: Status, action: StatusAction, why: string): AppError {
  return new AppError('incident.invalid_transition', `cannot ${action} this incident: ${why}`, {
    status: current,
    action,
  });
}

/** The response target for a severity with the configured targets. */
export function ackDueAt(createdAt: Date, severity: Severity, targets: Record<Severity, number>): Date {
  return new Date(createdAt.getTime() + targets[severity]);
}

/** When `phase` should end for an incident that started at `startedAt`; null for the open-ended resolution phase. */
export function phaseDueAt(startedAt: Date, phase: Phase): Date | null {
  const end = PHASE_ENDS[phase];
  return end === null ? null : new Date(startedAt.getTime() + end);
}

/**
 * The response target was missed if the first response (acknowledge, or resolve without one) came
 * after `ackDueAt`, or none has come and `now` is past it. Derived, so it is right between sweeps.
 */
export function isResponseBreached(
  incident: Pick<Incident, 'ackDueAt' | 'acknowledgedAt' | 'resolvedAt'>,
  now: Date,
): boolean {
  const respondedAt = incident.acknowledgedAt ?? incident.resolvedAt ?? now;
  return respondedAt.getTime() > incident.ackDueAt.getTime();
}

/** A phase is overdue while the incident is still in it after its due time. Resolved incidents are never overdue. */
export function isPhaseOverdue(incident: Pick<Incident, 'phaseDueAt' | 'status'>, now: Date): boolean {
  return (
    incident.status !== 'resolved' && incident.phaseDueAt !== null && now.getTime() > incident.phaseDueAt.getTime()
  );
}

/** INC-YYYYMMDD-XXXX from the UTC creation day and the day's sequence (more digits past 9999). */
export function formatNumber(day: string, sequence: number): string {
  return `INC-${day}-${String(sequence).padStart(4, '0')}`;
}

/** The UTC day key used for numbering: "20261128". */
export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10).replaceAll('-', '');
}

export const NUMBER_PATTERN = /^INC-\d{8}-\d{4,}$/;

/** Where a reopened incident stands: back in investigation with a fresh investigation time box from now. */
export function reopenedPhase(now: Date): { phase: Phase; dueAt: Date } {
  const length = (PHASE_ENDS.investigation as number) - (PHASE_ENDS.detection as number);
  return { phase: 'investigation', dueAt: new Date(now.getTime() + length) };
}
