import { describe, expect, it } from 'vitest';
import { renderCalendar, type CalendarShift, type RenderCalendarInput } from './ical.js';

// A deliberately strict reader for RFC 5545 content: it rejects anything a careless writer could
// get away with in a lenient client (bare LF, over-long lines, unknown escapes, unbalanced blocks).

interface ContentLine {
  name: string;
  params: Record<string, string>;
  value: string;
}

interface Component {
  type: string;
  props: ContentLine[];
  children: Component[];
}

const encoder = new TextEncoder();

/** Physical lines; throws unless every line ends with CRLF and no bare CR or LF appears. */
function physicalLines(text: string): string[] {
  if (!text.endsWith('\r\n')) throw new Error('document does not end with CRLF');
  const lines = text.slice(0, -2).split('\r\n');
  for (const line of lines) {
    if (/[\r\n]/.test(line)) throw new Error(`bare CR or LF in ${JSON.stringify(line)}`);
  }
  return lines;
}

/** Joins continuation lines (CRLF followed by one space or tab). */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (out.length === 0) throw new Error('continuation line with nothing to continue');
      out[out.length - 1] += line.slice(1);
    } else {
      out.push(line);
    }
  }
  return out;
}

/** name *(";" param) ":" value, with quoted parameter values allowed to hold ; : and ,. */
function parseContentLine(line: string): ContentLine {
  const nameMatch = /^[A-Za-z0-9-]+/.exec(line);
  if (!nameMatch) throw new Error(`bad property name in ${JSON.stringify(line)}`);
  const name = nameMatch[0].toUpperCase();
  let i = name.length;
  const params: Record<string, string> = {};
  while (line[i] === ';') {
    const param = /^([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*)/.exec(line.slice(i + 1));
    if (!param?.[1] || param[2] === undefined) throw new Error(`bad parameter in ${JSON.stringify(line)}`);
    params[param[1].toUpperCase()] = param[2].replace(/^"(.*)"$/, '$1');
    i += 1 + param[0].length;
  }
  if (line[i] !== ':') throw new Error(`missing ":" in ${JSON.stringify(line)}`);
  const value = line.slice(i + 1);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) throw new Error(`control character in ${JSON.stringify(line)}`);
  return { name, params, value };
}

/** Reverses TEXT escaping (RFC 5545 §3.3.11); an unescaped , or ; or an unknown escape is an error. */
function unescapeText(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === ',' || c === ';') throw new Error(`unescaped ${c} in ${JSON.stringify(value)}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = value[++i];
    if (next === 'n' || next === 'N') out += '\n';
    else if (next === '\\' || next === ',' || next === ';') out += next;
    else throw new Error(`bad escape \\${next ?? ''} in ${JSON.stringify(value)}`);
  }
  return out;
}

/** Parses a whole document into its VCALENDAR component, checking BEGIN/END balance. */
function parseCalendar(text: string): Component {
  const root: Component = { type: '', props: [], children: [] };
  const stack: Component[] = [root];
  for (const line of unfold(physicalLines(text)).map(parseContentLine)) {
    const top = stack[stack.length - 1]!;
    if (line.name === 'BEGIN') {
      const child: Component = { type: line.value, props: [], children: [] };
      top.children.push(child);
      stack.push(child);
    } else if (line.name === 'END') {
      if (top.type !== line.value) throw new Error(`END:${line.value} closes ${top.type || 'nothing'}`);
      stack.pop();
    } else {
      if (top === root) throw new Error(`${line.name} outside any component`);
      top.props.push(line);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed ${stack[stack.length - 1]!.type}`);
  if (root.children.length !== 1 || root.children[0]!.type !== 'VCALENDAR')
    throw new Error('expected exactly one VCALENDAR');
  return root.children[0]!;
}

function props(component: Component, name: string): ContentLine[] {
  return component.props.filter((p) => p.name === name);
}

/** The single value of a property that must occur exactly once. */
function one(component: Component, name: string): string {
  const found = props(component, name);
  if (found.length !== 1) throw new Error(`${component.type} has ${found.length} ${name}`);
  return found[0]!.value;
}

