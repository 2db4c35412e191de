// On-call: who is on call now for every schedule and escalation level, the signed-in person's own
// shifts and calendar feed, and one schedule's coming shifts with its overrides. Responders and
// admins add and remove overrides; viewers only look.
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import {
  api,
  type CalendarLink,
  type CalendarLinksRevoked,
  type OnCallOverview,
  type Override,
  type Schedule,
  type Session,
  type ShiftWindow,
} from '../shared/api.ts';
import { when } from '../shared/format.ts';
import { fromLocalInput, id, KEYS, localInput, minutes, range, usePeople, useSchedules } from '../shared/resources.ts';
import { ConfirmButton, CopyField, PersonOptions, Problem } from '../shared/form-kit.tsx';
import './oncall.css';

const DAY_MS = 86_400_000;
type People = ReturnType<typeof usePeople>;

/** The shifts of a schedule from now over the next `days` days. */
function shiftsQuery(scheduleId: string, days: number) {
  return {
    queryKey: [...KEYS.shifts, scheduleId, days],
    queryFn: () => {
      const from = new Date();
      const to = new Date(from.getTime() + days * DAY_MS);
      return api<ShiftWindow>(
        'GET',
        `/api/v1/schedules/${id(scheduleId)}/shifts?from=${encodeURIComponent(from.toISOString())}` +
          `&to=${encodeURIComponent(to.toISOString())}`,
      );
    },
  };
}

export function OnCall({ session }: { session: Session }) {
  const people = usePeople();
  const schedules = useSchedules();
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

  return (
    <section className="oncall" aria-labelledby="oncall-title">
      <div className="heading">
        <h1 id="oncall-title">On-call</h1>
        {overview.data && <span className="ui-muted ui-small">as of {when(overview.data.at)}</span>}
      </div>
      <Problem error={overview.error ?? schedules.error ?? people.error} />
      <NowPanel overview={overview.data} people={people} me={session.user.id} />
      <div className="oc-pair">
        <MyShifts schedules={list} me={session.user.id} />
        <CalendarFeed schedules={list} me={session.user.id} />
      </div>
      {schedules.isPending ? (
        <p className="notice">Loading schedules…</p>
      ) : (
        <ScheduleShifts schedules={list} people={people} session={session} />
      )}
    </section>
  );
}

function You({ show }: { show: boolean }) {
  return show ? <span className="ui-tag accent">you</span> : null;
}

function Names({ userIds, people, me, empty }: { userIds: string[]; people: People; me: string; empty: string }) {
  if (userIds.length === 0) return <span className="oc-nobody">{empty}</span>;
  return (
    <span className="oc-names">
      {userIds.map((userId) => (
        <span key={userId} className="oc-person">
          {people.label(userId)} <You show={userId === me} />
        </span>
      ))}
    </span>
  );
}

function NowPanel({ overview, people, me }: { overview: OnCallOverview | undefined; people: People; me: string }) {
  if (!overview) return <p className="notice">Loading who is on call…</p>;
  return (
    <section className="ui-panel" aria-labelledby="now-title">
      <h2 id="now-title">On call now</h2>
      <h3>Schedules</h3>
      {overview.schedules.length === 0 ? (
        <p className="ui-muted">No schedules yet. Admins create them under Settings → Schedules.</p>
      ) : (
        <ul className="oc-now" aria-label="On call now by schedule">
          {[...overview.schedules]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((s) => (
              <li key={s.schedule_id}>
                <span className="oc-label">{s.name}</span>
                <Names userIds={s.user_ids} people={people} me={me} empty="Nobody on call" />
              </li>
            ))}
        </ul>
      )}
      <h3>Escalation policies</h3>
      {overview.policies.length === 0 ? (
        <p className="ui-muted">No escalation policies yet. Admins create them under Settings → Escalation.</p>
      ) : (
        overview.policies.map((p) => (
          <div key={p.policy_id} className="oc-policy">
            <h4>{p.name}</h4>
            <ol aria-label={`${p.name}: levels`}>
              {p.levels.map((l) => (
                <li key={l.level}>
                  <span className="oc-label">
                    <strong>L{l.level}</strong> {l.name ?? ''}{' '}
                    <span className="ui-muted ui-small">
                      {l.delay_seconds === 0 ? 'paged at once' : `after ${minutes(l.delay_seconds)}`}
                    </span>
                  </span>
                  <Names userIds={l.user_ids} people={people} me={me} empty="Nobody (no target on call)" />
                </li>
              ))}
            </ol>
          </div>
        ))
      )}
    </section>
  );
}

