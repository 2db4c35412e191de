import { describe, expect, it } from 'vitest';
import {
  dragRange,
  gaps,
  handover,
  layoutBars,
  personColour,
  roundToQuarter,
  spanWindow,
  startOfDay,
  stepAnchor,
  ticks,
} from './timeline-layout.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 0, 0); // a window starts here in the cases below
const at = (hours: number) => new Date(T0 + hours * H).toISOString();
const shift = (user_id: string, from: number, to: number) => ({ user_id, start: at(from), end: at(to) });
const day = { from: T0, to: T0 + 24 * H };

describe('spanWindow and stepAnchor', () => {
  it('starts at local midnight and spans 1, 7 or 14 days', () => {
    const noon = new Date(2026, 11, 7, 12, 30).getTime();
    const midnight = new Date(2026, 11, 7).getTime();
    expect(spanWindow('day', noon)).toEqual({ from: midnight, to: new Date(2026, 11, 8).getTime() });
    expect(spanWindow('week', noon).to).toBe(new Date(2026, 11, 14).getTime());
    expect(spanWindow('fortnight', noon).to).toBe(new Date(2026, 11, 21).getTime());
    expect(stepAnchor('week', noon, -1)).toBe(new Date(2026, 10, 30).getTime());
    expect(stepAnchor('day', noon, 1)).toBe(startOfDay(noon, 1));
  });
});

describe('layoutBars', () => {
  it.each([
    ['one shift inside', [shift('a', 6, 12)], [[0.25, 0.25, 0]], 1],
    ['clipped at both ends', [shift('a', -6, 30)], [[0, 1, 0]], 1],
    ['outside is left out', [shift('a', -10, -2), shift('b', 24, 30)], [], 1],
    [
      'back to back share a lane',
      [shift('a', 0, 12), shift('b', 12, 24)],
      [
        [0, 0.5, 0],
        [0.5, 0.5, 0],
      ],
      1,
    ],
    [
      'an overlap takes a second lane',
      [shift('a', 0, 12), shift('b', 6, 18), shift('c', 12, 24)],
      [
        [0, 0.5, 0],
        [0.25, 0.5, 1],
        [0.5, 0.5, 0],
      ],
      2,
    ],
  ] as const)('%s', (_, shifts, expected, lanes) => {
    const laid = layoutBars(shifts, day);
    expect(laid.bars.map((b) => [b.left, b.width, b.lane])).toEqual(expected);
    expect(laid.lanes).toBe(lanes);
  });
});

describe('gaps', () => {
  it.each([
    ['covered', [shift('a', -1, 25)], []],
    ['nothing at all', [], [[0, 24]]],
    [
      'before, between and after',
      [shift('a', 2, 8), shift('b', 10, 20)],
      [
        [0, 2],
        [8, 10],
        [20, 24],
      ],
    ],
    ['overlaps close no gap', [shift('a', 0, 12), shift('b', 6, 18), shift('c', 11, 24)], []],
  ] as const)('%s', (_, shifts, expected) => {
    expect(gaps(shifts, day).map((g) => [(g.from - T0) / H, (g.to - T0) / H])).toEqual(expected);
  });
});

describe('roundToQuarter and dragRange', () => {
  it.each([
    [7, 0],
    [8, 15],
    [22, 15],
    [23, 30],
    [53, 60],
  ])('%i min rounds to %i', (minutes, rounded) => {
    expect(roundToQuarter(T0 + minutes * 60_000)).toBe(T0 + rounded * 60_000);
  });

  it('turns pixels into quarter-hour times, in either direction, at least 15 min long', () => {
    // 240 px for 24 h: 10 px an hour.
    expect(dragRange(60, 123, 240, day)).toEqual({ from: T0 + 6 * H, to: T0 + 12 * H + 0.25 * H });
    expect(dragRange(123, 60, 240, day)).toEqual({ from: T0 + 6 * H, to: T0 + 12 * H + 0.25 * H });
    expect(dragRange(50, 50, 240, day)).toEqual({ from: T0 + 5 * H, to: T0 + 5.25 * H });
    expect(dragRange(-20, 999, 240, day)).toEqual(day);
  });
});

describe('ticks', () => {
  it('marks every 3 hours of a day and every midnight of a week', () => {
    expect(ticks('day', day).map((t) => (t - T0) / H)).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
    const week = spanWindow('week', new Date(2026, 11, 7, 9).getTime());
    expect(ticks('week', week)).toHaveLength(7);
  });
});

describe('personColour', () => {
  it('is one of 8, the same for the same id, and spreads different ids', () => {
    expect(personColour('usr_1')).toBe(personColour('usr_1'));
    const colours = new Set(
      ['usr_a', 'usr_b', 'usr_c', 'usr_d', 'usr_e', 'usr_f', 'usr_g', 'usr_h'].map((id) => personColour(id)),
    );
    for (const c of colours) expect(c).toBeGreaterThanOrEqual(1);
    for (const c of colours) expect(c).toBeLessThanOrEqual(8);
    expect(colours.size).toBeGreaterThan(3);
  });

  it('numbers the people it is given in id order, so the first eight never share a colour', () => {
    const everyone = ['usr_3', 'usr_1', 'usr_2', 'usr_4', 'usr_5', 'usr_6', 'usr_7', 'usr_8', 'usr_9'];
    expect(everyone.map((id) => personColour(id, everyone))).toEqual([3, 1, 2, 4, 5, 6, 7, 8, 1]);
    // A newcomer (a later id) leaves everyone else's colour as it was.
    expect(personColour('usr_2', [...everyone, 'usr_a'])).toBe(2);
  });
});

describe('handover', () => {
  const now = T0 + 10 * H;
  it.each([
    ['a rotation', [shift('a', 0, 12), shift('b', 12, 24)], [['a', 12]], ['b', 12]],
    [
      'touching shifts of one person continue',
      [shift('a', 0, 12), shift('a', 12, 18), shift('b', 18, 24)],
      [['a', 18]],
      ['b', 18],
    ],
    ['nobody now', [shift('b', 12, 24)], [], ['b', 12]],
    ['nobody after', [shift('a', 0, 12)], [['a', 12]], null],
  ] as const)('%s', (_, shifts, current, next) => {
    const h = handover(shifts, now);
    expect(h.current.map((c) => [c.userId, (c.until - T0) / H])).toEqual(current);
    expect(h.next && [h.next.userId, (h.next.from - T0) / H]).toEqual(next);
  });
});
