// `vigil incident …`: the responder's commands. <incident> is an id or a number like INC-20261128-0001.
import { Argument, Command, Option } from 'commander';
import { PHASES, ROLES, SEVERITIES, STATUSES } from '../../incident.js';
import { createClient, query } from '../client.js';
import { block, print, table } from '../output.js';
import { namer } from './oncall.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const LIST_COLUMNS = {
  number: 'NUMBER',
  severity: 'SEV',
  status: 'STATUS',
  phase: 'PHASE',
  title: 'TITLE',
  created_at: 'CREATED',
};

function flags(i: Row): string {
  return (
    [i.response_breached ? 'response target missed' : '', i.phase_overdue ? 'phase overdue' : '']
      .filter(Boolean)
      .join(', ') || '-'
  );
}

function incidentBlock(i: Row): string {
  const roles = Object.entries((i.roles ?? {}) as Record<string, { handle: string } | null>)
    .filter(([, u]) => u)
    .map(([role, u]) => `${role}=${u?.handle}`)
    .join(' ');
  return block({
    number: i.number,
    title: i.title,
    severity: i.severity,
    status: i.status,
    phase: i.phase,
    ack_due_at: i.ack_due_at,
    phase_due_at: i.phase_due_at,
    escalation_level: i.escalation_level,
    next_escalation_at: i.next_escalation_at,
    flags: flags(i),
    roles: roles || '-',
    service_id: i.service_id,
    impact: i.impact,
    id: i.id,
  });
}

function eventLine(e: Row): string {
  const actor = (e.actor as { name?: string } | undefined)?.name ?? '?';
  return `${String(e.at)}  ${String(e.kind).padEnd(18)} ${actor.padEnd(12)} ${JSON.stringify(e.data)}`;
}

const path = (ref: string, tail = '') => `/api/v1/incidents/${encodeURIComponent(ref)}${tail}`;

/** A leaf command that posts to an incident action and prints the incident afterwards. */
function action(
  parent: Command,
  name: string,
  description: string,
  build: (cmd: Command) => Command,
  send: (ref: string, args: unknown[]) => { tail: string; body?: unknown },
): void {
  const cmd = parent.command(name).description(description).argument('<incident>', 'incident id or number');
  build(cmd)
    .option('--json', 'print JSON')
    .action(async (ref: string, ...rest: unknown[]) => {
      const o = rest.at(-2) as { json?: boolean };
      const { tail, body } = send(ref, rest);
      const incident = await createClient().request<Row>('POST', path(ref, tail), body);
      print(o, incident, () => `${String(incident.number)}: ${name} done\n\n${incidentBlock(incident)}`);
    });
}

