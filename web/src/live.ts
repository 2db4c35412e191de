// Live updates: one EventSource on /api/v1/stream (the session cookie authenticates it). Incident
// events invalidate the list query; `reset` (the server lost our place) refetches it outright.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

export type LiveState = 'connecting' | 'open' | 'closed';

export function useLiveIncidents(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    const source = new EventSource('/api/v1/stream');
    const changed = () => void queryClient.invalidateQueries({ queryKey: ['incidents'] });
    source.addEventListener('incident.created', changed);
    source.addEventListener('incident.updated', changed);
    source.addEventListener('reset', () => void queryClient.refetchQueries({ queryKey: ['incidents'] }));
    source.onopen = () => {
      setState('open');
      // Anything missed while disconnected: catch up once on (re)connect.
      changed();
    };
    source.onerror = () => {
      setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
      // A closed stream usually means the session ended (401): ask again who is signed in.
      if (source.readyState === EventSource.CLOSED) void queryClient.invalidateQueries({ queryKey: ['session'] });
    };
    return () => source.close();
  }, [queryClient]);

  return state;
}
