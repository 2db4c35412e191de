// Wire shapes of escalation policies and teams.
import { z } from 'zod';
import { ESCALATE_WHILE, TARGET_TYPES } from '../../escalation/index.js';

export const TargetType = z.enum(TARGET_TYPES);
export const Target = z.object({ type: TargetType, id: z.string() });

export const Level = z.object({
  level: z.number(),
  name: z.string().nullable(),
  delay_seconds: z.number(),
  targets: z.array(Target),
});

export const Policy = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  escalate_while: z.enum(ESCALATE_WHILE),
  repeat: z.number(),
  levels: z.array(Level),
  created_at: z.string(),
  updated_at: z.string(),
});

export const Team = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  default_policy_id: z.string().nullable(),
  members: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
