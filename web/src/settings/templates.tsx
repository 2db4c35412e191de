// Settings → Templates: the runbook's initial and resolution notifications. Everyone reads them;
// admins edit or reset them to the runbook's text. A preview renders the saved template for a real
// incident (the API previews saved templates only, so a draft is saved first).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Incident, type Message, type Page, type Session, type Template } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import { id, KEYS } from '../shared/resources.ts';
import { AdminsOnly, ConfirmButton, Problem } from '../shared/form-kit.tsx';
import { Button, Select, toast } from '../ui/index.ts';

export function TemplatesTab({ session }: { session: Session }) {
  const templates = useQuery({
    queryKey: KEYS.templates,
    queryFn: () => api<{ data: Template[] }>('GET', '/api/v1/templates'),
  });
  const isAdmin = session.role === 'admin';
  return (
    <>
      {!isAdmin && <AdminsOnly>Only admins edit the notification templates.</AdminsOnly>}
      <Problem error={templates.error} />
      {templates.isPending && <p className="notice">Loading…</p>}
      {templates.data?.data.map((t) => (
        <TemplateEditor key={`${t.key}-${t.updated_at ?? 'seed'}`} template={t} canEdit={isAdmin} />
      ))}
    </>
  );
}

function TemplateEditor({ template, canEdit }: { template: Template; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [subject, setSubject] = useState(template.subject);
  const [text, setText] = useState(template.text);
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: KEYS.templates });
    void queryClient.invalidateQueries({ queryKey: ['template-preview', template.key] });
  };
  const save = useMutation({
    mutationFn: () => api<Template>('PUT', `/api/v1/templates/${template.key}`, { subject, text }),
    onSuccess: () => {
      changed();
      toast(`Saved “${template.name}”`);
    },
  });
  const reset = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/templates/${template.key}`),
    onSuccess: () => {
      changed();
      toast(`“${template.name}” is back to the runbook’s text`);
    },
  });
  const dirty = subject !== template.subject || text !== template.text;
  const titleId = `template-${template.key}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <section className="ui-panel" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>{template.name}</h2>
        <span className="ui-small ui-muted">
          {template.customised
            ? `Edited by ${template.updated_by ?? 'someone'}, ${when(template.updated_at)}`
            : 'The runbook’s text'}
        </span>
      </header>
      <form className="ui-form stack" onSubmit={submit} aria-label={`Edit ${template.name}`}>
        <label>
          Subject
          <input
            name="subject"
            value={subject}
            readOnly={!canEdit}
            onChange={(e) => setSubject(e.target.value)}
            required
          />
        </label>
        <label>
          Text
          <textarea
            name="text"
            value={text}
            readOnly={!canEdit}
            onChange={(e) => setText(e.target.value)}
            rows={Math.min(24, Math.max(8, text.split('\n').length + 1))}
            required
          />
        </label>
        <details>
          <summary className="ui-small">Fields and syntax</summary>
          <p className="ui-small ui-muted">
            <code>{'{{field}}'}</code> inserts a value; <code>{'{{#field}}…{{/field}}'}</code> shows its content when
            the field is not empty, <code>{'{{^field}}…{{/field}}'}</code> when it is.
          </p>
          <ul className="template-fields" aria-label="Fields">
            {template.fields.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        </details>
        {canEdit && (
          <div className="buttons">
            <Button type="submit" variant="primary" isDisabled={save.isPending || !dirty}>
              Save template
            </Button>
            {dirty && (
              <Button
                onPress={() => {
                  setSubject(template.subject);
                  setText(template.text);
                }}
              >
                Discard changes
              </Button>
            )}
            {template.customised && (
              <ConfirmButton
                label="Reset to the runbook’s text"
                title="Reset to the runbook’s text?"
                confirm="Reset template"
                detail={<p>Your changes to this template are lost.</p>}
                onConfirm={() => reset.mutate()}
                disabled={reset.isPending}
              />
            )}
            {save.isSuccess && !dirty && <span role="status">Saved.</span>}
          </div>
        )}
      </form>
      <Problem error={save.error ?? reset.error} />
      <Preview template={template} dirty={dirty} />
    </section>
  );
}

function Preview({ template, dirty }: { template: Template; dirty: boolean }) {
  const incidents = useQuery({
    queryKey: ['template-preview', 'incidents'],
    queryFn: () => api<Page<Incident>>('GET', '/api/v1/incidents?limit=50'),
  });
  const [incidentId, setIncidentId] = useState('');
  const chosen = incidentId || incidents.data?.data[0]?.id || '';
  const preview = useQuery({
    queryKey: ['template-preview', template.key, chosen],
    queryFn: () => api<Message>('GET', `/api/v1/incidents/${id(chosen)}/communications/${template.key}/preview`),
    enabled: false,
  });
  const list = incidents.data?.data ?? [];
  return (
    <div className="template-preview-box" role="group" aria-label={`Preview ${template.name}`}>
      <h3>Preview</h3>
      {list.length === 0 ? (
        <p className="ui-muted ui-small">A preview fills the template from an incident; there are none yet.</p>
      ) : (
        <>
          <div className="adder">
            <Select
              label="Incident"
              options={list.map((i) => ({ id: i.id, label: `${i.number} ${i.title}` }))}
              value={chosen}
              onChange={setIncidentId}
            />
            <Button onPress={() => void preview.refetch()} isDisabled={preview.isFetching}>
              Preview
            </Button>
          </div>
          {dirty && (
            <p className="ui-small ui-muted">The preview uses the saved template; save your changes to see them.</p>
          )}
          <Problem error={preview.error} />
          {preview.data && (
            <div className="template-preview" aria-label="Rendered notification" role="region">
              <strong>{preview.data.subject}</strong>
              {'\n\n'}
              {preview.data.text}
            </div>
          )}
        </>
      )}
    </div>
  );
}
