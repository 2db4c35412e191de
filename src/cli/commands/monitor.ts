// `vigil monitor …`: list, show and add monitors (the checks themselves run in `vigil serve`).
import { Command, Option } from 'commander';
import { CliError, createClient, query } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const KINDS = ['http', 'tcp', 'postgres', 'heartbeat', 'auth'] as const;

/** A whole number option within bounds, or a CliError naming it. */
function int(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`${name}: must be a whole number from ${min} to ${max}`);
  return n;
}

export function monitorCommands(): Command {
  const monitor = new Command('monitor').description('HTTP, TCP, PostgreSQL, auth and heartbeat monitors');

  monitor
    .command('list')
    .description('list monitors with their state')
    .option('--service <service>', 'only this service (id or name)')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { service?: string; limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>(
        'GET',
        `/api/v1/monitors${query({ limit: o.limit, service_id: o.service })}`,
      );
      print(o, result, () =>
        table(result.data, {
          name: 'NAME',
          kind: 'KIND',
          state: 'STATE',
          last_latency_ms: 'MS',
          last_check_at: 'LAST CHECK',
          target: 'TARGET',
          id: 'ID',
        }),
      );
    });

  monitor
    .command('show')
    .description('show a monitor: state, last check, latency, enhanced monitoring, certificate expiry')
    .argument('<id>', 'monitor id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', `/api/v1/monitors/${encodeURIComponent(id)}`);
      print(o, found, () => block(found));
    });

  monitor
    .command('add')
    .description('add a monitor (admin); a heartbeat monitor prints its token once')
    .requiredOption('--service <service>', 'service id or name')
    .requiredOption('--name <name>', 'unique within the service')
    .addOption(new Option('--kind <kind>', 'what to check').choices(KINDS).makeOptionMandatory())
    .option('--target <target>', 'URL (http, auth), host:port (tcp) or postgres:// URL')
    .option('--interval <seconds>', 'seconds between checks (10–86400)')
    .option('--timeout <ms>', 'timeout in ms (100–60000)')
    .option('--expect-status <code>', 'http: the status that passes (default any 2xx/3xx)')
    .option('--keyword <text>', 'http: text the body must contain')
    .option('--failures <n>', 'failures in a row before down (default 2)')
    .option('--period <seconds>', 'heartbeat: expected seconds between beats')
    .option('--grace <seconds>', 'heartbeat: extra seconds before down')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        service: string;
        name: string;
        kind: string;
        target?: string;
        interval?: string;
        timeout?: string;
        expectStatus?: string;
        keyword?: string;
        failures?: string;
        period?: string;
        grace?: string;
        json?: boolean;
      }) => {
        const body = {
          service_id: o.service,
          name: o.name,
          kind: o.kind,
          ...(o.target !== undefined && { target: o.target }),
          ...(o.interval !== undefined && { interval_seconds: int('--interval', o.interval, 10, 86_400) }),
          ...(o.timeout !== undefined && { timeout_ms: int('--timeout', o.timeout, 100, 60_000) }),
          ...(o.expectStatus !== undefined && { expect_status: int('--expect-status', o.expectStatus, 100, 599) }),
          ...(o.keyword !== undefined && { expect_keyword: o.keyword }),
          ...(o.failures !== undefined && { failures_before_down: int('--failures', o.failures, 1, 20) }),
          ...(o.period !== undefined && { period_seconds: int('--period', o.period, 10, 30 * 86_400) }),
          ...(o.grace !== undefined && { grace_seconds: int('--grace', o.grace, 0, 86_400) }),
        };
        const created = await createClient().request<Row>('POST', '/api/v1/monitors', body);
        print(o, created, () => {
          const { token, heartbeat_path, ...rest } = created;
          const shown = block({
            id: rest.id,
            name: rest.name,
            kind: rest.kind,
            target: rest.target,
            state: rest.state,
            interval_seconds: rest.interval_seconds,
          });
          return token
            ? `${shown}\n\nHeartbeat token (shown once); ping with:\n\n` +
                `  curl -fsS -X POST "$VIGIL_URL${String(heartbeat_path)}"\n`
            : shown;
        });
      },
    );

  return monitor;
}
