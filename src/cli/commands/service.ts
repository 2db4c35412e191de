// `vigil service …`.
import { Command, Option } from 'commander';
import { CliError, createClient, query } from '../client.js';
import { block, print, table } from '../output.js';
import { durationSeconds, parseInstant } from './oncall.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

/** The server's bounds on a window given as a length (duration_s). */
const MIN_WINDOW_S = 60;
const MAX_WINDOW_S = 30 * 86_400;
const WINDOW_COLUMNS = { start: 'START', end: 'END', active: 'RUNNING', reason: 'REASON', id: 'ID' };

export function serviceCommands(): Command {
  const service = new Command('service').description('manage services and their integration keys');
  const withKey = (s: Row) =>
    `${block({ id: s.id, name: s.name, description: s.description })}\n\n` +
    `Integration key (shown once; use it as the PagerDuty routing_key):\n\n  ${String(s.integration_key)}\n`;

  service
    .command('create')
    .description('create a service (admin); prints its integration key once')
    .argument('<name>', 'unique service name')
    .option('--description <text>', 'what it is')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { description?: string; json?: boolean }) => {
      const created = await createClient().request<Row>('POST', '/api/v1/services', {
        name,
        ...(o.description && { description: o.description }),
      });
      print(o, created, () => withKey(created));
    });

  service
    .command('list')
    .description('list services')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>('GET', `/api/v1/services${query({ limit: o.limit })}`);
      print(o, result, () =>
        table(result.data, { name: 'NAME', id: 'ID', integration_key_hint: 'KEY', description: 'DESCRIPTION' }),
      );
    });

  service
    .command('show')
    .description('show a service')
    .argument('<service>', 'id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', `/api/v1/services/${encodeURIComponent(ref)}`);
      print(o, found, () => block(found));
    });

  service
    .command('rotate-key')
    .description('issue a new integration key (admin); the old one stops working at once')
    .argument('<service>', 'id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const rotated = await createClient().request<Row>(
        'POST',
        `/api/v1/services/${encodeURIComponent(ref)}/rotate-key`,
      );
      print(o, rotated, () => withKey(rotated));
    });

  service
    .command('dsn')
    .description('print the Sentry DSN of a service, for Sentry SDKs (its error project is created on first use)')
    .argument('<service>', 'id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', `/api/v1/services/${encodeURIComponent(ref)}/dsn`);
      print(o, found, () => String(found.dsn));
    });

  service
    .command('delete')
    .description('delete a service with no open incidents (admin)')
    .argument('<service>', 'id or name')
    .action(async (ref: string) => {
      await createClient().request('DELETE', `/api/v1/services/${encodeURIComponent(ref)}`);
      console.log(`deleted ${ref}`);
    });

  service
    .command('maintenance')
    .summary('start, list or end maintenance windows (alerts are recorded, nothing escalates or pages)')
    .description(
      [
        'Maintenance windows: while one runs, alerts on the service are recorded',
        'but nothing escalates or pages.',
        '',
        '  start now:    --for 30m, or --end <time>       [--reason "db upgrade"]',
        '  start later:  --start <time> with --for or --end',
        '  end:          --off  (ends the running window, drops scheduled ones)',
        '  list:         no options (running and scheduled windows)',
        '',
        'Times are ISO 8601 with a zone, e.g. 2030-03-02T09:00:00Z.',
      ].join('\n'),
    )
    .argument('<service>', 'id or name')
    .addOption(
      new Option(
        '--for <duration>',
        `how long, from now or --start: 30m, 2h, 1d (${MIN_WINDOW_S / 60}m to ${MAX_WINDOW_S / 86_400}d)`,
      )
        .argParser(durationSeconds(MIN_WINDOW_S, MAX_WINDOW_S))
        .conflicts('end'),
    )
    .addOption(new Option('--end <time>', 'or: when it ends, ISO 8601 with a zone').argParser(parseInstant))
    .addOption(
      new Option('--start <time>', 'schedule it for later: ISO 8601 with a zone (default: now)').argParser(
        parseInstant,
      ),
    )
    .option('--reason <text>', 'why, e.g. "database upgrade"')
    .addOption(
      new Option('--off', 'end the running window and drop scheduled ones').conflicts([
        'for',
        'end',
        'start',
        'reason',
      ]),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        o: { for?: number; end?: string; start?: string; reason?: string; off?: boolean; json?: boolean },
      ) => {
        const client = createClient();
        const base = `/api/v1/services/${encodeURIComponent(ref)}/maintenance`;
        if (o.off) {
          const ended = await client.request<{ ended: number }>('DELETE', base);
          return print(o, ended, () => `ended ${ended.ended} maintenance window(s) of ${ref}`);
        }
        if (o.for === undefined && o.end === undefined) {
          if (o.start || o.reason) throw new CliError('give --for or --end to start a maintenance window');
          const windows = await client.request<Page>('GET', base);
          return print(o, windows, () =>
            windows.data.length ? table(windows.data, WINDOW_COLUMNS) : `no maintenance windows for ${ref}`,
          );
        }
        const body = {
          ...(o.start && { start: o.start }),
          ...(o.end && { end: o.end }),
          ...(o.for !== undefined && { duration_s: o.for }),
          ...(o.reason && { reason: o.reason }),
        };
        const window = await client.request<Row>('POST', base, body);
        print(
          o,
          window,
          () =>
            `${ref} is ${window.active ? 'in maintenance' : 'scheduled for maintenance'} ` +
            `from ${String(window.start)} to ${String(window.end)}\n\n${block(window)}`,
        );
      },
    );
  return service;
}
