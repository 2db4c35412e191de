// The time axis of one schedule over one window: tick labels, a bar per shift on as many lanes as
// overlaps need, the gaps nobody covers in red, the "now" line, and (for those who may override) a
// drag across it that picks a range rounded to 15 minutes. It scrolls sideways inside its own
// focusable region, so a phone never scrolls the page; then the legend of the people in view.
import { useRef, useState, type PointerEvent } from 'react';
import type { Schedule, Shift } from '../shared/api.ts';
import { range } from '../shared/resources.ts';
import { count } from '../ui/index.ts';
import type { OverrideDraft } from './override-dialog.tsx';
import { Avatar, personName, type People } from './person-chip.tsx';
import { LANE_HEIGHT, ShiftBar } from './shift-bar.tsx';
import { dragRange, gaps, layoutBars, position, ticks, type Span, type Window } from './timeline-layout.ts';

export const DAY_LABEL = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const HOUR_LABEL = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function Axis({
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
          // Only on the axis itself (or a gap): a press on a bar opens its menu instead. A finger scrolls the
          // axis rather than picking a range; on a phone, "Add an override" and a bar's menu open the dialog.
          if ((event.target as Element).closest('.oc-bar') || event.button !== 0 || event.pointerType === 'touch')
            return;
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
