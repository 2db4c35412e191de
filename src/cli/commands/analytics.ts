// `vigil analytics`: the response analytics of a range (GET /api/v1/analytics/summary), each figure printed
// with its definition; --json prints the API's answer, --csv its CSV.
import { Command, Option } from 'commander';
import { createClient, query } from '../client.js';
import { table } from '../output.js';
import { parseInstant } from './oncall.js';

type Figure = Record<string, unknown> & { definition: string };
type Summary = Record<string, Figure> & { from: string; to: string };

/** 4500 → "1h15m", 90.5 → "1m30.5s"; null → "-". */
export function humanSeconds(s: unknown): string {
  if (typeof s !== 'number') return '-';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = Math.round((s % 60) * 1000) / 1000;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', rest || (!h && !m) ? `${rest}s` : ''];
  return parts.join('');
}

const percent = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 1000) / 10}%` : '-');

function render(s: Summary): string {
  const duration = (f: Figure) =>
    `mean ${humanSeconds(f.mean_s)}  p50 ${humanSeconds(f.p50_s)}  p95 ${humanSeconds(f.p95_s)}  (n ${String(f.n)})`;
  const bySeverity = Object.entries(s.incidents?.by_severity as Record<string, number>)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const b = s.response_target_breaches as Figure;
  const e = s.escalated_beyond_l1 as Figure;
  const i = s.interruptions as Figure;
  const f = s.follow_ups as Figure;
  const p = s.postmortems as Figure;
  const lines: Array<[string, string, string]> = [
    ['incidents', `${String(s.incidents?.total)} (${bySeverity})`, String(s.incidents?.definition)],
    ['MTTA', duration(s.mtta as Figure), String(s.mtta?.definition)],
    ['MTTR', duration(s.mttr as Figure), String(s.mttr?.definition)],
    ['target breaches', `${String(b.breached)} of ${String(b.decided)} (${percent(b.rate)})`, b.definition],
    ['escalated past L1', `${String(e.escalated)} of ${String(e.incidents)} (${percent(e.share)})`, e.definition],
    ['pages', String(s.pages?.total), String(s.pages?.definition)],
    [
      'interruptions',
      `${String(i.total)}: business ${String(i.business_hours)}, off ${String(i.off_hours)}, ` +
        `sleep ${String(i.sleep_hours)}`,
      i.definition,
    ],
    [
      'follow-ups',
      `${String(f.due)} due: completed ${String(f.completed)}, not doing ${String(f.not_doing)}, ` +
        `overdue ${String(f.overdue)}, outstanding ${String(f.outstanding)}`,
      f.definition,
    ],
    [
      'post-mortems',
      `${String(p.due)}: published within 72 h ${String(p.published_within_72h)}, later ` +
        `${String(p.published_later)}, not yet ${String(p.unpublished)}`,
      p.definition,
    ],
  ];
  const width = Math.max(...lines.map(([name]) => name.length));
  const out = [`Response analytics from ${s.from} to ${s.to}`, ''];
  for (const [name, value, definition] of lines)
    out.push(`${name.padEnd(width)}  ${value}`, `${' '.repeat(width)}  ${definition}`);
  const responders = i.by_responder as Array<Record<string, unknown>>;
  if (responders.length)
    out.push(
      '',
      table(responders, {
        handle: 'RESPONDER',
        timezone: 'ZONE',
        business_hours: 'BUSINESS',
        off_hours: 'OFF',
        sleep_hours: 'SLEEP',
        total: 'TOTAL',
      }),
    );
  return out.join('\n');
}

export function analyticsCommand(): Command {
  return new Command('analytics')
    .description('response analytics of a range: MTTA, MTTR, target breaches, escalations, pages, interruptions')
    .addOption(
      new Option('--from <time>', 'start (ISO 8601 with a zone); default 30 days before --to').argParser(parseInstant),
    )
    .addOption(new Option('--to <time>', 'end (ISO 8601 with a zone); default now').argParser(parseInstant))
    .option('--service <ref>', "only this service's incidents (id or name)")
    .option('--team <ref>', 'only incidents that paged a member of this team (id or name)')
    .option('--severity <list>', 'only these severities, e.g. P1 or P0,P1')
    .addOption(new Option('--json', 'print JSON').conflicts('csv'))
    .option('--csv', 'print CSV (metric,value,definition)')
    .action(
      async (o: {
        from?: string;
        to?: string;
        service?: string;
        team?: string;
        severity?: string;
        json?: boolean;
        csv?: boolean;
      }) => {
        const client = createClient();
        const params = { from: o.from, to: o.to, service_id: o.service, team_id: o.team, severity: o.severity };
        if (o.csv) {
          const body = await client.download(`/api/v1/analytics/summary${query({ ...params, format: 'csv' })}`);
          console.log(body.toString('utf8').replace(/\r\n$/, ''));
          return;
        }
        const summary = await client.request<Summary>('GET', `/api/v1/analytics/summary${query(params)}`);
        console.log(o.json ? JSON.stringify(summary, null, 2) : render(summary));
      },
    );
}
