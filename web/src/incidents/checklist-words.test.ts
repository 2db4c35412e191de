// Checklist words: event names in words, steps grouped by phase in order, and how a step got done.
import { describe, expect, it } from 'vitest';
import type { ChecklistStep } from '../shared/api.ts';
import { byPhase, doneBy, eventLabel } from './checklist-words.ts';

const step = (position: number, phase: ChecklistStep['phase'], over: Partial<ChecklistStep> = {}): ChecklistStep => ({
  id: `s${position}`,
  position,
  phase,
  text: `step ${position}`,
  link: null,
  call: null,
  auto_complete_on: null,
  action: null,
  done: false,
  done_at: null,
  ticked_by: null,
  completed_on: null,
  auto_completed_at: null,
  ...over,
});

describe('checklist words', () => {
  it('names the events, phases included', () => {
    expect(eventLabel('incident.acknowledged')).toBe('the incident was acknowledged');
    expect(eventLabel('incident.phase:mitigation')).toBe('the incident reached mitigation');
    expect(eventLabel('action.succeeded')).toBe('its mitigation action succeeded');
    expect(eventLabel('monitoring.enhanced_window_ended')).toMatch(/24 hours/);
    expect(eventLabel('something.new')).toBe('something.new');
  });

  it('groups the steps by phase in the seed order, each in its position order', () => {
    const groups = byPhase([
      step(3, 'investigation'),
      step(1, 'detection'),
      step(9, 'post_mortem'),
      step(2, 'detection'),
    ]);
    expect(groups.map(([phase, steps]) => [phase, steps.map((s) => s.position)])).toEqual([
      ['detection', [1, 2]],
      ['investigation', [3]],
      ['post_mortem', [9]],
    ]);
  });

  it('says who or what completed a step', () => {
    expect(doneBy(step(1, 'detection'))).toBe('');
    expect(doneBy(step(1, 'detection', { done: true, ticked_by: { type: 'user', id: 'u1', name: 'ana' } }))).toBe(
      'ticked by ana',
    );
    expect(doneBy(step(1, 'detection', { done: true, completed_on: 'incident.resolved' }))).toBe(
      'done by itself: the incident was resolved',
    );
  });
});
