import { describe, expect, it } from 'vitest';
import { complianceReport, type BreachFacts, type ReportFacts } from './compliance-report.js';
import type { DataSubjectRequest } from './request.js';

const now = new Date('2026-12-07T12:00:00Z');
const h = (n: number) => new Date(now.getTime() + n * 3_600_000);

const breach = (over: Partial<BreachFacts>): BreachFacts => ({
  id: 'brc_1',
  number: 'BR-20261205-0001',
  title: 'Export bucket public',
  state: 'assessing',
  risk: 'risk',
  incidentNumber: 'INC-20261205-0001',
  awareAt: h(-60),
  deadlineAt: h(12),
  firstReportAt: null,
  delayReason: null,
  subjectsDecisionNeeded: false,
  ...over,
});

const request = (over: Partial<DataSubjectRequest>): DataSubjectRequest => ({
  id: 'dsr_1',
  subjectId: 'user-1',
  kind: 'access',
  receivedAt: new Date('2026-11-01T09:00:00Z'),
  dueAt: new Date('2026-12-01T23:59:59.999Z'),
  state: 'open',
  extendedAt: null,
  extensionReason: null,
  completedAt: null,
  refusedAt: null,
  refusedReason: null,
  note: null,
  createdAt: new Date('2026-11-01T09:00:00Z'),
  updatedAt: new Date('2026-11-01T09:00:00Z'),
  ...over,
});

const calm: ReportFacts = {
  openBreaches: [],
  lateBreaches: [],
  openRequests: [],
  coverage: {
    subjects: 3,
    purposes: [
      { purpose: 'marketing', name: 'Newsletter', policyVersion: 2, granted: 1, withdrawn: 1, stale: 1, none: 0 },
    ],
  },
  ledger: {
    rows: 4,
    newestEventAt: new Date('2026-12-07T11:59:00Z'),
    lastCheck: { ok: true, rows: 4, verifiedUpTo: 4, firstBroken: null, checkedAt: h(-1) },
    unverifiedRows: 0,
  },
  purposes: [
    {
      key: 'marketing',
      name: 'Newsletter',
      lawfulBasis: 'consent',
      policyVersion: 2,
      retentionDays: 730,
      transfersOutsideEea: null,
      recipients: ['mail provider'],
      missing: [],
    },
  ],
  ledgerWritable: { ok: true, error: null },
};

