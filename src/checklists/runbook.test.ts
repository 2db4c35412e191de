import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import type { Severity } from '../incident.js';
import { AUTO_EVENT_NAMES, phaseEvents } from './auto-events.js';
import { normalizeSteps, pickRunbook, type Runbook, type RunbookStep } from './runbook.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 8, minute));
function runbook(id: string, serviceIds: string[], severities: Severity[], minute = 0, isDefault = false): Runbook {
  return {
    id,
    name: id,
    description: null,
    isDefault,
    appliesTo: { serviceIds, severities },
    steps: [],
    createdAt: at(minute),
    updatedAt: at(minute),
  };
}

describe('pickRunbook', () => {
  const all = [
    runbook('default', [], [], 0, true),
    runbook('p1', [], ['P1'], 1),
    runbook('p1-later', [], ['P1'], 2),
    runbook('pay', ['svc-pay'], [], 3),
    runbook('pay-p0p1', ['svc-pay'], ['P0', 'P1'], 4),
    runbook('library', [], [], 5),
  ];
  it.each([
    ['svc-pay', 'P1', 'pay-p0p1'],
    ['svc-pay', 'P0', 'pay-p0p1'],
    ['svc-pay', 'P2', 'pay'],
    ['svc-search', 'P1', 'p1'],
    [null, 'P1', 'p1'],
    ['svc-search', 'P3', 'default'],
    [null, 'P2', 'default'],
  ] as const)('service %s, severity %s → %s', (service, severity, expected) => {
    expect(pickRunbook(all, service, severity)?.id).toBe(expected);
    expect(pickRunbook([...all].reverse(), service, severity)?.id).toBe(expected);
  });
  it('has nothing to pick without runbooks, and no default', () => {
    expect(pickRunbook([], 'svc-pay', 'P1')).toBeUndefined();
    expect(pickRunbook([runbook('library', [], [])], null, 'P1')).toBeUndefined();
  });
});

describe('normalizeSteps', () => {
  const step = (phase: RunbookStep['phase'], text: string, autoCompleteOn: string | null = null): RunbookStep => ({
    phase,
    text,
    link: null,
    call: null,
    autoCompleteOn,
    action: null,
  });
  it('orders steps by phase, keeping the given order within one', () => {
    const steps = [step('post_mortem', 'a'), step('detection', 'b'), step('resolution', 'c'), step('detection', 'd')];
    expect(normalizeSteps(steps).map((s) => s.text)).toEqual(['b', 'd', 'c', 'a']);
  });
  it('refuses an unknown event with 422 naming the step and every known event', () => {
    const error = (() => {
      try {
        normalizeSteps([
          step('detection', 'ok', 'incident.resolved'),
          step('detection', 'x', 'incident.phase:detection'),
        ]);
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error?.kind).toBe('unprocessable');
    expect(error?.message).toMatch(/^steps\[1\]\.auto_complete_on: "incident\.phase:detection" is not an event/);
    for (const known of AUTO_EVENT_NAMES) expect(error?.message).toContain(known);
  });
});

describe('phaseEvents', () => {
  it.each([
    ['detection', []],
    ['investigation', ['incident.phase:investigation']],
    ['mitigation', ['incident.phase:investigation', 'incident.phase:mitigation']],
    ['resolution', ['incident.phase:investigation', 'incident.phase:mitigation', 'incident.phase:resolution']],
  ] as const)('%s → %j', (phase, events) => expect(phaseEvents(phase)).toEqual(events));
});
