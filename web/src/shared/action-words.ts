// Mitigation actions in words (categories, approval policies, the states of an invocation) and the few rules
// the console applies before it asks the server: when a run needs a second person, what a parameter field
// starts with and what it accepts, and which field a refusal (422 naming `params.x`) points at. The server
// checks everything again; these only let a form say so before sending.
import type { Tone } from '../ui/index.ts';
import { ApiError, type ActionDefinition, type ActionInvocation, type ActionParam, type Severity } from './api.ts';

export type ActionCategory = ActionDefinition['category'];
export type ApprovalPolicy = ActionDefinition['approval'];
export type InvocationState = ActionInvocation['state'];
export type ActionTarget = ActionDefinition['target'];
export type ParamValue = string | number | boolean;

export const CATEGORY_LABEL: Readonly<Record<ActionCategory, string>> = {
  maintenance_mode: 'Maintenance mode',
  rate_limit: 'Rate limit',
  failover: 'Failover',
  restart: 'Restart',
  rollback: 'Rollback',
  diagnostic: 'Diagnostic',
  custom: 'Custom',
};
export const ACTION_CATEGORIES = Object.keys(CATEGORY_LABEL) as ActionCategory[];

export const APPROVAL_LABEL: Readonly<Record<ApprovalPolicy, string>> = {
  none: 'None',
  p0_p1: 'Second person on P0 and P1',
  always: 'Always a second person',
};
export const APPROVAL_POLICIES = Object.keys(APPROVAL_LABEL) as ApprovalPolicy[];

export const STATE_LABEL: Readonly<Record<InvocationState, string>> = {
  awaiting_approval: 'Awaiting approval',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
};
export const STATE_TONE: Readonly<Record<InvocationState, Tone>> = {
  awaiting_approval: 'warning',
  queued: 'info',
  running: 'accent',
  succeeded: 'success',
  failed: 'danger',
  timed_out: 'danger',
  cancelled: 'neutral',
  rejected: 'neutral',
};

const FINAL: ReadonlySet<InvocationState> = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'rejected']);
/** Whether an invocation is over: nothing about it changes any more. */
export const isFinal = (state: InvocationState): boolean => FINAL.has(state);

/** The approval policy a new action of this category starts with (the server's default too). */
export function defaultApproval(category: ActionCategory): ApprovalPolicy {
  return category === 'restart' || category === 'rollback' || category === 'failover' ? 'p0_p1' : 'none';
}

/** Whether running it needs a second person; a dry run changes nothing, so it never does. */
export function needsApproval(policy: ApprovalPolicy, severity: Severity, dryRun: boolean): boolean {
  if (dryRun) return false;
  return policy === 'always' || (policy === 'p0_p1' && (severity === 'P0' || severity === 'P1'));
}

/** Whether an action applies to an incident of this service (no services named: every service). */
export function appliesTo(action: Pick<ActionDefinition, 'service_ids'>, serviceId: string | null): boolean {
  return action.service_ids.length === 0 || (serviceId !== null && action.service_ids.includes(serviceId));
}

/** What running it calls, in one line: "POST https://…" or "runner group production: supabase-deploy". */
export function targetWords(target: ActionTarget): string {
  return target.kind === 'http'
    ? `${target.method} ${target.url}`
    : `command ${target.command} on a runner of group ${target.group}`;
}

/** A form's values: text as typed (numbers too), booleans as ticked. */
export type FormValues = Record<string, string | boolean>;

/** What each field starts with: the prefilled value, else the parameter's default, else empty (false). */
export function initialValues(params: readonly ActionParam[], prefill: Record<string, ParamValue> = {}): FormValues {
  const values: FormValues = {};
  for (const p of params) {
    const start = prefill[p.name] ?? p.default;
    values[p.name] = p.type === 'boolean' ? start === true || start === 'true' : start == null ? '' : String(start);
  }
  return values;
}

/** The anchored expression of a pattern, as the server compiles it; null when it does not compile here. */
function anchored(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

/**
 * The values to send, checked the way the server checks them: a required field left empty, an integer that is
 * not whole or out of range, a string too short, too long or not matching its pattern, an enum value not listed.
 * Empty optional fields are left out (the server fills their defaults). `errors` maps a parameter to its problem.
 */
export function readValues(
  params: readonly ActionParam[],
  form: FormValues,
): { values: Record<string, ParamValue>; errors: Record<string, string> } {
  const values: Record<string, ParamValue> = {};
  const errors: Record<string, string> = {};
  for (const p of params) {
    const raw = form[p.name];
    if (p.type === 'boolean') {
      values[p.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (p.required && p.default == null) errors[p.name] = 'Required.';
      continue;
    }
    const problem = valueProblem(p, text);
    if (problem) errors[p.name] = problem;
    else values[p.name] = p.type === 'integer' ? Number(text.trim()) : text;
  }
  return { values, errors };
}

function valueProblem(p: ActionParam, text: string): string | null {
  switch (p.type) {
    case 'integer': {
      if (!/^-?\d{1,15}$/.test(text.trim())) return 'A whole number.';
      const n = Number(text.trim());
      if (p.min != null && n < p.min) return `At least ${p.min}.`;
      if (p.max != null && n > p.max) return `At most ${p.max}.`;
      return null;
    }
    case 'enum':
      return p.enum?.includes(text) ? null : `One of ${(p.enum ?? []).join(', ')}.`;
    default: {
      if (p.min != null && text.length < p.min) return `At least ${p.min} characters.`;
      if (p.max != null && text.length > p.max) return `At most ${p.max} characters.`;
      const pattern = p.pattern == null ? null : anchored(p.pattern);
      if (pattern && !pattern.test(text)) return `Must match ${p.pattern}.`;
      return null;
    }
  }
}

/** What a field accepts, in a few words: "3–40 characters · matches [a-z]+", "1 to 60". */
export function paramHint(p: ActionParam): string | null {
  const range = (unit: string) =>
    p.min != null && p.max != null
      ? `${p.min}–${p.max}${unit}`
      : p.min != null
        ? `at least ${p.min}${unit}`
        : p.max != null
          ? `at most ${p.max}${unit}`
          : null;
  const parts =
    p.type === 'integer'
      ? [range('')]
      : p.type === 'string'
        ? [range(' characters'), p.pattern != null && `matches ${p.pattern}`]
        : [];
  const hint = [p.description, ...parts].filter((s): s is string => typeof s === 'string' && s !== '');
  return hint.length ? hint.join(' · ') : null;
}

/**
 * The parameter a refusal names (`details.field` or a message starting "params.x: …") and what it says about it;
 * null for any other error.
 */
export function paramError(error: unknown): { name: string; message: string } | null {
  if (!(error instanceof ApiError)) return null;
  const details = error.details as { field?: unknown } | null | undefined;
  const field =
    typeof details?.field === 'string' ? details.field : (/^(params\.[\w]+):/.exec(error.message)?.[1] ?? '');
  const name = /^params\.([\w]+)$/.exec(field)?.[1];
  if (!name) return null;
  const said = error.message.startsWith(`${field}:`) ? error.message.slice(field.length + 1).trim() : error.message;
  return { name, message: said.charAt(0).toUpperCase() + said.slice(1) };
}
