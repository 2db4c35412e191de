// On-call: who is on call now and next for every escalation level and schedule, the signed-in
// person's own shifts and calendar feed, and one schedule on a time axis with its overrides.
// Responders and admins add and remove overrides; viewers only look.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, type OnCallOverview, type Session, type ShiftWindow } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { KEYS, usePeople, usePolicies, useSchedules } from '../shared/resources.ts';
import { useNow } from '../shared/use-now.ts';
import { absolute, ago, Skeleton } from '../ui/index.ts';
import { CalendarFeed } from './calendar-feed.tsx';
import { MyShifts } from './my-shifts.tsx';
import { NowCards } from './now-cards.tsx';
import { ScheduleTimeline } from './schedule-timeline.tsx';
import { useComingShifts } from './shift-queries.ts';
import './oncall.css';

export function OnCall({ session }: { session: Session }) {
  const people = usePeople();
  const schedules = useSchedules();
  const policies = usePolicies();
  const now = useNow(15_000);
  const overview = useQuery({
    queryKey: KEYS.oncall,
    queryFn: () => api<OnCallOverview>('GET', '/api/v1/oncall'),
    refetchInterval: 60_000,
  });
  // By name, so the first (shown by default) does not change when someone adds a schedule.
  const list = useMemo(
    () => [...(schedules.data?.data ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [schedules.data],
  );
  const results = useComingShifts(list);
  const coming = new Map<string, ShiftWindow>();
  list.forEach((s, i) => {
    const data = results[i]?.data;
    if (data) coming.set(s.id, data);
  });
  const me = session.user.id;

  return (
    <section className="oncall" aria-labelledby="oncall-title">
      <div className="heading">
        <h1 id="oncall-title">On-call</h1>
        {overview.data && (
          <span className="ui-muted ui-small" title={absolute(overview.data.at)}>
            updated {ago(overview.data.at, Math.max(now, Date.parse(overview.data.at)))}
          </span>
        )}
      </div>
      <Problem error={overview.error ?? schedules.error ?? people.error ?? policies.error} />
      {overview.data ? (
        <NowCards
          overview={overview.data}
          policies={policies.data?.data ?? []}
          coming={coming}
          people={people}
          me={me}
        />
      ) : (
        <Skeleton lines={3} label="Loading who is on call" />
      )}
      {schedules.isPending ? (
        <Skeleton lines={3} label="Loading schedules" />
      ) : (
        <ScheduleTimeline schedules={list} people={people} session={session} />
      )}
      <div className="oc-pair">
        <MyShifts
          schedules={list}
          coming={coming}
          me={me}
          now={now}
          loading={results.some((r) => r.isPending)}
          error={results.find((r) => r.error)?.error ?? null}
        />
        <CalendarFeed schedules={list} me={me} />
      </div>
    </section>
  );
}
