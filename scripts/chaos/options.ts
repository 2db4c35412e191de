// Command-line options of `npm run chaos`. Parsing is pure (argv in, options or a message out) so the
// help text and the checks can be read in one place.
import { parseArgs } from 'node:util';
import { freshSeed } from './random.js';

export interface ChaosOptions {
  minutes: number;
  instances: number;
  seed: string;
  /** Whether the seed was given (a fresh one is printed so the run can be replayed). */
  seedGiven: boolean;
  /** Requests per second the load generator aims for. */
  rate: number;
  /** Keep the temporary directory (logs, database cluster, report) after the run. */
  keep: boolean;
  /** The whole run, setup and cleanup included, is stopped after this many milliseconds. */
  timeBoxMs: number;
  /** Seconds after the load stops for deliveries and retries to settle before the snapshot. */
  settleSeconds: number;
  /** Also write the report as JSON here. */
  reportFile?: string | undefined;
  /** Print the fault schedule and load plan summary for the seed, then stop. */
  planOnly: boolean;
  /** Check the invariants again over the records a kept run left in this directory, then stop. */
  recheck?: string | undefined;
}

export const HELP = `npm run chaos -- [options]

Runs Vigil through faults on a private PostgreSQL cluster and checks, from the database and what the
receivers got, that nothing was lost, nobody was paged twice and the record says what happened.
Exits 0 only when every invariant holds (1: an invariant failed; 2: the harness could not run;
3: the time box ran out). Needs a build (npm run build) and PostgreSQL's binaries (Debian's
/usr/lib/postgresql/<version>/bin).

  --minutes N      minutes of load and faults (default 2; decimals allowed)
  --instances N    Vigil processes sharing the database (default 3)
  --seed S         seed for the load and the fault schedule (default: a fresh one, printed);
                   the same seed gives the same plan
  --rate R         requests per second the load aims for, surges aside (default 20)
  --settle S       seconds to let deliveries settle after the load stops (default 45)
  --time-box T     stop everything after T (e.g. 6m, 400s; default: minutes + 6m)
  --report FILE    also write the report as JSON to FILE
  --plan           print the fault schedule and the load plan's size for the seed, then exit
  --recheck DIR    check the invariants again over the records a --keep run left in DIR, then exit
  --keep           keep the temporary directory (logs, cluster, records) for inspection
  --help           this text
`;

/** "6m", "400s", "1h" or a plain number of seconds, in milliseconds. */
export function parseSpan(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * unit);
}

function positive(name: string, text: string | undefined, fallback: number, integer = false): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number, not "${text}"`);
  return value;
}

/** The options, `{ help: true }` for --help, or an Error naming what is wrong. */
export function parseOptions(argv: readonly string[]): ChaosOptions | { help: true } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      minutes: { type: 'string' },
      instances: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      settle: { type: 'string' },
      'time-box': { type: 'string' },
      report: { type: 'string' },
      plan: { type: 'boolean' },
      recheck: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const minutes = positive('minutes', values.minutes, 2);
  const instances = positive('instances', values.instances, 3, true);
  if (instances > 16) throw new Error('--instances: at most 16');
  const seed = values.seed?.trim();
  if (seed !== undefined && !/^[\w.-]{1,64}$/.test(seed))
    throw new Error('--seed must be 1 to 64 letters, digits, dots, dashes or underscores');
  const timeBox = values['time-box'] === undefined ? undefined : parseSpan(values['time-box']);
  if (values['time-box'] !== undefined && !timeBox) throw new Error('--time-box must be a span such as 6m or 400s');
  return {
    minutes,
    instances,
    seed: seed ?? String(freshSeed()),
    seedGiven: seed !== undefined,
    rate: positive('rate', values.rate, 20),
    keep: values.keep ?? false,
    settleSeconds: positive('settle', values.settle, 45),
    timeBoxMs: timeBox ?? Math.round((minutes + 6) * 60_000),
    reportFile: values.report,
    planOnly: values.plan ?? false,
    recheck: values.recheck,
  };
}
