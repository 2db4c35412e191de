// Resolving a schedule: layers, restrictions, overrides and fixed schedules down to the list of
// people actually on call. Pure; the caller passes the window it wants.
//
// The method: every rule only changes its answer at a few instants (a handoff, a restriction
// window's edge, an override's or fixed schedule's start or end). Between two consecutive such
// instants nothing changes, so each elementary interval is decided by looking at its start, and
// neighbouring intervals that put the same person on call for the same reason are merged again.

import { DAY, LocalClock, MINUTE, rotationShifts } from './rotation.js';
import type { FixedSchedule, Override, Restriction, ScheduleDefinition, Shift } from './schedule.js';

type Span = [start: number, end: number];

interface LayerPlan {
  name: string;
  /** Rotation shifts in the window, sorted and disjoint. */
  shifts: Array<{ userId: string; start: number; end: number }>;
  /** Covered spans in the window, sorted and disjoint; null when the layer covers every hour. */
  cover: Span[] | null;
}

interface OnCall {
  userId: string;
  source: Shift['source'];
  layer?: string | undefined;
}

/**
 * The final on-call shifts over [from, to), one per person and stretch, sorted by start then user.
 *
 * Per instant: the highest layer whose restrictions cover it and whose rotation has someone on call
 * decides; then overrides active at that instant apply in order of their start (ties: array order),
 * each to the result of the ones before, so a replacement of someone an earlier override added
 * works. Inside a fixed schedule only its shifts count; where fixed schedules overlap, the one that
 * started last (ties: later in the array) decides, so a short fixed schedule can sit inside a
 * longer one. Contiguous pieces merge when user, source and layer all match; a change of deciding
 * layer starts a new shift so `layer` stays true.
 */
export function resolveShifts(def: ScheduleDefinition, from: Date, to: Date): Shift[] {
  const lo = from.getTime();
  const hi = to.getTime();
  if (!(hi > lo)) return [];
  const clock = new LocalClock(def.timezone);
  const layers: LayerPlan[] = def.layers.map((layer) => ({
    name: layer.name,
    shifts: rotationShifts(layer.rotation, def.timezone, from, to).map((s) => ({
      userId: s.userId,
      start: s.start.getTime(),
      end: s.end.getTime(),
    })),
    cover: layer.restrictions?.length ? restrictionSpans(layer.restrictions, clock, lo, hi) : null,
  }));
  const overrides = def.overrides
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => o.start.getTime() < hi && o.end.getTime() > lo && o.end > o.start)
    .sort((a, b) => a.o.start.getTime() - b.o.start.getTime() || a.i - b.i)
    .map(({ o }) => o);
  const fixed = def.fixed.filter((f) => f.start.getTime() < hi && f.end.getTime() > lo);

  const edges = new Set<number>([lo, hi]);
  const add = (start: number, end: number): void => {
    if (start > lo && start < hi) edges.add(start);
    if (end > lo && end < hi) edges.add(end);
  };
  for (const layer of layers) {
    for (const s of layer.shifts) add(s.start, s.end);
    for (const [s, e] of layer.cover ?? []) add(s, e);
  }
  for (const o of overrides) add(o.start.getTime(), o.end.getTime());
  for (const f of fixed) {
    add(f.start.getTime(), f.end.getTime());
    for (const s of f.shifts) add(s.start.getTime(), s.end.getTime());
  }
  const points = [...edges].sort((a, b) => a - b);

  const result: Shift[] = [];
  let open = new Map<string, Shift>();
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k] as number;
    const end = points[k + 1] as number;
    const next = new Map<string, Shift>();
    for (const who of decide(start, layers, overrides, fixed)) {
      const key = `${who.userId}\u0000${who.source}\u0000${who.layer ?? ''}`;
      let shift = open.get(key);
      if (shift && shift.end.getTime() === start) {
        shift.end = new Date(end);
      } else {
        shift = { userId: who.userId, start: new Date(start), end: new Date(end), source: who.source };
        if (who.layer !== undefined) shift.layer = who.layer;
        result.push(shift);
      }
      next.set(key, shift);
    }
    open = next;
  }
  return result.sort(
    (a, b) => a.start.getTime() - b.start.getTime() || cmp(a.userId, b.userId) || cmp(a.source, b.source),
  );
}

/** The user ids on call at one instant, sorted and unique. */
export function onCallAt(def: ScheduleDefinition, at: Date): string[] {
  const ids = resolveShifts(def, at, new Date(at.getTime() + 1)).map((s) => s.userId);
  return [...new Set(ids)].sort(cmp);
}

