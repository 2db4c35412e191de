// The on-call screen's reads of shifts, and the refresh after an override changes them. Shifts come
// resolved from the API (rotations, overrides and fixed schedules already applied) for a window.
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schedule, type ShiftWindow } from '../shared/api.ts';
import { id, KEYS } from '../shared/resources.ts';
import type { Window } from './timeline-layout.ts';

const DAY_MS = 86_400_000;
/** How far ahead "My shifts" and the handover cards look. */
export const COMING_DAYS = 28;

function fetchShifts(scheduleId: string, from: number, to: number) {
  const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
  const query = `from=${iso(from)}&to=${iso(to)}`;
  return api<ShiftWindow>('GET', `/api/v1/schedules/${id(scheduleId)}/shifts?${query}`);
}

/** Every schedule's shifts from now over the next four weeks (one request per schedule). */
export function useComingShifts(schedules: readonly Schedule[]) {
  return useQueries({
    queries: schedules.map((s) => ({
      queryKey: [...KEYS.shifts, s.id, 'coming'],
      queryFn: () => fetchShifts(s.id, Date.now(), Date.now() + COMING_DAYS * DAY_MS),
      refetchInterval: 60_000,
    })),
  });
}

/** One schedule's shifts over the window the timeline shows. */
export function useWindowShifts(scheduleId: string | undefined, window: Window) {
  return useQuery({
    queryKey: [...KEYS.shifts, scheduleId, window.from, window.to],
    queryFn: () => fetchShifts(scheduleId ?? '', window.from, window.to),
    enabled: scheduleId !== undefined,
    // While the next window loads, the last one of the same schedule stays (no flash of an empty axis).
    placeholderData: (previous, query) => (query?.queryKey[2] === scheduleId ? previous : undefined),
  });
}

/** Refreshes everything an override changes: shifts, the override list, who is on call. */
export function useScheduleChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: KEYS.shifts });
    void queryClient.invalidateQueries({ queryKey: KEYS.overrides });
    void queryClient.invalidateQueries({ queryKey: KEYS.oncall });
  };
}
