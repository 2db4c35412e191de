// What a responder can do to the incident: the one next step as the primary button (Acknowledge
// while triggered, then Resolve; Reopen once resolved), everything else in a menu (with "Personal data
// involved" for those who handle breaches), and the phase and severity fields whose change is confirmed
// in a dialog that says what will happen.
import {
  ArrowUpRight,
  CheckCheck,
  CircleCheck,
  Flag,
  Gauge,
  MessageSquarePlus,
  RotateCcw,
  ShieldAlert,
  Users,
} from 'lucide-react';
import { useState } from 'react';
import type { IncidentDetail, Phase, Severity } from '../shared/api.ts';
import { SEVERITY_LABEL } from '../shared/format.ts';
import { ActionMenu, Button, ConfirmDialog, Select, type MenuAction } from '../ui/index.ts';
import { PHASE_LABEL, PHASES, type IncidentAction } from './incident-api.ts';
import { phaseChangeEffects, severityChangeEffects } from './incident-page-severity.ts';

const SEVERITIES = Object.keys(SEVERITY_LABEL) as Severity[];
const SEVERITY_OPTIONS = SEVERITIES.map((s) => ({ id: s, label: SEVERITY_LABEL[s] }));
const PHASE_OPTIONS = PHASES.map((p) => ({ id: p, label: PHASE_LABEL[p] }));

/** A change waiting for confirmation; `to` is null while the dialog still asks which value. */
export type Pending = { field: 'severity'; to: Severity | null } | { field: 'phase'; to: Phase | null };

export function Actions({
  incident,
  busy,
  canEscalate,
  run,
  ask,
  focusNote,
  focusRoles,
  flagPersonalData,
}: {
  incident: IncidentDetail;
  busy: boolean;
  canEscalate: boolean;
  run: (a: IncidentAction) => void;
  ask: (p: Pending) => void;
  focusNote: () => void;
  focusRoles: () => void;
  /** Opens the "personal data involved" dialog; absent for those who may not handle breaches. */
  flagPersonalData?: () => void;
}) {
  const open = incident.status !== 'resolved';
  const menu: MenuAction[] = [
    ...(incident.status === 'triggered' ? [{ id: 'resolve', label: 'Resolve', icon: CircleCheck }] : []),
    ...(open ? [{ id: 'escalate', label: 'Escalate now', icon: ArrowUpRight, disabled: !canEscalate }] : []),
    { id: 'note', label: 'Add a note', icon: MessageSquarePlus, separated: open },
    { id: 'roles', label: 'Assign roles', icon: Users },
    { id: 'severity', label: 'Change severity…', icon: Gauge, separated: true },
    ...(open ? [{ id: 'phase', label: 'Move phase…', icon: Flag }] : []),
    ...(flagPersonalData
      ? [{ id: 'personal-data', label: 'Personal data involved…', icon: ShieldAlert, separated: true }]
      : []),
  ];
  const choose = (id: string) => {
    if (id === 'resolve' || id === 'escalate') run({ do: id });
    else if (id === 'note') focusNote();
    else if (id === 'roles') focusRoles();
    else if (id === 'severity') ask({ field: 'severity', to: null });
    else if (id === 'phase') ask({ field: 'phase', to: null });
    else if (id === 'personal-data') flagPersonalData?.();
  };

  return (
    <section className="panel incident-actions" aria-label="Actions">
      <div className="incident-actions-row">
        {incident.status === 'triggered' && (
          <Button
            variant="primary"
            icon={CheckCheck}
            isDisabled={busy}
            onPress={() => run({ do: 'acknowledge' })}
            aria-keyshortcuts="a"
          >
            Acknowledge
          </Button>
        )}
        {incident.status === 'acknowledged' && (
          <Button
            variant="primary"
            icon={CircleCheck}
            isDisabled={busy}
            onPress={() => run({ do: 'resolve' })}
            aria-keyshortcuts="r"
          >
            Resolve
          </Button>
        )}
        {!open && (
          <Button icon={RotateCcw} isDisabled={busy} onPress={() => run({ do: 'reopen' })}>
            Reopen
          </Button>
        )}
        <ActionMenu actions={menu} onAction={choose} trigger="button" label="More actions" />
      </div>
      <p className="incident-actions-keys ui-muted">
        Keys:{' '}
        {incident.status === 'triggered' && (
          <>
            <kbd>a</kbd> acknowledge,{' '}
          </>
        )}
        {open && (
          <>
            <kbd>r</kbd> resolve,{' '}
          </>
        )}
        <kbd>n</kbd> note
      </p>
    </section>
  );
}