function MyShifts({ schedules, me }: { schedules: Schedule[]; me: string }) {
  const results = useQueries({ queries: schedules.map((s) => shiftsQuery(s.id, 28)) });
  const mine = schedules
    .flatMap((s, i) =>
      (results[i]?.data?.data ?? [])
        .filter((shift) => shift.user_id === me)
        .map((shift) => ({ ...shift, schedule: s.name })),
    )
    .sort((a, b) => a.start.localeCompare(b.start));
  const loading = results.some((r) => r.isPending);
  const failed = results.find((r) => r.error)?.error ?? null;
  return (
    <section className="ui-panel" aria-labelledby="mine-title">
      <h2 id="mine-title">My shifts</h2>
      <p className="ui-muted ui-small">Your shifts in the next 4 weeks, in every schedule.</p>
      <Problem error={failed} />
      {loading ? (
        <p className="ui-muted">Loading…</p>
      ) : mine.length === 0 ? (
        <p className="ui-muted">You have no shifts in the next 4 weeks.</p>
      ) : (
        <ul className="oc-mine">
          {mine.map((s) => (
            <li key={`${s.schedule}-${s.start}-${s.source}`}>
              <span>{range(s.start, s.end)}</span>
              <span className="ui-muted">
                {s.schedule}
                {s.source !== 'rotation' && <> · {s.source}</>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CalendarFeed({ schedules, me }: { schedules: Schedule[]; me: string }) {
  const issue = useMutation({ mutationFn: () => api<CalendarLink>('POST', '/api/v1/ical/tokens', {}) });
  const revoke = useMutation({
    mutationFn: () => api<CalendarLinksRevoked>('DELETE', `/api/v1/users/${id(me)}/ical-tokens`),
    onSuccess: () => issue.reset(),
  });
  const link = issue.data;
  return (
    <section className="ui-panel" aria-labelledby="ical-title">
      <h2 id="ical-title">Calendar feed</h2>
      <p className="ui-small">
        Subscribe to your shifts in Google Calendar, Outlook or Apple Calendar: add a calendar “from URL” and paste your
        link. The feed holds your shifts from a week back to eight weeks ahead, and your calendar app refreshes it on
        its own.
      </p>
      <p className="ui-small ui-muted">
        The link works without signing in, so treat it like a password. Vigil shows it once; you can get a new one at
        any time, and revoke all of yours if one leaks.
      </p>
      {link ? (
        <>
          <CopyField label="Your shifts (iCal URL)" value={link.my_shifts_url} />
          {schedules.length > 0 && (
            <details className="oc-feeds">
              <summary>Feeds of whole schedules</summary>
              {schedules.map((s) => (
                <CopyField
                  key={s.id}
                  label={s.name}
                  value={link.schedule_url_template.replace('{schedule_id}', encodeURIComponent(s.id))}
                />
              ))}
            </details>
          )}
        </>
      ) : (
        <button type="button" className="primary" onClick={() => issue.mutate()} disabled={issue.isPending}>
          {issue.isPending ? 'Creating…' : 'Get my calendar link'}
        </button>
      )}
      <Problem error={issue.error} />
      <div className="oc-revoke">
        <ConfirmButton
          label="Revoke all my calendar links"
          confirm="Confirm: revoke all"
          onConfirm={() => revoke.mutate()}
          disabled={revoke.isPending}
        />
        {revoke.data && (
          <span role="status" className="ui-small">
            {' '}
            {revoke.data.revoked === 1 ? '1 link revoked.' : `${revoke.data.revoked} links revoked.`}
          </span>
        )}
      </div>
      <Problem error={revoke.error} />
    </section>
  );
}

const WINDOWS = [7, 14, 28] as const;

function ScheduleShifts({ schedules, people, session }: { schedules: Schedule[]; people: People; session: Session }) {
  // The chosen schedule is in the address (?schedule=id), so it can be linked to and survives a reload.
  const [params, setParams] = useSearchParams();
  const [days, setDays] = useState<number>(14);
  const schedule = schedules.find((s) => s.id === params.get('schedule')) ?? schedules[0];
  const scheduleId = schedule?.id ?? '';
  const shifts = useQuery({ ...shiftsQuery(scheduleId, days), enabled: schedule !== undefined });
  const overrides = useQuery({
    queryKey: [...KEYS.overrides, scheduleId],
    queryFn: () => api<{ data: Override[] }>('GET', `/api/v1/schedules/${id(scheduleId)}/overrides`),
    enabled: schedule !== undefined,
  });
  // The window starts when the shifts were fetched, so "now" is that moment (the first shift is clipped to it).
  const now = shifts.dataUpdatedAt;
  const canOverride = session.role !== 'viewer';

  if (!schedule) return null;
  return (
    <section className="ui-panel" aria-labelledby="shifts-title">
      <header>
        <h2 id="shifts-title">Shifts: {schedule.name}</h2>
        <div className="oc-pickers">
          {schedules.length > 1 && (
            <label>
              Schedule{' '}
              <select value={schedule.id} onChange={(e) => setParams({ schedule: e.target.value }, { replace: true })}>
                {schedules.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            Show{' '}
            <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {WINDOWS.map((d) => (
                <option key={d} value={d}>
                  next {d} days
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {/* Prettier's JSX fill would put the {' '} past column 120. */}
      {/* prettier-ignore */}
      <p className="ui-muted ui-small">
        Times in your browser’s time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}); the schedule
        runs in{' '}
        {schedule.timezone}.
      </p>
      <Problem error={shifts.error} />
      {shifts.isPending ? (
        <p className="ui-muted">Loading shifts…</p>
      ) : (shifts.data?.data.length ?? 0) === 0 ? (
        <p className="ui-muted">Nobody is scheduled in this window.</p>
      ) : (
        <ol className="oc-shifts" aria-label={`Shifts of ${schedule.name}`}>
          {shifts.data?.data.map((s) => {
            const current = Date.parse(s.start) <= now && now < Date.parse(s.end);
            return (
              <li
                key={`${s.user_id}-${s.start}-${s.source}-${s.layer ?? ''}`}
                className={`oc-shift ${s.source}${current ? ' current' : ''}`}
              >
                <span className="oc-when">{range(s.start, s.end)}</span>
                <span className="oc-who">
                  {people.label(s.user_id)} <You show={s.user_id === session.user.id} />
                </span>
                <span className="oc-source">
                  {current && <span className="ui-tag accent">now</span>}{' '}
                  <span className={s.source === 'rotation' ? 'ui-tag' : 'ui-tag warn'}>
                    {s.source === 'rotation' ? (s.layer ?? 'rotation') : s.source}
                  </span>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <h3>Overrides</h3>
      <Problem error={overrides.error} />
      <OverrideList
        scheduleId={schedule.id}
        overrides={overrides.data?.data ?? []}
        people={people}
        canEdit={canOverride}
      />
      {canOverride ? (
        <OverrideForm key={schedule.id} scheduleId={schedule.id} people={people} me={session.user.id} />
      ) : (
        <p className="admins-only" role="note">
          Viewers cannot change the schedule. A responder or an admin can add an override.
        </p>
      )}
    </section>
  );
}

function useScheduleChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: KEYS.shifts });
    void queryClient.invalidateQueries({ queryKey: KEYS.overrides });
    void queryClient.invalidateQueries({ queryKey: KEYS.oncall });
  };
}

function OverrideList({
  scheduleId,
  overrides,
  people,
  canEdit,
}: {
  scheduleId: string;
  overrides: Override[];
  people: People;
  canEdit: boolean;
}) {
  const changed = useScheduleChanged();
  const remove = useMutation({
    mutationFn: (overrideId: string) =>
      api<void>('DELETE', `/api/v1/schedules/${id(scheduleId)}/overrides/${id(overrideId)}`),
    onSuccess: changed,
  });
  if (overrides.length === 0) return <p className="ui-muted">No overrides from now on.</p>;
  return (
    <>
      <ul className="oc-overrides" aria-label="Overrides">
        {overrides.map((o) => (
          <li key={o.id}>
            <span>
              {o.user_id === null ? (
                <>{people.label(o.replaces_user_id)} taken off</>
              ) : o.replaces_user_id === null ? (
                <>{people.label(o.user_id)} added</>
              ) : (
                <>
                  {people.label(o.user_id)} instead of {people.label(o.replaces_user_id)}
                </>
              )}
            </span>
            <span className="ui-muted ui-small">{range(o.start, o.end)}</span>
            {canEdit && (
              <ConfirmButton
                label="Remove"
                confirm="Confirm remove"
                onConfirm={() => remove.mutate(o.id)}
                disabled={remove.isPending}
              />
            )}
          </li>
        ))}
      </ul>
      <Problem error={remove.error} />
    </>
  );
}

function OverrideForm({ scheduleId, people, me }: { scheduleId: string; people: People; me: string }) {
  const changed = useScheduleChanged();
  const [userId, setUserId] = useState(me);
  const [replaces, setReplaces] = useState('');
  const [start, setStart] = useState(() => {
    const next = new Date();
    next.setMinutes(0, 0, 0);
    next.setHours(next.getHours() + 1);
    return localInput(next);
  });
  const [end, setEnd] = useState(() => {
    const next = new Date();
    next.setMinutes(0, 0, 0);
    next.setHours(next.getHours() + 9);
    return localInput(next);
  });
  const add = useMutation({
    mutationFn: () =>
      api<Override>('POST', `/api/v1/schedules/${id(scheduleId)}/overrides`, {
        user_id: userId || null,
        replaces_user_id: replaces || null,
        start: fromLocalInput(start),
        end: fromLocalInput(end),
      }),
    onSuccess: changed,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }
  return (
    <form className="ui-form" onSubmit={submit} aria-label="Add an override">
      <label>
        Put on call
        <select name="user" value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">Nobody (only take someone off)</option>
          <PersonOptions users={people.active} />
        </select>
      </label>
      <label>
        Instead of
        <select name="replaces" value={replaces} onChange={(e) => setReplaces(e.target.value)}>
          <option value="">Nobody (add alongside)</option>
          <PersonOptions users={people.active} />
        </select>
      </label>
      <label>
        Start
        <input type="datetime-local" name="start" required value={start} onChange={(e) => setStart(e.target.value)} />
      </label>
      <label>
        End
        <input type="datetime-local" name="end" required value={end} onChange={(e) => setEnd(e.target.value)} />
      </label>
      <div className="buttons">
        <button type="submit" className="primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add override'}
        </button>
        {add.isSuccess && (
          <span role="status" className="ui-small oc-done">
            Override added.
          </span>
        )}
      </div>
      <div className="wide">
        <Problem error={add.error} />
      </div>
    </form>
  );
}
