// Live updates for one incident page. The stream has no per-incident filter (only service and
// severity), so events are matched here by incident id; matching events refetch the page's queries,
// coalesced so one transaction's burst of timeline entries costs one round of requests.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { LiveState } from './live.ts';

/** How long to gather events before refetching. */
const COALESCE_MS = 200;

/** Keeps the queries under `queryKey` fresh while events for `incidentId` arrive. */
export function useLiveIncident(incidentId: string | undefined, serviceId: string | null | undefined, queryKey: readonly unknown[]): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const key = JSON.stringify(queryKey);

  useEffect(() => {
    if (!incidentId) return;
    // A service filter, when the incident has one, keeps other services' traffic off this page.
    const source = new EventSource(serviceId ? `/api/v1/stream?service_id=${encodeURIComponent(serviceId)}` : '/api/v1/stream');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as unknown[] });
        // The list screen shows status and severity too.
        void queryClient.invalidateQueries({ queryKey: ['incidents'] });
      }, COALESCE_MS);
    };
    const mine = (event: Event, field: 'id' | 'incident_id') => {
      try {
        const data = JSON.parse((event as MessageEvent<string>).data) as Record<string, unknown>;
        if (data[field] === incidentId) refresh();
      } catch {
        // A malformed event changes nothing.
      }
    };
    source.addEventListener('incident.updated', (e) => mine(e, 'id'));
    source.addEventListener('timeline.entry', (e) => mine(e, 'incident_id'));
    source.addEventListener('reset', refresh);
    source.onopen = () => {
      setState('open');
      refresh(); // catch up on anything missed while disconnected
    };
    source.onerror = () => {
      setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
      if (source.readyState === EventSource.CLOSED) void queryClient.invalidateQueries({ queryKey: ['session'] });
    };
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [incidentId, serviceId, key, queryClient]);

  return state;
}
