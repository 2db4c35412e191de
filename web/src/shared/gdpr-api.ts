// The GDPR module's calls, shared by the GDPR dashboard and the incident page: the counts every role
// reads, the breaches, requests and purposes that only admins and privacy-flagged responders read, and
// each step of a breach. Answers are generated API types; the request bodies are written here. Every
// query key starts with "gdpr", so one refresh reloads all.
import { useQuery } from '@tanstack/react-query';
import {
  api,
  type Breach,
  type BreachEvent,
  type GdprLedgerCheck,
  type GdprOverview,
  type GdprPurpose,
  type GdprRequest,
  type GdprSettings,
  type Page,
  type SubjectsDecision,
} from './api.ts';

export const GDPR_KEY = ['gdpr'] as const;
const breachKey = (ref: string) => [...GDPR_KEY, 'breach', ref] as const;

const one = (ref: string) => `/api/v1/gdpr/breaches/${encodeURIComponent(ref)}`;

/** The console's page of a breach (the links in the server's reminders use /gdpr/breaches/…, which lead here). */
export const breachPath = (number: string) => `/dashboards/gdpr/breaches/${encodeURIComponent(number)}`;

export const REPORT_TYPES = ['emergency', 'summary', 'full'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export const complianceReportUrl = (type: ReportType, format: 'md' | 'pdf') =>
  `/api/v1/gdpr/report?type=${type}&format=${format}`;
export const breachReportUrl = (ref: string, format: 'md' | 'pdf') => `${one(ref)}/report?format=${format}`;

/** GDPR figures reload as often as the dashboards' while a screen shows them. */
const refreshing = { refetchInterval: 30_000 } as const;

export const useOverview = () =>
  useQuery({
    queryKey: [...GDPR_KEY, 'overview'],
    queryFn: () => api<GdprOverview>('GET', '/api/v1/gdpr/overview'),
    ...refreshing,
  });

/** Every breach not closed (a register holds a few at a time; the API's largest page is plenty). */
export const useOpenBreaches = (enabled: boolean) =>
  useQuery({
    queryKey: [...GDPR_KEY, 'breaches', 'open'],
    queryFn: () => api<Page<Breach>>('GET', '/api/v1/gdpr/breaches?state=assessing,notified,not_notifiable&limit=200'),
    enabled,
    ...refreshing,
  });

/** Requests still to answer: the open and the extended ones (the list filters one state at a time). */
export const usePendingRequests = (enabled: boolean) =>
  useQuery({
    queryKey: [...GDPR_KEY, 'requests', 'pending'],
    queryFn: async () => {
      const pages = await Promise.all(
        (['open', 'extended'] as const).map((state) =>
          api<Page<GdprRequest>>('GET', `/api/v1/gdpr/requests?state=${state}&limit=200`),
        ),
      );
      return pages.flatMap((p) => p.data);
    },
    enabled,
    ...refreshing,
  });

export const usePurposes = (enabled: boolean) =>
  useQuery({
    queryKey: [...GDPR_KEY, 'purposes'],
    queryFn: () => api<Page<GdprPurpose>>('GET', '/api/v1/gdpr/purposes'),
    enabled,
    ...refreshing,
  });

export const useGdprSettings = () =>
  useQuery({
    queryKey: [...GDPR_KEY, 'settings'],
    queryFn: () => api<GdprSettings>('GET', '/api/v1/gdpr/settings'),
    staleTime: 60_000,
  });

export const verifyLedger = () => api<GdprLedgerCheck>('POST', '/api/v1/gdpr/ledger/verify');

export const useBreach = (ref: string) =>
  useQuery({ queryKey: breachKey(ref), queryFn: () => api<Breach>('GET', one(ref)), ...refreshing });

export const useBreachEvents = (ref: string) =>
  useQuery({
    queryKey: [...breachKey(ref), 'events'],
    queryFn: () => api<Page<BreachEvent>>('GET', `${one(ref)}/events`),
    ...refreshing,
  });

/** The open breach of an incident, if it has one (admins and privacy-flagged responders only). */
export const useIncidentBreach = (incidentId: string, enabled: boolean) => {
  const open = useOpenBreaches(enabled);
  return open.data?.data.find((b) => b.incident?.id === incidentId) ?? null;
};

/** "Personal data involved": opens a breach for the incident, or answers its open one. */
export const flagPersonalData = (incidentRef: string, note?: string) =>
  api<Breach>('POST', `/api/v1/incidents/${encodeURIComponent(incidentRef)}/personal-data`, note ? { note } : {});

/** A step of a breach, as the breach page's forms send it. */
export type BreachChange =
  | {
      do: 'report';
      kind?: 'initial' | 'supplementary';
      authority?: string;
      reference?: string;
      reported_at?: string;
      delay_reason?: string;
      note?: string;
    }
  | { do: 'not_notifiable'; reason: string }
  | { do: 'decision'; decision: 'communicated'; communicated_at: string; channel: string }
  | { do: 'decision'; decision: 'exempt'; exemption: NonNullable<SubjectsDecision['exemption']>; reason: string }
  | { do: 'close'; reason?: string }
  | { do: 'risk'; risk: Breach['risk'] };

export function changeBreach(ref: string, change: BreachChange): Promise<Breach> {
  const { do: step, ...body } = change;
  switch (step) {
    case 'report':
      return api('POST', `${one(ref)}/notifications`, body);
    case 'not_notifiable':
      return api('POST', `${one(ref)}/not-notifiable`, body);
    case 'decision':
      return api('POST', `${one(ref)}/subjects-decision`, body);
    case 'close':
      return api('POST', `${one(ref)}/close`, body);
    case 'risk':
      return api('PATCH', one(ref), body);
  }
}
