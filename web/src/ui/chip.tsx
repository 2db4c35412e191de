// A filter chip: a toggle button with aria-pressed, optionally a count after its word, and for a severity a
// coloured dot before it (the word is the label, so colour is never alone). The incident list's status and
// severity chips and Analytics' severity filter use it.
import type { SeverityLevel } from './badge.tsx';

export interface ChipProps {
  label: string;
  pressed: boolean;
  onPress(): void;
  /** Shown after the label; `undefined` while it loads ("…"). Leave the prop out for a chip without one. */
  count?: number | undefined;
  severity?: SeverityLevel;
}

export function Chip(props: ChipProps) {
  const { label, pressed, onPress, count, severity } = props;
  return (
    <button
      type="button"
      className={severity ? `ui-chip ui-chip-${severity}` : 'ui-chip'}
      aria-pressed={pressed}
      onClick={onPress}
    >
      {label}
      {'count' in props && (
        <span className="ui-chip-count">{count === undefined ? '…' : count.toLocaleString('en')}</span>
      )}
    </button>
  );
}
