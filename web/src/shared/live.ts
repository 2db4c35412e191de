// Live updates over /api/v1/stream (the session cookie authenticates it). `useEventSource` holds one
// EventSource per screen; `useCoalesced` gathers a burst of events into one round of work.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState } from 'react';

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
