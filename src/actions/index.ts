// Mitigation actions (docs/actions.md): the seed's Phase 3 steps as typed definitions, invoked on an
// incident, approved by a second person where the severity calls for it, run by Vigil (HTTP targets)
// or by a `vigil runner` (commands), their output kept and summarised on the timeline.
export {
  ACTION_CATEGORIES,
  APPROVAL_POLICIES,
  APPROVAL_TTL_MS,
  DEFAULT_TIMEOUT_SECONDS,
  FINAL_STATES,
  HTTP_METHODS,
  INVOCATION_STATES,
  LEASE_MS,
  MAINTENANCE_PARAM,
  OUTPUT_MAX_BYTES,
  OUTPUT_STREAMS,
  TRUNCATED_MARKER,
  fitChunk,
  type ActionCategory,
  type ActionDefinition,
  type ActionSpec,
  type ActionTarget,
  type ApprovalPolicy,
  type InvocationState,
  type OutputStream,
} from './action.js';
export {
  fullSpec,
  PARAM_TYPES,
  PARAM_NAME,
  checkParams,
  checkSpecs,
  type ParamSpec,
  type ParamType,
  type ParamValue,
} from './params.js';
export { CONTEXT_NAMES, renderArgv, placeholdersOf, type TemplateContext, type Json } from './template.js';
export {
  createDefinitionsService,
  RUNNER_TOKEN_PREFIX,
  type DefinitionsService,
  type DefinitionInput,
  type TargetInput,
  type ActionOffer,
} from './definitions.service.js';
export {
  createInvocationsService,
  type InvocationsService,
  type ActionEvents,
  type Finish,
  type Outcome,
  type LeaseReply,
} from './invocations.service.js';
export { createHttpLane, type HttpLane } from './http-lane.js';
export { createSignals, invocationTopic, type Signals } from './signals.js';
export type { Invocation, Runner, OutputChunk, Who } from './actions.repo.js';
