// The incident timeline, a page of 50 at a time, in stretches by phase (newest first, each with
// when it began and ended), filtered by who wrote the entries: people, Vigil itself, or
// notifications. Each entry in words (see incident-timeline.ts) with who did it and when; rule ids
// and other names sit in "Technical details"; entries of unknown kinds as compact key/value lists.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import type { Phase, TimelineEvent } from '../shared/api.ts';
import { age, span } from '../shared/format.ts';
import { absolute, count, Details } from '../ui/index.ts';
import { getTimeline } from './incident-api.ts';
import { byPhase, rows, source, SOURCES, type Described, type PhaseSection, type Source } from './incident-timeline.ts';

/** Arrays longer than this are summarised by their length in the generic view. */
const LIST_MAX = 8;
const DEPTH_MAX = 3;

const SOURCE_LABEL: Record<Source, string> = { people: 'People', system: 'System', notifications: 'Notifications' };
const SECTION_TITLE: Record<PhaseSection['phase'], string> = {
  detection: 'Detection',
  investigation: 'Investigation',
  mitigation: 'Mitigation',
  resolution: 'Resolution',
  resolved: 'Resolved',
};

export function Timeline({
  incidentRef,
  queryKey,
  now,
  phase,
  resolved,
  extra,
}: {
  incidentRef: string;
  queryKey: readonly unknown[];
  now: number;
  /** The incident's phase now, for entries older than the first phase change loaded. */
  phase: Phase;
  resolved: boolean;
  /** What an entry offers besides its words (e.g. "Roll back this deploy" under recent changes). */
  extra?: (event: TimelineEvent) => ReactNode;
}) {
  const timeline = useInfiniteQuery({
    queryKey: [...queryKey, 'timeline'],
    queryFn: ({ pageParam }) => getTimeline(incidentRef, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const [shown, setShown] = useState<ReadonlySet<Source>>(() => new Set(SOURCES));

  // The page re-renders every second for its clocks; the entries are worded only when they change.
  const pages = timeline.data?.pages;
  const all = useMemo(() => rows((pages ?? []).flatMap((p) => p.data)), [pages]);
  const sections = useMemo(() => {
    const kept = all.filter((r) => shown.has(source(r.event)));
    return byPhase(kept, phase, resolved);
  }, [all, shown, phase, resolved]);
  const tally = useMemo(() => {
    const n: Record<Source, number> = { people: 0, system: 0, notifications: 0 };
    for (const r of all) n[source(r.event)] += 1;
    return n;
  }, [all]);

  if (timeline.isPending) return <p className="notice">Loading the timeline…</p>;
  if (timeline.isError)
    return (
      <p className="error" role="alert">
        Could not load the timeline: {timeline.error.message}
      </p>
    );

  const toggle = (s: Source) =>
    setShown((before) => {
      const next = new Set(before);
      if (next.has(s)) next.delete(s);
      else next.add(s);
      return next;
    });

  return (
    <>
      <fieldset className="timeline-filters">
        <legend className="ui-visually-hidden">Show entries from</legend>
        {SOURCES.map((s) => (
          <label key={s} className={shown.has(s) ? 'chip on' : 'chip'}>
            <input type="checkbox" checked={shown.has(s)} onChange={() => toggle(s)} />
            {SOURCE_LABEL[s]} <span className="chip-count">{tally[s]}</span>
          </label>
        ))}
      </fieldset>
      <div aria-label="Timeline" role="list" className="timeline">
        {sections.map((section) => (
          <PhaseStretch key={section.key} section={section} now={now} extra={extra} />
        ))}
      </div>
      {all.length === 0 && <p className="notice">Nothing on the timeline yet.</p>}
      {all.length > 0 && sections.length === 0 && (
        <p className="notice">No entries of the kinds chosen: tick another filter above.</p>
      )}
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

/** One phase's stretch: its name, when it began and ended (how long it lasted), and its entries. */
function PhaseStretch({
  section,
  now,
  extra,
}: {
  section: PhaseSection;
  now: number;
  extra: ((event: TimelineEvent) => ReactNode) | undefined;
}) {
  const title = SECTION_TITLE[section.phase];
  const end = section.to ? Date.parse(section.to) : now;
  return (
    <div role="listitem" className={`timeline-phase phase-${section.phase}`}>
      <h3 className="timeline-phase-title">
        {title}{' '}
        <span className="timeline-phase-time">
          <time dateTime={section.from} title={absolute(section.from)}>
            {clock(section.from)}
          </time>
          {section.phase !== 'resolved' && (
            <>
              {' – '}
              {section.to ? (
                <time dateTime={section.to} title={absolute(section.to)}>
                  {clock(section.to)}
                </time>
              ) : (
                'now'
              )}
              {` (${span(end - Date.parse(section.from))})`}
            </>
          )}
        </span>
      </h3>
      <ol aria-label={`${title}: ${count(section.rows.length, 'entry', 'entries')}`} className="timeline-entries">
        {section.rows.map((row) => (
          <Entry key={row.key} event={row.event} d={row.described} now={now} extra={extra} />
        ))}
      </ol>
    </div>
  );
}

const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function Entry({
  event,
  d,
  now,
  extra,
}: {
  event: TimelineEvent;
  d: Described;
  now: number;
  extra: ((event: TimelineEvent) => ReactNode) | undefined;
}) {
  return (
    <li className={`entry tone-${d.tone} kind-${event.kind}`}>
      <div className="entry-head">
        <span className="entry-label">{d.label}</span>
        <span className="entry-meta">
          {event.actor.type === 'system' ? 'Vigil' : event.actor.name} ·{' '}
          <time dateTime={event.at} title={absolute(event.at)}>
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
      {d.technical && d.technical.length > 0 && <Details>{d.technical.join('; ')}</Details>}
      {extra?.(event)}
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
