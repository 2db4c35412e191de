import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { onCallAt, resolveShifts, validateRestriction } from './resolve.js';
import { rotationUserAt } from './rotation.js';
import { largeSchedule } from '../../test/fixtures/large-schedule.js';
import type {
  FixedSchedule,
  Layer,
  Override,
  Restriction,
  Rotation,
  RotationKind,
  ScheduleDefinition,
  Shift,
} from './schedule.js';

const BER = 'Europe/Berlin';
const NY = 'America/New_York';
const WEEKDAYS = [1, 2, 3, 4, 5];

const rot = (kind: RotationKind, handoffAt: string, participants: string[], shiftSeconds?: number): Rotation => ({
  kind,
  handoffAt: new Date(handoffAt),
  participants,
  shiftSeconds,
});
const layer = (name: string, rotation: Rotation, restrictions?: Restriction[]): Layer => ({
  name,
  rotation,
  restrictions,
});
const def = (
  layers: Layer[],
  overrides: Override[] = [],
  fixed: FixedSchedule[] = [],
  timezone = BER,
): ScheduleDefinition => ({ timezone, layers, overrides, fixed });
let ids = 0;
const ov = (userId: string | null, replacesUserId: string | null, start: string, end: string): Override => ({
  id: `o${++ids}`,
  userId,
  replacesUserId,
  start: new Date(start),
  end: new Date(end),
});
const fixedSchedule = (start: string, end: string, shifts: Array<[string, string, string]>): FixedSchedule => ({
  id: `f${++ids}`,
  start: new Date(start),
  end: new Date(end),
  shifts: shifts.map(([userId, s, e]) => ({ userId, start: new Date(s), end: new Date(e) })),
});

const z = (d: Date): string => d.toISOString().replace(/:00\.000Z$/, 'Z');
const show = (shifts: Shift[]): string[] =>
  shifts.map((s) => `${s.userId} ${z(s.start)} ${z(s.end)} ${s.source}${s.layer ? `:${s.layer}` : ''}`);
const resolve = (d: ScheduleDefinition, from: string, to: string): string[] =>
  show(resolveShifts(d, new Date(from), new Date(to)));

// June 2026 in Berlin is CEST (+02:00), so 09:00 local is 07:00Z. Mon 2026-06-01 is day 0 of the
// daily rotation: n1 on even days (Mon, Wed, Fri, Sun), n2 on odd days, handing off at 09:00 local.
const primary = layer('primary', rot('daily', '2026-06-01T07:00Z', ['n1', 'n2']));
const business = layer('business', rot('weekly', '2026-06-01T07:00Z', ['b1']), [
  { days: WEEKDAYS, start: '09:00', end: '17:00' },
]);
const friNight = layer('night', rot('weekly', '2026-06-01T00:00Z', ['w1']), [
  { days: [5], start: '22:00', end: '06:00' },
]);
// Friday 2026-06-05 (UTC) on the primary layer alone: n2 until 07:00Z, then n1 until Saturday 07:00Z.
const FRI = ['2026-06-05T00:00Z', '2026-06-05T20:00Z'] as const;

