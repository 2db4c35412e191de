import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import {
  ackDueAt,
  DEFAULT_RESPONSE_TARGETS,
  dayKey,
  formatNumber,
  isPhaseOverdue,
  isResponseBreached,
  nextStatus,
  phaseDueAt,
  reopenedPhase,
  type Status,
  type StatusAction,
} from './incident.js';

const at = (s: string) => new Date(s);
const MIN = 60_000;

describe('nextStatus', () => {
  const table: Array<[Status, StatusAction, Status | string]> = [
    ['triggered', 'acknowledge', 'acknowledged'],
    ['triggered', 'resolve', 'resolved'],
    ['acknowledged', 'resolve', 'resolved'],
    ['resolved', 'reopen', 'triggered'],
    ['acknowledged', 'acknowledge', 'already acknowledged'],
    ['resolved', 'acknowledge', 'reopen it first'],
    ['resolved', 'resolve', 'already resolved'],
    ['triggered', 'reopen', 'it is triggered, not resolved'],
    ['acknowledged', 'reopen', 'it is acknowledged, not resolved'],
  ];
  it.each(table)('%s + %s → %s', (from, action, expected) => {
    if (expected === 'acknowledged' || expected === 'resolved' || expected === 'triggered') {
      expect(nextStatus(from, action)).toBe(expected);
      return;
    }
    let thrown: unknown;
    try {
      nextStatus(from, action);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('incident.invalid_transition');
    expect((thrown as AppError).kind).toBe('conflict');
    expect((thrown as AppError).message).toContain(expected);
  });
});

describe('response targets', () => {
  it.each([
    ['P0', 5],
    ['P1', 15],
    ['P2', 60],
    ['P3', 240],
  ] as const)('%s is due %i minutes after creation', (severity, minutes) => {
    const created = at('2026-03-01T10:00:00.000Z');
    expect(ackDueAt(created, severity, DEFAULT_RESPONSE_TARGETS).getTime() - created.getTime()).toBe(minutes * MIN);
  });

  const due = at('2026-03-01T10:15:00.000Z');
  it.each([
    ['unanswered, before the target', null, null, '2026-03-01T10:14:59.999Z', false],
    ['unanswered, exactly at the target', null, null, '2026-03-01T10:15:00.000Z', false],
    ['unanswered, past the target', null, null, '2026-03-01T10:15:00.001Z', true],
    ['acknowledged in time, asked later', '2026-03-01T10:10:00.000Z', null, '2026-03-01T12:00:00.000Z', false],
    ['acknowledged late', '2026-03-01T10:20:00.000Z', null, '2026-03-01T12:00:00.000Z', true],
    ['resolved in time without acknowledge', null, '2026-03-01T10:05:00.000Z', '2026-03-01T12:00:00.000Z', false],
    ['resolved late without acknowledge', null, '2026-03-01T10:30:00.000Z', '2026-03-01T12:00:00.000Z', true],
  ] as const)('%s', (_name, acked, resolved, now, breached) => {
    expect(
      isResponseBreached(
        { ackDueAt: due, acknowledgedAt: acked ? at(acked) : null, resolvedAt: resolved ? at(resolved) : null },
        at(now),
      ),
    ).toBe(breached);
  });
});

describe('phases', () => {
  const start = at('2026-03-01T10:00:00.000Z');
  it.each([
    ['detection', 5],
    ['investigation', 20],
    ['mitigation', 45],
  ] as const)('%s ends %i minutes into the incident', (phase, minutes) => {
    expect(phaseDueAt(start, phase)?.getTime()).toBe(start.getTime() + minutes * MIN);
  });
  it('resolution is open-ended', () => {
    expect(phaseDueAt(start, 'resolution')).toBeNull();
  });
  it.each([
    ['triggered', '2026-03-01T10:05:00.000Z', '2026-03-01T10:05:00.001Z', true],
    ['acknowledged', '2026-03-01T10:05:00.000Z', '2026-03-01T10:04:00.000Z', false],
    ['resolved', '2026-03-01T10:05:00.000Z', '2026-03-01T11:00:00.000Z', false],
    ['triggered', null, '2026-03-01T11:00:00.000Z', false],
  ] as const)('a %s incident due %s at %s is overdue: %s', (status, dueAt, now, overdue) => {
    expect(isPhaseOverdue({ status, phaseDueAt: dueAt ? at(dueAt) : null }, at(now))).toBe(overdue);
  });
  it('a reopened incident gets a fresh investigation time box of 15 minutes', () => {
    const now = at('2026-03-02T08:00:00.000Z');
    expect(reopenedPhase(now)).toEqual({ phase: 'investigation', dueAt: at('2026-03-02T08:15:00.000Z') });
  });
});

describe('numbers', () => {
  it('formats INC-YYYYMMDD-XXXX from the UTC day', () => {
    expect(formatNumber(dayKey(at('2026-11-28T23:59:59.999Z')), 7)).toBe('INC-20261128-0007');
    expect(dayKey(at('2026-11-29T00:00:00.000Z'))).toBe('20261129');
    expect(formatNumber('20261128', 12345)).toBe('INC-20261128-12345');
  });
});
