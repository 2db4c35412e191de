// `vigil oncall`, `vigil schedule …` and `vigil policy …`: who is on call, when, and who gets paged.
// Also the option parsers (ISO times, durations) and the id → name lookups that incident.ts and
// service.ts share for their escalation and maintenance commands.
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatDuration, parseDuration } from '../../duration.js';
import { createClient, query, type Client } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };
type Target = { type: string; id: string };

const DAY_MS = 86_400_000;
/** What the server accepts for one shifts query (MAX_WINDOW_DAYS in the schedules service). */
const MAX_DAYS = 93;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Commander parser for a time flag: an ISO 8601 instant with a zone, normalized to UTC ("…Z"). */
export function parseInstant(value: string): string {
  const at = new Date(value);
  if (!ISO_WITH_ZONE.test(value.trim()) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError(
      'must be an ISO 8601 time with a zone, e.g. 2030-03-02T09:00:00Z or 2030-03-02T10:00:00+01:00',
    );
  }
  return at.toISOString();
}

/** Commander parser for a duration flag such as "30m", "2h" or "1d", in whole seconds within [min, max]. */
export function durationSeconds(min: number, max: number): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    const seconds = ms === undefined ? undefined : Math.round(ms / 1000);
    if (seconds === undefined || seconds < min || seconds > max) {
      throw new InvalidArgumentError(
        `must be a duration such as 30m, 2h or 1d, from ${formatDuration(min * 1000)} to ${formatDuration(max * 1000)}`,
      );
    }
    return seconds;
  };
}

