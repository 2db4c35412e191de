// The chaos harness's plans (scripts/chaos): the fault schedule and the load plan are functions of the
// seed, so a failing run can be replayed; and they keep the promises the harness makes about them.
import { describe, expect, it } from 'vitest';
import { planLoad, reactsToPage, storyOfTitle } from '../scripts/chaos/load-plan.js';
import { parseOptions, parseSpan } from '../scripts/chaos/options.js';
import { createRandom } from '../scripts/chaos/random.js';
import { faultCounts, planFaults, type Fault } from '../scripts/chaos/schedule.js';

const schedule = (seed: string, minutes = 5, instances = 3) =>
  planFaults(createRandom(seed).fork('faults'), { minutes, instances });
const load = (seed: string, minutes = 2) =>
  planLoad(createRandom(seed).fork('load'), { minutes, instances: 3, rate: 20, busyMomentsMs: [60_000] });

describe('seeded random streams', () => {
  it('repeat for one seed and label, and differ across seeds and labels', () => {
    const draw = (seed: string, label: string) => {
      const r = createRandom(seed).fork(label);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw('18', 'a')).toEqual(draw('18', 'a'));
    expect(draw('18', 'a')).not.toEqual(draw('19', 'a'));
    expect(draw('18', 'a')).not.toEqual(draw('18', 'b'));
  });

  it('stay within their bounds', () => {
    const r = createRandom('bounds');
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
      expect(r.next()).toBeLessThan(1);
    }
  });
});

describe('fault schedule', () => {
  it('is the same for the same seed and different for another', () => {
    expect(schedule('18')).toEqual(schedule('18'));
    expect(schedule('18')).not.toEqual(schedule('19'));
  });

  it('gives a 30-minute run at least 20 kills and 3 PostgreSQL restarts, and every other kind', () => {
    const faults = schedule('30min', 30);
    const of = (kind: Fault['kind']) => faults.filter((f) => f.kind === kind).length;
    expect(of('kill')).toBeGreaterThanOrEqual(20);
    expect(of('pg-restart')).toBeGreaterThanOrEqual(3);
    for (const kind of ['sigterm', 'skew', 'burst', 'receiver'] as const) expect(of(kind)).toBeGreaterThan(0);
    const modes = new Set(faults.flatMap((f) => (f.kind === 'receiver' ? [f.mode] : [])));
    expect([...modes].sort()).toEqual(['error', 'slow', 'timeout']);
    const offsets = faults.flatMap((f) => (f.kind === 'skew' ? [Math.abs(f.offsetSeconds)] : []));
    expect(offsets.every((o) => o === 30)).toBe(true);
  });

  it('gives the 2-minute run a couple of kills and one of each other fault', () => {
    const counts = faultCounts(2);
    expect(counts.kill).toBe(2);
    const faults = schedule('18', 2);
    expect(faults.filter((f) => f.kind === 'kill')).toHaveLength(2);
    expect(faults.filter((f) => f.kind === 'sigterm')).toHaveLength(1);
    expect(faults.every((f) => f.atMs >= 15_000 && f.atMs < 120_000)).toBe(true);
  });

  it('never takes every instance away at once, and never two faults to one instance at once', () => {
    for (const seed of ['a', 'b', 'c', 'd']) {
      const taking = schedule(seed, 30).flatMap((f) =>
        f.kind === 'kill' || f.kind === 'sigterm'
          ? [{ instance: f.instance, from: f.atMs, to: f.atMs + f.downMs }]
          : f.kind === 'skew'
            ? [{ instance: f.instance, from: f.atMs, to: f.atMs + f.durationMs }]
            : [],
      );
      for (const a of taking) {
        // At the moment a fault takes its instance away, at least one instance is still there…
        const atStart = taking.filter((b) => b.from <= a.from && a.from < b.to);
        expect(new Set(atStart.map((b) => b.instance)).size).toBeLessThan(3);
        // …and no other fault holds the same instance during it.
        const overlapping = taking.filter((b) => b.from < a.to && a.from < b.to && b.instance === a.instance);
        expect(overlapping).toHaveLength(1);
      }
    }
  });
});

describe('load plan', () => {
  it('is the same for the same seed and different for another', () => {
    expect(load('18')).toEqual(load('18'));
    expect(load('18')).not.toEqual(load('19'));
  });

  it('is sorted, keeps each story in order, and sends every ingest format', () => {
    const plan = load('mix');
    expect(plan.map((p) => p.atMs)).toEqual([...plan.map((p) => p.atMs)].sort((a, b) => a - b));
    const kinds = new Set(plan.map((p) => (p.op.kind === 'pd' ? `pd-${p.op.action}` : p.op.kind)));
    for (const kind of ['pd-trigger', 'pd-acknowledge', 'pd-resolve', 'alertmanager', 'grafana', 'change', 'heartbeat'])
      expect(kinds).toContain(kind);
    const steps = new Map<string, number[]>();
    for (const p of plan) steps.set(p.story, [...(steps.get(p.story) ?? []), p.step]);
    for (const list of steps.values()) expect(list).toEqual(list.map((_, i) => i).slice(0, list.length));
  });

  it('aims near the asked rate and runs hotter around busy moments', () => {
    const plan = load('rate', 4);
    const perSecond = plan.length / 240;
    expect(perSecond).toBeGreaterThan(12);
    expect(perSecond).toBeLessThan(26);
    const around = plan.filter((p) => Math.abs(p.atMs - 60_000) <= 6_000 && p.step === 0).length;
    const elsewhere = plan.filter((p) => Math.abs(p.atMs - 150_000) <= 6_000 && p.step === 0).length;
    expect(around).toBeGreaterThan(elsewhere);
  });

  it('decides reactive acknowledgements from the seed and the story alone, about half of them', () => {
    const stories = Array.from({ length: 400 }, (_, i) => `pd-${i}`);
    const reacting = stories.filter((s) => reactsToPage('18', s));
    expect(reacting).toEqual(stories.filter((s) => reactsToPage('18', s)));
    expect(reacting.length).toBeGreaterThan(150);
    expect(reacting.length).toBeLessThan(250);
    expect(storyOfTitle('chaos pd-12: critical alert')).toBe('pd-12');
    expect(storyOfTitle('chaos am-3: alertmanager group')).toBe('am-3');
    expect(storyOfTitle('Checkout is down')).toBeUndefined();
  });
});

describe('options', () => {
  it('reads the documented flags and refuses bad ones', () => {
    const o = parseOptions(['--minutes', '30', '--instances', '3', '--seed', '18', '--keep']);
    expect(o).toMatchObject({ minutes: 30, instances: 3, seed: '18', seedGiven: true, keep: true, rate: 20 });
    expect(parseOptions(['--help'])).toEqual({ help: true });
    expect(() => parseOptions(['--minutes', '0'])).toThrow(/--minutes/);
    expect(() => parseOptions(['--instances', '2.5'])).toThrow(/--instances/);
    expect(() => parseOptions(['--bogus'])).toThrow();
    expect(parseSpan('6m')).toBe(360_000);
    expect(parseSpan('400s')).toBe(400_000);
    expect(parseSpan('soon')).toBeUndefined();
    const fresh = parseOptions([]);
    expect('seed' in fresh && fresh.seedGiven).toBe(false);
  });
});
