// The editor the escalation policies and schedules share: a form panel for one resource, its name and
// description fields, and its steps (levels, layers) with the people each step pages.
import type { ReactNode } from 'react';
import { ConfirmButton, FormPanel } from '../shared/form-kit.tsx';
import { Button } from '../ui/index.ts';

/**
 * The panel that creates a resource (`existing` unset) or edits one: "New escalation policy" / "Edit “X”",
 * submitted with "Create policy" / "Save policy", and a Cancel button while editing.
 */
export function EditorPanel({
  noun,
  short,
  existing,
  onSubmit,
  pending,
  error,
  extraButtons,
  onCancel,
  children,
}: {
  noun: string;
  short: string;
  existing: { id: string; name: string } | undefined;
  onSubmit: () => void;
  pending: boolean;
  error: Error | null;
  extraButtons: ReactNode;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <FormPanel
      titleId={`${existing ? `edit-${existing.id}` : `new-${short}`}-title`}
      title={existing ? `Edit “${existing.name}”` : `New ${noun}`}
      label={existing ? `Edit ${existing.name}` : `New ${noun}`}
      onSubmit={onSubmit}
      pending={pending}
      submitLabel={existing ? `Save ${short}` : `Create ${short}`}
      error={error}
      before={extraButtons}
      after={existing && <Button onPress={onCancel}>Cancel</Button>}
    >
      {children}
    </FormPanel>
  );
}

/** The Name field first, the resource's own fields, then the Description field across the form. */
export function NamedFields<D extends { name: string; description: string }>({
  draft,
  onChange,
  children,
}: {
  draft: D;
  onChange: (draft: D) => void;
  children: ReactNode;
}) {
  return (
    <>
      <label>
        Name
        <input value={draft.name} required onChange={(e) => onChange({ ...draft, name: e.target.value })} />
      </label>
      {children}
      <label className="wide">
        Description
        <input value={draft.description} onChange={(e) => onChange({ ...draft, description: e.target.value })} />
      </label>
    </>
  );
}

/** An admin's buttons on a listed policy or schedule: open its editor, or delete it (asking once more). */
export function EditDeleteButtons({
  name,
  onEdit,
  onDelete,
  pending,
}: {
  name: string;
  onEdit: () => void;
  onDelete: () => void;
  pending: boolean;
}) {
  return (
    <span>
      <Button size="sm" onPress={onEdit}>
        Edit
      </Button>{' '}
      <ConfirmButton
        label="Delete"
        title={`Delete “${name}”?`}
        confirm="Delete"
        onConfirm={onDelete}
        disabled={pending}
      />
    </span>
  );
}

/**
 * The people of one step of an editor (a policy level, a schedule layer): a heading with the button that
 * removes the step (`onRemove` unset while it is the only one), then the chips, "nobody yet" while empty.
 */
export function StepPeople({
  title,
  removeLabel,
  onRemove,
  listLabel,
  ordered,
  count,
  children,
}: {
  title: string;
  removeLabel: string;
  onRemove?: () => void;
  listLabel: string;
  ordered?: boolean;
  count: number;
  children: ReactNode;
}) {
  const List = ordered ? 'ol' : 'ul';
  return (
    <>
      <div className="title">
        <span className="ui-small">{title}</span>
        {onRemove && (
          <Button variant="ghost" size="sm" onPress={onRemove}>
            {removeLabel}
          </Button>
        )}
      </div>
      <List className="chips" aria-label={listLabel}>
        {count === 0 && <li className="ui-muted">nobody yet</li>}
        {children}
      </List>
    </>
  );
}

/** The × on a chip that takes the person or target out. */
export function RemoveChip({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button aria-label={label} onPress={onClick}>
      ×
    </Button>
  );
}
