// The shape of an on-call schedule, as the pure maths (rotation.ts, resolve.ts) and the iCal feed
// (ical.ts) see it. Storage and HTTP map to and from these types; nothing here touches a database.
//
// A schedule has layers, each with one rotation; for any instant the highest layer (last in the
// array) that covers it decides who is on call. A layer without restrictions covers every hour;
// with restrictions it covers only those local windows (in the schedule's time zone). Overrides then
// add, remove or replace a person over a time range, and a temporary fixed schedule replaces
// everything (layers and overrides) while it lasts.

export type RotationKind = 'hourly' | 'daily' | 'weekly' | 'custom';

export interface Rotation {
  kind: RotationKind;
  /** Shift length for `custom` rotations, in seconds of elapsed time. Ignored for the other kinds. */
  shiftSeconds?: number | undefined;
  /**
   * Start of the first shift. Daily and weekly handoffs recur at this wall-clock time in the
   * schedule's zone (so a shift across a DST change lasts 23 or 25 hours); hourly and custom shifts
   * are fixed lengths of elapsed time.
   */
  handoffAt: Date;
  /** User ids in rotation order; the same person may appear more than once. */
  participants: string[];
}

/**
 * A weekly local-time window: `days` 1 = Monday … 7 = Sunday (all days when omitted); "HH:MM" times, `end` ≤ `start`
 * wraps past midnight.
 */
export interface Restriction {
  days?: number[] | undefined;
  start: string;
  end: string;
}

export interface Layer {
  name: string;
  rotation: Rotation;
  /** Empty or omitted: the layer covers every hour. */
  restrictions?: Restriction[] | undefined;
}

/**
 * Over [start, end): `userId` with `replacesUserId` replaces that person; `userId` alone adds a
 * person; `replacesUserId` alone removes that person.
 */
export interface Override {
  id: string;
  userId: string | null;
  replacesUserId: string | null;
  start: Date;
  end: Date;
}

/** Over [start, end) only `shifts` count; layers and overrides are ignored there. */
export interface FixedSchedule {
  id: string;
  start: Date;
  end: Date;
  shifts: Array<{ userId: string; start: Date; end: Date }>;
}

export interface ScheduleDefinition {
  /** IANA zone, e.g. "Europe/Berlin". */
  timezone: string;
  /** Lowest first; a later layer wins for the hours it covers. */
  layers: Layer[];
  overrides: Override[];
  fixed: FixedSchedule[];
}

/** One person on call over [start, end). `source` says what put them there. */
export interface Shift {
  userId: string;
  start: Date;
  end: Date;
  source: 'rotation' | 'override' | 'fixed';
  /** The deciding layer's name for rotation shifts. */
  layer?: string | undefined;
}
