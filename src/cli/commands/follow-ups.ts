// `vigil follow-ups …`: the action items after an incident — list (yours, overdue, one incident's), add,
// mark done or not doing, show one.
import { Command, Option } from 'commander';
import { CliError, createClient, query } from '../client.js';
import { block, print, table } from '../output.js';
import { parseInstant } from './oncall.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const KINDS = ['technical', 'process', 'monitoring', 'training'];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
const STATUSES = ['outstanding', 'completed', 'not_doing', 'deleted'];
const COLUMNS = {
  id: 'ID',
  incident_number: 'INCIDENT',
  title: 'TITLE',
  kind: 'KIND',
  owner: 'OWNER',
  priority: 'PRIORITY',
  status: 'STATUS',
  due_at: 'DUE',
  overdue: 'OVERDUE',
};

const path = (id: string) => `/api/v1/follow-ups/${encodeURIComponent(id)}`;

export function followUpCommands(): Command {
  const followUps = new Command('follow-ups').description(
    'follow-ups: the action items after an incident, with reminders to their owners',
  );

  followUps
    .command('list')
    .description('list follow-ups, newest first (deleted ones only with --status deleted)')
    .option('--mine', 'only those owned by the user this token belongs to')
    .option('--overdue', 'only outstanding ones past their due time')
    .option('--incident <ref>', "only this incident's (id or number)")
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        mine?: boolean;
        overdue?: boolean;
        incident?: string;
        status?: string;
        limit: string;
        json?: boolean;
      }) => {
        const client = createClient();
        let owner: string | undefined;
        if (o.mine) {
          const me = await client.request<{ user: { id: string } | null }>('GET', '/api/v1/me');
          if (!me.user) throw new CliError('--mine: this token belongs to no user');
          owner = me.user.id;
        }
        const result = await client.request<Page>(
          'GET',
          `/api/v1/follow-ups${query({
            owner_id: owner,
            overdue: o.overdue ? 'true' : undefined,
            incident_id: o.incident,
            status: o.status,
            limit: o.limit,
          })}`,
        );
        print(o, result, () => (result.data.length ? table(result.data, COLUMNS) : 'no follow-ups'));
      },
    );

  followUps
    .command('add')
    .description('add a follow-up to an incident; its owner is reminded the day before and on the due day')
    .requiredOption('--incident <ref>', 'the incident (id or number)')
    .requiredOption('--title <text>', 'what is to be done')
    .addOption(new Option('--kind <kind>', 'what sort of work').choices(KINDS).makeOptionMandatory())
    .requiredOption('--owner <handle>', 'who owns it: a handle, a user id, or "me"')
    .addOption(
      new Option('--due <time>', 'when it is due (ISO 8601 with a zone), in the future')
        .argParser(parseInstant)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--priority <priority>', 'default medium').choices(PRIORITIES))
    .option('--url <url>', 'the issue tracker link (http or https)')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        incident: string;
        title: string;
        kind: string;
        owner: string;
        due: string;
        priority?: string;
        url?: string;
        json?: boolean;
      }) => {
        const created = await createClient().request<Row>('POST', '/api/v1/follow-ups', {
          incident_id: o.incident,
          title: o.title,
          kind: o.kind,
          owner_id: o.owner,
          due_at: o.due,
          ...(o.priority && { priority: o.priority }),
          ...(o.url && { external_url: o.url }),
        });
        print(o, created, () => block(created));
      },
    );

  followUps
    .command('show')
    .description('show one follow-up')
    .argument('<id>', 'follow-up id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', path(id));
      print(o, found, () => block(found));
    });

  followUps
    .command('done')
    .description('mark a follow-up completed (its reminders stop)')
    .argument('<id>', 'follow-up id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const changed = await createClient().request<Row>('PATCH', path(id), { status: 'completed' });
      print(o, changed, () => `${id}: completed`);
    });

  followUps
    .command('not-doing')
    .description('mark a follow-up as not being done, saying why (its reminders stop)')
    .argument('<id>', 'follow-up id')
    .requiredOption('--reason <text>', 'why it will not be done')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const changed = await createClient().request<Row>('PATCH', path(id), { status: 'not_doing', reason: o.reason });
      print(o, changed, () => `${id}: not doing (${o.reason})`);
    });

  return followUps;
}
