import { describe, expect, it } from 'vitest';
import { applyPatch, isOverdue, remindersFor, statusEntry, type FollowUp } from './follow-up.js';

const d = (s: string) => new Date(s);

describe('remindersFor: 09:00 owner-local on the day before and on the due day, never after due_at', () => {
  const cases: Array<[string, string, string, string, Array<[string, string, string]>]> = [
    // [what, zone, now, due, [kind, day, due at]]
    [
      'both ahead',
      'Europe/Berlin',
      '2026-12-01T08:00:00Z',
      '2026-12-10T15:00:00Z',
      [
        ['day_before', '2026-12-09', '2026-12-09T08:00:00.000Z'],
        ['due_day', '2026-12-10', '2026-12-10T08:00:00.000Z'],
      ],
    ],
    [
      'due before 09:00: the due-day reminder at due_at',
      'Europe/Berlin',
      '2026-12-01T08:00:00Z',
      '2026-12-10T06:30:00Z',
      [
        ['day_before', '2026-12-09', '2026-12-09T08:00:00.000Z'],
        ['due_day', '2026-12-10', '2026-12-10T06:30:00.000Z'],
      ],
    ],
    [
      'planned on the day before after 09:00: that one at once',
      'Europe/Berlin',
      '2026-12-09T14:00:00Z',
      '2026-12-10T15:00:00Z',
      [
        ['day_before', '2026-12-09', '2026-12-09T14:00:00.000Z'],
        ['due_day', '2026-12-10', '2026-12-10T08:00:00.000Z'],
      ],
    ],
    [
      'planned on the due day: no day-before reminder',
      'Europe/Berlin',
      '2026-12-10T10:00:00Z',
      '2026-12-10T15:00:00Z',
      [['due_day', '2026-12-10', '2026-12-10T10:00:00.000Z']],
    ],
    [
      'the owner-local day, not UTC (Berlin: 00:30 on the 11th)',
      'Europe/Berlin',
      '2026-12-01T00:00:00Z',
      '2026-12-10T23:30:00Z',
      [
        ['day_before', '2026-12-10', '2026-12-10T08:00:00.000Z'],
        ['due_day', '2026-12-11', '2026-12-10T23:30:00.000Z'],
      ],
    ],
    [
      'the same due time in UTC',
      'UTC',
      '2026-12-01T00:00:00Z',
      '2026-12-10T23:30:00Z',
      [
        ['day_before', '2026-12-09', '2026-12-09T09:00:00.000Z'],
        ['due_day', '2026-12-10', '2026-12-10T09:00:00.000Z'],
      ],
    ],
    [
      'and in New York',
      'America/New_York',
      '2026-12-01T00:00:00Z',
      '2026-12-10T23:30:00Z',
      [
        ['day_before', '2026-12-09', '2026-12-09T14:00:00.000Z'],
        ['due_day', '2026-12-10', '2026-12-10T14:00:00.000Z'],
      ],
    ],
    [
      'across the spring change 09:00 stays 09:00',
      'Europe/Berlin',
      '2027-03-20T00:00:00Z',
      '2027-03-29T12:00:00Z',
      [
        ['day_before', '2027-03-28', '2027-03-28T07:00:00.000Z'],
        ['due_day', '2027-03-29', '2027-03-29T07:00:00.000Z'],
      ],
    ],
    ['already due: none', 'UTC', '2026-12-10T10:00:00Z', '2026-12-10T09:00:00Z', []],
  ];
  it.each(cases)('%s', (_what, zone, now, due, expected) => {
    expect(remindersFor(d(due), zone, d(now)).map((r) => [r.kind, r.day, r.dueAt.toISOString()])).toEqual(expected);
  });
});

describe('applyPatch', () => {
  const now = d('2026-12-05T12:00:00Z');
  const base: FollowUp = {
    id: 'fu-1',
    incidentId: 'inc-1',
    postmortemId: null,
    title: 'Add a disk alert',
    kind: 'monitoring',
    ownerId: 'usr-1',
    dueAt: d('2026-12-10T12:00:00Z'),
    priority: 'high',
    status: 'outstanding',
    reason: null,
    externalUrl: null,
    completedAt: null,
    createdAt: d('2026-12-01T12:00:00Z'),
    updatedAt: d('2026-12-01T12:00:00Z'),
  };

  it('completes, stamping completed_at; reopening clears it', () => {
    const done = applyPatch(base, { status: 'completed' }, now);
    expect([done.status, done.completedAt]).toEqual(['completed', now]);
    const again = applyPatch(done, { status: 'outstanding' }, d('2026-12-06T00:00:00Z'));
    expect([again.status, again.completedAt]).toEqual(['outstanding', null]);
  });

  it('needs a reason to move to not_doing, and drops an old reason on a later move', () => {
    expect(() => applyPatch(base, { status: 'not_doing' }, now)).toThrow(/reason/);
    const no = applyPatch(base, { status: 'not_doing', reason: 'replaced by the new alerting' }, now);
    expect(no.reason).toBe('replaced by the new alerting');
    expect(applyPatch(no, { title: 'Renamed' }, now).reason).toBe('replaced by the new alerting');
    expect(() => applyPatch(no, { reason: null }, now)).toThrow(/reason/);
    expect(applyPatch(no, { status: 'outstanding' }, now).reason).toBeNull();
  });

  it('leaves a deleted follow-up alone', () => {
    const gone = applyPatch(base, { status: 'deleted' }, now);
    expect(() => applyPatch(gone, { title: 'x' }, now)).toThrow(/deleted/);
  });

  it('flags overdue only while outstanding', () => {
    const late = d('2026-12-11T00:00:00Z');
    expect(isOverdue(base, late)).toBe(true);
    expect(isOverdue(base, now)).toBe(false);
    expect(isOverdue({ ...base, status: 'completed' }, late)).toBe(false);
  });

  it('names the timeline entry of a status change', () => {
    expect(statusEntry('outstanding', 'completed')).toBe('follow_up_completed');
    expect(statusEntry('outstanding', 'not_doing')).toBe('follow_up_not_doing');
    expect(statusEntry('completed', 'outstanding')).toBe('follow_up_reopened');
  });
});