const UTC_DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseUtc(value: string): Date {
  const m = UTC_DATE_TIME.exec(value);
  if (!m) throw new Error(`not a UTC date-time: ${value}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Renders and runs the document-wide checks every test relies on. */
function render(input: RenderCalendarInput): { text: string; calendar: Component; events: Component[] } {
  const text = renderCalendar(input);
  for (const line of physicalLines(text)) {
    expect(encoder.encode(line).length, `line too long: ${line}`).toBeLessThanOrEqual(75);
  }
  const calendar = parseCalendar(text);
  expect(one(calendar, 'VERSION')).toBe('2.0');
  expect(one(calendar, 'PRODID')).toMatch(/Vigil/);
  const events = calendar.children.filter((c) => c.type === 'VEVENT');
  for (const event of events) {
    expect(one(event, 'UID')).toMatch(/^[0-9a-f]{32}@vigil$/);
    const start = parseUtc(one(event, 'DTSTART'));
    const end = parseUtc(one(event, 'DTEND'));
    expect(parseUtc(one(event, 'DTSTAMP')).getTime()).toBe(Math.floor(input.now.getTime() / 1000) * 1000);
    expect(end.getTime()).toBeGreaterThan(start.getTime());
  }
  return { text, calendar, events };
}

const now = new Date('2025-03-10T12:00:00Z');
const people = new Map([
  ['u-ada', { name: 'Ada Lovelace', handle: 'ada' }],
  ['u-bob', { name: 'Bob Ross', handle: 'bob' }],
]);

function shift(overrides: Partial<CalendarShift> = {}): CalendarShift {
  return {
    userId: 'u-ada',
    start: new Date('2025-03-10T09:00:00Z'),
    end: new Date('2025-03-17T09:00:00Z'),
    source: 'rotation',
    layer: 'Weekly',
    scheduleId: 'sch-1',
    scheduleName: 'Primary',
    ...overrides,
  };
}

const shifts: CalendarShift[] = [
  shift(),
  shift({
    userId: 'u-bob',
    start: new Date('2025-03-12T18:00:00Z'),
    end: new Date('2025-03-13T06:00:00Z'),
    source: 'override',
    layer: undefined,
  }),
  shift({
    userId: 'u-bob',
    start: new Date('2025-03-17T09:00:00Z'),
    end: new Date('2025-03-24T09:00:00Z'),
    source: 'fixed',
    layer: undefined,
  }),
];

describe('renderCalendar', () => {
  it('writes the calendar properties, with a 15 minute refresh by default', () => {
    const { calendar } = render({
      name: 'Primary',
      description: 'Who is on call',
      shifts: [],
      people,
      now,
      url: 'https://vigil.example/ical/abc.ics',
    });
    expect(unescapeText(one(calendar, 'NAME'))).toBe('Primary');
    expect(unescapeText(one(calendar, 'X-WR-CALNAME'))).toBe('Primary');
    expect(unescapeText(one(calendar, 'X-WR-CALDESC'))).toBe('Who is on call');
    expect(one(calendar, 'URL')).toBe('https://vigil.example/ical/abc.ics');
    const refresh = props(calendar, 'REFRESH-INTERVAL');
    expect(refresh).toEqual([{ name: 'REFRESH-INTERVAL', params: { VALUE: 'DURATION' }, value: 'PT15M' }]);
    expect(one(calendar, 'X-PUBLISHED-TTL')).toBe('PT15M');
    expect(props(calendar, 'METHOD')).toEqual([]);
  });

  it.each([
    [5, 'PT5M'],
    [60, 'PT1H'],
    [90, 'PT1H30M'],
    [24 * 60, 'P1D'],
  ])('refreshMinutes %i becomes %s', (refreshMinutes, duration) => {
    const { calendar } = render({ name: 'x', shifts: [], people, now, refreshMinutes });
    expect(one(calendar, 'REFRESH-INTERVAL')).toBe(duration);
    expect(one(calendar, 'X-PUBLISHED-TTL')).toBe(duration);
  });

  it('gives a valid, empty calendar for no shifts and omits absent optional properties', () => {
    const { calendar, text } = render({ name: 'Nobody', shifts: [], people, now });
    expect(calendar.children).toEqual([]);
    expect(props(calendar, 'URL')).toEqual([]);
    expect(props(calendar, 'X-WR-CALDESC')).toEqual([]);
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('writes one VEVENT per shift with UTC times, DTSTAMP = now and a summary naming person and schedule', () => {
    const { events } = render({ name: 'Primary', shifts, people, now });
    expect(events).toHaveLength(3);
    expect(events.map((e) => [one(e, 'DTSTART'), one(e, 'DTEND')])).toEqual([
      ['20250310T090000Z', '20250317T090000Z'],
      ['20250312T180000Z', '20250313T060000Z'],
      ['20250317T090000Z', '20250324T090000Z'],
    ]);
    expect(events.map((e) => one(e, 'DTSTAMP'))).toEqual(Array(3).fill('20250310T120000Z'));
    expect(events.map((e) => unescapeText(one(e, 'SUMMARY')))).toEqual([
      'On call: Ada Lovelace (Primary)',
      'On call: Bob Ross (Primary)',
      'On call: Bob Ross (Primary)',
    ]);
    expect(events.map((e) => one(e, 'TRANSP'))).toEqual(Array(3).fill('TRANSPARENT'));
  });

  it.each<[Partial<CalendarShift>, string]>([
    [{ source: 'rotation', layer: 'Weekdays' }, 'Source: rotation layer "Weekdays".'],
    [{ source: 'rotation', layer: undefined }, 'Source: rotation layer.'],
    [{ source: 'override', layer: undefined }, 'Source: override.'],
    [{ source: 'fixed', layer: undefined }, 'Source: fixed schedule.'],
  ])('describes the source of %o', (overrides, line) => {
    const { events } = render({ name: 'x', shifts: [shift(overrides)], people, now });
    expect(unescapeText(one(events[0]!, 'DESCRIPTION'))).toBe(`Ada Lovelace (@ada) is on call for Primary.\n${line}`);
  });

  it('shows the user id for a user it does not know', () => {
    const { events } = render({ name: 'x', shifts: [shift({ userId: 'u-gone' })], people, now });
    expect(unescapeText(one(events[0]!, 'SUMMARY'))).toBe('On call: u-gone (Primary)');
    expect(unescapeText(one(events[0]!, 'DESCRIPTION'))).toMatch(/^u-gone is on call for Primary\./);
  });

  it('keeps UIDs unique within a feed and stable across renders at different times', () => {
    const many = [
      ...shifts,
      shift({ scheduleId: 'sch-2', scheduleName: 'Secondary' }), // same person and start, other schedule
      shift({ source: 'override', layer: undefined }), // same person, schedule and start, other source
    ];
    const uids = (at: Date) => render({ name: 'x', shifts: many, people, now: at }).events.map((e) => one(e, 'UID'));
    const first = uids(now);
    expect(new Set(first).size).toBe(many.length);
    expect(uids(new Date('2025-06-01T00:00:00Z'))).toEqual(first);
    // A shift whose end moved is still the same event.
    const moved = render({ name: 'x', shifts: [shift({ end: new Date('2025-03-15T09:00:00Z') })], people, now }).events;
    expect(one(moved[0]!, 'UID')).toBe(first[0]);
  });

  it('folds long lines at 75 octets without splitting multi-byte characters', () => {
    const scheduleName = `Équipe de garde 🚨 ${'très longue rotation — '.repeat(12)}fin`;
    const name = `Calendrier ${scheduleName}`;
    const { text, calendar, events } = render({
      name,
      description: scheduleName,
      shifts: [shift({ scheduleName, layer: scheduleName })],
      people: new Map([['u-ada', { name: 'Zoë 🚨 Ünïcödé', handle: 'zoe' }]]),
      now,
    });
    // Folding happened, and round-trips to the original text.
    expect(physicalLines(text).some((line) => line.startsWith(' '))).toBe(true);
    expect(text).not.toContain('\uFFFD');
    expect(unescapeText(one(calendar, 'NAME'))).toBe(name);
    expect(unescapeText(one(calendar, 'X-WR-CALDESC'))).toBe(scheduleName);
    expect(unescapeText(one(events[0]!, 'SUMMARY'))).toBe(`On call: Zoë 🚨 Ünïcödé (${scheduleName})`);
    // Each physical line is valid UTF-8 on its own: no surrogate pair is cut in half.
    for (const line of physicalLines(text)) {
      expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('escapes commas, semicolons, backslashes and newlines so they round-trip and inject nothing', () => {
    const tricky = 'Smith, Jane; on-call\nlead \\ ops';
    const injection = 'Ops\r\nEND:VCALENDAR\r\nBEGIN:VEVENT';
    const { calendar, events } = render({
      name: injection,
      description: tricky,
      shifts: [shift({ scheduleName: tricky, layer: 'a;b,c' })],
      people: new Map([['u-ada', { name: tricky, handle: 'jane' }]]),
      now,
    });
    expect(unescapeText(one(calendar, 'NAME'))).toBe('Ops\nEND:VCALENDAR\nBEGIN:VEVENT');
    expect(unescapeText(one(calendar, 'X-WR-CALNAME'))).toBe('Ops\nEND:VCALENDAR\nBEGIN:VEVENT');
    expect(unescapeText(one(calendar, 'X-WR-CALDESC'))).toBe(tricky);
    expect(events).toHaveLength(1);
    expect(unescapeText(one(events[0]!, 'SUMMARY'))).toBe(`On call: ${tricky} (${tricky})`);
    expect(unescapeText(one(events[0]!, 'DESCRIPTION'))).toBe(
      `${tricky} (@jane) is on call for ${tricky}.\nSource: rotation layer "a;b,c".`,
    );
  });

  it('drops control characters that TEXT values may not contain', () => {
    const { events } = render({
      name: 'x',
      shifts: [shift({ scheduleName: 'Pri\u0000ma\u0007ry\u001b' })],
      people,
      now,
    });
    expect(unescapeText(one(events[0]!, 'SUMMARY'))).toBe('On call: Ada Lovelace (Primary)');
  });

  it('cannot be broken by a URL containing line breaks', () => {
    const { calendar } = render({
      name: 'x',
      shifts: [],
      people,
      now,
      url: 'https://vigil.example/ical\r\nX-EVIL:1/a.ics',
    });
    expect(props(calendar, 'X-EVIL')).toEqual([]);
    expect(one(calendar, 'URL')).toBe('https://vigil.example/icalX-EVIL:1/a.ics');
  });
});
