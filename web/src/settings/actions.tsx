// Settings → Actions: the mitigation actions responders may run on incidents, with their category, what they
// call (an HTTP request or a runner's command), the approval they need, whether they are enabled and the
// services they apply to. Admins switch them on and off here, open one to change it (action-page.tsx), start a
// new one and delete them; everyone else reads the list.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { Link } from 'react-router';
import { APPROVAL_LABEL, CATEGORY_LABEL } from '../shared/action-words.ts';
import { definitionsKey, deleteDefinition, updateDefinition, useActionDefinitions } from '../shared/actions-api.ts';
import type { ActionDefinition, Page, Session } from '../shared/api.ts';
import { AdminsOnly, ConfirmButton, Problem } from '../shared/form-kit.tsx';
import { id } from '../shared/resources.ts';
import { Badge, ButtonLink, count, DataTable, Skeleton, toast, type Column } from '../ui/index.ts';
import { useServiceNames } from './runbooks-api.ts';

/** An action's page: /settings/actions/{id}; `new` for a new one. */
export const actionPath = (actionId: string) => `/settings/actions/${id(actionId)}`;

export function ActionsTab({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const definitions = useActionDefinitions();
  const services = useServiceNames();
  const isAdmin = session.role === 'admin';
  const refresh = () => queryClient.invalidateQueries({ queryKey: definitionsKey });
  const toggle = useMutation({
    mutationFn: (a: ActionDefinition) => updateDefinition(a.id, { enabled: !a.enabled }),
    onSuccess: (saved) => {
      // The switch shows the answer at once; the refetch after it changes nothing more.
      queryClient.setQueriesData<Page<ActionDefinition>>({ queryKey: [...definitionsKey, 'list'] }, (page) =>
        page ? { ...page, data: page.data.map((d) => (d.id === saved.id ? saved : d)) } : page,
      );
      void refresh();
      toast(`${saved.name} ${saved.enabled ? 'enabled' : 'disabled'}`);
    },
  });
  /** On while it is on, or while it is being switched on. */
  const shownOn = (a: ActionDefinition) => (toggle.isPending && toggle.variables.id === a.id ? !a.enabled : a.enabled);
  const remove = useMutation({
    mutationFn: (a: ActionDefinition) => deleteDefinition(a.id),
    onSuccess: (_, a) => {
      void refresh();
      toast(`Action “${a.name}” deleted`);
    },
  });
  const rows = definitions.data?.data ?? [];

  const columns: ReadonlyArray<Column<ActionDefinition> | false> = [
    {
      id: 'name',
      header: 'Name',
      role: 'primary',
      cell: (a) => (
        <span className="action-name">
          <Link to={actionPath(a.id)}>{a.name}</Link>
          {a.description && <span className="ui-muted ui-small">{a.description}</span>}
        </span>
      ),
    },
    { id: 'category', header: 'Category', cell: (a) => CATEGORY_LABEL[a.category] },
    {
      id: 'target',
      header: 'Runs',
      cell: (a) =>
        a.target.kind === 'http' ? (
          <span>
            HTTP <code>{a.target.method}</code>
          </span>
        ) : (
          <span>
            Runner <code>{a.target.group}</code>
          </span>
        ),
    },
    { id: 'approval', header: 'Approval', cell: (a) => APPROVAL_LABEL[a.approval] },
    {
      id: 'services',
      header: 'Services',
      cell: (a) => (a.service_ids.length === 0 ? 'Every service' : a.service_ids.map(services.name).join(', ')),
    },
    {
      id: 'enabled',
      header: 'Enabled',
      cell: (a) =>
        isAdmin ? (
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={shownOn(a)}
              disabled={toggle.isPending}
              onChange={() => toggle.mutate(a)}
              aria-label={`${a.name} enabled`}
            />
            {shownOn(a) ? 'On' : 'Off'}
          </label>
        ) : (
          <Badge tone={a.enabled ? 'success' : 'neutral'}>{a.enabled ? 'On' : 'Off'}</Badge>
        ),
    },
    isAdmin && {
      id: 'actions',
      header: <span className="ui-visually-hidden">Delete</span>,
      label: '',
      role: 'end',
      cell: (a) => (
        <ConfirmButton
          label="Delete"
          title={`Delete “${a.name}”?`}
          confirm="Delete action"
          detail={
            <p>
              Nobody can run it any more. Its past runs stay on their incidents&apos; timelines. This cannot be undone;
              switch it off instead to keep it.
            </p>
          }
          onConfirm={() => remove.mutate(a)}
          disabled={remove.isPending}
        />
      ),
    },
  ];

  return (
    <>
      <section className="ui-panel" aria-labelledby="actions-title">
        <header>
          <h2 id="actions-title">
            Mitigation actions {definitions.data && <span className="ui-muted">· {count(rows.length, 'action')}</span>}
          </h2>
          {isAdmin && (
            <ButtonLink href={actionPath('new')} variant="primary" size="sm" icon={Plus}>
              New action
            </ButtonLink>
          )}
        </header>
        <p className="ui-muted ui-small">
          Responders run these from an incident&apos;s page (or <code>vigil actions run</code>). Vigil makes an HTTP
          action&apos;s request itself; a runner action runs a command on a host where a <code>vigil runner</code> of
          its group defines it (Settings → Runners).
        </p>
        <Problem error={definitions.error ?? services.error ?? toggle.error ?? remove.error} />
        {definitions.isPending ? (
          <Skeleton lines={3} label="Loading actions" />
        ) : (
          <DataTable
            label="Mitigation actions"
            columns={columns}
            rows={rows}
            rowKey={(a) => a.id}
            empty={<p className="ui-muted">No actions yet.</p>}
          />
        )}
      </section>
      {!isAdmin && <AdminsOnly>Only admins add, change, switch on or off and delete actions.</AdminsOnly>}
    </>
  );
}
