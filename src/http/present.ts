// Domain objects as they go on the wire: snake_case, ISO 8601 UTC times, derived flags computed at `now`.
import type { Token } from '../credentials/index.js';
import type { AuditEntry } from '../audit/index.js';
import { incidentJson, type TimelineEvent } from '../incidents/index.js';
import { type Incident, type Severity } from '../incident.js';
import { GRAFANA_SIGNATURE_HEADER, type ChangeEvent, type Service } from '../services/index.js';
import type { Alert } from '../alerts/index.js';
import type { User } from '../users/index.js';
import type { z } from 'zod';
import type * as views from './views/index.js';

const t = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * The incident JSON (shared with webhook payloads, so it lives with the incident model), typed by its view:
 * incidentJson builds `roles` from every role name, which its inferred type cannot say.
 */
export function incidentView(i: Incident, now: Date): z.input<typeof views.Incident> {
  const json = incidentJson(i, now);
  return { ...json, roles: json.roles as z.input<typeof views.Incident>['roles'] };
}

export function eventView(e: TimelineEvent): z.input<typeof views.TimelineEvent> {
  return { id: e.id, at: e.at.toISOString(), actor: e.actor, kind: e.kind, data: e.data };
}

export function userView(u: User): z.input<typeof views.User> {
  return {
    id: u.id,
    handle: u.handle,
    name: u.name,
    email: u.email,
    timezone: u.timezone,
    active: u.deactivatedAt === null,
    privacy: u.privacy,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

export function tokenView(tk: Token): z.input<typeof views.Token> {
  return {
    id: tk.id,
    name: tk.name,
    role: tk.role,
    kind: tk.kind,
    user: tk.userHandle,
    hint: tk.hint,
    created_at: tk.createdAt.toISOString(),
    last_used_at: t(tk.lastUsedAt),
    revoked_at: t(tk.revokedAt),
  };
}

export function serviceView(s: Service): z.input<typeof views.Service> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    integration_key_hint: s.keyHint,
    rules: s.rules,
    grouping_window_s: s.groupingWindowSeconds,
    rate_limit_per_min: s.rateLimitPerMinute,
    // The Grafana secret is write-only: only whether one is set is shown.
    grafana_signature: s.grafanaSecret !== null,
    grafana_signature_header: s.grafanaSignatureHeader ?? GRAFANA_SIGNATURE_HEADER,
    grafana_timestamp_header: s.grafanaTimestampHeader,
    escalation_policy_id: s.escalationPolicyId,
    severity_policies: s.severityPolicies,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export function alertView(a: Alert): z.input<typeof views.Alert> {
  return {
    id: a.id,
    service_id: a.serviceId,
    incident_id: a.incidentId,
    dedup_key: a.dedupKey,
    status: a.status,
    format: a.format,
    summary: a.summary,
    source: a.source,
    severity: a.severity,
    // Classification stores one of the severities (or nothing).
    classified_as: a.classifiedAs as Severity | null,
    rule: a.rule,
    group_key: a.groupKey,
    event_count: a.eventCount,
    first_seen_at: a.firstSeenAt.toISOString(),
    last_seen_at: a.lastSeenAt.toISOString(),
    acknowledged_at: t(a.acknowledgedAt),
    resolved_at: t(a.resolvedAt),
    details: a.details,
  };
}

export function changeView(c: ChangeEvent) {
  return {
    id: c.id,
    service_id: c.serviceId,
    timestamp: c.timestamp.toISOString(),
    received_at: c.at.toISOString(),
    summary: c.summary,
    source: c.source,
    ...c.details,
  };
}

export function auditView(a: AuditEntry) {
  return {
    id: a.id,
    at: a.at.toISOString(),
    actor: a.actor,
    action: a.action,
    target: a.target,
    request_id: a.requestId,
    details: a.details,
  };
}

/** The list envelope every collection uses. */
export function page<T, V>(result: { data: T[]; nextCursor: string | null }, view: (item: T) => V) {
  return { data: result.data.map(view), next_cursor: result.nextCursor };
}
