// `vigil status …`: the public status page from the terminal — components and their statuses (set by hand or
// back to automatic), publishing an update about an incident, scheduled maintenance, and the subscribers.
// Components may be named by id or by name; the server checks every value again (the lists below only make
// `--help` and typos answer before a request).
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { CliError, createClient, query, type Client } from '../client.js';
import { block, print, table } from '../output.js';
import { parseInstant } from './oncall.js';

type Row = Record<string, unknown>;
type Component = { id: string; name: string; status: string; automatic: string; manual_status: string | null };

// The server's lists (status/status.ts); kept here so the CLI loads no server code.
const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
];
const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'];
const IMPACTS = ['none', 'minor', 'major', 'critical'];

const COMPONENT_COLUMNS = {
  id: 'ID',
  name: 'NAME',
  group: 'GROUP',
  status: 'STATUS',
  automatic: 'AUTOMATIC',
  manual_status: 'SET BY HAND',
  public: 'PUBLIC',
};
const MAINTENANCE_COLUMNS = {
  id: 'ID',
  title: 'TITLE',
  state: 'STATE',
  starts_at: 'STARTS',
  ends_at: 'ENDS',
  components: 'COMPONENTS',
};
const SUBSCRIBER_COLUMNS = { id: 'ID', kind: 'KIND', address: 'ADDRESS', state: 'STATE', created_at: 'CREATED' };

const componentPath = (id: string) => `/api/v1/status/components/${encodeURIComponent(id)}`;
const listComponents = async (client: Client) =>
  (await client.request<{ data: Component[] }>('GET', '/api/v1/status/components')).data;

/** The component `ref` names: its id, else the one component with that name (any case); a CliError otherwise. */
function pick(components: Component[], ref: string, option: string): Component {
  const byId = components.find((c) => c.id === ref);
  if (byId) return byId;
  const named = components.filter((c) => c.name.toLowerCase() === ref.toLowerCase());
  if (named.length === 1) return named[0] as Component;
  throw new CliError(
    named.length > 1
      ? `${option}: ${named.length} components are named "${ref}"; give the id`
      : `${option}: no component has the id or name "${ref}" (see 'vigil status components')`,
  );
}

/** Commander collector for a repeatable "--component <ref>=<status>". */
function componentStatus(value: string, previous: Array<[string, string]>): Array<[string, string]> {
  const at = value.lastIndexOf('=');
  const status = value.slice(at + 1);
  if (at <= 0 || !COMPONENT_STATUSES.includes(status))
    throw new InvalidArgumentError(`give <component>=<status>, the status one of ${COMPONENT_STATUSES.join(', ')}`);
  return [...previous, [value.slice(0, at), status]];
}

const collect = (value: string, previous: string[]) => [...previous, value];

const describeComponent = (c: Component) =>
  c.manual_status
    ? `${c.name}: ${c.status} (set by hand; automatic would be ${c.automatic})`
    : `${c.name}: ${c.status} (automatic)`;

function maintenanceCommands(): Command {
  const maintenance = new Command('maintenance').description(
    'scheduled maintenance: the engine moves it scheduled → in_progress → verifying → completed at its times',
  );

  maintenance
    .command('list')
    .description('maintenances not completed, and those of the last 90 days, soonest first')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const result = await createClient().request<{ data: Row[] }>('GET', '/api/v1/status/maintenances');
      const rows = result.data.map((m) => ({ ...m, components: (m.component_ids as string[]).length }));
      print(o, result, () => (rows.length ? table(rows, MAINTENANCE_COLUMNS) : 'no maintenance'));
    });

  maintenance
    .command('add')
    .description("schedule maintenance on components (their services' alerts page nobody while it runs)")
    .requiredOption('--title <text>', 'the public title')
    .requiredOption('--body <text>', 'what customers should expect')
    .requiredOption('--component <ref>', 'a component it affects, by id or name (repeat for more)', collect, [])
    .addOption(
      new Option('--starts <time>', 'when it starts (ISO 8601 with a zone)')
        .argParser(parseInstant)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--ends <time>', 'when it ends (after --starts)').argParser(parseInstant).makeOptionMandatory(),
    )
    .option('--notify', 'tell subscribers when it is announced, starts and completes')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        title: string;
        body: string;
        component: string[];
        starts: string;
        ends: string;
        notify?: boolean;
        json?: boolean;
      }) => {
        const client = createClient();
        const components = await listComponents(client);
        const created = await client.request<Row>('POST', '/api/v1/status/maintenances', {
          title: o.title,
          body: o.body,
          component_ids: o.component.map((ref) => pick(components, ref, '--component').id),
          starts_at: o.starts,
          ends_at: o.ends,
          ...(o.notify && { notify_subscribers: true }),
        });
        print(o, created, () => block(created));
      },
    );

  maintenance
    .command('complete')
    .description('complete a maintenance now (its maintenance windows end)')
    .argument('<id>', 'maintenance id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const done = await createClient().request<Row>('PATCH', `/api/v1/status/maintenances/${encodeURIComponent(id)}`, {
        complete: true,
      });
      print(o, done, () => `${id}: ${String(done.state)}`);
    });

  return maintenance;
}

