// The compliance report (the runbook's `gdpr-compliance` compliance_report), pure: what is on fire
// first. Built from facts the ledger, the breach register and the request register read; this file
// only orders, counts and words them at `now`.
//   emergency  the first minutes of an incident: open breach clocks (overdue first), counts of late
//              reports and of open and overdue requests, ledger integrity, health, coverage totals;
//   summary    the same with the lists (late reports, overdue requests, incomplete Art. 30 records);
//   full       adds every open request and per-purpose detail (lawful basis, versions, retention, …).
import { REQUEST_ARTICLE, daysLeft, isOverdue, type DataSubjectRequest } from './request.js';

export const REPORT_TYPES = ['emergency', 'summary', 'full'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** A breach as the report needs it. */
export interface BreachFacts {
  id: string;
  number: string;
  title: string;
  state: string;
  risk: string;
  incidentNumber: string | null;
  awareAt: Date;
  deadlineAt: Date;
  /** The first report to the authority, if any. */
  firstReportAt: Date | null;
  delayReason: string | null;
  /** High risk with no Art. 34 decision on telling the subjects yet. */
  subjectsDecisionNeeded: boolean;
}

export interface CoverageFacts {
  subjects: number;
  purposes: Array<{
    purpose: string;
    name: string;
    policyVersion: number;
    granted: number;
    withdrawn: number;
    stale: number;
    none: number;
  }>;
}

export interface LedgerFacts {
  rows: number;
  newestEventAt: Date | null;
  lastCheck: {
    ok: boolean;
    rows: number;
    verifiedUpTo: number;
    firstBroken: { seq: number; id: string | null; reason: string } | null;
    checkedAt: Date;
  } | null;
  unverifiedRows: number;
}

export interface PurposeFacts {
  key: string;
  name: string;
  lawfulBasis: string;
  policyVersion: number;
  retentionDays: number | null;
  transfersOutsideEea: string | null;
  recipients: string[];
  missing: string[];
}

export interface ReportFacts {
  /** Breaches not closed. */
  openBreaches: BreachFacts[];
  /** Breaches whose first report reached the authority after the deadline (any state). */
  lateBreaches: BreachFacts[];
  /** Data-subject requests not closed, soonest due first. */
  openRequests: DataSubjectRequest[];
  coverage: CoverageFacts;
  ledger: LedgerFacts;
  purposes: PurposeFacts[];
  /** Whether a write to the ledger's tables succeeded just now (rolled back), with the error if not. */
  ledgerWritable: { ok: boolean; error: string | null };
}

const HOUR = 3_600_000;
const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The report as JSON (snake_case, as the function answers it). */
export function complianceReport(type: ReportType, facts: ReportFacts, now: Date) {
  const detailed = type !== 'emergency';
  const open = [...facts.openBreaches]
    .map((b) => ({ b, left: b.deadlineAt.getTime() - now.getTime(), racing: b.state === 'assessing' }))
    // Breaches still racing their clock first (overdue, then the nearest deadline), then those reported or decided.
    .sort((x, y) => Number(y.racing) - Number(x.racing) || x.left - y.left);
  const breachClocks = open.map(({ b, left }) => ({
    id: b.id,
    number: b.number,
    title: b.title,
    state: b.state,
    risk: b.risk,
    incident_number: b.incidentNumber,
    aware_at: b.awareAt.toISOString(),
    deadline_at: b.deadlineAt.toISOString(),
    reported: b.firstReportAt !== null,
    // Only a breach still waiting for its first report or decision is racing the clock.
    hours_left: b.state === 'assessing' ? hours(left) : null,
    overdue: b.state === 'assessing' && left < 0,
    subjects_decision_needed: b.subjectsDecisionNeeded,
  }));
  const racing = breachClocks.filter((b) => b.hours_left !== null);
  const late = facts.lateBreaches.map((b) => ({
    id: b.id,
    number: b.number,
    title: b.title,
    deadline_at: b.deadlineAt.toISOString(),
    first_report_at: iso(b.firstReportAt),
    hours_late: b.firstReportAt ? hours(b.firstReportAt.getTime() - b.deadlineAt.getTime()) : null,
    delay_reason: b.delayReason,
  }));
  const requests = facts.openRequests.map((r) => ({
    id: r.id,
    subject_id: r.subjectId,
    kind: r.kind,
    article: REQUEST_ARTICLE[r.kind],
    state: r.state,
    received_at: r.receivedAt.toISOString(),
    due_at: r.dueAt.toISOString(),
    days_left: daysLeft(r, now),
    overdue: isOverdue(r, now),
  }));
  const overdueRequests = requests.filter((r) => r.overdue);
  const incomplete = facts.purposes.filter((p) => p.missing.length > 0);
  const check = facts.ledger.lastCheck;
  const ledgerOk = check === null ? null : check.ok;
  const newest = facts.ledger.newestEventAt;

  const actions: string[] = [
    ...racing.map((b) =>
      b.overdue
        ? `${b.number}: the 72-hour deadline passed ${-(b.hours_left ?? 0)} h ago — report to the authority now, ` +
          'with the reasons for the delay (Art. 33(1))'
        : `${b.number}: report to the authority or record why it is not notifiable within ${b.hours_left} h`,
    ),
    ...breachClocks
      .filter((b) => b.subjects_decision_needed)
      .map((b) => `${b.number}: high risk — decide on telling the data subjects (Art. 34)`),
    ...(overdueRequests.length
      ? [`${overdueRequests.length} data-subject request(s) past their Art. 12(3) deadline`]
      : []),
    ...(ledgerOk === false && check?.firstBroken
      ? [
          `consent ledger broken at row ${check.firstBroken.seq} (${check.firstBroken.id ?? 'missing'}: ` +
            `${check.firstBroken.reason}): investigate tampering`,
        ]
      : []),
    ...(!facts.ledgerWritable.ok ? ['the consent ledger cannot be written: consent events are being refused'] : []),
  ];
  const status =
    racing.some((b) => b.overdue) || ledgerOk === false || !facts.ledgerWritable.ok
      ? 'critical'
      : actions.length > 0 || incomplete.length > 0
        ? 'attention'
        : 'ok';

  return {
    report_type: type,
    status,
    actions,
    breaches: {
      open: breachClocks.length,
      overdue: racing.filter((b) => b.overdue).length,
      due_within_12h: racing.filter((b) => !b.overdue && (b.hours_left ?? Infinity) < 12).length,
      clocks: breachClocks,
      reported_late: detailed ? late : late.length,
    },
    requests: {
      open: requests.length,
      overdue: overdueRequests.length,
      next_due_at: requests.find((r) => !r.overdue)?.due_at ?? null,
      ...(detailed && { overdue_requests: overdueRequests }),
      ...(type === 'full' && { open_requests: requests }),
    },
    consent_coverage: {
      subjects: facts.coverage.subjects,
      purposes: facts.coverage.purposes.map((p) => ({
        purpose: p.purpose,
        name: p.name,
        policy_version: p.policyVersion,
        granted: p.granted,
        withdrawn: p.withdrawn,
        stale: p.stale,
        none: p.none,
      })),
    },
    ledger: {
      ok: ledgerOk,
      rows: facts.ledger.rows,
      verified_up_to: check?.verifiedUpTo ?? null,
      first_broken: check?.firstBroken ?? null,
      last_checked_at: iso(check?.checkedAt ?? null),
      unverified_rows: facts.ledger.unverifiedRows,
    },
    records_of_processing: {
      purposes: facts.purposes.length,
      incomplete: detailed
        ? incomplete.map((p) => ({ key: p.key, name: p.name, missing: p.missing }))
        : incomplete.length,
      ...(type === 'full' && {
        detail: facts.purposes.map((p) => ({
          key: p.key,
          name: p.name,
          lawful_basis: p.lawfulBasis,
          policy_version: p.policyVersion,
          retention_days: p.retentionDays,
          transfers_outside_eea: p.transfersOutsideEea,
          recipients: p.recipients,
          missing: p.missing,
        })),
      }),
    },
    health: {
      ledger_writable: facts.ledgerWritable.ok,
      ledger_error: facts.ledgerWritable.error,
      newest_consent_at: iso(newest),
      newest_consent_age_seconds: newest ? Math.max(0, Math.round((now.getTime() - newest.getTime()) / 1000)) : null,
    },
  };
}

export type ComplianceReport = ReturnType<typeof complianceReport>;
