// Settings → Stakeholders (admins): who receives the runbook's initial and resolution notifications,
// for which severities, and which other subjects they are told of (topics: "gdpr" for personal data
// breaches and data-subject request deadlines).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ContactKind, type Session, type Severity, type Stakeholder } from '../shared/api.ts';
import { SEVERITY_LABEL } from '../shared/format.ts';
import { id, KEYS, readContact, SEVERITIES } from '../shared/resources.ts';
import { Badge, count, toast } from '../ui/index.ts';
import {
  AdminsOnly,
  AdminsOnlyPanel,
  ConfirmButton,
  CONTACT_KIND_LABEL,
  ContactFields,
  FormPanel,
  ListTable,
  Problem,
} from '../shared/form-kit.tsx';

/** The topics Vigil tells stakeholders of, besides incidents of the severities they follow. */
const TOPICS: Record<string, string> = {
  gdpr: 'gdpr: personal data breaches and their 72-hour clock, data-subject request deadlines',
};

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
    mutationFn: (body: {
      name: string;
      kind: ContactKind;
      address: string;
      severities: Severity[];
      topics: string[];
      secret?: string;
    }) => api<Stakeholder>('POST', '/api/v1/stakeholders', body),
    onSuccess: (made) => {
      void changed();
      toast(`Added ${made.name}`);
    },
  });
  const remove = useMutation({
    mutationFn: (stakeholder: Stakeholder) => api<void>('DELETE', `/api/v1/stakeholders/${id(stakeholder.id)}`),
    onSuccess: (_, stakeholder) => {
      void changed();
      toast(`Removed ${stakeholder.name}`);
    },
  });

  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    add.mutate(
      {
        name: String(f.get('name')).trim(),
        ...readContact(f),
        severities: f.getAll('severity') as Severity[],
        topics: f.getAll('topic').map(String),
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <>
      <section className="ui-panel" aria-labelledby="stakeholders-title">
        <h2 id="stakeholders-title">Stakeholders</h2>
        <p className="ui-muted ui-small">
          They receive the runbook’s initial incident notification and the resolution notification for the severities
          they follow, and the status updates sent from an incident; those with the topic gdpr (legal counsel, the data
          protection officer) are told of personal data breaches and data-subject request deadlines.
        </p>
        <Problem error={list.error ?? remove.error} />
        <ListTable
          label="Stakeholders"
          rows={list.data?.data}
          empty="No stakeholders yet: add the people who should hear about incidents below."
          rowKey={(s) => s.id}
          columns={[
            { id: 'name', header: 'Name', role: 'primary', cell: (s) => s.name },
            {
              id: 'channel',
              header: 'Channel',
              cell: (s) => (
                <span>
                  {CONTACT_KIND_LABEL[s.kind]}: {s.address} {s.signed && <Badge>signed</Badge>}
                </span>
              ),
            },
            {
              id: 'severities',
              header: 'Severities',
              cell: (s) => s.severities.map((sev) => SEVERITY_LABEL[sev]).join(', ') || '—',
            },
            {
              id: 'topics',
              header: 'Topics',
              cell: (s) =>
                s.topics.length ? (
                  <span className="topics">
                    {s.topics.map((t) => (
                      <Badge key={t} title={TOPICS[t]}>
                        {t}
                      </Badge>
                    ))}
                  </span>
                ) : (
                  '—'
                ),
            },
            {
              id: 'actions',
              header: 'Actions',
              role: 'end',
              cell: (s) => (
                <ConfirmButton
                  label="Remove"
                  title={`Remove ${s.name}?`}
                  confirm="Remove stakeholder"
                  detail={<p>They stop receiving incident notifications.</p>}
                  onConfirm={() => remove.mutate(s)}
                  disabled={remove.isPending}
                />
              ),
            },
          ]}
        />
        {list.data && list.data.data.length > 0 && (
          <p className="ui-muted ui-small">{count(list.data.data.length, 'stakeholder')}.</p>
        )}
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
        <fieldset className="wide">
          <legend>Topics (besides incidents)</legend>
          {Object.entries(TOPICS).map(([topic, text]) => (
            <label key={topic} className="check">
              <input type="checkbox" name="topic" value={topic} /> {text}
            </label>
          ))}
        </fieldset>
      </FormPanel>
    </>
  );
}
