// Records every mutation (actor, action, target, time, request id) in the same transaction as the change.
import { authorize, type Actor } from '../access/index.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { newId } from '../ids.js';
import { insertAudit, listAudit, type AuditEntry } from './audit.repo.js';

export interface AuditRecord {
  action: string;
  target: { type: string; id: string | null };
  details?: Record<string, unknown>;
}

/** Writes one audit row; call it with the transaction that makes the change. */
export async function audit(db: Db, clock: Clock, actor: Actor, record: AuditRecord): Promise<void> {
  await auditMany(db, clock, [{ actor, record }]);
}

/** Writes several audit rows at once (a sweep's worth of changes), in order. */
export async function auditMany(
  db: Db,
  clock: Clock,
  entries: Array<{ actor: Actor; record: AuditRecord }>,
): Promise<void> {
  if (entries.length === 0) return;
  const at = clock.now();
  await insertAudit(
    db,
    entries.map(({ actor, record }) => ({
      id: newId('aud', at),
      at,
      actor: { type: actor.type, id: actor.id, name: actor.name },
      action: record.action,
      target: record.target,
      requestId: actor.requestId ?? null,
      details: record.details ?? {},
    })),
  );
}

export interface AuditPage {
  data: AuditEntry[];
  nextCursor: string | null;
}

/** Admins read the audit log newest first, a page at a time. */
export async function readAudit(
  db: Db,
  actor: Actor,
  q: { limit: number; cursor?: string | undefined; action?: string | undefined; targetId?: string | undefined },
): Promise<AuditPage> {
  authorize(actor, 'audit.read');
  const rows = await listAudit(db, { limit: q.limit + 1, before: q.cursor, action: q.action, targetId: q.targetId });
  const more = rows.length > q.limit;
  const data = rows.slice(0, q.limit);
  return { data, nextCursor: more ? (data.at(-1)?.id ?? null) : null };
}

/** The audit log's read side, bound to a database like the other feature services. */
export function createAuditService({ db }: { db: Db }) {
  return {
    read: (actor: Actor, q: Parameters<typeof readAudit>[2]) => readAudit(db, actor, q),
  };
}
