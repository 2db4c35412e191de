// Wire shapes of runbooks and of an incident's checklist.
import { z } from 'zod';
import { RUNBOOK_PHASES } from '../../checklists/index.js';
import { SEVERITIES } from '../../incident.js';

const StepCall = z
  .object({ function: z.string(), action: z.string() })
  .describe('A seed function to run: POST /functions/v1/{function} with {"action": action}.');

export const RunbookStep = z.object({
  phase: z.enum(RUNBOOK_PHASES),
  text: z.string(),
  link: z.string().nullable(),
  call: StepCall.nullable(),
  auto_complete_on: z.string().nullable().describe('The event that completes the step by itself, if any.'),
  action: z
    .string()
    .nullable()
    .describe('The mitigation action (by name) the step runs from the incident page; its success completes it.'),
});

export const RunbookEvent = z
  .object({
    event: z.string(),
    description: z.string().describe('When it happens, as a sentence: "the incident is acknowledged".'),
  })
  .describe("An event a runbook step may complete itself on (GET /api/v1/runbooks/events): a step's auto_complete_on.");

export const Runbook = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    default: z.boolean().describe('Applies to every incident no other runbook is assigned to.'),
    applies_to: z.object({ service_ids: z.array(z.string()), severities: z.array(z.enum(SEVERITIES)) }),
    steps: z.array(RunbookStep),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('A runbook (GET/POST /api/v1/runbooks, GET/PATCH /api/v1/runbooks/{id}).');

export const ChecklistStep = RunbookStep.extend({
  id: z.string(),
  position: z.number(),
  done: z.boolean(),
  done_at: z.string().nullable(),
  ticked_by: z
    .object({ type: z.string(), id: z.string().nullable(), name: z.string() })
    .nullable()
    .describe('Who ticked it by hand; null when open or when it completed itself.'),
  completed_on: z.string().nullable().describe('The event that completed it by itself, while it stays done.'),
  auto_completed_at: z.string().nullable().describe('When its event completed it (kept after an untick).'),
});

export const Checklist = z
  .object({
    incident_id: z.string(),
    incident_number: z.string(),
    runbook: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .describe('The runbook it was copied from when the incident opened; null when none applied.'),
    fixed_at: z.string().nullable(),
    done: z.number(),
    total: z.number(),
    steps: z.array(ChecklistStep),
  })
  .describe("GET /api/v1/incidents/{id}/checklist: the incident's steps, who ticked them, which completed themselves.");
