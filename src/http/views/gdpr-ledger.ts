// Wire shapes of the GDPR consent ledger: purposes (Art. 30 records), consent
// events, a subject's status, coverage counts and the chain's integrity.
import { z } from 'zod';

export const GdprPurpose = z
  .object({
    key: z.string(),
    name: z.string(),
    lawful_basis: z.string(),
    policy_version: z.number(),
    policy_versions: z.array(z.object({ version: z.number(), since: z.string() })),
    data_categories: z.array(z.string()),
    subject_categories: z.array(z.string()),
    recipients: z.array(z.string()),
    transfers_outside_eea: z.string().nullable(),
    retention_days: z.number().nullable(),
    security_measures: z.string().nullable(),
    missing: z.array(z.string()).describe('Art. 30 fields that are still empty.'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('A purpose of processing (Art. 30 record).');

export const GdprConsentEvent = z.object({
  id: z.string(),
  subject_id: z.string().describe('"erased:<pseudonym>" once the subject was erased.'),
  purpose: z.string(),
  policy_version: z.number(),
  decision: z.enum(['granted', 'withdrawn']),
  at: z.string(),
  source: z.string(),
  proof: z.record(z.string(), z.unknown()),
  seq: z.number(),
  recorded_at: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});

export const GdprConsentStatus = z.object({
  user_id: z.string(),
  purposes: z.array(
    z.object({
      purpose: z.string(),
      status: z.enum(['granted', 'withdrawn', 'stale', 'none']),
      policy_version: z.number().nullable(),
      current_policy_version: z.number(),
      decided_at: z.string().nullable(),
      source: z.string().nullable(),
    }),
  ),
  erased_at: z.string().nullable().describe('When the subject was erased (their statuses read none since).'),
  checked_at: z.string(),
});

export const GdprCoverage = z.object({
  subjects: z.number(),
  purposes: z.array(
    z.object({
      purpose: z.string(),
      name: z.string(),
      policy_version: z.number(),
      granted: z.number(),
      withdrawn: z.number(),
      stale: z.number(),
      none: z.number(),
    }),
  ),
});

export const GdprLedgerCheck = z.object({
  ok: z.boolean(),
  rows: z.number(),
  verified_up_to: z.number(),
  first_broken: z
    .object({
      seq: z.number(),
      id: z.string().nullable(),
      reason: z.enum(['seq gap', 'prev_hash mismatch', 'hash mismatch', 'missing rows']),
    })
    .nullable(),
  head_hash: z.string().nullable(),
  checked_at: z.string(),
  duration_ms: z.number(),
});

export const GdprLedger = z.object({
  rows: z.number(),
  newest_event_at: z.string().nullable(),
  last_check: GdprLedgerCheck.nullable(),
  unverified_rows: z.number(),
});
