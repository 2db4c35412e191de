// `vigil logs [function]`: the runbook's "functions logs". With a function, that function's call log;
// without, every function call and the server's own log lines, interleaved by time. --follow keeps
// polling for new lines until interrupted.
import { Command, Option } from 'commander';
import { parseDuration } from '../../duration.js';
import { CliError, createClient, query, type Client } from '../client.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

/** Most function calls one read fetches (newest kept). */
const MAX_CALLS = 1_000;
const POLL_MS = 2_000;

interface Line {
  at: string;
  source: 'function' | 'server';
  id: string;
  row: Row;
}

async function functionCalls(client: Client, fn: string | undefined, since: Date): Promise<Line[]> {
  const lines: Line[] = [];
  for (let cursor: string | undefined; lines.length < MAX_CALLS;) {
    const page = await client.request<Page>(
      'GET',
      `/api/v1/function-logs${query({ function: fn, since: since.toISOString(), limit: 200, cursor })}`,
    );
    for (const row of page.data) lines.push({ at: String(row.at), source: 'function', id: String(row.id), row });
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return lines;
}

async function serverLines(client: Client, since: Date, level: string | undefined): Promise<Line[]> {
  const { data } = await client.request<{ data: Row[] }>(
    'GET',
    `/api/v1/logs${query({ since: since.toISOString(), level, limit: 2_000 })}`,
  );
  // Lines have no id: time and text together tell repeats apart when polling.
  return data.map((row) => ({
    at: String(row.time),
    source: 'server' as const,
    id: `${String(row.time)} ${JSON.stringify(row)}`,
    row,
  }));
}

function human(line: Line): string {
  const r = line.row;
  if (line.source === 'function') {
    const actor = (r.actor as { name?: string } | undefined)?.name ?? '';
    const outcome = r.outcome === 'ok' ? 'ok' : `error: ${String(r.error)}`;
    return (
      `${line.at}  ${String(r.function)} ${String(r.action ?? '-')}  ` +
      `by ${actor}  ${String(r.duration_ms)} ms  ${outcome}`
    );
  }
  const { time: _t, level, msg, ...rest } = r;
  const extra = Object.keys(rest).length ? `  ${JSON.stringify(rest)}` : '';
  return `${line.at}  ${String(level).toUpperCase().padEnd(5)}  ${String(msg)}${extra}`;
}

export function logsCommand(): Command {
  return new Command('logs')
    .description(
      'the function log (calls of production-monitoring, database-scalability, …) and, without a function, ' +
        'the server’s own recent log lines (admin), oldest first',
    )
    .argument('[function]', 'only this function’s calls, e.g. production-monitoring')
    .option('--since <duration>', 'how far back: 30s, 15m, 1h, 7d', '1h')
    .addOption(
      new Option('--level <level>', 'server lines at this level or above').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'fatal',
      ]),
    )
    .option('--follow', 'keep printing new lines every 2 s until interrupted')
    .option('--json', 'one JSON document a line (source, and the line as the API gives it)')
    .action(async (fn: string | undefined, o: { since: string; level?: string; follow?: boolean; json?: boolean }) => {
      const back = parseDuration(o.since);
      if (back === undefined) throw new CliError(`--since: "${o.since}" is not a duration such as 30s, 15m, 1h or 7d`);
      const client = createClient();
      let since = new Date(Date.now() - back);
      const seen = new Set<string>();
      const show = (lines: Line[]) => {
        lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
        for (const line of lines) {
          if (seen.has(line.id)) continue;
          seen.add(line.id);
          console.log(o.json ? JSON.stringify({ source: line.source, ...line.row }) : human(line));
        }
      };
      const read = async () => [
        ...(await functionCalls(client, fn, since)),
        ...(fn ? [] : await serverLines(client, since, o.level)),
      ];
      const first = await read();
      if (first.length === 0 && !o.follow && !o.json)
        console.log(`no ${fn ? `${fn} calls` : 'function calls or server log lines'} in the last ${o.since}`);
      show(first);
      if (!o.follow) return;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        // Re-read from a little before the newest line seen, so nothing committed late is skipped; `seen` drops
        // repeats.
        since = new Date(Math.max(since.getTime(), Date.now() - back, Date.now() - 60_000));
        show(await read());
        if (seen.size > 50_000) {
          // Forget what was printed, and read only what comes after now.
          seen.clear();
          since = new Date();
        }
      }
    });
}
