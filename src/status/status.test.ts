import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STATUS_MAP,
  effectiveStatus,
  maintenanceStateAt,
  overallStatus,
  uptimeDays,
  uptimePercent,
  type ComponentStatus,
  type StatusChange,
} from './status.js';

const at = (s: string) => new Date(s);
const none = { openSeverities: [], monitorsDown: 0, inMaintenance: false } as const;

describe('effectiveStatus', () => {
  it.each([
    ['nothing open', null, none, 'operational'],
    ['a P0', null, { ...none, openSeverities: ['P0'] }, 'major_outage'],
    ['a P1', null, { ...none, openSeverities: ['P1'] }, 'partial_outage'],
    ['a P2', null, { ...none, openSeverities: ['P2'] }, 'degraded_performance'],
    ['a P3', null, { ...none, openSeverities: ['P3'] }, 'operational'],
    ['the worst of P2 and P1', null, { ...none, openSeverities: ['P2', 'P1'] }, 'partial_outage'],
    ['a down monitor', null, { ...none, monitorsDown: 1 }, 'major_outage'],
    ['maintenance over a P0', null, { ...none, openSeverities: ['P0'], inMaintenance: true }, 'under_maintenance'],
    ['a hand-set status over everything', 'degraded_performance', { ...none, openSeverities: ['P0'] }, 'degraded_performance'],
    ['a hand-set operational over maintenance', 'operational', { ...none, inMaintenance: true }, 'operational'],
  ] as const)('%s', (_name, manual, inputs, expected) => {
    expect(effectiveStatus(manual, DEFAULT_STATUS_MAP, inputs)).toBe(expected);
  });

  it('follows a per-component map', () => {
    const map = { ...DEFAULT_STATUS_MAP, P1: 'major_outage' as const, monitor_down: 'degraded_performance' as const };
    expect(effectiveStatus(null, map, { ...none, openSeverities: ['P1'] })).toBe('major_outage');
    expect(effectiveStatus(null, map, { ...none, monitorsDown: 2 })).toBe('degraded_performance');
  });
});

describe('uptimeDays', () => {
  const now = at('2026-12-07T12:00:00Z');
  const created: StatusChange = { at: at('2026-01-01T00:00:00Z'), status: 'operational' };

  it('gives 90 days, oldest first, ending today', () => {
    const days = uptimeDays([created], now);
    expect(days).toHaveLength(90);
    expect(days[0]?.date).toBe('2026-09-09');
    expect(days[89]?.date).toBe('2026-12-07');
    expect(days.every((d) => d.up === 1 && d.worst === 'operational')).toBe(true);
  });

  it('counts a major outage fully and a partial one at 0.3, each over the day it fell in', () => {
    const changes: StatusChange[] = [
      created,
      { at: at('2026-12-05T06:00:00Z'), status: 'major_outage' },
      { at: at('2026-12-05T12:00:00Z'), status: 'operational' },
      { at: at('2026-12-06T00:00:00Z'), status: 'partial_outage' },
      { at: at('2026-12-06T12:00:00Z'), status: 'degraded_performance' },
      { at: at('2026-12-06T18:00:00Z'), status: 'operational' },
    ];
    const days = uptimeDays(changes, now);
    const byDate = new Map(days.map((d) => [d.date, d]));
    expect(byDate.get('2026-12-05')).toEqual({ date: '2026-12-05', up: 0.75, worst: 'major_outage' });
    // Half a day at partial (0.3 weight): 1 - 0.5 * 0.3; degraded costs nothing but is the worst after partial.
    expect(byDate.get('2026-12-06')?.up).toBeCloseTo(0.85, 10);
    expect(byDate.get('2026-12-06')?.worst).toBe('partial_outage');
    expect(byDate.get('2026-12-04')?.up).toBe(1);
  });

  it('scores today over the time so far, and an outage running over midnight on both days', () => {
    const changes: StatusChange[] = [
      created,
      { at: at('2026-12-06T18:00:00Z'), status: 'major_outage' },
      { at: at('2026-12-07T06:00:00Z'), status: 'operational' },
    ];
    const days = uptimeDays(changes, now);
    expect(days[88]).toEqual({ date: '2026-12-06', up: 0.75, worst: 'major_outage' });
    // Today: 6 of the 12 hours so far were down.
    expect(days[89]).toEqual({ date: '2026-12-07', up: 0.5, worst: 'major_outage' });
  });

  it('has no score before the component existed, and a part score on the day it was made', () => {
    const days = uptimeDays(
      [
        { at: at('2026-12-06T12:00:00Z'), status: 'operational' },
        { at: at('2026-12-06T18:00:00Z'), status: 'major_outage' },
        { at: at('2026-12-06T21:00:00Z'), status: 'operational' },
      ],
      now,
    );
    expect(days[87]).toEqual({ date: '2026-12-05', up: null, worst: 'operational' });
    expect(days[88]?.up).toBe(0.75);
    expect(uptimePercent(days)).toBe(87.5);
  });

  it('takes changes in any order', () => {
    const changes: StatusChange[] = [
      { at: at('2026-12-05T12:00:00Z'), status: 'operational' },
      created,
      { at: at('2026-12-05T06:00:00Z'), status: 'major_outage' },
    ];
    expect(uptimeDays(changes, now)[87]?.up).toBe(0.75);
  });

  it('is 100 % with nothing known', () => {
    expect(uptimePercent(uptimeDays([], now))).toBe(100);
  });
});

describe('overallStatus', () => {
  const c = (...statuses: ComponentStatus[]) => statuses.map((status) => ({ status }));
  it.each([
    [c('operational'), [], 'none', 'All Systems Operational'],
    [c('operational', 'under_maintenance'), [], 'none', 'Service Under Maintenance'],
    [c('degraded_performance'), [], 'minor', 'Minor Service Outage'],
    [c('partial_outage', 'degraded_performance'), [], 'major', 'Partial System Outage'],
    [c('major_outage'), [], 'critical', 'Major System Outage'],
    [c('operational'), ['major'], 'major', 'Partial System Outage'],
    [c('degraded_performance'), ['none'], 'minor', 'Minor Service Outage'],
  ] as const)('%j with impacts %j → %s', (components, impacts, indicator, description) => {
    expect(overallStatus(components, impacts)).toEqual({ indicator, description });
  });
});

describe('maintenanceStateAt', () => {
  const m = { startsAt: at('2026-12-07T02:00:00Z'), endsAt: at('2026-12-07T04:00:00Z'), completedAt: null };
  const verify = 15 * 60_000;
  it.each([
    ['2026-12-07T01:59:59Z', 'scheduled'],
    ['2026-12-07T02:00:00Z', 'in_progress'],
    ['2026-12-07T03:59:59Z', 'in_progress'],
    ['2026-12-07T04:00:00Z', 'verifying'],
    ['2026-12-07T04:14:59Z', 'verifying'],
    ['2026-12-07T04:15:00Z', 'completed'],
  ] as const)('at %s it is %s', (when, state) => {
    expect(maintenanceStateAt(m, verify, at(when))).toBe(state);
  });

  it('is completed from the moment someone completes it', () => {
    const done = { ...m, completedAt: at('2026-12-07T03:00:00Z') };
    expect(maintenanceStateAt(done, verify, at('2026-12-07T02:59:00Z'))).toBe('in_progress');
    expect(maintenanceStateAt(done, verify, at('2026-12-07T03:00:00Z'))).toBe('completed');
  });
});
