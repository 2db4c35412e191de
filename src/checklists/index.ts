// Runbooks with phase checklists: the runbooks admins edit and assign, and each incident's checklist, fixed
// when it opens, whose steps people tick and events complete (docs/runbooks.md).
export { AUTO_EVENTS, AUTO_EVENT_NAMES, isAutoEvent, phaseEvents } from './auto-events.js';
export { RUNBOOK_PHASES, type Runbook, type RunbookPhase, type RunbookStep, type StepCall } from './runbook.js';
export type { Checklist, ChecklistStep, DoneBy } from './checklist.js';
export { DEFAULT_RUNBOOK_ID } from './default-runbook.js';
export {
  createChecklistsService,
  type ChecklistsService,
  type ChecklistView,
  type RunbookInput,
  type RunbookPatch,
} from './checklists.service.js';
