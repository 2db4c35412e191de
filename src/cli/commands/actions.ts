// `vigil actions …`: mitigation actions from the terminal (docs/actions.md) — list the definitions, run one
// on an incident (and follow its output), approve, reject or cancel an invocation, show one with its
// output, list invocations, and the runners (list, register one).
import { Command, InvalidArgumentError, Option } from 'commander';
import { ACTION_CATEGORIES, FINAL_STATES, INVOCATION_STATES, type InvocationState } from '../../actions/index.js';
import { loadClientConfig } from '../../config.js';
import { CliError, createClient, query, type Client } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;
type Who = { name: string } | null;
interface Invocation {
  id: string;
  incident_number: string;
  name: string;
  state: InvocationState;
  params: Record<string, unknown>;
  dry_run: boolean;
  approval_expires_at: string | null;
  invoked_by: Who;
  decided_by: Who;
  reason: string | null;
  runner: { name: string } | null;
  exit_code: number | null;
  signal: string | null;
  http_status: number | null;
  output_truncated: boolean;
  [key: string]: unknown;
}
interface OutputChunk {
  seq: number;
  stream: 'stdout' | 'stderr' | 'system';
  data: string;
}
interface Output {
  data: OutputChunk[];
  state: InvocationState;
  truncated: boolean;
}

const POLL_MS = 500;

