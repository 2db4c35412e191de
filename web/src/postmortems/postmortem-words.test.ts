import { describe, expect, it } from 'vitest';
import {
  canEdit,
  conflictText,
  hoursAfterResolve,
  placement,
  readOnlyReason,
  stateMoves,
  warningText,
  windowText,
} from './postmortem-words.ts';

const RESOLVED = '2026-12-07T10:00:00.000Z';
const WINDOW = { from: '2026-12-08T10:00:00.000Z', to: '2026-12-10T10:00:00.000Z' };

describe('state moves', () => {
  it.each([
    ['draft', 'responder', ['in_review']],
    ['in_review', 'responder', ['draft', 'published']],
    ['published', 'admin', []],
    ['draft', 'viewer', []],
    ['in_review', 'viewer', []],
  ] as const)('%s for a %s: %j', (state, role, moves) => {
    expect(stateMoves(state, role).map((m) => m.to)).toEqual(moves);
  });

  it('names the buttons and asks before publishing only', () => {
    expect(stateMoves('draft', 'admin')).toEqual([{ to: 'in_review', label: 'Send for review', confirm: false }]);
    expect(stateMoves('in_review', 'admin')).toEqual([
      { to: 'draft', label: 'Back to draft', confirm: false },
      { to: 'published', label: 'Publish', confirm: true },
    ]);
  });
});

describe('who edits', () => {
  it.each([
    ['draft', 'responder', true, null],
    ['in_review', 'admin', true, null],
    ['published', 'admin', false, /final/],
    ['draft', 'viewer', false, /read-only access/],
    ['published', 'viewer', false, /final/],
  ] as const)('%s for a %s', (state, role, editable, reason) => {
    expect(canEdit(state, role)).toBe(editable);
    const why = readOnlyReason(state, role);
    if (reason === null) expect(why).toBeNull();
    else expect(why).toMatch(reason);
  });
});

describe('the meeting window', () => {
  it('states the window, or why there is none', () => {
    expect(windowText(WINDOW, 'UTC')).toBe(
      '24–72 h after the resolve: from 8 Dec 2026, 10:00 UTC to 10 Dec 2026, 10:00 UTC',
    );
    expect(windowText(null)).toMatch(/not resolved now/);
  });

  it.each([
    [null, null],
    ['2026-12-07T22:00:00.000Z', 'early'],
    ['2026-12-08T10:00:00.000Z', 'inside'],
    ['2026-12-09T10:00:00.000Z', 'inside'],
    ['2026-12-10T10:00:00.000Z', 'inside'],
    ['2026-12-10T10:01:00.000Z', 'late'],
  ] as const)('a meeting at %s is %s', (at, where) => {
    expect(placement(at, WINDOW)).toBe(where);
  });

  it('has no placement without a window', () => {
    expect(placement('2026-12-09T10:00:00.000Z', null)).toBeNull();
  });

  it('counts the hours after the resolve, to a tenth', () => {
    expect(hoursAfterResolve('2026-12-07T22:00:00.000Z', RESOLVED)).toBe(12);
    expect(hoursAfterResolve('2026-12-07T09:30:00.000Z', RESOLVED)).toBe(-0.5);
    expect(hoursAfterResolve('2026-12-09T10:20:00.000Z', RESOLVED)).toBe(48.3);
  });

  it("turns the server's warnings into sentences", () => {
    expect(
      warningText(
        "meeting_at: 12 h after resolution; the runbook's post-mortem meeting falls 24–72 h after resolution",
      ),
    ).toBe("The meeting is 12 h after resolution; the runbook's post-mortem meeting falls 24–72 h after resolution");
    expect(warningText('meeting_at: 3 h before resolution; …')).toBe('The meeting is 3 h before resolution; …');
    expect(
      warningText('meeting_at: the incident is not resolved, so the 24–72 h window after resolution cannot be checked'),
    ).toBe('The incident is not resolved, so the 24–72 h window after resolution cannot be checked');
    expect(warningText('something else')).toBe('something else');
  });
});

describe('a refused save', () => {
  it('names their version and keeps the text', () => {
    expect(conflictText(4)).toMatch(
      /^Someone else saved this section \(version 4\) while you edited; your text is kept/,
    );
    expect(conflictText(4)).toMatch(/overwrite/);
  });
});
