// Data-subject requests: one row each, changed in place as they move (their history is the audit log).
import type { Db } from '../db/database.js';
import type { GdprRequestsTable } from '../db/schema.js';
import type { DataSubjectRequest, RequestKind, RequestState } from './request.js';

export interface StoredRequest extends DataSubjectRequest {
  createdBy: { type: string; id: string | null; name: string };
}

const date = (s: string | null): Date | null => (s ? new Date(s) : null);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toRequest(r: GdprRequestsTable): StoredRequest {
  return {
    id: r.id,
    subjectId: r.subject_id,
    kind: r.kind as RequestKind,
    receivedAt: new Date(r.received_at),
    dueAt: new Date(r.due_at),
    state: r.state as RequestState,
    extendedAt: date(r.extended_at),
    extensionReason: r.extension_reason,
    completedAt: date(r.completed_at),
    refusedAt: date(r.refused_at),
    refusedReason: r.refused_reason,
    note: r.note,
    createdBy: JSON.parse(r.created_by) as StoredRequest['createdBy'],
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toRow(r: StoredRequest): GdprRequestsTable {
  return {
    id: r.id,
    subject_id: r.subjectId,
    kind: r.kind,
    received_at: r.receivedAt.toISOString(),
    due_at: r.dueAt.toISOString(),
    state: r.state,
    extended_at: iso(r.extendedAt),
    extension_reason: r.extensionReason,
    completed_at: iso(r.completedAt),
    refused_at: iso(r.refusedAt),
    refused_reason: r.refusedReason,
    note: r.note,
    created_by: JSON.stringify(r.createdBy),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export async function insertRequest(db: Db, r: StoredRequest): Promise<void> {
  await db.insertInto('gdpr_requests').values(toRow(r)).execute();
}

export async function findRequest(db: Db, id: string): Promise<StoredRequest | undefined> {
  const row = await db.selectFrom('gdpr_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRequest(row);
}

/**
 * Writes a changed request, only if it is still in the state it was read in (`from`): two people
 * closing one request at once cannot both succeed. False when it had moved meanwhile.
 */
export async function updateRequest(db: Db, r: StoredRequest, from: RequestState): Promise<boolean> {
  const { id: _id, created_at: _c, created_by: _b, ...row } = toRow(r);
  const result = await db
    .updateTable('gdpr_requests')
    .set(row)
    .where('id', '=', r.id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface RequestQuery {
  limit: number;
  before?: string | undefined;
  subjectId?: string | undefined;
  kind?: RequestKind | undefined;
  states?: readonly RequestState[] | undefined;
  /** Only unclosed requests due before this instant (overdue at `now`). */
  dueBefore?: Date | undefined;
}

/** Requests newest first (ids sort by creation time). */
export async function listRequests(db: Db, q: RequestQuery): Promise<StoredRequest[]> {
  if (q.states?.length === 0) return [];
  let query = db.selectFrom('gdpr_requests').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.before) query = query.where('id', '<', q.before);
  if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.states) query = query.where('state', 'in', [...q.states]);
  if (q.dueBefore) query = query.where('due_at', '<', q.dueBefore.toISOString());
  return (await query.execute()).map(toRequest);
}

/** Unclosed requests, soonest due first (report, overview); with `dueFrom`, only those due then or later. */
export async function openRequests(db: Db, limit: number, dueFrom?: Date): Promise<StoredRequest[]> {
  let query = db
    .selectFrom('gdpr_requests')
    .selectAll()
    .where('state', 'in', ['open', 'extended'])
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit);
  if (dueFrom) query = query.where('due_at', '>=', dueFrom.toISOString());
  return (await query.execute()).map(toRequest);
}

/** How many requests are unclosed, and how many of those are past due at `now`. */
export async function countOpenRequests(db: Db, now: Date): Promise<{ open: number; overdue: number }> {
  const row = await db
    .selectFrom('gdpr_requests')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('open'),
      eb.fn
        .sum<number | string | null>(eb.case().when('due_at', '<', now.toISOString()).then(1).else(0).end())
        .as('overdue'),
    ])
    .where('state', 'in', ['open', 'extended'])
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), overdue: Number(row.overdue ?? 0) };
}
