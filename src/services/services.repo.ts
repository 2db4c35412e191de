// Services: the things that break. Each has an integration key, stored only as a digest.
import type { Db } from '../db/database.js';
import type { ServicesTable } from '../db/schema.js';

export interface Service {
  id: string;
  name: string;
  description: string | null;
  keyHint: string;
  createdAt: Date;
  updatedAt: Date;
  /** Classification rules tried before the defaults (validated where they are set). */
  rules: unknown[] | null;
  /** Alerts of this service within this many seconds join its open incident; null = one incident per alert. */
  groupingWindowSeconds: number | null;
  /** Events per minute accepted per integration key on one instance; null = no limit. */
  rateLimitPerMinute: number | null;
  /**
   * Grafana webhook signature check: the shared HMAC secret (null = no check). Stored as given, since
   * verifying needs it; encryption at rest with a key from the config is future work. Never shown.
   */
  grafanaSecret: string | null;
  /** The header carrying the signature; null = Grafana's default (GRAFANA_SIGNATURE_HEADER). */
  grafanaSignatureHeader: string | null;
  /** The header carrying the Unix timestamp that is signed with the body; null = no timestamp. */
  grafanaTimestampHeader: string | null;
  /** The escalation policy its incidents climb; null = the seed's chain. */
  escalationPolicyId: string | null;
  /** A severity's own policy instead (e.g. P0 → an executive policy). */
  severityPolicies: Partial<Record<string, string>>;
}

/** Grafana's default signature header. */
export const GRAFANA_SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';

function toService(r: ServicesTable): Service {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    keyHint: r.key_hint,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    rules: r.rules ? (JSON.parse(r.rules) as unknown[]) : null,
    groupingWindowSeconds: r.grouping_window_s,
    rateLimitPerMinute: r.rate_limit_per_min,
    grafanaSecret: r.grafana_secret,
    grafanaSignatureHeader: r.grafana_signature_header,
    grafanaTimestampHeader: r.grafana_timestamp_header,
    escalationPolicyId: r.escalation_policy_id,
    severityPolicies: r.severity_policies ? (JSON.parse(r.severity_policies) as Record<string, string>) : {},
  };
}

export interface IngestSettingsPatch {
  rules?: unknown[] | null | undefined;
  groupingWindowSeconds?: number | null | undefined;
  rateLimitPerMinute?: number | null | undefined;
  /** null removes the secret (and so the signature check). */
  grafanaSecret?: string | null | undefined;
  grafanaSignatureHeader?: string | null | undefined;
  grafanaTimestampHeader?: string | null | undefined;
  escalationPolicyId?: string | null | undefined;
  severityPolicies?: Partial<Record<string, string>> | undefined;
}

export async function insertService(db: Db, s: Service & { keyDigest: string }): Promise<void> {
  await db
    .insertInto('services')
    .values({
      id: s.id,
      name: s.name,
      description: s.description,
      key_digest: s.keyDigest,
      key_hint: s.keyHint,
      created_at: s.createdAt.toISOString(),
      updated_at: s.updatedAt.toISOString(),
      rules: s.rules === null ? null : JSON.stringify(s.rules),
      grouping_window_s: s.groupingWindowSeconds,
      rate_limit_per_min: s.rateLimitPerMinute,
      grafana_secret: s.grafanaSecret,
      grafana_signature_header: s.grafanaSignatureHeader,
      grafana_timestamp_header: s.grafanaTimestampHeader,
      escalation_policy_id: s.escalationPolicyId,
      severity_policies: Object.keys(s.severityPolicies).length ? JSON.stringify(s.severityPolicies) : null,
    })
    .execute();
}

/** By id or by exact name. */
export async function findService(db: Db, ref: string): Promise<Service | undefined> {
  const row = await db
    .selectFrom('services')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .executeTakeFirst();
  return row && toService(row);
}

/** The service an integration key belongs to (the ingestion path). */
export async function findServiceByKeyDigest(db: Db, keyDigest: string): Promise<Service | undefined> {
  const row = await db.selectFrom('services').selectAll().where('key_digest', '=', keyDigest).executeTakeFirst();
  return row && toService(row);
}

export async function listServices(db: Db, q: { limit: number; after?: string | undefined }): Promise<Service[]> {
  let query = db.selectFrom('services').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.after) query = query.where('id', '<', q.after);
  return (await query.execute()).map(toService);
}

export async function updateService(
  db: Db,
  id: string,
  patch: IngestSettingsPatch & {
    name?: string | undefined;
    description?: string | null | undefined;
    keyDigest?: string;
    keyHint?: string;
  },
  at: Date,
): Promise<void> {
  await db
    .updateTable('services')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.keyDigest !== undefined && { key_digest: patch.keyDigest }),
      ...(patch.keyHint !== undefined && { key_hint: patch.keyHint }),
      ...(patch.rules !== undefined && { rules: patch.rules === null ? null : JSON.stringify(patch.rules) }),
      ...(patch.groupingWindowSeconds !== undefined && { grouping_window_s: patch.groupingWindowSeconds }),
      ...(patch.rateLimitPerMinute !== undefined && { rate_limit_per_min: patch.rateLimitPerMinute }),
      ...(patch.grafanaSecret !== undefined && { grafana_secret: patch.grafanaSecret }),
      ...(patch.grafanaSignatureHeader !== undefined && { grafana_signature_header: patch.grafanaSignatureHeader }),
      ...(patch.grafanaTimestampHeader !== undefined && { grafana_timestamp_header: patch.grafanaTimestampHeader }),
      ...(patch.escalationPolicyId !== undefined && { escalation_policy_id: patch.escalationPolicyId }),
      ...(patch.severityPolicies !== undefined && {
        severity_policies: Object.keys(patch.severityPolicies).length ? JSON.stringify(patch.severityPolicies) : null,
      }),
      updated_at: at.toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteService(db: Db, id: string): Promise<void> {
  await db.deleteFrom('services').where('id', '=', id).execute();
}

export async function countOpenIncidents(db: Db, serviceId: string): Promise<number> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('service_id', '=', serviceId)
    .where('status', '!=', 'resolved')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
