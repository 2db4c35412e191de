// Storage of the consent ledger: the chained events (inserted, never updated but for erasure's plain-id
// swap), each subject's current decision per purpose, the counters of those decisions, the chain's head
// row, erasures, chain checks, and the pseudonym key.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';
import { insertRows } from '../db/insert-rows.js';
import type { GdprConsentEventsTable, GdprConsentStateTable, GdprLedgerChecksTable } from '../db/schema.js';
import { GENESIS_HASH, type BreakReason, type ChainedRow, type Decision } from './ledger.js';

export interface StoredEvent extends ChainedRow {
  subjectId: string;
  prevHash: string;
  hash: string;
}

export interface CurrentState {
  subjectKey: string;
  purpose: string;
  decision: Decision;
  policyVersion: number;
  at: string;
  seq: number;
  source: string;
}

export interface Head {
  rows: number;
  headHash: string;
  subjects: number;
  newestEventAt: string | null;
}

export interface LedgerCheck {
  id: string;
  checkedAt: Date;
  ok: boolean;
  rows: number;
  verifiedUpTo: number;
  /** The first row that breaks the chain; id null when the row is missing altogether. */
  firstBroken: { seq: number; id: string | null; reason: BreakReason } | null;
  headHash: string | null;
  durationMs: number;
  checkedBy: string;
}

const EVENT_COLUMNS = [
  'seq',
  'id',
  'subject_key',
  'subject_id',
  'purpose',
  'policy_version',
  'decision',
  'at',
  'source',
  'proof',
  'recorded_at',
  'prev_hash',
  'hash',
] as const;

