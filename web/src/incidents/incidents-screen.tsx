// The incident list: filtered by status, severity and service (kept in the URL), loaded a page of 100
// at a time as you scroll, kept live by the stream, driven from the keyboard (j/k move, Enter opens,
// x marks, a acknowledges, r resolves, A acknowledges everything marked).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  acknowledge,
  listIncidents,
  listServices,
  resolve,
  type IncidentFilter,
  type IncidentRow,
  type Role,
  type Severity,
  type Status,
} from '../shared/api.ts';
import { age, SEVERITY_LABEL, when } from '../shared/format.ts';
import { useShortcuts } from '../shared/keys.ts';
import { useNow } from '../shared/use-now.ts';
import { filterFromParams, OPEN, paramsFromFilter, phaseText, responseText, SEVERITIES } from './incident-list.ts';
import { useListWindow } from '../shared/list-window.ts';
import { useLiveIncidents } from './incident-list-live.ts';

const STATUS_CHOICES: readonly { label: string; status: readonly Status[] }[] = [
  { label: 'Open', status: OPEN },
  { label: 'Triggered', status: ['triggered'] },
  { label: 'Acknowledged', status: ['acknowledged'] },
  { label: 'Resolved', status: ['resolved'] },
  { label: 'All', status: [] },
];

/** At most this many acknowledgements in flight during a bulk acknowledge. */
const BULK_PARALLEL = 4;

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
    queryFn: ({ pageParam }) => listIncidents(filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const services = useQuery({ queryKey: ['services'], queryFn: listServices, staleTime: 5 * 60_000 });
  const serviceName = useMemo(() => new Map((services.data?.data ?? []).map((s) => [s.id, s.name])), [services.data]);
  // One row per incident even if a page and a live update raced to bring the same one.
  const rows: IncidentRow[] = useMemo(() => {
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
  const focused: IncidentRow | undefined = rows[focusIndex];
  const [marked, setMarked] = useState<ReadonlySet<string>>(() => new Set());
  const markedRows = rows.filter((r) => marked.has(r.id));

  // The controls show a choice at once: the router commits the new URL (and so the query) in a
  // transition, and until then a controlled checkbox would snap back to the old value. The choice is
  // shown only while the URL is still the one it was made on.
  const [chosen, setChosen] = useState<{ from: string; filter: IncidentFilter } | null>(null);
  const shown = chosen && chosen.from === filterKey ? chosen.filter : filter;
  const setFilter = (next: IncidentFilter) => {
    setChosen({ from: filterKey, filter: next });
    setMarked(new Set());
    setParams(paramsFromFilter(next), { replace: true });
  };

  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'acknowledge' | 'resolve' }) =>
      action === 'acknowledge' ? acknowledge(id) : resolve(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['incidents'] }),
  });
  const bulk = useMutation({
    mutationFn: async (ids: string[]) => {
      const failed: string[] = [];
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift())
          await acknowledge(id).catch((e: Error) => failed.push(e.message));
      };
      await Promise.all(Array.from({ length: Math.min(BULK_PARALLEL, ids.length) }, worker));
      return { done: ids.length - failed.length, failed };
    },
    onSuccess: () => {
      setMarked(new Set());
      return queryClient.invalidateQueries({ queryKey: ['incidents'] });
    },
  });
  const ackMarked = () => {
    const ids = markedRows.filter((r) => r.status === 'triggered').map((r) => r.id);
    if (ids.length > 0) bulk.mutate(ids);
  };
  const toggleMark = (id: string) =>
    setMarked((m) => {
      const next = new Set(m);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  // Only the rows near the viewport are rendered, however many are loaded.
  const list = useRef<HTMLUListElement>(null);
  const view = useListWindow(list, rows.length);

  useShortcuts((event) => {
    if (event.key === 'Enter' && event.target instanceof HTMLElement && event.target.closest('button, a')) return false;
    if (event.key === 'j' || event.key === 'k') {
      const next = event.key === 'j' ? Math.min(rows.length - 1, focusIndex + 1) : Math.max(0, focusIndex - 1);
      view.reveal(next);
      setFocusId(rows[next]?.id ?? null);
    } else if ((event.key === 'Enter' || event.key === 'o') && focused) void navigate(`/incidents/${focused.number}`);
    else if (event.key === 'x' && canAct && focused) toggleMark(focused.id);
    else if (event.key === 'a' && canAct && focused?.status === 'triggered')
      act.mutate({ id: focused.id, action: 'acknowledge' });
    else if (event.key === 'A' && canAct) ackMarked();
    else if (event.key === 'r' && canAct && focused && focused.status !== 'resolved')
      act.mutate({ id: focused.id, action: 'resolve' });
    else return false;
    return true;
  });

  // Keep the focused row in view as j/k move through a long list.
  useEffect(() => {
    document.querySelector('.incidents [aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [focused?.id]);

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

  const statusChoice = STATUS_CHOICES.find(
    (c) => c.status.length === (shown.status ?? []).length && c.status.every((s) => shown.status?.includes(s)),
  );
  const error = act.error ?? bulk.error;

  return (
    <section aria-labelledby="incidents-title">
      <div className="heading">
        <h1 id="incidents-title">Incidents</h1>
        <span className={`live ${live}`} role="status">
          {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Disconnected (reload to retry)'}
        </span>
      </div>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status{' '}
          <select
            value={statusChoice?.label ?? 'Open'}
            onChange={(e) =>
              setFilter({
                ...shown,
                status: [...(STATUS_CHOICES.find((c) => c.label === e.target.value)?.status ?? OPEN)],
              })
            }
          >
            {STATUS_CHOICES.map((c) => (
              <option key={c.label}>{c.label}</option>
            ))}
          </select>
        </label>
        <fieldset className="severities">
          <legend>Severity</legend>
          {SEVERITIES.map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                checked={shown.severity?.includes(s) ?? false}
                onChange={(e) =>
                  setFilter({
                    ...shown,
                    severity: e.target.checked
                      ? [...(shown.severity ?? []), s]
                      : (shown.severity ?? []).filter((x) => x !== s),
                  })
                }
              />{' '}
              {s}
            </label>
          ))}
        </fieldset>
        <label>
          Service{' '}
          <select
            value={shown.service_id ?? ''}
            onChange={(e) => setFilter({ ...shown, service_id: e.target.value || undefined })}
          >
            <option value="">All services</option>
            {(services.data?.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="hint">
        <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> open
        {canAct && (
          <>
            , <kbd>a</kbd> acknowledge, <kbd>r</kbd> resolve, <kbd>x</kbd> mark, <kbd>A</kbd> acknowledge marked
          </>
        )}
      </p>
      {canAct && marked.size > 0 && (
        <div className="bulk" role="region" aria-label="Marked incidents">
          <span>{marked.size} marked</span>
          <button
            type="button"
            onClick={ackMarked}
            disabled={bulk.isPending || !markedRows.some((r) => r.status === 'triggered')}
          >
            {bulk.isPending ? 'Acknowledging…' : 'Acknowledge marked'}
          </button>
          <button type="button" onClick={() => setMarked(new Set())}>
            Clear
          </button>
        </div>
      )}
      {bulk.data && bulk.data.failed.length > 0 && (
        <p className="error" role="alert">
          {bulk.data.done} acknowledged; {bulk.data.failed.length} failed: {bulk.data.failed[0]}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {incidents.isPending ? (
        <p className="notice">Loading incidents…</p>
      ) : incidents.isError ? (
        <p className="notice error" role="alert">
          Could not load incidents: {incidents.error.message}
        </p>
      ) : rows.length === 0 ? (
        <p className="notice">{filterKey ? 'No incidents match these filters.' : 'No open incidents. All quiet.'}</p>
      ) : (
        <ul
          ref={list}
          className="incidents"
          role="listbox"
          aria-label="Incidents, newest first"
          data-loaded={rows.length}
          style={{ paddingTop: view.padTop, paddingBottom: view.padBottom }}
        >
          {rows.slice(view.start, view.end).map((row, i) => (
            <Row
              key={row.id}
              position={view.start + i + 1}
              total={rows.length}
              row={row}
              service={row.service_id ? (serviceName.get(row.service_id) ?? 'service') : 'no service'}
              focused={row.id === focused?.id}
              marked={marked.has(row.id)}
              canAct={canAct}
              busy={act.isPending}
              ageText={age(row.created_at, now)}
              response={responseText(row, now)}
              phase={phaseText(row, now)}
              onFocus={setFocusId}
              onMark={toggleMark}
              onAct={(id, action) => act.mutate({ id, action })}
            />
          ))}
        </ul>
      )}
      <div ref={end} className="list-end">
        {hasNextPage && (
          <button type="button" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : `Load more (${rows.length} shown)`}
          </button>
        )}
      </div>
    </section>
  );
}

interface RowProps {
  row: IncidentRow;
  /** 1-based place in the whole loaded list (only a window of it is rendered). */
  position: number;
  total: number;
  service: string;
  focused: boolean;
  marked: boolean;
  canAct: boolean;
  busy: boolean;
  ageText: string;
  response: { text: string; late: boolean };
  phase: { text: string; overdue: boolean };
  onFocus(id: string): void;
  onMark(id: string): void;
  onAct(id: string, action: 'acknowledge' | 'resolve'): void;
}

const sameRow = (a: RowProps, b: RowProps) =>
  a.row === b.row &&
  a.position === b.position &&
  a.total === b.total &&
  a.service === b.service &&
  a.focused === b.focused &&
  a.marked === b.marked &&
  a.canAct === b.canAct &&
  a.busy === b.busy &&
  a.ageText === b.ageText &&
  a.response.text === b.response.text &&
  a.phase.text === b.phase.text;

/** One incident; re-rendered only when what it shows changes (a list can hold thousands). */
const Row = memo(function Row({
  row,
  position,
  total,
  service,
  focused,
  marked,
  canAct,
  busy,
  ageText,
  response,
  phase,
  onFocus,
  onMark,
  onAct,
}: RowProps) {
  return (
    <li
      role="option"
      aria-selected={focused}
      aria-posinset={position}
      aria-setsize={total}
      className={`incident status-${row.status}`}
      onClick={() => onFocus(row.id)}
    >
      {canAct && (
        <input
          type="checkbox"
          className="mark"
          aria-label={`Mark ${row.number}`}
          checked={marked}
          onChange={() => onMark(row.id)}
          onClick={(e) => e.stopPropagation()}
        />
      )}
      <span className={`sev sev-${row.severity}`} title={SEVERITY_LABEL[row.severity as Severity]}>
        {row.severity}
      </span>
      <span className="title">
        <Link to={`/incidents/${row.number}`} onClick={(e) => e.stopPropagation()}>
          <span className="number">{row.number}</span> {row.title}
        </Link>
      </span>
      <span className="meta">
        <span className="status">{row.status}</span>
        <span className={response.late ? 'late' : undefined}>{response.text}</span>
        <span className={phase.overdue ? 'late' : undefined}>phase: {phase.text}</span>
        <span className="service">{service}</span>
        <time dateTime={row.created_at} title={when(row.created_at)}>
          {ageText} ago
        </time>
      </span>
      {canAct && row.status !== 'resolved' && (
        <span className="actions">
          {row.status === 'triggered' && (
            <button
              type="button"
              disabled={busy}
              onClick={(e) => {
                e.stopPropagation();
                onAct(row.id, 'acknowledge');
              }}
            >
              Acknowledge
            </button>
          )}
          <button
            type="button"
            disabled={busy}
            onClick={(e) => {
              e.stopPropagation();
              onAct(row.id, 'resolve');
            }}
          >
            Resolve
          </button>
        </span>
      )}
    </li>
  );
}, sameRow);
