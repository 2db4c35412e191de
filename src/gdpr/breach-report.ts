// The draft of a breach's report to the supervisory authority, as a document (document.ts): the four
// items Art. 33(3) GDPR requires — (a) the nature of the breach with the categories and approximate
// numbers of data subjects and records, (b) the DPO's name and contact, (c) the likely consequences,
// (d) the measures taken or proposed — and the facts of the clock: awareness, deadline, the reports
// made, the reason for a delay. What is not known yet is said so, since Art. 33(4) lets the controller
// report in phases.
import { hoursLeft, isOverdue, subjectsDecisionNeeded } from './breach.js';
import type { BreachDetail, GdprSettings } from './breaches.repo.js';
import type { Doc } from '../documents/index.js';

const NOT_KNOWN = 'Not known yet (to be provided in a supplementary report, Art. 33(4)).';
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const RISK_TEXT = {
  unlikely: 'unlikely to result in a risk to the rights and freedoms of natural persons',
  risk: 'likely to result in a risk to the rights and freedoms of natural persons',
  high_risk: 'likely to result in a high risk to the rights and freedoms of natural persons (Art. 34 applies)',
} as const;

/** The Art. 33(3) draft of `found` at `now`, with the DPO and authority from `settings`. */
export function breachReportDocument(found: BreachDetail, settings: GdprSettings, now: Date): Doc {
  const { breach: b, reports, incident } = found;
  const count = (n: number | null, what: string) => (n === null ? `${what}: not known yet` : `${what}: about ${n}`);
  const dpoContact = [settings.dpoEmail, settings.dpoPhone].filter((x): x is string => !!x).join(', ');
  const decision = b.subjectsDecision;
  const subjects = decision
    ? decision.decision === 'communicated'
      ? `Communicated to the data subjects on ${iso(decision.communicatedAt) ?? '?'} by ${decision.channel ?? '?'}.`
      : `Not communicated: exemption under Art. ${decision.exemption ?? '?'} GDPR. Reason: ${decision.reason ?? '?'}`
    : subjectsDecisionNeeded(b)
      ? 'No decision recorded yet; a high-risk breach needs one (Art. 34).'
      : 'No decision recorded (needed only for a high-risk breach, Art. 34).';
  const clockState = isOverdue(b, now)
    ? `Overdue by ${-hoursLeft(b.deadlineAt, now)} h`
    : b.state === 'assessing'
      ? `${hoursLeft(b.deadlineAt, now)} h left`
      : b.state.replace('_', ' ');
  const firstReport = reports[0];
  return {
    title: `Personal data breach notification (draft): ${b.number}`,
    subtitle: 'Notification to the supervisory authority under Article 33 GDPR',
    meta: [
      ['Breach', b.number],
      ['Title', b.title],
      ['Controller', settings.controllerName],
      ['Supervisory authority', settings.authorityName],
      ['Incident', incident ? `${incident.number}: ${incident.title}` : null],
      ['State', b.state.replace('_', ' ')],
      ['Drafted at', now.toISOString()],
    ],
    sections: [
      {
        heading: 'Timeline',
        table: {
          columns: ['Fact', 'Value'],
          rows: [
            ['Aware since', iso(b.awareAt)],
            ['Deadline (72 h, Art. 33(1))', iso(b.deadlineAt)],
            ['Clock', clockState],
            ['First report to the authority', firstReport ? iso(firstReport.reportedAt) : null],
            ['Reported late', b.reportedLate ? 'yes' : firstReport ? 'no' : null],
            ['Reasons for the delay', firstReport?.delayReason ?? null],
          ],
        },
      },
      {
        heading: '(a) Nature of the breach',
        paragraphs: [b.nature ?? NOT_KNOWN],
        list: [
          `Categories of personal data: ${b.dataCategories.length ? b.dataCategories.join(', ') : 'not known yet'}`,
          count(b.subjectsApprox, 'Approximate number of data subjects concerned'),
          count(b.recordsApprox, 'Approximate number of personal data records concerned'),
          `Assessed risk: ${RISK_TEXT[b.risk]}`,
        ],
      },
      {
        heading: '(b) Data protection officer',
        list: [`Name: ${settings.dpoName ?? 'not set'}`, `Contact: ${dpoContact || 'not set'}`],
        ...(!settings.dpoName && {
          paragraphs: ['Set the DPO in PUT /api/v1/gdpr/settings (dpo_name, dpo_email, dpo_phone).'],
        }),
      },
      { heading: '(c) Likely consequences', paragraphs: [b.likelyConsequences ?? NOT_KNOWN] },
      { heading: '(d) Measures taken or proposed', paragraphs: [b.measuresTaken ?? NOT_KNOWN] },
      { heading: 'Communication to data subjects (Art. 34)', paragraphs: [subjects] },
      {
        heading: 'Reports made',
        table: {
          columns: ['Kind', 'Reported at', 'Authority', 'Reference', 'Delay reason'],
          rows: reports.map((r) => [r.kind, iso(r.reportedAt), r.authority, r.reference, r.delayReason]),
        },
      },
      ...(b.notNotifiableReason
        ? [{ heading: 'Not notifiable (Art. 33(5))', paragraphs: [b.notNotifiableReason] }]
        : []),
    ],
  };
}
