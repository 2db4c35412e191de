// Settings → Escalation: the policies that decide who is paged at each level and when. Admins create,
// edit and delete them; the runbook's L1–L4 chain is one click away as a starting point.
import { useState } from 'react';
import type { Policy, Session, Target, TargetType } from '../shared/api.ts';
import {
  KEYS,
  minutes,
  TARGET_TYPES,
  usePeople,
  usePolicies,
  useRemoveResource,
  useSaveResource,
  useSchedules,
  useTeams,
} from '../shared/resources.ts';
import { EditDeleteButtons, EditorPanel, NamedFields, RemoveChip, StepPeople } from './editor.tsx';
import { AdminsOnly, Problem } from '../shared/form-kit.tsx';
import { Button, count, Select } from '../ui/index.ts';

const ESCALATE_WHILE = [
  { id: 'unresolved', label: 'Until resolved', detail: 'Keep paging while the incident is open' },
  { id: 'unacknowledged', label: 'Until acknowledged', detail: 'Stop once someone acknowledges' },
];
const TARGET_LABEL: Record<TargetType, string> = { user: 'Person', schedule: 'Schedule', team: 'Team' };

/** The runbook's escalation chain; delays count from the incident's creation. */
const RUNBOOK_CHAIN: DraftLevel[] = [
  { name: 'On-call engineer', delayMin: 0, targets: [] },
  { name: 'Technical lead', delayMin: 15, targets: [] },
  { name: 'Engineering manager', delayMin: 30, targets: [] },
  { name: 'CTO/VP Engineering', delayMin: 60, targets: [] },
];

interface DraftLevel {
  name: string;
  delayMin: number;
  targets: Target[];
}

/** A name for a policy target: the person, schedule or team it points at. */
function useTargetLabel() {
  const people = usePeople();
  const schedules = useSchedules();
  const teams = useTeams();
  const options: Record<TargetType, Array<{ id: string; label: string }>> = {
    user: people.active.map((u) => ({ id: u.id, label: `${u.name} (@${u.handle})` })),
    schedule: (schedules.data?.data ?? []).map((s) => ({ id: s.id, label: s.name })),
    team: (teams.data?.data ?? []).map((t) => ({ id: t.id, label: t.name })),
  };
  const label = (t: Target) =>
    `${TARGET_LABEL[t.type]}: ` +
    `${t.type === 'user' ? people.label(t.id) : (options[t.type].find((o) => o.id === t.id)?.label ?? t.id)}`;
  return { options, label };
}

export function PoliciesTab({ session }: { session: Session }) {
  const policies = usePolicies();
  const targets = useTargetLabel();
  const [editing, setEditing] = useState<string | null>(null);
  const isAdmin = session.role === 'admin';
  const remove = useRemoveResource('/api/v1/escalation-policies', [KEYS.policies]);

  return (
    <>
      <section className="ui-panel" aria-labelledby="policies-title">
        <h2 id="policies-title">Escalation policies</h2>
        <p className="ui-muted ui-small">
          Each level is paged when its delay (from the incident’s creation) has passed and the incident is still
          unacknowledged or unresolved, as the policy says.
        </p>
        <Problem error={policies.error ?? remove.error} />
        {policies.data?.data.length === 0 && <p className="ui-muted">No escalation policies yet.</p>}
        {policies.data?.data.map((p) =>
          editing === p.id ? (
            <PolicyEditor key={p.id} policy={p} targets={targets} onDone={() => setEditing(null)} />
          ) : (
            <article key={p.id} className="ui-panel" aria-label={p.name}>
              <header>
                <h3>{p.name}</h3>
                {isAdmin && (
                  <EditDeleteButtons
                    name={p.name}
                    onEdit={() => setEditing(p.id)}
                    onDelete={() => remove.mutate(p.id)}
                    pending={remove.isPending}
                  />
                )}
              </header>
              {p.description && <p className="ui-small">{p.description}</p>}
              <p className="ui-small ui-muted">
                {count(p.levels.length, 'level')}; pages until{' '}
                {p.escalate_while === 'unresolved' ? 'the incident is resolved' : 'someone acknowledges'};{' '}
                {p.repeat === 0 ? 'does not repeat' : `repeats ${count(p.repeat, 'time')}`}.
              </p>
              <ol className="policy-levels">
                {p.levels.map((l) => (
                  <li key={l.level}>
                    <strong>L{l.level}</strong> {l.name ?? ''} ·{' '}
                    {l.delay_seconds === 0 ? 'at once' : `after ${minutes(l.delay_seconds)}`} ·{' '}
                    {l.targets.length === 0 ? (
                      <span className="error">nobody to page yet</span>
                    ) : (
                      l.targets.map(targets.label).join('; ')
                    )}
                  </li>
                ))}
              </ol>
            </article>
          ),
        )}
      </section>
      {isAdmin ? (
        <PolicyEditor key="new" targets={targets} onDone={() => undefined} />
      ) : (
        <AdminsOnly>Only admins create and change escalation policies.</AdminsOnly>
      )}
    </>
  );
}

