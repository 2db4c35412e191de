export { audit, auditMany, createAuditService, readAudit, type AuditRecord, type AuditPage } from './audit.service.js';
export type { AuditEntry } from './audit.repo.js';
