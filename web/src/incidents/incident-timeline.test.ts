// Timeline entries in words: every kind the server writes gets a readable label and lines (never raw
// JSON), unknown kinds a humanised label and the generic view, and runs of skipped levels one row.
import { describe as group, expect, it } from 'vitest';
import type { TimelineEvent } from '../shared/api.ts';
import { byPhase, describe, humanize, rows, source } from './incident-timeline.ts';

const AT = '2026-11-28T10:00:00.000Z';
const BR = { breach_id: 'brc1', breach_number: 'BR-20261128-0001' };
let n = 0;
const entry = (kind: string, data: Record<string, unknown>, at = AT, actor = 'user'): TimelineEvent => ({
  id: `evt${(n += 1)}`,
  at,
  actor: actor === 'user' ? { type: 'user', id: 'u1', name: 'ana' } : { type: actor, id: null, name: 'engine' },
  kind,
  data,
});

group('describe', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp, RegExp[]]> = [
    [
      'created',
      { title: 't', severity: 'P1', service: 'checkout', ack_due_at: AT, classified_by: 'severity.critical' },
      /^Opened as P1 high$/,
      [/Service checkout/, /Respond by/, /^P1 high because the monitoring tool sent the alert as critical$/m],
    ],
    [
      'acknowledged',
      { response_ms: 125_000, within_target: true },
      /^Incident acknowledged$/,
      [/after 2m, within the response target/],
    ],
    [
      'acknowledged',
      { response_ms: 1_200_000, within_target: false },
      /^Incident acknowledged$/,
      [/after 20m, after the response target/],
    ],
    [
      'resolved',
      { duration_ms: 3_900_000, previous_phase: 'mitigation' },
      /^Incident resolved$/,
      [/after 1h 5m/, /from the mitigation phase/],
    ],
    ['reopened', { phase: 'investigation', reason: 'back again' }, /^Incident reopened$/, [/back to investigation/]],
    [
      'severity_changed',
      { from: 'P2', to: 'P0', ack_due_at: AT },
      /^Severity changed from P2 medium to P0 critical$/,
      [/Respond by/],
    ],
    [
      'phase_changed',
      { from: 'detection', to: 'investigation', due_at: AT },
      /^Phase moved from detection to investigation$/,
      [/time box ends/],
    ],
    ['phase_changed', { from: 'mitigation', to: 'resolution', due_at: null }, /to resolution$/, [/open-ended/]],
    [
      'role_assigned',
      { role: 'incident_commander', user: 'casey', previous: 'bo' },
      /^Incident commander assigned to @casey$/,
      [/was @bo/],
    ],
    ['role_unassigned', { role: 'communication_lead', previous: 'bo' }, /^Communication lead unassigned$/, [/was @bo/]],
    [
      'response_breached',
      { severity: 'P1', ack_due_at: AT, late_ms: 61_000 },
      /^Response target missed$/,
      [/P1 high was due/, /1m late/],
    ],
    [
      'alert_added',
      { summary: 'Checkout 500s', severity: 'critical', classified_as: 'P1', rule: 'severity.critical' },
      /^Alert added$/,
      [/Checkout 500s/, /Sent as critical, classified P1 high/, /because the monitoring tool sent/],
    ],
    [
      'alerts_added',
      {
        count: 12,
        alerts: [
          { summary: 'a', classified_as: 'P2' },
          { summary: 'b', classified_as: 'P2' },
        ],
      },
      /^12 alerts added$/,
      [/a \(P2 medium\)/, /… and 10 more/],
    ],
    ['alerts_resolved', { count: 3, alert_ids: ['a1', 'a2', 'a3'] }, /^3 alerts resolved with the incident$/, []],
    ['alerts_resolved', { count: 1, alert_ids: ['a1'] }, /^1 alert resolved with the incident$/, []],
    [
      'recent_changes',
      { changes: [{ summary: 'Deploy 42', source: 'ci', timestamp: AT }] },
      /^Recent changes to the service: 1$/,
      [/Deploy 42 \(ci\)/],
    ],
    [
      'escalated',
      {
        level: 2,
        name: 'technical lead',
        loop: 0,
        policy: 'Seed',
        paged: [
          { id: 'u1', handle: 'ana' },
          { id: 'u2', handle: 'bo' },
        ],
      },
      /^Escalated to level 2 \(technical lead\)$/,
      [/Paged @ana, @bo/, /Policy Seed/],
    ],
    [
      'escalation_exhausted',
      { policy: 'Seed', reached: 0, admins_paged: 2 },
      /^Escalation ran out of levels$/,
      [/2 admins paged instead/],
    ],
    [
      'escalation_suppressed',
      { reason: 'the service is in maintenance', until: AT },
      /^Escalation suppressed$/,
      [/maintenance/, /until/],
    ],
    [
      'status_update',
      { status_text: 'Rolled back', next_update_at: AT, notified: 3 },
      /^Status update sent$/,
      [/to 3 stakeholder/, /next update by/],
    ],
    [
      'update_overdue',
      { due_at: AT, next_reminder_at: null, reminded: ['ana'], via: 'roles', notifications: 1 },
      /^Status update overdue$/,
      [/was due/, /reminded @ana/],
    ],
    [
      'notification_sent',
      { kind: 'page', channel: 'email', destination: 'a@b.test', attempt: 1 },
      /^Notification sent: page by email$/,
      [/to a@b\.test/],
    ],
    [
      'notification_sent',
      { kind: 'page', channel: 'webhook', destination: 'https://h.test', attempt: 2, resent_after_lost_sender: true },
      /^Notification sent: page by webhook$/,
      [/attempt 2/, /sent again: the server sending it first stopped mid-send/],
    ],
    [
      'notification_unknown',
      { kind: 'page', channel: 'webhook', destination: 'https://h.test', send_started_at: AT, reason: 'x' },
      /^Notification outcome unknown: page by webhook$/,
      [/to https:\/\/h\.test/, /a send began/, /not sent again: the incident was answered meanwhile/],
    ],
    [
      'notification_retried',
      { kind: 'update', channel: 'webhook', attempt: 2, error: 'HTTP 503', next_attempt_at: AT },
      /^Notification failed, retrying/,
      [/error: HTTP 503/, /attempt 2/],
    ],
    [
      'notification_dead',
      { kind: 'page', channel: 'sms', attempts: 5, error: 'refused' },
      /^Notification undeliverable: page by sms$/,
      [/after 5 attempt/, /refused/],
    ],
    // Checklist steps and post-mortem steps.
    [
      'checklist_ticked',
      { step_id: 's1', position: 3, phase: 'detection', text: 'Assess the scope' },
      /^Checklist: Assess the scope done$/,
      [],
    ],
    [
      'checklist_completed',
      { step_id: 's0', position: 1, phase: 'detection', text: 'Acknowledge the alert', event: 'incident.acknowledged' },
      /^Checklist: Acknowledge the alert done by itself$/,
      [/because the incident was acknowledged/],
    ],
    ['postmortem_created', { postmortem_id: 'pm1', owner: 'ana' }, /^Post-mortem drafted$/, [/owner @ana/]],
    ['postmortem_meeting_scheduled', { postmortem_id: 'pm1', meeting_at: AT }, /^Post-mortem meeting set$/, [/^for /]],
    [
      'postmortem_published',
      { postmortem_id: 'pm1', from: 'in_review', to: 'published' },
      /^Post-mortem published$/,
      [],
    ],
    // Follow-ups as their service writes them: the title, the owner, the reason for not doing one.
    [
      'follow_up_added',
      { follow_up_id: 'fu1', title: 'Add a replica', owner: 'bob' },
      /^Follow-up added: Add a replica$/,
      [/owner @bob/],
    ],
    [
      'follow_up_completed',
      { follow_up_id: 'fu1', title: 'Add a replica', from: 'outstanding', to: 'completed' },
      /^Follow-up done: Add a replica$/,
      [],
    ],
    [
      'follow_up_not_doing',
      { follow_up_id: 'fu2', title: 'Rewrite the cache', reason: 'replaced by the CDN' },
      /^Follow-up not being done: Rewrite the cache$/,
      [/because replaced by the CDN/],
    ],
    ['follow_up_deleted', { follow_up_id: 'fu3', title: 'Dup' }, /^Follow-up deleted: Dup$/, []],
    ['follow_up_reopened', { follow_up_id: 'fu1', title: 'Add a replica' }, /^Follow-up reopened: Add a replica$/, []],
    // A breach's steps as the server writes them on its incident: the number, times and states, no free text.
    [
      'breach_opened',
      { ...BR, source: 'incident', deadline_at: AT, told: 1 },
      /^Breach opened \(BR-20261128-0001\)$/,
      [
        /flagged on the incident: personal data involved/,
        /report to the supervisory authority by/,
        /1 stakeholder told/,
      ],
    ],
    [
      'breach_opened',
      { ...BR, source: 'classification', deadline_at: AT, told: 0 },
      /^Breach opened/,
      [/opened by the category of the incident’s alert/, /0 stakeholders told/],
    ],
    [
      'breach_reported',
      { ...BR, kind: 'initial', reported_at: AT, late: true },
      /^Reported to the authority \(BR-20261128-0001\)$/,
      [/reported /, /after the 72-hour deadline/],
    ],
    [
      'breach_reported',
      { ...BR, kind: 'supplementary', reported_at: AT, late: false },
      /^Supplementary report to the authority/,
      [/reported /],
    ],
    ['breach_not_notifiable', { ...BR, state: 'not_notifiable' }, /^Documented as not notifiable/, [/unlikely/]],
    ['breach_subjects_decision', { ...BR, decision: 'communicated' }, /^Data subjects told \(Art\. 34\)/, []],
    ['breach_subjects_decision', { ...BR, decision: 'exempt' }, /^Data subjects not told: exempt/, []],
    [
      'breach_reminder_sent',
      { ...BR, reminder: '48h', hours_left: 24, told: 2 },
      /^Reminder: 24 h left to report/,
      [/48h after becoming aware/, /2 stakeholders told/],
    ],
    [
      'breach_overdue',
      { ...BR, deadline_at: AT, told: 1, hours_left: -0.1 },
      /^Overdue: 72 hours passed without a report \(BR-20261128-0001\)$/,
      [/the deadline was/],
    ],
    ['breach_updated', { ...BR, deadline_at: AT }, /^Facts changed/, [/deadline/]],
    ['breach_closed', { ...BR, state: 'closed' }, /^Breach closed \(BR-20261128-0001\)$/, []],
  ];
  it.each(cases)('%s', (kind, data, label, lines) => {
    const d = describe(entry(kind, data));
    expect(d.label).toMatch(label);
    const text = [...d.lines, d.quote ?? ''].join('\n');
    for (const line of lines) expect(text).toMatch(line);
    expect(text).not.toContain('{');
    expect(text).not.toMatch(/\b(seed|severity)\.[a-z_]+/); // rule ids go to the technical details
    expect(d.rest).toBeUndefined();
  });

  it('keeps rule ids and alert ids for the technical details', () => {
    expect(describe(entry('created', { severity: 'P1', classified_by: 'seed.p1_most_users' }))).toMatchObject({
      lines: expect.arrayContaining(['P1 high because more than 50 % of users are affected']),
      technical: ['Severity rule seed.p1_most_users'],
    });
    expect(describe(entry('alerts_resolved', { count: 2, alert_ids: ['a1', 'a2'] })).technical).toEqual([
      'Alert ids a1, a2',
    ]);
    expect(describe(entry('alerts_resolved', { alerts: [{ id: 'a1' }, { id: 'a2' }] }))).toMatchObject({
      label: '2 alerts resolved with the incident',
      technical: ['Alert ids a1, a2'],
    });
  });

  it('keeps what people wrote as written', () => {
    expect(describe(entry('note', { text: 'line 1\nline 2' }))).toMatchObject({
      label: 'Note',
      quote: 'line 1\nline 2',
    });
    // A note marked key (it goes into the post-mortem's timeline) says so.
    expect(describe(entry('note', { text: 'Replica promoted', key: true }))).toMatchObject({
      label: 'Key note',
      quote: 'Replica promoted',
    });
    expect(
      describe(entry('resolved', { duration_ms: 1000, previous_phase: 'detection', note: 'all alerts resolved' }))
        .quote,
    ).toBe('all alerts resolved');
  });

  it('reads the diagnostics check by check, a failed check saying so', () => {
    const d = describe(
      entry('diagnostics', {
        production_health: {
          status: 'degraded',
          problems: ['monitor down: api'],
          services_checked: 3,
          services_not_operational: [{ name: 'api', status: 'down' }],
          vigil: {
            database: { reachable: true, latency_ms: 0.2 },
            outbox: { due: 1, dead_last_24h: 0 },
            escalation_engine: { overdue_escalations: 2 },
          },
        },
        database_health: {
          target: { name: 'vigil' },
          database: { engine: 'postgresql', version: '17.2', reachable: true, latency_ms: 1.5, size_bytes: 52_428_800 },
        },
        error_analytics: { error: 'timed out' },
        performance: {
          time_window: '1h',
          summary: { request_count: 120, error_rate: 0.025 },
          services_checked: 3,
          services_degraded_or_failing: [{ name: 'api', status: 'degraded', error_rate: 0.1, degradation_pct: 240 }],
        },
        took_ms: 1500,
        shared_with: 2,
      }),
    );
    expect(d.label).toBe('Automatic diagnostics');
    expect(d.tone).toBe('bad');
    expect(d.lines.join('\n')).toMatch(/ran in 2s[\s\S]*shared with 2 other/);
    const sections = Object.fromEntries((d.sections ?? []).map((s) => [s.title, s.lines.join('\n')]));
    expect(Object.keys(sections)).toEqual(['Production health', 'Database', 'Errors', 'Performance']);
    expect(sections['Production health']).toMatch(
      new RegExp(
        String.raw`Overall: degraded[\s\S]*Problem: monitor down: api[\s\S]*not operational: api \(down\)` +
          String.raw`[\s\S]*2 escalations overdue[\s\S]*Outbox: 1 due`,
      ),
    );
    expect(sections.Database).toMatch(/vigil: postgresql 17\.2[\s\S]*Reachable, 1\.5 ms, 50\.0 MB/);
    expect(sections.Errors).toBe('Check failed: timed out');
    expect(sections.Performance).toMatch(/120 checks, error rate 2\.5%[\s\S]*api, degraded, errors 10%, 240% slower/);
    expect(d.rest).toBeUndefined();
  });

  it('shows unknown kinds, and known kinds in shapes it does not expect, without failing', () => {
    expect(describe(entry('postmortem_scheduled', { at: AT, room: 'B' }))).toEqual({
      label: 'Postmortem scheduled',
      tone: 'plain',
      lines: [],
      rest: { at: AT, room: 'B' },
    });
    expect(describe(entry('escalated', {})).label).toBe('Escalated to level ?');
    expect(humanize('notification.dead-letter')).toBe('Notification dead letter');
  });
});

