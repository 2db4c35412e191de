// Live updates: one EventSource on /api/v1/stream (the session cookie authenticates it). The rows
// that incident.created / incident.updated carry are folded straight into every loaded list (no
// refetch per event, which a storm would turn into a flood), a quarter of a second at a time.
// `reset` (the server lost our place) and every (re)connect refetch the lists instead.
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { IncidentRow, Page } from './api.ts';
import { applyLive, filterFromParams, type LiveChange } from './incident-list.ts';

export type LiveState = 'connecting' | 'open' | 'closed';

const FLUSH_MS = 250;

export function useLiveIncidents(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    const source = new EventSource('/api/v1/stream');
    let pending: LiveChange[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;

    const flush = () => {
      timer = undefined;
      const changes = pending;
      pending = [];
      const lists = queryClient.getQueryCache().findAll({ queryKey: ['incidents'] });
      for (const query of lists) {
        const filter = filterFromParams(new URLSearchParams(String(query.queryKey[1] ?? '')));
        queryClient.setQueryData<InfiniteData<Page<IncidentRow>>>(query.queryKey, (data) => {
          if (!data) return data;
          const pages = applyLive(data.pages, changes, filter);
          return pages === data.pages ? data : { ...data, pages };
        });
      }
    };
    const receive = (kind: LiveChange['kind']) => (event: MessageEvent<string>) => {
      pending.push({ kind, row: JSON.parse(event.data) as IncidentRow });
      timer ??= setTimeout(flush, FLUSH_MS);
    };
    const refetch = () => void queryClient.invalidateQueries({ queryKey: ['incidents'] });

    source.addEventListener('incident.created', receive('created'));
    source.addEventListener('incident.updated', receive('updated'));
    source.addEventListener('reset', refetch);
    source.onopen = () => {
      setState('open');
      // Anything missed while disconnected: catch up once on (re)connect.
      refetch();
    };
    source.onerror = () => {
      setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
      // A closed stream usually means the session ended (401): ask again who is signed in.
      if (source.readyState === EventSource.CLOSED) void queryClient.invalidateQueries({ queryKey: ['session'] });
    };
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [queryClient]);

  return state;
}
