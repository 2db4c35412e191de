// Wire shape of a post-mortem (GET/POST/PATCH /api/v1/incidents/{id}/postmortem, and its share link).
import { z } from 'zod';
import { POSTMORTEM_STATES, SECTION_KEYS } from '../../postmortems/index.js';
import { FollowUp } from './follow-ups.js';
import { Severity, UserRef } from './incidents.js';

export const PostmortemSection = z.object({
  key: z.enum(SECTION_KEYS),
  title: z.string(),
  text: z.string().describe('Markdown.'),
  version: z.number().describe('Send it back with an edit; an edit from an older version is refused (409).'),
  updated_at: z.string(),
  updated_by: z.string().nullable().describe('Null: as prefilled.'),
});

export const PostmortemTimelineEntry = z.object({
  entry_id: z.string().describe("The incident timeline entry's id."),
  at: z.string(),
  kind: z.string(),
  summary: z.string(),
  actor: z.string(),
  included: z.boolean(),
  annotation: z.string().nullable(),
});

export const Postmortem = z
  .object({
    id: z.string(),
    incident_id: z.string(),
    incident_number: z.string(),
    incident_title: z.string(),
    severity: Severity,
    resolved_at: z.string().nullable(),
    state: z.enum(POSTMORTEM_STATES),
    owner: UserRef.nullable(),
    meeting_at: z.string().nullable(),
    meeting_window: z
      .object({ from: z.string(), to: z.string() })
      .nullable()
      .describe('Where the runbook puts the meeting: 24–72 h after resolution.'),
    attendees: z.array(UserRef),
    published_at: z.string().nullable(),
    shared: z.boolean().describe('A share link is live.'),
    warnings: z.array(z.string()).describe('Accepted but worth a look: a meeting outside the window.'),
    sections: z.array(PostmortemSection),
    timeline: z.array(PostmortemTimelineEntry),
    action_items: z.array(FollowUp).describe("The incident's follow-ups."),
    created_by: z.object({ type: z.string(), id: z.string().nullable(), name: z.string() }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe("An incident's post-mortem.");

export const PostmortemShare = z
  .object({ url: z.string(), token: z.string().describe('Shown once; stored only as its digest.') })
  .describe('A read-only share link (POST /api/v1/incidents/{id}/postmortem/share).');
