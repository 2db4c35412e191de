// The GDPR dashboard (/dashboards/gdpr): what needs doing first — breach clocks counting down to the
// 72-hour deadline, data-subject requests by due date — then the state of the records: consent coverage
// per purpose, the ledger's integrity, Art. 30 completeness, and the compliance report to download.
// Breaches, requests and purposes are personal data: viewers and responders without the privacy flag
// get the counts of GET /api/v1/gdpr/overview and a sentence saying why.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FileDown, ShieldCheck } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Breach, GdprOverview, GdprPurpose, GdprRequest, Session } from '../shared/api.ts';
import { Problem } from '../shared/ui-kit.tsx';
import { useNow } from '../shared/use-now.ts';
import { absolute, Badge, Button, ButtonLink, count, DataTable, EmptyState, Select, type Column } from '../ui/index.ts';
import { Card, Failed, Frame, Since, Stat, Tag } from './dashboard-frame.tsx';
import { Kpi, Kpis } from './dashboard-kpi.tsx';
import { BreachClockText } from '../shared/breach-clock.tsx';
import { CoverageChart } from './gdpr-coverage-chart.tsx';
import {
  breachPath,
  complianceReportUrl,
  GDPR_KEY,
  REPORT_TYPES,
  useOpenBreaches,
  useOverview,
  usePendingRequests,
  usePurposes,
  verifyLedger,
  type ReportType,
} from '../shared/gdpr-api.ts';
import { ledgerIntegrity, pendingRequests, requestDue, seesPersonalData, sortBreaches } from '../shared/gdpr-clocks.ts';
import { BREACH_STATE_LABEL, recordsText, REQUEST_KIND_LABEL, REQUEST_STATE_LABEL } from '../shared/gdpr-words.ts';
import './gdpr.css';

const REPORT_LABEL: Record<ReportType, string> = {
  emergency: 'Emergency (first minutes)',
  summary: 'Summary',
  full: 'Full (every request and purpose)',
};

