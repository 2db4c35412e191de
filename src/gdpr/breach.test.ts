import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import {
  breachCategory,
  breachNumber,
  breachReminders,
  checkAwareAt,
  checkClose,
  checkNotNotifiable,
  checkReport,
  checkSubjectsDecision,
  deadlineOf,
  hoursLeft,
  isOverdue,
  subjectsDecisionNeeded,
  type BreachFacts,
  type SubjectsDecision,
} from './breach.js';

const H = 3_600_000;
const aware = new Date('2026-12-07T08:00:00Z');
const at = (hours: number) => new Date(aware.getTime() + hours * H);
const decided: SubjectsDecision = {
  decision: 'exempt',
  communicatedAt: null,
  channel: null,
  exemption: '34(3)(a)',
  reason: 'encrypted',
  decidedBy: 'ana',
  decidedAt: at(1),
};
const facts = (over: Partial<BreachFacts> = {}): BreachFacts => ({
  state: 'assessing',
  awareAt: aware,
  deadlineAt: deadlineOf(aware),
  risk: 'risk',
  reports: 0,
  subjectsDecision: null,
  ...over,
});

/** The error code and field a rule throws, or "ok". */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const field = (error.details as { field?: string } | undefined)?.field;
    return field ? `${error.code}:${field}` : error.code;
  }
}

describe('the clock', () => {
  it('deadline is aware_at + 72 h', () => {
    expect(deadlineOf(aware).toISOString()).toBe('2026-12-10T08:00:00.000Z');
  });

  it.each([
    [0, 72],
    [24, 48],
    [71.95, 0.1],
    [72, 0],
    [73.5, -1.5],
  ])('at %s h after awareness, %s h are left', (h, left) => {
    expect(hoursLeft(deadlineOf(aware), at(h))).toBe(left);
  });

  it.each([
    ['assessing', 71.9, false],
    ['assessing', 72, true],
    ['assessing', 100, true],
    ['notified', 100, false],
    ['not_notifiable', 100, false],
    ['closed', 100, false],
  ] as const)('%s at %s h: overdue %s', (state, h, overdue) => {
    expect(isOverdue(facts({ state }), at(h))).toBe(overdue);
  });

  it.each([
    [1, 'ok'],
    [0, 'ok'],
    [-0.01, 'ok'], // within the minute of tolerance
    [-1, 'breach.invalid:aware_at'],
  ])('aware_at %s h before now: %s', (hoursBefore, expected) => {
    const now = at(0);
    expect(outcome(() => checkAwareAt(new Date(now.getTime() - hoursBefore * H), now))).toBe(expected);
  });

  it.each([
    [0, ['24h', '48h', '66h', 'overdue']],
    [30, ['48h', '66h', 'overdue']],
    [70, ['overdue']],
    [90, ['overdue']],
  ])('a breach recorded %s h after awareness gets reminders %j', (h, kinds) => {
    expect(breachReminders(aware, at(h)).map((r) => r.kind)).toEqual(kinds);
  });

  it('reminders fall due 24, 48, 66 and 72 h after awareness', () => {
    expect(breachReminders(aware, aware).map((r) => r.dueAt.toISOString())).toEqual([
      '2026-12-08T08:00:00.000Z',
      '2026-12-09T08:00:00.000Z',
      '2026-12-10T02:00:00.000Z',
      '2026-12-10T08:00:00.000Z',
    ]);
  });
});

describe('reports to the authority', () => {
  const report = (kind: 'initial' | 'supplementary', h: number, delayReason: string | null = null) => ({
    kind,
    reportedAt: at(h),
    delayReason,
  });
  it.each([
    ['first report in time', facts(), report('initial', 10), 80, 'ok'],
    ['first report late without a reason', facts(), report('initial', 73), 80, 'breach.invalid:delay_reason'],
    ['first report late with a reason', facts(), report('initial', 73, 'forensics'), 80, 'ok'],
    [
      'a second initial report',
      facts({ state: 'notified', reports: 1 }),
      report('initial', 10),
      80,
      'breach.invalid_transition',
    ],
    ['supplementary before any initial', facts(), report('supplementary', 10), 80, 'breach.invalid_transition'],
    [
      'supplementary late needs no reason',
      facts({ state: 'notified', reports: 1 }),
      report('supplementary', 79),
      80,
      'ok',
    ],
    [
      'report on a closed breach',
      facts({ state: 'closed', reports: 1 }),
      report('supplementary', 10),
      80,
      'breach.invalid_transition',
    ],
    [
      'report on a not notifiable breach',
      facts({ state: 'not_notifiable' }),
      report('initial', 10),
      80,
      'breach.invalid_transition',
    ],
    ['reported in the future', facts(), report('initial', 20), 10, 'breach.invalid:reported_at'],
    ['reported before awareness', facts(), report('initial', -1), 10, 'breach.invalid:reported_at'],
  ])('%s: %s', (_name, b, r, nowH, expected) => {
    expect(outcome(() => checkReport(b, r, at(nowH)))).toBe(expected);
  });

  it('says when the first report is late', () => {
    expect(checkReport(facts(), report('initial', 73, 'x'), at(80)).late).toBe(true);
    expect(checkReport(facts(), report('initial', 72, null), at(80)).late).toBe(false);
    expect(checkReport(facts({ state: 'notified', reports: 1 }), report('supplementary', 90), at(95)).late).toBe(false);
  });
});

