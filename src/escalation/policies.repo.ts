// Escalation policies. Levels are stored as one JSON document: they are always read and written whole.
import type { Db } from '../db/database.js';
import type { EscalationPoliciesTable } from '../db/schema.js';
import type { EscalateWhile, Level, Policy, TargetType } from './policy.js';

interface StoredLevel {
  name: string | null;
  delay_seconds: number;
  targets: Array<{ type: TargetType; id: string }>;
}

function toPolicy(r: EscalationPoliciesTable): Policy {
  const levels = JSON.parse(r.levels) as StoredLevel[];
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    escalateWhile: r.escalate_while as EscalateWhile,
    repeat: Number(r.repeat),
    levels: levels.map((l) => ({ name: l.name, delaySeconds: l.delay_seconds, targets: l.targets })),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

const storedLevels = (levels: Level[]): string =>
  JSON.stringify(levels.map((l): StoredLevel => ({ name: l.name, delay_seconds: l.delaySeconds, targets: l.targets })));

export async function insertPolicy(db: Db, p: Policy): Promise<void> {
  await db
    .insertInto('escalation_policies')
    .values({
      id: p.id,
      name: p.name,
      description: p.description,
      escalate_while: p.escalateWhile,
      repeat: p.repeat,
      levels: storedLevels(p.levels),
      created_at: p.createdAt.toISOString(),
      updated_at: p.updatedAt.toISOString(),
    })
    .execute();
}

export async function savePolicy(db: Db, p: Policy): Promise<void> {
  await db
    .updateTable('escalation_policies')
    .set({
      name: p.name,
      description: p.description,
      escalate_while: p.escalateWhile,
      repeat: p.repeat,
      levels: storedLevels(p.levels),
      updated_at: p.updatedAt.toISOString(),
    })
    .where('id', '=', p.id)
    .execute();
}

/** By id or exact name. */
export async function findPolicy(db: Db, ref: string): Promise<Policy | undefined> {
  const row = await db
    .selectFrom('escalation_policies')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .executeTakeFirst();
  return row && toPolicy(row);
}

export async function listPolicies(db: Db, q: { limit: number; after?: string | undefined }): Promise<Policy[]> {
  let query = db.selectFrom('escalation_policies').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.after) query = query.where('id', '<', q.after);
  return (await query.execute()).map(toPolicy);
}

/** What still points at a policy (services, teams, escalations), so it is not deleted from under them. */
export async function policyUsers(
  db: Db,
  id: string,
): Promise<{ services: number; teams: number; escalations: number }> {
  const n = (row: { n: string | number }) => Number(row.n);
  const services = await db
    .selectFrom('services')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('escalation_policy_id', '=', id)
    .executeTakeFirstOrThrow();
  const teams = await db
    .selectFrom('teams')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('default_policy_id', '=', id)
    .executeTakeFirstOrThrow();
  const escalations = await db
    .selectFrom('escalations')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('policy_id', '=', id)
    .executeTakeFirstOrThrow();
  return { services: n(services), teams: n(teams), escalations: n(escalations) };
}

export async function deletePolicy(db: Db, id: string): Promise<void> {
  await db.deleteFrom('escalation_policies').where('id', '=', id).execute();
}
