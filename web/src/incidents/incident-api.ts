// The incident page's calls and the shapes they answer with (GET /api/v1/incidents/{id} and the
// routes around it). The `ref` in a path is an incident id or its number, as the server accepts both.
import { api, type Page, type Severity, type Status } from '../shared/api.ts';

export const PHASES = ['detection', 'investigation', 'mitigation', 'resolution'] as const;
export type Phase = (typeof PHASES)[number];

export const ROLES = [
  'incident_commander',
  'technical_lead',
  'devops_engineer',
  'security_officer',
  'communication_lead',
] as const;
export type ResponseRole = (typeof ROLES)[number];

export const ROLE_LABEL: Record<ResponseRole, string> = {
  incident_commander: 'Incident commander',
  technical_lead: 'Technical lead',
  devops_engineer: 'DevOps engineer',
  security_officer: 'Security officer',
  communication_lead: 'Communication lead',
};

/** The runbook's time boxes, for the phase picker. */
export const PHASE_LABEL: Record<Phase, string> = {
  detection: 'Detection (0–5 min)',
  investigation: 'Investigation (5–20 min)',
  mitigation: 'Mitigation (20–45 min)',
  resolution: 'Resolution (45+ min)',
};

export interface UserRef {
  id: string;
  handle: string;
  name: string;
}

export interface IncidentDetail {
  id: string;
  number: string;
  title: string;
  description: string | null;
  impact: string | null;
  severity: Severity;
  status: Status;
  phase: Phase;
  service_id: string | null;
  created_at: string;
  updated_at: string;
  ack_due_at: string;
  response_breached: boolean;
  acknowledged_at: string | null;
  resolved_at: string | null;
  phase_started_at: string;
  phase_due_at: string | null;
  phase_overdue: boolean;
  classified_by: string | null;
  roles: Record<ResponseRole, UserRef | null>;
  escalation_level: number;
  next_escalation_at: string | null;
}

export interface Actor {
  type: string;
  id: string | null;
  name: string;
}

export interface TimelineEvent {
  id: string;
  at: string;
  actor: Actor;
  kind: string;
  data: Record<string, unknown>;
}

export interface AlertRow {
  id: string;
  status: Status;
  summary: string;
  source: string | null;
  severity: string | null;
  classified_as: Severity | null;
  event_count: number;
  first_seen_at: string;
  last_seen_at: string;
}

export interface EscalationState {
  level: number;
  next_escalation_at: string | null;
  stopped_at: string | null;
  stop_reason: string | null;
}

export interface UpdateSchedule {
  next_update_at: string | null;
  overdue: boolean;
  missed: number;
  last_update_at: string | null;
  default_next_update_at: string | null;
}

export interface Message {
  subject: string;
  text: string;
}

export interface UpdateDraft {
  status_text: string;
  next_update_at?: string;
}

const base = (ref: string) => `/api/v1/incidents/${encodeURIComponent(ref)}`;

export const getIncident = (ref: string) => api<IncidentDetail>('GET', base(ref));
export const getTimeline = (ref: string, cursor: string | null) =>
  api<Page<TimelineEvent>>(
    'GET',
    `${base(ref)}/timeline?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
export const getAlerts = (ref: string) => api<Page<AlertRow>>('GET', `${base(ref)}/alerts?limit=50`);
export const getEscalation = (ref: string) =>
  api<{ escalation: EscalationState | null }>('GET', `${base(ref)}/escalation`);
export const getUpdateSchedule = (ref: string) => api<UpdateSchedule>('GET', `${base(ref)}/updates/next`);
export const previewUpdate = (ref: string, draft: UpdateDraft) =>
  api<Message & { next_update_at: string | null }>('POST', `${base(ref)}/updates/preview`, draft);
export const sendUpdate = (ref: string, draft: UpdateDraft) =>
  api<{ notified: number; next_update_at: string | null }>('POST', `${base(ref)}/updates`, draft);
export const previewNotification = (ref: string, template: 'initial' | 'resolution') =>
  api<Message>('GET', `${base(ref)}/communications/${template}/preview`);
export const listUsers = () => api<Page<UserRef & { active: boolean }>>('GET', '/api/v1/users?limit=200');

/** Every change the page can make, as one call each; all answer with the incident. */
export type IncidentAction =
  | { do: 'acknowledge' }
  | { do: 'resolve' }
  | { do: 'reopen' }
  | { do: 'escalate' }
  | { do: 'note'; text: string }
  | { do: 'phase'; phase: Phase }
  | { do: 'severity'; severity: Severity; reason?: string }
  | { do: 'role'; role: ResponseRole; user: string | null };

export function perform(ref: string, action: IncidentAction): Promise<IncidentDetail> {
  switch (action.do) {
    case 'acknowledge':
    case 'resolve':
    case 'reopen':
    case 'escalate':
      return api('POST', `${base(ref)}/${action.do}`, {});
    case 'note':
      return api('POST', `${base(ref)}/notes`, { text: action.text });
    case 'phase':
      return api('POST', `${base(ref)}/phase`, { phase: action.phase });
    case 'severity':
      return api('POST', `${base(ref)}/severity`, {
        severity: action.severity,
        ...(action.reason && { reason: action.reason }),
      });
    case 'role':
      return api('POST', `${base(ref)}/roles`, { role: action.role, user: action.user });
  }
}
