// Stakeholders: people or channels who receive an incident's communications (not pages), by severity.
import type { Db } from '../db/database.js';
import type { StakeholdersTable } from '../db/schema.js';

export interface Stakeholder {
  id: string;
  name: string;
  kind: string;
  address: string;
  /** ["P0"] makes a "P0 only" contact. */
  severities: string[];
  secret: string | null;
  /** Subjects they hear about besides incidents of their severities: ["gdpr"] is told of personal-data breaches. */
  topics: string[];
  createdAt: Date;
}

const toStakeholder = (r: StakeholdersTable): Stakeholder => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  address: r.address,
  severities: JSON.parse(r.severities) as string[],
  secret: r.secret,
  topics: JSON.parse(r.topics ?? '[]') as string[],
  createdAt: new Date(r.created_at),
});

export async function insertStakeholder(db: Db, s: Stakeholder): Promise<void> {
  await db
    .insertInto('stakeholders')
    .values({
      id: s.id,
      name: s.name,
      kind: s.kind,
      address: s.address,
      severities: JSON.stringify(s.severities),
      secret: s.secret,
      topics: JSON.stringify(s.topics),
      created_at: s.createdAt.toISOString(),
    })
    .execute();
}

export async function listStakeholders(db: Db): Promise<Stakeholder[]> {
  return (await db.selectFrom('stakeholders').selectAll().orderBy('id').execute()).map(toStakeholder);
}

export async function deleteStakeholder(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('stakeholders').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