function positiveInt(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** "+15m" after the incident opened, or "at once". */
function after(delaySeconds: unknown): string {
  return typeof delaySeconds === 'number' && delaySeconds > 0 ? `+${formatDuration(delaySeconds * 1000)}` : 'at once';
}

/**
 * Turns user, schedule and team ids into handles and names for human output, one GET per distinct
 * id per run. A lookup that fails (deleted, or not visible to this token) leaves the id as it is:
 * a name is a convenience, never a reason for the command to fail.
 */
export function namer(client: Client) {
  const cache = new Map<string, Promise<string>>();
  const lookup = (path: string, id: string, pick: (found: Row) => unknown): Promise<string> => {
    const key = `${path}/${id}`;
    let name = cache.get(key);
    if (!name) {
      name = client.request<Row>('GET', `/api/v1/${path}/${encodeURIComponent(id)}`).then(
        (found) => String(pick(found) ?? id),
        () => id,
      );
      cache.set(key, name);
    }
    return name;
  };
  const user = (id: string) => lookup('users', id, (u) => u.handle);
  return {
    user,
    /** Handles of several users, comma-separated, or "-" for nobody. */
    users: async (ids: readonly string[]) => (ids.length ? (await Promise.all(ids.map(user))).join(', ') : '-'),
    target: async (t: Target) => {
      if (t.type === 'user') return `user ${await user(t.id)}`;
      if (t.type === 'schedule') return `schedule ${await lookup('schedules', t.id, (s) => s.name)}`;
      if (t.type === 'team') return `team ${await lookup('teams', t.id, (s) => s.name)}`;
      return `${t.type} ${t.id}`;
    },
  };
}

const atOption = () => new Option('--at <time>', 'ISO 8601 time with a zone (default: now)').argParser(parseInstant);
const path = (ref: string, tail = '') => `/api/v1/schedules/${encodeURIComponent(ref)}${tail}`;

/** `vigil oncall`: every schedule and policy level, or one schedule's people. */
export function oncallCommand(): Command {
  return new Command('oncall')
    .description(
      'who is on call: every schedule and every escalation policy level, or with --schedule the people of one schedule',
    )
    .option('--schedule <schedule>', 'one schedule, by id or name')
    .addOption(atOption())
    .option('--json', 'print JSON')
    .action(async (o: { schedule?: string; at?: string; json?: boolean }) => {
      const client = createClient();
      const names = namer(client);
      if (o.schedule) {
        const answer = await client.request<{ schedule_id: string; name: string; at: string; user_ids: string[] }>(
          'GET',
          path(o.schedule, `/oncall${query({ at: o.at })}`),
        );
        const people = await Promise.all(
          answer.user_ids.map((id) =>
            client.request<Row>('GET', `/api/v1/users/${encodeURIComponent(id)}`).catch(() => ({ id }) as Row),
          ),
        );
        print(o, answer, () =>
          people.length
            ? `On call for ${answer.name} at ${answer.at}:\n\n` +
              `${table(people, { handle: 'HANDLE', name: 'NAME', email: 'EMAIL', id: 'ID' })}`
            : `nobody is on call for ${answer.name} at ${answer.at}`,
        );
        return;
      }
      type Overview = {
        at: string;
        schedules: Array<{ schedule_id: string; name: string; user_ids: string[] }>;
        policies: Array<{
          policy_id: string;
          name: string;
          levels: Array<{ level: number; name: string | null; delay_seconds: number; user_ids: string[] }>;
        }>;
      };
      const overview = await client.request<Overview>('GET', `/api/v1/oncall${query({ at: o.at })}`);
      const schedules = await Promise.all(
        overview.schedules.map(async (s) => ({
          name: s.name,
          oncall: await names.users(s.user_ids),
          id: s.schedule_id,
        })),
      );
      const levels = await Promise.all(
        overview.policies.flatMap((p) =>
          p.levels.map(async (l) => ({
            policy: p.name,
            level: l.level,
            name: l.name,
            after: after(l.delay_seconds),
            oncall: await names.users(l.user_ids),
          })),
        ),
      );
      print(o, overview, () =>
        [
          `On call at ${overview.at}`,
          'Schedules:\n' +
            (schedules.length ? table(schedules, { name: 'SCHEDULE', oncall: 'ON CALL', id: 'ID' }) : 'no schedules'),
          'Escalation policies:\n' +
            (levels.length
              ? table(levels, { policy: 'POLICY', level: 'LEVEL', name: 'NAME', after: 'AFTER', oncall: 'ON CALL' })
              : 'no policies'),
        ].join('\n\n'),
      );
    });
}

export function scheduleCommands(): Command {
  const schedule = new Command('schedule').description(
    'look at on-call schedules and their shifts (create and change them over the API)',
  );

  schedule
    .command('list')
    .description('list schedules')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>('GET', `/api/v1/schedules${query({ limit: o.limit })}`);
      const rows = result.data.map((s) => ({ ...s, layers: (s.layers as unknown[]).length }));
      print(o, result, () =>
        rows.length
          ? table(rows, { name: 'NAME', id: 'ID', timezone: 'TIME ZONE', layers: 'LAYERS', description: 'DESCRIPTION' })
          : 'no schedules',
      );
    });

  schedule
    .command('show')
    .description('show a schedule: its layers, rotations and who is on call now')
    .argument('<schedule>', 'id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const client = createClient();
      const names = namer(client);
      const found = await client.request<Row>('GET', path(ref));
      if (o.json) return print(o, found, () => '');
      const now = await client.request<{ at: string; user_ids: string[] }>('GET', path(String(found.id), '/oncall'));
      type LayerView = {
        name: string;
        rotation: { kind: string; shift_seconds: number | null; handoff_at: string; participants: string[] };
        restrictions: Array<{ days?: number[]; start: string; end: string }>;
      };
      const layers = await Promise.all(
        (found.layers as LayerView[]).map(async (l, i) => {
          const r = l.rotation;
          const shift =
            r.kind === 'custom' && r.shift_seconds
              ? `custom, ${formatDuration(r.shift_seconds * 1000)} shifts`
              : r.kind;
          const only = l.restrictions
            .map((x) => `${x.days ? `days ${x.days.join(',')} ` : ''}${x.start}–${x.end}`)
            .join('; ');
          return (
            `Layer ${i + 1}: ${l.name} (${shift}, first shift ${r.handoff_at})\n` +
            `  participants: ${await names.users(r.participants)}${only ? `\n  only: ${only}` : ''}`
          );
        }),
      );
      const head = block({
        name: found.name,
        id: found.id,
        timezone: found.timezone,
        description: found.description,
        on_call_now: await names.users(now.user_ids),
        created_at: found.created_at,
        updated_at: found.updated_at,
      });
      print(
        o,
        found,
        () =>
          `${head}\n\n${layers.length ? `${layers.join('\n')}\n\nHigher layers win where they cover.` : 'no layers'}`,
      );
    });

  schedule
    .command('shifts')
    .description(
      `list a schedule's shifts over [--from, --to) with overrides applied ` +
        `(default: the next 14 days; at most ${MAX_DAYS} days)`,
    )
    .argument('<schedule>', 'id or name')
    .addOption(new Option('--from <time>', 'ISO 8601 start with a zone (default: now)').argParser(parseInstant))
    .addOption(new Option('--to <time>', 'ISO 8601 end with a zone').argParser(parseInstant).conflicts('days'))
    .addOption(new Option('--days <n>', 'or: how many days from --from').argParser(positiveInt(MAX_DAYS)))
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { from?: string; to?: string; days?: number; json?: boolean }) => {
      const client = createClient();
      const names = namer(client);
      const from = o.from ?? (o.days ? new Date().toISOString() : undefined);
      const to = o.days ? new Date(new Date(from as string).getTime() + o.days * DAY_MS).toISOString() : o.to;
      const result = await client.request<{ from: string; to: string; data: Row[] }>(
        'GET',
        path(ref, `/shifts${query({ from, to })}`),
      );
      const rows = await Promise.all(
        result.data.map(async (s) => ({ ...s, user: await names.user(String(s.user_id)) })),
      );
      print(
        o,
        result,
        () =>
          `Shifts of ${ref} from ${result.from} to ${result.to}:\n\n` +
          (rows.length
            ? table(rows, { start: 'START', end: 'END', user: 'ON CALL', layer: 'LAYER', source: 'SOURCE' })
            : 'no shifts'),
      );
    });
  return schedule;
}

