// Wire shapes of the GDPR breach register: a breach with its clock, its
// reports to the authority and the Art. 34 decision; its own history; the module's settings.
import { z } from 'zod';
import { BREACH_STATES, EXEMPTIONS, REPORT_KINDS, RISKS } from '../../gdpr/index.js';

export const AuthorityReport = z.object({
  id: z.string(),
  kind: z.enum(REPORT_KINDS),
  authority: z.string(),
  reference: z.string().nullable(),
  reported_at: z.string(),
  delay_reason: z.string().nullable(),
  note: z.string().nullable(),
  recorded_by: z.string(),
});

export const SubjectsDecision = z.object({
  decision: z.enum(['communicated', 'exempt']),
  communicated_at: z.string().nullable(),
  channel: z.string().nullable(),
  exemption: z.enum(EXEMPTIONS).nullable(),
  reason: z.string().nullable(),
  decided_by: z.string(),
  decided_at: z.string(),
});

export const Breach = z
  .object({
    id: z.string(),
    number: z.string(),
    incident: z.object({ id: z.string(), number: z.string(), title: z.string() }).nullable(),
    title: z.string(),
    aware_at: z.string(),
    deadline_at: z.string(),
    hours_left: z.number().describe('Hours to the 72-hour deadline; negative once it has passed.'),
    overdue: z.boolean().describe('Still assessing (nothing reported or decided) after the deadline.'),
    state: z.enum(BREACH_STATES),
    nature: z.string().nullable(),
    data_categories: z.array(z.string()),
    subjects_approx: z.number().nullable(),
    records_approx: z.number().nullable(),
    likely_consequences: z.string().nullable(),
    measures_taken: z.string().nullable(),
    risk: z.enum(RISKS),
    not_notifiable_reason: z.string().nullable(),
    reported_late: z.boolean(),
    authority_reports: z.array(AuthorityReport),
    subjects_decision: SubjectsDecision.nullable(),
    subjects_decision_needed: z.boolean(),
    source: z.string(),
    opened_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    closed_at: z.string().nullable(),
  })
  .describe('A personal data breach (Art. 33/34 GDPR) with its 72-hour clock.');

export const BreachEvent = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string() }),
  data: z.record(z.string(), z.unknown()),
});

export const GdprSettings = z.object({
  controller_name: z.string().nullable(),
  dpo_name: z.string().nullable(),
  dpo_email: z.string().nullable(),
  dpo_phone: z.string().nullable(),
  authority_name: z.string().nullable(),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
});