describe('layers and restrictions', () => {
  it.each([
    [
      '24/7 layer alone; nobody before handoffAt',
      def([primary]),
      '2026-06-01T00:00Z',
      '2026-06-03T12:00Z',
      [
        'n1 2026-06-01T07:00Z 2026-06-02T07:00Z rotation:primary',
        'n2 2026-06-02T07:00Z 2026-06-03T07:00Z rotation:primary',
        'n1 2026-06-03T07:00Z 2026-06-03T12:00Z rotation:primary',
      ],
    ],
    [
      'weekday business hours over 24/7, Friday to Monday',
      def([primary, business]),
      '2026-06-04T22:00Z',
      '2026-06-08T07:00Z',
      [
        'n2 2026-06-04T22:00Z 2026-06-05T07:00Z rotation:primary',
        'b1 2026-06-05T07:00Z 2026-06-05T15:00Z rotation:business',
        'n1 2026-06-05T15:00Z 2026-06-06T07:00Z rotation:primary',
        'n2 2026-06-06T07:00Z 2026-06-07T07:00Z rotation:primary',
        'n1 2026-06-07T07:00Z 2026-06-08T07:00Z rotation:primary',
      ],
    ],
    [
      'a layer whose rotation has nobody yet does not cover',
      def([primary, { ...business, rotation: rot('weekly', '2026-06-05T12:00Z', ['b1']) }]),
      '2026-06-05T07:00Z',
      '2026-06-05T16:00Z',
      [
        'n1 2026-06-05T07:00Z 2026-06-05T12:00Z rotation:primary',
        'b1 2026-06-05T12:00Z 2026-06-05T15:00Z rotation:business',
        'n1 2026-06-05T15:00Z 2026-06-05T16:00Z rotation:primary',
      ],
    ],
    [
      'the lower layer loses even where it is restricted too',
      def([business, primary]),
      '2026-06-05T06:00Z',
      '2026-06-05T16:00Z',
      [
        'n2 2026-06-05T06:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T16:00Z rotation:primary',
      ],
    ],
    [
      'Friday-night window 22:00–06:00 runs into Saturday morning',
      def([primary, friNight]),
      '2026-06-05T12:00Z',
      '2026-06-06T12:00Z',
      [
        'n1 2026-06-05T12:00Z 2026-06-05T20:00Z rotation:primary',
        'w1 2026-06-05T20:00Z 2026-06-06T04:00Z rotation:night',
        'n1 2026-06-06T04:00Z 2026-06-06T07:00Z rotation:primary',
        'n2 2026-06-06T07:00Z 2026-06-06T12:00Z rotation:primary',
      ],
    ],
    [
      'the same person from two layers: two shifts, each naming its layer',
      def([primary, { ...business, rotation: rot('weekly', '2026-06-01T07:00Z', ['n2']) }]),
      '2026-06-05T00:00Z',
      '2026-06-05T16:00Z',
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n2 2026-06-05T07:00Z 2026-06-05T15:00Z rotation:business',
        'n1 2026-06-05T15:00Z 2026-06-05T16:00Z rotation:primary',
      ],
    ],
    [
      'contiguous shifts of one person merge ([a, a, b] daily)',
      def([layer('l', rot('daily', '2026-06-01T07:00Z', ['a', 'a', 'b']))]),
      '2026-06-01T07:00Z',
      '2026-06-05T07:00Z',
      [
        'a 2026-06-01T07:00Z 2026-06-03T07:00Z rotation:l',
        'b 2026-06-03T07:00Z 2026-06-04T07:00Z rotation:l',
        'a 2026-06-04T07:00Z 2026-06-05T07:00Z rotation:l',
      ],
    ],
    [
      'a single-person hourly rotation is one shift',
      def([layer('l', rot('hourly', '2026-06-01T00:00Z', ['solo']))]),
      '2026-06-01T00:00Z',
      '2026-06-29T00:00Z',
      ['solo 2026-06-01T00:00Z 2026-06-29T00:00Z rotation:l'],
    ],
    [
      'business hours across spring forward (daily 09:00 primary has a 23 h shift)',
      def([
        layer('primary', rot('daily', '2026-03-23T08:00Z', ['n1', 'n2'])),
        layer('business', rot('weekly', '2026-03-23T08:00Z', ['b1']), [
          { days: WEEKDAYS, start: '09:00', end: '17:00' },
        ]),
      ]),
      '2026-03-27T00:00Z',
      '2026-03-30T12:00Z',
      [
        'n2 2026-03-27T00:00Z 2026-03-27T08:00Z rotation:primary',
        'b1 2026-03-27T08:00Z 2026-03-27T16:00Z rotation:business',
        'n1 2026-03-27T16:00Z 2026-03-28T08:00Z rotation:primary',
        'n2 2026-03-28T08:00Z 2026-03-29T07:00Z rotation:primary',
        'n1 2026-03-29T07:00Z 2026-03-30T07:00Z rotation:primary',
        'b1 2026-03-30T07:00Z 2026-03-30T12:00Z rotation:business',
      ],
    ],
    ['no layers: nobody', def([]), '2026-06-01T00:00Z', '2026-06-02T00:00Z', []],
    ['empty window', def([primary]), '2026-06-02T00:00Z', '2026-06-02T00:00Z', []],
  ] as const)('%s', (_name, d, from, to, expected) => {
    expect(resolve(d, from, to)).toEqual(expected);
  });
});

