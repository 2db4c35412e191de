// The incident page's calls (GET /api/v1/incidents/{id} and the routes around it), typed with the
// generated API types. The `ref` in a path is an incident id or its number, as the server accepts both.
import {
  api,
  type IncidentEscalation,
  type IncidentDetail,
  type Message,
  type Page,
  type Phase,
  type ResponseRole,
  type Severity,
  type TimelineEvent,
  type UpdatePreview,
  type UpdateSchedule,
  type UpdateSent,
  type AlertRow,
  type User,
} from '../shared/api.ts';

export const PHASES = ['detection', 'investigation', 'mitigation', 'resolution'] as const satisfies readonly Phase[];

export const ROLES = [
  'incident_commander',
  'technical_lead',
  'devops_engineer',
  'security_officer',
  'communication_lead',
] as const satisfies readonly ResponseRole[];

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

/** A status update as the form sends it (a request body: written here, not generated). */
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
export const getEscalation = (ref: string) => api<IncidentEscalation>('GET', `${base(ref)}/escalation`);
export const getUpdateSchedule = (ref: string) => api<UpdateSchedule>('GET', `${base(ref)}/updates/next`);
export const previewUpdate = (ref: string, draft: UpdateDraft) =>
  api<UpdatePreview>('POST', `${base(ref)}/updates/preview`, draft);
export const sendUpdate = (ref: string, draft: UpdateDraft) => api<UpdateSent>('POST', `${base(ref)}/updates`, draft);
export const previewNotification = (ref: string, template: 'initial' | 'resolution') =>
  api<Message>('GET', `${base(ref)}/communications/${template}/preview`);
export const listUsers = () => api<Page<User>>('GET', '/api/v1/users?limit=200');

/** Every change the page can make, as one call each; all answer with the incident. */
export type IncidentAction =
  | { do: 'acknowledge' }
  | { do: 'resolve' }
  | { do: 'reopen' }
  | { do: 'escalate' }
  | { do: 'note'; text: string; key?: boolean }
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
      return api('POST', `${base(ref)}/notes`, { text: action.text, ...(action.key && { key: true }) });
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
