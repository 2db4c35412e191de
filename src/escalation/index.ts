export { createPoliciesService, loadPolicy, type PoliciesService, type PolicyInput } from './policies.service.js';
export { createEscalationService, type EscalationEvents, type EscalationService } from './escalation.service.js';
export {
  ESCALATE_WHILE,
  TARGET_TYPES,
  SEED_POLICY_ID,
  SEED_POLICY_NAME,
  type Policy,
  type Level,
  type Target,
  type EscalateWhile,
} from './policy.js';
export type { EscalationState, Page } from './escalation.repo.js';
