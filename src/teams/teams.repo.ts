// Teams: named groups of people, optionally with a default escalation policy for their services.
import type { Db } from '../db/database.js';
import type { TeamsTable } from '../db/schema.js';

export interface Team {
  id: string;
  name: string;
  description: string | null;
  defaultPolicyId: string | null;
  /** Member user ids, oldest membership first. */
  members: string[];
  createdAt: Date;
  updatedAt: Date;
}

async function withMembers(db: Db, rows: TeamsTable[]): Promise<Team[]> {
  if (rows.length === 0) return [];
  const members = await db
    .selectFrom('team_members')
    .select(['team_id', 'user_id'])
    .where(
      'team_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('added_at')
    .orderBy('user_id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    defaultPolicyId: r.default_policy_id,
    members: members.filter((m) => m.team_id === r.id).map((m) => m.user_id),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  }));
}

export async function insertTeam(db: Db, t: Team): Promise<void> {
  await db
    .insertInto('teams')
    .values({
      id: t.id,
      name: t.name,
      description: t.description,
      default_policy_id: t.defaultPolicyId,
      created_at: t.createdAt.toISOString(),
      updated_at: t.updatedAt.toISOString(),
    })
    .execute();
}

export async function saveTeam(db: Db, t: Team): Promise<void> {
  await db
    .updateTable('teams')
    .set({
      name: t.name,
      description: t.description,
      default_policy_id: t.defaultPolicyId,
      updated_at: t.updatedAt.toISOString(),
    })
    .where('id', '=', t.id)
    .execute();
}

/** By id or exact name. */
export async function findTeam(db: Db, ref: string): Promise<Team | undefined> {
  const rows = await db
    .selectFrom('teams')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .execute();
  return (await withMembers(db, rows))[0];
}

export async function listTeams(db: Db, q: { limit: number; after?: string | undefined }): Promise<Team[]> {
  let query = db.selectFrom('teams').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.after) query = query.where('id', '<', q.after);
  return withMembers(db, await query.execute());
}

export async function deleteTeam(db: Db, id: string): Promise<void> {
  await db.deleteFrom('team_members').where('team_id', '=', id).execute();
  await db.deleteFrom('teams').where('id', '=', id).execute();
}

export async function addMember(db: Db, teamId: string, userId: string, at: Date): Promise<void> {
  await db
    .insertInto('team_members')
    .values({ team_id: teamId, user_id: userId, added_at: at.toISOString() })
    .execute();
}

export async function removeMember(db: Db, teamId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('team_members')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
