// An incident's checklist: the steps of its runbook as they were when the incident opened, each done by a
// person's tick or by its own auto-complete event. Pure.
import { AppError } from '../errors.js';
import type { RunbookPhase, StepCall } from './runbook.js';

/** Who ticked a step by hand. */
export interface DoneBy {
  type: string;
  id: string | null;
  name: string;
}

/** Which runbook an incident's checklist was copied from, and when. */
export interface Checklist {
  incidentId: string;
  runbookId: string;
  runbookName: string;
  fixedAt: Date;
}

export interface ChecklistStep {
  id: string;
  incidentId: string;
  /** 1-based, in phase order. */
  position: number;
  phase: RunbookPhase;
  text: string;
  link: string | null;
  call: StepCall | null;
  autoCompleteOn: string | null;
  /** The mitigation action (by name) the step runs; its success completes the step. */
  action: string | null;
  /** Set while the step is done, by hand (doneBy) or by its event (doneEvent). */
  doneAt: Date | null;
  doneBy: DoneBy | null;
  doneEvent: string | null;
  /** When its event completed it; stays after an untick, so it completes itself only once. */
  autoCompletedAt: Date | null;
  /** For a step waiting for the enhanced-monitoring window: when that window ends. */
  windowEndsAt: Date | null;
}

/** The timeline entry's data for a step. */
export const stepData = (s: Pick<ChecklistStep, 'id' | 'position' | 'phase' | 'text'>) => ({
  step_id: s.id,
  position: s.position,
  phase: s.phase,
  text: s.text,
});

/** Refuses ticking a done step or unticking an open one (409, naming its state). */
export function checkToggle(step: Pick<ChecklistStep, 'id' | 'doneAt' | 'doneEvent'>, tick: boolean): void {
  const done = step.doneAt !== null;
  if (tick === done)
    throw new AppError(
      'checklist.invalid_transition',
      tick
        ? `step ${step.id} is already done${step.doneEvent ? ` (completed on ${step.doneEvent})` : ''}`
        : `step ${step.id} is not done`,
      { step_id: step.id, done },
    );
}
