import { describe, expect, it } from 'vitest';
import type { Runbook } from '../shared/api.ts';
import {
  addStep,
  appliesToWords,
  blankStep,
  bodyOf,
  byPhase,
  canMove,
  changeStep,
  draftOf,
  moveStep,
  orList,
  removeStep,
  stepsNamedIn,
  type DraftStep,
  type Phase,
} from './runbook-draft.ts';

const step = (phase: Phase, text: string): DraftStep => ({ ...blankStep(phase), text });
const texts = (steps: readonly DraftStep[]) => steps.map((s) => s.text);

const runbook: Runbook = {
  id: 'rb_1',
  name: 'Payments P1',
  description: null,
  default: false,
  applies_to: { service_ids: ['svc_pay'], severities: ['P1'] },
  steps: [
    {
      phase: 'mitigation',
      text: 'Fail over',
      link: null,
      call: null,
      auto_complete_on: null,
      action: 'failover-backup',
    },
    {
      phase: 'detection',
      text: 'Health check',
      link: 'https://dash.example.com',
      call: { function: 'production-monitoring', action: 'health_check' },
      auto_complete_on: 'incident.acknowledged',
      action: null,
    },
    { phase: 'detection', text: 'Page the lead', link: null, call: null, auto_complete_on: null, action: null },
  ],
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-02T10:00:00Z',
};

describe('the draft', () => {
  it('copies a runbook, steps in phase order (a phase keeps its order), optional fields as empty text', () => {
    const d = draftOf(runbook);
    expect(d).toMatchObject({ name: 'Payments P1', description: '', serviceIds: ['svc_pay'], severities: ['P1'] });
    expect(texts(d.steps)).toEqual(['Health check', 'Page the lead', 'Fail over']);
    expect(d.steps[1]).toMatchObject({ link: '', callFunction: '', callAction: '', autoCompleteOn: '' });
    expect(new Set(d.steps.map((s) => s.key)).size).toBe(3);
  });

  it('duplicates under "Copy of …", assigned to nothing, with every step', () => {
    const d = draftOf(runbook, true);
    expect(d).toMatchObject({ name: 'Copy of Payments P1', serviceIds: [], severities: [] });
    expect(d.steps).toHaveLength(3);
  });

  it('starts empty for a new runbook', () => {
    expect(draftOf()).toEqual({ name: '', description: '', serviceIds: [], severities: [], steps: [] });
  });
});

describe('steps', () => {
  const a1 = step('detection', 'a1');
  const a2 = step('detection', 'a2');
  const a3 = step('detection', 'a3');
  const m1 = step('mitigation', 'm1');
  const p1 = step('post_mortem', 'p1');
  const steps = [a1, a2, a3, m1, p1];

  it('adds a step at the end of its phase, before later phases', () => {
    expect(texts(addStep(steps, step('detection', 'a4')))).toEqual(['a1', 'a2', 'a3', 'a4', 'm1', 'p1']);
    expect(texts(addStep(steps, step('investigation', 'i1')))).toEqual(['a1', 'a2', 'a3', 'i1', 'm1', 'p1']);
    expect(texts(addStep([], step('resolution', 'r1')))).toEqual(['r1']);
  });

  it.each([
    ['a2', 'up', ['a2', 'a1', 'a3', 'm1', 'p1']],
    ['a2', 'down', ['a1', 'a3', 'a2', 'm1', 'p1']],
    ['a1', 'up', ['a1', 'a2', 'a3', 'm1', 'p1']],
    ['a3', 'down', ['a1', 'a2', 'a3', 'm1', 'p1']],
    ['m1', 'up', ['a1', 'a2', 'a3', 'm1', 'p1']],
    ['m1', 'down', ['a1', 'a2', 'a3', 'm1', 'p1']],
  ] as const)('moves %s %s within its phase only', (text, direction, expected) => {
    const key = steps.find((s) => s.text === text)?.key ?? -1;
    expect(texts(moveStep(steps, key, direction))).toEqual(expected);
    expect(canMove(steps, key, direction)).toBe(texts(steps).join() !== expected.join());
  });

  it('leaves the list alone for an unknown step', () => {
    expect(texts(moveStep(steps, -1, 'up'))).toEqual(texts(steps));
    expect(canMove(steps, -1, 'down')).toBe(false);
    expect(texts(changeStep(steps, -1, { text: 'x' }))).toEqual(texts(steps));
  });

  it('changes a step in place, or moves it to the end of its new phase', () => {
    expect(texts(changeStep(steps, a2.key, { text: 'A2' }))).toEqual(['a1', 'A2', 'a3', 'm1', 'p1']);
    const moved = changeStep(steps, a1.key, { phase: 'mitigation' });
    expect(texts(moved)).toEqual(['a2', 'a3', 'm1', 'a1', 'p1']);
    expect(moved[3]?.phase).toBe('mitigation');
  });

  it('removes a step', () => {
    expect(texts(removeStep(steps, m1.key))).toEqual(['a1', 'a2', 'a3', 'p1']);
  });

  it('groups by phase, every phase listed even when empty', () => {
    const groups = byPhase(steps);
    expect(groups.map(([phase, list]) => [phase, texts(list)])).toEqual([
      ['detection', ['a1', 'a2', 'a3']],
      ['investigation', []],
      ['mitigation', ['m1']],
      ['resolution', []],
      ['post_resolution', []],
      ['post_mortem', ['p1']],
    ]);
  });
});

