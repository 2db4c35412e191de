// Settings → Schedules: on-call schedules as layers of rotations (the last layer wins where it covers).
// Admins create, edit and delete them; a layer's time-of-day restrictions are kept as they are but not
// edited here (the API and CLI set them).
import { useState } from 'react';
import { Link } from 'react-router';
import type { Layer, Schedule, Session } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import {
  fromLocalInput,
  KEYS,
  localInput,
  ROTATION_KINDS,
  usePeople,
  useRemoveResource,
  useSaveResource,
  useSchedules,
} from '../shared/resources.ts';
import { EditDeleteButtons, EditorPanel, NamedFields, RemoveChip, StepPeople } from './editor.tsx';
import { AdminsOnly, LOCAL_ZONE, Problem, ZoneOptions } from '../shared/form-kit.tsx';
import { Button, Select } from '../ui/index.ts';

const ROTATION_LABEL: Record<DraftLayer['kind'], string> = {
  hourly: 'Hourly',
  daily: 'Daily',
  weekly: 'Weekly',
  custom: 'Custom shift length',
};

type People = ReturnType<typeof usePeople>;
const DAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface DraftLayer {
  name: string;
  kind: Layer['rotation']['kind'];
  shiftHours: number;
  handoff: string;
  participants: string[];
  restrictions: Layer['restrictions'];
}

function describeLayer(l: Layer, people: People): string {
  const r = l.rotation;
  const every = r.kind === 'custom' ? `every ${(r.shift_seconds ?? 0) / 3600} h` : r.kind;
  const limits = l.restrictions
    .map((x) => `${x.days ? x.days.map((d) => DAY_NAMES[d]).join(',') + ' ' : ''}${x.start}–${x.end}`)
    .join('; ');
  return (
    `${every} from ${when(r.handoff_at)}: ` +
    `${r.participants.map((p) => people.label(p)).join(' → ')}${limits ? ` (only ${limits})` : ''}`
  );
}

export function SchedulesTab({ session }: { session: Session }) {
  const schedules = useSchedules();
  const people = usePeople();
  const [editing, setEditing] = useState<string | null>(null);
  const isAdmin = session.role === 'admin';
  const remove = useRemoveResource('/api/v1/schedules', [KEYS.schedules, KEYS.oncall]);

  return (
    <>
      <section className="ui-panel" aria-labelledby="schedules-title">
        <header>
          <h2 id="schedules-title">Schedules</h2>
          <Link to="/oncall">Shifts and overrides are on the On-call page</Link>
        </header>
        <Problem error={schedules.error ?? remove.error} />
        {schedules.data?.data.length === 0 && <p className="ui-muted">No schedules yet.</p>}
        {schedules.data?.data.map((s) =>
          editing === s.id ? (
            <ScheduleEditor key={s.id} schedule={s} people={people} onDone={() => setEditing(null)} />
          ) : (
            <article key={s.id} className="ui-panel" aria-label={s.name}>
              <header>
                <h3>
                  {s.name} <span className="ui-muted ui-small">{s.timezone}</span>
                </h3>
                {isAdmin && (
                  <EditDeleteButtons
                    name={s.name}
                    onEdit={() => setEditing(s.id)}
                    onDelete={() => remove.mutate(s.id)}
                    pending={remove.isPending}
                  />
                )}
              </header>
              {s.description && <p className="ui-small">{s.description}</p>}
              <Link className="ui-small" to={`/oncall?schedule=${encodeURIComponent(s.id)}`}>
                Shifts and overrides of {s.name}
              </Link>
              <ol className="schedule-layers">
                {s.layers.map((l, i) => (
                  <li key={i}>
                    <strong>{l.name}</strong>: {describeLayer(l, people)}
                  </li>
                ))}
              </ol>
            </article>
          ),
        )}
      </section>
      {isAdmin ? (
        <ScheduleEditor key="new" people={people} onDone={() => undefined} />
      ) : (
        <AdminsOnly>
          Only admins create and change schedules. Responders can add overrides on the On-call page.
        </AdminsOnly>
      )}
    </>
  );
}

