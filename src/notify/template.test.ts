import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../incident.js';
import {
  SEED_TEMPLATES,
  TEMPLATE_FIELDS,
  compileTemplate,
  humanDuration,
  humanTime,
  incidentFields,
  render,
  type Template,
} from './template.js';

function compiled(text: string, fields: readonly string[] = ['a', 'b', 'title']): Template {
  const result = compileTemplate(text, fields);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.template;
}

function errorsOf(text: string, fields: readonly string[] = ['a', 'b']): string[] {
  const result = compileTemplate(text, fields);
  return result.ok ? [] : result.errors;
}

const started = new Date('2026-11-28T04:48:12.000Z');

function incident(patch: Partial<Incident> = {}): Incident {
  return {
    id: 'inc_1',
    number: 'INC-20261128-0001',
    title: 'Checkout returns 502',
    description: null,
    impact: 'Customers cannot pay',
    severity: 'P0',
    status: 'triggered',
    phase: 'detection',
    serviceId: null,
    createdAt: started,
    updatedAt: started,
    createdBy: null,
    ackDueAt: new Date(started.getTime() + 300_000),
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    breachRecordedAt: null,
    phaseStartedAt: started,
    phaseDueAt: null,
    groupKey: null,
    classifiedBy: null,
    roles: { incident_commander: { id: 'usr_1', handle: 'alice', name: 'Alice' } },
    escalationLevel: 0,
    nextEscalationAt: null,
    ...patch,
  };
}

