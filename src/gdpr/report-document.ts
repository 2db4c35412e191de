// The compliance report (compliance-report.ts) as a document (document.ts), for Markdown and PDF: the
// actions first, then breach clocks, requests, consent coverage, the ledger and the Art. 30 records.
import type { ComplianceReport } from './compliance-report.js';
import type { Doc, DocSection } from '../documents/index.js';

const TITLES = {
  emergency: 'GDPR compliance report (emergency)',
  summary: 'GDPR compliance report (summary)',
  full: 'GDPR compliance report (full)',
} as const;

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
/** A section's count: the short report gives a number where the longer ones give the list. */
const count = (x: number | readonly unknown[]) => (typeof x === 'number' ? x : x.length);

/** The report as a document; `now` is when it was drawn up. */
export function reportDocument(report: ComplianceReport, controller: string | null, now: Date): Doc {
  const b = report.breaches;
  const r = report.requests;
  const ledger = report.ledger;
  const sections: DocSection[] = [
    {
      heading: 'What needs doing',
      ...(report.actions.length ? { list: report.actions } : { paragraphs: ['Nothing is due.'] }),
    },
    {
      heading: 'Breaches (Art. 33 clock)',
      paragraphs: [
        `${b.open} open, ${b.overdue} overdue, ${b.due_within_12h} due within 12 hours; ` +
          `${count(b.reported_late)} reported late.`,
      ],
      ...(b.clocks.length > 0 && {
        table: {
          columns: ['Breach', 'Title', 'State', 'Risk', 'Deadline', 'Hours left', 'Incident'],
          rows: b.clocks.map((c) => [
            c.number,
            c.title,
            c.overdue ? `${c.state} (OVERDUE)` : c.state,
            c.risk,
            c.deadline_at,
            c.hours_left,
            c.incident_number,
          ]),
        },
      }),
    },
    ...(Array.isArray(b.reported_late) && b.reported_late.length
      ? [
          {
            heading: 'Breaches reported late',
            table: {
              columns: ['Breach', 'Deadline', 'First report', 'Hours late', 'Reasons for the delay'],
              rows: b.reported_late.map((x) => [
                x.number,
                x.deadline_at,
                x.first_report_at,
                x.hours_late,
                x.delay_reason,
              ]),
            },
          },
        ]
      : []),
    {
      heading: 'Data-subject requests (Art. 12(3))',
      paragraphs: [`${r.open} open, ${r.overdue} overdue; next due ${r.next_due_at ?? '—'}.`],
      ...((r.open_requests ?? r.overdue_requests ?? []).length > 0 && {
        table: {
          columns: ['Request', 'Kind', 'State', 'Received', 'Due', 'Days left'],
          rows: (r.open_requests ?? r.overdue_requests ?? []).map((x) => [
            x.id,
            `${x.kind} (${x.article})`,
            x.state,
            x.received_at,
            x.due_at,
            x.days_left,
          ]),
        },
      }),
    },
    {
      heading: 'Consent coverage',
      paragraphs: [`${report.consent_coverage.subjects} data subjects in the ledger.`],
      ...(report.consent_coverage.purposes.length > 0 && {
        table: {
          columns: ['Purpose', 'Policy version', 'Granted', 'Withdrawn', 'Stale', 'None'],
          rows: report.consent_coverage.purposes.map((p) => [
            `${p.name} (${p.purpose})`,
            p.policy_version,
            p.granted,
            p.withdrawn,
            p.stale,
            p.none,
          ]),
        },
      }),
    },
    {
      heading: 'Consent ledger',
      list: [
        ledger.ok === null
          ? `Never verified (${ledger.rows} rows).`
          : ledger.ok
            ? `Verified whole up to row ${ledger.verified_up_to} at ${ledger.last_checked_at}.`
            : `BROKEN at row ${ledger.first_broken?.seq} (${ledger.first_broken?.id ?? 'missing'}: ` +
              `${ledger.first_broken?.reason}), checked ${ledger.last_checked_at}.`,
        `${ledger.rows} rows, ${ledger.unverified_rows} appended since the last check.`,
        `Writable: ${yesNo(report.health.ledger_writable)}` +
          (report.health.ledger_error ? ` (${report.health.ledger_error}).` : '.'),
        `Newest consent event: ${report.health.newest_consent_at ?? 'none yet'}.`,
      ],
    },
    {
      heading: 'Records of processing (Art. 30)',
      paragraphs: [
        `${report.records_of_processing.purposes} purposes, ` +
          `${count(report.records_of_processing.incomplete)} with empty required fields.`,
      ],
      ...(Array.isArray(report.records_of_processing.incomplete) &&
        report.records_of_processing.incomplete.length > 0 && {
          table: {
            columns: ['Purpose', 'Missing'],
            rows: report.records_of_processing.incomplete.map((p) => [`${p.name} (${p.key})`, p.missing.join(', ')]),
          },
        }),
    },
    ...(report.records_of_processing.detail?.length
      ? [
          {
            heading: 'Purposes in detail',
            table: {
              columns: [
                'Purpose',
                'Lawful basis',
                'Version',
                'Retention (days)',
                'Recipients',
                'Transfers outside the EEA',
              ],
              rows: report.records_of_processing.detail.map((p) => [
                `${p.name} (${p.key})`,
                p.lawful_basis,
                p.policy_version,
                p.retention_days,
                p.recipients.join(', ') || null,
                p.transfers_outside_eea ?? 'none',
              ]),
            },
          },
        ]
      : []),
  ];
  return {
    title: TITLES[report.report_type],
    subtitle: `Status: ${report.status}`,
    meta: [
      ['Controller', controller],
      ['Drawn up at', now.toISOString()],
    ],
    sections,
  };
}
