// The GDPR dashboard's rules: who sees personal data, the breach clock's text and colour, the order of
// breaches and requests, a request's due text, the ledger's integrity, stacked coverage and allowed steps.
import { describe, expect, it } from 'vitest';
import type { Breach, GdprLedger, GdprRequest } from './api.ts';
import {
  allowedSteps,
  breachClock,
  coverageSummary,
  hms,
  ledgerIntegrity,
  pendingRequests,
  reportIsLate,
  requestDue,
  seesPersonalData,
  sortBreaches,
  stackedCoverage,
} from './gdpr-clocks.ts';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('seesPersonalData', () => {
  it.each([
    ['admin', false, true],
    ['admin', true, true],
    ['responder', true, true],
    ['responder', false, false],
    ['viewer', true, false],
    ['viewer', false, false],
  ] as const)('%s with privacy %s → %s', (role, privacy, expected) => {
    expect(seesPersonalData({ role, user: { privacy } as never })).toBe(expected);
  });
});

describe('breachClock', () => {
  it.each([
    ['72 h left', 'assessing', 72 * H, 'running', '72:00:00 left'],
    ['just over 12 h', 'assessing', 12 * H + 1000, 'running', '12:00:01 left'],
    ['under 12 h turns red', 'assessing', 12 * H - 1000, 'urgent', '11:59:59 left'],
    ['the last second', 'assessing', 1000, 'urgent', '0:00:01 left'],
    ['past the deadline', 'assessing', -(2 * H + 5000), 'overdue', '2:00:05 overdue'],
    ['reported', 'notified', -5 * H, 'stopped', 'Clock stopped'],
    ['not notifiable', 'not_notifiable', 5 * H, 'stopped', 'Clock stopped'],
    ['closed', 'closed', -90 * H, 'stopped', 'Clock stopped'],
  ] as const)('%s', (_name, state, left, tone, text) => {
    expect(breachClock({ state, deadline_at: iso(NOW + left) }, NOW)).toEqual({ tone, text });
  });

  it('formats spans over a day in hours', () => {
    expect(hms(61 * H + 4 * 60_000 + 9000)).toBe('61:04:09');
    expect(hms(-59_999)).toBe('0:00:59');
  });
});

describe('sortBreaches', () => {
  const b = (id: string, state: Breach['state'], left: number, decisionNeeded = false) => ({
    id,
    state,
    deadline_at: iso(NOW + left),
    subjects_decision_needed: decisionNeeded,
  });
  it('puts the overdue first, then the nearest deadline, then the stopped clocks, closed last', () => {
    const sorted = sortBreaches(
      [
        b('closed', 'closed', -100 * H),
        b('later', 'assessing', 50 * H),
        b('notified', 'notified', -10 * H),
        b('notified-undecided', 'notified', 10 * H, true),
        b('overdue-long', 'assessing', -30 * H),
        b('soon', 'assessing', 2 * H),
        b('overdue-just', 'assessing', -1 * H),
        b('not-notifiable', 'not_notifiable', 3 * H),
      ],
      NOW,
    );
    expect(sorted.map((x) => x.id)).toEqual([
      'overdue-long',
      'overdue-just',
      'soon',
      'later',
      'notified-undecided',
      'notified',
      'not-notifiable',
      'closed',
    ]);
  });
});

describe('requests', () => {
  const r = (id: string, state: GdprRequest['state'], dueIn: number) => ({ id, state, due_at: iso(NOW + dueIn) });
  it('lists the open and extended ones by due time', () => {
    const sorted = pendingRequests([
      r('done', 'completed', -H),
      r('far', 'extended', 60 * 24 * H),
      r('late', 'open', -3 * 24 * H),
      r('near', 'open', 2 * 24 * H),
      r('refused', 'refused', H),
    ]);
    expect(sorted.map((x) => x.id)).toEqual(['late', 'near', 'far']);
  });

  it.each([
    [10 * 24 * H + H, 'due in 10 days', false],
    [24 * H + 1, 'due in 1 day', false],
    [5 * H, 'due today', false],
    [-5 * H, 'overdue since today', true],
    [-(24 * H + 1), '1 day overdue', true],
    [-3 * 24 * H - 1, '3 days overdue', true],
  ])('due in %d ms → %s', (dueIn, text, overdue) => {
    expect(requestDue({ due_at: iso(NOW + dueIn) }, NOW)).toEqual({ text, overdue });
  });
});

