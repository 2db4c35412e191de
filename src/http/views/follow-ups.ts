// Wire shape of a follow-up (an action item after an incident).
import { z } from 'zod';
import { FOLLOW_UP_KINDS, FOLLOW_UP_PRIORITIES, FOLLOW_UP_STATUSES } from '../../follow-ups/index.js';

export const FollowUp = z
  .object({
    id: z.string(),
    incident_id: z.string(),
    incident_number: z.string(),
    postmortem_id: z
      .string()
      .nullable()
      .describe(
        "The post-mortem it belongs to: set when the incident's post-mortem is created (not checked on input).",
      ),
    title: z.string(),
    kind: z.enum(FOLLOW_UP_KINDS),
    owner_id: z.string(),
    owner: z.string().describe("The owner's handle."),
    due_at: z.string(),
    priority: z.enum(FOLLOW_UP_PRIORITIES),
    status: z.enum(FOLLOW_UP_STATUSES),
    reason: z.string().nullable().describe('Why it is not being done (required for not_doing).'),
    external_url: z.string().nullable().describe('The issue tracker link.'),
    overdue: z.boolean().describe('Outstanding and past due_at.'),
    completed_at: z.string().nullable(),
    created_by: z.object({ type: z.string(), id: z.string().nullable(), name: z.string() }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('A follow-up (GET/POST/PATCH /api/v1/follow-ups).');
