// Response analytics, the pure part: the range a report may cover, its buckets, what each figure means
// (the definitions the API states next to every number), which pages interrupt, and the UTC offsets a
// time zone keeps over a range.
//
// Time zones. An interruption is classed by the wall-clock time of the responder who got it, in their own
// zone (users.timezone): business hours 08:00–18:00 Monday–Friday, sleep hours 22:00–08:00 any day, off
// hours the rest (evenings 18:00–22:00 and weekend days). SQLite knows no zones, so the offsets are worked
// out here with luxon, as segments of constant offset between a zone's transitions (daylight saving), and
// the database shifts each instant by its segment's offset: the bucketing stays in SQL on both dialects,
// both use the same zone rules, and an instant right after a change gets the new offset.
import { IANAZone } from 'luxon';
import { AppError } from '../errors.js';
import { DEFAULT_RESPONSE_TARGETS, SEVERITIES, type Severity } from '../incident.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The longest range one report covers. */
export const MAX_RANGE_DAYS = 400;
/** The range when none is given: the 30 days up to now. */
export const DEFAULT_RANGE_DAYS = 30;

export const BUCKETS = ['day', 'week'] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_SECONDS: Readonly<Record<Bucket, number>> = { day: 86_400, week: 7 * 86_400 };

/**
 * The channels whose page interrupts a person: a text message and a phone call demand attention at once.
 * E-mail, chat (Slack, Teams, Mattermost) and webhooks are read when the person looks. There is no push
 * channel in notify/ yet (CHANNELS); when one comes it belongs here.
 */
export const INTERRUPTING_CHANNELS = ['sms', 'voice'] as const;

export const BUSINESS_HOURS = { from: 8, to: 18, weekdays: [1, 2, 3, 4, 5] } as const;
export const SLEEP_HOURS = { from: 22, to: 8 } as const;

export interface Range {
  from: Date;
  to: Date;
}

/** The range asked for, defaulted, or a 400 naming what is wrong: `from` not before `to`, or over 400 days. */
export function checkRange(from: Date | undefined, to: Date | undefined, now: Date): Range {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (start.getTime() >= end.getTime())
    throw new AppError(
      'analytics.invalid_range',
      `from (${start.toISOString()}) must be before to (${end.toISOString()})`,
      {
        from: start.toISOString(),
        to: end.toISOString(),
      },
    );
  const days = (end.getTime() - start.getTime()) / DAY_MS;
  if (days > MAX_RANGE_DAYS)
    throw new AppError(
      'analytics.invalid_range',
      `the range from ${start.toISOString()} to ${end.toISOString()} is ${Math.ceil(days)} days; at most ` +
        `${MAX_RANGE_DAYS} are allowed`,
      { from: start.toISOString(), to: end.toISOString(), max_days: MAX_RANGE_DAYS },
    );
  return { from: start, to: end };
}

/** Where bucket 0 starts: UTC midnight of `from`'s day, or of the Monday of its week. */
export function bucketOrigin(from: Date, bucket: Bucket): Date {
  const day = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  if (bucket === 'day') return new Date(day);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return new Date(day - weekday * DAY_MS);
}

/** The buckets covering the range, each clipped to it. */
export function bucketsOf(range: Range, bucket: Bucket): Array<{ index: number; start: Date; end: Date }> {
  const origin = bucketOrigin(range.from, bucket).getTime();
  const size = BUCKET_SECONDS[bucket] * 1000;
  const out: Array<{ index: number; start: Date; end: Date }> = [];
  for (let index = 0; origin + index * size < range.to.getTime(); index++) {
    const start = Math.max(origin + index * size, range.from.getTime());
    const end = Math.min(origin + (index + 1) * size, range.to.getTime());
    if (start < end) out.push({ index, start: new Date(start), end: new Date(end) });
  }
  return out;
}

export interface OffsetSegment {
  zone: string;
  /** ISO instants: the offset holds from `start` (inclusive) to `end` (exclusive). */
  start: string;
  end: string;
  /** Minutes east of UTC. */
  offsetMinutes: number;
}