describe('restriction windows (one restricted layer that always has x on call)', () => {
  const always = rot('weekly', '2026-01-05T00:00Z', ['x']);
  it.each<[string, string, Restriction[], string, string, string[]]>([
    [
      'Mon–Fri 09–17 in the spring-forward week',
      BER,
      [{ days: WEEKDAYS, start: '09:00', end: '17:00' }],
      '2026-03-27T00:00Z',
      '2026-03-31T00:00Z',
      ['2026-03-27T08:00Z 2026-03-27T16:00Z', '2026-03-30T07:00Z 2026-03-30T15:00Z'],
    ],
    [
      'Sunday 01:00–04:00 on spring forward lasts 2 h',
      BER,
      [{ days: [7], start: '01:00', end: '04:00' }],
      '2026-03-28T22:00Z',
      '2026-03-29T12:00Z',
      ['2026-03-29T00:00Z 2026-03-29T02:00Z'],
    ],
    [
      'a window starting in the gap (02:30) opens at 03:00',
      BER,
      [{ days: [7], start: '02:30', end: '03:30' }],
      '2026-03-28T22:00Z',
      '2026-03-29T12:00Z',
      ['2026-03-29T01:00Z 2026-03-29T01:30Z'],
    ],
    [
      'a window ending in the gap (02:30) closes at 03:00',
      BER,
      [{ days: [7], start: '01:00', end: '02:30' }],
      '2026-03-28T22:00Z',
      '2026-03-29T12:00Z',
      ['2026-03-29T00:00Z 2026-03-29T01:00Z'],
    ],
    [
      'a window inside the gap is empty',
      BER,
      [{ days: [7], start: '02:00', end: '02:59' }],
      '2026-03-28T22:00Z',
      '2026-03-29T12:00Z',
      [],
    ],
    [
      '02:00–03:00 on fall back: first 02:00 to the only 03:00, 2 h',
      BER,
      [{ days: [7], start: '02:00', end: '03:00' }],
      '2026-10-24T20:00Z',
      '2026-10-25T12:00Z',
      ['2026-10-25T00:00Z 2026-10-25T02:00Z'],
    ],
    [
      '01:00–02:30 on fall back ends at the first 02:30',
      BER,
      [{ days: [7], start: '01:00', end: '02:30' }],
      '2026-10-24T20:00Z',
      '2026-10-25T12:00Z',
      ['2026-10-24T23:00Z 2026-10-25T00:30Z'],
    ],
    [
      'Saturday 22:00–06:00 over spring forward lasts 7 h',
      BER,
      [{ days: [6], start: '22:00', end: '06:00' }],
      '2026-03-28T12:00Z',
      '2026-03-29T12:00Z',
      ['2026-03-28T21:00Z 2026-03-29T04:00Z'],
    ],
    [
      'Saturday 22:00–06:00 over fall back lasts 9 h',
      BER,
      [{ days: [6], start: '22:00', end: '06:00' }],
      '2026-10-24T12:00Z',
      '2026-10-25T12:00Z',
      ['2026-10-24T20:00Z 2026-10-25T05:00Z'],
    ],
    [
      'New York Sunday 01:00–03:00 on fall back 2027 lasts 3 h',
      NY,
      [{ days: [7], start: '01:00', end: '03:00' }],
      '2027-11-07T00:00Z',
      '2027-11-07T12:00Z',
      ['2027-11-07T05:00Z 2027-11-07T08:00Z'],
    ],
    [
      'New York weekdays 09–17 across spring forward 2027',
      NY,
      [{ days: WEEKDAYS, start: '09:00', end: '17:00' }],
      '2027-03-12T00:00Z',
      '2027-03-16T00:00Z',
      ['2027-03-12T14:00Z 2027-03-12T22:00Z', '2027-03-15T13:00Z 2027-03-15T21:00Z'],
    ],
    [
      'end 24:00 is midnight',
      BER,
      [{ days: [1], start: '18:00', end: '24:00' }],
      '2026-06-01T00:00Z',
      '2026-06-03T00:00Z',
      ['2026-06-01T16:00Z 2026-06-01T22:00Z'],
    ],
    [
      '00:00–00:00 is the whole day',
      BER,
      [{ days: [1], start: '00:00', end: '00:00' }],
      '2026-05-31T00:00Z',
      '2026-06-03T00:00Z',
      ['2026-05-31T22:00Z 2026-06-01T22:00Z'],
    ],
    [
      'overlapping windows merge',
      BER,
      [
        { days: [1], start: '09:00', end: '13:00' },
        { days: [1], start: '12:00', end: '17:00' },
      ],
      '2026-06-01T00:00Z',
      '2026-06-02T00:00Z',
      ['2026-06-01T07:00Z 2026-06-01T15:00Z'],
    ],
    [
      'touching windows merge across midnight',
      BER,
      [
        { days: [1], start: '20:00', end: '24:00' },
        { days: [2], start: '00:00', end: '02:00' },
      ],
      '2026-06-01T00:00Z',
      '2026-06-03T00:00Z',
      ['2026-06-01T18:00Z 2026-06-02T00:00Z'],
    ],
    [
      'days omitted: every day (the Sunday window ended at the query start, 02:00 local)',
      BER,
      [{ start: '22:00', end: '02:00' }],
      '2026-06-01T00:00Z',
      '2026-06-03T00:00Z',
      ['2026-06-01T20:00Z 2026-06-02T00:00Z', '2026-06-02T20:00Z 2026-06-03T00:00Z'],
    ],
    [
      'Friday 22–06 seen from Saturday 02:00 local',
      BER,
      [{ days: [5], start: '22:00', end: '06:00' }],
      '2026-06-06T00:00Z',
      '2026-06-06T12:00Z',
      ['2026-06-06T00:00Z 2026-06-06T04:00Z'],
    ],
    [
      'Thursday is not Friday: Friday 00–06 is not covered',
      BER,
      [{ days: [5], start: '22:00', end: '06:00' }],
      '2026-06-04T12:00Z',
      '2026-06-05T12:00Z',
      [],
    ],
    [
      'an unparseable time covers nothing',
      BER,
      [{ start: '9am', end: '17:00' }],
      '2026-06-01T00:00Z',
      '2026-06-02T00:00Z',
      [],
    ],
  ])('%s', (_name, zone, restrictions, from, to, expected) => {
    const d = def([layer('r', always, restrictions)], [], [], zone);
    expect(resolve(d, from, to)).toEqual(expected.map((span) => `x ${span} rotation:r`));
  });

  it.each([
    ['valid', { days: [1, 7], start: '09:00', end: '17:00' }, []],
    ['end 24:00', { start: '18:00', end: '24:00' }, []],
    ['day 0', { days: [0], start: '09:00', end: '17:00' }, ['days must be ISO weekdays, 1 (Monday) to 7 (Sunday)']],
    ['day 8', { days: [8], start: '09:00', end: '17:00' }, ['days must be ISO weekdays, 1 (Monday) to 7 (Sunday)']],
    ['start 24:00', { start: '24:00', end: '06:00' }, ['start "24:00" is not a time HH:MM']],
    ['start 9am', { start: '9am', end: '17:00' }, ['start "9am" is not a time HH:MM']],
    ['end 17:60', { start: '09:00', end: '17:60' }, ['end "17:60" is not a time HH:MM (24:00 allowed)']],
    ['end 25:00', { start: '09:00', end: '25:00' }, ['end "25:00" is not a time HH:MM (24:00 allowed)']],
  ] as const)('validateRestriction: %s', (_name, r, problems) => {
    expect(validateRestriction(r as Restriction)).toEqual(problems);
  });
});

