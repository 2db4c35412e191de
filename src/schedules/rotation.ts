// Rotation maths: who a rotation puts on call, and when its handoffs fall. Pure functions over
// instants; the only clock they read is the one passed in.
//
// Local times are handled as "wall" numbers: a local date and time in the zone, encoded as if it
// were UTC milliseconds (so 2026-03-29 02:30 in Berlin is Date.UTC(2026, 2, 29, 2, 30)). Whole local
// days are then exact multiples of DAY, which makes "the same wall-clock time n days later" plain
// arithmetic; only the step from wall to instant needs the zone's rules (see LocalClock.instantAt).

import { IANAZone } from 'luxon';
import { AppError } from '../errors.js';
import type { Rotation } from './schedule.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const KINDS = new Set(['hourly', 'daily', 'weekly', 'custom']);

export interface RotationShift {
  userId: string;
  start: Date;
  end: Date;
}

/**
 * True for IANA zone names the runtime knows ("Europe/Berlin"); the edge checks this before storing.
 * A name starts with a letter: from Node 22 the runtime's Intl (which luxon asks) also takes UTC offsets
 * such as "+01:00" for zones, which Node 20 refuses, and an offset has no rules, so it stays refused
 * on every runtime.
 */
export function validZone(zone: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && IANAZone.isValidZone(zone);
}

/** Everything wrong with a rotation, as sentences for the API to return; empty when it is usable. */
export function validateRotation(rotation: Rotation): string[] {
  const problems: string[] = [];
  if (!KINDS.has(rotation.kind)) problems.push(`unknown rotation kind ${JSON.stringify(rotation.kind)}`);
  if (!(rotation.handoffAt instanceof Date) || Number.isNaN(rotation.handoffAt.getTime())) {
    problems.push('handoffAt is not a valid date');
  }
  if (!Array.isArray(rotation.participants) || rotation.participants.length === 0) {
    problems.push('a rotation needs at least one participant');
  } else if (rotation.participants.some((p) => typeof p !== 'string' || p === '')) {
    problems.push('participants must be non-empty user ids');
  }
  if (rotation.kind === 'custom') {
    const s = rotation.shiftSeconds;
    // A whole number keeps every handoff on a whole millisecond; under a minute is surely a typo.
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 60) {
      problems.push('a custom rotation needs shiftSeconds, a whole number of at least 60');
    }
  }
  return problems;
}

/**
 * Wall-clock arithmetic in one zone. Asking the zone for an offset goes through Intl and costs
 * ~10 µs, so a clock remembers the offset at each UTC midnight it has looked at and only asks about
 * an exact instant when the midnights either side disagree. That rests on one assumption: a zone
 * changes its offset at most once in any 72 hours, which holds for real zones. Make one clock per
 * computation; its memory grows with the number of days it has looked at.
 */
export class LocalClock {
  private readonly zone: IANAZone;
  private readonly midnights = new Map<number, number>();

  /** An unknown zone name is a caller bug: the edge should have refused it (see validZone). */
  constructor(zone: string) {
    this.zone = IANAZone.create(zone);
    if (!this.zone.isValid)
      throw new AppError('schedule.invalid_timezone', `unknown time zone ${JSON.stringify(zone)}`, { zone });
  }

  /** The wall-clock reading (see the file comment) of the zone's clocks at instant `at`. */
  wallAt(at: number): number {
    const day = Math.floor(at / DAY) * DAY;
    const before = this.offsetAtMidnight(day);
    return at + (before === this.offsetAtMidnight(day + DAY) ? before : this.offset(at));
  }

