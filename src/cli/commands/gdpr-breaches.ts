// `vigil gdpr breaches` and `vigil gdpr breach …`: the breach register and its 72-hour clock from the
// terminal. <breach> is an id or a number like BR-20261207-0001.
import { Option, type Command } from 'commander';
import { CliError, createClient, query } from '../client.js';
import { block, print, saveFile, table } from '../output.js';
import { parseInstant } from './oncall.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const STATES = ['assessing', 'notified', 'not_notifiable', 'closed'] as const;
const RISKS = ['unlikely', 'risk', 'high_risk'] as const;
const EXEMPTIONS = ['34(3)(a)', '34(3)(b)', '34(3)(c)'] as const;

const path = (ref: string, tail = '') => `/api/v1/gdpr/breaches/${encodeURIComponent(ref)}${tail}`;

/** A whole number option, or a CliError naming it. */
function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${name}: must be a whole number of 0 or more`);
  return n;
}

/** Overdue first, then the least time left. */
export function byUrgency(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => Number(b.overdue) - Number(a.overdue) || Number(a.hours_left) - Number(b.hours_left));
}

function breachBlock(b: Row): string {
  const incident = b.incident as { number?: string } | null;
  const decision = b.subjects_decision as Row | null;
  const reports = (b.authority_reports as Row[] | undefined) ?? [];
  return block({
    number: b.number,
    title: b.title,
    state: b.state,
    risk: b.risk,
    aware_at: b.aware_at,
    deadline_at: b.deadline_at,
    hours_left: b.hours_left,
    overdue: b.overdue,
    reported_late: b.reported_late,
    incident: incident?.number ?? null,
    data_categories: ((b.data_categories as string[]) ?? []).join(', ') || null,
    subjects_approx: b.subjects_approx,
    records_approx: b.records_approx,
    reports: reports.map((r) => `${String(r.kind)} ${String(r.reported_at)} ${String(r.authority)}`).join('; ') || null,
    subjects_decision: decision
      ? decision.decision === 'communicated'
        ? `communicated ${String(decision.communicated_at)} by ${String(decision.channel)}`
        : `exempt ${String(decision.exemption)}`
      : b.subjects_decision_needed
        ? 'NEEDED (high risk, Art. 34)'
        : null,
    not_notifiable_reason: b.not_notifiable_reason,
    id: b.id,
  });
}

export function addBreachCommands(gdpr: Command): void {
  gdpr
    .command('breaches')
    .description('personal data breaches with their 72-hour clocks, overdue first')
    .addOption(new Option('--state <state>', 'only this state').choices(STATES))
    .option('--overdue', 'only breaches past their deadline with nothing reported or decided')
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'print JSON')
    .action(async (o: { state?: string; overdue?: boolean; limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>(
        'GET',
        `/api/v1/gdpr/breaches${query({ state: o.state, overdue: o.overdue ? 'true' : undefined, limit: o.limit })}`,
      );
      print(o, result, () => {
        if (result.data.length === 0) return 'No breaches.';
        return table(
          byUrgency(result.data).map((b) => ({
            ...b,
            clock:
              b.state === 'assessing'
                ? b.overdue
                  ? `OVERDUE ${String(-Number(b.hours_left))} h`
                  : `${String(b.hours_left)} h left`
                : '-',
            incident: (b.incident as { number?: string } | null)?.number ?? '-',
          })),
          {
            number: 'NUMBER',
            state: 'STATE',
            clock: 'CLOCK',
            risk: 'RISK',
            deadline_at: 'DEADLINE',
            incident: 'INCIDENT',
            title: 'TITLE',
          },
        );
      });
    });

  const breach = gdpr
    .command('breach')
    .description('one personal data breach: show, open, notify the authority, decide, close, report draft');

  breach
    .command('show')
    .description('show a breach: its clock, reports, the Art. 34 decision')
    .argument('<breach>', 'breach id or number')
    .option('--events', 'also print its history')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { events?: boolean; json?: boolean }) => {
      const client = createClient();
      const found = await client.request<Row>('GET', path(ref));
      const events = o.events ? await client.request<{ data: Row[] }>('GET', path(ref, '/events')) : undefined;
      print(o, events ? { ...found, events: events.data } : found, () => {
        const lines = [breachBlock(found)];
        if (events) {
          lines.push(
            '',
            ...events.data.map((e) => {
              const who = String((e.actor as Row).name);
              return `${String(e.at)}  ${String(e.kind).padEnd(18)} ${who}  ${JSON.stringify(e.data)}`;
            }),
          );
        }
        return lines.join('\n');
      });
    });

  breach
    .command('open')
    .description('record a personal data breach; its 72-hour clock starts at --aware-at (default now)')
    .requiredOption('--title <title>', 'what happened, in a line')
    .addOption(
      new Option('--aware-at <time>', 'when you became aware (ISO 8601 with a zone; not in the future)').argParser(
        parseInstant,
      ),
    )
    .option('--nature <text>', 'nature of the breach (Art. 33(3)(a))')
    .option('--categories <list>', 'categories of personal data, comma-separated (e.g. "email,address")')
    .option('--subjects <n>', 'approximate number of data subjects')
    .option('--records <n>', 'approximate number of records')
    .option('--consequences <text>', 'likely consequences (Art. 33(3)(c))')
    .option('--measures <text>', 'measures taken or proposed (Art. 33(3)(d))')
    .addOption(new Option('--risk <risk>', 'assessed risk (default risk)').choices(RISKS))
    .option('--incident <incident>', 'the incident it belongs to (id or number)')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        title: string;
        awareAt?: string;
        nature?: string;
        categories?: string;
        subjects?: string;
        records?: string;
        consequences?: string;
        measures?: string;
        risk?: string;
        incident?: string;
        json?: boolean;
      }) => {
        const body = {
          title: o.title,
          ...(o.awareAt !== undefined && { aware_at: o.awareAt }),
          ...(o.nature !== undefined && { nature: o.nature }),
          ...(o.categories !== undefined && {
            data_categories: o.categories
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean),
          }),
          ...(o.subjects !== undefined && { subjects_approx: count('--subjects', o.subjects) }),
          ...(o.records !== undefined && { records_approx: count('--records', o.records) }),
          ...(o.consequences !== undefined && { likely_consequences: o.consequences }),
          ...(o.measures !== undefined && { measures_taken: o.measures }),
          ...(o.risk !== undefined && { risk: o.risk }),
          ...(o.incident !== undefined && { incident_id: o.incident }),
        };
        const created = await createClient().request<Row>('POST', '/api/v1/gdpr/breaches', body);
        print(o, created, () => breachBlock(created));
      },
    );

  breach
    .command('notify')
    .description('record a report to the supervisory authority (the first is initial, later ones supplementary)')
    .argument('<breach>', 'breach id or number')
    .option('--authority <name>', 'which authority (default: authority_name of the GDPR settings)')
    .option('--reference <ref>', "the authority's case reference")
    .addOption(
      new Option('--at <time>', 'when it was reported (ISO 8601 with a zone; default now)').argParser(parseInstant),
    )
    .addOption(
      new Option('--kind <kind>', 'initial or supplementary (default: by order)').choices(['initial', 'supplementary']),
    )
    .option('--delay-reason <text>', 'why the first report comes after the 72-hour deadline (then required)')
    .option('--note <text>', 'a note')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        o: {
          authority?: string;
          reference?: string;
          at?: string;
          kind?: string;
          delayReason?: string;
          note?: string;
          json?: boolean;
        },
      ) => {
        const body = {
          ...(o.authority !== undefined && { authority: o.authority }),
          ...(o.reference !== undefined && { reference: o.reference }),
          ...(o.at !== undefined && { reported_at: o.at }),
          ...(o.kind !== undefined && { kind: o.kind }),
          ...(o.delayReason !== undefined && { delay_reason: o.delayReason }),
          ...(o.note !== undefined && { note: o.note }),
        };
        const updated = await createClient().request<Row>('POST', path(ref, '/notifications'), body);
        print(o, updated, () => breachBlock(updated));
      },
    );

  breach
    .command('decide')
    .description(
      'record a decision: not notifiable (Art. 33(5)), or on informing the data subjects (Art. 34): ' +
        'communicated (--at, --channel) or exempt under 34(3)(a|b|c) with --reason',
    )
    .argument('<breach>', 'breach id or number')
    .option('--not-notifiable <reason>', 'the breach is unlikely to result in a risk: why it is not reported')
    .option('--communicated', 'the data subjects were informed (with --at and --channel)')
    .addOption(
      new Option('--at <time>', 'when the data subjects were informed (ISO 8601 with a zone)').argParser(parseInstant),
    )
    .option('--channel <channel>', 'how they were informed (e.g. "email to affected users")')
    .addOption(new Option('--exempt <ground>', 'exemption from informing them').choices(EXEMPTIONS))
    .option('--reason <text>', 'why the exemption applies')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        o: {
          notNotifiable?: string;
          communicated?: boolean;
          at?: string;
          channel?: string;
          exempt?: string;
          reason?: string;
          json?: boolean;
        },
      ) => {
        const chosen = [o.notNotifiable !== undefined, !!o.communicated, o.exempt !== undefined].filter(Boolean).length;
        if (chosen !== 1) throw new CliError('give exactly one of --not-notifiable, --communicated or --exempt');
        let updated: Row;
        const client = createClient();
        if (o.notNotifiable !== undefined) {
          updated = await client.request<Row>('POST', path(ref, '/not-notifiable'), { reason: o.notNotifiable });
        } else if (o.communicated) {
          if (!o.at || !o.channel) throw new CliError('--communicated needs --at and --channel');
          updated = await client.request<Row>('POST', path(ref, '/subjects-decision'), {
            decision: 'communicated',
            communicated_at: o.at,
            channel: o.channel,
          });
        } else {
          if (!o.reason) throw new CliError('--exempt needs --reason');
          updated = await client.request<Row>('POST', path(ref, '/subjects-decision'), {
            decision: 'exempt',
            exemption: o.exempt,
            reason: o.reason,
          });
        }
        print(o, updated, () => breachBlock(updated));
      },
    );

  breach
    .command('close')
    .description('close a breach; one never reported needs --reason (documented as not notifiable)')
    .argument('<breach>', 'breach id or number')
    .option('--reason <text>', 'why it is closed')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { reason?: string; json?: boolean }) => {
      const updated = await createClient().request<Row>('POST', path(ref, '/close'), {
        ...(o.reason !== undefined && { reason: o.reason }),
      });
      print(o, updated, () => breachBlock(updated));
    });

  breach
    .command('flag')
    .description('personal data involved in an incident: opens its breach (or shows the open one)')
    .argument('<incident>', 'incident id or number')
    .option('--note <text>', 'what is known')
    .option('--json', 'print JSON')
    .action(async (incident: string, o: { note?: string; json?: boolean }) => {
      const found = await createClient().request<Row>(
        'POST',
        `/api/v1/incidents/${encodeURIComponent(incident)}/personal-data`,
        { ...(o.note !== undefined && { note: o.note }) },
      );
      print(o, found, () => breachBlock(found));
    });

  breach
    .command('report')
    .description('the Art. 33(3) draft for the supervisory authority: Markdown on stdout, or a PDF file')
    .argument('<breach>', 'breach id or number')
    .option('--pdf <file>', 'write the PDF to this file')
    .option('--md', 'print the Markdown (the default without --pdf)')
    .option('--json', 'print {"markdown": …} (and {"pdf": file} when written)')
    .action(async (ref: string, o: { pdf?: string; md?: boolean; json?: boolean }) => {
      const out: Record<string, unknown> = {};
      if (o.pdf) {
        const pdf = await createClient().download(path(ref, '/report?format=pdf'));
        saveFile('--pdf', o.pdf, pdf);
        out.pdf = o.pdf;
        out.bytes = pdf.length;
      }
      if (o.md || !o.pdf || o.json)
        out.markdown = (await createClient().download(path(ref, '/report?format=md'))).toString('utf8');
      print(o, out, () =>
        [
          ...(out.markdown !== undefined && (o.md || !o.pdf) ? [String(out.markdown).trimEnd()] : []),
          ...(o.pdf ? [`PDF written to ${o.pdf} (${String(out.bytes)} bytes)`] : []),
        ].join('\n'),
      );
    });
}