/** Everything wrong with a restriction, as sentences; empty when it is usable. */
export function validateRestriction(r: Restriction): string[] {
  const problems: string[] = [];
  if (r.days !== undefined && (!Array.isArray(r.days) || r.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))) {
    problems.push('days must be ISO weekdays, 1 (Monday) to 7 (Sunday)');
  }
  if (minutesOf(r.start) === undefined || minutesOf(r.start) === 24 * 60)
    problems.push(`start ${JSON.stringify(r.start)} is not a time HH:MM`);
  if (minutesOf(r.end) === undefined) problems.push(`end ${JSON.stringify(r.end)} is not a time HH:MM (24:00 allowed)`);
  return problems;
}

/** Who is on call at instant `at`, given the plans for the window holding it. */
function decide(at: number, layers: LayerPlan[], overrides: Override[], fixed: FixedSchedule[]): OnCall[] {
  let deciding: FixedSchedule | undefined;
  for (const f of fixed) {
    if (f.start.getTime() <= at && at < f.end.getTime() && (!deciding || f.start >= deciding.start)) deciding = f;
  }
  if (deciding) {
    const ids = deciding.shifts.filter((s) => s.start.getTime() <= at && at < s.end.getTime()).map((s) => s.userId);
    return [...new Set(ids)].map((userId) => ({ userId, source: 'fixed' }));
  }

  const people: OnCall[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as LayerPlan;
    if (layer.cover && !find(layer.cover, at, (s) => s)) continue;
    const shift = find(layer.shifts, at, (s) => [s.start, s.end]);
    if (!shift) continue;
    people.push({ userId: shift.userId, source: 'rotation', layer: layer.name });
    break;
  }
  for (const o of overrides) {
    if (!(o.start.getTime() <= at && at < o.end.getTime())) continue;
    const replaced = o.replacesUserId === null ? -1 : people.findIndex((p) => p.userId === o.replacesUserId);
    // A replacement applies only where the replaced person is on call; a removal of someone who is
    // not on call changes nothing.
    if (o.replacesUserId !== null && replaced < 0) continue;
    if (replaced >= 0) people.splice(replaced, 1);
    if (o.userId !== null && !people.some((p) => p.userId === o.userId))
      people.push({ userId: o.userId, source: 'override' });
  }
  return people;
}

/** The item of a sorted, disjoint list whose [start, end) holds `at`, by binary search. */
function find<T>(items: T[], at: number, span: (item: T) => Span): T | undefined {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const item = items[mid] as T;
    const [s, e] = span(item);
    if (at < s) hi = mid - 1;
    else if (at >= e) lo = mid + 1;
    else return item;
  }
  return undefined;
}

/**
 * The spans of [lo, hi) that the restrictions cover, sorted and merged. A window belongs to the
 * local day it starts on (its `days` entry), so an overnight 22:00–06:00 window listed for Friday
 * covers Saturday 00:00–06:00 and one listed for Thursday does not; that is why the scan starts a
 * day before `lo`. Window edges at skipped or repeated local times follow LocalClock.instantAt's conventions.
 */
function restrictionSpans(restrictions: Restriction[], clock: LocalClock, lo: number, hi: number): Span[] {
  const spans: Span[] = [];
  const firstDay = Math.floor(clock.wallAt(lo) / DAY) - 1;
  const lastDay = Math.floor(clock.wallAt(hi) / DAY);
  for (const r of restrictions) {
    const startMin = minutesOf(r.start);
    const endMin = minutesOf(r.end);
    // Invalid restrictions cover nothing; validateRestriction reports them at the edge.
    if (startMin === undefined || endMin === undefined || startMin === 24 * 60) continue;
    const wraps = endMin <= startMin;
    for (let day = firstDay; day <= lastDay; day++) {
      // Day 0 of the wall scale (1970-01-01) was a Thursday, ISO weekday 4.
      const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
      if (r.days?.length && !r.days.includes(weekday)) continue;
      const s = Math.max(lo, clock.instantAt(day * DAY + startMin * MINUTE));
      const e = Math.min(hi, clock.instantAt((wraps ? day + 1 : day) * DAY + endMin * MINUTE));
      if (e > s) spans.push([s, e]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/** Minutes after midnight for "HH:MM"; "24:00" gives 1440 so a window can end at midnight. */
function minutesOf(text: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return undefined;
  return h * 60 + min;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
