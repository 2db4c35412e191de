// One shift on the timeline: a bar in its person's colour with their name on it. Overrides get a
// striped, outlined bar and say "override" in their accessible name. For those who may change the
// schedule the bar is a button that opens the shift's menu ("Override this shift…"), so the keyboard
// reaches every shift: Tab to it, Enter, arrows. The menu is React Aria's, styled as ui/'s ActionMenu,
// because here the trigger is the bar itself rather than an ellipsis button.
import { CalendarClock } from 'lucide-react';
import type { CSSProperties } from 'react';
import { Button as AriaButton, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import type { Shift } from '../shared/api.ts';
import { range } from '../shared/resources.ts';
import { colourOf, personName, type People } from './person-chip.tsx';
import type { Bar } from './timeline-layout.ts';

export const LANE_HEIGHT = 40;

/** What a screen reader says for a shift: who, when, what kind, and whether it is now. */
export function shiftName(bar: Bar<Shift>, people: People, now: number, me: string): string {
  const s = bar.shift;
  return [
    `${people.label(s.user_id)}${s.user_id === me ? ' (you)' : ''}`,
    range(s.start, s.end),
    s.source === 'override' ? 'override' : s.source === 'fixed' ? 'fixed schedule' : (s.layer ?? 'rotation'),
    ...(bar.start <= now && now < bar.end ? ['on call now'] : []),
  ].join(', ');
}

export function ShiftBar({
  bar,
  people,
  now,
  me,
  onOverride,
}: {
  bar: Bar<Shift>;
  people: People;
  now: number;
  me: string;
  /** Opens the override dialog for this shift; absent for viewers (the bar is then only shown). */
  onOverride?: (shift: Shift) => void;
}) {
  const s = bar.shift;
  const style: CSSProperties = {
    left: `${bar.left * 100}%`,
    width: `${bar.width * 100}%`,
    top: bar.lane * LANE_HEIGHT,
  };
  const classes = [
    'oc-bar',
    `oc-p${colourOf(people, s.user_id)}`,
    s.source !== 'rotation' && 'oc-bar-override',
    bar.start <= now && now < bar.end && 'oc-bar-now',
  ]
    .filter(Boolean)
    .join(' ');
  const name = shiftName(bar, people, now, me);
  const text = <span className="oc-bar-text">{personName(people, s.user_id)}</span>;
  return (
    <li className="oc-bar-slot" style={style}>
      {onOverride ? (
        <MenuTrigger>
          <AriaButton className={classes} aria-label={name}>
            {text}
          </AriaButton>
          <Popover className="ui-popover" placement="bottom start" offset={4}>
            <Menu
              className="ui-menu"
              aria-label={`Shift of ${personName(people, s.user_id)}`}
              onAction={() => onOverride(s)}
            >
              <MenuItem id="override" textValue="Override this shift…" className="ui-menu-item">
                <CalendarClock size={15} aria-hidden />
                Override this shift…
              </MenuItem>
            </Menu>
          </Popover>
        </MenuTrigger>
      ) : (
        <span className={classes} aria-label={name} role="img">
          {text}
        </span>
      )}
    </li>
  );
}