const invocationPath = (id: string, tail = '') => `/api/v1/actions/invocations/${encodeURIComponent(id)}${tail}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Commander collector for a repeatable `--param name=value`; values stay text (the server types them). */
function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('give name=value');
  const name = value.slice(0, at);
  if (name in previous) throw new InvalidArgumentError(`"${name}" is given twice`);
  return { ...previous, [name]: value.slice(at + 1) };
}

/** "14:05" in this machine's time zone. */
const clockTime = (iso: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** How an invocation ended or stands, in a few words: "failed (exit 2): …". */
function stateLine(i: Invocation): string {
  const how = [
    i.exit_code !== null ? `exit ${i.exit_code}` : '',
    i.signal ? `signal ${i.signal}` : '',
    i.http_status !== null ? `HTTP ${i.http_status}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${i.state.replace('_', ' ')}${how ? ` (${how})` : ''}${i.reason ? `: ${i.reason}` : ''}`;
}

/** The line said while an invocation waits for its second person. */
const awaitingLine = (i: Invocation) =>
  `awaiting approval by a second person until ${i.approval_expires_at ? clockTime(i.approval_expires_at) : '?'} ` +
  `(vigil actions approve ${i.id})`;

function invocationBlock(i: Invocation): string {
  const lines = block({
    id: i.id,
    action: i.name,
    incident: i.incident_number,
    state: stateLine(i),
    dry_run: i.dry_run,
    params: Object.keys(i.params).length ? i.params : '-',
    invoked_by: i.invoked_by?.name,
    decided_by: i.decided_by?.name,
    runner: i.runner?.name,
    created_at: i.created_at,
    started_at: i.started_at,
    finished_at: i.finished_at,
  });
  return i.state === 'awaiting_approval' ? `${lines}\n\n${awaitingLine(i)}` : lines;
}

/** All of an invocation's output after `after`, page by page until the server has nothing newer. */
async function outputAfter(client: Client, id: string, after: number): Promise<Output> {
  const all: OutputChunk[] = [];
  for (;;) {
    const page = await client.request<Output>('GET', invocationPath(id, `/output${query({ after })}`));
    all.push(...page.data);
    const last = page.data.at(-1);
    if (!last) return { ...page, data: all };
    after = last.seq;
  }
}

/** Follows an invocation to its end, writing its output as it comes; returns it as it ended. */
async function follow(client: Client, id: string, show: boolean): Promise<Invocation> {
  let after = 0;
  let saidAwaiting = false;
  let endsWithNewline = true;
  const write = (chunks: OutputChunk[]) => {
    for (const chunk of chunks) {
      after = chunk.seq;
      if (!show) continue;
      (chunk.stream === 'stdout' ? process.stdout : process.stderr).write(chunk.data);
      if (chunk.stream === 'stdout') endsWithNewline = chunk.data.endsWith('\n');
    }
  };
  for (;;) {
    const out = await client.request<Output>('GET', invocationPath(id, `/output${query({ after })}`));
    write(out.data);
    if (FINAL_STATES.has(out.state)) {
      write((await outputAfter(client, id, after)).data);
      if (!endsWithNewline) process.stdout.write('\n');
      return client.request<Invocation>('GET', invocationPath(id));
    }
    if (out.state === 'awaiting_approval' && !saidAwaiting && show) {
      saidAwaiting = true;
      console.log(awaitingLine(await client.request<Invocation>('GET', invocationPath(id))));
    }
    await sleep(POLL_MS);
  }
}

/** The error a --wait ends with when the invocation did not succeed. */
const notSucceeded = (i: Invocation) => new CliError(`${i.name} ${i.id} ended ${stateLine(i)}`);

export function actionCommands(): Command {
  const actions = new Command('actions').description(
    'mitigation actions: run them on incidents (with approval where needed), follow their output, manage runners',
  );

  actions
    .command('list')
    .description('the action definitions')
    .option('--service <ref>', 'only those that apply to this service (id or name)')
    .addOption(new Option('--category <category>', 'only this category').choices(ACTION_CATEGORIES))
    .option('--json', 'print JSON')
    .action(async (o: { service?: string; category?: string; json?: boolean }) => {
      const result = await createClient().request<{ data: Row[] }>(
        'GET',
        `/api/v1/actions/definitions${query({ service_id: o.service, category: o.category })}`,
      );
      const rows = result.data.map((d) => {
        const target = d.target as { kind: string; group?: string; command?: string; method?: string; url?: string };
        return {
          ...d,
          target:
            target.kind === 'runner' ? `runner ${target.group}/${target.command}` : `${target.method} ${target.url}`,
          params: (d.params as Array<{ name: string }>).map((p) => p.name).join(', ') || '-',
          services: (d.service_ids as string[]).length || 'all',
        };
      });
      print(o, result, () =>
        rows.length
          ? table(rows, {
              name: 'NAME',
              category: 'CATEGORY',
              enabled: 'ENABLED',
              approval: 'APPROVAL',
              services: 'SERVICES',
              params: 'PARAMS',
              target: 'TARGET',
            })
          : 'no actions',
      );
    });

  actions
    .command('run')
    .description('run an action on an incident; it may wait for a second person to approve it')
    .argument('<incident>', 'incident id or number')
    .argument('<action>', 'the action (name or id)')
    .option('--param <name=value>', 'a parameter (repeat for more)', collectParam, {})
    .option('--dry-run', 'a dry run (the action must support one; needs no approval)')
    .option('--wait', 'follow its output until it ends; exit 0 only if it succeeded (with --json: only the end)')
    .option('--json', 'print JSON')
    .action(
      async (
        incident: string,
        name: string,
        o: { param: Record<string, string>; dryRun?: boolean; wait?: boolean; json?: boolean },
      ) => {
        const client = createClient();
        const created = await client.request<Invocation>(
          'POST',
          `/api/v1/incidents/${encodeURIComponent(incident)}/actions`,
          { definition_id: name, params: o.param, dry_run: o.dryRun === true },
        );
        if (!o.wait) return print(o, created, () => invocationBlock(created));
        if (!o.json) console.log(`${created.id}: ${created.name} on ${created.incident_number}, ${stateLine(created)}`);
        const ended = await follow(client, created.id, !o.json);
        print(o, ended, () => `${ended.id}: ${stateLine(ended)}`);
        if (ended.state !== 'succeeded') throw notSucceeded(ended);
      },
    );

  const decisions = [
    ['approve', 'approve an invocation awaiting a second person (not your own)'],
    ['reject', 'reject an invocation awaiting approval'],
    ['cancel', 'cancel an invocation: queued or awaiting at once; a running command is stopped by its runner'],
  ] as const;
  for (const [verb, description] of decisions) {
    const cmd = actions.command(verb).description(description).argument('<id>', 'invocation id');
    if (verb === 'reject') cmd.option('--reason <text>', 'why');
    cmd.option('--json', 'print JSON').action(async (id: string, o: { reason?: string; json?: boolean }) => {
      const changed = await createClient().request<Invocation>(
        'POST',
        invocationPath(id, `/${verb}`),
        o.reason ? { reason: o.reason } : {},
      );
      print(o, changed, () => `${changed.id}: ${stateLine(changed)}`);
    });
  }

  actions
    .command('show')
    .description('show an invocation with its output')
    .argument('<id>', 'invocation id')
    .option('--json', 'print JSON (the invocation with an "output" list)')
    .action(async (id: string, o: { json?: boolean }) => {
      const client = createClient();
      const found = await client.request<Invocation>('GET', invocationPath(id));
      const output = await outputAfter(client, id, 0);
      print(o, { ...found, output: output.data }, () => {
        const text = output.data.map((c) => (c.stream === 'stdout' ? c.data : prefixLines(c.stream, c.data))).join('');
        return `${invocationBlock(found)}\n\noutput${output.truncated ? ' (truncated at 64 KiB)' : ''}:\n${
          text ? text.replace(/\n$/, '') : '(none)'
        }`;
      });
    });

  actions
    .command('invocations')
    .description('invocations of actions, newest first')
    .option('--service <ref>', "only this service's (id or name)")
    .addOption(new Option('--status <state>', 'only those in this state').choices(INVOCATION_STATES))
    .option('--incident <ref>', "only this incident's (id or number)")
    .option('--json', 'print JSON')
    .action(async (o: { service?: string; status?: string; incident?: string; json?: boolean }) => {
      const result = await createClient().request<{ data: Invocation[] }>(
        'GET',
        `/api/v1/actions/invocations${query({ service_id: o.service, status: o.status, incident_id: o.incident })}`,
      );
      const rows = result.data.map((i) => ({ ...i, state: stateLine(i), invoked_by: i.invoked_by?.name }));
      print(o, result, () =>
        rows.length
          ? table(rows, {
              id: 'ID',
              incident_number: 'INCIDENT',
              name: 'ACTION',
              state: 'STATE',
              dry_run: 'DRY RUN',
              invoked_by: 'BY',
              created_at: 'CREATED',
            })
          : 'no invocations',
      );
    });

  actions
    .command('runners')
    .description('the registered runners, with their last heartbeat (admins)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const result = await createClient().request<{ data: Row[] }>('GET', '/api/v1/actions/runners');
      const rows = result.data.map((r) => ({
        ...r,
        commands: (r.commands as string[]).join(', ') || '-',
        online: r.revoked_at ? 'revoked' : r.online ? 'yes' : 'no',
      }));
      print(o, result, () =>
        rows.length
          ? table(rows, {
              id: 'ID',
              name: 'NAME',
              group: 'GROUP',
              online: 'ONLINE',
              last_seen_at: 'LAST SEEN',
              hostname: 'HOST',
              version: 'VERSION',
              commands: 'COMMANDS',
            })
          : 'no runners',
      );
    });

  actions
    .command('runner-add')
    .description('register a runner; prints its token once (admins)')
    .argument('<name>', 'a name for it, e.g. the host')
    .requiredOption('--group <group>', 'the group whose actions it runs (an action names it in its target)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { group: string; json?: boolean }) => {
      const created = await createClient().request<{ runner: Row; token: string }>('POST', '/api/v1/actions/runners', {
        name,
        group: o.group,
      });
      print(o, created, () =>
        [
          `runner ${String(created.runner.name)} (${String(created.runner.id)}), group ${String(created.runner.group)}`,
          `token: ${created.token}`,
          'The token is shown only now. Start the runner on its host with:',
          `  vigil runner --url ${loadClientConfig().url} --token ${created.token} --config runner.yaml`,
        ].join('\n'),
      );
    });

  return actions;
}

/** stderr and system output marked line by line in `show`. */
function prefixLines(stream: string, data: string): string {
  return data.replace(/^(?=.)/gm, `[${stream}] `);
}
