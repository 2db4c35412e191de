// Why an incident has its severity, in a sentence per seed rule, and what a change will do.
import { describe, expect, it } from 'vitest';
import { cadenceText, phaseChangeEffects, severityChangeEffects, severityWhy } from './incident-page-severity.ts';

describe('severityWhy', () => {
  const cases: Array<[string, string | null, string]> = [
    ['P1', 'seed.p1_most_users', 'P1 because more than 50 % of users are affected.'],
    ['P0', 'seed.p0_all_users', 'P0 because all users are affected.'],
    [
      'P0',
      'seed.p0_class',
      'P0 because the alert reports an outage, data loss or corruption, a security breach, ' +
        'a payment failure or a GDPR violation.',
    ],
    ['P1', 'seed.p1_latency_over_200', 'P1 because responses are more than 200 % slower than usual.'],
    ['P2', 'seed.p2_latency_100_200', 'P2 because responses are 100–200 % slower than usual.'],
    ['P1', 'severity.critical', 'P1 because the monitoring tool sent the alert as critical.'],
    ['P3', 'severity.warning', 'P3 because the monitoring tool sent the alert as a warning.'],
    [
      'P0',
      'severity.critical',
      'P0, changed by hand. It opened as P1 because the monitoring tool sent the alert as critical.',
    ],
    ['P2', null, 'P2: chosen by the person who opened the incident.'],
    ['P2', 'checkout.payments_down', "P2 from one of this service's own severity rules."],
  ];
  it.each(cases)('%s by %s', (severity, rule, sentence) => {
    expect(severityWhy(severity as 'P0', rule)).toBe(sentence);
  });
});

describe('what a change does', () => {
  it('names the cadence in words', () => {
    expect(cadenceText('P0')).toBe('every 30 minutes');
    expect(cadenceText('P1')).toBe('every hour');
    expect(cadenceText('P3')).toBeNull();
  });

  it('says a severity change moves the response target only while unanswered', () => {
    expect(severityChangeEffects('P1', 'P0', false).join(' ')).toMatch(
      /becomes P0 critical \(now P1 high\).*response target follows.*every 30 minutes/,
    );
    expect(severityChangeEffects('P1', 'P3', true).join(' ')).toMatch(/stays as it was.*P3 has no regular/);
  });

  it("says when the new phase's time box ends, or that it is already over", () => {
    const opened = '2026-12-07T10:00:00.000Z';
    const early = Date.parse('2026-12-07T10:03:00.000Z');
    expect(phaseChangeEffects(opened, 'detection', 'investigation', early).join(' ')).toMatch(
      /Investigation's time box ends 7 Dec 2026/,
    );
    expect(phaseChangeEffects(opened, 'detection', 'investigation', early + 3_600_000).join(' ')).toMatch(
      /ended .* overdue at once/,
    );
    expect(phaseChangeEffects(opened, 'mitigation', 'resolution', early).join(' ')).toMatch(/no time box/);
  });
});
