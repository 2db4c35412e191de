// Stored (admin-edited) notification templates. A key without a row means the seed runbook's text.
import type { Db } from '../db/database.js';
import type { TemplatesTable } from '../db/schema.js';

export interface StoredTemplate {
  key: string;
  subject: string;
  text: string;
  updatedAt: Date;
  /** The admin's handle. */
  updatedBy: string;
}

const toStored = (r: TemplatesTable): StoredTemplate => ({
  key: r.key,
  subject: r.subject,
  text: r.text,
  updatedAt: new Date(r.updated_at),
  updatedBy: r.updated_by,
});

export async function findTemplate(db: Db, key: string): Promise<StoredTemplate | undefined> {
  const row = await db.selectFrom('templates').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toStored(row);
}

export async function listTemplates(db: Db): Promise<StoredTemplate[]> {
  return (await db.selectFrom('templates').selectAll().orderBy('key').execute()).map(toStored);
}

/** Inserts or replaces the template under its key. */
export async function saveTemplate(db: Db, t: StoredTemplate): Promise<void> {
  const row = { subject: t.subject, text: t.text, updated_at: t.updatedAt.toISOString(), updated_by: t.updatedBy };
  await db
    .insertInto('templates')
    .values({ key: t.key, ...row })
    .onConflict((oc) => oc.column('key').doUpdateSet(row))
    .execute();
}

export async function deleteTemplate(db: Db, key: string): Promise<boolean> {
  const result = await db.deleteFrom('templates').where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