function nextMonday9(): string {
  const d = new Date();
  d.setHours(9, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return localInput(d);
}

function ScheduleEditor({ schedule, people, onDone }: { schedule?: Schedule; people: People; onDone: () => void }) {
  const [blank] = useState(() => ({
    name: '',
    description: '',
    timezone: LOCAL_ZONE,
    layers: [
      { name: 'Primary', kind: 'weekly', shiftHours: 24, handoff: nextMonday9(), participants: [], restrictions: [] },
    ] as DraftLayer[],
  }));
  const [draft, setDraft] = useState(() =>
    schedule
      ? {
          name: schedule.name,
          description: schedule.description ?? '',
          timezone: schedule.timezone,
          layers: schedule.layers.map((l): DraftLayer => ({
            name: l.name,
            kind: l.rotation.kind,
            shiftHours: (l.rotation.shift_seconds ?? 86_400) / 3600,
            handoff: localInput(new Date(l.rotation.handoff_at)),
            participants: l.rotation.participants,
            restrictions: l.restrictions,
          })),
        }
      : blank,
  );
  const save = useSaveResource({
    noun: 'Schedule',
    collection: '/api/v1/schedules',
    existing: schedule,
    body: () => ({
      name: draft.name.trim(),
      description: draft.description.trim() || null,
      timezone: draft.timezone.trim(),
      layers: draft.layers.map((l) => ({
        name: l.name.trim(),
        rotation: {
          kind: l.kind,
          ...(l.kind === 'custom' ? { shift_seconds: Math.round(l.shiftHours * 3600) } : {}),
          handoff_at: fromLocalInput(l.handoff),
          participants: l.participants,
        },
        ...(l.restrictions.length > 0 ? { restrictions: l.restrictions } : {}),
      })),
    }),
    refresh: [KEYS.schedules, KEYS.oncall, KEYS.shifts],
    onSaved: () => {
      if (!schedule) setDraft(blank);
      onDone();
    },
  });
  const setLayer = (i: number, patch: Partial<DraftLayer>) =>
    setDraft((d) => ({ ...d, layers: d.layers.map((l, j) => (j === i ? { ...l, ...patch } : l)) }));
  const prefix = schedule ? `edit-${schedule.id}` : 'new-schedule';

  return (
    <EditorPanel
      noun="schedule"
      short="schedule"
      existing={schedule}
      onSubmit={() => save.mutate()}
      pending={save.isPending}
      error={save.error}
      onCancel={onDone}
      extraButtons={
        <Button
          onPress={() =>
            setDraft({
              ...draft,
              layers: [
                ...draft.layers,
                {
                  name: `Layer ${draft.layers.length + 1}`,
                  kind: 'weekly',
                  shiftHours: 24,
                  handoff: nextMonday9(),
                  participants: [],
                  restrictions: [],
                },
              ],
            })
          }
        >
          Add a layer
        </Button>
      }
    >
      <NamedFields draft={draft} onChange={setDraft}>
        <label>
          Time zone
          <input
            value={draft.timezone}
            required
            list={`${prefix}-zones`}
            onChange={(e) => setDraft({ ...draft, timezone: e.target.value })}
          />
          <ZoneOptions id={`${prefix}-zones`} />
        </label>
      </NamedFields>
      <div className="wide">
        {draft.layers.map((l, i) => (
          <fieldset key={i} className="layer-editor">
            <legend>Layer {i + 1}</legend>
            <label>
              Layer name
              <input value={l.name} required onChange={(e) => setLayer(i, { name: e.target.value })} />
            </label>
            <Select
              label="Rotation"
              options={ROTATION_KINDS.map((k) => ({ id: k, label: ROTATION_LABEL[k] }))}
              value={l.kind}
              onChange={(next) => setLayer(i, { kind: next as DraftLayer['kind'] })}
            />
            {l.kind === 'custom' && (
              <label>
                Shift length (hours)
                <input
                  type="number"
                  min={0.5}
                  step={0.5}
                  required
                  value={l.shiftHours}
                  onChange={(e) => setLayer(i, { shiftHours: Number(e.target.value) })}
                />
              </label>
            )}
            <label>
              First handoff (your time)
              <input
                type="datetime-local"
                required
                value={l.handoff}
                onChange={(e) => setLayer(i, { handoff: e.target.value })}
              />
            </label>
            <StepPeople
              title="Participants, in turn"
              removeLabel={`Remove layer ${i + 1}`}
              onRemove={
                draft.layers.length > 1
                  ? () => setDraft({ ...draft, layers: draft.layers.filter((_, j) => j !== i) })
                  : undefined
              }
              listLabel={`Layer ${i + 1} participants`}
              ordered
              count={l.participants.length}
            >
              {l.participants.map((p, k) => (
                <li key={`${p}-${k}`}>
                  {k + 1}. {people.label(p)}
                  <Button
                    aria-label={`Move ${people.label(p)} earlier`}
                    isDisabled={k === 0}
                    onPress={() => setLayer(i, { participants: swap(l.participants, k, k - 1) })}
                  >
                    ↑
                  </Button>
                  <RemoveChip
                    label={`Remove ${people.label(p)} from layer ${i + 1}`}
                    onClick={() => setLayer(i, { participants: l.participants.filter((_, m) => m !== k) })}
                  />
                </li>
              ))}
            </StepPeople>
            <ParticipantAdder
              layer={i + 1}
              people={people}
              onAdd={(userId) => setLayer(i, { participants: [...l.participants, userId] })}
            />
            {l.restrictions.length > 0 && (
              <p className="ui-small ui-muted wide">Time-of-day restrictions of this layer are kept.</p>
            )}
          </fieldset>
        ))}
      </div>
    </EditorPanel>
  );
}

function swap<T>(list: T[], a: number, b: number): T[] {
  const out = [...list];
  [out[a], out[b]] = [out[b] as T, out[a] as T];
  return out;
}

function ParticipantAdder({
  layer,
  people,
  onAdd,
}: {
  layer: number;
  people: People;
  onAdd: (userId: string) => void;
}) {
  const [userId, setUserId] = useState('');
  const chosen = userId || people.active[0]?.id || '';
  return (
    <div className="adder">
      <Select
        label={`Add to layer ${layer}`}
        options={people.active.map((u) => ({ id: u.id, label: `${u.name} (@${u.handle})` }))}
        value={chosen || null}
        onChange={setUserId}
      />
      <Button isDisabled={!chosen} onPress={() => onAdd(chosen)}>
        Add participant
      </Button>
    </div>
  );
}
