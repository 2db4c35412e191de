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
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Claims the incident's diagnostics for this instance: true for the one claimant (a stale unfinished claim can be
 * taken over).
 */
export async function claimDiagnostics(db: Db, incidentId: string, now: Date, staleBefore: Date): Promise<boolean> {
  const rows = await db
    .insertInto('incident_diagnostics')
    .values({ incident_id: incidentId, claimed_at: now.toISOString(), finished_at: null })
    .onConflict((oc) =>
      oc
        .column('incident_id')
        .doUpdateSet({ claimed_at: now.toISOString() })
        .where('incident_diagnostics.finished_at', 'is', null)
        .where('incident_diagnostics.claimed_at', '<', staleBefore.toISOString()),
    )
    .returning('incident_id')
    .execute();
  return rows.length > 0;
}

export async function finishDiagnostics(db: Db, incidentIds: string[], at: Date): Promise<void> {
  for (const part of chunks(incidentIds, 256))
    await db
      .updateTable('incident_diagnostics')
      .set({ finished_at: at.toISOString() })
      .where('incident_id', 'in', part)
      .execute();
}
