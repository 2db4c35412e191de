// Wire shapes of the on-call features: schedules, shifts, overrides, policies, teams, pages, contact
// methods, maintenance windows, notification rules and deliveries. snake_case and ISO times, as everywhere on the wire.
import type { EscalationState, Page, Policy } from '../escalation/index.js';
import type { Notification, NotificationRule, Stakeholder } from '../notify/index.js';
import type { FixedSchedule, Override, Schedule, Shift } from '../schedules/index.js';
import type { MaintenanceWindow } from '../services/index.js';
import type { Team } from '../teams/index.js';
import type { ContactKind, ContactMethod } from '../users/index.js';
import type { Severity } from '../incident.js';
import type { z } from 'zod';
import type * as views from './views/index.js';

export function scheduleView(s: Schedule): z.input<typeof views.Schedule> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    timezone: s.timezone,
    layers: s.layers.map((l) => ({
      name: l.name,
      rotation: {
        kind: l.rotation.kind,
        shift_seconds: l.rotation.shiftSeconds ?? null,
        handoff_at: l.rotation.handoffAt.toISOString(),
        participants: l.rotation.participants,
      },
      restrictions: l.restrictions ?? [],
    })),
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export function shiftView(s: Shift): z.input<typeof views.Shift> {
  return {
    user_id: s.userId,
    start: s.start.toISOString(),
    end: s.end.toISOString(),
    source: s.source,
    layer: s.layer ?? null,
  };
}

export function overrideView(o: Override): z.input<typeof views.Override> {
  return {
    id: o.id,
    user_id: o.userId,
    replaces_user_id: o.replacesUserId,
    start: o.start.toISOString(),
    end: o.end.toISOString(),
  };
}

export function fixedView(f: FixedSchedule) {
  return {
    id: f.id,
    start: f.start.toISOString(),
    end: f.end.toISOString(),
    shifts: f.shifts.map((s) => ({ user_id: s.userId, start: s.start.toISOString(), end: s.end.toISOString() })),
  };
}

export function policyView(p: Policy): z.input<typeof views.Policy> {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    escalate_while: p.escalateWhile,
    repeat: p.repeat,
    levels: p.levels.map((l, i) => ({ level: i + 1, name: l.name, delay_seconds: l.delaySeconds, targets: l.targets })),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export function teamView(t: Team): z.input<typeof views.Team> {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    default_policy_id: t.defaultPolicyId,
    members: t.members,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

export function pageView(p: Page) {
  return {
    id: p.id,
    run: p.run,
    level: p.level,
    loop: p.loop,
    user_id: p.userId,
    at: p.at.toISOString(),
    reason: p.reason,
  };
}

export function escalationView(e: EscalationState | undefined): z.input<typeof views.EscalationState> | null {
  if (!e) return null;
  return {
    policy_id: e.policyId,
    run: e.run,
    level: e.level,
    loop: e.loop,
    started_at: e.startedAt.toISOString(),
    next_escalation_at: e.nextAt?.toISOString() ?? null,
    stopped_at: e.stoppedAt?.toISOString() ?? null,
    stop_reason: e.stopReason,
  };
}

export function contactMethodView(m: ContactMethod): z.input<typeof views.ContactMethod> {
  return {
    id: m.id,
    kind: m.kind,
    address: m.address,
    verified: m.verified,
    signed: m.secret !== null,
    created_at: m.createdAt.toISOString(),
  };
}

export function maintenanceView(w: MaintenanceWindow, now: Date): z.input<typeof views.MaintenanceWindow> {
  return {
    id: w.id,
    start: w.start.toISOString(),
    end: w.end.toISOString(),
    reason: w.reason,
    active: w.start <= now && now < w.end,
    created_by: w.createdBy,
    created_at: w.createdAt.toISOString(),
  };
}

export function notificationView(n: Notification) {
  return {
    id: n.id,
    kind: n.kind,
    channel: n.channel,
    destination: n.destination,
    state: n.state,
    attempts: n.attempts,
    last_error: n.lastError,
    next_attempt_at: n.state === 'pending' || n.state === 'failed' ? n.nextAttemptAt.toISOString() : null,
    sent_at: n.sentAt?.toISOString() ?? null,
    /** When a send began whose outcome is not known (set while sending, and on "unknown" rows). */
    send_started_at: n.sendStartedAt?.toISOString() ?? null,
    created_at: n.createdAt.toISOString(),
  };
}

export function notificationRuleView(r: NotificationRule): z.input<typeof views.NotificationRule> {
  return {
    id: r.id,
    contact_method_id: r.contactMethodId,
    delay_seconds: r.delaySeconds,
    created_at: r.createdAt.toISOString(),
  };
}

export function stakeholderView(s: Stakeholder): z.input<typeof views.Stakeholder> {
  return {
    id: s.id,
    name: s.name,
    // Stored from the validated request: a contact kind and severities.
    kind: s.kind as ContactKind,
    address: s.address,
    severities: s.severities as Severity[],
    topics: s.topics,
    signed: s.secret !== null,
    created_at: s.createdAt.toISOString(),
  };
}
