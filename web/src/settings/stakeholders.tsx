// Settings → Stakeholders (admins): who receives the runbook's initial and resolution notifications,
// and for which severities.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { api, type Session, type Severity } from '../api.ts';
import { SEVERITY_LABEL } from '../format.ts';
import { CONTACT_KINDS, id, KEYS, SEVERITIES, type ContactKind, type Stakeholder } from './resources.ts';
import { AdminsOnly, ConfirmButton, Problem } from './ui.tsx';

export function StakeholdersTab({ session }: { session: Session }) {
  if (session.role !== 'admin') {
    return (
      <section className="ui-panel" aria-labelledby="stakeholders-title">
        <h2 id="stakeholders-title">Stakeholders</h2>
        <p>Stakeholders receive the runbook’s initial incident notification and the resolution notification for the severities they follow.</p>
        <AdminsOnly>Only admins see and change the stakeholder list, since it holds people’s addresses.</AdminsOnly>
      </section>
    );
  }
  return <Stakeholders />;
}

function Stakeholders() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: KEYS.stakeholders, queryFn: () => api<{ data: Stakeholder[] }>('GET', '/api/v1/stakeholders') });
  const changed = () => queryClient.invalidateQueries({ queryKey: KEYS.stakeholders });
  const add = useMutation({ mutationFn: (body: { name: string; kind: ContactKind; address: string; severities: Severity[]; secret?: string }) => api<Stakeholder>('POST', '/api/v1/stakeholders', body), onSuccess: changed });
  const remove = useMutation({ mutationFn: (stakeholderId: string) => api<void>('DELETE', `/api/v1/stakeholders/${id(stakeholderId)}`), onSuccess: changed });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const f = new FormData(form);
    const secret = String(f.get('secret') ?? '');
    add.mutate(
      { name: String(f.get('name')).trim(), kind: f.get('kind') as ContactKind, address: String(f.get('address')).trim(), severities: f.getAll('severity') as Severity[], ...(secret ? { secret } : {}) },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <>
      <section className="ui-panel" aria-labelledby="stakeholders-title">
        <h2 id="stakeholders-title">Stakeholders</h2>
        <p className="ui-muted ui-small">They receive the runbook’s initial incident notification and the resolution notification for the severities they follow, and the status updates sent from an incident.</p>
        <Problem error={list.error ?? remove.error} />
        {list.data && list.data.data.length === 0 && <p className="ui-muted">No stakeholders yet.</p>}
        {list.data && list.data.data.length > 0 && (
          <table className="ui-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Channel</th>
                <th scope="col">Severities</th>
                <th scope="col">
                  <span className="ui-muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((s) => (
                <tr key={s.id}>
                  <td data-label="Name">{s.name}</td>
                  <td data-label="Channel">
                    <span>
                      {s.kind}: {s.address} {s.signed && <span className="ui-tag">signed</span>}
                    </span>
                  </td>
                  <td data-label="Severities">{s.severities.map((sev) => SEVERITY_LABEL[sev]).join(', ')}</td>
                  <td className="actions">
                    <ConfirmButton label="Remove" confirm="Confirm remove" onConfirm={() => remove.mutate(s.id)} disabled={remove.isPending} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="ui-panel" aria-labelledby="new-stakeholder-title">
        <h2 id="new-stakeholder-title">Add a stakeholder</h2>
        <form className="ui-form" onSubmit={submit} aria-label="Add a stakeholder">
          <label>
            Name
            <input name="name" required autoComplete="off" placeholder="Customer support lead" />
          </label>
          <label>
            Kind
            <select name="kind" defaultValue="email">
              {CONTACT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            Address
            <input name="address" required autoComplete="off" placeholder="support-lead@example.com" />
          </label>
          <label>
            Signing secret (optional, webhooks)
            <input name="secret" type="password" minLength={16} autoComplete="off" />
          </label>
          <fieldset className="wide">
            <legend>Severities</legend>
            {SEVERITIES.map((sev) => (
              <label key={sev} className="check">
                <input type="checkbox" name="severity" value={sev} defaultChecked={sev === 'P0' || sev === 'P1'} /> {SEVERITY_LABEL[sev]}
              </label>
            ))}
          </fieldset>
          <div className="buttons">
            <button type="submit" className="primary" disabled={add.isPending}>
              Add stakeholder
            </button>
          </div>
        </form>
        <Problem error={add.error} />
      </section>
    </>
  );
}
