// Storage of purposes (Art. 30 records) and the history of their policy versions.
import type { Db } from '../db/database.js';
import type { GdprPurposesTable } from '../db/schema.js';
import type { LawfulBasis, Purpose } from './purpose.js';

const list = (text: string): string[] => JSON.parse(text) as string[];

function toPurpose(r: GdprPurposesTable, versions: Array<{ version: number; since: string }>): Purpose {
  return {
    key: r.key,
    name: r.name,
    lawfulBasis: r.lawful_basis as LawfulBasis,
    policyVersion: Number(r.policy_version),
    policyVersions: versions
      .map((v) => ({ version: Number(v.version), since: new Date(v.since) }))
      .sort((a, b) => a.version - b.version),
    dataCategories: list(r.data_categories),
    subjectCategories: list(r.subject_categories),
    recipients: list(r.recipients),
    transfersOutsideEea: r.transfers_outside_eea,
    retentionDays: r.retention_days === null ? null : Number(r.retention_days),
    securityMeasures: r.security_measures,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toRow(p: Purpose): GdprPurposesTable {
  return {
    key: p.key,
    name: p.name,
    lawful_basis: p.lawfulBasis,
    policy_version: p.policyVersion,
    data_categories: JSON.stringify(p.dataCategories),
    subject_categories: JSON.stringify(p.subjectCategories),
    recipients: JSON.stringify(p.recipients),
    transfers_outside_eea: p.transfersOutsideEea,
    retention_days: p.retentionDays,
    security_measures: p.securityMeasures,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** Every purpose with its versions, by key. */
export async function listPurposes(db: Db): Promise<Purpose[]> {
  const [rows, versions] = await Promise.all([
    db.selectFrom('gdpr_purposes').selectAll().orderBy('key').execute(),
    db.selectFrom('gdpr_purpose_versions').selectAll().execute(),
  ]);
  const byPurpose = new Map<string, Array<{ version: number; since: string }>>();
  for (const v of versions) {
    const at = byPurpose.get(v.purpose) ?? [];
    at.push(v);
    byPurpose.set(v.purpose, at);
  }
  return rows.map((r) => toPurpose(r, byPurpose.get(r.key) ?? []));
}

export async function findPurpose(db: Db, key: string): Promise<Purpose | undefined> {
  const row = await db.selectFrom('gdpr_purposes').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) return undefined;
  const versions = await db.selectFrom('gdpr_purpose_versions').selectAll().where('purpose', '=', key).execute();
  return toPurpose(row, versions);
}

/** Stores a new purpose and its first version. */
export async function insertPurpose(db: Db, p: Purpose): Promise<void> {
  await db.insertInto('gdpr_purposes').values(toRow(p)).execute();
  await db
    .insertInto('gdpr_purpose_versions')
    .values(p.policyVersions.map((v) => ({ purpose: p.key, version: v.version, since: v.since.toISOString() })))
    .execute();
}

/** Writes `p`'s fields; `newVersion` (a raise) is added to its history. */
export async function updatePurpose(
  db: Db,
  p: Purpose,
  newVersion?: { version: number; since: Date } | undefined,
): Promise<void> {
  const { key: _key, created_at: _created, ...fields } = toRow(p);
  await db.updateTable('gdpr_purposes').set(fields).where('key', '=', p.key).execute();
  if (newVersion)
    await db
      .insertInto('gdpr_purpose_versions')
      .values({ purpose: p.key, version: newVersion.version, since: newVersion.since.toISOString() })
      .execute();
}
