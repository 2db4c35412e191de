// The incident list's live updates: `useLiveIncidents` folds the rows that incident.created /
// incident.updated carry straight into every loaded list (no refetch per event, which a storm would
// turn into a flood), a quarter of a second at a time, and refreshes the counts on the filter chips
// then (one small query; a refresh already under way is not restarted, so a storm cannot starve it).
// `reset` (the server lost our place) and every (re)connect refetch the lists instead.
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useRef } from 'react';
import type { IncidentStreamRow, Page } from '../shared/api.ts';
import { useCoalesced, useEventSource, type LiveState } from '../shared/live.ts';
import { applyLive, filterFromParams, rowOfStream, type ListRow, type LiveChange } from './incident-list.ts';

const FLUSH_MS = 250;
const LIST_EVENTS = ['incident.created', 'incident.updated', 'reset'] as const;

export function useLiveIncidents(): LiveState {
  const queryClient = useQueryClient();
  const pending = useRef<LiveChange[]>([]);

  const schedule = useCoalesced(FLUSH_MS, () => {
    const changes = pending.current;
    pending.current = [];
    for (const query of queryClient.getQueryCache().findAll({ queryKey: ['incidents'] })) {
      const filter = filterFromParams(new URLSearchParams(String(query.queryKey[1] ?? '')));
      queryClient.setQueryData<InfiniteData<Page<ListRow>>>(query.queryKey, (data) => {
        if (!data) return data;
        const pages = applyLive(data.pages, changes, filter);
        return pages === data.pages ? data : { ...data, pages };
      });
    }
    void queryClient.invalidateQueries({ queryKey: ['incident-counts'] }, { cancelRefetch: false });
  });

  return useEventSource('/api/v1/stream', LIST_EVENTS, (name, data) => {
    if (name === 'incident.created' || name === 'incident.updated') {
      pending.current.push({
        kind: name === 'incident.created' ? 'created' : 'updated',
        row: rowOfStream(JSON.parse(data) as IncidentStreamRow),
      });
      schedule();
    } else {
      // 'reset' or a (re)connect: catch up on anything missed by loading the lists again.
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
      void queryClient.invalidateQueries({ queryKey: ['incident-counts'] });
    }
  });
}
