// The runbooks tab's calls: the runbooks, one runbook, the events a step may complete itself on, and the
// services a runbook is assigned to (names for ids, choices for the form).
import { useQuery } from '@tanstack/react-query';
import { api, type Page, type Runbook, type RunbookEvent } from '../shared/api.ts';
import { id } from '../shared/resources.ts';
import { getServices } from '../shared/service-api.ts';

export const RUNBOOKS = ['runbooks'] as const;

// A team keeps a handful of runbooks; the API's largest page holds them all.
export const useRunbooks = () =>
  useQuery({ queryKey: [...RUNBOOKS, 'list'], queryFn: () => api<Page<Runbook>>('GET', '/api/v1/runbooks?limit=200') });

export const useRunbook = (runbookId: string | undefined) =>
  useQuery({
    queryKey: [...RUNBOOKS, 'one', runbookId],
    queryFn: () => api<Runbook>('GET', `/api/v1/runbooks/${id(runbookId ?? '')}`),
    enabled: runbookId !== undefined,
  });

/** The events the server knows, each with its sentence; they change only with a new Vigil. */
export const useRunbookEvents = () =>
  useQuery({
    queryKey: [...RUNBOOKS, 'events'],
    queryFn: () => api<Page<RunbookEvent>>('GET', '/api/v1/runbooks/events'),
    staleTime: Infinity,
  });

/** The services, and a service's name for its id (the id itself while unknown, e.g. a deleted service). */
export function useServiceNames() {
  const services = useQuery({ queryKey: ['services', 'list'], queryFn: getServices, staleTime: 60_000 });
  const list = services.data?.data ?? [];
  const name = (serviceId: string) => list.find((s) => s.id === serviceId)?.name ?? serviceId;
  return { list, name, error: services.error };
}

/** A runbook's page: /settings/runbooks/{id}; `new` (optionally `?from=` a runbook to copy) for a new one. */
export const runbookPath = (runbookId: string) => `/settings/runbooks/${id(runbookId)}`;
