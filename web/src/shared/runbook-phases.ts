// A runbook's phases in the order it keeps them, with their headings: the incident page's checklist and the
// runbook editor in Settings both group steps under these.
import type { RunbookStep } from './api.ts';

export type RunbookPhase = RunbookStep['phase'];

export const RUNBOOK_PHASE_LABEL: Record<RunbookPhase, string> = {
  detection: 'Phase 1 · Detection and initial response',
  investigation: 'Phase 2 · Investigation and diagnosis',
  mitigation: 'Phase 3 · Mitigation',
  resolution: 'Phase 4 · Resolution',
  post_resolution: 'After the resolve (0–24 h)',
  post_mortem: 'Post-mortem (24–72 h)',
};

export const RUNBOOK_PHASES = Object.keys(RUNBOOK_PHASE_LABEL) as RunbookPhase[];
