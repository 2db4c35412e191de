import { describe, expect, it } from 'vitest';
import {
  applyChange,
  daysLeft,
  dueAt,
  extendedDueAt,
  isOverdue,
  remindersFor,
  type DataSubjectRequest,
} from './request.js';

const d = (s: string) => new Date(s);

describe('due dates (Art. 12(3), months as 1182/71 counts them)', () => {
  it.each([
    ['2026-12-07T10:00:00Z', '2027-01-07T23:59:59.999Z', '2027-03-07T23:59:59.999Z'],
    ['2027-01-31T08:00:00Z', '2027-02-28T23:59:59.999Z', '2027-04-30T23:59:59.999Z'],
    ['2028-01-31T08:00:00Z', '2028-02-29T23:59:59.999Z', '2028-04-30T23:59:59.999Z'],
    ['2026-10-31T23:30:00Z', '2026-11-30T23:59:59.999Z', '2027-01-31T23:59:59.999Z'],
    ['2026-12-31T00:00:00Z', '2027-01-31T23:59:59.999Z', '2027-03-31T23:59:59.999Z'],
    ['2026-03-29T01:30:00Z', '2026-04-29T23:59:59.999Z', '2026-06-29T23:59:59.999Z'],
  ])('received %s: due %s, extended %s', (received, due, extended) => {
    expect(dueAt(d(received)).toISOString()).toBe(due);
    expect(extendedDueAt(d(received)).toISOString()).toBe(extended);
  });
});

const base: DataSubjectRequest = {
  id: 'dsr_1',
  subjectId: 'user-42',
  kind: 'erasure',
  receivedAt: d('2026-12-07T10:00:00Z'),
  dueAt: d('2027-01-07T23:59:59.999Z'),
  state: 'open',
  extendedAt: null,
  extensionReason: null,
  completedAt: null,
  refusedAt: null,
  refusedReason: null,
  note: null,
  createdAt: d('2026-12-07T10:00:00Z'),
  updatedAt: d('2026-12-07T10:00:00Z'),
};

describe('state changes', () => {
  const now = d('2026-12-20T12:00:00Z');

  it('extends once, within the first month, to three months from receipt', () => {
    const extended = applyChange(base, { to: 'extended', reason: 'complex: 14 systems to search' }, now);
    expect(extended).toMatchObject({
      state: 'extended',
      dueAt: d('2027-03-07T23:59:59.999Z'),
      extendedAt: now,
      extensionReason: 'complex: 14 systems to search',
    });
    expect(() => applyChange(extended, { to: 'extended', reason: 'again' }, now)).toThrow(/only once/);
  });

  it('refuses an extension after the first month has ended', () => {
    expect(() => applyChange(base, { to: 'extended', reason: 'late' }, d('2027-01-08T00:00:00Z'))).toThrow(
      /too late to extend/,
    );
  });

  it('completes or refuses an open or extended request, and nothing moves a closed one', () => {
    const done = applyChange(base, { to: 'completed' }, now);
    expect(done).toMatchObject({ state: 'completed', completedAt: now });
    const refused = applyChange(base, { to: 'refused', reason: 'manifestly unfounded (Art. 12(5))' }, now);
    expect(refused).toMatchObject({ state: 'refused', refusedReason: 'manifestly unfounded (Art. 12(5))' });
    for (const closed of [done, refused])
      for (const change of [
        { to: 'completed' as const },
        { to: 'refused' as const, reason: 'x' },
        { to: 'extended' as const, reason: 'x' },
      ])
        expect(() => applyChange(closed, change, now)).toThrow(
          expect.objectContaining({ code: 'gdpr_request.conflict' }),
        );
  });
});

describe('days left and overdue', () => {
  it.each([
    ['2026-12-07T10:00:00Z', 31, false],
    ['2027-01-06T23:59:59.999Z', 1, false],
    ['2027-01-07T00:00:00Z', 0, false],
    ['2027-01-07T23:59:59.999Z', 0, false],
    ['2027-01-08T00:00:00Z', -1, true],
    ['2027-01-10T12:00:00Z', -3, true],
  ])('at %s: %d days left, overdue %s', (at, days, overdue) => {
    expect(daysLeft(base, d(at))).toBe(days);
    expect(isOverdue(base, d(at))).toBe(overdue);
  });

  it('a closed request is never overdue', () => {
    expect(isOverdue({ ...base, state: 'completed' }, d('2027-06-01T00:00:00Z'))).toBe(false);
  });
});

describe('reminders', () => {
  it('7 days and 1 day before the due time, only those still ahead', () => {
    expect(remindersFor(base.dueAt, base.receivedAt)).toEqual([
      { kind: 'due_in_7d', dueAt: d('2026-12-31T23:59:59.999Z') },
      { kind: 'due_in_1d', dueAt: d('2027-01-06T23:59:59.999Z') },
    ]);
    expect(remindersFor(base.dueAt, d('2027-01-02T00:00:00Z'))).toEqual([
      { kind: 'due_in_1d', dueAt: d('2027-01-06T23:59:59.999Z') },
    ]);
    expect(remindersFor(base.dueAt, d('2027-01-07T00:00:00Z'))).toEqual([]);
    expect(remindersFor(d('2027-03-07T23:59:59.999Z'), d('2027-01-02T00:00:00Z'), true).map((r) => r.kind)).toEqual([
      'extended_due_in_7d',
      'extended_due_in_1d',
    ]);
  });
});
