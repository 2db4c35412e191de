import { describe, expect, it } from 'vitest';
import { advance, cycleSeconds, levelDueAt, policyProblems, SEED_LEVELS, stopReason, type Level } from './policy.js';

const lv = (...delays: number[]): Level[] => delays.map((d) => ({ name: null, delaySeconds: d, targets: [] }));
const start = new Date('2026-03-29T00:30:00.000Z');

describe('escalation timing', () => {
  it.each([
    { delays: [0, 900, 1800, 3600], cycle: 5400 },
    { delays: [0], cycle: 60 },
    { delays: [300], cycle: 600 },
    { delays: [0, 10, 20], cycle: 80 },
    { delays: [0, 600, 600], cycle: 660 },
  ])('cycle of $delays is $cycle s', ({ delays, cycle }) => {
    expect(cycleSeconds(lv(...delays))).toBe(cycle);
  });

  it.each([
    { loop: 0, index: 0, at: '2026-03-29T00:30:00.000Z' },
    { loop: 0, index: 1, at: '2026-03-29T00:45:00.000Z' },
    { loop: 0, index: 2, at: '2026-03-29T01:00:00.000Z' },
    { loop: 0, index: 3, at: '2026-03-29T01:30:00.000Z' },
    { loop: 1, index: 0, at: '2026-03-29T02:00:00.000Z' },
    { loop: 2, index: 3, at: '2026-03-29T04:30:00.000Z' },
  ])(
    'the seed chain reaches level $index of loop $loop at $at (elapsed time, not wall clock)',
    ({ loop, index, at }) => {
      expect(levelDueAt(SEED_LEVELS, start, loop, index).toISOString()).toBe(at);
    },
  );

  it('refuses a level the policy does not have', () => {
    expect(() => levelDueAt(lv(0), start, 0, 1)).toThrow(/no level 2/);
  });
});

describe('advancing', () => {
  it.each([
    { levels: 4, repeat: 0, from: { level: 0, loop: 0 }, to: { level: 1, loop: 0 } },
    { levels: 4, repeat: 0, from: { level: 3, loop: 0 }, to: null },
    { levels: 4, repeat: 2, from: { level: 3, loop: 0 }, to: { level: 0, loop: 1 } },
    { levels: 4, repeat: 2, from: { level: 3, loop: 2 }, to: null },
    { levels: 1, repeat: 1, from: { level: 0, loop: 0 }, to: { level: 0, loop: 1 } },
  ])('$levels levels, repeat $repeat: $from → $to', ({ levels, repeat, from, to }) => {
    expect(advance({ levels: lv(...Array.from({ length: levels }, (_, i) => i * 60)), repeat }, from)).toEqual(to);
  });

  it.each([
    { while: 'unacknowledged', status: 'triggered', stop: null },
    { while: 'unacknowledged', status: 'acknowledged', stop: 'acknowledged' },
    { while: 'unacknowledged', status: 'resolved', stop: 'resolved' },
    { while: 'unresolved', status: 'triggered', stop: null },
    { while: 'unresolved', status: 'acknowledged', stop: null },
    { while: 'unresolved', status: 'resolved', stop: 'resolved' },
  ] as const)('escalate while $while, incident $status → stop: $stop', ({ while: w, status, stop }) => {
    expect(stopReason(w, status)).toBe(stop);
  });
});

describe('policy problems', () => {
  it('names an empty policy and a delay that goes backwards', () => {
    expect(policyProblems([])).toEqual(['levels: a policy needs at least one level']);
    expect(policyProblems(lv(0, 600, 300))).toEqual([
      expect.stringMatching(/^levels\[2\]\.delay_seconds: must not be less than the level before it \(600\)/),
    ]);
    expect(policyProblems(SEED_LEVELS)).toEqual([]);
  });
});