describe('overrides', () => {
  const withBusiness = def([primary, business]);
  it.each([
    [
      'replace: x instead of n1',
      [ov('x', 'n1', '2026-06-05T10:00Z', '2026-06-05T12:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T10:00Z rotation:primary',
        'x 2026-06-05T10:00Z 2026-06-05T12:00Z override',
        'n1 2026-06-05T12:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'replace overlapping a handoff only applies where n1 is on call',
      [ov('x', 'n1', '2026-06-05T05:00Z', '2026-06-05T09:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'x 2026-06-05T07:00Z 2026-06-05T09:00Z override',
        'n1 2026-06-05T09:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'replacing someone not on call changes nothing',
      [ov('x', 'n9', '2026-06-05T10:00Z', '2026-06-05T12:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'add: y on call as well',
      [ov('y', null, '2026-06-05T10:00Z', '2026-06-05T12:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T20:00Z rotation:primary',
        'y 2026-06-05T10:00Z 2026-06-05T12:00Z override',
      ],
    ],
    [
      'an add across a handoff is one shift',
      [ov('y', null, '2026-06-05T05:00Z', '2026-06-05T09:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'y 2026-06-05T05:00Z 2026-06-05T09:00Z override',
        'n1 2026-06-05T07:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'two adds at once sort by user',
      [
        ov('z', null, '2026-06-05T10:00Z', '2026-06-05T11:00Z'),
        ov('y', null, '2026-06-05T10:00Z', '2026-06-05T11:00Z'),
      ],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T20:00Z rotation:primary',
        'y 2026-06-05T10:00Z 2026-06-05T11:00Z override',
        'z 2026-06-05T10:00Z 2026-06-05T11:00Z override',
      ],
    ],
    [
      'adding the person already on call adds nothing',
      [ov('n1', null, '2026-06-05T10:00Z', '2026-06-05T12:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'remove: nobody while n1 is taken off',
      [ov(null, 'n1', '2026-06-05T10:00Z', '2026-06-05T12:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T10:00Z rotation:primary',
        'n1 2026-06-05T12:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'removing both people: nobody on call at all',
      [
        ov(null, 'n2', '2026-06-05T00:00Z', '2026-06-05T07:00Z'),
        ov(null, 'n1', '2026-06-05T07:00Z', '2026-06-05T20:00Z'),
      ],
      [],
    ],
    [
      'a later override applies on top: x replaces n1, then y replaces x',
      [ov('x', 'n1', '2026-06-05T10:00Z', '2026-06-05T14:00Z'), ov('y', 'x', '2026-06-05T12:00Z', '2026-06-05T13:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T10:00Z rotation:primary',
        'x 2026-06-05T10:00Z 2026-06-05T12:00Z override',
        'y 2026-06-05T12:00Z 2026-06-05T13:00Z override',
        'x 2026-06-05T13:00Z 2026-06-05T14:00Z override',
        'n1 2026-06-05T14:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'order is by start, not array order',
      [ov('y', 'x', '2026-06-05T12:00Z', '2026-06-05T13:00Z'), ov('x', 'n1', '2026-06-05T10:00Z', '2026-06-05T14:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T10:00Z rotation:primary',
        'x 2026-06-05T10:00Z 2026-06-05T12:00Z override',
        'y 2026-06-05T12:00Z 2026-06-05T13:00Z override',
        'x 2026-06-05T13:00Z 2026-06-05T14:00Z override',
        'n1 2026-06-05T14:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'an added person can be removed',
      [
        ov('y', null, '2026-06-05T10:00Z', '2026-06-05T14:00Z'),
        ov(null, 'y', '2026-06-05T11:00Z', '2026-06-05T12:00Z'),
      ],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T20:00Z rotation:primary',
        'y 2026-06-05T10:00Z 2026-06-05T11:00Z override',
        'y 2026-06-05T12:00Z 2026-06-05T14:00Z override',
      ],
    ],
    [
      'an override next to the same person on rotation stays separate (source differs)',
      [ov('n2', 'n1', '2026-06-05T07:00Z', '2026-06-05T10:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n2 2026-06-05T07:00Z 2026-06-05T10:00Z override',
        'n1 2026-06-05T10:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'overrides outside the window or empty are ignored',
      [
        ov('x', null, '2026-06-04T00:00Z', '2026-06-05T00:00Z'),
        ov('x', null, '2026-06-05T10:00Z', '2026-06-05T10:00Z'),
      ],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(resolve(def([primary], [...overrides]), ...FRI)).toEqual(expected);
  });

  it.each([
    [
      'replacing b1 across the start of business hours',
      [ov('x', 'b1', '2026-06-05T06:00Z', '2026-06-05T08:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'x 2026-06-05T07:00Z 2026-06-05T08:00Z override',
        'b1 2026-06-05T08:00Z 2026-06-05T15:00Z rotation:business',
        'n1 2026-06-05T15:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'replacing n1 across the end of business hours: only after b1 stops deciding',
      [ov('x', 'n1', '2026-06-05T14:00Z', '2026-06-05T16:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'b1 2026-06-05T07:00Z 2026-06-05T15:00Z rotation:business',
        'x 2026-06-05T15:00Z 2026-06-05T16:00Z override',
        'n1 2026-06-05T16:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
    [
      'an add spanning a layer change is one shift',
      [ov('y', null, '2026-06-05T14:00Z', '2026-06-05T16:00Z')],
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'b1 2026-06-05T07:00Z 2026-06-05T15:00Z rotation:business',
        'y 2026-06-05T14:00Z 2026-06-05T16:00Z override',
        'n1 2026-06-05T15:00Z 2026-06-05T20:00Z rotation:primary',
      ],
    ],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(resolve({ ...withBusiness, overrides: [...overrides] }, ...FRI)).toEqual(expected);
  });
});

describe('fixed schedules', () => {
  it.each([
    [
      'replace layers and overrides inside their window, clipped; gaps inside are nobody',
      def(
        [primary],
        [ov('y', null, '2026-06-05T11:00Z', '2026-06-05T13:00Z')],
        [
          fixedSchedule('2026-06-05T12:00Z', '2026-06-06T12:00Z', [
            ['f1', '2026-06-05T10:00Z', '2026-06-05T14:00Z'],
            ['f2', '2026-06-05T16:00Z', '2026-06-07T00:00Z'],
          ]),
        ],
      ),
      '2026-06-05T00:00Z',
      '2026-06-06T18:00Z',
      [
        'n2 2026-06-05T00:00Z 2026-06-05T07:00Z rotation:primary',
        'n1 2026-06-05T07:00Z 2026-06-05T12:00Z rotation:primary',
        'y 2026-06-05T11:00Z 2026-06-05T12:00Z override',
        'f1 2026-06-05T12:00Z 2026-06-05T14:00Z fixed',
        'f2 2026-06-05T16:00Z 2026-06-06T12:00Z fixed',
        'n2 2026-06-06T12:00Z 2026-06-06T18:00Z rotation:primary',
      ],
    ],
    [
      'overlapping fixed shifts put both people on call',
      def(
        [primary],
        [],
        [
          fixedSchedule('2026-06-05T00:00Z', '2026-06-06T00:00Z', [
            ['f1', '2026-06-05T00:00Z', '2026-06-05T12:00Z'],
            ['f2', '2026-06-05T06:00Z', '2026-06-06T00:00Z'],
          ]),
        ],
      ),
      '2026-06-05T00:00Z',
      '2026-06-06T00:00Z',
      ['f1 2026-06-05T00:00Z 2026-06-05T12:00Z fixed', 'f2 2026-06-05T06:00Z 2026-06-06T00:00Z fixed'],
    ],
    [
      'a fixed schedule nested in another wins while it lasts',
      def(
        [primary],
        [],
        [
          fixedSchedule('2026-06-05T00:00Z', '2026-06-07T00:00Z', [['f1', '2026-06-05T00:00Z', '2026-06-07T00:00Z']]),
          fixedSchedule('2026-06-05T12:00Z', '2026-06-05T13:00Z', [['f2', '2026-06-05T12:00Z', '2026-06-05T13:00Z']]),
        ],
      ),
      '2026-06-05T00:00Z',
      '2026-06-07T00:00Z',
      [
        'f1 2026-06-05T00:00Z 2026-06-05T12:00Z fixed',
        'f2 2026-06-05T12:00Z 2026-06-05T13:00Z fixed',
        'f1 2026-06-05T13:00Z 2026-06-07T00:00Z fixed',
      ],
    ],
    [
      'an empty fixed schedule means nobody',
      def([primary], [], [fixedSchedule('2026-06-05T00:00Z', '2026-06-06T00:00Z', [])]),
      '2026-06-05T00:00Z',
      '2026-06-06T00:00Z',
      [],
    ],
  ] as const)('%s', (_name, d, from, to, expected) => {
    expect(resolve(d, from, to)).toEqual(expected);
  });
});

describe('onCallAt', () => {
  const d = def(
    [primary, business, friNight],
    [ov('y', null, '2026-06-05T10:00Z', '2026-06-05T12:00Z'), ov(null, 'n2', '2026-06-06T10:00Z', '2026-06-06T11:00Z')],
  );
  it.each([
    ['Thursday 23:00 local: no Thursday-night window', '2026-06-04T21:00Z', ['n2']],
    ['Friday 03:00 local: Friday morning belongs to Thursday night', '2026-06-05T01:00Z', ['n2']],
    ['Friday 09:00 local: business hours', '2026-06-05T07:00Z', ['b1']],
    ['Friday 12:30 local: business plus the added y', '2026-06-05T10:30Z', ['b1', 'y']],
    ['Friday 14:00 local: y has gone', '2026-06-05T12:00Z', ['b1']],
    ['Friday 21:59 local', '2026-06-05T19:59Z', ['n1']],
    ['Friday 22:00 local: night layer', '2026-06-05T20:00Z', ['w1']],
    ['Saturday 05:59 local: still the Friday night window', '2026-06-06T03:59Z', ['w1']],
    ['Saturday 06:00 local: back to primary', '2026-06-06T04:00Z', ['n1']],
    ['Saturday 12:30 local: n2 removed', '2026-06-06T10:30Z', []],
    ['Saturday 13:00 local', '2026-06-06T11:00Z', ['n2']],
    ['before any rotation starts', '2026-05-01T00:00Z', []],
  ] as const)('%s', (_name, at, expected) => {
    expect(onCallAt(d, new Date(at))).toEqual(expected);
  });

  it('refuses an unknown time zone', () => {
    expect(() => onCallAt({ ...d, timezone: 'Mars/Olympus' }, new Date('2026-06-05T00:00Z'))).toThrow(
      /unknown time zone/,
    );
  });
});

// A reference that decides each instant on its own, the slow and obvious way: local weekday and
// minute from luxon for restrictions, rotationUserAt for the rotation. Summer only, so no DST
// conventions are needed; those are pinned by the tables above.
function naiveOnCall(d: ScheduleDefinition, t: number): string[] {
  const fixed = d.fixed
    .filter((f) => f.start.getTime() <= t && t < f.end.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime())
    .pop();
  if (fixed)
    return [
      ...new Set(fixed.shifts.filter((s) => s.start.getTime() <= t && t < s.end.getTime()).map((s) => s.userId)),
    ].sort();
  const local = DateTime.fromMillis(t, { zone: d.timezone });
  const minute = local.hour * 60 + local.minute;
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const covers = (r: Restriction): boolean => {
    const on = (weekday: number): boolean => !r.days?.length || r.days.includes(weekday);
    const [s, e] = [minutes(r.start), minutes(r.end)];
    if (e > s) return on(local.weekday) && minute >= s && minute < e;
    return (on(local.weekday) && minute >= s) || (on(((local.weekday + 5) % 7) + 1) && minute < e);
  };
  let people: string[] = [];
  for (const l of [...d.layers].reverse()) {
    if (l.restrictions?.length && !l.restrictions.some(covers)) continue;
    const user = rotationUserAt(l.rotation, d.timezone, new Date(t));
    if (user === undefined) continue;
    people = [user];
    break;
  }
  const active = d.overrides.map((o, i) => ({ o, i })).filter(({ o }) => o.start.getTime() <= t && t < o.end.getTime());
  for (const { o } of active.sort((a, b) => a.o.start.getTime() - b.o.start.getTime() || a.i - b.i)) {
    if (o.replacesUserId !== null && !people.includes(o.replacesUserId)) continue;
    people = people.filter((p) => p !== o.replacesUserId);
    if (o.userId !== null && !people.includes(o.userId)) people.push(o.userId);
  }
  return people.sort();
}

const JUNE = Date.parse('2026-06-01T00:00Z');
const HOURS = 3_600_000;
const at = fc.integer({ min: 0, max: 7 * 24 * 4 }).map((q) => new Date(JUNE + q * 15 * 60_000));
const user = fc.constantFrom('a', 'b', 'c', 'd');
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${m === 0 ? '00' : '30'}`);
const defArb = fc.record({
  timezone: fc.constantFrom(BER, NY),
  layers: fc.array(
    fc.record({
      name: fc.constantFrom('l1', 'l2', 'l3'),
      rotation: fc.record({
        kind: fc.constantFrom<RotationKind>('hourly', 'daily', 'weekly', 'custom'),
        handoffAt: at,
        participants: fc.array(user, { minLength: 1, maxLength: 3 }),
        shiftSeconds: fc.constantFrom(1800, 5400, 43_200),
      }),
      restrictions: fc.array(
        fc.record({ days: fc.option(fc.subarray([1, 2, 3, 4, 5, 6, 7]), { nil: undefined }), start: hhmm, end: hhmm }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 3 },
  ),
  overrides: fc.array(
    fc
      .record({
        id: fc.constant('o'),
        userId: fc.option(user),
        replacesUserId: fc.option(user),
        start: at,
        hours: fc.integer({ min: 1, max: 30 }),
      })
      .map(({ hours, ...o }) => ({ ...o, end: new Date(o.start.getTime() + hours * HOURS) })),
    { maxLength: 6 },
  ),
  fixed: fc.array(
    fc
      .record({
        id: fc.constant('f'),
        start: at,
        hours: fc.integer({ min: 1, max: 30 }),
        shifts: fc.array(fc.record({ userId: user, start: at, hours: fc.integer({ min: 1, max: 30 }) }), {
          maxLength: 3,
        }),
      })
      .map(({ hours, shifts, ...f }) => ({
        ...f,
        end: new Date(f.start.getTime() + hours * HOURS),
        shifts: shifts.map(({ hours: h, ...s }) => ({ ...s, end: new Date(s.start.getTime() + h * HOURS) })),
      })),
    { maxLength: 2 },
  ),
});

describe('resolveShifts against the instant-by-instant reference', () => {
  it('agrees every 15 minutes over a summer week, and merges fully', () => {
    fc.assert(
      fc.property(defArb, (d) => {
        const from = JUNE + 24 * HOURS;
        const to = JUNE + 6 * 24 * HOURS;
        const shifts = resolveShifts(d, new Date(from), new Date(to));
        for (let t = from; t < to; t += 15 * 60_000) {
          const resolved = shifts.filter((s) => s.start.getTime() <= t && t < s.end.getTime()).map((s) => s.userId);
          expect([...new Set(resolved)].sort(), new Date(t).toISOString()).toEqual(naiveOnCall(d, t));
        }
        // Sorted, and no two pieces with the same user, source and layer touch or overlap.
        const key = (s: Shift): string => `${s.userId}/${s.source}/${s.layer}`;
        shifts
          .slice(1)
          .forEach((s, i) => expect(s.start.getTime()).toBeGreaterThanOrEqual((shifts[i] as Shift).start.getTime()));
        for (const a of shifts)
          for (const b of shifts)
            if (a !== b && key(a) === key(b)) expect(a.end < b.start || b.end < a.start).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('a large schedule', () => {
  // How fast this resolves is measured by `npm run bench:schedules` (docs/benchmarks.md), not asserted here:
  // a timed assertion fails on a loaded machine without anything being wrong.
  it('resolves 4 weeks of an hourly rotation with 3 layers and 50 overrides into ordered shifts in the window', () => {
    const d = largeSchedule();
    const [from, to] = [new Date('2026-03-16T00:00Z'), new Date('2026-04-13T00:00Z')]; // spans spring forward
    const shifts = resolveShifts(d, from, to);
    expect(shifts.length).toBeGreaterThan(300);
    for (const [i, s] of shifts.entries()) {
      expect(s.start.getTime()).toBeLessThan(s.end.getTime());
      expect(s.start.getTime()).toBeGreaterThanOrEqual(from.getTime());
      expect(s.end.getTime()).toBeLessThanOrEqual(to.getTime());
      if (i > 0) expect(s.start.getTime()).toBeGreaterThanOrEqual((shifts[i - 1] as Shift).start.getTime());
    }
    expect(shifts.filter((s) => s.source === 'override').length).toBeGreaterThan(0);
  });
});
