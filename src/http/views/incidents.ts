// Wire shapes of incidents as the console reads them: the incident, its list row and stream row, its
// timeline, alerts, escalation, and the status updates and notifications written about it.
import { z } from 'zod';
import { PHASES, ROLES, SEVERITIES, STATUSES } from '../../incident.js';
import type { StreamEvent } from '../../stream/index.js';

export const Severity = z.enum(SEVERITIES);
export const Status = z.enum(STATUSES);
export const Phase = z.enum(PHASES);
export const ResponseRole = z.enum(ROLES);

export const UserRef = z.object({ id: z.string(), handle: z.string(), name: z.string() });

export const IncidentRow = z
  .object({
    id: z.string(),
    number: z.string().describe('INC-YYYYMMDD-NNNN'),
    title: z.string(),
    severity: Severity,
    status: Status,
    phase: Phase,
    service_id: z.string().nullable(),
    escalation_level: z.number(),
    created_at: z.string(),
    updated_at: z.string(),
    ack_due_at: z.string(),
    acknowledged_at: z.string().nullable(),
    resolved_at: z.string().nullable(),
    phase_due_at: z.string().nullable(),
  })
  .describe('What the list shows: the fields that both GET /api/v1/incidents and the stream’s rows carry.');

export const Incident = IncidentRow.extend({
  description: z.string().nullable(),
  impact: z.string().nullable(),
  created_by: z.string().nullable(),
  acknowledged_by: z.string().nullable(),
  resolved_by: z.string().nullable(),
  response_breached: z.boolean(),
  phase_started_at: z.string(),
  phase_overdue: z.boolean(),
  classified_by: z.string().nullable(),
  roles: z.record(ResponseRole, UserRef.nullable()),
  next_escalation_at: z.string().nullable(),
}).describe('GET /api/v1/incidents/{id}, and every answer that changes an incident.');

export const IncidentCounts = z
  .object({
    groups: z.array(z.object({ status: Status, severity: Severity, count: z.number() })),
  })
  .describe(
    'GET /api/v1/incidents/counts: how many incidents have each status and severity (pairs with none left out).',
  );

export const IncidentStreamRow = IncidentRow.extend({
  roles: z.record(ResponseRole, z.string().nullable()).describe('Role → handle of whoever holds it, or null.'),
}).describe('The row of an incident.created or incident.updated event on /api/v1/stream.');

// The stream builds its rows in src/stream/ (typed there, with plain strings for status and phase): this
// compiles only while the schema has every field of that row, so a rename there fails here.
type StreamRowJson = Exclude<StreamEvent, { event: 'timeline.entry' }>['data'];
const _streamRowCovered: z.infer<typeof IncidentStreamRow> extends StreamRowJson ? true : never = true;

export const Actor = z.object({ type: z.string(), id: z.string().nullable(), name: z.string() });

export const TimelineEvent = z.object({
  id: z.string(),
  at: z.string(),
  actor: Actor,
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const Alert = z.object({
  id: z.string(),
  service_id: z.string(),
  incident_id: z.string().nullable(),
  dedup_key: z.string(),
  status: Status,
  format: z.string(),
  summary: z.string(),
  source: z.string(),
  severity: z.string(),
  classified_as: Severity.nullable(),
  rule: z.string(),
  group_key: z.string().nullable(),
  event_count: z.number(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  acknowledged_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const EscalationState = z.object({
  policy_id: z.string(),
  run: z.number(),
  level: z.number(),
  loop: z.number(),
  started_at: z.string(),
  next_escalation_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
  stop_reason: z.string().nullable(),
});

export const IncidentEscalation = z
  .object({ escalation: EscalationState.nullable() })
  .describe('GET /api/v1/incidents/{id}/escalation (null: the incident has none).');

export const UpdateSchedule = z
  .object({
    next_update_at: z.string().nullable(),
    overdue: z.boolean(),
    missed: z.number(),
    last_update_at: z.string().nullable(),
    default_next_update_at: z.string().nullable(),
    cadence_seconds: z
      .number()
      .nullable()
      .describe('How often the severity expects a status update (P0 1800, P1 3600); null: it has no cadence.'),
    updates_needed: z
      .boolean()
      .describe('False once the incident is resolved: no update is due, none is reminded of, none is announced.'),
  })
  .describe('GET /api/v1/incidents/{id}/updates/next.');

export const Message = z
  .object({ subject: z.string(), text: z.string() })
  .describe('A notification as it would read now (GET /api/v1/incidents/{id}/communications/{template}/preview).');

export const UpdatePreview = Message.extend({ next_update_at: z.string().nullable() }).describe(
  'POST /api/v1/incidents/{id}/updates/preview.',
);

export const UpdateSent = z
  .object({ notified: z.number(), next_update_at: z.string().nullable() })
  .describe('POST /api/v1/incidents/{id}/updates.');
