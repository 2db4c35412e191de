// Wire shapes of services and what hangs off them: integration keys, maintenance windows, the Sentry
// DSN, monitors and their checks.
import { z } from 'zod';
import { MONITOR_KINDS } from '../../monitors/index.js';
import { Severity } from './incidents.js';

export const Service = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  integration_key_hint: z.string(),
  rules: z.array(z.unknown()).nullable(),
  grouping_window_s: z.number().nullable(),
  rate_limit_per_min: z.number().nullable(),
  grafana_signature: z.boolean(),
  grafana_signature_header: z.string(),
  grafana_timestamp_header: z.string().nullable(),
  escalation_policy_id: z.string().nullable(),
  severity_policies: z.partialRecord(z.string(), z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const ServiceWithKey = Service.extend({ integration_key: z.string() }).describe(
  'A service as answered by create and rotate-key: the only answers that carry the whole key.',
);

export const Dsn = z.object({
  dsn: z.string(),
  project_id: z.number(),
  public_key: z.string(),
  service_id: z.string(),
  spike_threshold_per_min: z.number(),
});

export const MaintenanceWindow = z.object({
  id: z.string(),
  start: z.string(),
  end: z.string(),
  reason: z.string().nullable(),
  active: z.boolean(),
  created_by: z.string().nullable(),
  created_at: z.string(),
});

export const MaintenanceEnded = z
  .object({ ended: z.number() })
  .describe('DELETE /api/v1/services/{id}/maintenance: how many windows ended or were dropped.');

export const MonitorKind = z.enum(MONITOR_KINDS);
export const MonitorState = z.enum(['up', 'down', 'pending']);

export const Monitor = z.object({
  id: z.string(),
  service_id: z.string(),
  name: z.string(),
  kind: MonitorKind,
  target: z.string(),
  interval_seconds: z.number(),
  effective_interval_seconds: z.number(),
  timeout_ms: z.number(),
  expect_status: z.number().nullable(),
  expect_keyword: z.string().nullable(),
  method: z.string().nullable(),
  headers: z.record(z.string(), z.string()).nullable(),
  login_url: z.string().nullable(),
  login_body: z.string().nullable(),
  failures_before_down: z.number(),
  period_seconds: z.number().nullable(),
  grace_seconds: z.number().nullable(),
  paused: z.boolean(),
  state: MonitorState,
  consecutive_failures: z.number(),
  last_check_at: z.string().nullable(),
  last_ok_at: z.string().nullable(),
  last_error: z.string().nullable(),
  last_latency_ms: z.number().nullable(),
  last_beat_at: z.string().nullable(),
  next_check_at: z.string().nullable(),
  enhanced_until: z.string().nullable(),
  tls_expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const CreatedMonitor = Monitor.extend({
  token: z.string().optional(),
  heartbeat_path: z.string().optional(),
}).describe('POST /api/v1/monitors: a heartbeat monitor’s token is shown only here.');

export const Check = z.object({
  at: z.string(),
  ok: z.boolean(),
  latency_ms: z.number().nullable(),
  status: z.number().nullable(),
  error: z.string().nullable(),
});

export const ServiceStatus = z.enum(['operational', 'degraded', 'down', 'maintenance']);

export const ServiceHealth = z
  .object({
    id: z.string(),
    name: z.string(),
    status: ServiceStatus,
    open_incidents: z.partialRecord(Severity, z.number()),
    maintenance_until: z.string().nullable(),
    last_check: z.string().nullable(),
  })
  .describe('One service in production-monitoring health_check.');