export function incidentCommands(): Command {
  const incident = new Command('incident').description('open, follow and close incidents');

  incident
    .command('list')
    .description('list incidents, newest first')
    .addOption(new Option('--status <status>', `filter: ${STATUSES.join(', ')} (comma-separated)`))
    .addOption(new Option('--severity <severity>', `filter: ${SEVERITIES.join(', ')} (comma-separated)`))
    .option('--service <service>', 'filter by service id')
    .option('--limit <n>', 'how many', '25')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; severity?: string; service?: string; limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>(
        'GET',
        `/api/v1/incidents${query({ status: o.status, severity: o.severity, service_id: o.service, limit: o.limit })}`,
      );
      print(o, result, () =>
        result.data.length
          ? table(
              result.data.map((i) => ({ ...i, flags: flags(i) })),
              { ...LIST_COLUMNS, flags: 'FLAGS' },
            )
          : 'no incidents',
      );
    });

  incident
    .command('show')
    .description('show an incident and its timeline')
    .argument('<incident>', 'incident id or number')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const client = createClient();
      const found = await client.request<Row>('GET', path(ref));
      const timeline = await client.request<Page>('GET', path(ref, '/timeline?limit=200'));
      print(
        o,
        { ...found, timeline: timeline.data },
        () => `${incidentBlock(found)}\n\nTimeline:\n${[...timeline.data].reverse().map(eventLine).join('\n')}`,
      );
    });

  incident
    .command('create')
    .description('open an incident')
    .requiredOption('--title <title>', 'short description of what is wrong')
    .addOption(new Option('--severity <severity>', 'P0 critical … P3 low').choices(SEVERITIES).makeOptionMandatory())
    .option('--service <service>', 'affected service id or name')
    .option('--description <text>', 'details')
    .option('--impact <text>', 'who is affected and how')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        title: string;
        severity: string;
        service?: string;
        description?: string;
        impact?: string;
        json?: boolean;
      }) => {
        const body = {
          title: o.title,
          severity: o.severity,
          ...(o.service && { service_id: o.service }),
          ...(o.description && { description: o.description }),
          ...(o.impact && { impact: o.impact }),
        };
        const created = await createClient().request<Row>('POST', '/api/v1/incidents', body);
        print(o, created, () => `opened ${String(created.number)}\n\n${incidentBlock(created)}`);
      },
    );

  action(
    incident,
    'ack',
    'acknowledge (you become incident commander if none is set)',
    (c) => c,
    () => ({ tail: '/acknowledge' }),
  );
  action(
    incident,
    'resolve',
    'resolve',
    (c) => c.option('--note <text>', 'resolution note'),
    (_r, [o]) => ({
      tail: '/resolve',
      body: { ...((o as { note?: string }).note && { note: (o as { note: string }).note }) },
    }),
  );
  action(
    incident,
    'reopen',
    'reopen a resolved incident',
    (c) => c.option('--reason <text>', 'why'),
    (_r, [o]) => ({
      tail: '/reopen',
      body: { ...((o as { reason?: string }).reason && { reason: (o as { reason: string }).reason }) },
    }),
  );
  action(
    incident,
    'note',
    'add a note to the timeline',
    (c) =>
      c
        .argument('<text...>', 'the note')
        .option('--key', "a key moment: the post-mortem's timeline is prefilled with it"),
    (_r, [words, o]) => ({
      tail: '/notes',
      body: { text: (words as string[]).join(' '), ...((o as { key?: boolean }).key && { key: true }) },
    }),
  );
  action(
    incident,
    'phase',
    `move to a phase: ${PHASES.join(', ')}`,
    (c) => c.addArgument(new Argument('<phase>', 'the new phase').choices(PHASES)),
    (_r, [phase]) => ({ tail: '/phase', body: { phase } }),
  );
  action(
    incident,
    'severity',
    'change severity',
    (c) => c.addArgument(new Argument('<severity>', 'P0–P3').choices(SEVERITIES)).option('--reason <text>', 'why'),
    (_r, [severity, o]) => ({
      tail: '/severity',
      body: { severity, ...((o as { reason?: string }).reason && { reason: (o as { reason: string }).reason }) },
    }),
  );
  action(
    incident,
    'role',
    `assign a role: ${ROLES.join(', ')}; user "none" clears it`,
    (c) =>
      c.addArgument(new Argument('<role>', 'the role').choices(ROLES)).argument('<user>', 'handle or id, or "none"'),
    (_r, [role, user]) => ({ tail: '/roles', body: { role, user: user === 'none' ? null : user } }),
  );

  incident
    .command('escalate')
    .description(
      'reach the next escalation level now (responder); ' +
        'prints the new level, when the next one is due and who was paged',
    )
    .argument('<incident>', 'incident id or number')
    .option('--json', 'print the incident as JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const client = createClient();
      const escalated = await client.request<Row>('POST', path(ref, '/escalate'), {});
      if (o.json) return print(o, escalated, () => '');
      const pages = await client.request<Page>('GET', path(ref, '/pages'));
      const paged = await pagedNow(pages.data, escalated.escalation_level, namer(client).users);
      print(o, escalated, () =>
        [
          `${String(escalated.number)}: escalated to level ${String(escalated.escalation_level)}`,
          'next escalation: ' +
            `${escalated.next_escalation_at ? String(escalated.next_escalation_at) : 'none (no further level)'}`,
          `paged: ${paged}`,
          '',
          incidentBlock(escalated),
        ].join('\n'),
      );
    });
  return incident;
}

/**
 * Who the latest reach of `level` paged: pages come newest first, and one reach writes its pages
 * with the same run, loop and time. A level with nobody on call is skipped and writes none.
 */
async function pagedNow(pages: Row[], level: unknown, handles: (ids: string[]) => Promise<string>): Promise<string> {
  const latest = pages.find((p) => p.level === level);
  if (!latest) return `nobody (no one was on call at level ${String(level)})`;
  const same = pages.filter(
    (p) => p.level === level && p.run === latest.run && p.loop === latest.loop && p.at === latest.at,
  );
  return `${await handles(same.map((p) => String(p.user_id)))} at ${String(latest.at)}`;
}
