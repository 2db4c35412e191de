// The GDPR module: records of processing and the consent ledger, the breach register with its 72-hour
// clock, data-subject requests, and the compliance report. Each part exports its own face here.

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
