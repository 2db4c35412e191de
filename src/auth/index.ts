export { authorize, can, SYSTEM_ACTOR, TOKEN_ROLES, type Actor, type Permission, type TokenRole } from './actor.js';
export { createTokensService, type TokensService } from './tokens.service.js';
export { bootstrapAdmin, ADMIN_HANDLE } from './bootstrap.js';
export { readAdminTokenFile, adminTokenFile } from './admin-token.js';
export { generateIntegrationKey, digest } from './secrets.js';
export { adminUserIds, type Token } from './tokens.repo.js';
export { seal, unseal } from './sealed.js';
export { createVerifyService, type Verdict, type VerifyService } from './verify.service.js';
export { fetchJwks, importJwks, type FetchJwksOptions } from './jwks.js';
export { JWT_REASONS, decodeJwt, isJwtFailure, verifyWithPublicKey, type JwtReason } from './jwt.js';
export {
  createSessionsService,
  idleEnd,
  SESSION_IDLE_MS,
  SESSION_MAX_MS,
  type SessionsService,
  type SignedIn,
  type Credentials,
} from './sessions.service.js';
export { type Session } from './sessions.repo.js';
export { SESSION_COOKIE, sessionCookie, clearedSessionCookie, readCookie } from './cookie.js';
export { csrfTokenOf, csrfMatches } from './session-secret.js';
export { PASSWORD_MIN, PASSWORD_MAX } from './passwords.js';
