// The incident list for triage: counts by status and severity as filter chips, saved filters, all of
// it kept in the URL; a table (cards on a phone) loaded a page of 100 at a time as you scroll, only a
// window of it rendered, kept live by the stream; row actions in a menu, bulk acknowledge and resolve
// of the selected rows; driven from the keyboard (j/k move, Enter opens, x selects, a acknowledges,
// r resolves, A acknowledges everything selected).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Inbox, SearchX } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import {
  api,
  listIncidents,
  listServices,
  type IncidentCounts,
  type IncidentFilter,
  type Role,
} from '../shared/api.ts';
import { age } from '../shared/format.ts';
import { useShortcuts } from '../shared/keys.ts';
import { useListWindow } from '../shared/list-window.ts';
import { useNow } from '../shared/use-now.ts';
import { Button, ButtonLink, EmptyState, Skeleton } from '../ui/index.ts';
import { IncidentListFilters } from './incident-list-filters.tsx';
import { useLiveIncidents } from './incident-list-live.ts';
import { CHANGE, SelectionBar, useBulkChange, type Change } from './incident-list-bulk.tsx';
import { RowMenu } from './incident-list-menu.tsx';
import { COLUMNS, IncidentListRow, rowActions, type RowAction } from './incident-list-row.tsx';
import {
  activityText,
  filterFromParams,
  paramsFromFilter,
  phaseText,
  responseText,
  rowOfIncident,
  type ListRow,
} from './incident-list.ts';
import './incident-list.css';

const loadCounts = (serviceId: string | undefined) =>
  api<IncidentCounts>(
    'GET',
    `/api/v1/incidents/counts${serviceId ? `?service_id=${encodeURIComponent(serviceId)}` : ''}`,
  );

