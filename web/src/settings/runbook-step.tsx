// One step of a runbook: what it says in the list (its text, link, seed function call and the event that
// completes it), the buttons an admin moves, edits and removes it with, and its fields while edited.
import { ChevronDown, ChevronUp } from 'lucide-react';
import { useEffect, useRef } from 'react';
import type { RunbookEvent } from '../shared/api.ts';
import { Button, IconButton, Select } from '../ui/index.ts';
import { PHASE_LABEL, PHASES, type DraftStep } from './runbook-draft.ts';

const NO_EVENT = 'none';

/** The event's sentence ("the incident is acknowledged"), or its name while the list has not loaded. */
export const eventWords = (events: readonly RunbookEvent[], event: string): string =>
  events.find((e) => e.event === event)?.description ?? event;

/** A step as it reads: its text, then a line with its link, its seed function call and what completes it. */
export function StepSummary({
  text,
  link,
  call,
  event,
  events,
  action = '',
}: {
  text: string;
  link: string;
  call: string;
  event: string;
  events: readonly RunbookEvent[];
  /** The mitigation action the step runs, if any. */
  action?: string;
}) {
  return (
    <div className="runbook-step-text">
      <span>{text || <em className="ui-muted">No text yet</em>}</span>
      {(link || call || event || action) && (
        <span className="ui-small ui-muted">
          {link && (
            <a href={link} target="_blank" rel="noreferrer">
              {link}
            </a>
          )}
          {call && (
            <span>
              runs <code>{call}</code>
            </span>
          )}
          {action && (
            <span>
              action <code>{action}</code>
            </span>
          )}
          {event && <span>completes itself when {eventWords(events, event)}</span>}
        </span>
      )}
    </div>
  );
}

/** What a step's buttons call it: “its text”, or its place while it has none. */
export const stepName = (step: DraftStep, place: number): string =>
  step.text.trim() ? `“${step.text.trim()}”` : `step ${place} of ${PHASE_LABEL[step.phase]}`;

/** Which of a step's buttons takes the focus back after it moved or its fields folded. */
export type StepFocus = 'up' | 'down' | 'edit';

/**
 * An admin's step in the list: the summary with Move up, Move down, Edit and Remove. `focus` puts the keyboard
 * back on a button after a move (the row changes place) or after its fields fold; `onFocused` then clears it.
 */
export function StepRow({
  step,
  place,
  events,
  canUp,
  canDown,
  focus,
  onFocused,
  onMove,
  onEdit,
  onRemove,
}: {
  step: DraftStep;
  place: number;
  events: readonly RunbookEvent[];
  canUp: boolean;
  canDown: boolean;
  focus?: StepFocus;
  onFocused: () => void;
  onMove: (direction: 'up' | 'down') => void;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const name = stepName(step, place);
  const row = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focus) return;
    // The row's buttons in order: up, down, edit, remove. At the phase's edge a move button is disabled: the
    // other one, else Edit, takes the focus.
    const [up, down, edit] = Array.from(row.current?.querySelectorAll('button') ?? []);
    const wanted = focus === 'edit' ? [edit] : focus === 'up' ? [up, down, edit] : [down, up, edit];
    wanted.find((b) => b && !b.disabled)?.focus();
    onFocused();
  }, [focus, onFocused]);
  return (
    <div className="runbook-step" ref={row}>
      <StepSummary
        text={step.text}
        link={step.link}
        call={[step.callFunction, step.callAction].filter(Boolean).join(' ')}
        event={step.autoCompleteOn}
        events={events}
        action={step.action}
      />
      <span className="runbook-step-buttons">
        <IconButton
          icon={ChevronUp}
          label={`Move ${name} up`}
          size="sm"
          isDisabled={!canUp}
          onPress={() => onMove('up')}
        />
        <IconButton
          icon={ChevronDown}
          label={`Move ${name} down`}
          size="sm"
          isDisabled={!canDown}
          onPress={() => onMove('down')}
        />
        <Button size="sm" aria-label={`Edit ${name}`} onPress={onEdit}>
          Edit
        </Button>
        <Button size="sm" variant="ghost" aria-label={`Remove ${name}`} onPress={onRemove}>
          Remove
        </Button>
      </span>
    </div>
  );
}

/** A step's fields while an admin edits it; "Done" folds them back into the list (nothing is saved yet). */
export function StepFields({
  step,
  place,
  events,
  onChange,
  onDone,
  onRemove,
}: {
  step: DraftStep;
  place: number;
  events: readonly RunbookEvent[];
  onChange: (patch: Partial<Omit<DraftStep, 'key'>>) => void;
  onDone: () => void;
  onRemove: () => void;
}) {
  const name = stepName(step, place);
  const eventOptions = [
    { id: NO_EVENT, label: 'Never: a person ticks it' },
    ...events.map((e) => ({ id: e.event, label: e.description, detail: e.event })),
  ];
  return (
    <fieldset className="runbook-step-fields">
      <legend>Step {place}</legend>
      <label className="wide">
        Step text
        <input
          value={step.text}
          required
          maxLength={500}
          autoFocus
          onChange={(e) => onChange({ text: e.target.value })}
        />
      </label>
      <Select
        label="Phase"
        options={PHASES.map((p) => ({ id: p, label: PHASE_LABEL[p] }))}
        value={step.phase}
        onChange={(phase) => onChange({ phase: phase as DraftStep['phase'] })}
      />
      <label>
        Link (optional)
        <input
          value={step.link}
          inputMode="url"
          placeholder="https://dashboards.example.com/db"
          onChange={(e) => onChange({ link: e.target.value })}
        />
      </label>
      <label>
        Seed function (optional)
        <input
          value={step.callFunction}
          placeholder="production-monitoring"
          onChange={(e) => onChange({ callFunction: e.target.value })}
        />
      </label>
      <label>
        Function action
        <input
          value={step.callAction}
          placeholder="health_check"
          onChange={(e) => onChange({ callAction: e.target.value })}
        />
      </label>
      <label>
        Mitigation action (optional)
        <input
          value={step.action}
          placeholder="maintenance-mode"
          onChange={(e) => onChange({ action: e.target.value })}
        />
      </label>
      <Select
        label="Completes itself when"
        className="wide"
        options={eventOptions}
        value={step.autoCompleteOn || NO_EVENT}
        onChange={(event) => onChange({ autoCompleteOn: event === NO_EVENT ? '' : event })}
      />
      <div className="buttons">
        <Button size="sm" variant="primary" aria-label={`Done editing ${name}`} onPress={onDone}>
          Done
        </Button>
        <Button size="sm" variant="ghost" aria-label={`Remove ${name}`} onPress={onRemove}>
          Remove
        </Button>
      </div>
    </fieldset>
  );
}