describe('ledgerIntegrity', () => {
  const check = (over: Partial<NonNullable<GdprLedger['last_check']>>) => ({
    ok: true,
    rows: 12,
    verified_up_to: 12,
    first_broken: null,
    head_hash: 'ab',
    checked_at: iso(NOW),
    duration_ms: 3,
    ...over,
  });
  const ledger = (over: Partial<GdprLedger>): GdprLedger => ({
    rows: 12,
    newest_event_at: iso(NOW),
    last_check: null,
    unverified_rows: 12,
    ...over,
  });
  it('says when nothing was recorded or checked', () => {
    expect(ledgerIntegrity(ledger({ rows: 0, unverified_rows: 0 }))).toMatchObject({ tone: 'quiet', word: 'Empty' });
    expect(ledgerIntegrity(ledger({}))).toEqual({ tone: 'warn', word: 'Not checked', text: '12 rows, never checked.' });
  });
  it('says up to which row the chain is verified, and what came since', () => {
    expect(ledgerIntegrity(ledger({ last_check: check({}), unverified_rows: 0 }))).toEqual({
      tone: 'good',
      word: 'Verified',
      text: 'Verified up to row 12.',
    });
    expect(ledgerIntegrity(ledger({ rows: 13, last_check: check({}), unverified_rows: 1 })).text).toBe(
      'Verified up to row 12; 1 row added since.',
    );
  });
  it('names the first broken row', () => {
    const broken = check({ ok: false, verified_up_to: 6, first_broken: { seq: 7, id: 'c7', reason: 'hash mismatch' } });
    expect(ledgerIntegrity(ledger({ last_check: broken }))).toEqual({
      tone: 'bad',
      word: 'Broken',
      text: 'The chain breaks at row 7 (hash mismatch); verified up to row 6.',
    });
  });
});

describe('coverage', () => {
  const purposes = [
    { purpose: 'newsletter', name: 'Newsletter', policy_version: 2, granted: 3, withdrawn: 1, stale: 2, none: 4 },
    { purpose: 'analytics', name: 'Analytics', policy_version: 1, granted: 0, withdrawn: 0, stale: 0, none: 10 },
  ];
  it('stacks granted over withdrawn over stale over none', () => {
    expect(stackedCoverage(purposes)).toEqual({
      granted: [10, 10],
      withdrawn: [7, 10],
      stale: [6, 10],
      none: [4, 10],
    });
    expect(stackedCoverage([])).toEqual({ granted: [], withdrawn: [], stale: [], none: [] });
  });
  it('says the counts in words', () => {
    expect(coverageSummary(purposes)).toBe(
      'Newsletter: 3 granted, 1 withdrawn, 2 stale, 4 none; Analytics: 0 granted, 0 withdrawn, 0 stale, 10 none.',
    );
    expect(coverageSummary([])).toBe('No purposes registered.');
  });
});

describe('allowedSteps', () => {
  it.each([
    ['assessing', 'risk', ['report', 'decision']],
    ['assessing', 'high_risk', ['report', 'decision']],
    ['assessing', 'unlikely', ['report', 'not_notifiable', 'close', 'decision']],
    ['notified', 'high_risk', ['supplementary', 'decision', 'close']],
    ['not_notifiable', 'unlikely', ['decision', 'close']],
    ['closed', 'unlikely', []],
  ] as const)('%s with %s', (state, risk, steps) => {
    expect(allowedSteps({ state, risk })).toEqual(steps);
  });

  it('asks for the reasons of a delay only for a first report after the deadline', () => {
    const deadline = iso(NOW);
    expect(reportIsLate({ state: 'assessing', deadline_at: deadline }, NOW + 1)).toBe(true);
    expect(reportIsLate({ state: 'assessing', deadline_at: deadline }, NOW - 1)).toBe(false);
    expect(reportIsLate({ state: 'notified', deadline_at: deadline }, NOW + H)).toBe(false);
  });
});
