// The alerts that opened or joined the incident, newest first, each with its status in words.
import { useQuery } from '@tanstack/react-query';
import { age, SEVERITY_LABEL } from '../shared/format.ts';
import { absolute, count } from '../ui/index.ts';
import { getAlerts } from './incident-api.ts';

export function Alerts({
  incidentRef,
  queryKey,
  now,
}: {
  incidentRef: string;
  queryKey: readonly unknown[];
  now: number;
}) {
  const alerts = useQuery({ queryKey: [...queryKey, 'alerts'], queryFn: () => getAlerts(incidentRef) });
  const rows = alerts.data?.data ?? [];
  return (
    <section className="panel incident-alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts{alerts.data ? ` (${rows.length}${alerts.data.next_cursor ? '+' : ''})` : ''}</h2>
      {alerts.isPending ? (
        <p className="ui-muted">Loading…</p>
      ) : alerts.isError ? (
        <p className="error">Could not load alerts: {alerts.error.message}</p>
      ) : rows.length === 0 ? (
        <p className="ui-muted">No alerts: this incident was opened by hand.</p>
      ) : (
        <ul className="alerts">
          {rows.map((a) => (
            <li key={a.id} className={`alert status-${a.status}`}>
              <span className="alert-summary">{a.summary}</span>
              <span className="alert-meta">
                <span className="alert-status">{a.status}</span>
                {a.classified_as && <span>{SEVERITY_LABEL[a.classified_as]}</span>}
                {a.source && <span>from {a.source}</span>}
                {a.event_count > 1 && <span>{count(a.event_count, 'event')}</span>}
                <time dateTime={a.last_seen_at} title={absolute(a.last_seen_at)}>
                  last {age(a.last_seen_at, now)} ago
                </time>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
