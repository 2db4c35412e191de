// Small pieces the on-call and settings screens share: the server's error under a form, the
// "admins only" note, a two-step button for destructive actions, and a read-only value with a copy button.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import './ui.css';

/** The server's message (ApiError.message) after a failed request; nothing while there is none. */
export function Problem({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message}
    </p>
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
export function ConfirmButton({ label, confirm, onConfirm, disabled, describedBy }: { label: string; confirm: string; onConfirm: () => void; disabled?: boolean; describedBy?: string }) {
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
      }}>
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
        <input id={inputId} ref={input} readOnly value={value} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
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
