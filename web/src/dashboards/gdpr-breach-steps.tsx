// The steps a breach allows in its state, one form each (allowedSteps says which): the assessed risk,
// a report to the supervisory authority (the initial one, then supplementary ones; the reasons for the
// delay once the 72 hours have passed), "not notifiable" with its reason, the Art. 34 decision, and
// closing. The server has the last word: its refusal is shown under the form that caused it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Breach } from '../shared/api.ts';
import { FormPanel } from '../shared/form-kit.tsx';
import { useNow } from '../shared/use-now.ts';
import { DateTimeField, Select, toast } from '../ui/index.ts';
import { changeBreach, GDPR_KEY, useGdprSettings, type BreachChange } from '../shared/gdpr-api.ts';
import { allowedSteps, reportIsLate } from '../shared/gdpr-clocks.ts';
import { EXEMPTION_LABEL, RISK_LABEL } from '../shared/gdpr-words.ts';

type Exemption = keyof typeof EXEMPTION_LABEL;
const EXEMPTIONS = Object.keys(EXEMPTION_LABEL) as Exemption[];
const RISKS = Object.keys(RISK_LABEL) as Array<Breach['risk']>;

/** A field's trimmed text, or undefined when it was left empty (the API then takes its default). */
const field = (f: FormData, name: string): string | undefined => {
  const value = String(f.get(name) ?? '').trim();
  return value === '' ? undefined : value;
};

/** One step's call: on success every GDPR figure reloads and a toast says what happened. */
function useStep(breach: Breach, done: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: BreachChange) => changeBreach(breach.id, change),
    onSuccess: (updated) => {
      void queryClient.invalidateQueries({ queryKey: GDPR_KEY });
      toast(`${done}: ${updated.number}`);
    },
  });
}

export function BreachSteps({ breach }: { breach: Breach }) {
  const steps = allowedSteps(breach);
  return (
    <div className="gdpr-steps">
      {(steps.includes('report') || steps.includes('supplementary')) && <ReportForm breach={breach} />}
      <RiskForm breach={breach} />
      {steps.includes('not_notifiable') && <NotNotifiableForm breach={breach} />}
      {steps.includes('decision') && <DecisionForm breach={breach} />}
      {steps.includes('close') && <CloseForm breach={breach} />}
    </div>
  );
}

function ReportForm({ breach }: { breach: Breach }) {
  const settings = useGdprSettings();
  const step = useStep(breach, 'Report recorded');
  const now = useNow(15_000);
  const [reportedAt, setReportedAt] = useState<string | null>(null);
  const initial = breach.state === 'assessing';
  const late = reportIsLate(breach, reportedAt ? Date.parse(reportedAt) : now);
  const authority = settings.data?.authority_name ?? '';
  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    step.mutate(
      {
        do: 'report',
        kind: initial ? 'initial' : 'supplementary',
        authority: field(f, 'authority'),
        reference: field(f, 'reference'),
        reported_at: reportedAt ?? undefined,
        delay_reason: late ? field(f, 'delay_reason') : undefined,
        note: field(f, 'note'),
      },
      {
        onSuccess: () => {
          form.reset();
          setReportedAt(null);
        },
      },
    );
  }
  return (
    <FormPanel
      titleId="breach-report-title"
      title={initial ? 'Record the report to the authority' : 'Record a supplementary report'}
      intro={
        <p className="hint">
          {initial
            ? 'Art. 33(1): within 72 hours of becoming aware. What is not known yet may follow later.'
            : 'Art. 33(4): information that was not available at first, in phases.'}
        </p>
      }
      onSubmit={submit}
      pending={step.isPending}
      submitLabel={initial ? 'Record the report' : 'Record the supplementary report'}
      error={step.error}
    >
      <label>
        Supervisory authority
        <input name="authority" key={authority} defaultValue={authority} required autoComplete="off" />
      </label>
      <label>
        Their reference (optional)
        <input name="reference" autoComplete="off" placeholder="e.g. C-2026-0815" />
      </label>
      <DateTimeField label="Reported at" value={reportedAt} onChange={setReportedAt} description="Empty for now" />
      {late && (
        <label className="wide">
          Reasons for the delay (Art. 33(1): a report after 72 hours says why)
          <textarea name="delay_reason" rows={2} required />
        </label>
      )}
      <label className="wide">
        Note (optional)
        <textarea name="note" rows={2} />
      </label>
    </FormPanel>
  );
}

