// Table shapes as the database holds them. Times are ISO 8601 UTC text on both dialects, so they compare
// as strings and never depend on a server clock; flags are nullable timestamps; JSON is text.
export interface UsersTable {
  id: string;
  handle: string;
  name: string;
  email: string;
  created_at: string;
  updated_at: string;
  deactivated_at: string | null;
  /** IANA zone, e.g. "Europe/Berlin". */
  timezone: string;
  /** argon2id PHC string; null = no password (token-only). Read only by auth/sessions.repo.ts. */
  password_digest?: string | null;
  password_changed_at?: string | null;
  /** 1: may read and change the GDPR module's personal data (migration 016). */
  privacy?: number;
}

/** GDPR data-subject requests (migration 019). */
export interface GdprRequestsTable {
  id: string;
  subject_id: string;
  kind: string;
  received_at: string;
  due_at: string;
  state: string;
  extended_at: string | null;
  extension_reason: string | null;
  completed_at: string | null;
  refused_at: string | null;
  refused_reason: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  digest: string;
  user_id: string;
  role: string;
  token_id: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
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
  rules: string | null;
  grouping_window_s: number | null;
  rate_limit_per_min: number | null;
  /** Grafana's shared HMAC secret, stored as given (it is needed to verify); null = no signature check. */
  grafana_secret: string | null;
  /** null = Grafana's default header, X-Grafana-Alerting-Signature. */
  grafana_signature_header: string | null;
  grafana_timestamp_header: string | null;
  escalation_policy_id: string | null;
  severity_policies: string | null;
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
  group_key: string | null;
  classified_by: string | null;
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

export interface AlertsTable {
  id: string;
  service_id: string;
  dedup_key: string;
  open_key: string | null;
  status: string;
  incident_id: string | null;
  format: string;
  summary: string;
  source: string;
  severity: string;
  classified_as: string | null;
  rule: string;
  details: string;
  group_key: string | null;
  event_count: number;
  first_seen_at: string;
  last_seen_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
}

export interface AlertEventsTable {
  id: string;
  alert_id: string;
  at: string;
  action: string;
  data: string;
}

export interface ChangeEventsTable {
  id: string;
  service_id: string;
  at: string;
  timestamp: string;
  summary: string;
  source: string | null;
  details: string;
}

export interface ContactMethodsTable {
  id: string;
  user_id: string;
  kind: string;
  address: string;
  verified_at: string | null;
  created_at: string;
  secret: string | null;
}

export interface EscalationPoliciesTable {
  id: string;
  name: string;
  description: string | null;
  escalate_while: string;
  repeat: number;
  levels: string;
  created_at: string;
  updated_at: string;
}

export interface TeamsTable {
  id: string;
  name: string;
  description: string | null;
  default_policy_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  added_at: string;
}

export interface SchedulesTable {
  id: string;
  name: string;
  description: string | null;
  timezone: string;
  layers: string;
  created_at: string;
  updated_at: string;
}

export interface ScheduleOverridesTable {
  id: string;
  schedule_id: string;
  user_id: string | null;
  replaces_user_id: string | null;
  start_at: string;
  end_at: string;
  created_by: string | null;
  created_at: string;
}

export interface ScheduleFixedTable {
  id: string;
  schedule_id: string;
  start_at: string;
  end_at: string;
  shifts: string;
  created_at: string;
}

export interface IcalTokensTable {
  id: string;
  user_id: string;
  digest: string;
  created_at: string;
  revoked_at: string | null;
}

export interface MaintenanceWindowsTable {
  id: string;
  service_id: string;
  start_at: string;
  end_at: string;
  reason: string | null;
  created_by: string | null;
  created_at: string;
}

export interface EscalationsTable {
  incident_id: string;
  policy_id: string;
  level: number;
  loop: number;
  run: number;
  started_at: string;
  next_escalation_at: string | null;
  stopped_at: string | null;
  stop_reason: string | null;
  updated_at: string;
}

export interface PagesTable {
  id: string;
  incident_id: string;
  run: number;
  level: number;
  loop: number;
  user_id: string;
  at: string;
  reason: string;
}

export interface NotificationRulesTable {
  id: string;
  user_id: string;
  contact_method_id: string;
  delay_seconds: number;
  created_at: string;
}

export interface StakeholdersTable {
  id: string;
  name: string;
  kind: string;
  address: string;
  severities: string;
  secret: string | null;
  created_at: string;
  /** JSON array of topics, e.g. ["gdpr"] (migration 018). */
  topics?: string;
}

export interface NotificationsTable {
  id: string;
  incident_id: string | null;
  kind: string;
  channel: string;
  destination: string;
  secret: string | null;
  user_id: string | null;
  page_id: string | null;
  subject: string;
  body: string;
  payload: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  deadline_at: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** When the latest send began, while its outcome is unknown (migration 014). */
  send_started_at: string | null;
}

export interface TemplatesTable {
  key: string;
  subject: string;
  text: string;
  updated_at: string;
  updated_by: string;
}

export interface UpdateScheduleTable {
  incident_id: string;
  due_at: string | null;
  /** opened | reopened | update */
  basis: string;
  basis_at: string;
  reminders: number;
  reminded_at: string | null;
  updated_at: string;
}

export interface FunctionLogTable {
  id: string;
  at: string;
  function: string;
  action: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  request_id: string | null;
  duration_ms: number;
  outcome: string;
  error: string | null;
}

export interface IncidentDiagnosticsTable {
  incident_id: string;
  claimed_at: string;
  finished_at: string | null;
}

export interface MonitoredDatabasesTable {
  id: string;
  name: string;
  location: string;
  url_sealed: string;
  created_at: string;
}

export interface MonitorsTable {
  id: string;
  service_id: string;
  name: string;
  kind: string;
  target: string;
  target_sealed: string | null;
  login_url: string | null;
  login_body_sealed: string | null;
  interval_seconds: number;
  timeout_ms: number;
  expect_status: number | null;
  expect_keyword: string | null;
  method: string | null;
  headers: string | null;
  failures_before_down: number;
  period_seconds: number | null;
  grace_seconds: number | null;
  heartbeat_digest: string | null;
  last_beat_at: string | null;
  state: string;
  consecutive_failures: number;
  last_check_at: string | null;
  last_ok_at: string | null;
  last_error: string | null;
  last_latency_ms: number | null;
  next_check_at: string;
  enhanced_until: string | null;
  tls_expires_at: string | null;
  tls_warned_at: string | null;
  alert_seq: number;
  alert_sent_seq: number;
  paused: number;
  created_at: string;
  updated_at: string;
}

export interface MonitorSamplesTable {
  monitor_id: string;
  service_id: string;
  at: string;
  ok: number;
  latency_ms: number | null;
  bucket: number | null;
  status: number | null;
  error: string | null;
}

/** One monitor's checks in one minute; h00 … h31 count successful checks per latency bucket (monitors/histogram.ts). */
export type MonitorMinutesTable = {
  monitor_id: string;
  service_id: string;
  minute: string;
  count: number;
  failures: number;
} & Record<`h${0 | 1 | 2}${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'h30' | 'h31', number>;

export interface ErrorProjectsTable {
  project_id: number;
  service_id: string;
  public_key: string;
  spike_threshold_per_min: number;
  spike_open: number;
  created_at: string;
}

export interface ErrorGroupsTable {
  id: string;
  service_id: string;
  environment: string;
  fingerprint: string;
  type: string | null;
  title: string;
  culprit: string | null;
  level: string;
  first_seen: string;
  last_seen: string;
  count: number;
  status: string;
  resolved_at: string | null;
  regressed_at: string | null;
  last_message: string | null;
  alert_due: string | null;
}

export interface ErrorEventsTable {
  id: string;
  group_id: string;
  event_id: string;
  received_at: string;
  timestamp: string;
  level: string;
  message: string | null;
  release: string | null;
  user_key: string | null;
  data: string;
}

export interface ErrorGroupUsersTable {
  group_id: string;
  user_key: string;
  last_seen: string;
}

export interface ErrorMinutesTable {
  service_id: string;
  environment: string;
  group_id: string;
  minute: string;
  count: number;
}

// GDPR: the consent ledger (issue 20, part ledger; migration 017).
export interface GdprPurposesTable {
  key: string;
  name: string;
  lawful_basis: string;
  policy_version: number;
  data_categories: string;
  subject_categories: string;
  recipients: string;
  transfers_outside_eea: string | null;
  retention_days: number | null;
  security_measures: string | null;
  created_at: string;
  updated_at: string;
}
export interface GdprPurposeVersionsTable {
  purpose: string;
  version: number;
  since: string;
}
export interface GdprConsentEventsTable {
  seq: number;
  id: string;
  subject_key: string;
  subject_id: string;
  purpose: string;
  policy_version: number;
  decision: string;
  at: string;
  source: string;
  proof: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}
export interface GdprConsentStateTable {
  subject_key: string;
  purpose: string;
  decision: string;
  policy_version: number;
  at: string;
  seq: number;
  source: string;
}
export interface GdprConsentCountsTable {
  purpose: string;
  policy_version: number;
  decision: string;
  count: number;
}
export interface GdprLedgerHeadTable {
  id: number;
  rows: number;
  head_hash: string;
  subjects: number;
  newest_event_at: string | null;
}
export interface GdprErasuresTable {
  subject_key: string;
  erased_at: string;
  erased_by: string;
  events: number;
}
export interface GdprLedgerChecksTable {
  id: string;
  checked_at: string;
  ok: number;
  rows: number;
  verified_up_to: number;
  broken_seq: number | null;
  broken_id: string | null;
  broken_reason: string | null;
  head_hash: string | null;
  duration_ms: number;
  checked_by: string;
}
export interface GdprLedgerKeysTable {
  name: string;
  secret: string;
  created_at: string;
}

export interface Schema {
  users: UsersTable;
  gdpr_requests: GdprRequestsTable;
  follow_ups: FollowUpsTable;
  follow_up_reminders: FollowUpRemindersTable;
  runbooks: RunbooksTable;
  checklists: ChecklistsTable;
  checklist_steps: ChecklistStepsTable;
  postmortems: PostmortemsTable;
  postmortem_sections: PostmortemSectionsTable;
  postmortem_timeline: PostmortemTimelineTable;
  postmortem_reminders: PostmortemRemindersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  services: ServicesTable;
  incidents: IncidentsTable;
  incident_counters: IncidentCountersTable;
  incident_roles: IncidentRolesTable;
  incident_events: IncidentEventsTable;
  audit_log: AuditLogTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  change_events: ChangeEventsTable;
  contact_methods: ContactMethodsTable;
  escalation_policies: EscalationPoliciesTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  schedules: SchedulesTable;
  schedule_overrides: ScheduleOverridesTable;
  schedule_fixed: ScheduleFixedTable;
  ical_tokens: IcalTokensTable;
  maintenance_windows: MaintenanceWindowsTable;
  escalations: EscalationsTable;
  pages: PagesTable;
  notification_rules: NotificationRulesTable;
  stakeholders: StakeholdersTable;
  notifications: NotificationsTable;
  templates: TemplatesTable;
  update_schedule: UpdateScheduleTable;
  function_log: FunctionLogTable;
  incident_diagnostics: IncidentDiagnosticsTable;
  monitored_databases: MonitoredDatabasesTable;
  monitors: MonitorsTable;
  monitor_samples: MonitorSamplesTable;
  monitor_minutes: MonitorMinutesTable;
  error_projects: ErrorProjectsTable;
  error_groups: ErrorGroupsTable;
  error_events: ErrorEventsTable;
  error_group_users: ErrorGroupUsersTable;
  error_minutes: ErrorMinutesTable;
  gdpr_breach_counters: GdprBreachCountersTable;
  gdpr_breaches: GdprBreachesTable;
  gdpr_breach_reports: GdprBreachReportsTable;
  gdpr_breach_events: GdprBreachEventsTable;
  gdpr_reminders: GdprRemindersTable;
  gdpr_settings: GdprSettingsTable;
  gdpr_purposes: GdprPurposesTable;
  gdpr_purpose_versions: GdprPurposeVersionsTable;
  gdpr_consent_events: GdprConsentEventsTable;
  gdpr_consent_state: GdprConsentStateTable;
  gdpr_consent_counts: GdprConsentCountsTable;
  gdpr_ledger_head: GdprLedgerHeadTable;
  gdpr_erasures: GdprErasuresTable;
  gdpr_ledger_checks: GdprLedgerChecksTable;
  gdpr_ledger_keys: GdprLedgerKeysTable;
  status_settings: StatusSettingsTable;
  status_components: StatusComponentsTable;
  status_component_history: StatusComponentHistoryTable;
  status_incidents: StatusIncidentsTable;
  status_updates: StatusUpdatesTable;
  status_maintenances: StatusMaintenancesTable;
  status_subscribers: StatusSubscribersTable;
  action_definitions: ActionDefinitionsTable;
  action_runners: ActionRunnersTable;
  action_invocations: ActionInvocationsTable;
  action_output: ActionOutputTable;
}

// GDPR breaches (issue 20, part "breaches"): migration 018.
export interface GdprBreachCountersTable {
  day: string;
  last: number;
}

export interface GdprBreachesTable {
  id: string;
  number: string;
  incident_id: string | null;
  title: string;
  aware_at: string;
  deadline_at: string;
  state: string;
  nature: string | null;
  data_categories: string;
  subjects_approx: number | null;
  records_approx: number | null;
  likely_consequences: string | null;
  measures_taken: string | null;
  risk: string;
  not_notifiable_reason: string | null;
  reported_late: number;
  overdue_at: string | null;
  subjects_decision: string | null;
  source: string;
  opened_by: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  close_reason: string | null;
}

export interface GdprBreachReportsTable {
  id: string;
  breach_id: string;
  kind: string;
  authority: string;
  reference: string | null;
  reported_at: string;
  delay_reason: string | null;
  note: string | null;
  recorded_by: string;
  created_at: string;
}

export interface GdprBreachEventsTable {
  id: string;
  breach_id: string;
  at: string;
  kind: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  data: string;
}

export interface FollowUpsTable {
  id: string;
  incident_id: string;
  postmortem_id: string | null;
  title: string;
  kind: string;
  owner_id: string;
  due_at: string;
  priority: string;
  status: string;
  reason: string | null;
  external_url: string | null;
  completed_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface FollowUpRemindersTable {
  id: string;
  follow_up_id: string;
  kind: string;
  day: string;
  due_at: string;
  state: string;
  created_at: string;
  settled_at: string | null;
}

export interface GdprRemindersTable {
  id: string;
  subject_type: string;
  subject_id: string;
  kind: string;
  due_at: string;
  state: string;
  created_at: string;
  settled_at: string | null;
}

export interface GdprSettingsTable {
  id: number;
  controller_name: string | null;
  dpo_name: string | null;
  dpo_email: string | null;
  dpo_phone: string | null;
  authority_name: string | null;
  updated_at: string | null;
  updated_by: string | null;
}

export interface RunbooksTable {
  id: string;
  name: string;
  description: string | null;
  is_default: number;
  service_ids: string;
  severities: string;
  steps: string;
  created_at: string;
  updated_at: string;
}

export interface ChecklistsTable {
  incident_id: string;
  runbook_id: string;
  runbook_name: string;
  fixed_at: string;
}

export interface ChecklistStepsTable {
  id: string;
  incident_id: string;
  position: number;
  phase: string;
  text: string;
  link: string | null;
  call: string | null;
  auto_complete_on: string | null;
  action: string | null;
  done_at: string | null;
  done_by: string | null;
  done_event: string | null;
  auto_completed_at: string | null;
  window_ends_at: string | null;
}

// Post-mortems (issue 21, part "post-mortems"): migration 022.
export interface PostmortemsTable {
  id: string;
  incident_id: string;
  state: string;
  owner_id: string | null;
  meeting_at: string | null;
  attendees: string;
  published_at: string | null;
  share_digest: string | null;
  share_created_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface PostmortemSectionsTable {
  postmortem_id: string;
  key: string;
  text: string;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

export interface PostmortemTimelineTable {
  postmortem_id: string;
  entry_id: string;
  at: string;
  kind: string;
  summary: string;
  actor_name: string;
  included: number;
  annotation: string | null;
}

export interface PostmortemRemindersTable {
  id: string;
  postmortem_id: string;
  kind: string;
  due_at: string;
  state: string;
  created_at: string;
  settled_at: string | null;
}

// The public status page (issue 22): migration 025.
export interface StatusSettingsTable {
  id: string;
  name: string;
  logo_url: string | null;
  time_zone: string;
  verify_minutes: number;
  auto_publish: string;
  signing_key: string;
  updated_at: string;
}

export interface StatusComponentsTable {
  id: string;
  name: string;
  description: string | null;
  group_name: string | null;
  position: number;
  public: number;
  only_show_if_degraded: number;
  service_ids: string;
  monitor_ids: string;
  status_map: string;
  manual_status: string | null;
  manual_source: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface StatusComponentHistoryTable {
  id: string;
  component_id: string;
  status: string;
  at: string;
}

export interface StatusIncidentsTable {
  id: string;
  incident_id: string;
  name: string;
  status: string;
  impact: string;
  component_ids: string;
  postmortem_body: string | null;
  postmortem_at: string | null;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
}

export interface StatusUpdatesTable {
  id: string;
  status_incident_id: string;
  status: string;
  body: string;
  component_statuses: string;
  notified: number;
  created_by: string;
  created_at: string;
}

export interface StatusMaintenancesTable {
  id: string;
  title: string;
  body: string;
  component_ids: string;
  starts_at: string;
  ends_at: string;
  state: string;
  completed_at: string | null;
  window_ids: string;
  notify: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface StatusSubscribersTable {
  id: string;
  kind: string;
  address: string;
  secret: string | null;
  component_ids: string | null;
  state: string;
  created_at: string;
  confirmed_at: string | null;
  confirm_sent_at: string | null;
}

// Mitigation actions (issue 23): migration 026.
export interface ActionDefinitionsTable {
  id: string;
  name: string;
  category: string;
  description: string | null;
  enabled: number;
  service_ids: string;
  params: string;
  target: string;
  dry_run: string;
  timeout_seconds: number;
  approval: string;
  created_at: string;
  updated_at: string;
}

export interface ActionRunnersTable {
  id: string;
  name: string;
  group_name: string;
  token_digest: string;
  hint: string;
  version: string | null;
  hostname: string | null;
  commands: string;
  last_seen_at: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface ActionInvocationsTable {
  id: string;
  incident_id: string;
  service_id: string | null;
  definition_id: string;
  name: string;
  definition: string;
  params: string;
  dry_run: number;
  state: string;
  runner_group: string | null;
  approval_required: number;
  approval_expires_at: string | null;
  invoked_by: string;
  invoker_id: string | null;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  holder: string | null;
  holder_name: string | null;
  lease_expires_at: string | null;
  cancel_requested: number;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  signal: string | null;
  http_status: number | null;
  output_bytes: number;
  output_seq: number;
  output_truncated: number;
  maintenance_ids: string;
  created_at: string;
  updated_at: string;
}

export interface ActionOutputTable {
  invocation_id: string;
  seq: number;
  stream: string;
  data: string;
  at: string;
}