/**
 * The UTC offsets `zone` keeps over the range, one segment per stretch between transitions. The offset is
 * sampled every 6 hours and each change is narrowed to the minute by bisection (zones change at most a
 * few times a year and never twice within 6 hours). An unknown zone counts as UTC.
 */
export function offsetSegments(zone: string, range: Range): OffsetSegment[] {
  const z = IANAZone.create(zone);
  const offset = (ms: number) => (z.isValid ? z.offset(ms) : 0);
  const step = 6 * 3_600_000;
  const from = range.from.getTime();
  const to = range.to.getTime();
  const segments: OffsetSegment[] = [];
  let start = from;
  let current = offset(from);
  for (let probe = from; probe < to;) {
    const next = Math.min(probe + step, to);
    if (offset(next) !== current) {
      // Zones change on whole minutes: bisect on the minute grid for the first minute of the new offset.
      let low = Math.floor(probe / MINUTE_MS) * MINUTE_MS; // offset(low) === current
      let high = Math.ceil(next / MINUTE_MS) * MINUTE_MS; // offset(high) !== current
      while (high - low > MINUTE_MS) {
        const mid = low + Math.floor((high - low) / (2 * MINUTE_MS)) * MINUTE_MS;
        if (offset(mid) === current) low = mid;
        else high = mid;
      }
      if (high >= to) break;
      segments.push({ zone, start: iso(start), end: iso(high), offsetMinutes: current });
      start = high;
      current = offset(high);
    }
    probe = next;
  }
  segments.push({ zone, start: iso(start), end: iso(to), offsetMinutes: current });
  return segments;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Response targets in seconds by severity, from the configured targets in milliseconds. */
export function targetSeconds(targets: Readonly<Record<Severity, number>>): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, targets[s] / 1000])) as Record<Severity, number>;
}

/** The definition of every figure, stated next to it in the API, the CSV and the CLI. */
/** The runbook's post-mortem process ends 72 hours after the resolve. */
export const POSTMORTEM_WINDOW_S = 72 * 3600;

export function definitions(targets: Readonly<Record<Severity, number>> = DEFAULT_RESPONSE_TARGETS) {
  const t = targetSeconds(targets);
  const human = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);
  return {
    incidents: 'incidents triggered (created) in range, by their current severity',
    mtta:
      'trigger → first acknowledgement (the earliest "acknowledged" timeline entry, so a reopened incident keeps ' +
      'its first), incidents first acknowledged in range; percentiles interpolated (percentile_cont)',
    mttr:
      'trigger → resolution (the latest, for an incident reopened and resolved again), incidents resolved in range ' +
      'and resolved now; percentiles interpolated (percentile_cont)',
    response_target_breaches:
      'incidents triggered in range whose first response (first acknowledgement, or resolution without one) came ' +
      `later than the target for their current severity after the trigger — P0 "immediate" = ${human(t.P0)} ` +
      `(the configured P0 target), P1 ${human(t.P1)}, P2 ${human(t.P2)}, P3 ${human(t.P3)} — or has not come and ` +
      'the target has passed; rate = breached / incidents decided (responded, or past target)',
    escalated_beyond_l1:
      'incidents triggered in range of which escalation level 2 or later paged someone; share = escalated / incidents',
    pages: 'people paged by escalation in range (one per person per level reached, admins paged when a policy ran out)',
    interruptions:
      `page messages delivered (sent) in range by ${INTERRUPTING_CHANNELS.join(' or ')} — e-mail, chat and ` +
      "webhooks do not interrupt — per responder, by the responder's own time zone: business hours 08–18 Mon–Fri, " +
      'sleep hours 22–08 any day, off hours the rest',
    follow_ups:
      'follow-ups (not deleted) due in range, by status now: completed, not doing, overdue (outstanding and past ' +
      'due), outstanding (not yet due)',
    postmortems:
      'post-mortems of incidents resolved in range (still resolved), by when they were published: within 72 h of ' +
      "the resolve (the runbook's post-mortem process, 24–72 h), later, or not yet",
  };
}
export type Definitions = ReturnType<typeof definitions>;
