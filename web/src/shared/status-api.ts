// The status page's calls, which the Status page screen and the incident page's "Status page" panel share:
// settings, components, maintenance, subscribers, and what is published about an incident (its draft,
// the preview of the public page, publishing). Request bodies are written here; answers are generated types.
import {
  api,
  apiText,
  type Page,
  type PublishedIncidentView,
  type StatusComponent,
  type StatusDraft,
  type StatusMaintenance,
  type StatusSettingsView,
  type StatusSubscriber,
} from './api.ts';

export type ComponentStatus = StatusComponent['status'];
export type UpdateStatus = PublishedIncidentView['status'];
export type Impact = PublishedIncidentView['impact'];
export type MaintenanceState = StatusMaintenance['state'];

const id = encodeURIComponent;

/**
 * The public page on this server: the path of the settings' page_url (the server serves it under that prefix
 * on every host name), `/status` until the settings have loaded.
 */
export function publicPagePath(pageUrl: string | undefined): string {
  if (!pageUrl) return '/status';
  try {
    return new URL(pageUrl).pathname;
  } catch {
    return '/status';
  }
}

export const STATUS_KEY = ['status-page'] as const;
export const settingsKey = [...STATUS_KEY, 'settings'] as const;
export const componentsKey = [...STATUS_KEY, 'components'] as const;
export const publishedKey = (incidentId: string) => [...STATUS_KEY, 'published', incidentId] as const;

export const getSettings = () => api<StatusSettingsView>('GET', '/api/v1/status/page');

export interface SettingsChange {
  name?: string;
  logo_url?: string | null;
  time_zone?: string;
  verify_minutes?: number;
  auto_publish?: Record<string, { after_minutes: number; body: string }>;
}
export const saveSettings = (body: SettingsChange) => api<StatusSettingsView>('PATCH', '/api/v1/status/page', body);

export const getComponents = () => api<Page<StatusComponent>>('GET', '/api/v1/status/components');

export interface ComponentFields {
  name: string;
  description: string | null;
  group: string | null;
  position: number;
  service_ids: string[];
  monitor_ids: string[];
  public: boolean;
  only_show_if_degraded: boolean;
}
export const createComponent = (body: ComponentFields) =>
  api<StatusComponent>('POST', '/api/v1/status/components', body);
export const updateComponent = (componentId: string, body: Partial<ComponentFields>) =>
  api<StatusComponent>('PATCH', `/api/v1/status/components/${id(componentId)}`, body);
/** Sets a component's status by hand (responders may), or with null gives it back to its services and monitors. */
export const setManualStatus = (componentId: string, status: ComponentStatus | null) =>
  api<StatusComponent>('PATCH', `/api/v1/status/components/${id(componentId)}`, { status });
export const deleteComponent = (componentId: string) =>
  api<void>('DELETE', `/api/v1/status/components/${id(componentId)}`);

export const getMaintenances = () => api<Page<StatusMaintenance>>('GET', '/api/v1/status/maintenances');

export interface MaintenanceFields {
  title: string;
  body: string;
  component_ids: string[];
  starts_at: string;
  ends_at: string;
  notify_subscribers?: boolean;
}
export const scheduleMaintenance = (body: MaintenanceFields) =>
  api<StatusMaintenance>('POST', '/api/v1/status/maintenances', body);
export const completeMaintenance = (maintenanceId: string) =>
  api<StatusMaintenance>('PATCH', `/api/v1/status/maintenances/${id(maintenanceId)}`, { complete: true });

export interface SubscriberPage extends Page<StatusSubscriber> {
  counts: { pending: number; confirmed: number };
}
export const getSubscribers = (cursor?: string | null) =>
  api<SubscriberPage>('GET', `/api/v1/status/subscribers?limit=100${cursor ? `&cursor=${id(cursor)}` : ''}`);
/** Every subscriber as a CSV file (a link, so the browser downloads it with the session cookie). */
export const SUBSCRIBERS_CSV = '/api/v1/status/subscribers?format=csv';
export const deleteSubscriber = (subscriberId: string) =>
  api<void>('DELETE', `/api/v1/status/subscribers/${id(subscriberId)}`);

/** What was published about an incident, newest update first; null when nothing was. */
export const getPublished = (incidentRef: string) =>
  api<PublishedIncidentView | null>('GET', `/api/v1/incidents/${id(incidentRef)}/status-updates`);
export const getDraft = (incidentRef: string) =>
  api<StatusDraft>('GET', `/api/v1/incidents/${id(incidentRef)}/status-updates/draft`);

export interface UpdateInput {
  status: UpdateStatus;
  body: string;
  name?: string;
  impact?: Impact;
  component_statuses?: Record<string, ComponentStatus>;
  notify_subscribers?: boolean;
}
export const publishUpdate = (incidentRef: string, body: UpdateInput) =>
  api<PublishedIncidentView>('POST', `/api/v1/incidents/${id(incidentRef)}/status-updates`, body);
/** The public page's HTML exactly as it would be after publishing `body`; nothing is saved. */
export const previewUpdate = (incidentRef: string, body: UpdateInput) =>
  apiText('POST', `/api/v1/incidents/${id(incidentRef)}/status-updates/preview`, body);
/**
 * Marks a published incident with a public post-mortem summary (plain text), or with null takes it off the
 * page; refused (409 status.not_published) when nothing about the incident was published.
 */
export const setPublicPostmortem = (incidentRef: string, body: string | null) =>
  api<PublishedIncidentView>('PUT', `/api/v1/incidents/${id(incidentRef)}/status-updates/postmortem`, { body });
