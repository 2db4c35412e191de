// `vigil alert …` and `vigil event send`: look at alerts, and fire a test event from the shell.
import { Command, Option } from 'commander';
import { createClient, query } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

export function alertCommands(): Command {
  const alert = new Command('alert').description('list and inspect alerts from monitoring tools');

  alert
    .command('list')
    .description('list alerts, newest first')
    .option('--service <service>', 'filter by service id or name')
    .option('--status <status>', 'filter: triggered, acknowledged, resolved (comma-separated)')
    .option('--incident <incident>', 'filter by incident id or number')
    .option('--limit <n>', 'how many', '25')
    .option('--json', 'print JSON')
    .action(async (o: { service?: string; status?: string; incident?: string; limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>(
        'GET',
        `/api/v1/alerts${query({ service_id: o.service, status: o.status, incident_id: o.incident, limit: o.limit })}`,
      );
      print(o, result, () =>
        result.data.length
          ? table(result.data, {
              id: 'ID',
              status: 'STATUS',
              severity: 'SEVERITY',
              classified_as: 'CLASS',
              event_count: 'EVENTS',
              dedup_key: 'DEDUP KEY',
              summary: 'SUMMARY',
            })
          : 'no alerts',
      );
    });

  alert
    .command('show')
    .description('show an alert with its recent events')
    .argument('<id>', 'alert id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', `/api/v1/alerts/${encodeURIComponent(id)}`);
      const events = (found.events as Row[] | undefined) ?? [];
      const { events: _e, details: _d, ...head } = found;
      print(
        o,
        found,
        () =>
          `${block(head)}\n\nEvents (${String(found.total_events)} in all, newest first):\n` +
          `${events.map((e) => `${String(e.at)}  ${String(e.action)}`).join('\n')}`,
      );
    });
  return alert;
}

export function eventCommands(): Command {
  const event = new Command('event').description('send events as a monitoring tool would');

  event
    .command('send')
    .description('send a PagerDuty Events v2 event to Vigil (a test event from the shell)')
    .requiredOption('--routing-key <key>', 'the service’s integration key')
    .requiredOption('--summary <text>', 'what is wrong')
    .addOption(new Option('--severity <severity>', 'event severity').choices(SEVERITIES).default('critical'))
    .addOption(
      new Option('--action <action>', 'event action').choices(['trigger', 'acknowledge', 'resolve']).default('trigger'),
    )
    .option('--source <source>', 'the affected system', 'vigil-cli')
    .option('--dedup-key <key>', 'dedup key (generated for a trigger without one)')
    .option('--class <class>', 'event class, e.g. database_connection')
    .option('--component <component>', 'component')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        routingKey: string;
        summary: string;
        severity: string;
        action: string;
        source: string;
        dedupKey?: string;
        class?: string;
        component?: string;
        json?: boolean;
      }) => {
        const body = {
          routing_key: o.routingKey,
          event_action: o.action,
          ...(o.dedupKey && { dedup_key: o.dedupKey }),
          payload: {
            summary: o.summary,
            source: o.source,
            severity: o.severity,
            ...(o.class && { class: o.class }),
            ...(o.component && { component: o.component }),
          },
          client: 'vigil-cli',
        };
        const answer = await createClient().request<Row>('POST', '/v2/enqueue', body, { pagerDuty: true });
        print(o, answer, () => `accepted: dedup_key ${String(answer.dedup_key)}`);
      },
    );
  return event;
}
