// The events a runbook step may auto-complete on: the one list, pure. Each names something that happens
// to one incident; whichever feature sees it happen calls the checklists service's completeOn (app.ts
// wires the reactions), and every step of that incident's checklist waiting for it completes itself.
import { PHASES, type Phase } from '../incident.js';

/** Phases an incident moves into after it opens (it opens in detection, so that one is never "reached"). */
const REACHABLE: readonly Phase[] = PHASES.filter((p) => p !== 'detection');

/** Event → what it means, in the words the API and the docs use. */
export const AUTO_EVENTS: Readonly<Record<string, string>> = Object.freeze({
  'incident.acknowledged': 'the incident is acknowledged',
  ...Object.fromEntries(
    REACHABLE.map((p) => [`incident.phase:${p}`, `the incident reaches the ${p} phase (or a later one)`]),
  ),
  'incident.resolved': 'the incident is resolved',
  'notification.resolution_delivered': "the resolution notification is delivered to a stakeholder's channel",
  'monitoring.enhanced_window_ended':
    'the 24 hours of enhanced monitoring after the resolve end with no recurrence (still resolved, and no ' +
    'incident of its service opened since)',
  'postmortem.meeting_scheduled': "the post-mortem's meeting time is set",
});

export type AutoEvent = string;

/** Every known event name, in a stable order (for the 422 that names them). */
export const AUTO_EVENT_NAMES: readonly string[] = Object.freeze(Object.keys(AUTO_EVENTS));

export const isAutoEvent = (name: string): boolean => Object.hasOwn(AUTO_EVENTS, name);

/**
 * The events an incident moving into `phase` sets off: that phase and every earlier reachable one, so a
 * step waiting for "investigation" completes also when the incident skips straight to mitigation.
 */
export function phaseEvents(phase: Phase): string[] {
  const upTo = PHASES.indexOf(phase);
  return REACHABLE.filter((p) => PHASES.indexOf(p) <= upTo).map((p) => `incident.phase:${p}`);
}
