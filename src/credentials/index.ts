// What people and scripts sign in with: API tokens (shown once, stored as digests), browser sessions
// and password changes, and the admin token made at first start.
export { createTokensService, type TokensService } from './tokens.service.js';
export { bootstrapAdmin, ADMIN_HANDLE } from './bootstrap.js';
export { adminUserIds, type Token } from './tokens.repo.js';
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
