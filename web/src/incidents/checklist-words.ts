// Runbook checklists in words, pure: the phases' headings, what each self-completing event is called, and a
// step's "done" line. Used by the incident page's checklist panel and its timeline entries.
import type { ChecklistStep } from '../shared/api.ts';
import { RUNBOOK_PHASE_LABEL } from '../shared/runbook-phases.ts';

export const CHECKLIST_PHASE_LABEL: Record<ChecklistStep['phase'], string> = RUNBOOK_PHASE_LABEL;

const EVENT_LABEL: Record<string, string> = {
  'incident.acknowledged': 'the incident was acknowledged',
  'incident.resolved': 'the incident was resolved',
  'notification.resolution_delivered': 'the resolution notification was delivered',
  'monitoring.enhanced_window_ended': '24 hours of enhanced monitoring passed with no recurrence',
  'postmortem.meeting_scheduled': 'the post-mortem meeting was set',
  'action.succeeded': 'its mitigation action succeeded',
};

/** "the incident was acknowledged", "the incident reached mitigation", or the event's own name. */
export function eventLabel(event: string): string {
  const phase = /^incident\.phase:(\w+)$/.exec(event)?.[1];
  if (phase) return `the incident reached ${phase.replace('_', ' ')}`;
  return EVENT_LABEL[event] ?? event;
}

/** The steps grouped by phase, in the checklist's order; phases without steps are left out. */
export function byPhase(steps: readonly ChecklistStep[]): Array<[ChecklistStep['phase'], ChecklistStep[]]> {
  const groups = new Map<ChecklistStep['phase'], ChecklistStep[]>();
  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const list = groups.get(step.phase) ?? [];
    list.push(step);
    groups.set(step.phase, list);
  }
  return (Object.keys(CHECKLIST_PHASE_LABEL) as Array<ChecklistStep['phase']>)
    .filter((phase) => groups.has(phase))
    .map((phase) => [phase, groups.get(phase) as ChecklistStep[]]);
}

/** How a done step got done: "ticked by ana" or "done by itself: the incident was acknowledged"; "" when open. */
export function doneBy(step: Pick<ChecklistStep, 'done' | 'ticked_by' | 'completed_on'>): string {
  if (!step.done) return '';
  if (step.completed_on) return `done by itself: ${eventLabel(step.completed_on)}`;
  return step.ticked_by ? `ticked by ${step.ticked_by.name}` : 'done';
}
