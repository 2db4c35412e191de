// `vigil postmortem …`: an incident's post-mortem — show it (or export it as Markdown or PDF), set its
// meeting, move it to review and publish it, and make or revoke its read-only share link.
import { Command, Option } from 'commander';
import { loadClientConfig } from '../../config.js';
import { createClient } from '../client.js';
import { block, print, saveFile, table } from '../output.js';
import { parseInstant } from './oncall.js';

type Row = Record<string, unknown>;
type Person = { handle: string } | null;
type Postmortem = Row & {
  owner: Person;
  attendees: Array<{ handle: string }>;
  warnings: string[];
  sections: Array<{ key: string; title: string; text: string; version: number }>;
  timeline: Array<Row & { included: boolean }>;
  action_items: Row[];
};

const path = (incident: string, rest = '') => `/api/v1/incidents/${encodeURIComponent(incident)}/postmortem${rest}`;

/** The post-mortem as people read it: its facts, then warnings, sections, timeline and action items. */
function human(pm: Postmortem): string {
  const facts = block({
    incident: pm.incident_number,
    title: pm.incident_title,
    state: pm.state,
    owner: pm.owner?.handle ?? null,
    meeting_at: pm.meeting_at,
    attendees: pm.attendees.map((a) => a.handle).join(', ') || null,
    resolved_at: pm.resolved_at,
    published_at: pm.published_at,
    shared: pm.shared,
    id: pm.id,
  });
  const parts = [facts, ...pm.warnings.map((w) => `warning: ${w}`)];
  for (const s of pm.sections) parts.push(`\n## ${s.title} (v${s.version})\n${s.text.trim() || '-'}`);
  const included = pm.timeline.filter((t) => t.included);
  if (included.length)
    parts.push(`\nTIMELINE\n${table(included, { at: 'AT', summary: 'WHAT', annotation: 'NOTE', entry_id: 'ENTRY' })}`);
  if (pm.action_items.length)
    parts.push(
      `\nACTION ITEMS\n${table(pm.action_items, { title: 'TITLE', owner: 'OWNER', due_at: 'DUE', status: 'STATUS' })}`,
    );
  return parts.join('\n');
}

/** One line after a change: the state and meeting, and any warning on lines of their own. */
function changed(incident: string, pm: Postmortem): string {
  const meeting = pm.meeting_at ? `, meeting ${String(pm.meeting_at)}` : '';
  return [`${incident}: post-mortem ${String(pm.state)}${meeting}`, ...pm.warnings.map((w) => `warning: ${w}`)].join(
    '\n',
  );
}

export function postmortemCommands(): Command {
  const postmortem = new Command('postmortem').description("an incident's post-mortem: show, export, meeting, publish");

  postmortem
    .command('show')
    .description("show an incident's post-mortem, or export it as Markdown (--md) or PDF (--pdf FILE)")
    .argument('<incident>', 'incident id or number')
    .option('--md', 'print it as Markdown')
    .option('--pdf <file>', 'write it as PDF to FILE')
    .option('--json', 'print JSON')
    .action(async (incident: string, o: { md?: boolean; pdf?: string; json?: boolean }) => {
      const client = createClient();
      if (o.pdf) {
        saveFile('--pdf', o.pdf, await client.download(path(incident, '?format=pdf')));
        if (!o.md) console.log(`${incident}: post-mortem written to ${o.pdf}`);
      }
      if (o.md) console.log((await client.download(path(incident, '?format=md'))).toString('utf8').trimEnd());
      if (o.md || o.pdf) return;
      const pm = await client.request<Postmortem>('GET', path(incident));
      print(o, pm, () => human(pm));
    });

  postmortem
    .command('meeting')
    .description('set the post-mortem meeting (the runbook holds it 24–72 h after resolution)')
    .argument('<incident>', 'incident id or number')
    .addOption(new Option('--at <time>', 'when (ISO 8601 with a zone)').argParser(parseInstant).makeOptionMandatory())
    .option('--json', 'print JSON')
    .action(async (incident: string, o: { at: string; json?: boolean }) => {
      const pm = await createClient().request<Postmortem>('PATCH', path(incident), { meeting_at: o.at });
      print(o, pm, () => changed(incident, pm));
    });

  for (const [name, state, description] of [
    ['review', 'in_review', 'move the post-mortem from draft to review'],
    ['publish', 'published', 'publish the post-mortem (from review); it does not change again'],
  ] as const)
    postmortem
      .command(name)
      .description(description)
      .argument('<incident>', 'incident id or number')
      .option('--json', 'print JSON')
      .action(async (incident: string, o: { json?: boolean }) => {
        const pm = await createClient().request<Postmortem>('PATCH', path(incident), { state });
        print(o, pm, () => changed(incident, pm));
      });

  postmortem
    .command('share')
    .description('make a read-only share link (its token is shown once; a new link replaces the old), or --revoke it')
    .argument('<incident>', 'incident id or number')
    .option('--revoke', 'revoke the share link')
    .option('--json', 'print JSON')
    .action(async (incident: string, o: { revoke?: boolean; json?: boolean }) => {
      const client = createClient();
      if (o.revoke) {
        await client.request('DELETE', path(incident, '/share'));
        print(o, { revoked: true }, () => `${incident}: share link revoked`);
        return;
      }
      const link = await client.request<{ url: string; token: string }>('POST', path(incident, '/share'));
      // Without VIGIL_PUBLIC_URL the server answers with a path: the link is on the server this CLI talks to.
      if (link.url.startsWith('/')) link.url = `${loadClientConfig().url}${link.url}`;
      print(o, link, () => link.url);
    });

  return postmortem;
}
