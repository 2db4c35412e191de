// Purposes of processing (Art. 30 records): create, read, change. Writing needs the privacy role
// (admins, or responders with the privacy flag); reading is open to every role, since a record of
// processing holds no personal data. Raising the policy version records when it took effect and makes
// every earlier grant for the purpose stale (statusOf compares against the purpose's current version).
import { audit } from '../audit/index.js';
import { authorize, authorizePrivacy, type Actor } from '../access/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { missingFields, policyChange, type Art30Field, type LawfulBasis, type Purpose } from './purpose.js';
import { findPurpose, insertPurpose, listPurposes, updatePurpose } from './purposes.repo.js';

export interface PurposeInput {
  key: string;
  name: string;
  lawfulBasis: LawfulBasis;
  policyVersion?: number | undefined;
  dataCategories?: string[] | undefined;
  subjectCategories?: string[] | undefined;
  recipients?: string[] | undefined;
  transfersOutsideEea?: string | null | undefined;
  retentionDays?: number | null | undefined;
  securityMeasures?: string | null | undefined;
}

export type PurposePatch = Partial<Omit<PurposeInput, 'key'>>;

export function createPurposesService({ db, clock }: { db: Db; clock: Clock }) {
  async function load(key: string, q: Db = db): Promise<Purpose> {
    const found = await findPurpose(q, key);
    if (!found) throw notFound('purpose', key);
    return found;
  }

  return {
    async create(actor: Actor, input: PurposeInput): Promise<Purpose> {
      authorizePrivacy(actor);
      const now = clock.now();
      const version = input.policyVersion ?? 1;
      const purpose: Purpose = {
        key: input.key,
        name: input.name,
        lawfulBasis: input.lawfulBasis,
        policyVersion: version,
        policyVersions: [{ version, since: now }],
        dataCategories: input.dataCategories ?? [],
        subjectCategories: input.subjectCategories ?? [],
        recipients: input.recipients ?? [],
        transfersOutsideEea: input.transfersOutsideEea ?? null,
        retentionDays: input.retentionDays ?? null,
        securityMeasures: input.securityMeasures ?? null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await inTransaction(db, async (trx) => {
          await insertPurpose(trx, purpose);
          await audit(trx, clock, actor, {
            action: 'gdpr.purpose.created',
            target: { type: 'gdpr_purpose', id: purpose.key },
            details: { policy_version: version, lawful_basis: purpose.lawfulBasis },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('purpose.already_exists', `purpose ${JSON.stringify(input.key)} exists already`, {
            field: 'key',
            key: input.key,
          });
        throw error;
      }
      return purpose;
    },

    async list(actor: Actor): Promise<Purpose[]> {
      authorize(actor, 'read');
      return listPurposes(db);
    },

    async get(actor: Actor, key: string): Promise<Purpose> {
      authorize(actor, 'read');
      return load(key);
    },

    /** Changes a purpose's fields; a higher policy_version is recorded with its time, a lower one is refused (422). */
    async update(actor: Actor, key: string, patch: PurposePatch): Promise<Purpose> {
      authorizePrivacy(actor);
      return inTransaction(db, async (trx) => {
        const current = await load(key, trx);
        const now = clock.now();
        let raised: { version: number; since: Date } | undefined;
        if (patch.policyVersion !== undefined) {
          const change = policyChange(current.policyVersion, patch.policyVersion);
          if (change.kind === 'refused')
            throw new AppError(
              'purpose.policy_version_lowered',
              `policy_version: ${change.reason}`,
              { field: 'policy_version', current: current.policyVersion, requested: patch.policyVersion },
              'unprocessable',
            );
          if (change.kind === 'raise') raised = { version: patch.policyVersion, since: now };
        }
        const next: Purpose = {
          ...current,
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.lawfulBasis !== undefined && { lawfulBasis: patch.lawfulBasis }),
          ...(raised && { policyVersion: raised.version, policyVersions: [...current.policyVersions, raised] }),
          ...(patch.dataCategories !== undefined && { dataCategories: patch.dataCategories }),
          ...(patch.subjectCategories !== undefined && { subjectCategories: patch.subjectCategories }),
          ...(patch.recipients !== undefined && { recipients: patch.recipients }),
          ...(patch.transfersOutsideEea !== undefined && { transfersOutsideEea: patch.transfersOutsideEea }),
          ...(patch.retentionDays !== undefined && { retentionDays: patch.retentionDays }),
          ...(patch.securityMeasures !== undefined && { securityMeasures: patch.securityMeasures }),
          updatedAt: now,
        };
        await updatePurpose(trx, next, raised);
        await audit(trx, clock, actor, {
          action: 'gdpr.purpose.updated',
          target: { type: 'gdpr_purpose', id: key },
          details: {
            fields: Object.keys(patch),
            ...(raised && { policy_version: { from: current.policyVersion, to: raised.version } }),
          },
        });
        return next;
      });
    },

    /** Purposes whose Art. 30 record has empty fields, for the compliance report (no actor: the report authorizes). */
    async purposesMissingFields(): Promise<Array<{ key: string; name: string; missing: Art30Field[] }>> {
      return (await listPurposes(db))
        .map((p) => ({ key: p.key, name: p.name, missing: missingFields(p) }))
        .filter((p) => p.missing.length > 0);
    },
  };
}

export type PurposesService = ReturnType<typeof createPurposesService>;