describe('the body sent', () => {
  it('trims, sends empty optional fields as null, and a call when either half is filled', () => {
    const d = draftOf(runbook);
    d.name = '  Payments P1 ';
    d.description = '   ';
    d.steps = changeStep(d.steps, d.steps[1]?.key ?? -1, { callAction: 'restart ', link: ' ' });
    expect(bodyOf(d, false)).toEqual({
      name: 'Payments P1',
      description: null,
      applies_to: { service_ids: ['svc_pay'], severities: ['P1'] },
      steps: [
        {
          phase: 'detection',
          text: 'Health check',
          link: 'https://dash.example.com',
          call: { function: 'production-monitoring', action: 'health_check' },
          auto_complete_on: 'incident.acknowledged',
          action: null,
        },
        {
          phase: 'detection',
          text: 'Page the lead',
          link: null,
          call: { function: '', action: 'restart' },
          auto_complete_on: null,
          action: null,
        },
        {
          phase: 'mitigation',
          text: 'Fail over',
          link: null,
          call: null,
          auto_complete_on: null,
          action: 'failover-backup',
        },
      ],
    });
  });

  it("leaves out the default runbook's assignment", () => {
    expect(bodyOf(draftOf(runbook), true)).not.toHaveProperty('applies_to');
  });
});

describe('in words', () => {
  const names: Record<string, string> = { svc_pay: 'Payments', svc_search: 'Search', svc_db: 'Orders DB' };
  const name = (id: string) => names[id] ?? id;
  const words = (service_ids: string[], severities: Runbook['applies_to']['severities'], isDefault = false) =>
    appliesToWords({ default: isDefault, applies_to: { service_ids, severities } }, name);

  it.each([
    [[], [], true, 'every incident not assigned elsewhere'],
    [[], [], false, 'nothing yet (assigned to no service or severity)'],
    [['svc_pay'], ['P1'], false, 'P1 incidents of Payments'],
    [['svc_pay', 'svc_search'], [], false, 'every incident of Payments or Search'],
    [[], ['P1', 'P0'], false, 'P0 or P1 incidents of any service'],
    [
      ['svc_pay', 'svc_search', 'svc_gone'],
      ['P3', 'P0', 'P2'],
      false,
      'P0, P2 or P3 incidents of Payments, Search or svc_gone',
    ],
  ] as const)('%j %j (default %s): %s', (services, severities, isDefault, expected) => {
    expect(words([...services], [...severities], isDefault)).toBe(expected);
  });

  it('lists with "or"', () => {
    expect([orList([]), orList(['a']), orList(['a', 'b']), orList(['a', 'b', 'c'])]).toEqual([
      '',
      'a',
      'a or b',
      'a, b or c',
    ]);
  });

  it('names the steps a refusal points at, by phase and place', () => {
    const d = draftOf(runbook).steps;
    expect(stepsNamedIn('body.steps.2.link: must be an http(s) URL; body.steps.2.text: too long', d)).toEqual([
      'Step 1 of Phase 3 · Mitigation: “Fail over”',
    ]);
    expect(stepsNamedIn('steps[1].auto_complete_on: "x" is not an event Vigil knows', d)).toEqual([
      'Step 2 of Phase 1 · Detection and initial response: “Page the lead”',
    ]);
    expect(stepsNamedIn('name: is required', d)).toEqual([]);
    expect(stepsNamedIn('steps.9.text: too long', d)).toEqual([]);
  });
});
