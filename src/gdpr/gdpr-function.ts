// The runbook's gdpr-compliance function (POST /functions/v1/gdpr-compliance), exactly as the runbook
// calls it: get_consent_status answers a user's consent per registered purpose (an unknown user gets
// every purpose as `none`, 200); compliance_report what needs doing now (report-document.ts and
// compliance-report.ts say what each report_type holds).
import { z } from 'zod';
import type { RunbookFunction } from '../runbook/index.js';
import { REPORT_TYPES } from './compliance-report.js';
import type { ConsentsService, SubjectStatus } from './consents.service.js';
import type { ReportService } from './report.service.js';

export interface GdprComplianceDeps {
  consents: ConsentsService;
  report: ReportService;
}

const reportParams = z.object({ report_type: z.enum(REPORT_TYPES).default('summary') });

/** A subject id as the ledger, the requests and the function take it: 1–200 characters, no NUL. */
export const subjectIdText = z
  .string()
  .min(1, 'must not be empty')
  .max(200)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

const statusParams = z.object({ user_id: subjectIdText });

/** get_consent_status's answer, also what GET /api/v1/gdpr/subjects/{id}/consent answers. */
export function consentStatusAnswer(s: SubjectStatus) {
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
}

export function gdprCompliance(deps: GdprComplianceDeps): RunbookFunction {
  return {
    compliance_report: {
      summary:
        'What needs doing now: breach clocks (overdue first), late reports, open and overdue data-subject ' +
        'requests, consent coverage per purpose, ledger integrity, incomplete Art. 30 records, health; ' +
        'report_type emergency (the first minutes), summary (default) or full (needs the privacy flag)',
      permission: 'read',
      params: reportParams,
      async run(actor, raw) {
        const { report_type } = raw as z.infer<typeof reportParams>;
        return deps.report.report(actor, report_type);
      },
    },
    get_consent_status: {
      summary:
        "A user's consent per registered purpose: granted, withdrawn, stale (an older policy version) or none " +
        '(needs the privacy role; the read is audited)',
      permission: 'read',
      params: statusParams,
      async run(actor, raw) {
        const { user_id } = raw as z.infer<typeof statusParams>;
        return consentStatusAnswer(await deps.consents.status(actor, user_id));
      },
    },
  };
}
