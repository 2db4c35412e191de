// Wire shapes of the GDPR module's data-subject requests, compliance report and overview.
import { z } from 'zod';
import { REQUEST_KINDS, REQUEST_STATES } from '../../gdpr/index.js';
import { GdprCoverage, GdprLedger } from './gdpr-ledger.js';

export const GdprRequest = z
  .object({
    id: z.string(),
    subject_id: z.string(),
    kind: z.enum(REQUEST_KINDS),
    article: z.string().describe('The article the request rests on, e.g. "Art. 17".'),
    received_at: z.string(),
    due_at: z
      .string()
      .describe('Art. 12(3): the end of the day one calendar month after receipt (three once extended).'),
    state: z.enum(REQUEST_STATES),
    extended_at: z.string().nullable(),
    extension_reason: z.string().nullable(),
    completed_at: z.string().nullable(),
    refused_at: z.string().nullable(),
    refused_reason: z.string().nullable(),
    note: z.string().nullable(),
    days_left: z.number().nullable().describe('Whole days to the due time (negative when overdue); null once closed.'),
    overdue: z.boolean(),
    created_by: z.object({ type: z.string(), id: z.string().nullable(), name: z.string() }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('A data-subject request (GET/POST/PATCH /api/v1/gdpr/requests).');

export const GdprOverview = z
  .object({
    breaches: z.object({
      open: z.number().describe('Breaches not closed.'),
      overdue: z.number().describe('Still assessing past the 72-hour deadline.'),
      next_deadline_at: z.string().nullable().describe('The nearest deadline still ahead.'),
    }),
    requests: z.object({
      open: z.number(),
      overdue: z.number(),
      next_due_at: z.string().nullable().describe('The nearest due time still ahead.'),
    }),
    coverage: GdprCoverage,
    ledger: GdprLedger,
    purposes: z.object({ total: z.number(), incomplete: z.number().describe('Purposes with empty Art. 30 fields.') }),
  })
  .describe('GET /api/v1/gdpr/overview: counts only, for every role (the GDPR dashboard of a viewer).');
