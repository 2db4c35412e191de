// `vigil runbook list | show <runbook>`, and an incident's checklist: `vigil incident checklist <incident>`,
// `vigil incident tick|untick <incident> <step>` (a step's id, or its number as the checklist shows it).
import { Command } from 'commander';
import { CliError, createClient, query } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };
type Step = {
  id: string;
  position: number;
  phase: string;
  text: string;
  link: string | null;
  call: { function: string; action: string } | null;
  auto_complete_on: string | null;
  done?: boolean;
  done_at?: string | null;
  ticked_by?: { name: string } | null;
  completed_on?: string | null;
};
type Checklist = {
  incident_number: string;
  runbook: { id: string; name: string } | null;
  done: number;
  total: number;
  steps: Step[];
};

const incidentPath = (ref: string, tail = '') => `/api/v1/incidents/${encodeURIComponent(ref)}${tail}`;

/** One step as a line: its number, text, what it runs or links to, and what completes it. */
function stepLine(s: Step, n: number): string {
  const extras = [
    s.call ? `run: ${s.call.function} ${s.call.action}` : '',
    s.link ? `link: ${s.link}` : '',
    s.auto_complete_on ? `auto: ${s.auto_complete_on}` : '',
  ].filter(Boolean);
  const who = s.done
    ? s.completed_on
      ? `completed on ${s.completed_on} at ${String(s.done_at)}`
      : `ticked by ${s.ticked_by?.name ?? '?'} at ${String(s.done_at)}`
    : '';
  const mark = s.done === undefined ? '' : s.done ? '[x] ' : '[ ] ';
  return `  ${mark}${String(n).padStart(2)}  ${s.text}${extras.length ? `  (${extras.join('; ')})` : ''}${
    who ? `  — ${who}` : ''
  }`;
}

/** Steps under a heading per phase, in order. */
function phases(steps: Step[]): string {
  const lines: string[] = [];
  steps.forEach((s, i) => {
    if (s.phase !== steps[i - 1]?.phase) lines.push(`${lines.length ? '\n' : ''}${s.phase}`);
    lines.push(stepLine(s, s.position ?? i + 1));
  });
  return lines.join('\n') || '  no steps';
}

export function runbookCommands(): Command {
  const runbook = new Command('runbook').description('runbooks: phase checklists that incidents get when they open');

  runbook
    .command('list')
    .description('list runbooks, newest first, the default last')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>('GET', `/api/v1/runbooks${query({ limit: o.limit })}`);
      const rows = result.data.map((r) => {
        const a = r.applies_to as { service_ids: string[]; severities: string[] };
        const assigned = [a.service_ids.join(','), a.severities.join(',')].filter(Boolean).join(' ');
        return {
          id: r.id,
          name: r.name,
          applies_to: r.default ? 'default' : assigned || '-',
          steps: (r.steps as unknown[]).length,
        };
      });
      print(o, result, () =>
        rows.length ? table(rows, { id: 'ID', name: 'NAME', applies_to: 'APPLIES TO', steps: 'STEPS' }) : 'no runbooks',
      );
    });

  runbook
    .command('show')
    .description('show a runbook and its steps by phase')
    .argument('<runbook>', 'runbook id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const r = await createClient().request<Row>('GET', `/api/v1/runbooks/${encodeURIComponent(id)}`);
      const a = r.applies_to as { service_ids: string[]; severities: string[] };
      print(o, r, () =>
        [
          block({
            id: r.id,
            name: r.name,
            description: r.description,
            default: r.default,
            services: a.service_ids.join(', ') || '-',
            severities: a.severities.join(', ') || '-',
          }),
          '',
          phases(r.steps as Step[]),
        ].join('\n'),
      );
    });

  return runbook;
}

/** Adds checklist, tick and untick to `vigil incident`. */
export function withChecklistCommands(incident: Command): Command {
  incident
    .command('checklist')
    .description("show an incident's checklist: each step, who ticked it when, or the event that completed it")
    .argument('<incident>', 'incident id or number')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const c = await createClient().request<Checklist>('GET', incidentPath(ref, '/checklist'));
      print(o, c, () => checklistText(c));
    });

  for (const verb of ['tick', 'untick'] as const)
    incident
      .command(verb)
      .description(
        verb === 'tick' ? 'tick a step of the checklist (a timeline entry)' : 'untick a done step (a timeline entry)',
      )
      .argument('<incident>', 'incident id or number')
      .argument('<step>', 'the step: its number in `vigil incident checklist`, or its id')
      .option('--json', 'print JSON')
      .action(async (ref: string, step: string, o: { json?: boolean }) => {
        const client = createClient();
        let id = step;
        if (/^\d+$/.test(step)) {
          const c = await client.request<Checklist>('GET', incidentPath(ref, '/checklist'));
          const found = c.steps.find((s) => s.position === Number(step));
          if (!found) throw new CliError(`${c.incident_number} has no step ${step} (it has ${c.total})`);
          id = found.id;
        }
        const c = await client.request<Checklist>(
          'POST',
          incidentPath(ref, `/checklist/${encodeURIComponent(id)}/${verb}`),
        );
        const s = c.steps.find((x) => x.id === id);
        print(
          o,
          c,
          () => `${c.incident_number}: ${verb === 'tick' ? 'ticked' : 'unticked'} ${s?.position}. ${s?.text}`,
        );
      });
  return incident;
}

function checklistText(c: Checklist): string {
  if (!c.runbook) return `${c.incident_number}: no checklist (no runbook applied when it opened)`;
  const head = `${c.incident_number}: checklist from ${c.runbook.name} (${c.runbook.id}), ${c.done}/${c.total} done`;
  return `${head}\n\n${phases(c.steps)}`;
}