function PolicyEditor({
  policy,
  targets,
  onDone,
}: {
  policy?: Policy;
  targets: ReturnType<typeof useTargetLabel>;
  onDone: () => void;
}) {
  const blank = {
    name: '',
    description: '',
    escalateWhile: 'unresolved',
    repeat: 0,
    levels: [{ name: '', delayMin: 0, targets: [] }] as DraftLevel[],
  };
  const initial = policy
    ? {
        name: policy.name,
        description: policy.description ?? '',
        escalateWhile: policy.escalate_while as string,
        repeat: policy.repeat,
        levels: policy.levels.map((l) => ({
          name: l.name ?? '',
          delayMin: Math.round(l.delay_seconds / 60),
          targets: l.targets,
        })),
      }
    : blank;
  const [draft, setDraft] = useState(initial);
  const save = useSaveResource({
    noun: 'Escalation policy',
    collection: '/api/v1/escalation-policies',
    existing: policy,
    body: () => ({
      name: draft.name.trim(),
      description: draft.description.trim() || null,
      escalate_while: draft.escalateWhile,
      repeat: draft.repeat,
      levels: draft.levels.map((l) => ({
        name: l.name.trim() || null,
        delay_seconds: Math.round(l.delayMin * 60),
        targets: l.targets,
      })),
    }),
    refresh: [KEYS.policies, KEYS.oncall],
    onSaved: () => {
      if (!policy) setDraft(blank);
      onDone();
    },
  });
  const setLevel = (i: number, patch: Partial<DraftLevel>) =>
    setDraft((d) => ({ ...d, levels: d.levels.map((l, j) => (j === i ? { ...l, ...patch } : l)) }));

  return (
    <EditorPanel
      noun="escalation policy"
      short="policy"
      existing={policy}
      onSubmit={() => save.mutate()}
      pending={save.isPending}
      error={save.error}
      onCancel={onDone}
      extraButtons={
        <>
          <Button
            onPress={() =>
              setDraft({
                ...draft,
                levels: [
                  ...draft.levels,
                  { name: '', delayMin: (draft.levels.at(-1)?.delayMin ?? 0) + 15, targets: [] },
                ],
              })
            }
          >
            Add a level
          </Button>
          {!policy && (
            <Button onPress={() => setDraft({ ...draft, levels: RUNBOOK_CHAIN.map((l) => ({ ...l })) })}>
              Use the runbook’s L1–L4 chain
            </Button>
          )}
        </>
      }
    >
      <NamedFields draft={draft} onChange={setDraft}>
        <Select
          label="Escalate while"
          options={ESCALATE_WHILE}
          value={draft.escalateWhile}
          onChange={(next) => setDraft({ ...draft, escalateWhile: next })}
        />
        <label>
          Repeat the levels (times)
          <input
            type="number"
            min={0}
            max={20}
            value={draft.repeat}
            onChange={(e) => setDraft({ ...draft, repeat: Number(e.target.value) })}
          />
        </label>
      </NamedFields>
      <div className="wide">
        {draft.levels.map((l, i) => (
          <fieldset key={i} className="level-editor">
            <legend>Level L{i + 1}</legend>
            <label>
              Level name
              <input
                value={l.name}
                placeholder="On-call engineer"
                onChange={(e) => setLevel(i, { name: e.target.value })}
              />
            </label>
            <label>
              Minutes after the incident starts
              <input
                type="number"
                min={0}
                max={10080}
                required
                value={l.delayMin}
                onChange={(e) => setLevel(i, { delayMin: Number(e.target.value) })}
              />
            </label>
            <StepPeople
              title="Who is paged"
              removeLabel={`Remove L${i + 1}`}
              onRemove={
                draft.levels.length > 1
                  ? () => setDraft({ ...draft, levels: draft.levels.filter((_, j) => j !== i) })
                  : undefined
              }
              listLabel={`L${i + 1} targets`}
              count={l.targets.length}
            >
              {l.targets.map((t, k) => (
                <li key={`${t.type}-${t.id}`}>
                  {targets.label(t)}
                  <RemoveChip
                    label={`Remove ${targets.label(t)} from L${i + 1}`}
                    onClick={() => setLevel(i, { targets: l.targets.filter((_, m) => m !== k) })}
                  />
                </li>
              ))}
            </StepPeople>
            <TargetAdder
              level={i + 1}
              options={targets.options}
              onAdd={(t) =>
                !l.targets.some((x) => x.type === t.type && x.id === t.id) &&
                setLevel(i, { targets: [...l.targets, t] })
              }
            />
          </fieldset>
        ))}
      </div>
    </EditorPanel>
  );
}

function TargetAdder({
  level,
  options,
  onAdd,
}: {
  level: number;
  options: Record<TargetType, Array<{ id: string; label: string }>>;
  onAdd: (t: Target) => void;
}) {
  const [type, setType] = useState<TargetType>('schedule');
  const [target, setTarget] = useState('');
  const chosen = target || options[type][0]?.id || '';
  return (
    <div className="adder">
      <Select
        label={`L${level} target type`}
        options={TARGET_TYPES.map((t) => ({ id: t, label: TARGET_LABEL[t] }))}
        value={type}
        onChange={(next) => {
          setType(next as TargetType);
          setTarget('');
        }}
      />
      <Select
        label={`L${level} ${TARGET_LABEL[type].toLowerCase()}`}
        options={options[type]}
        value={chosen || null}
        onChange={setTarget}
        placeholder="None exist yet"
        isDisabled={options[type].length === 0}
      />
      <Button isDisabled={!chosen} onPress={() => onAdd({ type, id: chosen })}>
        Add to L{level}
      </Button>
    </div>
  );
}
