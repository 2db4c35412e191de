// Publishing an update about an incident on the public status page. The first update is prefilled from the
// customer notice template (GET …/status-updates/draft: title, text, impact, the components of the incident's
// services); later ones start from what is public now. "Preview" asks the server for the public page exactly as
// it would be after this update and shows it in a frame; any change to the form hides that preview again, so
// what was looked at is what gets published.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Dialog, Select, Skeleton, toast } from '../ui/index.ts';
import type { PublishedIncidentView, StatusComponent } from './api.ts';
import { Problem } from './ui-kit.tsx';
import {
  componentsKey,
  getComponents,
  getDraft,
  previewUpdate,
  publishedKey,
  publishUpdate,
  STATUS_KEY,
  type ComponentStatus,
  type Impact,
  type UpdateInput,
  type UpdateStatus,
} from './status-api.ts';
import { StatusPreviewFrame } from './status-preview-frame.tsx';
import {
  byGroupAndPosition,
  COMPONENT_STATUS_LABEL,
  IMPACT_LABEL,
  optionsOf,
  UPDATE_STATUS_LABEL,
} from './status-words.ts';
import './status-publish.css';

const NOT_AFFECTED = 'unaffected';
const COMPONENT_CHOICES = [{ id: NOT_AFFECTED, label: 'Not affected' }, ...optionsOf(COMPONENT_STATUS_LABEL)];

interface Form {
  name: string;
  status: UpdateStatus;
  impact: Impact;
  body: string;
  components: Record<string, ComponentStatus>;
  notify: boolean;
}

export function PublishDialog({
  incidentId,
  published,
  isOpen,
  onClose,
}: {
  incidentId: string;
  /** What is public about the incident now (null: nothing yet, so this is the first update). */
  published: PublishedIncidentView | null;
  isOpen: boolean;
  onClose: () => void;
}) {
  const draft = useQuery({
    queryKey: [...publishedKey(incidentId), 'draft'],
    queryFn: () => getDraft(incidentId),
    enabled: isOpen,
    staleTime: 0,
  });
  const components = useQuery({ queryKey: componentsKey, queryFn: getComponents, enabled: isOpen });
  const ready = draft.data && components.data;
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title={published ? `Update “${published.name}” on the status page` : 'Publish on the status page'}
    >
      <Problem error={draft.error ?? components.error} />
      {ready ? (
        <PublishForm
          key={published?.updated_at ?? 'first'}
          incidentId={incidentId}
          published={published}
          initial={{
            name: draft.data.name,
            status: published?.status ?? 'investigating',
            impact: published?.impact ?? draft.data.impact,
            body: published ? '' : draft.data.body,
            components: published?.updates[0]?.component_statuses ?? draft.data.component_statuses,
            notify: false,
          }}
          components={byGroupAndPosition(components.data.data)}
          onDone={onClose}
        />
      ) : (
        !draft.error && !components.error && <Skeleton label="Loading the draft" />
      )}
    </Dialog>
  );
}

function PublishForm({
  incidentId,
  published,
  initial,
  components,
  onDone,
}: {
  incidentId: string;
  published: PublishedIncidentView | null;
  initial: Form;
  components: StatusComponent[];
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(initial);
  const [previewHtml, setPreviewHtml] = useState<string | null>(null);
  const change = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    setPreviewHtml(null);
  };
  const input = (): UpdateInput => ({
    status: form.status,
    body: form.body.trim(),
    ...(!published && { name: form.name.trim() }),
    impact: form.impact,
    component_statuses: form.components,
    notify_subscribers: form.notify,
  });
  const preview = useMutation({
    mutationFn: () => previewUpdate(incidentId, input()),
    onSuccess: setPreviewHtml,
  });
  const publish = useMutation({
    mutationFn: () => publishUpdate(incidentId, input()),
    onSuccess: (result) => {
      queryClient.setQueryData(publishedKey(incidentId), result);
      void queryClient.invalidateQueries({ queryKey: STATUS_KEY });
      toast(`Published on the status page: ${UPDATE_STATUS_LABEL[result.status]}`, {
        detail: form.notify ? 'Subscribers of its components are told.' : undefined,
      });
      onDone();
    },
  });
  const blank = !form.body.trim() || (!published && !form.name.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!blank) publish.mutate();
  };
  const setComponent = (id: string, value: string) => {
    const next = { ...form.components };
    if (value === NOT_AFFECTED) delete next[id];
    else next[id] = value as ComponentStatus;
    change({ components: next });
  };

  return (
    <form className="status-publish" onSubmit={submit} aria-label="Status page update">
      {!published && (
        <label className="ui-field">
          <span className="ui-label">Public title</span>
          <input value={form.name} onChange={(e) => change({ name: e.target.value })} required maxLength={300} />
        </label>
      )}
      <div className="status-publish-row">
        <Select
          label="Status"
          options={optionsOf(UPDATE_STATUS_LABEL)}
          value={form.status}
          onChange={(status) => change({ status: status as UpdateStatus })}
        />
        <Select
          label="Impact"
          options={optionsOf(IMPACT_LABEL)}
          value={form.impact}
          onChange={(impact) => change({ impact: impact as Impact })}
        />
      </div>
      <label className="ui-field">
        <span className="ui-label">Message for customers</span>
        <textarea
          rows={5}
          value={form.body}
          onChange={(e) => change({ body: e.target.value })}
          required
          maxLength={10_000}
          placeholder="What customers notice, what you are doing, when they hear from you next"
        />
      </label>
      <fieldset className="status-publish-components">
        <legend>Components</legend>
        {components.length === 0 ? (
          <p className="ui-muted ui-small">No components yet: the update is listed without any.</p>
        ) : (
          components.map((c) => (
            <Select
              key={c.id}
              label={c.group ? `${c.group} · ${c.name}` : c.name}
              options={COMPONENT_CHOICES}
              value={form.components[c.id] ?? NOT_AFFECTED}
              onChange={(value) => setComponent(c.id, value)}
            />
          ))
        )}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={form.notify} onChange={(e) => change({ notify: e.target.checked })} /> Notify
        subscribers
        <span className="ui-muted ui-small"> (confirmed e-mail and webhook subscribers of these components)</span>
      </label>
      <Problem error={preview.error ?? publish.error} />
      {previewHtml !== null && <StatusPreviewFrame html={previewHtml} />}
      <div className="status-publish-buttons">
        <Button onPress={onDone}>Cancel</Button>
        <Button onPress={() => preview.mutate()} isDisabled={blank || preview.isPending}>
          Preview
        </Button>
        <Button type="submit" variant="primary" isDisabled={blank || publish.isPending}>
          Publish
        </Button>
      </div>
    </form>
  );
}
