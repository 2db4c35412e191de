// The incident's wire shape: snake_case, ISO 8601 UTC times, derived flags computed at `now`.
import { isPhaseOverdue, isResponseBreached, ROLES, type Incident } from '../incident.js';

const t = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The incident as it goes on the wire (API answers and webhook payloads), its derived flags computed at `now`. */
export function incidentJson(i: Incident, now: Date) {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    description: i.description,
    impact: i.impact,
    severity: i.severity,
    status: i.status,
    phase: i.phase,
    service_id: i.serviceId,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    created_by: i.createdBy,
    ack_due_at: i.ackDueAt.toISOString(),
    response_breached: isResponseBreached(i, now),
    acknowledged_at: t(i.acknowledgedAt),
    acknowledged_by: i.acknowledgedBy,
    resolved_at: t(i.resolvedAt),
    resolved_by: i.resolvedBy,
    phase_started_at: i.phaseStartedAt.toISOString(),
    phase_due_at: t(i.phaseDueAt),
    phase_overdue: isPhaseOverdue(i, now),
    classified_by: i.classifiedBy,
    roles: Object.fromEntries(ROLES.map((role) => [role, i.roles[role] ?? null])),
    escalation_level: i.escalationLevel,
    next_escalation_at: t(i.nextEscalationAt),
  };
}

export type IncidentJson = ReturnType<typeof incidentJson>;