function toEvent(r: GdprConsentEventsTable): StoredEvent {
  return {
    seq: Number(r.seq),
    id: r.id,
    subjectKey: r.subject_key,
    subjectId: r.subject_id,
    purpose: r.purpose,
    policyVersion: Number(r.policy_version),
    decision: r.decision as Decision,
    at: r.at,
    source: r.source,
    proof: r.proof,
    recordedAt: r.recorded_at,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function toState(r: GdprConsentStateTable): CurrentState {
  return {
    subjectKey: r.subject_key,
    purpose: r.purpose,
    decision: r.decision as Decision,
    policyVersion: Number(r.policy_version),
    at: r.at,
    seq: Number(r.seq),
    source: r.source,
  };
}

/**
 * The named secret, created with `make()` by whichever instance asks first: insert-if-absent, then read
 * back, so every instance on one database ends up with the same value.
 */
export async function ensureSecret(db: Db, name: string, make: (raw: Buffer) => string, now: Date): Promise<string> {
  await db
    .insertInto('gdpr_ledger_keys')
    .values({ name, secret: make(randomBytes(32)), created_at: now.toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('gdpr_ledger_keys')
    .select('secret')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.secret;
}

export async function readHead(db: Db): Promise<Head> {
  const row = await db.selectFrom('gdpr_ledger_head').selectAll().where('id', '=', 1).executeTakeFirst();
  return row
    ? {
        rows: Number(row.rows),
        headHash: row.head_hash,
        subjects: Number(row.subjects),
        newestEventAt: row.newest_event_at,
      }
    : { rows: 0, headHash: GENESIS_HASH, subjects: 0, newestEventAt: null };
}

export async function writeHead(db: Db, head: Head): Promise<void> {
  const values = {
    rows: head.rows,
    head_hash: head.headHash,
    subjects: head.subjects,
    newest_event_at: head.newestEventAt,
  };
  await db
    .insertInto('gdpr_ledger_head')
    .values({ id: 1, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

/** The stored events among `ids`. */
export async function eventsByIds(db: Db, ids: readonly string[]): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (const part of chunks(ids, 512)) {
    const rows = await db.selectFrom('gdpr_consent_events').selectAll().where('id', 'in', part).execute();
    for (const r of rows) out.push(toEvent(r));
  }
  return out;
}

export async function insertEvents(db: Db, events: readonly StoredEvent[]): Promise<void> {
  await insertRows(
    db,
    'gdpr_consent_events',
    EVENT_COLUMNS,
    events.map((e) => ({
      seq: e.seq,
      id: e.id,
      subject_key: e.subjectKey,
      subject_id: e.subjectId,
      purpose: e.purpose,
      policy_version: e.policyVersion,
      decision: e.decision,
      at: e.at,
      source: e.source,
      proof: e.proof,
      recorded_at: e.recordedAt,
      prev_hash: e.prevHash,
      hash: e.hash,
    })),
    { max: 256 },
  );
}

/** The current decisions of the subjects `keys`, every purpose. */
export async function statesOf(db: Db, keys: readonly string[]): Promise<CurrentState[]> {
  const out: CurrentState[] = [];
  for (const part of chunks(keys, 512)) {
    const rows = await db.selectFrom('gdpr_consent_state').selectAll().where('subject_key', 'in', part).execute();
    for (const r of rows) out.push(toState(r));
  }
  return out;
}

export async function upsertStates(db: Db, states: readonly CurrentState[]): Promise<void> {
  await insertRows(
    db,
    'gdpr_consent_state',
    ['subject_key', 'purpose', 'decision', 'policy_version', 'at', 'seq', 'source'],
    states.map((s) => ({
      subject_key: s.subjectKey,
      purpose: s.purpose,
      decision: s.decision,
      policy_version: s.policyVersion,
      at: s.at,
      seq: s.seq,
      source: s.source,
    })),
    {
      max: 256,
      onConflictUpdate: { key: ['subject_key', 'purpose'], set: ['decision', 'policy_version', 'at', 'seq', 'source'] },
    },
  );
}

/** Removes a subject's current decisions and returns them (erasure). */
export async function deleteStates(db: Db, subjectKey: string): Promise<CurrentState[]> {
  const rows = await db.selectFrom('gdpr_consent_state').selectAll().where('subject_key', '=', subjectKey).execute();
  if (rows.length > 0) await db.deleteFrom('gdpr_consent_state').where('subject_key', '=', subjectKey).execute();
  return rows.map(toState);
}

/** Adds `delta` to each counter "purpose|version|decision". */
export async function bumpCounts(db: Db, deltas: ReadonlyMap<string, number>): Promise<void> {
  const values = [...deltas]
    .filter(([, d]) => d !== 0)
    .map(([k, d]) => {
      const [purpose, version, decision] = k.split('|') as [string, string, string];
      return { purpose, policy_version: Number(version), decision, count: d };
    });
  if (values.length === 0) return;
  await db
    .insertInto('gdpr_consent_counts')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['purpose', 'policy_version', 'decision'])
        .doUpdateSet({ count: sql<number>`gdpr_consent_counts.count + excluded.count` }),
    )
    .execute();
}

export async function readCounts(
  db: Db,
): Promise<Array<{ purpose: string; policyVersion: number; decision: Decision; count: number }>> {
  const rows = await db.selectFrom('gdpr_consent_counts').selectAll().execute();
  return rows.map((r) => ({
    purpose: r.purpose,
    policyVersion: Number(r.policy_version),
    decision: r.decision as Decision,
    count: Number(r.count),
  }));
}

/** One subject's current decisions, every purpose: one indexed read. */
export async function stateOfSubject(db: Db, subjectKey: string): Promise<CurrentState[]> {
  const rows = await db.selectFrom('gdpr_consent_state').selectAll().where('subject_key', '=', subjectKey).execute();
  return rows.map(toState);
}

/** Events newest first (by seq), optionally of one subject and/or purpose, before seq `before`. */
export async function listEvents(
  db: Db,
  q: { subjectKey?: string | undefined; purpose?: string | undefined; before?: number | undefined; limit: number },
): Promise<StoredEvent[]> {
  let query = db.selectFrom('gdpr_consent_events').selectAll();
  if (q.subjectKey !== undefined) query = query.where('subject_key', '=', q.subjectKey);
  if (q.purpose !== undefined) query = query.where('purpose', '=', q.purpose);
  if (q.before !== undefined) query = query.where('seq', '<', q.before);
  const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
  return rows.map(toEvent);
}

/** Up to `limit` events after seq `after`, in chain order: one page of a verification walk. */
export async function eventsAfter(db: Db, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('gdpr_consent_events')
    .selectAll()
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

/** Replaces the plain subject id of a subject's events by `pseudonym`; returns how many events it had. */
export async function pseudonymize(db: Db, subjectKey: string, pseudonym: string): Promise<number> {
  const result = await db
    .updateTable('gdpr_consent_events')
    .set({ subject_id: pseudonym })
    .where('subject_key', '=', subjectKey)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function recordErasure(
  db: Db,
  e: { subjectKey: string; erasedAt: Date; erasedBy: string; events: number },
): Promise<void> {
  const values = { erased_at: e.erasedAt.toISOString(), erased_by: e.erasedBy, events: e.events };
  await db
    .insertInto('gdpr_erasures')
    .values({ subject_key: e.subjectKey, ...values })
    .onConflict((oc) => oc.column('subject_key').doUpdateSet(values))
    .execute();
}

export async function erasureOf(db: Db, subjectKey: string): Promise<Date | null> {
  const row = await db
    .selectFrom('gdpr_erasures')
    .select('erased_at')
    .where('subject_key', '=', subjectKey)
    .executeTakeFirst();
  return row ? new Date(row.erased_at) : null;
}

export async function insertCheck(db: Db, c: LedgerCheck): Promise<void> {
  await db
    .insertInto('gdpr_ledger_checks')
    .values({
      id: c.id,
      checked_at: c.checkedAt.toISOString(),
      ok: c.ok ? 1 : 0,
      rows: c.rows,
      verified_up_to: c.verifiedUpTo,
      broken_seq: c.firstBroken?.seq ?? null,
      broken_id: c.firstBroken?.id ?? null,
      broken_reason: c.firstBroken?.reason ?? null,
      head_hash: c.headHash,
      duration_ms: c.durationMs,
      checked_by: c.checkedBy,
    })
    .execute();
}

function toCheck(r: GdprLedgerChecksTable): LedgerCheck {
  return {
    id: r.id,
    checkedAt: new Date(r.checked_at),
    ok: Number(r.ok) === 1,
    rows: Number(r.rows),
    verifiedUpTo: Number(r.verified_up_to),
    firstBroken:
      r.broken_seq === null
        ? null
        : { seq: Number(r.broken_seq), id: r.broken_id, reason: (r.broken_reason ?? 'hash mismatch') as BreakReason },
    headHash: r.head_hash,
    durationMs: Number(r.duration_ms),
    checkedBy: r.checked_by,
  };
}

/** The newest chain check, if any ran. */
export async function lastCheck(db: Db): Promise<LedgerCheck | null> {
  const row = await db.selectFrom('gdpr_ledger_checks').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? toCheck(row) : null;
}
