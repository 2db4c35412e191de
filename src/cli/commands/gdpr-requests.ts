// `vigil gdpr requests` and `vigil gdpr request …`: data-subject requests and their Art. 12(3) deadlines.
import { Option, type Command } from 'commander';
import { createClient, query } from '../client.js';
import { block, print, saveFile, table } from '../output.js';
import { parseInstant } from './oncall.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const KINDS = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'];
const STATES = ['open', 'extended', 'completed', 'refused'];
const COLUMNS = {
  id: 'ID',
  kind: 'KIND',
  state: 'STATE',
  subject_id: 'SUBJECT',
  received_at: 'RECEIVED',
  due_at: 'DUE',
  days_left: 'DAYS LEFT',
  overdue: 'OVERDUE',
};

const path = (id: string) => `/api/v1/gdpr/requests/${encodeURIComponent(id)}`;

export function addRequestCommands(gdpr: Command): void {
  gdpr
    .command('requests')
    .description('list data-subject requests, newest first (admin or privacy flag)')
    .addOption(new Option('--state <state>', 'only this state').choices(STATES))
    .option('--overdue', 'only unclosed requests past their due time')
    .option('--subject <id>', "only this subject's requests")
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { state?: string; overdue?: boolean; subject?: string; limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>(
        'GET',
        `/api/v1/gdpr/requests${query({
          state: o.state,
          overdue: o.overdue ? 'true' : undefined,
          subject_id: o.subject,
          limit: o.limit,
        })}`,
      );
      print(o, result, () => (result.data.length ? table(result.data, COLUMNS) : 'no data-subject requests'));
    });

  const request = gdpr
    .command('request')
    .description('record and move one data-subject request (Art. 12(3): one month, extendable once by two)');

  request
    .command('open')
    .description('record a request received from a data subject; due one calendar month after receipt')
    .requiredOption('--subject <id>', 'the subject id as your systems know it (the ledger uses the same)')
    .addOption(new Option('--kind <kind>', 'what they asked for').choices(KINDS).makeOptionMandatory())
    .addOption(
      new Option('--received-at <time>', 'when it was received (ISO 8601 with a zone; default now)').argParser(
        parseInstant,
      ),
    )
    .option('--note <text>', 'anything the next person should know')
    .option('--json', 'print JSON')
    .action(async (o: { subject: string; kind: string; receivedAt?: string; note?: string; json?: boolean }) => {
      const created = await createClient().request<Row>('POST', '/api/v1/gdpr/requests', {
        subject_id: o.subject,
        kind: o.kind,
        ...(o.receivedAt && { received_at: o.receivedAt }),
        ...(o.note && { note: o.note }),
      });
      print(o, created, () => `${block(created)}\n\ndue ${String(created.due_at)}`);
    });

  request
    .command('show')
    .description('show one request')
    .argument('<id>', 'request id (from gdpr requests)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', path(id));
      print(o, found, () => block(found));
    });

  const move = (name: string, description: string) =>
    request.command(name).description(description).argument('<id>', 'request id').option('--json', 'print JSON');

  move('extend', 'extend once by two months, within the first month, telling the subject why')
    .requiredOption('--reason <text>', 'why (Art. 12(3): complexity or number of requests)')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const changed = await createClient().request<Row>('PATCH', path(id), { state: 'extended', reason: o.reason });
      print(o, changed, () => `${id}: extended, now due ${String(changed.due_at)}`);
    });
  move('complete', 'mark answered; an erasure request pseudonymises the subject in the consent ledger')
    .option('--note <text>', 'what was done')
    .action(async (id: string, o: { note?: string; json?: boolean }) => {
      const changed = await createClient().request<Row>('PATCH', path(id), {
        state: 'completed',
        ...(o.note && { note: o.note }),
      });
      print(o, changed, () => `${id}: completed (${String(changed.kind)})`);
    });
  move('refuse', 'refuse, with the reason the subject is given (Art. 12(4))')
    .requiredOption('--reason <text>', 'the reason, e.g. manifestly unfounded or excessive (Art. 12(5))')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const changed = await createClient().request<Row>('PATCH', path(id), { state: 'refused', reason: o.reason });
      print(o, changed, () => `${id}: refused`);
    });
}

const REPORT_TYPES = ['emergency', 'summary', 'full'];

export function addReportCommands(gdpr: Command): void {
  gdpr
    .command('report')
    .description(
      'the compliance report: breach clocks, late reports, data-subject requests, consent coverage, ledger ' +
        'integrity, Art. 30 gaps (admin or privacy flag); Markdown on stdout, --pdf FILE, or --json',
    )
    .addOption(
      new Option('--type <type>', 'emergency (the first minutes of an incident), summary or full')
        .choices(REPORT_TYPES)
        .default('summary'),
    )
    .option('--md', 'print the Markdown (the default without --pdf or --json)')
    .option('--pdf <file>', 'write the PDF to this file')
    .option('--json', 'print the report as JSON (what the gdpr-compliance function answers)')
    .action(async (o: { type: string; md?: boolean; pdf?: string; json?: boolean }) => {
      const client = createClient();
      const path = (format: string) => `/api/v1/gdpr/report${query({ type: o.type, format })}`;
      if (o.pdf) {
        const pdf = await client.download(path('pdf'));
        saveFile('--pdf', o.pdf, pdf);
        if (!o.md && !o.json) console.log(`PDF written to ${o.pdf} (${pdf.length} bytes)`);
      }
      if (o.json) console.log(JSON.stringify(await client.request('GET', path('json')), null, 2));
      else if (o.md || !o.pdf) console.log((await client.download(path('md'))).toString('utf8').trimEnd());
    });
}
