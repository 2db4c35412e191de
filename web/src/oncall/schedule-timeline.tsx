// One schedule over time: which schedule (kept in the address), a day, a week or two weeks, stepped
// back and forth or back to today; its axis (schedule-axis.tsx) and its overrides. Those who may change
// the schedule add an override in one dialog, opened from a shift's menu, a drag across the axis or
// the "Add an override" button, so the keyboard reaches everything the mouse does.
import { useQuery } from '@tanstack/react-query';
import { ChevronLeft, ChevronRight, Plus } from 'lucide-react';
import { useState } from 'react';
import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import { useSearchParams } from 'react-router';
import { api, type Override, type Schedule, type Session } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { id, KEYS } from '../shared/resources.ts';
import { useNow } from '../shared/use-now.ts';
import { Button, IconButton, Select, Skeleton, zoneName } from '../ui/index.ts';
import { OverrideDialog, type OverrideDraft } from './override-dialog.tsx';
import { OverrideList } from './override-list.tsx';
import type { People } from './person-chip.tsx';
import { Axis, DAY_LABEL } from './schedule-axis.tsx';
import { useWindowShifts } from './shift-queries.ts';
import { spanWindow, stepAnchor, type Span } from './timeline-layout.ts';

const SPANS: ReadonlyArray<[Span, string]> = [
  ['day', 'Day'],
  ['week', 'Week'],
  ['fortnight', '2 weeks'],
];
const RANGE_LABEL = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const HOUR = 3_600_000;

/** The default override when none is picked yet: from the next full hour, for 8 hours. */
function nextHours(now: number): OverrideDraft {
  const start = Math.ceil(now / HOUR) * HOUR;
  return { start: new Date(start).toISOString(), end: new Date(start + 8 * HOUR).toISOString(), replaces: null };
}

export function ScheduleTimeline({
  schedules,
  people,
  session,
}: {
  schedules: Schedule[];
  people: People;
  session: Session;
}) {
  // The chosen schedule is in the address (?schedule=id), so it can be linked to and survives a reload.
  const [params, setParams] = useSearchParams();
  const [span, setSpan] = useState<Span>('week');
  const [anchor, setAnchor] = useState(() => Date.now());
  const [draft, setDraft] = useState<OverrideDraft | null>(null);
  const now = useNow(60_000);
  const schedule = schedules.find((s) => s.id === params.get('schedule')) ?? schedules[0];
  const view = spanWindow(span, anchor);
  const shifts = useWindowShifts(schedule?.id, view);
  const overrides = useQuery({
    queryKey: [...KEYS.overrides, schedule?.id],
    queryFn: () => api<{ data: Override[] }>('GET', `/api/v1/schedules/${id(schedule?.id ?? '')}/overrides`),
    enabled: schedule !== undefined,
  });
  const canOverride = session.role !== 'viewer';
  if (!schedule) return null;
  const me = session.user.id;
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <section className="ui-panel oc-schedule" aria-labelledby="shifts-title">
      <header>
        <h2 id="shifts-title">Shifts: {schedule.name}</h2>
        {canOverride && (
          <Button icon={Plus} onPress={() => setDraft(nextHours(now))}>
            Add an override
          </Button>
        )}
      </header>
      <div className="oc-toolbar">
        {schedules.length > 1 && (
          <Select
            label="Schedule"
            hideLabel
            className="oc-schedule-pick"
            options={schedules.map((s) => ({ id: s.id, label: s.name }))}
            value={schedule.id}
            onChange={(next) => setParams({ schedule: next }, { replace: true })}
          />
        )}
        <ToggleButtonGroup
          aria-label="Range"
          className="oc-spans"
          selectionMode="single"
          disallowEmptySelection
          selectedKeys={[span]}
          onSelectionChange={(keys: Set<Key>) => {
            const [next] = keys;
            if (next) setSpan(next as Span);
          }}
        >
          {SPANS.map(([value, label]) => (
            <ToggleButton key={value} id={value} className="ui-button ui-button-secondary ui-button-sm oc-span">
              {label}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <div className="oc-nav" role="group" aria-label="Move in time">
          <IconButton
            icon={ChevronLeft}
            size="sm"
            label={`Previous ${span === 'fortnight' ? '2 weeks' : span}`}
            onPress={() => setAnchor(stepAnchor(span, anchor, -1))}
          />
          <Button size="sm" onPress={() => setAnchor(Date.now())}>
            Today
          </Button>
          <IconButton
            icon={ChevronRight}
            size="sm"
            label={`Next ${span === 'fortnight' ? '2 weeks' : span}`}
            onPress={() => setAnchor(stepAnchor(span, anchor, 1))}
          />
        </div>
        <span className="oc-range" aria-live="polite">
          {span === 'day'
            ? DAY_LABEL.format(view.from)
            : `${RANGE_LABEL.format(view.from)} – ${RANGE_LABEL.format(view.to - 1)}`}
        </span>
      </div>
      <p className="ui-muted ui-small">
        Times in {zoneName(localZone)} (your browser); the schedule runs in {zoneName(schedule.timezone)}.
      </p>
      <Problem error={shifts.error} />
      {shifts.data ? (
        <Axis
          schedule={schedule}
          span={span}
          view={view}
          shifts={shifts.data.data}
          people={people}
          now={now}
          me={me}
          onPick={canOverride ? setDraft : undefined}
        />
      ) : (
        <Skeleton lines={2} label="Loading shifts" />
      )}
      <h3>Overrides</h3>
      <Problem error={overrides.error} />
      <OverrideList
        scheduleId={schedule.id}
        overrides={overrides.data?.data ?? []}
        people={people}
        canEdit={canOverride}
      />
      {!canOverride && (
        <p className="admins-only" role="note">
          Viewers cannot change the schedule. A responder or an admin can add an override.
        </p>
      )}
      {canOverride && (
        <OverrideDialog
          scheduleId={schedule.id}
          scheduleName={schedule.name}
          draft={draft}
          people={people}
          me={me}
          onClose={() => setDraft(null)}
        />
      )}
    </section>
  );
}