group('rows', () => {
  it('folds skipped levels written together into one row, newest entries first as given', () => {
    const skipped = [4, 3, 2, 1].map((level) =>
      entry('escalation_skipped', { level, name: `L${level}`, policy: 'Seed', reason: 'nobody to page at this level' }),
    );
    const later = entry('note', { text: 'x' }, '2026-11-28T10:05:00.000Z');
    const lone = entry(
      'escalation_skipped',
      { level: 1, policy: 'Seed', reason: 'nobody' },
      '2026-11-28T09:00:00.000Z',
    );
    const out = rows([later, ...skipped, lone]);
    expect(out.map((r) => r.described.label)).toEqual([
      'Note',
      'Escalation levels 1, 2, 3, 4 skipped',
      'Escalation level 1 skipped',
    ]);
    expect(out[1]?.described.lines).toEqual([
      'Level 1 (L1): nobody to page at this level',
      'Level 2 (L2): nobody to page at this level',
      'Level 3 (L3): nobody to page at this level',
      'Level 4 (L4): nobody to page at this level',
      'Policy Seed',
    ]);
    expect(new Set(out.map((r) => r.key)).size).toBe(3);
  });
});

group('source', () => {
  const cases: Array<[string, string, string]> = [
    ['note', 'user', 'people'],
    ['role_assigned', 'user', 'people'],
    ['status_update', 'user', 'people'],
    ['acknowledged', 'user', 'people'],
    ['acknowledged', 'system', 'system'],
    ['severity_changed', 'user', 'people'],
    ['created', 'integration', 'system'],
    ['alert_added', 'integration', 'system'],
    ['diagnostics', 'system', 'system'],
    ['escalated', 'system', 'system'],
    ['alerts_resolved', 'user', 'system'],
    ['alerts_resolved', 'system', 'system'],
    ['notification_sent', 'system', 'notifications'],
    ['notification_dead', 'system', 'notifications'],
    ['update_overdue', 'system', 'notifications'],
    ['postmortem_scheduled', 'system', 'system'],
    ['postmortem_scheduled', 'user', 'people'],
  ];
  it.each(cases)('%s by %s → %s', (kind, actor, expected) => {
    expect(source(entry(kind, {}, AT, actor))).toBe(expected);
  });
});

