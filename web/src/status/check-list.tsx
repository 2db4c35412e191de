// A set of things to choose any of (services, monitors, components) as a fieldset of checkboxes, with a line
// saying there is nothing to choose yet.
import type { ReactNode } from 'react';

export function CheckList({
  legend,
  items,
  chosen,
  onChange,
  none,
}: {
  legend: string;
  items: ReadonlyArray<{ id: string; label: ReactNode }>;
  chosen: readonly string[];
  onChange: (ids: string[]) => void;
  /** What is said when there is nothing to choose. */
  none: string;
}) {
  return (
    <fieldset className="wide status-choices">
      <legend>{legend}</legend>
      {items.length === 0 && <span className="ui-muted ui-small">{none}</span>}
      {items.map((item) => (
        <label key={item.id} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(item.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, item.id] : chosen.filter((id) => id !== item.id))}
          />{' '}
          {item.label}
        </label>
      ))}
    </fieldset>
  );
}
