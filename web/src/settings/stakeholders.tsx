// Settings → Stakeholders (admins): who receives the runbook's initial and resolution notifications,
// and for which severities.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ContactKind, type Session, type Severity, type Stakeholder } from '../shared/api.ts';
import { SEVERITY_LABEL } from '../shared/format.ts';
import { id, KEYS, readContact, SEVERITIES } from '../shared/resources.ts';
import {
  ACTIONS,
  AdminsOnly,
  AdminsOnlyPanel,
  ConfirmButton,
  ContactFields,
  FormPanel,
  ListTable,
  Problem,
} from '../shared/form-kit.tsx';

export function StakeholdersTab({ session }: { session: Session }) {
  if (session.role !== 'admin') {
    return (
      <AdminsOnlyPanel titleId="stakeholders-title" title="Stakeholders">
        <p>
          Stakeholders receive the runbook’s initial incident notification and the resolution notification for the
          severities they follow.
        </p>
        <AdminsOnly>Only admins see and change the stakeholder list, since it holds people’s addresses.</AdminsOnly>
      </AdminsOnlyPanel>
    );
  }
  return <Stakeholders />;
}

function Stakeholders() {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: KEYS.stakeholders,
    queryFn: () => api<{ data: Stakeholder[] }>('GET', '/api/v1/stakeholders'),
  });
  const changed = () => queryClient.invalidateQueries({ queryKey: KEYS.stakeholders });
  const add = useMutation({
    mutationFn: (body: { name: string; kind: ContactKind; address: string; severities: Severity[]; secret?: string }) =>
      api<Stakeholder>('POST', '/api/v1/stakeholders', body),
    onSuccess: changed,
  });
  const remove = useMutation({
    mutationFn: (stakeholderId: string) => api<void>('DELETE', `/api/v1/stakeholders/${id(stakeholderId)}`),
    onSuccess: changed,
  });

  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    add.mutate(
      { name: String(f.get('name')).trim(), ...readContact(f), severities: f.getAll('severity') as Severity[] },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <>
      <section className="ui-panel" aria-labelledby="stakeholders-title">
        <h2 id="stakeholders-title">Stakeholders</h2>
        <p className="ui-muted ui-small">
          They receive the runbook’s initial incident notification and the resolution notification for the severities
          they follow, and the status updates sent from an incident.
        </p>
        <Problem error={list.error ?? remove.error} />
        <ListTable
          rows={list.data?.data}
          empty="No stakeholders yet."
          columns={['Name', 'Channel', 'Severities', ACTIONS]}
          row={(s) => (
            <tr key={s.id}>
              <td data-label="Name">{s.name}</td>
              <td data-label="Channel">
                <span>
                  {s.kind}: {s.address} {s.signed && <span className="ui-tag">signed</span>}
                </span>
              </td>
              <td data-label="Severities">{s.severities.map((sev) => SEVERITY_LABEL[sev]).join(', ')}</td>
              <td className="actions">
                <ConfirmButton
                  label="Remove"
                  confirm="Confirm remove"
                  onConfirm={() => remove.mutate(s.id)}
                  disabled={remove.isPending}
                />
              </td>
            </tr>
          )}
        />
      </section>
      <FormPanel
        titleId="new-stakeholder-title"
        title="Add a stakeholder"
        onSubmit={submit}
        pending={add.isPending}
        submitLabel="Add stakeholder"
        error={add.error}
      >
        <label>
          Name
          <input name="name" required autoComplete="off" placeholder="Customer support lead" />
        </label>
        <ContactFields placeholder="support-lead@example.com" />
        <fieldset className="wide">
          <legend>Severities</legend>
          {SEVERITIES.map((sev) => (
            <label key={sev} className="check">
              <input type="checkbox" name="severity" value={sev} defaultChecked={sev === 'P0' || sev === 'P1'} />{' '}
              {SEVERITY_LABEL[sev]}
            </label>
          ))}
        </fieldset>
      </FormPanel>
    </>
  );
}
