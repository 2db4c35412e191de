// Resolving an incident now resolves its open alerts in the same transaction (issue 19). Alerts that
// earlier versions left triggered or acknowledged under an incident already resolved are resolved here,
// at the time their incident was, so the API shows them as they would be had the rule always held.
// Their alerts get no "resolve" event and the incidents no timeline entry: the incident's own
// "resolved" entry is the record of that moment. Nothing to undo: `down` leaves them resolved.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update alerts
    set status = 'resolved',
        open_key = null,
        resolved_at = (select i.resolved_at from incidents i where i.id = alerts.incident_id)
    where status <> 'resolved'
      and incident_id in (select id from incidents where status = 'resolved')`.execute(db);
}

export async function down(): Promise<void> {}
