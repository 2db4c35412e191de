// Small pieces the on-call and settings screens share: the server's error under a form, forms and form
// panels, the "admins only" note and panel, contact and person fields, a two-step button for destructive
// actions, and a read-only value with a copy button.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ContactKind } from './api.ts';
import { CONTACT_KINDS } from './resources.ts';
import { Problem, Table } from './ui-kit.tsx';
import './form-kit.css';

export { Problem };

/** The heading of a table's last column, the one with the row's buttons. */
export const ACTIONS = <span className="ui-muted">Actions</span>;

/**
 * A form of the settings screens: its fields, then one row of buttons that ends with the submit button
 * (`before` goes ahead of it, `after` behind it). `onSubmit` gets the form element, e.g. to reset it.
 */
export function SettingsForm({
  label,
  onSubmit,
  pending,
  submitLabel,
  before,
  after,
  children,
}: {
  label: string;
  onSubmit: (form: HTMLFormElement) => void;
  pending: boolean;
  submitLabel: string;
  before?: ReactNode;
  after?: ReactNode;
  children: ReactNode;
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit(event.currentTarget);
  }
  return (
    <form className="ui-form" onSubmit={submit} aria-label={label}>
      {children}
      <div className="buttons">
        {before}
        <button type="submit" className="primary" disabled={pending}>
          {submitLabel}
        </button>
        {after}
      </div>
    </form>
  );
}

/**
 * A panel that holds one form: its heading (`titleId` labels the panel; the form is named `label`, else the same),
 * the form, and the server's error.
 */
export function FormPanel({
  titleId,
  title,
  label = title,
  error,
  intro,
  ...form
}: Omit<Parameters<typeof SettingsForm>[0], 'label'> & {
  titleId: string;
  title: string;
  label?: string;
  error: Error | null;
  intro?: ReactNode;
}) {
  return (
    <section className="ui-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {intro}
      <SettingsForm label={label} {...form} />
      <Problem error={error} />
    </section>
  );
}

/** The `<option>`s of a person picker: "Name (@handle)", valued by id unless `optionValue` says otherwise. */
export function PersonOptions({
  users,
  optionValue = (u) => u.id,
}: {
  users: Array<{ id: string; name: string; handle: string }>;
  optionValue?: (u: { id: string; handle: string }) => string;
}) {
  return users.map((u) => (
    <option key={u.id} value={optionValue(u)}>
      {u.name} (@{u.handle})
    </option>
  ));
}

/** A settings tab that only admins may use, as a non-admin sees it: its heading and why there is nothing more. */
export function AdminsOnlyPanel({ titleId, title, children }: { titleId: string; title: string; children: ReactNode }) {
  return (
    <section className="ui-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Where a message goes, as the form fields `kind`, `address` and `secret` (see `readContact`): the kind
 * starts at email, or follows `kind`/`onKind` when the caller shows a hint per kind.
 */
export function ContactFields({
  kind,
  onKind,
  placeholder,
}: {
  kind?: ContactKind;
  onKind?: (kind: ContactKind) => void;
  placeholder: string;
}) {
  const choice = onKind
    ? { value: kind, onChange: (e: { target: { value: string } }) => onKind(e.target.value as ContactKind) }
    : { defaultValue: 'email' };
  return (
    <>
      <label>
        Kind
        <select name="kind" {...choice}>
          {CONTACT_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        Address
        <input name="address" required autoComplete="off" placeholder={placeholder} />
      </label>
      <label>
        Signing secret (optional, webhooks)
        <input name="secret" type="password" minLength={16} autoComplete="off" />
      </label>
    </>
  );
}

/** A settings list as a table, or the `empty` sentence when it has no rows; nothing before it has loaded. */
export function ListTable<T>({
  rows,
  empty,
  columns,
  row,
}: {
  rows: T[] | undefined;
  empty: string;
  columns: ReactNode[];
  row: (item: T) => ReactNode;
}) {
  if (!rows) return null;
  if (rows.length === 0) return <p className="ui-muted">{empty}</p>;
  return (
    <Table className="ui-table" columns={columns}>
      {rows.map(row)}
    </Table>
  );
}

/** Says why a non-admin sees no controls. */
export function AdminsOnly({ children }: { children: ReactNode }) {
  return (
    <p className="admins-only" role="note">
      <strong>Admins only.</strong> {children}
    </p>
  );
}

/**
 * A destructive action asks once more on the same button ("Revoke" → "Confirm revoke"), which works
 * with the keyboard and in a screen reader without a modal; it falls back after five seconds.
 */
export function ConfirmButton({
  label,
  confirm,
  onConfirm,
  disabled,
  describedBy,
}: {
  label: string;
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
  describedBy?: string;
}) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 5000);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <button
      type="button"
      className={armed ? 'danger armed' : 'danger'}
      disabled={disabled}
      aria-describedby={describedBy}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
        } else setArmed(true);
      }}
    >
      {armed ? confirm : label}
    </button>
  );
}

/** A value to copy (a token secret, a calendar URL): selectable text plus a Copy button. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C instead.
      input.current?.select();
      setCopied('no');
    }
  }
  return (
    <div className="copy-field">
      <label htmlFor={inputId}>{label}</label>
      <div className="copy-row">
        <input
          id={inputId}
          ref={input}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <span className="hint" role="status">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </span>
    </div>
  );
}
