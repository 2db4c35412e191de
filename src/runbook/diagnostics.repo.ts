// Which new P0/P1 incidents still need their automatic diagnostics, and the claim that makes one
// instance (of several on PostgreSQL) run them.
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/database.js';

/** P0/P1 incidents opened since `since` with no diagnostics yet, or whose claim went stale unfinished. */
export async function undiagnosedIncidents(db: Db, since: Date, staleBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('incidents')
    .leftJoin('incident_diagnostics as d', 'd.incident_id', 'incidents.id')
    .select('incidents.id')
    .where('incidents.severity', 'in', ['P0', 'P1'])
    .where('incidents.created_at', '>=', since.toISOString())
    .where((eb) =>
      eb.or([
        eb('d.incident_id', 'is', null),
        eb.and([eb('d.finished_at', 'is', null), eb('d.claimed_at', '<', staleBefore.toISOString())]),
      ]),
    )
    .orderBy('incidents.created_at')
    .orderBy('incidents.id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Claims the diagnostics of `incidentIds` for this instance; returns the ids it got (a stale unfinished claim
 * can be taken over). Claimed in ascending id order whatever order they come in: two instances claiming
 * overlapping sets then wait for each other in one order and never deadlock (the lock order in
 * docs/ARCHITECTURE.md). Incidents opened in one batch share a created_at, so the order the candidates were
 * found in differs from instance to instance.
 */
export async function claimDiagnostics(
  db: Db,
  incidentIds: readonly string[],
  now: Date,
  staleBefore: Date,
): Promise<string[]> {
  const claimed: string[] = [];
  for (const id of [...new Set(incidentIds)].sort()) {
    const rows = await db
      .insertInto('incident_diagnostics')
      .values({ incident_id: id, claimed_at: now.toISOString(), finished_at: null })
      .onConflict((oc) =>
        oc
          .column('incident_id')
          .doUpdateSet({ claimed_at: now.toISOString() })
          .where('incident_diagnostics.finished_at', 'is', null)
          .where('incident_diagnostics.claimed_at', '<', staleBefore.toISOString()),
      )
      .returning('incident_id')
      .execute();
    if (rows.length > 0) claimed.push(id);
  }
  return claimed;
}

export async function finishDiagnostics(db: Db, incidentIds: string[], at: Date): Promise<void> {
  for (const part of chunks(incidentIds, 256))
    await db
      .updateTable('incident_diagnostics')
      .set({ finished_at: at.toISOString() })
      .where('incident_id', 'in', part)
      .execute();
}
