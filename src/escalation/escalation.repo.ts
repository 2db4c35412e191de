// Each incident's escalation state (one row, swept by the engine) and the pages it wrote.
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';
import type { EscalationsTable } from '../db/schema.js';
import { claimSkippingLocked, lockForUpdate } from '../db/lease.js';

export interface EscalationState {
  incidentId: string;
  policyId: string;
  /** Levels reached in the current loop: 0 before the first, the policy's length after the last. */
  level: number;
  loop: number;
  /** 0 for the incident's first escalation; a reopening starts run 1, and so on. */
  run: number;
  startedAt: Date;
  nextAt: Date | null;
  stoppedAt: Date | null;
  stopReason: string | null;
}

const toState = (r: EscalationsTable): EscalationState => ({
  incidentId: r.incident_id,
  policyId: r.policy_id,
  level: Number(r.level),
  loop: Number(r.loop),
  run: Number(r.run),
  startedAt: new Date(r.started_at),
  nextAt: r.next_escalation_at ? new Date(r.next_escalation_at) : null,
  stoppedAt: r.stopped_at ? new Date(r.stopped_at) : null,
  stopReason: r.stop_reason,
});

const toRow = (s: EscalationState, at: Date): EscalationsTable => ({
  incident_id: s.incidentId,
  policy_id: s.policyId,
  level: s.level,
  loop: s.loop,
  run: s.run,
  started_at: s.startedAt.toISOString(),
  next_escalation_at: s.nextAt?.toISOString() ?? null,
  stopped_at: s.stoppedAt?.toISOString() ?? null,
  stop_reason: s.stopReason,
  updated_at: at.toISOString(),
});

/** Inserts or replaces escalations (a reopened incident starts over), in multi-row statements. */
export async function putEscalations(db: Db, states: EscalationState[], at: Date): Promise<void> {
  for (const part of chunks(states, 64)) {
    await db
      .insertInto('escalations')
      .values(part.map((s) => toRow(s, at)))
      .onConflict((oc) =>
        oc.column('incident_id').doUpdateSet((eb) => ({
          policy_id: eb.ref('excluded.policy_id'),
          level: eb.ref('excluded.level'),
          loop: eb.ref('excluded.loop'),
          run: eb.ref('excluded.run'),
          started_at: eb.ref('excluded.started_at'),
          next_escalation_at: eb.ref('excluded.next_escalation_at'),
          stopped_at: eb.ref('excluded.stopped_at'),
          stop_reason: eb.ref('excluded.stop_reason'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export const putEscalation = (db: Db, s: EscalationState, at: Date): Promise<void> => putEscalations(db, [s], at);

export async function findEscalation(db: Db, incidentId: string): Promise<EscalationState | undefined> {
  const row = await db.selectFrom('escalations').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  return row && toState(row);
}

/** When the next escalation falls due, if any is running. */
export async function earliestDue(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('escalations')
    .select((eb) => eb.fn.min('next_escalation_at').as('next'))
    .executeTakeFirst();
  return row?.next ? new Date(row.next) : null;
}

/** Due escalations, oldest due first, locked for this transaction (skipping ones another instance holds). */
export async function claimDueEscalations(db: Db, now: Date, limit: number): Promise<EscalationState[]> {
  const query = db
    .selectFrom('escalations')
    .selectAll()
    .where('next_escalation_at', '<=', now.toISOString())
    .orderBy('next_escalation_at')
    .limit(limit);
  return (await claimSkippingLocked(db, query).execute()).map(toState);
}

/** This incident's escalation, locked for this transaction (waiting for another holder). */
export async function lockEscalation(db: Db, incidentId: string): Promise<EscalationState | undefined> {
  const row = await lockForUpdate(
    db,
    db.selectFrom('escalations').selectAll().where('incident_id', '=', incidentId),
  ).executeTakeFirst();
  return row && toState(row);
}

export interface Page {
  id: string;
  incidentId: string;
  /** The escalation run it belongs to (0, then one more per reopening). */
  run: number;
  /** 1-based policy level; 0 for an alert to admins when a policy ran out with nobody reached. */
  level: number;
  loop: number;
  userId: string;
  at: Date;
  reason: string;
}

/**
 * Writes pages and returns the ones written: one that already exists (same incident, run, loop, level and person) is
 * skipped.
 */
export async function insertPages(db: Db, pages: Page[]): Promise<Page[]> {
  if (pages.length === 0) return [];
  const written = await db
    .insertInto('pages')
    .values(
      pages.map((p) => ({
        id: p.id,
        incident_id: p.incidentId,
        run: p.run,
        level: p.level,
        loop: p.loop,
        user_id: p.userId,
        at: p.at.toISOString(),
        reason: p.reason,
      })),
    )
    .onConflict((oc) => oc.columns(['incident_id', 'run', 'loop', 'level', 'user_id']).doNothing())
    .returning('id')
    .execute();
  const ids = new Set(written.map((r) => r.id));
  return pages.filter((p) => ids.has(p.id));
}

/** Newest first. */
export async function listPages(db: Db, incidentId: string): Promise<Page[]> {
  const rows = await db
    .selectFrom('pages')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    incidentId: r.incident_id,
    run: Number(r.run),
    level: Number(r.level),
    loop: Number(r.loop),
    userId: r.user_id,
    at: new Date(r.at),
    reason: r.reason,
  }));
}

/** People paged at a policy level (admins' alerts not counted) in this run of the incident's escalation. */
export async function countPages(db: Db, incidentId: string, run: number): Promise<number> {
  const row = await db
    .selectFrom('pages')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('incident_id', '=', incidentId)
    .where('run', '=', run)
    .where('level', '>', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Escalations due at `now` or before, and the oldest due time among them. */
export async function overdueEscalations(db: Db, now: Date): Promise<{ count: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('escalations')
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.min('next_escalation_at').as('oldest')])
    .where('next_escalation_at', '<=', now.toISOString())
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}