export function GdprDashboard({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const privy = seesPersonalData(session);
  const overview = useOverview();
  const breaches = useOpenBreaches(privy);
  const requests = usePendingRequests(privy);
  const purposes = usePurposes(privy);
  const o = overview.data;
  const fetching = overview.isFetching || breaches.isFetching || requests.isFetching || purposes.isFetching;

  return (
    <Frame
      id="gdpr"
      title="GDPR compliance"
      intro={
        'Personal data breaches against their 72-hour clock, data-subject requests against their deadline, ' +
        'and the state of the consent records.'
      }
      generatedAt={overview.dataUpdatedAt ? new Date(overview.dataUpdatedAt).toISOString() : undefined}
      fetching={fetching}
      onRefresh={() => void queryClient.invalidateQueries({ queryKey: GDPR_KEY })}
      controls={privy && <ReportDownloads />}
      technical={
        <>
          Counts: <code>GET /api/v1/gdpr/overview</code> (any role). Breaches, requests and purposes:{' '}
          <code>GET /api/v1/gdpr/breaches</code>, <code>/requests</code>, <code>/purposes</code>. The report:{' '}
          <code>GET /api/v1/gdpr/report</code>, as the <code>gdpr-compliance</code> function’s{' '}
          <code>compliance_report</code>.
        </>
      }
    >
      {!privy && (
        <p className="gdpr-note" role="note" data-testid="gdpr-counts-only">
          <strong>Counts only.</strong> Breach records, data-subject requests and subject ids are personal data: only
          admins and responders with the privacy flag see them. Ask an admin for the flag if you handle them.
        </p>
      )}
      {overview.isError && <Failed what="the GDPR overview" error={overview.error} />}
      {o && <Figures overview={o} />}
      {privy && (
        <Card id="gdpr-breaches-title" title="Breach clocks">
          {breaches.isError && <Failed what="the breaches" error={breaches.error} />}
          {breaches.data && <BreachTable breaches={breaches.data.data} />}
        </Card>
      )}
      {privy && (
        <Card id="gdpr-requests-title" title="Data-subject requests">
          {requests.isError && <Failed what="the requests" error={requests.error} />}
          {requests.data && <RequestTable requests={requests.data} />}
        </Card>
      )}
      {o && (
        <Card
          id="gdpr-coverage-title"
          title="Consent coverage"
          empty={o.coverage.purposes.length === 0 && 'No purposes registered, so there is no consent to count yet.'}
        >
          <p className="hint">
            {count(o.coverage.subjects, 'subject')} with a consent decision; <q>stale</q> means granted under an older
            version of the purpose’s policy.
          </p>
          <CoverageChart coverage={o.coverage} />
        </Card>
      )}
      {o && <LedgerCard ledger={o.ledger} canCheck={privy} />}
      {o && <RecordsCard counts={o.purposes} purposes={privy ? purposes.data?.data : undefined} />}
    </Frame>
  );
}

function Figures({ overview: o }: { overview: GdprOverview }) {
  return (
    <Kpis label="GDPR at a glance">
      <Kpi
        label="Open breaches"
        value={o.breaches.open}
        testId="gdpr-open-breaches"
        note={o.breaches.overdue ? `${o.breaches.overdue} past 72 hours unreported` : 'none overdue'}
      />
      <Kpi label="Next breach deadline" value={<Since at={o.breaches.next_deadline_at} />} />
      <Kpi
        label="Open requests"
        value={o.requests.open}
        testId="gdpr-open-requests"
        note={o.requests.overdue ? `${o.requests.overdue} past due` : 'none overdue'}
      />
      <Kpi label="Next request due" value={<Since at={o.requests.next_due_at} />} />
      <Kpi
        label="Purposes"
        value={o.purposes.total}
        note={o.purposes.incomplete ? `${o.purposes.incomplete} missing Art. 30 fields` : 'records complete'}
      />
    </Kpis>
  );
}

function ReportDownloads() {
  const [type, setType] = useState<ReportType>('emergency');
  return (
    <span className="gdpr-report">
      <Select
        className="dash-field"
        label="Compliance report"
        value={type}
        onChange={(id) => setType(id as ReportType)}
        options={REPORT_TYPES.map((t) => ({ id: t, label: REPORT_LABEL[t] }))}
      />
      <ButtonLink size="sm" icon={FileDown} href={complianceReportUrl(type, 'md')} download>
        Markdown
      </ButtonLink>
      <ButtonLink size="sm" icon={FileDown} href={complianceReportUrl(type, 'pdf')} download>
        PDF
      </ButtonLink>
    </span>
  );
}

const BREACH_COLUMNS: ReadonlyArray<Column<Breach>> = [
  {
    id: 'breach',
    header: 'Breach',
    role: 'primary',
    cell: (b) => (
      <Link to={breachPath(b.number)} className="gdpr-breach-link">
        <span className="number">{b.number}</span> {b.title}
      </Link>
    ),
  },
  { id: 'clock', header: 'Clock', cell: (b) => <BreachClockText breach={b} /> },
  { id: 'deadline', header: 'Deadline', cell: (b) => absolute(b.deadline_at) },
  { id: 'state', header: 'State', cell: (b) => <Tag tone="quiet">{BREACH_STATE_LABEL[b.state]}</Tag> },
  {
    id: 'subjects',
    header: 'Telling the subjects',
    cell: (b) =>
      b.subjects_decision_needed ? (
        <Tag tone="warn">Decision needed</Tag>
      ) : b.subjects_decision ? (
        b.subjects_decision.decision === 'communicated' ? (
          'Told'
        ) : (
          `Exempt, ${b.subjects_decision.exemption}`
        )
      ) : (
        <span className="muted">Not required yet</span>
      ),
  },
  {
    id: 'incident',
    header: 'Incident',
    cell: (b) => (b.incident ? <Link to={`/incidents/${b.incident.number}`}>{b.incident.number}</Link> : '—'),
  },
];

function BreachTable({ breaches }: { breaches: Breach[] }) {
  const now = useNow(60_000);
  return (
    <DataTable
      label="Open breaches"
      columns={BREACH_COLUMNS}
      rows={sortBreaches(breaches, now)}
      rowKey={(b) => b.id}
      rowClassName={(b) => (b.overdue ? 'gdpr-overdue' : undefined)}
      empty={
        <EmptyState icon={ShieldCheck} title="No open breaches">
          A breach appears here with its 72-hour clock when someone records one, flags “personal data involved” on an
          incident, or an alert arrives with the category gdpr_violation, security_breach or data_loss.
        </EmptyState>
      }
    />
  );
}

function RequestTable({ requests }: { requests: GdprRequest[] }) {
  const now = useNow(60_000);
  const columns: ReadonlyArray<Column<GdprRequest>> = [
    { id: 'subject', header: 'Subject', role: 'primary', cell: (r) => <code>{r.subject_id}</code> },
    { id: 'kind', header: 'Request', cell: (r) => `${REQUEST_KIND_LABEL[r.kind]} (${r.article})` },
    { id: 'received', header: 'Received', cell: (r) => absolute(r.received_at) },
    {
      id: 'due',
      header: 'Due',
      cell: (r) => {
        const due = requestDue(r, now);
        return (
          <span className={due.overdue ? 'gdpr-late' : undefined}>
            {due.overdue && <Badge tone="danger">Overdue</Badge>} {absolute(r.due_at)}{' '}
            <span className="muted">({due.text})</span>
          </span>
        );
      },
    },
    { id: 'state', header: 'State', cell: (r) => <Tag tone="quiet">{REQUEST_STATE_LABEL[r.state]}</Tag> },
  ];
  return (
    <DataTable
      label="Data-subject requests"
      columns={columns}
      rows={pendingRequests(requests)}
      rowKey={(r) => r.id}
      rowClassName={(r) => (requestDue(r, now).overdue ? 'gdpr-overdue' : undefined)}
      empty={
        <EmptyState icon={ShieldCheck} title="No requests waiting">
          Access, erasure and the other data-subject requests appear here with their one-month deadline once recorded (
          <code>vigil gdpr request open</code> or <code>POST /api/v1/gdpr/requests</code>).
        </EmptyState>
      }
    />
  );
}

function LedgerCard({ ledger, canCheck }: { ledger: GdprOverview['ledger']; canCheck: boolean }) {
  const queryClient = useQueryClient();
  const verify = useMutation({
    mutationFn: verifyLedger,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: GDPR_KEY }),
  });
  const integrity = ledgerIntegrity(ledger);
  return (
    <Card
      id="gdpr-ledger-title"
      title={
        <>
          Consent ledger integrity <Tag tone={integrity.tone}>{integrity.word}</Tag>
        </>
      }
    >
      <p data-testid="gdpr-ledger">{integrity.text}</p>
      <dl className="stats">
        <Stat label="Rows">{ledger.rows.toLocaleString('en')}</Stat>
        <Stat label="Newest decision">
          <Since at={ledger.newest_event_at} />
        </Stat>
        <Stat label="Last checked">
          <Since at={ledger.last_check?.checked_at} />
        </Stat>
        {ledger.last_check?.head_hash && (
          <Stat label="Head hash">
            <code title={ledger.last_check.head_hash}>{ledger.last_check.head_hash.slice(0, 16)}…</code>
          </Stat>
        )}
      </dl>
      {canCheck && ledger.rows > 0 && (
        <Button size="sm" icon={ShieldCheck} onPress={() => verify.mutate()} isDisabled={verify.isPending}>
          {verify.isPending ? 'Checking the chain…' : 'Check the chain now'}
        </Button>
      )}
      <Problem error={verify.error} />
    </Card>
  );
}

