// Analytics: how we respond, over a range of days — incidents, MTTA and MTTR, response-target breaches,
// escalations, pages, interruptions by the responder's hours, post-mortems and follow-ups, each with the
// definition the API states for it; charts over time and per responder; both answers as CSV. The filters
// live in the URL query, so a view can be shared and a reload keeps it. A range the server refuses shows
// its message beside the filters; a range in which nothing happened says so instead of showing zeros.
import { getLocalTimeZone } from '@internationalized/date';
import { FileDown, Inbox } from 'lucide-react';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { absolute, ButtonLink, count, Details, EmptyState, Skeleton } from '../ui/index.ts';
import { csvLinks, useSummary, useTimeseries } from './analytics-api.ts';
import { IncidentsChart, InterruptionsChart, ResponseTimesChart } from './analytics-charts.tsx';
import { FilterBar } from './analytics-filter-bar.tsx';
import {
  bucketFor,
  dayCount,
  daysWords,
  filtersFromQuery,
  queryFromFilters,
  rangeDays,
  type Filters,
} from './analytics-filters.ts';
import { Figures, Interruptions } from './analytics-figures.tsx';
import { nothingHappened } from './analytics-words.ts';
import './analytics.css';

export function Analytics() {
  const [params, setParams] = useSearchParams();
  const query = params.toString();
  const filters = useMemo(() => filtersFromQuery(new URLSearchParams(query)), [query]);
  const setFilters = useCallback((next: Filters) => setParams(queryFromFilters(next)), [setParams]);
  const timeZone = getLocalTimeZone();
  const summary = useSummary(filters, timeZone);
  const series = useTimeseries(filters, timeZone);
  const days = rangeDays(filters, timeZone);
  const csv = csvLinks(filters, timeZone);
  const refused = summary.error ?? series.error;

  return (
    <section className="analytics" aria-labelledby="analytics-title">
      <div className="heading">
        <h1 id="analytics-title">Analytics</h1>
        <span className="an-note">
          How we respond: each figure with its definition, for the days and filters chosen.
        </span>
      </div>
      <FilterBar filters={filters} timeZone={timeZone} onChange={setFilters} problem={refused} />
      {!refused && (
        <p className="an-range" data-testid="analytics-range">
          {daysWords(days)} · {count(dayCount(days), 'day')}, charted by {bucketFor(days)}
          {summary.data && <> · figures of {absolute(summary.data.generated_at)}</>}
        </p>
      )}
      {!refused && (
        <div className="an-export" role="group" aria-label="Export as CSV">
          <ButtonLink size="sm" icon={FileDown} href={csv.summary} download>
            Summary as CSV
          </ButtonLink>
          <ButtonLink size="sm" icon={FileDown} href={csv.timeseries} download>
            Per {bucketFor(days)} as CSV
          </ButtonLink>
        </div>
      )}
      {summary.isPending && !refused && <Skeleton lines={4} label="Loading the figures" />}
      {summary.data &&
        !refused &&
        (nothingHappened(summary.data) ? (
          <EmptyState icon={Inbox} title="Nothing happened in this range">
            No incident was triggered, nobody was paged, and no follow-up or post-mortem fell due between{' '}
            {daysWords(days)}. Choose a longer range or fewer filters.
          </EmptyState>
        ) : (
          <>
            <section className="an-section" aria-labelledby="an-figures-title">
              <h2 id="an-figures-title">Figures</h2>
              <Figures summary={summary.data} />
            </section>
            <section className="an-panel" aria-labelledby="an-charts-title">
              <h2 id="an-charts-title">Over time</h2>
              {series.data ? (
                <div className="an-charts">
                  <IncidentsChart series={series.data} />
                  <ResponseTimesChart series={series.data} summary={summary.data} />
                </div>
              ) : (
                <Skeleton lines={3} label="Loading the charts" />
              )}
              {series.data && (
                <p className="an-note">
                  Days and weeks are UTC, weeks from Monday; the first and last are cut to the range.{' '}
                  {series.data.definitions.incidents[0]?.toUpperCase()}
                  {series.data.definitions.incidents.slice(1)}.
                </p>
              )}
            </section>
            <Interruptions
              figure={summary.data.interruptions}
              chart={<InterruptionsChart responders={summary.data.interruptions.by_responder} />}
            />
          </>
        ))}
      <Details>
        Figures from <code>GET /api/v1/analytics/summary</code> and <code>GET /api/v1/analytics/timeseries</code> (
        <code>format=csv</code> for the files), over [from, to) from the first day&apos;s midnight to the midnight after
        the last day in {timeZone}. Ranges over 400 days are refused.
      </Details>
    </section>
  );
}
