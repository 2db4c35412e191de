// A runbook in the editor, pure: the draft the form holds (steps kept grouped in phase order, each with a key
// of its own for React), the rules for adding, changing, removing and moving a step within its phase, the
// body sent to the server, and the runbook in words — what it applies to, and which step a refusal names.
import type { Runbook, Severity } from '../shared/api.ts';
import { RUNBOOK_PHASE_LABEL, RUNBOOK_PHASES, type RunbookPhase } from '../shared/runbook-phases.ts';

export type Phase = RunbookPhase;

/** The phases in the order a runbook keeps them, with the headings the incident page's checklist uses. */
export const PHASE_LABEL = RUNBOOK_PHASE_LABEL;
export const PHASES = RUNBOOK_PHASES;

export interface DraftStep {
  /** Stable while the step is edited and moved; never sent. */
  key: number;
  phase: Phase;
  text: string;
  link: string;
  callFunction: string;
  callAction: string;
  /** '' when the step waits for a person. */
  autoCompleteOn: string;
  /** The mitigation action (by name) the step runs from the incident page; '' for none. */
  action: string;
}

export interface RunbookDraft {
  name: string;
  description: string;
  serviceIds: string[];
  severities: Severity[];
  steps: DraftStep[];
}

let lastKey = 0;
/** A key no other step of this page has. */
export const nextKey = (): number => ++lastKey;

/** An empty step of a phase. */
export const blankStep = (phase: Phase): DraftStep => ({
  key: nextKey(),
  phase,
  text: '',
  link: '',
  callFunction: '',
  callAction: '',
  autoCompleteOn: '',
  action: '',
});

/**
 * The draft of a runbook: empty for a new one; its copy to edit; or, for "Duplicate", its name and steps
 * under "Copy of …" and assigned to nothing, so the copy never competes with the original until assigned.
 */
export function draftOf(runbook?: Runbook, duplicate = false): RunbookDraft {
  if (!runbook) return { name: '', description: '', serviceIds: [], severities: [], steps: [] };
  return {
    name: duplicate ? `Copy of ${runbook.name}` : runbook.name,
    description: runbook.description ?? '',
    serviceIds: duplicate ? [] : [...runbook.applies_to.service_ids],
    severities: duplicate ? [] : [...runbook.applies_to.severities],
    steps: sortByPhase(
      runbook.steps.map((s) => ({
        key: nextKey(),
        phase: s.phase,
        text: s.text,
        link: s.link ?? '',
        callFunction: s.call?.function ?? '',
        callAction: s.call?.action ?? '',
        autoCompleteOn: s.auto_complete_on ?? '',
        action: s.action ?? '',
      })),
    ),
  };
}

/** The steps in phase order; steps of one phase keep their order (the server keeps them so too). */
function sortByPhase(steps: readonly DraftStep[]): DraftStep[] {
  const rank = (s: DraftStep) => PHASES.indexOf(s.phase);
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map(({ s }) => s);
}

/** Adds a step at the end of its phase. */
export function addStep(steps: readonly DraftStep[], step: DraftStep): DraftStep[] {
  return sortByPhase([...steps, step]);
}

/** Changes a step; one moved to another phase goes to the end of that phase. */
export function changeStep(
  steps: readonly DraftStep[],
  key: number,
  patch: Partial<Omit<DraftStep, 'key'>>,
): DraftStep[] {
  const before = steps.find((s) => s.key === key);
  if (!before) return [...steps];
  const after = { ...before, ...patch };
  if (after.phase === before.phase) return steps.map((s) => (s.key === key ? after : s));
  return addStep(
    steps.filter((s) => s.key !== key),
    after,
  );
}

export const removeStep = (steps: readonly DraftStep[], key: number): DraftStep[] => steps.filter((s) => s.key !== key);