const PURPOSE_COLUMNS: ReadonlyArray<Column<GdprPurpose>> = [
  { id: 'name', header: 'Purpose', role: 'primary', cell: (p) => p.name },
  { id: 'basis', header: 'Lawful basis', cell: (p) => p.lawful_basis.replaceAll('_', ' ') },
  { id: 'missing', header: 'Missing', cell: (p) => p.missing.join(', ').replaceAll('_', ' ') },
];

function RecordsCard({ counts, purposes }: { counts: GdprOverview['purposes']; purposes: GdprPurpose[] | undefined }) {
  const incomplete = purposes?.filter((p) => p.missing.length > 0);
  return (
    <Card
      id="gdpr-records-title"
      title={
        <>
          Records of processing (Art. 30){' '}
          {counts.total > 0 && (
            <Tag tone={counts.incomplete ? 'warn' : 'good'}>{counts.incomplete ? 'Incomplete' : 'Complete'}</Tag>
          )}
        </>
      }
      empty={counts.total === 0 && 'No purposes registered: add each processing activity as a purpose.'}
    >
      <p data-testid="gdpr-records">{recordsText(counts)}</p>
      {incomplete && incomplete.length > 0 && (
        <DataTable label="Purposes missing fields" columns={PURPOSE_COLUMNS} rows={incomplete} rowKey={(p) => p.key} />
      )}
    </Card>
  );
}
