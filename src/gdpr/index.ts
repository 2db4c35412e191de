// The GDPR module: records of processing, the consent ledger, the breach register with the Art. 33
// clock, data-subject requests, and the compliance report the runbook's gdpr-compliance function gives.
// Data-subject requests and the compliance report (the lead's part):
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

// Breach register and the GDPR clock (issue 20, part "breaches")
export {
  createBreachesService,
  BREACH_SUBJECT,
  GDPR_TOPIC,
  type BreachesService,
  type BreachDetail,
  type BreachPatch,
  type NewBreach,
  type NewReport,
  type Notice,
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
export { toMarkdown, escapeMarkdown, type Doc, type DocSection, type DocTable, type Cell } from './document.js';
export { renderPdf } from './document-pdf.js';
