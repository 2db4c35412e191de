// "Personal data involved" on an incident page (admins and privacy-flagged responders): a dialog that
// opens a personal data breach for the incident (POST /api/v1/incidents/{id}/personal-data, which answers
// the open one if there is one), and the banner that links the incident to its open breach afterwards.
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { ShieldAlert } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog, toast } from '../ui/index.ts';
import { BreachClockText } from '../shared/breach-clock.tsx';
import { breachPath, flagPersonalData, GDPR_KEY, useIncidentBreach } from '../shared/gdpr-api.ts';
import { BREACH_STATE_LABEL } from '../shared/gdpr-words.ts';
import { Problem } from '../shared/ui-kit.tsx';

export function PersonalDataDialog({
  isOpen,
  onClose,
  incidentRef,
  incidentKey,
}: {
  isOpen: boolean;
  onClose: () => void;
  incidentRef: string;
  /** The incident page's query key: its timeline gains the breach's entry. */
  incidentKey: QueryKey;
}) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const flag = useMutation({
    mutationFn: () => flagPersonalData(incidentRef, note.trim() || undefined),
    onSuccess: (breach) => {
      void queryClient.invalidateQueries({ queryKey: GDPR_KEY });
      void queryClient.invalidateQueries({ queryKey: incidentKey });
      toast(`Personal data breach ${breach.number}`, { detail: 'Its 72-hour clock is on the incident page.' });
      setNote('');
      onClose();
    },
  });
  const close = () => {
    flag.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      isOpen={isOpen}
      onCancel={close}
      onConfirm={() => flag.mutate()}
      pending={flag.isPending}
      title="Personal data involved?"
      confirmLabel="Open a breach"
    >
      <p>
        This opens a personal data breach for the incident, aware from now: the 72-hour clock to report it to the
        supervisory authority (Art. 33 GDPR) starts, and the stakeholders for GDPR are told. If the incident already has
        an open breach, that one is shown instead.
      </p>
      <div className="ui-field">
        <label className="ui-label" htmlFor="personal-data-note">
          What was involved (optional)
        </label>
        <textarea
          id="personal-data-note"
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={2000}
          placeholder="e.g. customer CSV export in a public bucket"
        />
      </div>
      <Problem error={flag.error} />
    </ConfirmDialog>
  );
}

/** The incident's open breach, as a line with its clock and a link; nothing when it has none. */
export function BreachBanner({ incidentId }: { incidentId: string }) {
  const breach = useIncidentBreach(incidentId, true);
  if (!breach) return null;
  return (
    <section className="panel incident-breach" aria-label="Personal data breach" data-testid="incident-breach">
      <ShieldAlert size={18} aria-hidden />
      <span>
        Personal data breach{' '}
        <Link to={breachPath(breach.number)}>
          <strong>{breach.number}</strong>
        </Link>{' '}
        · {BREACH_STATE_LABEL[breach.state]} · <BreachClockText breach={breach} />
      </span>
    </section>
  );
}
