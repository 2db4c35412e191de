// The GDPR module in words: breach states, risks, request kinds and exemptions as people say them, and
// each step of a breach's history as a label with a few lines. The breach page reads the whole history
// (GET …/breaches/{id}/events); an incident's timeline reads the same steps as `breach_*` entries, which
// carry times and states but none of the free text (viewers read timelines), so every line is optional.
import type { Breach, GdprRequest, SubjectsDecision } from './api.ts';
import { absolute, count } from '../ui/words.ts';

export const BREACH_STATE_LABEL: Record<Breach['state'], string> = {
  assessing: 'Assessing',
  notified: 'Reported',
  not_notifiable: 'Not notifiable',
  closed: 'Closed',
};

export const RISK_LABEL: Record<Breach['risk'], string> = {
  unlikely: 'Unlikely to result in a risk',
  risk: 'A risk to people',
  high_risk: 'A high risk to people',
};

export const REQUEST_KIND_LABEL: Record<GdprRequest['kind'], string> = {
  access: 'Access',
  rectification: 'Rectification',
  erasure: 'Erasure',
  restriction: 'Restriction',
  portability: 'Portability',
  objection: 'Objection',
};

export const REQUEST_STATE_LABEL: Record<GdprRequest['state'], string> = {
  open: 'Open',
  extended: 'Extended',
  completed: 'Completed',
  refused: 'Refused',
};

type Exemption = NonNullable<SubjectsDecision['exemption']>;
export const EXEMPTION_LABEL: Record<Exemption, string> = {
  '34(3)(a)': '34(3)(a): the data were unintelligible to others (e.g. encrypted)',
  '34(3)(b)': '34(3)(b): later measures mean the high risk is no longer likely',
  '34(3)(c)': '34(3)(c): telling each person would take disproportionate effort (a public notice instead)',
};

const SOURCE_TEXT: Record<string, string> = {
  manual: 'recorded by hand',
  incident: 'flagged on the incident: personal data involved',
  classification: 'opened by the category of the incident’s alert',
};

/** "1 of 2 purposes misses required fields." or "All 3 purposes have every required field." (Art. 30). */
export function recordsText({ total, incomplete }: { total: number; incomplete: number }): string {
  if (incomplete === 0)
    return total === 1 ? 'The purpose has every required field.' : `All ${total} purposes have every required field.`;
  return `${incomplete} of ${count(total, 'purpose')} ${incomplete === 1 ? 'misses' : 'miss'} required fields.`;
}

export type StepTone = 'bad' | 'good' | 'info' | 'plain';

export interface Step {
  label: string;
  tone: StepTone;
  lines: string[];
  /** Text a person wrote (a reason, a note), shown as written. */
  quote?: string;
}

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const at = (v: unknown): string | null =>
  str(v) && !Number.isNaN(Date.parse(v as string)) ? absolute(v as string) : null;
const lines = (...all: Array<string | null | false>): string[] => all.filter((l): l is string => typeof l === 'string');
const told = (d: Data): string | null =>
  num(d.told) === null ? null : `${count(num(d.told) ?? 0, 'stakeholder')} told`;
const quoted = (v: unknown): { quote: string } | Record<string, never> => (str(v) ? { quote: str(v) as string } : {});

const STEPS: Record<string, (d: Data) => Step> = {
  opened: (d) => ({
    label: 'Breach opened',
    tone: 'bad',
    lines: lines(
      str(d.source) && (SOURCE_TEXT[d.source as string] ?? `source: ${str(d.source)}`),
      at(d.deadline_at) && `report to the supervisory authority by ${at(d.deadline_at)}`,
      told(d),
    ),
    ...quoted(d.note),
  }),
  reported: (d) => ({
    label: d.kind === 'supplementary' ? 'Supplementary report to the authority' : 'Reported to the authority',
    tone: d.late === true ? 'bad' : 'good',
    lines: lines(
      str(d.authority) && `to ${str(d.authority)}`,
      str(d.reference) && `reference ${str(d.reference)}`,
      at(d.reported_at) && `reported ${at(d.reported_at)}`,
      d.late === true && 'after the 72-hour deadline',
    ),
    ...quoted(d.delay_reason),
  }),
  not_notifiable: (d) => ({
    label: 'Documented as not notifiable',
    tone: 'good',
    lines: ['the breach is unlikely to result in a risk to people (Art. 33(1))'],
    ...quoted(d.reason),
  }),
  subjects_decision: (d) =>
    d.decision === 'exempt'
      ? {
          label: 'Data subjects not told: exempt',
          tone: 'info',
          lines: lines(str(d.exemption) && `Art. ${str(d.exemption)}`),
          ...quoted(d.reason),
        }
      : {
          label: 'Data subjects told (Art. 34)',
          tone: 'good',
          lines: lines(
            at(d.communicated_at) && `on ${at(d.communicated_at)}`,
            str(d.channel) && `by ${str(d.channel)}`,
          ),
        },
  reminder_sent: (d) => ({
    label: `Reminder: ${num(d.hours_left) ?? '?'} h left to report`,
    tone: 'info',
    lines: lines(str(d.reminder) && `${str(d.reminder)} after becoming aware`, told(d)),
  }),
  overdue: (d) => ({
    label: 'Overdue: 72 hours passed without a report',
    tone: 'bad',
    lines: lines(
      at(d.deadline_at) && `the deadline was ${at(d.deadline_at)}`,
      told(d),
      Array.isArray(d.admins) && `${count(d.admins.length, 'admin')} paged`,
    ),
  }),
  updated: (d) => ({
    label: 'Facts changed',
    tone: 'plain',
    lines: lines(
      Array.isArray(d.fields) && d.fields.length > 0 && `changed: ${d.fields.join(', ').replaceAll('_', ' ')}`,
      at(d.deadline_at) && `deadline ${at(d.deadline_at)}`,
    ),
  }),
  closed: (d) => ({ label: 'Breach closed', tone: 'good', lines: [], ...quoted(d.reason) }),
};

/** A step of a breach's history (`kind` without the timeline's "breach_" prefix) in words. */
export function describeStep(kind: string, data: Data): Step | null {
  const known = Object.hasOwn(STEPS, kind) ? STEPS[kind] : undefined;
  return known ? known(data) : null;
}
