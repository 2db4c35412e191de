// A breach's history in words: every step the server writes reads as a label and lines, with what people
// wrote kept as written, and unknown steps left to the caller.
import { describe, expect, it } from 'vitest';
import { describeStep, recordsText } from './gdpr-words.ts';

const AT = '2026-12-07T06:00:00.000Z';

describe('describeStep', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp[], string | undefined]> = [
    [
      'opened',
      { source: 'manual', aware_at: AT, deadline_at: AT, told: 2, note: 'CSV in a public bucket' },
      'Breach opened',
      [/^recorded by hand$/m, /^report to the supervisory authority by \d+ Dec 2026/m, /^2 stakeholders told$/m],
      'CSV in a public bucket',
    ],
    [
      'reported',
      {
        kind: 'initial',
        authority: 'BfDI',
        reference: 'C-17',
        reported_at: AT,
        late: true,
        delay_reason: 'found late',
      },
      'Reported to the authority',
      [/^to BfDI$/m, /^reference C-17$/m, /^reported /m, /^after the 72-hour deadline$/m],
      'found late',
    ],
    [
      'not_notifiable',
      { reason: 'two test accounts', state: 'not_notifiable' },
      'Documented as not notifiable',
      [],
      'two test accounts',
    ],
    [
      'subjects_decision',
      { decision: 'communicated', communicated_at: AT, channel: 'email to each customer' },
      'Data subjects told (Art. 34)',
      [/^on \d+ Dec 2026/m, /^by email to each customer$/m],
      undefined,
    ],
    [
      'subjects_decision',
      { decision: 'exempt', exemption: '34(3)(a)', reason: 'disk encrypted' },
      'Data subjects not told: exempt',
      [/^Art\. 34\(3\)\(a\)$/m],
      'disk encrypted',
    ],
    [
      'reminder_sent',
      { reminder: '24h', hours_left: 48, told: 1 },
      'Reminder: 48 h left to report',
      [/^24h after/m],
      undefined,
    ],
    [
      'overdue',
      { deadline_at: AT, told: 1, admins: ['ana', 'bo'], hours_left: 0 },
      'Overdue: 72 hours passed without a report',
      [/^the deadline was/m, /^2 admins paged$/m],
      undefined,
    ],
    [
      'updated',
      { fields: ['aware_at', 'risk'], deadline_at: AT },
      'Facts changed',
      [/^changed: aware at, risk$/m],
      undefined,
    ],
    ['closed', { state: 'closed', reason: 'no real persons' }, 'Breach closed', [], 'no real persons'],
  ];

  it.each(cases)('%s', (kind, data, label, lines, quote) => {
    const step = describeStep(kind, data);
    expect(step?.label).toBe(label);
    const text = step?.lines.join('\n') ?? '';
    for (const line of lines) expect(text).toMatch(line);
    expect(text).not.toContain('{');
    expect(step?.quote).toBe(quote);
  });

  it('reads the timeline’s copy, which has no free text, without gaps', () => {
    expect(describeStep('reported', { kind: 'supplementary', reported_at: AT, late: false })).toMatchObject({
      label: 'Supplementary report to the authority',
      tone: 'good',
      lines: [expect.stringMatching(/^reported /)],
    });
    expect(describeStep('closed', { state: 'closed' })).toEqual({ label: 'Breach closed', tone: 'good', lines: [] });
  });

  it('leaves steps it does not know to the caller', () => {
    expect(describeStep('archived', {})).toBeNull();
    expect(describeStep('toString', {})).toBeNull();
  });
});

describe('recordsText', () => {
  it.each([
    [{ total: 2, incomplete: 1 }, '1 of 2 purposes misses required fields.'],
    [{ total: 3, incomplete: 2 }, '2 of 3 purposes miss required fields.'],
    [{ total: 1, incomplete: 0 }, 'The purpose has every required field.'],
    [{ total: 4, incomplete: 0 }, 'All 4 purposes have every required field.'],
  ])('%o → %s', (counts, text) => {
    expect(recordsText(counts)).toBe(text);
  });
});
