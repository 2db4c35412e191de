// The rows of the action form: a parameter per row (name, type, and what its type takes: an enum's values, a
// string's pattern, a range, a default; required or not) and a header per row (name and value; a secret
// header's value typed blind). Each field says which row it is in, so a screen reader hears "Parameter 2, name".
import type { ReactNode } from 'react';
import { Button, Select } from '../ui/index.ts';
import { PARAM_TYPES, type HeaderDraft, type ParamDraft, type ParamType } from './action-draft.ts';

const TYPE_OPTIONS = PARAM_TYPES.map((t) => ({ id: t, label: t }));
const BOOLEAN_DEFAULTS = [
  { id: '', label: 'None' },
  { id: 'true', label: 'true' },
  { id: 'false', label: 'false' },
];

/** A select's short visible label ("Type"); the select itself is named in full ("Parameter 2, type"). */
function ShortLabel({ text, children }: { text: string; children: ReactNode }) {
  return (
    <div className="short-label">
      <span aria-hidden>{text}</span>
      {children}
    </div>
  );
}

export function ParamRows({ rows, onChange }: { rows: ParamDraft[]; onChange: (rows: ParamDraft[]) => void }) {
  const change = (key: number, patch: Partial<ParamDraft>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  if (rows.length === 0) return <p className="ui-muted ui-small">No parameters: it runs the same way every time.</p>;
  return (
    <ol className="action-rows" aria-label="Parameters">
      {rows.map((p, i) => {
        const at = `Parameter ${i + 1}`;
        return (
          <li key={p.key} className="action-param">
            <label>
              Name
              <input
                value={p.name}
                spellCheck={false}
                autoComplete="off"
                placeholder="function"
                aria-label={`${at}, name`}
                onChange={(e) => change(p.key, { name: e.target.value })}
              />
            </label>
            <ShortLabel text="Type">
              <Select
                label={`${at}, type`}
                hideLabel
                options={TYPE_OPTIONS}
                value={p.type}
                onChange={(t) => change(p.key, { type: t as ParamType, default: '' })}
              />
            </ShortLabel>
            <label className="wide">
              Description
              <input
                value={p.description}
                aria-label={`${at}, description`}
                onChange={(e) => change(p.key, { description: e.target.value })}
              />
            </label>
            {p.type === 'enum' && (
              <label className="wide">
                Values (comma-separated)
                <input
                  value={p.values}
                  spellCheck={false}
                  aria-label={`${at}, values`}
                  placeholder="trust-scorer, auth-verify"
                  onChange={(e) => change(p.key, { values: e.target.value })}
                />
              </label>
            )}
            {p.type === 'string' && (
              <label>
                Pattern (matched whole)
                <input
                  value={p.pattern}
                  spellCheck={false}
                  aria-label={`${at}, pattern`}
                  placeholder="[a-z0-9-]+"
                  onChange={(e) => change(p.key, { pattern: e.target.value })}
                />
              </label>
            )}
            {(p.type === 'string' || p.type === 'integer') && (
              <>
                <label>
                  {p.type === 'string' ? 'Min length' : 'Min'}
                  <input
                    type="number"
                    value={p.min}
                    aria-label={`${at}, ${p.type === 'string' ? 'min length' : 'min'}`}
                    onChange={(e) => change(p.key, { min: e.target.value })}
                  />
                </label>
                <label>
                  {p.type === 'string' ? 'Max length' : 'Max'}
                  <input
                    type="number"
                    value={p.max}
                    aria-label={`${at}, ${p.type === 'string' ? 'max length' : 'max'}`}
                    onChange={(e) => change(p.key, { max: e.target.value })}
                  />
                </label>
              </>
            )}
            {p.type === 'boolean' ? (
              <ShortLabel text="Default">
                <Select
                  label={`${at}, default`}
                  hideLabel
                  options={BOOLEAN_DEFAULTS}
                  value={p.default}
                  onChange={(d) => change(p.key, { default: d })}
                />
              </ShortLabel>
            ) : (
              <label>
                Default
                <input
                  value={p.default}
                  type={p.type === 'integer' ? 'number' : 'text'}
                  spellCheck={false}
                  aria-label={`${at}, default`}
                  onChange={(e) => change(p.key, { default: e.target.value })}
                />
              </label>
            )}
            <div className="action-row-end">
              <label className="check">
                <input
                  type="checkbox"
                  checked={p.required}
                  aria-label={`${at}, required`}
                  onChange={(e) => change(p.key, { required: e.target.checked })}
                />
                Required
              </label>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${at.toLowerCase()}`}
                onPress={() => onChange(rows.filter((r) => r.key !== p.key))}
              >
                Remove
              </Button>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function HeaderRows({
  label,
  rows,
  secret = false,
  onChange,
  onAdd,
}: {
  label: string;
  rows: HeaderDraft[];
  secret?: boolean;
  onChange: (rows: HeaderDraft[]) => void;
  onAdd: () => void;
}) {
  const change = (key: number, patch: Partial<HeaderDraft>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <>
      {rows.length > 0 && (
        <ol className="action-rows" aria-label={`${label}s`}>
          {rows.map((h, i) => {
            const at = `${label} ${i + 1}`;
            return (
              <li key={h.key} className="action-header">
                <label>
                  Name
                  <input
                    value={h.name}
                    spellCheck={false}
                    autoComplete="off"
                    placeholder={secret ? 'Authorization' : 'X-Reason'}
                    aria-label={`${at}, name`}
                    onChange={(e) => change(h.key, { name: e.target.value })}
                  />
                </label>
                <label>
                  Value
                  <input
                    value={h.value}
                    type={secret ? 'password' : 'text'}
                    spellCheck={false}
                    autoComplete={secret ? 'new-password' : 'off'}
                    aria-label={`${at}, value`}
                    onChange={(e) => change(h.key, { value: e.target.value })}
                  />
                </label>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove ${at.toLowerCase()}`}
                  onPress={() => onChange(rows.filter((r) => r.key !== h.key))}
                >
                  Remove
                </Button>
              </li>
            );
          })}
        </ol>
      )}
      <Button size="sm" onPress={onAdd}>
        {`Add a ${label.toLowerCase()}`}
      </Button>
    </>
  );
}