export function Incidents({ role }: { role: Role }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const filterKey = paramsFromFilter(filter).toString();
  const live = useLiveIncidents();
  const canAct = role !== 'viewer';

  const incidents = useInfiniteQuery({
    queryKey: ['incidents', filterKey],
    queryFn: async ({ pageParam }) => {
      const page = await listIncidents(filter, pageParam);
      return { ...page, data: page.data.map(rowOfIncident) };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const counts = useQuery({
    queryKey: ['incident-counts', filter.service_id ?? ''],
    queryFn: () => loadCounts(filter.service_id),
  });
  const services = useQuery({ queryKey: ['services'], queryFn: listServices, staleTime: 5 * 60_000 });
  const serviceName = useMemo(() => new Map((services.data?.data ?? []).map((s) => [s.id, s.name])), [services.data]);
  // One row per incident even if a page and a live update raced to bring the same one.
  const rows: ListRow[] = useMemo(() => {
    const seen = new Set<string>();
    return (incidents.data?.pages.flatMap((p) => p.data) ?? []).filter(
      (r) => !seen.has(r.id) && Boolean(seen.add(r.id)),
    );
  }, [incidents.data]);

  const now = useNow(5_000);

  const [focusId, setFocusId] = useState<string | null>(null);
  const focusIndex = Math.max(
    0,
    rows.findIndex((r) => r.id === focusId),
  );
  const focused: ListRow | undefined = rows[focusIndex];
  const [marked, setMarked] = useState<ReadonlySet<string>>(() => new Set());
  const markedRows = rows.filter((r) => marked.has(r.id));

  // The chips show a choice at once: the router commits the new URL (and so the query) in a
  // transition, and until then they would show the old filter. The choice is shown only while the
  // URL is still the one it was made on.
  const [chosen, setChosen] = useState<{ from: string; filter: IncidentFilter } | null>(null);
  const shown = chosen && chosen.from === filterKey ? chosen.filter : filter;
  const setFilter = (next: IncidentFilter) => {
    setChosen({ from: filterKey, filter: next });
    setMarked(new Set());
    setParams(paramsFromFilter(next), { replace: true });
  };

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['incidents'] }),
      queryClient.invalidateQueries({ queryKey: ['incident-counts'] }),
    ]);
  const act = useMutation({
    mutationFn: ({ id, change }: { id: string; change: Change }) => CHANGE[change](id),
    onSuccess: refresh,
  });
  const bulk = useBulkChange(() => {
    setMarked(new Set());
    return refresh();
  });
  const toggleMark = (id: string) =>
    setMarked((m) => {
      const next = new Set(m);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const allMarked = rows.length > 0 && markedRows.length === rows.length;

  const [menu, setMenu] = useState<{ row: ListRow; anchor: HTMLElement } | null>(null);
  const onAction = (row: ListRow, action: RowAction) => {
    if (action === 'open') void navigate(`/incidents/${row.number}`);
    else act.mutate({ id: row.id, change: action });
  };

  // Only the rows near the viewport are rendered, however many are loaded.
  const body = useRef<HTMLTableSectionElement>(null);
  const view = useListWindow(body, rows.length);

  // j/k move the focus: the row becomes the table's tab stop and takes the keyboard focus, so a
  // screen reader reads it; a row focused by clicking or tabbing is simply remembered.
  const moved = useRef(false);
  useShortcuts((event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest('[role="menu"], [role="dialog"], [role="listbox"]')) return false;
    if (event.key === 'Enter' && target?.closest('button, a, input')) return false;
    if (event.key === 'j' || event.key === 'k') {
      const next = event.key === 'j' ? Math.min(rows.length - 1, focusIndex + 1) : Math.max(0, focusIndex - 1);
      view.reveal(next);
      moved.current = true;
      setFocusId(rows[next]?.id ?? null);
    } else if ((event.key === 'Enter' || event.key === 'o') && focused) void navigate(`/incidents/${focused.number}`);
    else if (event.key === 'x' && canAct && focused) toggleMark(focused.id);
    else if (event.key === 'a' && canAct && focused?.status === 'triggered')
      act.mutate({ id: focused.id, change: 'acknowledge' });
    else if (event.key === 'A' && canAct) bulk.run('acknowledge', markedRows);
    else if (event.key === 'r' && canAct && focused && focused.status !== 'resolved')
      act.mutate({ id: focused.id, change: 'resolve' });
    else return false;
    return true;
  });
  useEffect(() => {
    if (!moved.current || !focused) return;
    moved.current = false;
    const row = body.current?.querySelector<HTMLElement>(`[data-id="${focused.id}"]`);
    row?.focus({ preventScroll: true });
    row?.scrollIntoView({ block: 'nearest' });
  }, [focused]);

  // Load the next page when the end of the list scrolls into view.
  const end = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = incidents;
  useEffect(() => {
    const el = end.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '600px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const error = act.error ?? bulk.mutation.error;
  const columns = COLUMNS.length + (canAct ? 2 : 1);

  return (
    <section className="incidents-screen" aria-labelledby="incidents-title">
      <div className="heading">
        <h1 id="incidents-title">Incidents</h1>
        <span className={`live ${live}`} role="status">
          {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Disconnected (reload to retry)'}
        </span>
      </div>
      <IncidentListFilters
        filter={shown}
        counts={counts.data}
        services={services.data?.data ?? []}
        onChange={setFilter}
      />
      <p className="hint il-hint">
        <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> open
        {canAct && (
          <>
            , <kbd>a</kbd> acknowledge, <kbd>r</kbd> resolve, <kbd>x</kbd> select, <kbd>A</kbd> acknowledge selected
          </>
        )}
      </p>
      {canAct && (
        <SelectionBar selected={markedRows} size={marked.size} bulk={bulk} onClear={() => setMarked(new Set())} />
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {incidents.isPending ? (
        <Skeleton lines={6} label="Loading incidents" />
      ) : incidents.isError ? (
        <p className="notice error" role="alert">
          Could not load incidents: {incidents.error.message}
        </p>
      ) : rows.length === 0 ? (
        <NoIncidents filtered={filterKey !== ''} onClear={() => setFilter(filterFromParams(new URLSearchParams()))} />
      ) : (
        <table
          className="incidents incident-list ui-table"
          aria-label="Incidents, newest first"
          aria-rowcount={rows.length + 1}
          data-loaded={rows.length}
        >
          <thead>
            <tr aria-rowindex={1}>
              {canAct && (
                <th scope="col" className="il-select">
                  <input
                    type="checkbox"
                    aria-label="Select all loaded incidents"
                    checked={allMarked}
                    onChange={() => setMarked(allMarked ? new Set() : new Set(rows.map((r) => r.id)))}
                  />
                </th>
              )}
              {COLUMNS.map((c) => (
                <th key={c} scope="col" className={`il-h-${c.toLowerCase().replace(' ', '-')}`}>
                  {c}
                </th>
              ))}
              <th scope="col" className="il-menu">
                <span className="ui-visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody ref={body}>
            {view.padTop > 0 && <Spacer height={view.padTop} columns={columns} />}
            {rows.slice(view.start, view.end).map((row, i) => (
              <IncidentListRow
                key={row.id}
                position={view.start + i + 1}
                row={row}
                service={row.service_id ? (serviceName.get(row.service_id) ?? 'service') : 'no service'}
                focused={row.id === focused?.id}
                marked={marked.has(row.id)}
                canAct={canAct}
                ageText={age(row.created_at, now)}
                activityText={activityText(row, now)}
                response={responseText(row, now)}
                phase={phaseText(row, now)}
                onFocus={setFocusId}
                onMark={toggleMark}
                menuOpen={menu?.row.id === row.id}
                onMenu={(r, anchor) => setMenu({ row: r, anchor })}
              />
            ))}
            {view.padBottom > 0 && <Spacer height={view.padBottom} columns={columns} />}
          </tbody>
        </table>
      )}
      {menu && (
        <RowMenu
          anchor={menu.anchor}
          label={`Actions for ${menu.row.number}`}
          actions={rowActions(menu.row, canAct)}
          onAction={(id) => onAction(menu.row, id as RowAction)}
          onClose={() => setMenu(null)}
        />
      )}
      <div ref={end} className="list-end">
        {hasNextPage && (
          <Button onPress={() => void fetchNextPage()} isDisabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : `Load more (${rows.length.toLocaleString('en')} shown)`}
          </Button>
        )}
      </div>
    </section>
  );
}

/** Stands in for the rows outside the rendered window, at their height. */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tr aria-hidden className="il-spacer">
      <td colSpan={columns} style={{ height }} />
    </tr>
  );
}

/** The empty list says why it is empty and what to do next. */
function NoIncidents({ filtered, onClear }: { filtered: boolean; onClear(): void }) {
  return filtered ? (
    <EmptyState
      icon={SearchX}
      title="No incidents match these filters"
      action={
        <Button variant="secondary" onPress={onClear}>
          Show all open incidents
        </Button>
      }
    >
      Other statuses, severities or services may have some: the numbers on the chips say how many.
    </EmptyState>
  ) : (
    <EmptyState
      icon={Inbox}
      title="No open incidents"
      action={
        <ButtonLink href="/services" variant="primary">
          Go to services
        </ButtonLink>
      }
    >
      All quiet. An incident opens here when a service&rsquo;s monitor fails or an alert arrives at its integration key;
      each service&rsquo;s page shows how to send one.
    </EmptyState>
  );
}
