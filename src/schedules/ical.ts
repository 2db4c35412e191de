// iCalendar (RFC 5545) rendering of on-call shifts, for the per-schedule and per-user feeds that
// calendar apps subscribe to. Pure: the caller resolves shifts and people and passes `now`.
//
// ical-generator does most of the work (escaping event text, folding at 75 octets without splitting
// a UTF-8 sequence, UTC date-times), but v10 has gaps this file closes:
// - calendar-level text (NAME, X-WR-CALNAME, X-WR-CALDESC) is written verbatim, so a comma,
//   semicolon or newline in a schedule name would corrupt or inject content lines; we escape it;
// - the last line (END:VCALENDAR) has no CRLF, while RFC 5545 terminates every content line; we add it;
// - control characters other than tab are not allowed in TEXT values at all; we drop them.
import { createHash } from 'node:crypto';
import ical, { escape, ICalEventTransparency } from 'ical-generator';
import type { Shift } from './schedule.js';

export type CalendarShift = Shift & { scheduleId: string; scheduleName: string };

export interface CalendarPerson {
  name: string;
  handle: string;
}

export interface RenderCalendarInput {
  /** Calendar display name (NAME / X-WR-CALNAME). */
  name: string;
  description?: string | undefined;
  shifts: CalendarShift[];
  /** User id → display data; an id missing here is shown as the id itself. */
  people: Map<string, CalendarPerson>;
  /** DTSTAMP of every event: when this feed was generated. */
  now: Date;
  /** The feed's own address (URL property), if known. */
  url?: string | undefined;
  /** How often clients should re-fetch; defaults to 15 minutes. */
  refreshMinutes?: number | undefined;
}

const DEFAULT_REFRESH_MINUTES = 15;

/** Renders shifts as a complete `text/calendar` document with CRLF line endings. */
export function renderCalendar(input: RenderCalendarInput): string {
  const refreshMinutes = input.refreshMinutes ?? DEFAULT_REFRESH_MINUTES;
  const calendar = ical({
    prodId: { company: 'Vigil', product: 'On-call schedule', language: 'EN' },
    // Calendar-level text is not escaped by ical-generator (see the header comment).
    name: escape(cleanText(input.name), false),
    description: input.description ? escape(cleanText(input.description), false) : null,
    // Re-serialising through URL drops tabs and newlines, so the value cannot break the line.
    url: input.url ? new URL(input.url).href : null,
    ttl: Math.max(1, Math.round(refreshMinutes)) * 60,
  });

  for (const shift of input.shifts) {
    const person = input.people.get(shift.userId);
    const who = person?.name ?? shift.userId;
    calendar.createEvent({
      id: shiftUid(shift),
      stamp: input.now,
      start: shift.start,
      end: shift.end,
      summary: cleanText(`On call: ${who} (${shift.scheduleName})`),
      description: cleanText(describe(shift, who, person)),
      // Being on call is not being busy: a week-long shift must not block the person's calendar.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }

  return `${calendar.toString()}\r\n`;
}

/**
 * A UID that stays the same for the same shift across refreshes, so clients update events in
 * place instead of duplicating them. The end is left out on purpose: a shift whose end moves
 * (say, an override added later) is the same event with a new DTEND.
 */
export function shiftUid(shift: CalendarShift): string {
  const key = [shift.scheduleId, shift.userId, shift.start.toISOString(), shift.source].join('\n');
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}@vigil`;
}

function describe(shift: CalendarShift, who: string, person: CalendarPerson | undefined): string {
  const handle = person ? ` (@${person.handle})` : '';
  return `${who}${handle} is on call for ${shift.scheduleName}.\n${sourceLabel(shift)}`;
}

function sourceLabel(shift: Shift): string {
  switch (shift.source) {
    case 'rotation':
      return shift.layer ? `Source: rotation layer "${shift.layer}".` : 'Source: rotation layer.';
    case 'override':
      return 'Source: override.';
    case 'fixed':
      return 'Source: fixed schedule.';
  }
}

// TEXT values may not contain control characters other than HTAB (RFC 5545 §3.3.11); line breaks
// are kept here because escape() turns them into "\n".
function cleanText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}