describe('complianceReport', () => {
  it('says ok with nothing to do, and gives the health of the ledger', () => {
    const report = complianceReport('emergency', calm, now);
    expect(report.status).toBe('ok');
    expect(report.actions).toEqual([]);
    expect(report.health).toEqual({
      ledger_writable: true,
      ledger_error: null,
      newest_consent_at: '2026-12-07T11:59:00.000Z',
      newest_consent_age_seconds: 60,
    });
    expect(report.ledger).toMatchObject({ ok: true, rows: 4, verified_up_to: 4, first_broken: null });
    expect(report.consent_coverage.purposes[0]).toMatchObject({ granted: 1, withdrawn: 1, stale: 1, none: 0 });
  });

  it('puts overdue breach clocks first, then the nearest deadline, and says what to do', () => {
    const facts: ReportFacts = {
      ...calm,
      openBreaches: [
        breach({ id: 'a', number: 'BR-A', deadlineAt: h(30) }),
        breach({ id: 'b', number: 'BR-B', deadlineAt: h(-5) }),
        breach({ id: 'c', number: 'BR-C', deadlineAt: h(6), risk: 'high_risk', subjectsDecisionNeeded: true }),
        breach({ id: 'd', number: 'BR-D', state: 'notified', deadlineAt: h(-40), firstReportAt: h(-41) }),
      ],
    };
    const report = complianceReport('emergency', facts, now);
    expect(report.breaches.clocks.map((b) => [b.number, b.hours_left, b.overdue])).toEqual([
      ['BR-B', -5, true],
      ['BR-C', 6, false],
      ['BR-A', 30, false],
      ['BR-D', null, false],
    ]);
    expect(report.breaches).toMatchObject({ open: 4, overdue: 1, due_within_12h: 1 });
    expect(report.status).toBe('critical');
    expect(report.actions).toEqual([
      'BR-B: the 72-hour deadline passed 5 h ago — report to the authority now, ' +
        'with the reasons for the delay (Art. 33(1))',
      'BR-C: report to the authority or record why it is not notifiable within 6 h',
      'BR-A: report to the authority or record why it is not notifiable within 30 h',
      'BR-C: high risk — decide on telling the data subjects (Art. 34)',
    ]);
  });

  it('counts in an emergency and lists in a summary; full adds every open request and per-purpose detail', () => {
    const facts: ReportFacts = {
      ...calm,
      lateBreaches: [breach({ state: 'notified', firstReportAt: h(15), deadlineAt: h(12), delayReason: 'forensics' })],
      openRequests: [
        request({ id: 'late' }),
        request({ id: 'soon', dueAt: new Date('2026-12-10T23:59:59.999Z'), kind: 'erasure' }),
      ],
      purposes: [{ ...calm.purposes[0]!, missing: ['retention_days', 'recipients'] }],
    };
    const emergency = complianceReport('emergency', facts, now);
    expect(emergency.breaches.reported_late).toBe(1);
    expect(emergency.requests).toEqual({ open: 2, overdue: 1, next_due_at: '2026-12-10T23:59:59.999Z' });
    expect(emergency.records_of_processing).toEqual({ purposes: 1, incomplete: 1 });
    expect(emergency.status).toBe('attention');
    expect(emergency.actions).toEqual(['1 data-subject request(s) past their Art. 12(3) deadline']);

    const summary = complianceReport('summary', facts, now);
    expect(summary.breaches.reported_late).toEqual([
      expect.objectContaining({ hours_late: 3, delay_reason: 'forensics' }),
    ]);
    expect(summary.requests.overdue_requests?.map((r) => r.id)).toEqual(['late']);
    expect(summary.requests).not.toHaveProperty('open_requests');
    expect(summary.records_of_processing.incomplete).toEqual([
      { key: 'marketing', name: 'Newsletter', missing: ['retention_days', 'recipients'] },
    ]);
    expect(summary.records_of_processing).not.toHaveProperty('detail');

    const full = complianceReport('full', facts, now);
    expect(full.requests.open_requests?.map((r) => [r.id, r.days_left, r.article])).toEqual([
      ['late', -6, 'Art. 15'],
      ['soon', 3, 'Art. 17'],
    ]);
    expect(full.records_of_processing.detail?.[0]).toMatchObject({ lawful_basis: 'consent', retention_days: 730 });
  });

  it('is critical when the ledger is broken or cannot be written', () => {
    const broken = complianceReport(
      'emergency',
      {
        ...calm,
        ledger: {
          ...calm.ledger,
          lastCheck: {
            ok: false,
            rows: 4,
            verifiedUpTo: 2,
            firstBroken: { seq: 3, id: 'ev-3', reason: 'hash mismatch' },
            checkedAt: h(-1),
          },
        },
      },
      now,
    );
    expect(broken.status).toBe('critical');
    expect(broken.actions).toEqual(['consent ledger broken at row 3 (ev-3: hash mismatch): investigate tampering']);
    const readOnly = complianceReport('emergency', { ...calm, ledgerWritable: { ok: false, error: 'disk full' } }, now);
    expect(readOnly.status).toBe('critical');
    expect(readOnly.health.ledger_error).toBe('disk full');
  });

  it('says the ledger was never checked rather than that it is fine', () => {
    const report = complianceReport(
      'emergency',
      { ...calm, ledger: { rows: 10, newestEventAt: null, lastCheck: null, unverifiedRows: 10 } },
      now,
    );
    expect(report.ledger).toMatchObject({ ok: null, verified_up_to: null, unverified_rows: 10 });
    expect(report.health.newest_consent_age_seconds).toBeNull();
  });
});
