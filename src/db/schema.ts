// Table shapes as the database holds them. Times are ISO 8601 UTC text on both engines, so they compare
// as strings and never depend on a server clock; flags are nullable timestamps; JSON is text.
export interface UsersTable {
  id: string;
  handle: string;
  name: string;
  email: string;
  created_at: string;
  updated_at: string;
  deactivated_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  role: string;
  kind: string;
  digest: string;
  hint: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ServicesTable {
  id: string;
  name: string;
  description: string | null;
  key_digest: string;
  key_hint: string;
  created_at: string;
  updated_at: string;
}

export interface IncidentsTable {
  id: string;
  number: string;
  title: string;
  description: string | null;
  impact: string | null;
  severity: string;
  status: string;
  phase: string;
  service_id: string | null;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  ack_due_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  breach_recorded_at: string | null;
  phase_started_at: string;
  phase_due_at: string | null;
}

export interface IncidentCountersTable {
  day: string;
  last: number;
}

export interface IncidentRolesTable {
  incident_id: string;
  role: string;
  user_id: string;
  assigned_at: string;
}

export interface IncidentEventsTable {
  id: string;
  incident_id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  kind: string;
  data: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
  details: string;
}

export interface Schema {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  services: ServicesTable;
  incidents: IncidentsTable;
  incident_counters: IncidentCountersTable;
  incident_roles: IncidentRolesTable;
  incident_events: IncidentEventsTable;
  audit_log: AuditLogTable;
}
