// The maths of the on-call timeline, kept apart from React so it can be tested with tables of cases:
// which window a range shows, where each shift's bar sits (as a share of the window) and on which
// lane when shifts overlap, the gaps nobody covers, a dragged pixel range as times rounded to 15
// minutes, the axis ticks, one colour per person, and who hands over to whom next.
//
// Times are epoch milliseconds throughout; days start at local midnight (the browser's zone, the one
// the axis is labelled in), so a day is not always 24 hours around a daylight-saving change.

export type Span = 'day' | 'week' | 'fortnight';

export const SPAN_DAYS: Record<Span, number> = { day: 1, week: 7, fortnight: 14 };
export const QUARTER_HOUR = 15 * 60_000;
const HOUR = 60 * 60_000;

export interface ShiftLike {
  user_id: string;
  start: string;
  end: string;
}

export interface Window {
  from: number;
  to: number;
}

/** Local midnight of the day `at` falls on, `days` days later (negative: earlier). */
export function startOfDay(at: number, days = 0): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** The window a span shows: from local midnight of the anchor's day, over 1, 7 or 14 days. */
export function spanWindow(span: Span, anchor: number): Window {
  return { from: startOfDay(anchor), to: startOfDay(anchor, SPAN_DAYS[span]) };
}

/** The anchor one window earlier (-1) or later (+1). */
export function stepAnchor(span: Span, anchor: number, direction: -1 | 1): number {
  return startOfDay(anchor, direction * SPAN_DAYS[span]);
}

/** Where `at` lies in the window, 0 (its start) to 1 (its end), clamped. */
export function position(at: number, window: Window): number {
  return Math.min(1, Math.max(0, (at - window.from) / (window.to - window.from)));
}

export interface Bar<S extends ShiftLike> {
  shift: S;
  start: number;
  end: number;
  /** Share of the window's width before the bar and of the bar itself, 0–1. */
  left: number;
  width: number;
  lane: number;
}

/**
 * The bars of the shifts that overlap the window, clipped to it. Overlapping shifts (two layers, an
 * override added alongside) go on separate lanes, each on the first lane that is free by its start.
 */
export function layoutBars<S extends ShiftLike>(
  shifts: readonly S[],
  window: Window,
): { bars: Bar<S>[]; lanes: number } {
  const visible = shifts
    .map((shift) => ({ shift, start: Date.parse(shift.start), end: Date.parse(shift.end) }))
    .filter((s) => s.end > window.from && s.start < window.to && s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const laneEnds: number[] = [];
  const bars = visible.map(({ shift, start, end }) => {
    let lane = laneEnds.findIndex((laneEnd) => laneEnd <= start);
    if (lane === -1) lane = laneEnds.push(end) - 1;
    else laneEnds[lane] = end;
    const left = position(start, window);
    return { shift, start, end, left, width: position(end, window) - left, lane };
  });
  return { bars, lanes: Math.max(1, laneEnds.length) };
}

/** The parts of the window no shift covers: the times nobody is on call. */
export function gaps(shifts: readonly ShiftLike[], window: Window): Window[] {
  const covered = shifts
    .map((s) => ({ from: Math.max(window.from, Date.parse(s.start)), to: Math.min(window.to, Date.parse(s.end)) }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  const found: Window[] = [];
  let reached = window.from;
  for (const c of covered) {
    if (c.from > reached) found.push({ from: reached, to: c.from });
    reached = Math.max(reached, c.to);
  }
  if (reached < window.to) found.push({ from: reached, to: window.to });
  return found;
}

/** The nearest quarter hour (local quarter hours are UTC ones in every zone with whole-15-min offsets). */
export function roundToQuarter(at: number): number {
  return Math.round(at / QUARTER_HOUR) * QUARTER_HOUR;
}

/**
 * The times a drag across the axis selected: pixels `x0`→`x1` of a `width`-pixel axis, in either
 * direction, rounded to quarter hours and at least one quarter hour long.
 */
export function dragRange(x0: number, x1: number, width: number, window: Window): Window {
  const at = (x: number) => window.from + (Math.min(width, Math.max(0, x)) / width) * (window.to - window.from);
  const from = roundToQuarter(at(Math.min(x0, x1)));
  const to = roundToQuarter(at(Math.max(x0, x1)));
  return { from, to: Math.max(to, from + QUARTER_HOUR) };
}

/** The axis labels: every 3 hours for a day, every day at local midnight for a week or two. */
export function ticks(span: Span, window: Window): number[] {
  const found: number[] = [];
  if (span === 'day') {
    for (let at = window.from; at < window.to; at += 3 * HOUR) found.push(at);
    return found;
  }
  for (let day = 0; startOfDay(window.from, day) < window.to; day++) found.push(startOfDay(window.from, day));
  return found;
}

/**
 * One of the eight person colours (1–8) for a user id. People are numbered in the order of their ids
 * (`everyone`; ids grow with creation, so a new person comes last and nobody else's colour changes),
 * which keeps the first eight people apart; an id not in the list falls back to a hash of it.
 */
export function personColour(userId: string, everyone: readonly string[] = []): number {
  const index = [...everyone].sort().indexOf(userId);
  if (index >= 0) return (index % 8) + 1;
  let hash = 2166136261;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 16777619);
  return ((hash >>> 0) % 8) + 1;
}

export interface Handover {
  /** The people on call at `now` and the end of each one's shift (the later end of touching shifts). */
  current: Array<{ userId: string; until: number }>;
  /** The first person on call after the current shift ends who is not on call now, and from when. */
  next: { userId: string; from: number } | null;
}

/** Who is on call at `now` in one schedule's shifts, until when, and who comes next. */
export function handover(shifts: readonly ShiftLike[], now: number): Handover {
  const parsed = shifts
    .map((s) => ({ userId: s.user_id, start: Date.parse(s.start), end: Date.parse(s.end) }))
    .sort((a, b) => a.start - b.start);
  const current = new Map<string, number>();
  for (const s of parsed) if (s.start <= now && now < s.end) current.set(s.userId, s.end);
  // A shift that starts as one ends continues it (a daily rotation of one person, an override's edge).
  for (const [userId, until] of current) {
    let end = until;
    for (const s of parsed) if (s.userId === userId && s.start <= end && s.end > end) end = s.end;
    current.set(userId, end);
  }
  const firstEnd = Math.min(...current.values());
  const after = Number.isFinite(firstEnd) ? firstEnd : now;
  const upcoming = parsed.find((s) => s.start >= after - 1 && s.end > after && !current.has(s.userId));
  return {
    current: [...current].map(([userId, until]) => ({ userId, until })),
    next: upcoming ? { userId: upcoming.userId, from: Math.max(upcoming.start, now) } : null,
  };
}
