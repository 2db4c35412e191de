// The signed-in person's own coming shifts, in every schedule, as a compact list; with none, a short
// empty state that says what to do next (subscribe to the calendar feed, or ask for a place in a
// rotation).
import { CalendarCheck } from 'lucide-react';
import type { Schedule, ShiftWindow } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { range } from '../shared/resources.ts';
import { ago, count, EmptyState, Skeleton } from '../ui/index.ts';
import { COMING_DAYS } from './shift-queries.ts';

// The first shift starts when the shifts were fetched, a moment after the clock's last tick.
const MINUTE = 60_000;
/** How many shifts the list shows before "and N more". */
const SHOWN = 6;

export function MyShifts({
  schedules,
  coming,
  me,
  now,
  loading,
  error,
}: {
  schedules: readonly Schedule[];
  coming: ReadonlyMap<string, ShiftWindow>;
  me: string;
  now: number;
  loading: boolean;
  error: Error | null;
}) {
  const mine = schedules
    .flatMap((s) =>
      (coming.get(s.id)?.data ?? [])
        .filter((shift) => shift.user_id === me)
        .map((shift) => ({ ...shift, schedule: s.name })),
    )
    .sort((a, b) => a.start.localeCompare(b.start));
  return (
    <section className="ui-panel" aria-labelledby="mine-title">
      <h2 id="mine-title">My shifts</h2>
      <Problem error={error} />
      {loading ? (
        <Skeleton lines={2} label="Loading your shifts" />
      ) : mine.length === 0 ? (
        <EmptyState icon={CalendarCheck} title={`No shifts for you in the next ${COMING_DAYS} days`}>
          An admin adds you to a rotation under Settings → Schedules; a teammate can hand you a shift with an override.
        </EmptyState>
      ) : (
        <>
          <p className="ui-muted ui-small">
            {count(mine.length, 'shift')} in the next {COMING_DAYS} days, in every schedule.
          </p>
          <ul className="oc-mine">
            {mine.slice(0, SHOWN).map((s) => (
              <li key={`${s.schedule}-${s.start}-${s.source}`}>
                <span>{range(s.start, s.end)}</span>
                <span className="ui-muted">
                  {s.schedule}
                  {s.source === 'override' && ' · override'} ·{' '}
                  {Date.parse(s.start) <= now + MINUTE ? 'now' : ago(s.start, now)}
                </span>
              </li>
            ))}
          </ul>
          {mine.length > SHOWN && <p className="ui-muted ui-small">and {count(mine.length - SHOWN, 'more shift')}.</p>}
        </>
      )}
    </section>
  );
}
