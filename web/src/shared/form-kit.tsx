// Small pieces the on-call and settings screens share: the server's error under a form, forms and form
// panels, the "admins only" note and panel, contact and person fields, a button for destructive actions
// that asks first in a dialog, lists as tables that become cards on a phone, a read-only value with a copy
// button, and the time zones the browser knows as suggestions for a zone field.
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Button, ConfirmDialog, DataTable, Select, type Column } from '../ui/index.ts';
import type { ContactKind } from './api.ts';
import { CONTACT_KINDS } from './resources.ts';
import { Problem } from './ui-kit.tsx';
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
        <Button type="submit" variant="primary" isDisabled={pending}>
          {submitLabel}
        </Button>
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

/** A settings tab that only admins may use, as a non-admin sees it: its heading and why there is nothing more. */
export function AdminsOnlyPanel({ titleId, title, children }: { titleId: string; title: string; children: ReactNode }) {
  return (
    <section className="ui-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </section>
  );
}

/** What each kind of contact is called on screen. */
export const CONTACT_KIND_LABEL: Record<ContactKind, string> = {
  email: 'Email',
  sms: 'SMS',
  voice: 'Voice call',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  mattermost: 'Mattermost',
  webhook: 'Webhook',
};
const KIND_OPTIONS = CONTACT_KINDS.map((k) => ({ id: k, label: CONTACT_KIND_LABEL[k] }));

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
  const [own, setOwn] = useState<ContactKind>('email');
  return (
    <>
      <Select
        label="Kind"
        name="kind"
        options={KIND_OPTIONS}
        value={kind ?? own}
        onChange={(next) => (onKind ?? setOwn)(next as ContactKind)}
      />
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

/** A settings list as a table (cards on a phone), or the `empty` sentence without rows; nothing before it loads. */
export function ListTable<T>({
  label,
  rows,
  empty,
  columns,
  rowKey,
}: {
  label: string;
  rows: T[] | undefined;
  empty: string;
  columns: ReadonlyArray<Column<T> | false>;
  rowKey: (row: T) => string;
}) {
  if (!rows) return null;
  return (
    <DataTable
      label={label}
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      empty={<p className="ui-muted">{empty}</p>}
    />
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
 * A destructive action's button: it asks first in a dialog that says what will happen (`title`,
 * `detail`) and names the action on its confirm button (`confirm`), so a slip of the mouse or the
 * keyboard changes nothing.
 */
export function ConfirmButton({
  label,
  confirm,
  title = `${confirm}?`,
  detail,
  onConfirm,
  disabled,
}: {
  label: string;
  confirm: string;
  title?: string;
  detail?: ReactNode;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button size="sm" variant="danger" isDisabled={disabled} onPress={() => setAsking(true)}>
        {label}
      </Button>
      <ConfirmDialog
        isOpen={asking}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          onConfirm();
        }}
        title={title}
        confirmLabel={confirm}
        danger
        pending={disabled}
      >
        {detail ?? <p>This cannot be undone.</p>}
      </ConfirmDialog>
    </>
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
        <Button size="sm" onPress={() => void copy()}>
          Copy
        </Button>
      </div>
      <span className="hint" role="status">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </span>
    </div>
  );
}

/** Every IANA zone the browser knows, for the time zone fields' suggestions. */
export const ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
export const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function ZoneOptions({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {ZONES.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}
