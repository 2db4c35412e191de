// Severity in words: why an incident has the severity it has (from the classification rule that
// chose it, src/alerts/classify.ts) and what changing it will do. The rule's id is for the
// "Technical details" disclosure only; people read the sentence.
import type { Phase, Severity } from '../shared/api.ts';
import { SEVERITY_LABEL } from '../shared/format.ts';
import { absolute, count } from '../ui/words.ts';

/** The seed rules of src/alerts/classify.ts: the severity each gives and the reason in words. */
const RULES: Record<string, { severity: Severity; because: string }> = {
  'seed.p0_class': {
    severity: 'P0',
    because:
      'the alert reports an outage, data loss or corruption, a security breach, a payment failure or a GDPR violation',
  },
  'seed.p0_category': {
    severity: 'P0',
    because:
      'the alert reports an outage, data loss or corruption, a security breach, a payment failure or a GDPR violation',
  },
  'seed.p0_all_users': { severity: 'P0', because: 'all users are affected' },
  'seed.p1_most_users': { severity: 'P1', because: 'more than 50 % of users are affected' },
  'seed.p1_latency_over_200': { severity: 'P1', because: 'responses are more than 200 % slower than usual' },
  'seed.p2_latency_100_200': { severity: 'P2', because: 'responses are 100–200 % slower than usual' },
  'seed.p1_class': {
    severity: 'P1',
    because: 'an edge function, the database connection or sign-in (authentication) is failing',
  },
  'severity.critical': { severity: 'P1', because: 'the monitoring tool sent the alert as critical' },
  'severity.error': { severity: 'P2', because: 'the monitoring tool sent the alert as an error' },
  'severity.warning': { severity: 'P3', because: 'the monitoring tool sent the alert as a warning' },
};

/** The reason a rule gives, as the end of "P1 because …"; null for a rule Vigil does not ship. */
export function ruleReason(rule: string | null | undefined): string | null {
  return (rule && RULES[rule]?.because) ?? null;
}

/**
 * "P1 because more than 50 % of users are affected." for the incident's current severity and the
 * rule that classified its first alert (null when a person opened it). When someone changed the
 * severity since, the sentence says so and keeps the rule's reason for the severity it opened with.
 */
export function severityWhy(severity: Severity, rule: string | null | undefined): string {
  if (!rule) return `${severity}: chosen by the person who opened the incident.`;
  const known = RULES[rule];
  if (!known) return `${severity} from one of this service's own severity rules.`;
  if (known.severity === severity) return `${severity} because ${known.because}.`;
  return `${severity}, changed by hand. It opened as ${known.severity} because ${known.because}.`;
}

/** How often stakeholders expect a status update, per severity (src/notify/update-due.ts). */
export const UPDATE_CADENCE_MS: Readonly<Partial<Record<Severity, number>>> = {
  P0: 30 * 60_000,
  P1: 60 * 60_000,
};

/**
 * "every 30 minutes", "every hour", or null when there is no cadence: for a severity (the table above, used
 * to say what a change would do) or for a cadence in seconds as the server states it for an incident.
 */
export function cadenceText(of: Severity | { seconds: number | null }): string | null {
  const ms = typeof of === 'string' ? UPDATE_CADENCE_MS[of] : of.seconds === null ? undefined : of.seconds * 1000;
  if (!ms) return null;
  const [n, unit] = ms % 3_600_000 === 0 ? [ms / 3_600_000, 'hour'] : [ms / 60_000, 'minute'];
  return n === 1 ? `every ${unit}` : `every ${count(n, unit)}`;
}

/** What a severity change will do, one sentence a line, for the confirmation dialog. */
export function severityChangeEffects(from: Severity, to: Severity, acknowledged: boolean): string[] {
  const cadence = cadenceText(to);
  return [
    `The incident becomes ${SEVERITY_LABEL[to]} (now ${SEVERITY_LABEL[from]}).`,
    acknowledged
      ? 'It is already acknowledged, so its response target stays as it was.'
      : `Its response target follows: the time to acknowledge becomes ${SEVERITY_LABEL[to]}'s, ` +
        'counted from when it opened.',
    cadence
      ? `Stakeholders expect a status update ${cadence}.`
      : `${to} has no regular status-update cadence: the next update is due only when an update names a time.`,
    'The timeline records the change, who made it and your reason.',
  ];
}

/** When each phase's time box ends, counted from the incident's start (src/incident.ts PHASE_ENDS). */
export const PHASE_ENDS_MS: Readonly<Record<Phase, number | null>> = {
  detection: 5 * 60_000,
  investigation: 20 * 60_000,
  mitigation: 45 * 60_000,
  resolution: null,
};

/** The phase's time-box end for an incident opened at `createdAt`, or null (open-ended). */
export function phaseEnd(createdAt: string, phase: Phase): number | null {
  const end = PHASE_ENDS_MS[phase];
  return end === null ? null : Date.parse(createdAt) + end;
}

/** What moving to `to` will do, one sentence a line, for the confirmation dialog. */
export function phaseChangeEffects(createdAt: string, from: Phase, to: Phase, now: number): string[] {
  const end = phaseEnd(createdAt, to);
  const ends = end === null ? '' : absolute(new Date(end).toISOString());
  return [
    `The incident moves from ${from} to ${to}, and the phase clock starts again.`,
    end === null
      ? `${capital(to)} has no time box: it lasts until the incident is resolved.`
      : end < now
        ? `${capital(to)}'s time box (counted from when the incident opened) ended ${ends}, ` +
          'so the phase shows as overdue at once.'
        : `${capital(to)}'s time box ends ${ends}, counted from when the incident opened.`,
    'The timeline records the move and who made it.',
  ];
}

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
