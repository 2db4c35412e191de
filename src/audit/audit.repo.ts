// The append-only audit table. Rows are only ever inserted (the database refuses updates and deletes).
import type { Db } from '../db/database.js';
import { insertRows } from '../db/insert-rows.js';

export interface AuditEntry {
  id: string;
  at: Date;
  actor: { type: string; id: string | null; name: string };
  action: string;
  target: { type: string; id: string | null };
  requestId: string | null;
  details: Record<string, unknown>;
}

/** Writes audit rows in multi-row statements, in the order given. */
export async function insertAudit(db: Db, entries: AuditEntry[]): Promise<void> {
  const rows = entries.map((entry) => ({
    id: entry.id,
    at: entry.at.toISOString(),
    actor_type: entry.actor.type,
    actor_id: entry.actor.id,
    actor_name: entry.actor.name,
    action: entry.action,
    target_type: entry.target.type,
    target_id: entry.target.id,
    request_id: entry.requestId,
    details: JSON.stringify(entry.details),
  }));
  await insertRows(
    db,
    'audit_log',
    ['id', 'at', 'actor_type', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'request_id', 'details'],
    rows,
    { max: 64 },
  );
}

export interface AuditQuery {
  limit: number;
  before?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
}

/** Newest first; `before` is the id of the last row of the previous page (ids sort by time). */
export async function listAudit(db: Db, q: AuditQuery): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.before) query = query.where('id', '<', q.before);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.targetId) query = query.where('target_id', '=', q.targetId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    requestId: r.request_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