export function policyCommands(): Command {
  const policy = new Command('policy').description('look at escalation policies (create and change them over the API)');

  policy
    .command('list')
    .description('list escalation policies')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>(
        'GET',
        `/api/v1/escalation-policies${query({ limit: o.limit })}`,
      );
      const rows = result.data.map((p) => ({ ...p, levels: (p.levels as unknown[]).length }));
      print(o, result, () =>
        rows.length
          ? table(rows, {
              name: 'NAME',
              id: 'ID',
              levels: 'LEVELS',
              escalate_while: 'ESCALATE WHILE',
              repeat: 'REPEAT',
            })
          : 'no policies',
      );
    });

  policy
    .command('show')
    .description('show an escalation policy and its levels; delays count from when the incident opened')
    .argument('<policy>', 'id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const client = createClient();
      const found = await client.request<Row>('GET', `/api/v1/escalation-policies/${encodeURIComponent(ref)}`);
      if (o.json) return print(o, found, () => '');
      const names = namer(client);
      const levels = await Promise.all(
        (found.levels as Array<{ level: number; name: string | null; delay_seconds: number; targets: Target[] }>).map(
          async (l) => ({
            level: l.level,
            name: l.name,
            after: after(l.delay_seconds),
            targets: l.targets.length ? (await Promise.all(l.targets.map(names.target))).join(', ') : '-',
          }),
        ),
      );
      const head = block({
        name: found.name,
        id: found.id,
        description: found.description,
        escalate_while: found.escalate_while,
        repeat: found.repeat,
        created_at: found.created_at,
        updated_at: found.updated_at,
      });
      print(
        o,
        found,
        () => `${head}\n\n${table(levels, { level: 'LEVEL', name: 'NAME', after: 'AFTER', targets: 'TARGETS' })}`,
      );
    });
  return policy;
}
