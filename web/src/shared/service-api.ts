// The Services screen's calls and the shapes it reads: services, their maintenance windows, monitors
// and recent checks, the Sentry DSN, and the health check that says which services have open incidents.
import { api, type Page, type Severity } from './api.ts';

export interface Service {
  id: string;
  name: string;
  description: string | null;
  integration_key_hint: string;
  grafana_signature: boolean;
  grafana_signature_header: string;
  created_at: string;
  updated_at: string;
}

/** A service as answered by create and rotate-key: the only answers that carry the whole key. */
export type ServiceWithKey = Service & { integration_key: string };

export interface MaintenanceWindow {
  id: string;
  start: string;
  end: string;
  reason: string | null;
  active: boolean;
  created_by: string;
}

export type MonitorState = 'up' | 'down' | 'pending';

export interface Monitor {
  id: string;
  service_id: string;
  name: string;
  kind: 'http' | 'tcp' | 'postgres' | 'heartbeat' | 'auth';
  target: string | null;
  interval_seconds: number;
  effective_interval_seconds: number;
  paused: boolean;
  state: MonitorState;
  consecutive_failures: number;
  last_check_at: string | null;
  last_error: string | null;
  last_latency_ms: number | null;
  enhanced_until: string | null;
  tls_expires_at: string | null;
}

export interface Check {
  at: string;
  ok: boolean;
  latency_ms: number | null;
  status: number | null;
  error: string | null;
}

export interface Dsn {
  dsn: string;
  project_id: number;
  public_key: string;
}

export type ServiceStatus = 'operational' | 'degraded' | 'down' | 'maintenance';

/** One service in production-monitoring health_check. */
export interface ServiceHealth {
  id: string;
  name: string;
  status: ServiceStatus;
  open_incidents: Partial<Record<Severity, number>>;
  maintenance_until: string | null;
  last_check: string | null;
}

const id = encodeURIComponent;

export const getServices = () => api<Page<Service>>('GET', '/api/v1/services?limit=100');
export const getService = (ref: string) => api<Service>('GET', `/api/v1/services/${id(ref)}`);
export const createService = (body: { name: string; description?: string }) =>
  api<ServiceWithKey>('POST', '/api/v1/services', body);
export const rotateKey = (ref: string) => api<ServiceWithKey>('POST', `/api/v1/services/${id(ref)}/rotate-key`);
export const getDsn = (ref: string) => api<Dsn>('GET', `/api/v1/services/${id(ref)}/dsn`);
export const getMaintenance = (ref: string) =>
  api<Page<MaintenanceWindow>>('GET', `/api/v1/services/${id(ref)}/maintenance`);
export const startMaintenance = (ref: string, body: { duration_s: number; reason?: string }) =>
  api<MaintenanceWindow>('POST', `/api/v1/services/${id(ref)}/maintenance`, body);
export const endMaintenance = (ref: string) =>
  api<{ ended: number }>('DELETE', `/api/v1/services/${id(ref)}/maintenance`);
export const getMonitors = (serviceId?: string) =>
  api<Page<Monitor>>('GET', `/api/v1/monitors?limit=100${serviceId ? `&service_id=${id(serviceId)}` : ''}`);
export const getChecks = (monitorId: string, limit = 40) =>
  api<Page<Check>>('GET', `/api/v1/monitors/${id(monitorId)}/checks?limit=${limit}`);
export const createMonitor = (body: {
  service_id: string;
  name: string;
  kind: 'http' | 'tcp' | 'heartbeat';
  target?: string;
  interval_seconds?: number;
  period_seconds?: number;
}) => api<Monitor & { token?: string; heartbeat_path?: string }>('POST', '/api/v1/monitors', body);
export const setPaused = (monitorId: string, paused: boolean) =>
  api<Monitor>('PATCH', `/api/v1/monitors/${id(monitorId)}`, { paused });

/** Every service's state: open incidents by severity, maintenance, monitors (production-monitoring health_check). */
export const healthCheck = () =>
  api<{ services: ServiceHealth[] }>('POST', '/functions/v1/production-monitoring', { action: 'health_check' });

export const STATUS_LABEL: Record<ServiceStatus, string> = {
  operational: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  maintenance: 'In maintenance',
};

/** "1 P0, 2 P2" or "none": open incidents by severity as words. */
export function openIncidentsText(counts: Partial<Record<Severity, number>> | undefined): string {
  const parts = (['P0', 'P1', 'P2', 'P3'] as const)
    .filter((s) => (counts?.[s] ?? 0) > 0)
    .map((s) => `${counts?.[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** How a monitor reads to a person: paused wins over its last state. */
export function monitorStateLabel(m: Pick<Monitor, 'paused' | 'state'>): string {
  if (m.paused) return 'Paused';
  return m.state === 'up' ? 'Up' : m.state === 'down' ? 'Down' : 'Pending (not checked yet)';
}
