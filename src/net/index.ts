// Outbound network access for every feature that calls out (notifications, monitors, JWKS): the SSRF
// guard on addresses, the agent that connects only to checked addresses, and deadlines.
export {
  checkUrl,
  forbiddenAddress,
  parseAllowlist,
  resolveAndCheck,
  type Allowlist,
  type Lookup,
  type Refusal,
} from './guard.js';
export { ForbiddenAddressError, guardedDispatcher } from './pinned-agent.js';
export { deadline, within } from './deadline.js';
