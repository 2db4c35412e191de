// Wire shapes of on-call schedules: layers and rotations, shifts, overrides, who is on call now, and
// the iCal feed link.
import { z } from 'zod';

export const RotationKind = z.enum(['hourly', 'daily', 'weekly', 'custom']);

export const Layer = z.object({
  name: z.string(),
  rotation: z.object({
    kind: RotationKind,
    shift_seconds: z.number().nullable(),
    handoff_at: z.string(),
    participants: z.array(z.string()),
  }),
  restrictions: z.array(z.object({ days: z.array(z.number()).optional(), start: z.string(), end: z.string() })),
});

export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  timezone: z.string(),
  layers: z.array(Layer),
  created_at: z.string(),
  updated_at: z.string(),
});

export const Shift = z.object({
  user_id: z.string(),
  start: z.string(),
  end: z.string(),
  source: z.enum(['rotation', 'override', 'fixed']),
  layer: z.string().nullable(),
});

export const ShiftWindow = z
  .object({ from: z.string(), to: z.string(), data: z.array(Shift) })
  .describe('GET /api/v1/schedules/{id}/shifts: the shifts over [from, to).');

export const Override = z.object({
  id: z.string(),
  user_id: z.string().nullable(),
  replaces_user_id: z.string().nullable(),
  start: z.string(),
  end: z.string(),
});

export const OnCallOverview = z
  .object({
    at: z.string(),
    schedules: z.array(z.object({ schedule_id: z.string(), name: z.string(), user_ids: z.array(z.string()) })),
    policies: z.array(
      z.object({
        policy_id: z.string(),
        name: z.string(),
        levels: z.array(
          z.object({
            level: z.number(),
            name: z.string().nullable(),
            delay_seconds: z.number(),
            user_ids: z.array(z.string()),
          }),
        ),
      }),
    ),
  })
  .describe('GET /api/v1/oncall: who is on call for every schedule and every escalation policy level.');

export const CalendarLink = z
  .object({ token: z.string(), my_shifts_url: z.string(), schedule_url_template: z.string() })
  .describe('POST /api/v1/ical/tokens: a new iCal feed token and its URLs (shown once).');

export const CalendarLinksRevoked = z
  .object({ revoked: z.number() })
  .describe('DELETE /api/v1/users/{id}/ical-tokens: how many feed tokens were revoked.');
