// The GDPR module: records of processing, the consent ledger, the breach register with the Art. 33
// clock, data-subject requests, and the compliance report the runbook's gdpr-compliance function gives.

// Data-subject requests and the compliance report.
export {
  REQUEST_ARTICLE,
  REQUEST_KINDS,
  REQUEST_STATES,
  daysLeft as requestDaysLeft,
  isOverdue as isRequestOverdue,
  type DataSubjectRequest,
  type RequestChange,
  type RequestKind,
  type RequestState,
} from './request.js';
export { createRequestsService, REQUEST_SUBJECT, type RequestsService } from './requests.service.js';
export type { StoredRequest } from './requests.repo.js';
export { REPORT_TYPES, type ComplianceReport, type ReportType } from './compliance-report.js';
export { createReportService, type ReportService } from './report.service.js';

// The breach register and the GDPR clock.
export {
  createBreachesService,
  BREACH_SUBJECT,
  GDPR_TOPIC,
  type BreachesService,
  type BreachDetail,
  type BreachPatch,
  type NewBreach,
  type NewReport,
  type Tell,
} from './breaches.service.js';
export {
  BREACH_CATEGORIES,
  BREACH_STATES,
  EXEMPTIONS,
  REPORT_KINDS,
  RISKS,
  hoursLeft,
  isOverdue,
  subjectsDecisionNeeded,
  type BreachState,
  type DecisionInput,
  type Exemption,
  type Risk,
} from './breach.js';
export type { AuthorityReport, Breach, BreachEvent, GdprSettings } from './breaches.repo.js';
export {
  cancelReminders,
  createReminderSweep,
  scheduleReminders,
  type ReminderHandler,
  type ReminderSweep,
} from './reminders.service.js';
export type { Reminder } from './reminders.repo.js';

// The consent ledger and purposes.
export {
  createPurposesService,
  type PurposesService,
  type PurposeInput,
  type PurposePatch,
} from './purposes.service.js';
export {
  createConsentsService,
  type ConsentsService,
  type ConsentEventInput,
  type Rejected,
  type SubjectStatus,
  type VerifyResult,
} from './consents.service.js';
export { consentStatusAnswer, gdprCompliance, subjectIdText, type GdprComplianceDeps } from './gdpr-function.js';
export { LAWFUL_BASES, PURPOSE_KEY, ART30_FIELDS, missingFields, type Purpose, type LawfulBasis } from './purpose.js';
export {
  DECISIONS,
  MAX_BATCH,
  CLOCK_TOLERANCE_MS,
  canonicalJson,
  type ConsentStatus,
  type Decision,
} from './ledger.js';
export type { StoredEvent as StoredConsentEvent } from './ledger.repo.js';
