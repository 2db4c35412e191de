// The runbook's gdpr-compliance function (POST /functions/v1/gdpr-compliance). get_consent_status answers
// a user's consent per registered purpose, exactly as the runbook calls it; an unknown user gets every
// purpose as `none` (200). The factory takes its parts as one deps object, so further actions (the
// compliance report) join with their own dependencies.
import { z } from 'zod';
import type { RunbookFunction } from '../runbook/index.js';
import type { ConsentsService } from './consents.service.js';
import type { PurposesService } from './purposes.service.js';

export interface GdprComplianceDeps {
  consents: ConsentsService;
  purposes: PurposesService;
}

const statusParams = z.object({
  user_id: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters'),
});

export function gdprCompliance(deps: GdprComplianceDeps): RunbookFunction {
  return {
    get_consent_status: {
      summary:
        "A user's consent per registered purpose: granted, withdrawn, stale (an older policy version) or none " +
        '(needs the privacy role; the read is audited)',
      permission: 'read',
      params: statusParams,
      async run(actor, raw) {
        const { user_id } = raw as z.infer<typeof statusParams>;
        const s = await deps.consents.status(actor, user_id);
        return {
          user_id: s.subjectId,
          purposes: s.purposes.map((p) => ({
            purpose: p.purpose,
            status: p.status,
            policy_version: p.policyVersion,
            current_policy_version: p.currentPolicyVersion,
            decided_at: p.decidedAt,
            source: p.source,
          })),
          erased_at: s.erasedAt?.toISOString() ?? null,
          checked_at: s.checkedAt.toISOString(),
        };
      },
    },
  };
}
