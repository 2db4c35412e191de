// Shared display rules: severities as words (never colour alone), ages and countdowns, and the
// guard that keeps single-key shortcuts out of text fields.
export { SEVERITY_LABEL } from '../ui/index.ts';

/** "3m", "2h", "5d": how long ago `iso` was, relative to `now`. */
export function age(iso: string, now: number): string {
  return span(Math.max(0, now - Date.parse(iso)));
}

/** A duration in ms as "45s", "12m", "3h 5m", "2d". */
export function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return m ? `${Math.floor(s / 3600)}h ${m}m` : `${Math.floor(s / 3600)}h`;
  }
  return `${Math.floor(s / 86_400)}d`;
}

/** "in 4m" before `iso`, "6m overdue" after it. */
export function countdown(iso: string, now: number): { text: string; overdue: boolean } {
  const left = Date.parse(iso) - now;
  return left >= 0 ? { text: `in ${span(left)}`, overdue: false } : { text: `${span(left)} overdue`, overdue: true };
}

/** A local date and time for a tooltip or a table cell. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** Typing in a field must not trigger a screen's single-key shortcuts. */
export function typing(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return target instanceof HTMLElement && (target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName));
}
