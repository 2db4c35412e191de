// The function log's rows: appended by every call, read newest first.
import type { Db } from '../db/database.js';
import type { FunctionLogTable } from '../db/schema.js';

export interface FunctionCall {
  id: string;
  at: Date;
  function: string;
  action: string | null;
  actor: { type: string; id: string | null; name: string };
  requestId: string | null;
  durationMs: number;
  outcome: 'ok' | 'error';
  error: string | null;
}

const toCall = (r: FunctionLogTable): FunctionCall => ({
  id: r.id,
  at: new Date(r.at),
  function: r.function,
  action: r.action,
  actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
  requestId: r.request_id,
  durationMs: Number(r.duration_ms),
  outcome: r.outcome as FunctionCall['outcome'],
  error: r.error,
});

export async function insertCall(db: Db, c: FunctionCall): Promise<void> {
  await db
    .insertInto('function_log')
    .values({
      id: c.id,
      at: c.at.toISOString(),
      function: c.function,
      action: c.action,
      actor_type: c.actor.type,
      actor_id: c.actor.id,
      actor_name: c.actor.name,
      request_id: c.requestId,
      duration_ms: c.durationMs,
      outcome: c.outcome,
      error: c.error,
    })
    .execute();
}

export interface CallQuery {
  limit: number;
  function?: string | undefined;
  since?: Date | undefined;
  /** The id of the last call of the previous page. */
  before?: string | undefined;
}

/** Newest first. */
export async function listCalls(db: Db, q: CallQuery): Promise<FunctionCall[]> {
  let query = db.selectFrom('function_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.function) query = query.where('function', '=', q.function);
  if (q.since) query = query.where('at', '>=', q.since.toISOString());
  if (q.before) query = query.where('id', '<', q.before);
  return (await query.execute()).map(toCall);
}
