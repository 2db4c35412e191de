export { authorize, can, SYSTEM_ACTOR, TOKEN_ROLES, type Actor, type Permission, type TokenRole } from './actor.js';
export { createTokensService, type TokensService } from './tokens.service.js';
export { bootstrapAdmin, ADMIN_HANDLE } from './bootstrap.js';
export { readAdminTokenFile, adminTokenFile } from './admin-token.js';
export { generateIntegrationKey, digest } from './secrets.js';
export { adminUserIds, type Token } from './tokens.repo.js';
