// Settings → GDPR: who the controller is, its data protection officer and its supervisory authority, as
// the Art. 33(3) report drafts name them (point (b) asks for the DPO's contact) and the breach page
// pre-fills the authority. Everyone reads them; admins change them. An empty field is saved as unset.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type GdprSettings, type Session } from '../shared/api.ts';
import { when } from '../shared/format.ts';
import { AdminsOnly, FormPanel, Problem } from '../shared/form-kit.tsx';
import { GDPR_KEY, useGdprSettings } from '../shared/gdpr-api.ts';
import { toast } from '../ui/index.ts';

const FIELDS = [
  ['controller_name', 'Controller', 'Example GmbH', 'organization'],
  ['dpo_name', 'Data protection officer', 'Dr. Maria Keller', 'name'],
  ['dpo_email', 'DPO email', 'dpo@example.com', 'email'],
  ['dpo_phone', 'DPO phone', '+49 30 1234567', 'tel'],
  ['authority_name', 'Supervisory authority', 'Berliner Beauftragte für Datenschutz und Informationsfreiheit', 'off'],
] as const;

type Field = (typeof FIELDS)[number][0];

export function GdprSettingsTab({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const settings = useGdprSettings();
  const isAdmin = session.role === 'admin';
  const save = useMutation({
    mutationFn: (body: Record<Field, string | null>) => api<GdprSettings>('PUT', '/api/v1/gdpr/settings', body),
    onSuccess: (saved) => {
      queryClient.setQueryData([...GDPR_KEY, 'settings'], saved);
      toast('GDPR contacts saved');
    },
  });

  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const value = (name: Field) => String(data.get(name) ?? '').trim() || null;
    save.mutate(Object.fromEntries(FIELDS.map(([name]) => [name, value(name)])) as Record<Field, string | null>);
  }

  const current = settings.data;
  return (
    <>
      {!isAdmin && <AdminsOnly>Only admins change the GDPR contacts.</AdminsOnly>}
      <Problem error={settings.error} />
      {settings.isPending && <p className="notice">Loading…</p>}
      {current && (
        <FormPanel
          key={current.updated_at ?? 'unset'}
          titleId="gdpr-settings-title"
          title="GDPR contacts"
          label="GDPR contacts"
          intro={
            <p className="ui-muted ui-small">
              Named in every breach report draft (Art. 33(3)(b) asks for the DPO&rsquo;s contact); the authority is
              filled in when a report to it is recorded.{' '}
              {current.updated_at
                ? `Last changed by ${current.updated_by ?? 'someone'}, ${when(current.updated_at)}.`
                : 'Not set yet.'}
            </p>
          }
          onSubmit={submit}
          pending={save.isPending || !isAdmin}
          submitLabel="Save contacts"
          error={save.error}
        >
          {FIELDS.map(([name, label, placeholder, autoComplete]) => (
            <label key={name}>
              {label}
              <input
                name={name}
                defaultValue={current[name] ?? ''}
                placeholder={placeholder}
                autoComplete={autoComplete}
                type={name === 'dpo_email' ? 'email' : name === 'dpo_phone' ? 'tel' : 'text'}
                readOnly={!isAdmin}
              />
            </label>
          ))}
        </FormPanel>
      )}
    </>
  );
}