describe('decisions and closing', () => {
  it.each([
    [facts({ risk: 'unlikely' }), 'ok'],
    [facts({ risk: 'risk' }), 'breach.invalid_transition'],
    [facts({ risk: 'high_risk' }), 'breach.invalid_transition'],
    [facts({ risk: 'unlikely', state: 'notified' }), 'breach.invalid_transition'],
  ])('not notifiable: %j → %s', (b, expected) => {
    expect(outcome(() => checkNotNotifiable(b))).toBe(expected);
  });

  it.each([
    ['notified, reason optional', facts({ state: 'notified' }), null, 'ok'],
    ['not notifiable', facts({ state: 'not_notifiable', risk: 'unlikely' }), null, 'ok'],
    ['assessing without a reason', facts({ risk: 'unlikely' }), null, 'breach.invalid:reason'],
    ['assessing with a reason, unlikely a risk', facts({ risk: 'unlikely' }), 'minor', 'ok'],
    ['assessing with a reason but a risk', facts({ risk: 'risk' }), 'minor', 'breach.invalid_transition'],
    [
      'high risk without a decision',
      facts({ state: 'notified', risk: 'high_risk' }),
      null,
      'breach.invalid:subjects_decision',
    ],
    [
      'high risk with a decision',
      facts({ state: 'notified', risk: 'high_risk', subjectsDecision: decided }),
      null,
      'ok',
    ],
    ['already closed', facts({ state: 'closed' }), 'x', 'breach.invalid_transition'],
  ] as const)('close: %s → %s', (_name, b, reason, expected) => {
    expect(outcome(() => checkClose(b, reason))).toBe(expected);
  });

  it('names everything missing when closing', () => {
    try {
      checkClose(facts({ risk: 'high_risk' }), null);
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).details).toEqual({ field: 'reason', missing: ['reason', 'subjects_decision'] });
      expect((error as AppError).message).toMatch(/reason: required.*subjects_decision: a high-risk breach/);
    }
  });

  it.each([
    [facts({ risk: 'high_risk' }), true],
    [facts({ risk: 'high_risk', subjectsDecision: decided }), false],
    [facts({ risk: 'high_risk', state: 'closed' }), false],
    [facts({ risk: 'risk' }), false],
  ])('Art. 34 decision needed: %j → %s', (b, needed) => {
    expect(subjectsDecisionNeeded(b)).toBe(needed);
  });

  it.each([
    [{ decision: 'communicated', communicatedAt: at(5), channel: 'email' }, 10, 'ok'],
    [{ decision: 'communicated', communicatedAt: at(15), channel: 'email' }, 10, 'breach.invalid:communicated_at'],
    [{ decision: 'exempt', exemption: '34(3)(b)', reason: 'measures' }, 10, 'ok'],
  ] as const)('subjects decision %j at %s h → %s', (d, nowH, expected) => {
    expect(outcome(() => checkSubjectsDecision(facts(), d, at(nowH)))).toBe(expected);
  });
});

describe('numbers and categories', () => {
  it('numbers breaches per day', () => expect(breachNumber('20261207', 12)).toBe('BR-20261207-0012'));
  it.each([
    ['gdpr_violation', 'gdpr_violation'],
    ['Data Loss', 'data_loss'],
    ['security-breach', 'security_breach'],
    ['outage', null],
    ['', null],
    [null, null],
  ])('%j → %j', (given, expected) => expect(breachCategory(given)).toBe(expected));
});
