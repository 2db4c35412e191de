// The incident timeline, newest first, a page of 50 at a time: each entry in words (see
// incident-timeline.ts) with who did it and when; entries of unknown kinds as compact key/value lists.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { TimelineEvent } from '../shared/api.ts';
import { age, when } from '../shared/format.ts';
import { getTimeline } from './incident-api.ts';
import { rows, type Described } from './incident-timeline.ts';

/** Arrays longer than this are summarised by their length in the generic view. */
const LIST_MAX = 8;
const DEPTH_MAX = 3;

export function Timeline({
  incidentRef,
  queryKey,
  now,
}: {
  incidentRef: string;
  queryKey: readonly unknown[];
  now: number;
}) {
  const timeline = useInfiniteQuery({
    queryKey: [...queryKey, 'timeline'],
    queryFn: ({ pageParam }) => getTimeline(incidentRef, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });

  // The page re-renders every second for its clocks; the entries are worded only when they change.
  const pages = timeline.data?.pages;
  const entries = useMemo(() => rows((pages ?? []).flatMap((p) => p.data)), [pages]);

  if (timeline.isPending) return <p className="notice">Loading the timeline…</p>;
  if (timeline.isError)
    return (
      <p className="error" role="alert">
        Could not load the timeline: {timeline.error.message}
      </p>
    );

  return (
    <>
      <ol aria-label="Timeline" className="timeline">
        {entries.map((row) => (
          <Entry key={row.key} event={row.event} d={row.described} now={now} />
        ))}
      </ol>
      {entries.length === 0 && <p className="notice">Nothing on the timeline yet.</p>}
      {timeline.hasNextPage && (
        <button
          type="button"
          className="more"
          onClick={() => void timeline.fetchNextPage()}
          disabled={timeline.isFetchingNextPage}
        >
          {timeline.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
        </button>
      )}
    </>
  );
}

function Entry({ event, d, now }: { event: TimelineEvent; d: Described; now: number }) {
  return (
    <li className={`entry tone-${d.tone} kind-${event.kind}`}>
      <div className="entry-head">
        <span className="entry-label">{d.label}</span>
        <span className="entry-meta">
          {event.actor.type === 'system' ? 'Vigil' : event.actor.name} ·{' '}
          <time dateTime={event.at} title={when(event.at)}>
            {age(event.at, now)} ago
          </time>
        </span>
      </div>
      {d.quote !== undefined && <p className="quote">{d.quote}</p>}
      {d.lines.length > 0 && (
        <ul className="entry-lines">
          {d.lines.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {d.sections && d.sections.length > 0 && (
        <div className="checks">
          {d.sections.map((s) => (
            <section key={s.title} className={`check tone-${s.tone ?? 'plain'}`} aria-label={s.title}>
              <h4>{s.title}</h4>
              <ul>
                {s.lines.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      {d.rest && Object.keys(d.rest).length > 0 && <Facts value={d.rest} depth={0} />}
    </li>
  );
}

/** Any JSON as a compact definition list: nested objects indent, long arrays are counted, not listed. */
export function Facts({ value, depth }: { value: unknown; depth: number }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (typeof value !== 'object') return <span>{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (value.length > LIST_MAX || depth >= DEPTH_MAX) return <span>{value.length} items</span>;
    if (value.every((v) => v === null || typeof v !== 'object')) return <span>{value.map(String).join(', ')}</span>;
    return (
      <ol className="facts-list">
        {value.map((v, i) => (
          <li key={i}>
            <Facts value={v} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  const pairs = Object.entries(value as Record<string, unknown>);
  if (depth >= DEPTH_MAX) return <span>{pairs.length} fields</span>;
  return (
    <dl className="facts">
      {pairs.map(([k, v]) => (
        <div key={k}>
          <dt>{k.replace(/_/g, ' ')}</dt>
          <dd>
            <Facts value={v} depth={depth + 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
