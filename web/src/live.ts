// Live updates over /api/v1/stream (the session cookie authenticates it). `useEventSource` holds one
// EventSource per screen; `useLiveIncidents` folds the rows that incident.created / incident.updated
// carry straight into every loaded list (no refetch per event, which a storm would turn into a
// flood), a quarter of a second at a time. `reset` (the server lost our place) and every
// (re)connect refetch the lists instead.
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { IncidentRow, Page } from './api.ts';
import { applyLive, filterFromParams, type LiveChange } from './incident-list.ts';

export type LiveState = 'connecting' | 'open' | 'closed';

/**
 * Listens to `events` on the stream at `url` (none while `url` is null) and calls `onEvent` with
 * each event's name and data, and with 'open' on every (re)connect, when anything may have been
 * missed. A stream closed for good usually means the session ended: the app asks again who is
 * signed in.
 */
export function useEventSource(
  url: string | null,
  events: readonly string[],
  onEvent: (name: string, data: string) => void,
): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const dispatch = useEffectEvent(onEvent);
  const names = events.join(',');

  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url);
    for (const name of names.split(','))
      source.addEventListener(name, (event) => dispatch(name, (event as MessageEvent<string>).data));
    source.onopen = () => {
      setState('open');
      dispatch('open', '');
    };
    source.onerror = () => {
      setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
      if (source.readyState === EventSource.CLOSED) void queryClient.invalidateQueries({ queryKey: ['session'] });
    };
    return () => source.close();
  }, [url, names, queryClient]);

  return state;
}

/** Runs `flush` once, `ms` after the first of a burst of `schedule()` calls; nothing after unmount. */
export function useCoalesced(ms: number, flush: () => void): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(flush);
  useEffect(() => {
    latest.current = flush;
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  return () => {
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  };
}

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
      queryClient.setQueryData<InfiniteData<Page<IncidentRow>>>(query.queryKey, (data) => {
        if (!data) return data;
        const pages = applyLive(data.pages, changes, filter);
        return pages === data.pages ? data : { ...data, pages };
      });
    }
  });

  return useEventSource('/api/v1/stream', LIST_EVENTS, (name, data) => {
    if (name === 'incident.created' || name === 'incident.updated') {
      pending.current.push({
        kind: name === 'incident.created' ? 'created' : 'updated',
        row: JSON.parse(data) as IncidentRow,
      });
      schedule();
    } else {
      // 'reset' or a (re)connect: catch up on anything missed by loading the lists again.
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
    }
  });
}
