// A post-mortem in words, pure: its states and the moves a person may make from each, who may change it,
// the meeting window and the server's warnings as sentences, and what a refused section save says.
import type { Postmortem, Role } from '../shared/api.ts';
import type { Tone } from '../ui/badge.tsx';
import { absolute } from '../ui/words.ts';

export type PostmortemState = Postmortem['state'];

export const STATE_LABEL: Record<PostmortemState, string> = {
  draft: 'Draft',
  in_review: 'In review',
  published: 'Published',
};

export const STATE_TONE: Record<PostmortemState, Tone> = {
  draft: 'neutral',
  in_review: 'info',
  published: 'success',
};

export interface StateMove {
  to: PostmortemState;
  label: string;
  /** Asked first in a dialog: publishing is final. */
  confirm: boolean;
}

/** The server's state machine (docs/postmortems.md): draft → in_review → published, and in_review → draft. */
const MOVES: Record<PostmortemState, readonly StateMove[]> = {
  draft: [{ to: 'in_review', label: 'Send for review', confirm: false }],
  in_review: [
    { to: 'draft', label: 'Back to draft', confirm: false },
    { to: 'published', label: 'Publish', confirm: true },
  ],
  published: [],
};

/** The state buttons a person sees: none for viewers, none once published. */
export function stateMoves(state: PostmortemState, role: Role): readonly StateMove[] {
  return canChange(role) ? MOVES[state] : [];
}

/** Whether the role may change post-mortems at all (responders and admins; viewers read). */
export const canChange = (role: Role): boolean => role !== 'viewer';

/** Whether the page offers edits: a responder or admin, and the post-mortem not yet published (that is final). */
export const canEdit = (state: PostmortemState, role: Role): boolean => canChange(role) && state !== 'published';

/** Why the page is read-only, or null when it is not. */
export function readOnlyReason(state: PostmortemState, role: Role): string | null {
  if (state === 'published') return 'Published: this post-mortem is final and no longer changes.';
  if (!canChange(role)) return 'You have read-only access: responders and admins edit post-mortems.';
  return null;
}

const HOUR = 3_600_000;

/**
 * Where the runbook puts the meeting, in words: "24–72 h after the resolve: from 8 Dec 2026, 14:05 UTC to
 * 10 Dec 2026, 14:05 UTC", or why there is no window (the incident was reopened and is not resolved now).
 */
export function windowText(window: Postmortem['meeting_window'], timeZone?: string): string {
  if (!window) return 'The incident is not resolved now, so there is no 24–72 h window to hold the meeting in.';
  return `24–72 h after the resolve: from ${absolute(window.from, timeZone)} to ${absolute(window.to, timeZone)}`;
}

/** Where a meeting time falls against the window: before it, inside it, after it (null: no window or no time). */
export function placement(
  meetingAt: string | null,
  window: Postmortem['meeting_window'],
): 'early' | 'inside' | 'late' | null {
  if (!meetingAt || !window) return null;
  const at = Date.parse(meetingAt);
  if (at < Date.parse(window.from)) return 'early';
  if (at > Date.parse(window.to)) return 'late';
  return 'inside';
}

/** The hours between the resolve and a meeting time (negative before it), to one decimal. */
export function hoursAfterResolve(meetingAt: string, resolvedAt: string): number {
  return Math.round(((Date.parse(meetingAt) - Date.parse(resolvedAt)) / HOUR) * 10) / 10;
}

/**
 * One of the server's warnings as a sentence for people: the field name it starts with goes
 * ("meeting_at: 12 h after resolution; …" → "The meeting is 12 h after resolution; …").
 */
export function warningText(warning: string): string {
  const match = /^meeting_at:\s*(.*)$/s.exec(warning);
  if (!match) return warning;
  const rest = match[1] ?? '';
  return /^the /i.test(rest) ? `${rest.charAt(0).toUpperCase()}${rest.slice(1)}` : `The meeting is ${rest}`;
}

/** What a section save refused as stale says: whose version won, and that the typed text is safe. */
export function conflictText(currentVersion: number): string {
  return (
    `Someone else saved this section (version ${currentVersion}) while you edited; your text is kept below. ` +
    'Load their version to start again from it, or overwrite it with yours.'
  );
}

/** "Timeline entry included" and its opposite, for the toast after a toggle. */
export const includedText = (included: boolean): string =>
  included ? 'Back in the post-mortem timeline' : 'Left out of the post-mortem timeline';
