// Mitigation actions, pure: what a definition is, the states of an invocation and the moves between
// them, when approval is needed, and what the incident's timeline says about an invocation.
//
//   awaiting_approval ─approve→ queued ─claim→ running ─→ succeeded | failed | timed_out | cancelled
//          │ reject → rejected      │ cancel → cancelled        (a lease that runs out: failed, "runner lost")
//          └ 15 minutes → cancelled ("approval expired")
import { AppError } from '../errors.js';
import type { Severity } from '../incident.js';
import type { ParamSpec, ParamValue } from './params.js';
import type { Json } from './template.js';

export const ACTION_CATEGORIES = [
  'maintenance_mode',
  'rate_limit',
  'failover',
  'restart',
  'rollback',
  'diagnostic',
  'custom',
] as const;
export type ActionCategory = (typeof ACTION_CATEGORIES)[number];

export const APPROVAL_POLICIES = ['none', 'p0_p1', 'always'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export const INVOCATION_STATES = [
  'awaiting_approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
] as const;
export type InvocationState = (typeof INVOCATION_STATES)[number];
export const FINAL_STATES: ReadonlySet<InvocationState> = new Set([
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
]);

export const OUTPUT_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** An approval request stands this long. */
export const APPROVAL_TTL_MS = 15 * 60_000;
/** Output kept per invocation; beyond it a marker, and the rest is counted but dropped. */
export const OUTPUT_MAX_BYTES = 64 * 1024;
export const TRUNCATED_MARKER = '\n[output truncated at 64 KiB]\n';
/** A runner's hold on an invocation lasts this long past its last heartbeat or output. */
export const LEASE_MS = 30_000;
export const DEFAULT_TIMEOUT_SECONDS = 300;
/** The parameter a maintenance_mode action must declare: how long Vigil's own window lasts. */
export const MAINTENANCE_PARAM = 'duration_minutes';

export type ActionTarget =
  | {
      kind: 'http';
      method: (typeof HTTP_METHODS)[number];
      url: string;
      headers: Record<string, string>;
      /** Header name → sealed value ("v1:…"), never shown. */
      secretHeaders: Record<string, string>;
      body: Json;
    }
  | { kind: 'runner'; group: string; command: string };

export interface DryRun {
  supported: boolean;
  param: string | null;
  flag: string | null;
}

/** What an action is; an invocation keeps a frozen copy of it. */
export interface ActionSpec {
  name: string;
  category: ActionCategory;
  description: string | null;
  enabled: boolean;
  serviceIds: string[];
  params: ParamSpec[];
  target: ActionTarget;
  dryRun: DryRun;
  timeoutSeconds: number;
  approval: ApprovalPolicy;
}

export interface ActionDefinition extends ActionSpec {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The approval policy when none is given: two people for the actions that can make things worse. */
export function defaultApproval(category: ActionCategory): ApprovalPolicy {
  return category === 'restart' || category === 'rollback' || category === 'failover' ? 'p0_p1' : 'none';
}

/** Whether running it needs a second person. A dry run changes nothing, so it never does. */
export function needsApproval(policy: ApprovalPolicy, severity: Severity, dryRun: boolean): boolean {
  if (dryRun) return false;
  return policy === 'always' || (policy === 'p0_p1' && (severity === 'P0' || severity === 'P1'));
}

/** Whether the action applies to an incident of this service (no services named: all of them). */
export function appliesTo(spec: Pick<ActionSpec, 'serviceIds'>, serviceId: string | null): boolean {
  return spec.serviceIds.length === 0 || (serviceId !== null && spec.serviceIds.includes(serviceId));
}

/** The values with the dry-run parameter set, when the action marks dry runs by a parameter. */
export function withDryRun(spec: ActionSpec, params: Record<string, ParamValue>, dryRun: boolean) {
  if (!dryRun) return params;
  if (!spec.dryRun.supported)
    throw new AppError(
      'action.dry_run_unsupported',
      `"${spec.name}" has no dry run (its definition says dry_run.supported: false)`,
      { action: spec.name },
      'unprocessable',
    );
  return spec.dryRun.param ? { ...params, [spec.dryRun.param]: true } : params;
}

/** Refuses a move from `from` that `allowed` does not list (409 naming both). */
export function expectState(from: InvocationState, allowed: readonly InvocationState[], move: string): void {
  if (!allowed.includes(from))
    throw new AppError('action.invalid_transition', `cannot ${move} an invocation that is ${from.replace('_', ' ')}`, {
      state: from,
      allowed,
    });
}

/** The last lines of output for the timeline: at most 10 lines and 500 characters. */
export function outputTail(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n').slice(-10).join('\n');
  return lines.length > 500 ? `…${lines.slice(-499)}` : lines;
}

/** Bytes of a chunk in UTF-8. */
export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * How much of a new chunk fits under the cap when `used` bytes are stored: the whole chunk, a prefix cut
 * on a character boundary, or nothing.
 */
export function fitChunk(used: number, data: string): { keep: string; cut: boolean } {
  const room = OUTPUT_MAX_BYTES - used;
  if (room <= 0) return { keep: '', cut: data.length > 0 };
  if (byteLength(data) <= room) return { keep: data, cut: false };
  let keep = Buffer.from(data, 'utf8').subarray(0, room).toString('utf8');
  // A character cut in half decodes to U+FFFD; drop it.
  if (keep.endsWith('\uFFFD')) keep = keep.slice(0, -1);
  return { keep, cut: true };
}
