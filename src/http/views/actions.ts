// Wire shapes of mitigation actions: definitions, invocations, their output, runners (docs/actions.md).
import { z } from 'zod';
import {
  ACTION_CATEGORIES,
  APPROVAL_POLICIES,
  INVOCATION_STATES,
  OUTPUT_STREAMS,
  PARAM_TYPES,
} from '../../actions/index.js';

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const ActionParam = z
  .object({
    name: z.string(),
    type: z.enum(PARAM_TYPES),
    description: z.string().nullable(),
    enum: z.array(z.string()).nullable(),
    pattern: z.string().nullable().describe('Matched whole (anchored).'),
    min: z.number().nullable().describe('Integers: the smallest value; strings: the shortest length.'),
    max: z.number().nullable(),
    default: paramValue.nullable(),
    required: z.boolean(),
  })
  .describe("One of an action's parameters.");

export const ActionTarget = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('http'),
      method: z.string(),
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      secret_headers: z.array(z.string()).describe('Names of the headers stored sealed (values never shown).'),
      body: z.unknown().describe('JSON with placeholders in its strings, or null.'),
    }),
    z.object({ kind: z.literal('runner'), group: z.string(), command: z.string() }),
  ])
  .describe('What running the action calls: an HTTP request made by Vigil, or a command a runner defines.');

const actionFields = {
  name: z.string(),
  category: z.enum(ACTION_CATEGORIES),
  description: z.string().nullable(),
  enabled: z.boolean().describe('Shipped examples start disabled; a disabled action cannot be invoked.'),
  service_ids: z.array(z.string()).describe('The services it applies to; empty: every service.'),
  params: z.array(ActionParam),
  target: ActionTarget,
  dry_run: z.object({
    supported: z.boolean(),
    param: z.string().nullable().describe('A boolean parameter set true on a dry run.'),
    flag: z.string().nullable().describe("An argument appended to a runner command's argv on a dry run."),
  }),
  timeout_seconds: z.number(),
  approval: z.enum(APPROVAL_POLICIES),
};

export const ActionDefinition = z
  .object({ id: z.string(), ...actionFields, created_at: z.string(), updated_at: z.string() })
  .describe('A mitigation action (GET/POST/PATCH /api/v1/actions/definitions).');

const who = z.object({ type: z.string(), id: z.string().nullable(), name: z.string() });

export const ActionInvocation = z
  .object({
    id: z.string(),
    incident_id: z.string(),
    incident_number: z.string(),
    definition_id: z.string(),
    name: z.string(),
    category: z.enum(ACTION_CATEGORIES),
    definition: z.object(actionFields).describe('The definition as it was when invoked (frozen).'),
    params: z.record(z.string(), paramValue),
    dry_run: z.boolean(),
    state: z.enum(INVOCATION_STATES),
    approval_required: z.boolean(),
    approval_expires_at: z.string().nullable(),
    invoked_by: who,
    decided_by: who.nullable().describe('Who approved or rejected it.'),
    decided_at: z.string().nullable(),
    reason: z.string().nullable().describe('Why it was rejected, cancelled or failed.'),
    runner: z.object({ id: z.string(), name: z.string() }).nullable(),
    queued_at: z.string().nullable(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    exit_code: z.number().nullable(),
    signal: z.string().nullable(),
    http_status: z.number().nullable(),
    output_bytes: z.number(),
    output_truncated: z.boolean(),
    maintenance_window_ids: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('An invocation of an action on an incident (POST /api/v1/incidents/{id}/actions).');

export const ActionOutputChunk = z
  .object({ seq: z.number(), stream: z.enum(OUTPUT_STREAMS), data: z.string(), at: z.string() })
  .describe("A piece of an invocation's output, oldest first.");

export const ActionOutput = z
  .object({
    data: z.array(ActionOutputChunk),
    state: z.enum(INVOCATION_STATES),
    truncated: z.boolean(),
  })
  .describe('GET /api/v1/actions/invocations/{id}/output.');

export const ActionRunner = z
  .object({
    id: z.string(),
    name: z.string(),
    group: z.string(),
    hint: z.string(),
    version: z.string().nullable(),
    hostname: z.string().nullable(),
    commands: z.array(z.string()).describe('The commands its runner.yaml defines, as it last reported.'),
    last_seen_at: z.string().nullable(),
    online: z.boolean().describe('Seen in the last minute.'),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .describe('A runner (GET /api/v1/actions/runners).');

export const CreatedActionRunner = z
  .object({ runner: ActionRunner, token: z.string().describe('Shown once: the runner authenticates with it.') })
  .describe('POST /api/v1/actions/runners.');

export const ActionOffer = z
  .object({
    definition_id: z.string(),
    name: z.string(),
    params: z.record(z.string(), paramValue).describe('Prefilled from the change event (its version).'),
  })
  .describe('An action offered for a change event: "roll back this deploy".');
