// One schedule on a horizontal time axis: a day, a week or two weeks, stepped back and forth or back
// to today; a bar per shift in its person's colour, overrides striped, a "now" line, and the times
// nobody is on call in red. Dragging across the axis (mouse or touch) picks a range rounded to 15
// minutes and opens the override dialog with it; the shift menus and the "Add an override" button do
// the same from the keyboard. On a narrow screen the axis scrolls inside its own region, not the page.
import { useQuery } from '@tanstack/react-query';
import { ChevronLeft, ChevronRight, Plus } from 'lucide-react';
import { useRef, useState, type PointerEvent } from 'react';
import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import { useSearchParams } from 'react-router';
import { api, type Override, type Schedule, type Session, type Shift } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { id, KEYS, range } from '../shared/resources.ts';
import { useNow } from '../shared/use-now.ts';
import { Button, count, IconButton, Select, Skeleton, zoneName } from '../ui/index.ts';
import { OverrideDialog, type OverrideDraft } from './override-dialog.tsx';
import { OverrideList } from './override-list.tsx';
import { Avatar, personName, type People } from './person-chip.tsx';
import { LANE_HEIGHT, ShiftBar } from './shift-bar.tsx';
import { useWindowShifts } from './shift-queries.ts';
import {
  dragRange,
  gaps,
  layoutBars,
  position,
  spanWindow,
  stepAnchor,
  ticks,
  type Span,
  type Window,
} from './timeline-layout.ts';

const SPANS: ReadonlyArray<[Span, string]> = [
  ['day', 'Day'],
  ['week', 'Week'],
  ['fortnight', '2 weeks'],
];
const DAY_LABEL = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const HOUR_LABEL = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
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

function Axis({
  schedule,
  span,
  view,
  shifts,
  people,
  now,
  me,
  onPick,
}: {
  schedule: Schedule;
  span: Span;
  view: Window;
  shifts: Shift[];
  people: People;
  now: number;
  me: string;
  onPick?: (draft: OverrideDraft) => void;
}) {
  const { bars, lanes } = layoutBars(shifts, view);
  const empty = gaps(shifts, view);
  const track = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number; width: number } | null>(null);
  const inView = [...new Set(bars.map((b) => b.shift.user_id))];
  const nowAt = now >= view.from && now < view.to ? position(now, view) : null;

  const x = (event: PointerEvent) => event.clientX - (track.current?.getBoundingClientRect().left ?? 0);
  const drags = onPick
    ? {
        onPointerDown(event: PointerEvent<HTMLDivElement>) {
          // Only on the axis itself (or a gap): a press on a bar opens its menu instead.
          if ((event.target as Element).closest('.oc-bar') || event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          setDrag({ x0: x(event), x1: x(event), width: event.currentTarget.clientWidth || 1 });
        },
        onPointerMove(event: PointerEvent) {
          if (drag) setDrag({ ...drag, x1: x(event) });
        },
        onPointerUp(event: PointerEvent) {
          if (!drag) return;
          const end = x(event);
          setDrag(null);
          // A tap is not a range; 6 px of movement is.
          if (Math.abs(end - drag.x0) < 6) return;
          const picked = dragRange(drag.x0, end, drag.width, view);
          const draft = { start: new Date(picked.from).toISOString(), end: new Date(picked.to).toISOString() };
          // After this pointer's click has landed on the axis: a dialog opened before it counts that
          // click as one outside itself and closes at once.
          setTimeout(() => onPick({ ...draft, replaces: null }));
        },
        onPointerCancel: () => setDrag(null),
      }
    : {};

  return (
    <>
      <div className="oc-tl-scroll" role="region" aria-label={`Timeline of ${schedule.name}`} tabIndex={0}>
        <div className={`oc-tl oc-tl-${span}`}>
          <div className="oc-tl-axis" aria-hidden>
            {ticks(span, view).map((t) => (
              <span key={t} className="oc-tick" style={{ left: `${position(t, view) * 100}%` }}>
                {span === 'day' ? HOUR_LABEL.format(t) : DAY_LABEL.format(t)}
              </span>
            ))}
          </div>
          <div
            ref={track}
            className={onPick ? 'oc-tl-track oc-tl-draggable' : 'oc-tl-track'}
            style={{ height: lanes * LANE_HEIGHT }}
            {...drags}
          >
            {ticks(span, view).map((t) => (
              <span key={t} className="oc-gridline" style={{ left: `${position(t, view) * 100}%` }} aria-hidden />
            ))}
            {empty.map((g) => (
              <div
                key={g.from}
                className="oc-gap"
                style={{
                  left: `${position(g.from, view) * 100}%`,
                  width: `${(position(g.to, view) - position(g.from, view)) * 100}%`,
                }}
                title={`No one on call: ${range(new Date(g.from).toISOString(), new Date(g.to).toISOString())}`}
              >
                <span>No one on call</span>
              </div>
            ))}
            <ol className="oc-bars" aria-label={`Shifts of ${schedule.name}`}>
              {bars.map((bar) => (
                <ShiftBar
                  key={`${bar.shift.user_id}-${bar.shift.start}-${bar.shift.source}-${bar.shift.layer ?? ''}`}
                  bar={bar}
                  people={people}
                  now={now}
                  me={me}
                  onOverride={onPick && ((s) => onPick({ start: s.start, end: s.end, replaces: s.user_id }))}
                />
              ))}
            </ol>
            {nowAt !== null && (
              <span className="oc-now-line" style={{ left: `${nowAt * 100}%` }} aria-hidden>
                <span>now</span>
              </span>
            )}
            {drag && (
              <span
                className="oc-selection"
                aria-hidden
                style={{
                  left: `${(Math.max(0, Math.min(drag.x0, drag.x1)) / drag.width) * 100}%`,
                  width: `${(Math.abs(drag.x1 - drag.x0) / drag.width) * 100}%`,
                }}
              />
            )}
          </div>
        </div>
      </div>
      {empty.length > 0 && (
        <p className="oc-gap-note">
          No one is on call for {count(empty.length, 'stretch', 'stretches')} of this view (red on the axis).
        </p>
      )}
      {inView.length > 0 && (
        <ul className="oc-legend" aria-label="People in this view">
          {inView.map((userId) => (
            <li key={userId}>
              <Avatar people={people} userId={userId} />
              {personName(people, userId)}
            </li>
          ))}
          <li>
            <span className="oc-swatch-override" aria-hidden /> Override
          </li>
        </ul>
      )}
      {onPick && (
        <p className="ui-muted ui-small">Open a shift’s menu to override it, or drag across the axis to pick a time.</p>
      )}
    </>
  );
}
