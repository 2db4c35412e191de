// Live updates for one incident page. The stream has no per-incident filter (only service and
// severity), so events are matched here by incident id; matching events refetch the page's queries,
// coalesced so one transaction's burst of timeline entries costs one round of requests.
import { useQueryClient } from '@tanstack/react-query';
import { useCoalesced, useEventSource, type LiveState } from '../shared/live.ts';

/** How long to gather events before refetching. */
const COALESCE_MS = 200;
const EVENTS = ['incident.updated', 'timeline.entry', 'reset'] as const;

/** Keeps the queries under `queryKey` fresh while events for `incidentId` arrive. */
export function useLiveIncident(
  incidentId: string | undefined,
  serviceId: string | null | undefined,
  queryKey: readonly unknown[],
): LiveState {
  const queryClient = useQueryClient();
  // Only this page's queries: the list reloads itself from the stream when it is shown again.
  const refresh = useCoalesced(COALESCE_MS, () => void queryClient.invalidateQueries({ queryKey }));
  // A service filter, when the incident has one, keeps other services' traffic off this page.
  const url = !incidentId
    ? null
    : serviceId
      ? `/api/v1/stream?service_id=${encodeURIComponent(serviceId)}`
      : '/api/v1/stream';

  return useEventSource(url, EVENTS, (name, data) => {
    if (name === 'open' || name === 'reset') return refresh(); // catch up on anything missed
    try {
      const event = JSON.parse(data) as Record<string, unknown>;
      if ((name === 'incident.updated' ? event.id : event.incident_id) === incidentId) refresh();
    } catch {
      // A malformed event changes nothing.
    }
  });
}