  /**
   * The instant at which the zone's clocks read `wall`, with a rule for the two readings that are
   * not exactly one instant:
   *
   * - Skipped (spring forward, e.g. 02:30 when clocks go 02:00 → 03:00): the first instant after
   *   the gap, the moment the clocks read 03:00. A handoff "at 02:30" then happens as soon as the
   *   day gets past 02:30, not an hour later as luxon's default (move by the gap: 03:30) would have
   *   it; nobody's shift silently grows by the gap's length.
   * - Repeated (fall back, 01:30 happens twice): the first occurrence, so the handoff happens the
   *   first time a clock shows that time, as people watching the clock expect; the shift that
   *   follows gets the extra hour.
   */
  instantAt(wall: number): number {
    const day = Math.floor(wall / DAY) * DAY;
    // The instant lies within 14 h of `wall`, so between these two midnights.
    const early = this.offsetAtMidnight(day - DAY);
    const late = this.offsetAtMidnight(day + 2 * DAY);
    if (early === late) return wall - early;
    let first: number | undefined;
    for (const offset of [early, late]) {
      const at = wall - offset;
      if (this.offset(at) === offset && (first === undefined || at < first)) first = at;
    }
    if (first !== undefined) return first;
    // In the gap: the offset switches from `early` to `late` somewhere in (lo, hi]; find that instant.
    let lo = wall - late;
    let hi = wall - early;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offset(mid) === early) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** The offset from UTC at an instant, in milliseconds. */
  private offset(at: number): number {
    return this.zone.offset(at) * MINUTE;
  }

  private offsetAtMidnight(midnight: number): number {
    let offset = this.midnights.get(midnight);
    if (offset === undefined) this.midnights.set(midnight, (offset = this.offset(midnight)));
    return offset;
  }
}

/** A rotation reduced to two functions: when shift n starts, and which shift holds an instant. */
interface Plan {
  start(n: number): number;
  /** The shift holding instant `at`; negative before handoffAt. */
  indexAt(at: number): number;
}

function planOf(rotation: Rotation, zone: string): Plan | undefined {
  if (validateRotation(rotation).length > 0) return undefined;
  const h0 = rotation.handoffAt.getTime();
  if (rotation.kind === 'hourly' || rotation.kind === 'custom') {
    const len = rotation.kind === 'hourly' ? HOUR : (rotation.shiftSeconds as number) * 1000;
    return { start: (n) => h0 + n * len, indexAt: (at) => Math.floor((at - h0) / len) };
  }
  const clock = new LocalClock(zone);
  const step = rotation.kind === 'daily' ? 1 : 7;
  const wall0 = clock.wallAt(h0);
  const day0 = Math.floor(wall0 / DAY);
  const timeOfDay = wall0 - day0 * DAY;
  // Shift 0 starts at handoffAt itself even when that was the second occurrence of a repeated time;
  // later shifts start at the same wall-clock time under LocalClock.instantAt's conventions.
  const start = (n: number): number => (n === 0 ? h0 : clock.instantAt((day0 + n * step) * DAY + timeOfDay));
  const indexAt = (at: number): number => {
    if (at < h0) return -1;
    // Local calendar days between the two dates give the shift to within one; then look at the
    // actual handoff instants. The loops run at most once or twice.
    let n = Math.floor((Math.floor(clock.wallAt(at) / DAY) - day0) / step);
    while (n > 0 && start(n) > at) n--;
    while (start(n + 1) <= at) n++;
    return n;
  };
  return { start, indexAt };
}

/**
 * The rotation's shifts overlapping [from, to), clipped to it. Nobody is on call before
 * handoffAt; an invalid rotation (see validateRotation) puts nobody on call at all.
 */
export function rotationShifts(rotation: Rotation, zone: string, from: Date, to: Date): RotationShift[] {
  const plan = planOf(rotation, zone);
  const lo = from.getTime();
  const hi = to.getTime();
  if (!plan || !(hi > lo)) return [];
  const people = rotation.participants;
  const shifts: RotationShift[] = [];
  let n = Math.max(0, plan.indexAt(lo));
  let start = plan.start(n);
  while (start < hi) {
    const end = plan.start(n + 1);
    // A zero-length shift only arises when a whole local day is skipped (Samoa, 2011); skip it too.
    if (end > start && end > lo) {
      shifts.push({
        userId: people[n % people.length] as string,
        start: new Date(Math.max(start, lo)),
        end: new Date(Math.min(end, hi)),
      });
    }
    n++;
    start = end;
  }
  return shifts;
}

/** Who the rotation puts on call at an instant; undefined before handoffAt or for an invalid rotation. */
export function rotationUserAt(rotation: Rotation, zone: string, at: Date): string | undefined {
  const plan = planOf(rotation, zone);
  if (!plan) return undefined;
  const n = plan.indexAt(at.getTime());
  return n < 0 ? undefined : rotation.participants[n % rotation.participants.length];
}
