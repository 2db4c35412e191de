// GDPR: records of processing (purposes), the consent ledger, the breach register, data-subject requests
// and the runbook's gdpr-compliance function. Each part adds its own block.

// The consent ledger and purposes (issue 20, part ledger).
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
export { gdprCompliance, type GdprComplianceDeps } from './gdpr-function.js';
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