describe('the template language', () => {
  it.each([
    ['plain text', 'no tags at all', {}, 'no tags at all'],
    ['a field', 'Hi {{a}}!', { a: 'there' }, 'Hi there!'],
    ['spaces inside the braces', '{{ a }}-{{#  a }}x{{/ a}}', { a: '1' }, '1-x'],
    ['a missing value as empty', '[{{a}}]', {}, '[]'],
    ['a section with a value', '{{#a}}has {{a}}{{/a}}', { a: 'x' }, 'has x'],
    ['a section without one', '{{#a}}has {{a}}{{/a}}', { a: '' }, ''],
    ['whitespace as empty', '{{#a}}shown{{/a}}{{^a}}hidden{{/a}}', { a: '  ' }, 'hidden'],
    ['an inverted section', '{{^a}}none{{/a}}', {}, 'none'],
    ['an inverted section with a value', '{{^a}}none{{/a}}', { a: 'x' }, ''],
    ['nested sections', '{{#a}}A{{#b}}B{{/b}}{{^b}}-{{/b}}{{/a}}', { a: '1' }, 'A-'],
    ['standalone section lines removed', 'one\n{{#a}}\ntwo {{a}}\n{{/a}}\nthree\n', { a: '2' }, 'one\ntwo 2\nthree\n'],
    ['standalone lines of a hidden section', 'one\n  {{#a}}  \ntwo\n{{/a}}\nthree', {}, 'one\nthree'],
    ['CRLF standalone lines', 'one\r\n{{#a}}\r\ntwo\r\n{{/a}}\r\nthree', { a: 'x' }, 'one\r\ntwo\r\nthree'],
    ['inline sections keep their line', 'x {{#a}}y{{/a}} z\n', { a: '1' }, 'x y z\n'],
    ['lone braces as text', 'a } b }} c {', {}, 'a } b }} c {'],
    ['values never re-expanded', '{{a}}', { a: '{{b}}' }, '{{b}}'],
  ])('renders %s', (_name, text, values, expected) => {
    expect(render(compiled(text), values, 'text')).toBe(expected);
  });

  it('reads only own properties of the values', () => {
    const template = compiled('[{{constructor}}]{{#toString}}x{{/toString}}', ['constructor', 'toString']);
    expect(render(template, {}, 'text')).toBe('[]');
  });

  it('escapes values, not the template, in html mode', () => {
    const template = compiled('<p>{{a}}</p>');
    const values = { a: `<script>alert("x")</script> & 'y'` };
    expect(render(template, values, 'html')).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>',
    );
    expect(render(template, values, 'text')).toBe(`<p>${values.a}</p>`);
  });

  it.each([
    ['an unknown field', 'Hi {{nope}}', ['unknown field "nope" at line 1, column 4']],
    [
      'an unknown section',
      'x\n  {{#nope}}{{/nope}}',
      ['unknown field "nope" at line 2, column 3', 'unknown field "nope" at line 2, column 12'],
    ],
    ['an unclosed section', '{{#a}}x', ['section "a" opened at line 1, column 1 is never closed']],
    ['a close without an open', 'x{{/a}}', ['closing tag {{/a}} at line 1, column 2 has no open section']],
    [
      'a mismatched close',
      '{{#a}}{{/b}}{{/a}}',
      ['closing tag {{/b}} at line 1, column 7 does not match the open section "a" (opened at line 1, column 1)'],
    ],
    [
      'a close skipping an inner section',
      '{{#a}}{{^b}}{{/a}}',
      ['section "b" opened at line 1, column 7 is not closed before {{/a}} at line 1, column 13'],
    ],
    ['an unterminated tag', 'ok {{a}} then {{b', ['unterminated tag at line 1, column 15: "{{" has no closing "}}"']],
    [
      'an empty tag',
      '{{}}',
      ['malformed tag "{{}}" at line 1, column 1: expected {{field}}, {{#field}}, {{^field}} or {{/field}}'],
    ],
    [
      'triple braces',
      '{{{a}}}',
      ['malformed tag "{{{a}}" at line 1, column 1: expected {{field}}, {{#field}}, {{^field}} or {{/field}}'],
    ],
    [
      'an expression',
      '{{a.b}}',
      ['malformed tag "{{a.b}}" at line 1, column 1: expected {{field}}, {{#field}}, {{^field}} or {{/field}}'],
    ],
    [
      'a comment or partial',
      '{{!note}}{{>part}}',
      [
        expect.stringContaining('malformed tag "{{!note}}"'),
        expect.stringContaining('malformed tag "{{>part}}" at line 1, column 10'),
      ],
    ],
  ])('refuses %s, naming it and where', (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });

  it('limits how deep sections nest and how many errors come back', () => {
    const deep = '{{#a}}'.repeat(17) + '{{/a}}'.repeat(17);
    expect(errorsOf(deep)).toEqual(['section "a" at line 1, column 97 is nested more than 16 deep']);
    expect(compileTemplate('{{#a}}'.repeat(16) + '{{/a}}'.repeat(16), ['a']).ok).toBe(true);
    const many = errorsOf('{{x}}'.repeat(50));
    expect(many).toHaveLength(21);
    expect(many.at(-1)).toBe('… and 30 more errors');
  });

  it('never throws while compiling, and a compiled template always renders', () => {
    const fields = ['a', 'b', 'c'];
    const pieces = fc.constantFrom(
      '{{',
      '}}',
      '{',
      '}',
      '#',
      '^',
      '/',
      'a',
      'b',
      'x',
      ' ',
      '\n',
      '\r\n',
      '{{a}}',
      '{{#a}}',
      '{{/a}}',
      '{{^b}}',
      '{{/b}}',
      '<',
      '&',
    );
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join('')),
    );
    const values = fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor'), fc.string(), {
      maxKeys: 5,
    });
    fc.assert(
      fc.property(text, values, fc.constantFrom('text' as const, 'html' as const), (source, vals, mode) => {
        const result = compileTemplate(source, fields);
        if (result.ok) expect(typeof render(result.template, vals, mode)).toBe('string');
        else expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('renders text without tags unchanged, and html values with no markup left', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        fc.string(),
        (source, value) => {
          expect(render(compiled(source), {}, 'text')).toBe(source);
          expect(render(compiled('{{a}}'), { a: value }, 'html')).not.toMatch(/[<>"']/);
        },
      ),
    );
  });
});

