// Badges: a short word on a soft colour. Severity and status always show their word, never colour alone.
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'accent' | 'danger' | 'warning' | 'success' | 'info';
export type SeverityLevel = 'P0' | 'P1' | 'P2' | 'P3';
export type StatusWord = 'triggered' | 'acknowledged' | 'resolved';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`ui-badge ui-tone-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A severity as words, never colour alone: "P1 high". */
export const SEVERITY_LABEL: Readonly<Record<SeverityLevel, string>> = {
  P0: 'P0 critical',
  P1: 'P1 high',
  P2: 'P2 medium',
  P3: 'P3 low',
};

/** "P1" in the severity's colour; `long` shows the word too ("P1 high"), which the title always gives. */
export function SeverityBadge({ severity, long = false }: { severity: SeverityLevel; long?: boolean }) {
  return (
    <span className={`ui-badge ui-sev ui-sev-${severity}`} title={SEVERITY_LABEL[severity]}>
      {long ? SEVERITY_LABEL[severity] : severity}
    </span>
  );
}

const STATUS_WORD: Record<StatusWord, string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

/** The status with a dot of its colour. */
export function StatusBadge({ status }: { status: StatusWord }) {
  return (
    <span className={`ui-badge ui-status ui-status-${status}`}>
      <span className="ui-dot" aria-hidden />
      {STATUS_WORD[status]}
    </span>
  );
}
