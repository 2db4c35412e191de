// `vigil stakeholder …`: who hears about incidents without being paged — by severity (the runbook's
// initial, update and resolution notifications) and by topic ("gdpr": personal-data breaches and their
// 72-hour clock). Admin only.
import { Command, Option } from 'commander';
import { CliError, createClient } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const KINDS = ['email', 'sms', 'voice', 'webhook', 'slack', 'teams', 'mattermost'] as const;
const SEVERITIES = ['P0', 'P1', 'P2', 'P3'];

const listOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function stakeholderCommands(): Command {
  const stakeholder = new Command('stakeholder').description(
    'stakeholders: told of incidents of their severities and of their topics (e.g. gdpr), never paged',
  );

  stakeholder
    .command('list')
    .description('list stakeholders with their severities and topics')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const result = await createClient().request<Page>('GET', '/api/v1/stakeholders');
      print(o, result, () =>
        result.data.length === 0
          ? 'No stakeholders.'
          : table(
              result.data.map((s) => ({
                ...s,
                severities: (s.severities as string[]).join(',') || '-',
                topics: (s.topics as string[]).join(',') || '-',
              })),
              { name: 'NAME', kind: 'KIND', address: 'ADDRESS', severities: 'SEVERITIES', topics: 'TOPICS', id: 'ID' },
            ),
      );
    });

  stakeholder
    .command('add')
    .description('add a stakeholder; give --severities, --topics or both')
    .requiredOption('--name <name>', 'e.g. "Legal Counsel"')
    .addOption(new Option('--kind <kind>', 'how they are told').choices(KINDS).makeOptionMandatory())
    .requiredOption('--address <address>', 'email address, E.164 phone number or URL')
    .option('--severities <list>', 'incident severities they hear of, e.g. P0,P1')
    .option('--topics <list>', 'topics they hear of, e.g. gdpr (personal-data breaches)')
    .option('--secret <secret>', 'webhook signing secret (16+ characters)')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        name: string;
        kind: string;
        address: string;
        severities?: string;
        topics?: string;
        secret?: string;
        json?: boolean;
      }) => {
        const severities = listOf(o.severities).map((s) => s.toUpperCase());
        const wrong = severities.find((s) => !SEVERITIES.includes(s));
        if (wrong) throw new CliError(`--severities: "${wrong}" is not one of ${SEVERITIES.join(', ')}`);
        const topics = listOf(o.topics);
        if (severities.length === 0 && topics.length === 0) throw new CliError('give --severities, --topics or both');
        const created = await createClient().request<Row>('POST', '/api/v1/stakeholders', {
          name: o.name,
          kind: o.kind,
          address: o.address,
          severities,
          ...(topics.length > 0 && { topics }),
          ...(o.secret !== undefined && { secret: o.secret }),
        });
        print(o, created, () =>
          block({
            id: created.id,
            name: created.name,
            kind: created.kind,
            address: created.address,
            severities: (created.severities as string[]).join(',') || '-',
            topics: (created.topics as string[]).join(',') || '-',
          }),
        );
      },
    );

  stakeholder
    .command('remove')
    .description('remove a stakeholder')
    .argument('<id>', 'stakeholder id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      await createClient().request('DELETE', `/api/v1/stakeholders/${encodeURIComponent(id)}`);
      print(o, { removed: id }, () => `Removed ${id}.`);
    });

  return stakeholder;
}