/** The severity and phase as fields: picking another value asks for confirmation first. */
export function SeverityField({ incident, ask }: { incident: IncidentDetail; ask: (p: Pending) => void }) {
  return (
    <Select
      label="Severity"
      className="incident-field incident-field-severity"
      options={SEVERITY_OPTIONS}
      value={incident.severity}
      onChange={(id) => id !== incident.severity && ask({ field: 'severity', to: id as Severity })}
    />
  );
}

export function PhaseField({ incident, ask }: { incident: IncidentDetail; ask: (p: Pending) => void }) {
  return (
    <Select
      label="Phase"
      className="incident-field incident-field-phase"
      options={PHASE_OPTIONS}
      value={incident.phase}
      onChange={(id) => id !== incident.phase && ask({ field: 'phase', to: id as Phase })}
    />
  );
}

/**
 * Confirms a severity or phase change, saying what it will do; opened from the menu it first asks
 * for the new value. A severity change takes an optional reason, which the timeline keeps.
 */
export function ChangeDialog({
  pending,
  incident,
  now,
  busy,
  onCancel,
  onConfirm,
}: {
  pending: Pending | null;
  incident: IncidentDetail;
  now: number;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (a: IncidentAction) => void;
}) {
  const [choice, setChoice] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const close = () => {
    setChoice(null);
    setReason('');
    onCancel();
  };
  const severity = pending?.field === 'severity';
  const to = pending?.to ?? choice;
  const effects =
    to === null
      ? []
      : severity
        ? severityChangeEffects(incident.severity, to as Severity, incident.status !== 'triggered')
        : phaseChangeEffects(incident.created_at, incident.phase, to as Phase, now);
  const confirm = () => {
    if (to === null) return;
    onConfirm(
      severity
        ? { do: 'severity', severity: to as Severity, ...(reason.trim() && { reason: reason.trim() }) }
        : { do: 'phase', phase: to as Phase },
    );
    setChoice(null);
    setReason('');
  };
  const target = to === null ? null : severity ? SEVERITY_LABEL[to as Severity] : to;

  return (
    <ConfirmDialog
      isOpen={pending !== null}
      onCancel={close}
      onConfirm={confirm}
      pending={busy || to === null}
      title={
        target === null
          ? severity
            ? 'Change severity'
            : 'Move phase'
          : severity
            ? `Change severity to ${target}?`
            : `Move to ${target}?`
      }
      confirmLabel={to === null ? 'Confirm' : severity ? `Change to ${to}` : `Move to ${to}`}
    >
      <div className="incident-change">
        {pending?.to === null && (
          <Select
            label={severity ? 'New severity' : 'New phase'}
            options={(severity ? SEVERITY_OPTIONS : PHASE_OPTIONS).filter(
              (o) => o.id !== (severity ? incident.severity : incident.phase),
            )}
            value={choice}
            onChange={setChoice}
          />
        )}
        {effects.length > 0 && (
          <ul className="incident-change-effects">
            {effects.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
        {severity && (
          <div className="ui-field">
            <label className="ui-label" htmlFor="severity-reason">
              Reason (optional)
            </label>
            <input
              id="severity-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={2000}
              placeholder="e.g. all regions affected"
            />
          </div>
        )}
      </div>
    </ConfirmDialog>
  );
}
