// The Components tab: every component as the public page lists it (by group, then position) with the status it
// shows, whether that is automatic (from its services, monitors and maintenance) or set by hand, and what it
// follows. Responders set or clear a status by hand; admins add, change and delete components.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Boxes, Plus } from 'lucide-react';
import { useState } from 'react';
import type { Session, StatusComponent } from '../shared/api.ts';
import { ACTIONS, ConfirmButton, Problem } from '../shared/form-kit.tsx';
import { getMonitors, getServices } from '../shared/service-api.ts';
import {
  componentsKey,
  deleteComponent,
  getComponents,
  setManualStatus,
  STATUS_KEY,
  type ComponentStatus,
} from '../shared/status-api.ts';
import {
  byGroupAndPosition,
  COMPONENT_STATUS_LABEL,
  COMPONENT_STATUS_TONE,
  optionsOf,
  statusSource,
} from '../shared/status-words.ts';
import { Badge, Button, count, DataTable, EmptyState, Select, Skeleton, toast, type Column } from '../ui/index.ts';
import { ComponentDialog } from './component-dialog.tsx';

const AUTOMATIC = 'automatic';

/** The services and monitors a component may follow, by id, for names in the list and choices in the form. */
export function useTargets() {
  const services = useQuery({ queryKey: ['services', 'list'], queryFn: getServices, staleTime: 60_000 });
  const monitors = useQuery({ queryKey: ['monitors', 'all'], queryFn: () => getMonitors(), staleTime: 60_000 });
  return { services: services.data?.data ?? [], monitors: monitors.data?.data ?? [] };
}

export function ComponentsTab({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const isAdmin = session.role === 'admin';
  const canSet = session.role !== 'viewer';
  const list = useQuery({ queryKey: componentsKey, queryFn: getComponents, refetchInterval: 30_000 });
  const targets = useTargets();
  const [editing, setEditing] = useState<StatusComponent | 'new' | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: STATUS_KEY });

  const manual = useMutation({
    mutationFn: ({ c, status }: { c: StatusComponent; status: ComponentStatus | null }) =>
      setManualStatus(c.id, status),
    onSuccess: (c) => {
      refresh();
      toast(
        c.manual_status
          ? `${c.name}: ${COMPONENT_STATUS_LABEL[c.manual_status]}, set by hand`
          : `${c.name}: automatic again (${COMPONENT_STATUS_LABEL[c.status]})`,
      );
    },
    onError: (error) => toast('The status was not changed', { tone: 'danger', detail: error.message }),
  });
  const remove = useMutation({
    mutationFn: (c: StatusComponent) => deleteComponent(c.id).then(() => c),
    onSuccess: (c) => {
      refresh();
      toast(`Deleted ${c.name}`);
    },
    onError: (error) => toast('The component was not deleted', { tone: 'danger', detail: error.message }),
  });

  const name = (ids: string[], from: Array<{ id: string; name: string }>) =>
    ids.map((id) => from.find((x) => x.id === id)?.name ?? id).join(', ');
  const columns: ReadonlyArray<Column<StatusComponent> | false> = [
    {
      id: 'name',
      header: 'Component',
      role: 'primary',
      cell: (c) => (
        <span className="status-component-name">
          {c.group && <span className="ui-muted ui-small">{c.group} · </span>}
          {c.name}
          {!c.public && <span className="ui-tag">Hidden</span>}
          {c.only_show_if_degraded && <span className="ui-tag">Shown only when not operational</span>}
          {c.description && <span className="ui-muted ui-small status-component-description">{c.description}</span>}
        </span>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (c) => <Badge tone={COMPONENT_STATUS_TONE[c.status]}>{COMPONENT_STATUS_LABEL[c.status]}</Badge>,
    },
    {
      id: 'source',
      header: 'Source',
      cell: (c) => (
        <span className="ui-small">
          {statusSource(c)}
          {c.manual_status && (
            <span className="ui-muted"> (automatic: {COMPONENT_STATUS_LABEL[c.automatic].toLowerCase()})</span>
          )}
        </span>
      ),
    },
    {
      id: 'follows',
      header: 'Follows',
      cell: (c) =>
        c.service_ids.length + c.monitor_ids.length === 0 ? (
          <span className="ui-muted ui-small">Nothing: set by hand only</span>
        ) : (
          <span className="ui-small">
            {c.service_ids.length > 0 && <>Services: {name(c.service_ids, targets.services)}</>}
            {c.service_ids.length > 0 && c.monitor_ids.length > 0 && <br />}
            {c.monitor_ids.length > 0 && <>Monitors: {name(c.monitor_ids, targets.monitors)}</>}
          </span>
        ),
    },
    { id: 'position', header: 'Position', cell: (c) => c.position },
    canSet && {
      id: 'manual',
      header: 'Set by hand',
      cell: (c) => (
        <Select
          label={`Status of ${c.name}`}
          hideLabel
          options={[
            { id: AUTOMATIC, label: `Automatic (${COMPONENT_STATUS_LABEL[c.automatic].toLowerCase()})` },
            ...optionsOf(COMPONENT_STATUS_LABEL),
          ]}
          value={c.manual_status ?? AUTOMATIC}
          isDisabled={manual.isPending}
          onChange={(v) => manual.mutate({ c, status: v === AUTOMATIC ? null : (v as ComponentStatus) })}
        />
      ),
    },
    isAdmin && {
      id: 'actions',
      header: ACTIONS,
      role: 'end',
      cell: (c) => (
        <span className="row-actions">
          <Button size="sm" onPress={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
            Edit
          </Button>
          <ConfirmButton
            label="Delete"
            confirm="Delete component"
            title={`Delete ${c.name}?`}
            detail={<p>It leaves the public page with its 90-day history. This cannot be undone.</p>}
            onConfirm={() => remove.mutate(c)}
            disabled={remove.isPending}
          />
        </span>
      ),
    },
  ];

  const rows = list.data ? byGroupAndPosition(list.data.data) : undefined;
  return (
    <section className="ui-panel" aria-labelledby="components-title">
      <header>
        <h2 id="components-title">{rows ? count(rows.length, 'component') : 'Components'}</h2>
        {isAdmin && (
          <Button size="sm" variant="primary" icon={Plus} onPress={() => setEditing('new')}>
            Add component
          </Button>
        )}
      </header>
      <p className="ui-muted ui-small">
        A component follows its services’ open incidents (P0 major outage, P1 partial outage, P2 degraded) and its
        monitors, and is under maintenance while one runs. A status set by hand wins until it is set back to automatic.
      </p>
      <Problem error={list.error} />
      {rows ? (
        <DataTable
          label="Components"
          rows={rows}
          columns={columns}
          rowKey={(c) => c.id}
          empty={
            <EmptyState icon={Boxes} title="No components yet">
              {isAdmin
                ? 'Add the parts of your product customers know (website, API, checkout) and bind them to services.'
                : 'An admin adds the parts of the product customers know.'}
            </EmptyState>
          }
        />
      ) : (
        list.isPending && <Skeleton label="Loading components" />
      )}
      {isAdmin && editing !== null && (
        <ComponentDialog
          component={editing === 'new' ? null : editing}
          services={targets.services}
          monitors={targets.monitors}
          nextPosition={(rows?.reduce((max, c) => Math.max(max, c.position), -1) ?? -1) + 1}
          onClose={() => setEditing(null)}
        />
      )}
    </section>
  );
}