describe("the seed's communications", () => {
  const compile = (text: string): Template => compiled(text, TEMPLATE_FIELDS);

  it.each(Object.entries(SEED_TEMPLATES))('%s compiles against TEMPLATE_FIELDS, subject and body', (_key, seed) => {
    expect(compileTemplate(seed.subject, TEMPLATE_FIELDS)).toMatchObject({ ok: true });
    expect(compileTemplate(seed.text, TEMPLATE_FIELDS)).toMatchObject({ ok: true });
  });

  it('fills every allowed field and nothing else', () => {
    const fields = incidentFields(incident(), { now: started });
    expect(Object.keys(fields).sort()).toEqual([...TEMPLATE_FIELDS].sort());
  });

  it('renders the initial notification for a P0 with every labelled field', () => {
    const now = new Date('2026-11-28T04:55:00.000Z');
    const fields = incidentFields(incident(), {
      now,
      nextUpdateAt: new Date('2026-11-28T05:25:00.000Z'),
      actionsTaken: 'Rolled back release 4.2\n- Paged the payments team',
      publicUrl: 'https://vigil.example.com/',
    });
    expect(render(compile(SEED_TEMPLATES.initial.subject), fields, 'text')).toBe(
      '[P0] Production Incident - Checkout returns 502',
    );
    expect(render(compile(SEED_TEMPLATES.initial.text), fields, 'text')).toBe(
      [
        'INCIDENT DETAILS:',
        '- Incident ID: INC-20261128-0001',
        '- Severity: P0',
        '- Started: 2026-11-28 04:48 UTC',
        '- Impact: Customers cannot pay',
        '- Status: Investigating',
        '- Link: https://vigil.example.com/incidents/INC-20261128-0001',
        '',
        'ACTIONS TAKEN:',
        '- Rolled back release 4.2',
        '- Paged the payments team',
        '',
        'NEXT UPDATE: 2026-11-28 05:25 UTC',
        '',
        'Incident Commander: alice',
        '',
      ].join('\n'),
    );
  });

  it('says what is not known yet in the initial notification', () => {
    const fields = incidentFields(incident({ impact: null, roles: {} }), { now: started, statusText: 'Identified' });
    const body = render(compile(SEED_TEMPLATES.initial.text), fields, 'text');
    expect(body).toContain('- Impact: being assessed\n');
    expect(body).toContain('- Status: Identified\n');
    expect(body).toContain('ACTIONS TAKEN:\n- none recorded yet\n');
    expect(body).toContain('NEXT UPDATE: not scheduled yet\n');
    expect(body).toContain('Incident Commander: unassigned\n');
    expect(body).not.toContain('Link:');
  });

  it('renders the resolution notification for a P1 with every labelled field', () => {
    const resolvedAt = new Date('2026-11-28T06:11:40.000Z');
    const fields = incidentFields(incident({ severity: 'P1', status: 'resolved', phase: 'resolution', resolvedAt }), {
      now: new Date('2026-11-28T07:00:00.000Z'),
      rootCause: 'Expired TLS certificate on the payment gateway',
      usersAffected: 'about 1,200',
      servicesAffected: 'checkout, payments',
      dataLoss: 'None',
      actionsTaken: 'Renewed the certificate',
      preventiveMeasures: '* Alert 14 days before expiry\nAutomate renewal',
      postMortemAt: new Date('2026-11-30T14:00:00.000Z'),
    });
    expect(render(compile(SEED_TEMPLATES.resolution.subject), fields, 'text')).toBe(
      '[RESOLVED] [P1] Production Incident - Checkout returns 502',
    );
    const body = render(compile(SEED_TEMPLATES.resolution.text), fields, 'text');
    for (const line of [
      'RESOLUTION SUMMARY:\n',
      '- Incident ID: INC-20261128-0001\n',
      '- Resolved: 2026-11-28 06:11 UTC\n',
      '- Duration: 1 h 23 min\n',
      '- Root Cause: Expired TLS certificate on the payment gateway\n',
      'IMPACT:\n- Users Affected: about 1,200\n',
      '- Services Affected: checkout, payments\n',
      '- Data Loss: None\n',
      'ACTIONS TAKEN:\n- Renewed the certificate\n',
      'PREVENTIVE MEASURES:\n- Alert 14 days before expiry\n- Automate renewal\n',
      'Post-mortem meeting scheduled for: 2026-11-30 14:00 UTC\n',
    ]) {
      expect(body).toContain(line);
    }
    expect(body).not.toMatch(/\n\n\n/);
  });

  it('escapes incident text in html mode', () => {
    const fields = incidentFields(incident({ title: '<script>alert(1)</script>' }), { now: started });
    const subject = render(compile(SEED_TEMPLATES.initial.subject), fields, 'html');
    expect(subject).toBe('[P0] Production Incident - &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('gives times in ISO UTC and in a human form', () => {
    const fields = incidentFields(incident(), { now: started, nextUpdateAt: null });
    expect(fields.started_iso).toBe('2026-11-28T04:48:12.000Z');
    expect(fields.started).toBe('2026-11-28 04:48 UTC');
    expect(fields.next_update).toBe('');
    expect(fields.resolved).toBe('');
    expect(humanTime(new Date('2026-01-02T03:04:59.999Z'))).toBe('2026-01-02 03:04 UTC');
  });

  it.each([
    [0, 'under 1 min'],
    [59_999, 'under 1 min'],
    [60_000, '1 min'],
    [3_600_000, '1 h'],
    [(60 + 23) * 60_000 + 40_000, '1 h 23 min'],
    [2 * 86_400_000 + 4 * 3_600_000, '2 d 4 h'],
    [86_400_000 + 5 * 60_000, '1 d 5 min'],
    [-5_000, 'under 1 min'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('counts an open incident up to now', () => {
    const fields = incidentFields(incident(), { now: new Date(started.getTime() + 45 * 60_000) });
    expect(fields.duration).toBe('45 min');
  });
});
