// Who may do what, and the secrets that prove it: actors and roles, token and key digests, sealed
// secrets, password hashing, the session cookie and its CSRF token, the sign-in brake. Nothing here
// reads the database or knows a feature: every feature stands on it.
export {
  authorize,
  authorizePrivacy,
  can,
  SYSTEM_ACTOR,
  TOKEN_ROLES,
  type Actor,
  type Permission,
  type TokenRole,
} from './actor.js';
export { readAdminTokenFile, adminTokenFile } from './admin-token.js';
export { Brake, BRAKE_MAX_FAILURES, BRAKE_WINDOW_MS } from './brake.js';
export { SESSION_COOKIE, sessionCookie, clearedSessionCookie, readCookie } from './cookie.js';
export { PASSWORD_MIN, PASSWORD_MAX, checkPassword, hashPassword, verifyPassword, verifyDummy } from './passwords.js';
export { seal, unseal } from './sealed.js';
export { generateIntegrationKey, generateToken, digest, hintOf, TOKEN_PREFIX } from './secrets.js';
export { csrfTokenOf, csrfMatches, generateSessionSecret, SESSION_PREFIX } from './session-secret.js';
