// Runbooks and the rule that picks one for an incident, pure.
//
// A runbook is a list of steps, each in one phase: the incident model's four (detection = the seed's
// "Immediate Response", investigation, mitigation, resolution), then post_resolution (the seed's 0–24 h
// list) and post_mortem (its 24–72 h list). A step has text, optionally a link or a seed function call
// ("production-monitoring health_check"), and optionally the event it completes itself on (auto-events.ts).
//
// Which runbook an incident gets, when it opens: a runbook's `appliesTo` names services, severities, or
// both. It matches an incident whose service is among its services (when it names any) and whose severity
// is among its severities (when it names any). Of the matching runbooks the most specific wins: services
// and severities, then services only, then severities only; between equals, the one created first. When
// none matches, the default runbook (the seed's, imported at first start) applies. A runbook that names
// neither is assigned to nothing: only picked if it is the default.
import { AppError } from '../errors.js';
import { PHASES, type Severity } from '../incident.js';
import { AUTO_EVENT_NAMES, isAutoEvent } from './auto-events.js';

export const RUNBOOK_PHASES = [...PHASES, 'post_resolution', 'post_mortem'] as const;
export type RunbookPhase = (typeof RUNBOOK_PHASES)[number];

/** A call of one of the seed's functions (POST /functions/v1/{function} with {"action": …}). */
export interface StepCall {
  function: string;
  action: string;
}

export interface RunbookStep {
  phase: RunbookPhase;
  text: string;
  link: string | null;
  call: StepCall | null;
  autoCompleteOn: string | null;
  /** A mitigation action (by name) the step runs from the incident page; it completes the step when it succeeds. */
  action: string | null;
}

export interface AppliesTo {
  serviceIds: string[];
  severities: Severity[];
}

export interface Runbook {
  id: string;
  name: string;
  description: string | null;
  isDefault: boolean;
  appliesTo: AppliesTo;
  steps: RunbookStep[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Refuses a step whose auto-complete event is not a known one (422 naming the known ones), and returns the
 * steps in phase order (steps of one phase keep the order they were given in).
 */
export function normalizeSteps(steps: readonly RunbookStep[]): RunbookStep[] {
  steps.forEach((step, i) => {
    if (step.autoCompleteOn !== null && !isAutoEvent(step.autoCompleteOn))
      throw new AppError(
        'runbook.unknown_event',
        `steps[${i}].auto_complete_on: ${JSON.stringify(step.autoCompleteOn)} is not an event Vigil knows; ` +
          `known events: ${AUTO_EVENT_NAMES.join(', ')}`,
        { field: `steps.${i}.auto_complete_on`, event: step.autoCompleteOn, known: AUTO_EVENT_NAMES },
        'unprocessable',
      );
  });
  const rank = (s: RunbookStep) => RUNBOOK_PHASES.indexOf(s.phase);
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map(({ s }) => s);
}

/** How specific an assignment is: 3 services and severities, 2 services, 1 severities, 0 nothing. */
export function specificity(a: AppliesTo): number {
  return (a.serviceIds.length > 0 ? 2 : 0) + (a.severities.length > 0 ? 1 : 0);
}

/** Whether a runbook is assigned to an incident of this service and severity (the default never is). */
export function assignedTo(r: Pick<Runbook, 'appliesTo'>, serviceId: string | null, severity: Severity): boolean {
  const { serviceIds, severities } = r.appliesTo;
  if (specificity(r.appliesTo) === 0) return false;
  if (serviceIds.length > 0 && (serviceId === null || !serviceIds.includes(serviceId))) return false;
  return severities.length === 0 || severities.includes(severity);
}

/** The runbook an incident of this service and severity gets (see the rule above); undefined: none at all. */
export function pickRunbook(
  runbooks: readonly Runbook[],
  serviceId: string | null,
  severity: Severity,
): Runbook | undefined {
  let best: Runbook | undefined;
  for (const r of runbooks) {
    if (r.isDefault || !assignedTo(r, serviceId, severity)) continue;
    const better =
      !best ||
      specificity(r.appliesTo) > specificity(best.appliesTo) ||
      (specificity(r.appliesTo) === specificity(best.appliesTo) && r.createdAt < best.createdAt) ||
      (specificity(r.appliesTo) === specificity(best.appliesTo) &&
        r.createdAt.getTime() === best.createdAt.getTime() &&
        r.id < best.id);
    if (better) best = r;
  }
  return best ?? runbooks.find((r) => r.isDefault);
}
