// /design: every component of the design system (web/src/ui/) in each of its states, in the current
// theme, so a change to a token or a component can be looked at in one place. Not in the navigation;
// the browser tests run axe over it in light and dark.
import { Bell, CheckCheck, Inbox, Plus, Trash2 } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import {
  absolute,
  ActionMenu,
  ago,
  Badge,
  Button,
  Chip,
  ComboBox,
  ConfirmDialog,
  count,
  DataTable,
  DateRangeField,
  DateTimeField,
  Details,
  EmptyState,
  IconButton,
  Select,
  SeverityBadge,
  Skeleton,
  StatusBadge,
  Tabs,
  toast,
  type DayRange,
  type SeverityLevel,
} from '../ui/index.ts';
import './design.css';

const PEOPLE = [
  { id: 'usr_lea', label: 'Lea Novak', detail: 'lea · responder' },
  { id: 'usr_sam', label: 'Sam Ortiz', detail: 'sam · admin' },
  { id: 'usr_kim', label: 'Kim Park', detail: 'kim · viewer' },
];
const SEVERITIES: SeverityLevel[] = ['P0', 'P1', 'P2', 'P3'];
const TOKENS = ['--accent', '--danger', '--success', '--sev-p0', '--sev-p1', '--sev-p2', '--sev-p3', '--person-1'];

interface Row {
  id: string;
  title: string;
  severity: SeverityLevel;
  opened: string;
}
const NOW = Date.parse('2026-12-07T10:00:00Z');
const ROWS: Row[] = [
  { id: 'INC-0001', title: 'Checkout API returns 502 for most users', severity: 'P0', opened: '2026-12-07T09:52:00Z' },
  { id: 'INC-0002', title: 'Search latency above 2 s', severity: 'P2', opened: '2026-12-07T07:10:00Z' },
];

/** The list with `item` added, or without it when it was there. */
const flip = (list: string[], item: string) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="design-section" aria-label={title}>
      <h2>{title}</h2>
      <div className="design-row">{children}</div>
    </section>
  );
}

export function DesignSystem() {
  const [person, setPerson] = useState<string | null>('usr_lea');
  const [severity, setSeverity] = useState<string | null>('P1');
  const [chips, setChips] = useState<string[]>(['P1']);
  const [start, setStart] = useState<string | null>('2026-12-07T08:00:00.000Z');
  const [days, setDays] = useState<DayRange | null>({ start: '2026-11-01', end: '2026-11-30' });
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="design">
      <h1>Design system</h1>
      <p className="ui-muted">Tokens and components in web/src/ui/. Switch the theme in the top bar to see both.</p>

      <Section title="Colour tokens">
        {TOKENS.map((token) => (
          <span key={token} className="design-swatch">
            <span style={{ background: `var(${token})` }} aria-hidden />
            <code>{token}</code>
          </span>
        ))}
      </Section>

      <Section title="Buttons">
        <Button variant="primary" icon={CheckCheck}>
          Acknowledge
        </Button>
        <Button>Secondary</Button>
        <Button variant="danger" icon={Trash2}>
          Delete
        </Button>
        <Button variant="ghost">Ghost</Button>
        <Button size="sm" icon={Plus}>
          Small
        </Button>
        <Button isDisabled>Disabled</Button>
        <IconButton icon={Bell} label="Notifications" />
        <ActionMenu
          actions={[
            { id: 'ack', label: 'Acknowledge', icon: CheckCheck },
            { id: 'delete', label: 'Delete', icon: Trash2, danger: true, separated: true },
          ]}
          onAction={(id) => toast(`Chose ${id}`, { tone: 'info' })}
        />
      </Section>

      <Section title="Badges">
        {SEVERITIES.map((s) => (
          <SeverityBadge key={s} severity={s} long />
        ))}
        <StatusBadge status="triggered" />
        <StatusBadge status="acknowledged" />
        <StatusBadge status="resolved" />
        <Badge tone="accent">Accent</Badge>
        <Badge tone="warning">Warning</Badge>
        <Badge>Neutral</Badge>
      </Section>

      <Section title="Chips">
        <Chip label="Open" count={12} pressed={!chips.includes('open')} onPress={() => setChips(flip(chips, 'open'))} />
        {(['P0', 'P1', 'P2', 'P3'] as const).map((p) => (
          <Chip key={p} label={p} severity={p} pressed={chips.includes(p)} onPress={() => setChips(flip(chips, p))} />
        ))}
      </Section>
      <Section title="Fields">
        <Select
          label="Severity"
          value={severity}
          onChange={setSeverity}
          options={SEVERITIES.map((s) => ({ id: s, label: s }))}
        />
        <ComboBox label="Person" value={person} onChange={setPerson} options={PEOPLE} />
        <DateTimeField label="Starts" value={start} onChange={setStart} timeZone="Europe/Berlin" />
        <DateRangeField label="Days" value={days} onChange={setDays} description="First and last day included" />
      </Section>

      <Section title="Dialog and toast">
        <Button onPress={() => setConfirming(true)}>Change severity…</Button>
        <ConfirmDialog
          isOpen={confirming}
          title="Change severity to P0?"
          confirmLabel="Change to P0"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            toast('Severity changed to P0');
          }}
        >
          The P0 escalation policy starts again from level 1.
        </ConfirmDialog>
        <Button onPress={() => toast('Could not reach Vigil', { tone: 'danger', detail: 'Try again.' })}>
          Show a failure
        </Button>
      </Section>

      <section className="design-section" aria-label="Tabs">
        <h2>Tabs</h2>
        <Tabs
          label="Example tabs"
          items={[
            { id: 'one', label: 'Overview', content: <p>First panel.</p> },
            { id: 'two', label: 'Timeline', content: <p>Second panel.</p> },
          ]}
        />
      </section>

      <section className="design-section" aria-label="Table">
        <h2>Table</h2>
        <DataTable
          label="Example incidents"
          rows={ROWS}
          rowKey={(r) => r.id}
          columns={[
            { id: 'sev', header: 'Severity', cell: (r) => <SeverityBadge severity={r.severity} /> },
            { id: 'title', header: 'Incident', role: 'primary', cell: (r) => r.title },
            {
              id: 'age',
              header: 'Opened',
              role: 'end',
              cell: (r) => <span title={absolute(r.opened, 'UTC')}>{ago(r.opened, NOW)}</span>,
            },
          ]}
        />
      </section>

      <Section title="Empty state, skeleton and details">
        <EmptyState
          icon={Inbox}
          title="No open incidents"
          action={
            <Button variant="primary" icon={Plus}>
              Connect a service
            </Button>
          }
        >
          Alerts from your monitoring open incidents here. {count(0, 'service')} connected so far.
        </EmptyState>
        <div className="design-grow">
          <Skeleton lines={4} label="Example of content still to come" />
          <Details>Function get_error_analytics, route POST /functions/v1/error-tracking</Details>
        </div>
      </Section>
    </div>
  );
}