/** The step a move swaps places with: the one before (up) or after (down) within the same phase, if any. */
function neighbour(steps: readonly DraftStep[], key: number, direction: 'up' | 'down'): number {
  const at = steps.findIndex((s) => s.key === key);
  const other = at + (direction === 'up' ? -1 : 1);
  return at >= 0 && steps[other]?.phase === steps[at]?.phase ? other : -1;
}

export const canMove = (steps: readonly DraftStep[], key: number, direction: 'up' | 'down'): boolean =>
  neighbour(steps, key, direction) >= 0;

/** Moves a step one place up or down within its phase; at the phase's edge nothing changes. */
export function moveStep(steps: readonly DraftStep[], key: number, direction: 'up' | 'down'): DraftStep[] {
  const other = neighbour(steps, key, direction);
  if (other < 0) return [...steps];
  const at = steps.findIndex((s) => s.key === key);
  const moved = [...steps];
  [moved[at], moved[other]] = [moved[other] as DraftStep, moved[at] as DraftStep];
  return moved;
}

/** Every phase with its steps (empty ones too: the editor offers to add to each). */
export function byPhase<S extends { phase: Phase }>(steps: readonly S[]): Array<[Phase, S[]]> {
  return PHASES.map((phase) => [phase, steps.filter((s) => s.phase === phase)]);
}

/**
 * The body of POST /api/v1/runbooks or PATCH …/{id}: trimmed, empty optional fields as null. A call is sent
 * as soon as either half is filled, so the server names the missing half. The default runbook's assignment
 * is not sent: it applies to everything no other runbook is assigned to.
 */
export function bodyOf(draft: RunbookDraft, isDefault: boolean) {
  return {
    name: draft.name.trim(),
    description: draft.description.trim() || null,
    ...(!isDefault && { applies_to: { service_ids: draft.serviceIds, severities: draft.severities } }),
    steps: draft.steps.map((s) => {
      const fn = s.callFunction.trim();
      const action = s.callAction.trim();
      return {
        phase: s.phase,
        text: s.text.trim(),
        link: s.link.trim() || null,
        call: fn || action ? { function: fn, action } : null,
        auto_complete_on: s.autoCompleteOn || null,
        action: s.action.trim() || null,
      };
    }),
  };
}

/** "a", "a or b", "a, b or c". */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

/**
 * What a runbook applies to, in words: "every incident not assigned elsewhere" (the default), "P1 incidents of
 * Checkout", "every incident of Checkout or Search", "P0 or P1 incidents of any service", or nothing.
 */
export function appliesToWords(
  runbook: Pick<Runbook, 'default' | 'applies_to'>,
  serviceName: (id: string) => string,
): string {
  if (runbook.default) return 'every incident not assigned elsewhere';
  const { service_ids: services, severities } = runbook.applies_to;
  if (services.length === 0 && severities.length === 0) return 'nothing yet (assigned to no service or severity)';
  const sorted = [...severities].sort();
  const which = sorted.length > 0 ? `${orList(sorted)} incidents` : 'every incident';
  const where = services.length > 0 ? orList(services.map(serviceName)) : 'any service';
  return `${which} of ${where}`;
}

/**
 * The steps a server refusal names ("steps.3.link: must be an http(s) URL…"), as the editor shows them:
 * "Step 2 of Phase 2 · Investigation and diagnosis: “Check the dashboards”". The draft's order is the order
 * sent, so the index finds the step.
 */
export function stepsNamedIn(message: string, steps: readonly DraftStep[]): string[] {
  const indexes = [...message.matchAll(/steps(?:\.|\[)(\d+)/g)].map((m) => Number(m[1]));
  return [...new Set(indexes)].flatMap((i) => {
    const step = steps[i];
    if (!step) return [];
    const within = steps.filter((s) => s.phase === step.phase).indexOf(step) + 1;
    return [`Step ${within} of ${PHASE_LABEL[step.phase]}: “${step.text.trim() || 'no text yet'}”`];
  });
}