export function statusCommands(): Command {
  const status = new Command('status').description(
    'the public status page: components, published updates, scheduled maintenance, subscribers',
  );

  status
    .command('components')
    .description('list components with what they show now and what they would show by themselves')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const result = await createClient().request<{ data: Row[] }>('GET', '/api/v1/status/components');
      print(o, result, () => (result.data.length ? table(result.data, COMPONENT_COLUMNS) : 'no components'));
    });

  status
    .command('set')
    .description("set a component's status by hand (it wins over the automatic one), or back to automatic")
    .argument('<component>', 'component id or name')
    .addArgument(new Argument('<status>', '"auto" clears the hand-set status').choices([...COMPONENT_STATUSES, 'auto']))
    .option('--json', 'print JSON')
    .action(async (ref: string, to: string, o: { json?: boolean }) => {
      const client = createClient();
      const component = pick(await listComponents(client), ref, '<component>');
      const changed = await client.request<Component>('PATCH', componentPath(component.id), {
        status: to === 'auto' ? null : to,
      });
      print(o, changed, () => describeComponent(changed));
    });

  status
    .command('publish')
    .description('publish an update about an incident on the public page (the first one makes it public)')
    .argument('<incident>', 'incident id or number')
    .addOption(
      new Option('--status <status>', 'where the incident stands').choices(UPDATE_STATUSES).makeOptionMandatory(),
    )
    .requiredOption('--body <text>', 'the public text, written for customers (not the internal notes)')
    .option('--name <title>', 'the public title (first update: default from the customer notice template)')
    .addOption(new Option('--impact <impact>', 'the public impact').choices(IMPACTS))
    .option(
      '--component <ref=status>',
      "set a component's status until the public incident resolves, e.g. --component api=partial_outage (repeat)",
      componentStatus,
      [],
    )
    .option('--notify', 'tell confirmed subscribers of the components (by e-mail or webhook)')
    .option('--json', 'print JSON')
    .action(
      async (
        incident: string,
        o: {
          status: string;
          body: string;
          name?: string;
          impact?: string;
          component: Array<[string, string]>;
          notify?: boolean;
          json?: boolean;
        },
      ) => {
        const client = createClient();
        const components = o.component.length ? await listComponents(client) : [];
        const published = await client.request<Row & { updates: Row[] }>(
          'POST',
          `/api/v1/incidents/${encodeURIComponent(incident)}/status-updates`,
          {
            status: o.status,
            body: o.body,
            ...(o.name && { name: o.name }),
            ...(o.impact && { impact: o.impact }),
            ...(o.component.length && {
              component_statuses: Object.fromEntries(
                o.component.map(([ref, s]) => [pick(components, ref, '--component').id, s]),
              ),
            }),
            ...(o.notify && { notify_subscribers: true }),
          },
        );
        print(
          o,
          published,
          () =>
            `${incident}: published "${String(published.name)}" as ${String(published.status)} ` +
            `(impact ${String(published.impact)}, ${published.updates.length} update(s)` +
            `${o.notify ? ', subscribers told' : ''})`,
        );
      },
    );

  status.addCommand(maintenanceCommands());

  status
    .command('subscribers')
    .description('list subscribers (admins: their addresses are personal data) or export them all as CSV')
    .option('--csv', 'every subscriber as CSV on stdout (the export; audited)')
    .option('--limit <n>', 'how many to list', '100')
    .option('--cursor <id>', 'list after this subscriber (the next_cursor of the last page)')
    .option('--json', 'print JSON')
    .action(async (o: { csv?: boolean; limit: string; cursor?: string; json?: boolean }) => {
      const client = createClient();
      if (o.csv) {
        const csv = await client.download('/api/v1/status/subscribers?format=csv');
        console.log(csv.toString('utf8').replace(/\n$/, ''));
        return;
      }
      const result = await client.request<{
        data: Row[];
        next_cursor: string | null;
        counts: { pending: number; confirmed: number };
      }>('GET', `/api/v1/status/subscribers${query({ limit: o.limit, cursor: o.cursor })}`);
      print(o, result, () =>
        [
          result.data.length ? table(result.data, SUBSCRIBER_COLUMNS) : 'no subscribers',
          `${result.counts.confirmed} confirmed, ${result.counts.pending} pending` +
            (result.next_cursor ? `; more with --cursor ${result.next_cursor}` : ''),
        ].join('\n'),
      );
    });

  return status;
}