group('byPhase', () => {
  const t = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const phases = (sections: ReturnType<typeof byPhase>) =>
    sections.map((s) => [s.phase, s.from, s.to, s.rows.map((r) => r.described.label)]);

  it('starts a stretch at each phase change, a resolve and a reopening, newest first', () => {
    const events = [
      entry('created', { severity: 'P1' }, t(0), 'integration'),
      entry('note', { text: 'a' }, t(1)),
      entry('phase_changed', { from: 'detection', to: 'investigation' }, t(2)),
      entry('note', { text: 'b' }, t(3)),
      entry('resolved', { previous_phase: 'investigation' }, t(4)),
      entry('reopened', { phase: 'investigation' }, t(5)),
    ].reverse();
    expect(phases(byPhase(rows(events), 'investigation', false))).toEqual([
      ['investigation', t(5), null, ['Incident reopened']],
      ['resolved', t(4), t(5), ['Incident resolved']],
      ['investigation', t(2), t(4), ['Note', 'Phase moved from detection to investigation']],
      ['detection', t(0), t(2), ['Note', 'Opened as P1 high']],
    ]);
  });

  it('puts entries older than the first change loaded in the phase it left, or in the phase now', () => {
    const partial = [
      entry('note', { text: 'old' }, t(1)),
      entry('phase_changed', { from: 'investigation', to: 'mitigation' }, t(2)),
    ].reverse();
    expect(phases(byPhase(rows(partial), 'mitigation', false)).map((p) => p[0])).toEqual([
      'mitigation',
      'investigation',
    ]);
    expect(phases(byPhase(rows([entry('note', { text: 'x' }, t(1))]), 'mitigation', false))).toEqual([
      ['mitigation', t(1), null, ['Note']],
    ]);
    expect(byPhase([], 'detection', false)).toEqual([]);
  });
});

