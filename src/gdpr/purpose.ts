// Purposes of processing as Art. 30(1) records them: the pure rules. Which lawful bases exist (Art. 6(1)),
// which of the record's fields are still empty, and how a purpose's policy version may move (only up,
// each version remembered with the time it took effect, so a consent given under a version the purpose
// never had is recognisable).

/** Art. 6(1)(a)–(f). */
export const LAWFUL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

/** A purpose key: short, lowercase, stable (it is what consent events name). */
export const PURPOSE_KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface Purpose {
  key: string;
  name: string;
  lawfulBasis: LawfulBasis;
  policyVersion: number;
  policyVersions: Array<{ version: number; since: Date }>;
  dataCategories: string[];
  subjectCategories: string[];
  recipients: string[];
  /** Where to and under which safeguard; null = no transfer outside the EEA. */
  transfersOutsideEea: string | null;
  retentionDays: number | null;
  securityMeasures: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The Art. 30(1) fields a record needs, in the wire's names: (b) purposes and (c) categories of subjects
 * and of data, (d) recipients, (f) time limits for erasure, (g) security measures. (e) transfers is
 * never missing: null states that there are none.
 */
export const ART30_FIELDS = [
  'name',
  'data_categories',
  'subject_categories',
  'recipients',
  'retention_days',
  'security_measures',
] as const;
export type Art30Field = (typeof ART30_FIELDS)[number];

type RecordFields = Pick<
  Purpose,
  'name' | 'dataCategories' | 'subjectCategories' | 'recipients' | 'retentionDays' | 'securityMeasures'
>;

/** The Art. 30 fields of `p` that are still empty, in ART30_FIELDS order. */
export function missingFields(p: RecordFields): Art30Field[] {
  const empty: Record<Art30Field, boolean> = {
    name: p.name.trim() === '',
    data_categories: p.dataCategories.length === 0,
    subject_categories: p.subjectCategories.length === 0,
    recipients: p.recipients.length === 0,
    retention_days: p.retentionDays === null,
    security_measures: p.securityMeasures === null || p.securityMeasures.trim() === '',
  };
  return ART30_FIELDS.filter((f) => empty[f]);
}

/**
 * What a requested policy version does to a purpose at `current`: nothing (the same), a raise (the new
 * version takes effect now and earlier grants become stale), or a refusal with the reason (versions only
 * go up: a lower one would make stale grants valid again).
 */
export function policyChange(
  current: number,
  requested: number,
): { kind: 'same' } | { kind: 'raise' } | { kind: 'refused'; reason: string } {
  if (!Number.isInteger(requested) || requested < 1)
    return { kind: 'refused', reason: 'must be a whole number of at least 1' };
  if (requested === current) return { kind: 'same' };
  if (requested > current) return { kind: 'raise' };
  return {
    kind: 'refused',
    reason: `may only be raised: it is ${current}, and lowering it would make stale consents valid again`,
  };
}

/** True when `version` is one `p` has had (consents under any other version are refused). */
export function hadVersion(p: Pick<Purpose, 'policyVersions'>, version: number): boolean {
  return p.policyVersions.some((v) => v.version === version);
}