function RiskForm({ breach }: { breach: Breach }) {
  const step = useStep(breach, 'Risk assessed');
  const [risk, setRisk] = useState(breach.risk);
  return (
    <FormPanel
      titleId="breach-risk-title"
      title="Assess the risk"
      intro={
        <p className="hint">
          A new breach counts as a risk until assessed. Only a breach unlikely to result in a risk to people may go
          unreported; a high risk is also told to the people affected (Art. 34).
        </p>
      }
      onSubmit={() => step.mutate({ do: 'risk', risk })}
      pending={step.isPending || risk === breach.risk}
      submitLabel="Save the assessment"
      error={step.error}
    >
      <Select
        label="Assessed risk"
        value={risk}
        onChange={(id) => setRisk(id as Breach['risk'])}
        options={RISKS.map((r) => ({ id: r, label: RISK_LABEL[r] }))}
      />
    </FormPanel>
  );
}

function NotNotifiableForm({ breach }: { breach: Breach }) {
  const step = useStep(breach, 'Documented as not notifiable');
  return (
    <FormPanel
      titleId="breach-not-notifiable-title"
      title="Not notifiable"
      intro={<p className="hint">Art. 33(5): why the breach is unlikely to result in a risk, kept with it.</p>}
      onSubmit={(form) => step.mutate({ do: 'not_notifiable', reason: field(new FormData(form), 'reason') ?? '' })}
      pending={step.isPending}
      submitLabel="Mark not notifiable"
      error={step.error}
    >
      <label className="wide">
        Reason
        <textarea name="reason" rows={2} required />
      </label>
    </FormPanel>
  );
}

function DecisionForm({ breach }: { breach: Breach }) {
  const step = useStep(breach, 'Art. 34 decision recorded');
  const [decision, setDecision] = useState<'communicated' | 'exempt'>('communicated');
  const [toldAt, setToldAt] = useState<string | null>(null);
  const [exemption, setExemption] = useState<Exemption>('34(3)(a)');
  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    step.mutate(
      decision === 'communicated'
        ? { do: 'decision', decision, communicated_at: toldAt ?? '', channel: field(f, 'channel') ?? '' }
        : { do: 'decision', decision, exemption, reason: field(f, 'reason') ?? '' },
    );
  }
  return (
    <FormPanel
      titleId="breach-decision-form-title"
      title={breach.subjects_decision ? 'Change the Art. 34 decision' : 'Record the Art. 34 decision'}
      intro={<p className="hint">Whether the people affected were told, or which exemption of Art. 34(3) applies.</p>}
      onSubmit={submit}
      pending={step.isPending}
      submitLabel="Record the decision"
      error={step.error}
    >
      <Select
        label="Decision"
        value={decision}
        onChange={(id) => setDecision(id as typeof decision)}
        options={[
          { id: 'communicated', label: 'Told the data subjects' },
          { id: 'exempt', label: 'Exempt from telling them' },
        ]}
      />
      {decision === 'communicated' ? (
        <>
          <DateTimeField label="Told on" value={toldAt} onChange={setToldAt} isRequired />
          <label>
            How
            <input name="channel" required autoComplete="off" placeholder="email to each customer" />
          </label>
        </>
      ) : (
        <>
          <Select
            className="wide"
            label="Exemption"
            value={exemption}
            onChange={(id) => setExemption(id as Exemption)}
            options={EXEMPTIONS.map((e) => ({ id: e, label: EXEMPTION_LABEL[e] }))}
          />
          <label className="wide">
            Reason
            <textarea name="reason" rows={2} required />
          </label>
        </>
      )}
    </FormPanel>
  );
}

function CloseForm({ breach }: { breach: Breach }) {
  const step = useStep(breach, 'Closed');
  const needsReason = breach.state === 'assessing';
  return (
    <FormPanel
      titleId="breach-close-title"
      title="Close the breach"
      intro={
        <p className="hint">
          {needsReason
            ? 'Never reported: closing documents it as not notifiable, with the reason.'
            : 'When nothing more is to be done. A high-risk breach needs its Art. 34 decision first.'}
        </p>
      }
      onSubmit={(form) => step.mutate({ do: 'close', reason: field(new FormData(form), 'reason') })}
      pending={step.isPending}
      submitLabel="Close the breach"
      error={step.error}
    >
      <label className="wide">
        {needsReason ? 'Reason' : 'Reason (optional)'}
        <textarea name="reason" rows={2} required={needsReason} />
      </label>
    </FormPanel>
  );
}
