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
export { createRequestsService, type RequestsService, type RequestReminders } from './requests.service.js';
export type { StoredRequest } from './requests.repo.js';
