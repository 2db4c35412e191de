// The header's clocks and its one "next deadline": the earliest of what is still due.
import { describe, expect, it } from 'vitest';
import type { IncidentDetail } from '../shared/api.ts';
import { canEscalate, escalationText, nextDeadline, phaseText, responseText } from './incident-page-clocks.ts';

const NOW = Date.parse('2026-12-07T10:03:00.000Z');
const incident = (over: Partial<IncidentDetail> = {}): IncidentDetail =>
  ({
    id: 'i1',
    number: 'INC-20261207-0001',
    title: 't',
    severity: 'P1',
    status: 'triggered',
    phase: 'detection',
    created_at: '2026-12-07T10:00:00.000Z',
    phase_started_at: '2026-12-07T10:00:00.000Z',
    phase_due_at: '2026-12-07T10:05:00.000Z',
    ack_due_at: '2026-12-07T10:15:00.000Z',
    acknowledged_at: null,
    resolved_at: null,
    next_escalation_at: '2026-12-07T10:10:00.000Z',
    response_breached: false,
    phase_overdue: false,
    ...over,
  }) as IncidentDetail;

describe('nextDeadline', () => {
  it('leads with whatever comes first', () => {
    expect(nextDeadline(incident(), null, NOW)).toMatchObject({
      what: 'End of the detection time box',
      text: 'End of the detection time box in 2m',
      overdue: false,
    });
    expect(nextDeadline(incident({ phase_due_at: null }), null, NOW)?.text).toBe('Next escalation in 7m');
    expect(
      nextDeadline(incident({ phase_due_at: null, next_escalation_at: null }), '2026-12-07T10:04:00.000Z', NOW)?.text,
    ).toBe('Status update in 1m');
  });

  it('shows an overdue deadline as overdue, and nothing once resolved', () => {
    const late = nextDeadline(incident({ phase_due_at: null, ack_due_at: '2026-12-07T10:01:00.000Z' }), null, NOW);
    expect(late).toMatchObject({ what: 'Acknowledge', overdue: true, text: 'Acknowledge: 2m overdue' });
    expect(
      nextDeadline(
        incident({ acknowledged_at: NOW.toString(), phase_due_at: null, next_escalation_at: null }),
        null,
        NOW,
      ),
    ).toBeNull();
    expect(nextDeadline(incident({ status: 'resolved' }), null, NOW)).toBeNull();
  });
});

describe('clock texts', () => {
  it('reads the phase and the response target', () => {
    expect(phaseText(incident(), NOW)).toBe('detection, 3m in, time box ends in 2m');
    expect(responseText(incident(), NOW)).toBe('acknowledge in 12m');
    expect(responseText(incident({ acknowledged_at: '2026-12-07T10:02:00.000Z' }), NOW)).toBe(
      'acknowledged after 2m, within target',
    );
  });
});

describe('escalation', () => {
  it('words why it stopped and offers "Escalate now" while a level is left', () => {
    const done = incident({ escalation_level: 4, next_escalation_at: null });
    expect(escalationText(done, NOW, 'policy exhausted')).toBe('level 4 (stopped: every level was tried)');
    expect(canEscalate(done, 'policy exhausted')).toBe(false);
    expect(canEscalate(done, 'acknowledged')).toBe(true);
    expect(canEscalate(done, null)).toBe(true);
    expect(canEscalate(incident({ status: 'resolved' }), null)).toBe(false);
  });
});
