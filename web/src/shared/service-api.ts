// The Services screen's calls (the dashboards use some too): services, their maintenance windows,
// monitors and recent checks, the Sentry DSN, and the health check that says which services have open
// incidents.
import {
  api,
  type Check,
  type CreatedMonitor,
  type Dsn,
  type HealthCheck,
  type MaintenanceEnded,
  type MaintenanceWindow,
  type Monitor,
  type Page,
  type Service,
  type ServiceStatus,
  type ServiceWithKey,
  type Severity,
} from './api.ts';

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
  api<MaintenanceEnded>('DELETE', `/api/v1/services/${id(ref)}/maintenance`);
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
}) => api<CreatedMonitor>('POST', '/api/v1/monitors', body);
export const setPaused = (monitorId: string, paused: boolean) =>
  api<Monitor>('PATCH', `/api/v1/monitors/${id(monitorId)}`, { paused });

/** Every service's state: open incidents by severity, maintenance, monitors (production-monitoring health_check). */
export const healthCheck = () =>
  api<HealthCheck>('POST', '/functions/v1/production-monitoring', { action: 'health_check' });

export const STATUS_LABEL: Record<ServiceStatus, string> = {
  operational: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  maintenance: 'In maintenance',
};

/** "1 P0, 2 P2" or "None": open incidents by severity as words. */
export function openIncidentsText(counts: Partial<Record<Severity, number>> | undefined): string {
  const parts = (['P0', 'P1', 'P2', 'P3'] as const)
    .filter((s) => (counts?.[s] ?? 0) > 0)
    .map((s) => `${counts?.[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'None';
}

/** How a monitor reads to a person: paused wins over its last state. */
export function monitorStateLabel(m: Pick<Monitor, 'paused' | 'state'>): string {
  if (m.paused) return 'Paused';
  return m.state === 'up' ? 'Up' : m.state === 'down' ? 'Down' : 'Not checked yet';
}