group('mitigation actions on the timeline', () => {
  const base = { invocation_id: 'inv1', name: 'restart-checkout', dry_run: false };
  it.each([
    [
      'action_invoked',
      { ...base, state: 'awaiting_approval', params: { region: 'eu' }, approval_expires_at: AT },
      'Action restart-checkout asked for',
      [/^region=eu$/, /^Awaiting a second person's approval until /],
    ],
    [
      'action_invoked',
      { ...base, dry_run: true, state: 'queued', params: {} },
      'Action restart-checkout (dry run) queued',
      [],
    ],
    ['action_approved', { ...base, invoked_by: 'Ana' }, 'Action restart-checkout approved', [/^Asked for by Ana$/]],
    ['action_rejected', { ...base, reason: 'not now' }, 'Action restart-checkout rejected', [/^because not now$/]],
    ['action_started', { ...base, by: 'web-1' }, 'Action restart-checkout started', [/^On web-1$/]],
    [
      'action_finished',
      { ...base, state: 'failed', exit_code: 2, http_status: null, reason: 'exit code 2', output: 'a\nb' },
      'Action restart-checkout: failed',
      [/^Exit code 2$/, /^exit code 2$/],
    ],
  ] as const)('%s reads "%s"', (kind, data, label, lines) => {
    const d = describe(entry(kind, data));
    expect(d.label).toBe(label);
    expect(d.lines).toHaveLength(lines.length);
    lines.forEach((line, i) => expect(d.lines[i]).toMatch(line));
  });

  it('shows the last lines of output of a finished run apart', () => {
    const d = describe(entry('action_finished', { ...base, state: 'succeeded', http_status: 200, output: 'ok\ndone' }));
    expect(d).toMatchObject({ tone: 'good', lines: ['HTTP 200'], sections: [{ lines: ['ok', 'done'] }] });
  });
});
