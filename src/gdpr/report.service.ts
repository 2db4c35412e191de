// The compliance report and the GDPR overview, put together from the module's parts: the breach
// register, the request register, the consent ledger and the purposes. The report holds subject ids
// (overdue requests) and breach titles, so it needs the privacy flag; the overview is counts only.
import { authorize, authorizePrivacy, type Actor } from '../access/index.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { BreachesService } from './breaches.service.js';
import type { BreachDetail } from './breaches.repo.js';
import { complianceReport, type BreachFacts, type ReportType } from './compliance-report.js';
import type { ConsentsService } from './consents.service.js';
import type { Doc } from '../documents/index.js';
import { missingFields } from './purpose.js';
import type { PurposesService } from './purposes.service.js';
import { reportDocument } from './report-document.js';
import { countOpenRequests, openRequests } from './requests.repo.js';

export interface ReportDeps {
  db: Db;
  clock: Clock;
  purposes: PurposesService;
  consents: ConsentsService;
  breaches: BreachesService;
}

/** How many open requests a report lists at most (the counts are exact). */
const REQUESTS_LISTED = 500;

function breachFacts({ breach: b, reports, incident }: BreachDetail): BreachFacts {
  const first = reports.reduce<BreachDetail['reports'][number] | undefined>(
    (a, r) => (a && a.reportedAt <= r.reportedAt ? a : r),
    undefined,
  );
  return {
    id: b.id,
    number: b.number,
    title: b.title,
    state: b.state,
    risk: b.risk,
    incidentNumber: incident?.number ?? null,
    awareAt: b.awareAt,
    deadlineAt: b.deadlineAt,
    firstReportAt: first?.reportedAt ?? null,
    delayReason: first?.delayReason ?? null,
    subjectsDecisionNeeded: b.risk === 'high_risk' && b.subjectsDecision === null && b.state !== 'closed',
  };
}

export function createReportService({ db, clock, purposes, consents, breaches }: ReportDeps) {
  return {
    /** The compliance report of `type` at this moment. */
    async report(actor: Actor, type: ReportType) {
      authorizePrivacy(actor);
      const now = clock.now();
      const [register, requests, coverage, ledger, records, writable] = await Promise.all([
        breaches.forReport(actor),
        openRequests(db, REQUESTS_LISTED),
        consents.coverage(actor),
        consents.ledgerState(actor),
        purposes.list(actor),
        consents.writable(),
      ]);
      return complianceReport(
        type,
        {
          openBreaches: register.open.map(breachFacts),
          lateBreaches: register.late.map(breachFacts),
          openRequests: requests,
          coverage,
          ledger,
          purposes: records.map((p) => ({
            key: p.key,
            name: p.name,
            lawfulBasis: p.lawfulBasis,
            policyVersion: p.policyVersion,
            retentionDays: p.retentionDays,
            transfersOutsideEea: p.transfersOutsideEea,
            recipients: p.recipients,
            missing: missingFields(p),
          })),
          ledgerWritable: writable,
        },
        now,
      );
    },

    /** The report as a document for Markdown or PDF, with the controller's name from the GDPR settings. */
    async document(actor: Actor, type: ReportType): Promise<Doc> {
      const report = await this.report(actor, type);
      const settings = await breaches.settings(actor);
      return reportDocument(report, settings.controllerName, clock.now());
    },

    /** Counts for everyone who may read (the GDPR dashboard of a viewer): no subject, no breach title. */
    async overview(actor: Actor) {
      authorize(actor, 'read');
      const now = clock.now();
      const [counts, requests, next, coverage, ledger, records] = await Promise.all([
        breaches.counts(actor),
        countOpenRequests(db, now),
        openRequests(db, 1, now),
        consents.coverage(actor),
        consents.ledgerState(actor),
        purposes.list(actor),
      ]);
      return {
        breaches: counts,
        requests: { ...requests, nextDueAt: next[0]?.dueAt ?? null },
        coverage,
        ledger,
        purposes: { total: records.length, incomplete: records.filter((p) => missingFields(p).length > 0).length },
      };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
