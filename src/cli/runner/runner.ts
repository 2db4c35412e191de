// `vigil runner`'s claim loop (docs/actions.md, "Protocol (runner token)"): `concurrency` loops, each
// long-polling POST /api/v1/runner/claim and running what it is handed (execute.ts) before it asks
// again. Every claim is also the runner's heartbeat, so an idle runner still shows as online.
//
//   204            → ask again
//   200            → run it, then ask again
//   network / 5xx  → wait 1 s, doubling to 30 s, one log line each time
//   401            → the token is wrong or revoked: stop everything, exit 1 (other 4xx likewise)
//
// Stopping (`stop` aborted, on SIGINT/SIGTERM): no more claims; running commands get `graceMs`, then
// are stopped and finished as cancelled ("runner stopped"). `hurry` skips the rest of the grace.
import { z } from 'zod';
import { CliError } from '../client.js';
import type { RunnerConfig } from './config.js';
import {
  execute,
  LeaseLost,
  type ClaimedInvocation,
  type ExecuteOptions,
  type Finish,
  type Reply,
  type Reporter,
} from './execute.js';

export interface RunnerOptions {
  url: string;
  token: string;
  config: RunnerConfig;
  concurrency: number;
  /** Reported on each claim, shown in `vigil actions runners`. */
  version: string;
  hostname: string;
  log(message: string): void;
  stop: AbortSignal;
  hurry?: AbortSignal;
  graceMs?: number;
  waitSeconds?: number;
  /** Timings handed to execute (tests shorten them). */
  timings?: Pick<ExecuteOptions, 'killAfterMs' | 'flushMs' | 'heartbeatMs' | 'retryForMs'>;
}

/** Vigil refused one request (4xx): fatal for a claim, only that post's problem otherwise. */
class Refused extends CliError {}
/** Vigil refused the runner's token: retrying cannot help, and nothing else will work either. */
class Unauthorized extends Refused {}
/** Vigil could not be reached or failed (network, 5xx, 429): worth retrying. */
class Unreachable extends Error {}

const paramValue = z.union([z.string(), z.number(), z.boolean()]);
const ClaimAnswer = z.object({
  invocation: z.object({
    id: z.string(),
    name: z.string(),
    command: z.string(),
    params: z.record(z.string(), z.unknown()),
    param_specs: z.array(
      z.object({
        name: z.string(),
        type: z.enum(['string', 'integer', 'boolean', 'enum']),
        enum: z.array(z.string()).nullish(),
        pattern: z.string().nullish(),
        min: z.number().nullish(),
        max: z.number().nullish(),
        default: paramValue.nullish(),
        required: z.boolean(),
      }),
    ),
    dry_run: z.boolean(),
    dry_run_flag: z.string().nullable(),
    timeout_seconds: z.number(),
    incident: z.object({ id: z.string(), number: z.string(), title: z.string(), severity: z.string() }),
    service: z.object({ id: z.string(), name: z.string() }).nullable(),
  }),
  lease_seconds: z.number(),
});

const MAX_BACKOFF_MS = 30_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs the runner until `stop` (resolves) or until Vigil refuses it (throws a one-line CliError). */
export async function runRunner(o: RunnerOptions): Promise<void> {
  const waitSeconds = o.waitSeconds ?? 25;
  const graceMs = o.graceMs ?? 30_000;
  const names = o.config.commands.map((c) => c.name);
  // Aborted on a refusal: claims end and commands stop at once.
  const fatal = new AbortController();
  let fatalError: CliError | undefined;
  // Aborted when running commands are to be stopped (grace over, hurry, or a refusal).
  const stopCommands = new AbortController();
  const noMoreClaims = AbortSignal.any([o.stop, fatal.signal]);
  let running = 0;
  // The loops meet the same outage together: one line for it, not one per loop.
  let lastOutage = { line: '', at: 0 };
  function logOutage(line: string): void {
    if (line === lastOutage.line && Date.now() - lastOutage.at < 1_000) return;
    lastOutage = { line, at: Date.now() };
    o.log(line);
  }

  function fail(error: CliError): void {
    if (fatalError) return;
    fatalError = error;
    fatal.abort();
    stopCommands.abort();
  }

  /**
   * POSTs a runner route; resolves with the status and body. Throws Unauthorized (401), LeaseLost (409, 404),
   * Unreachable (network, 5xx, 408, 429) or Refused (any other 4xx).
   */
  async function post(path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${o.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([AbortSignal.timeout((waitSeconds + 15) * 1000), ...(signal ? [signal] : [])]),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(cause?.code ?? cause?.message ?? (error as Error).message);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return { status: response.status, body: parsed };
    const err = (parsed as { error?: { message?: string; code?: string } } | undefined)?.error;
    const said = err?.message ? `${err.message} (HTTP ${response.status})` : `HTTP ${response.status}`;
    if (response.status === 401)
      throw new Unauthorized(
        `the runner token was refused (${said}); register a runner with ` +
          '`vigil actions runner-add NAME --group GROUP` and pass the vgr_… token it prints',
      );
    if (response.status === 409 || response.status === 404) throw new LeaseLost(said);
    if (response.status >= 500 || response.status === 408 || response.status === 429) throw new Unreachable(said);
    throw new Refused(`Vigil refused ${path}: ${said}`);
  }

  function reporterFor(id: string): Reporter {
    const at = `/api/v1/runner/invocations/${encodeURIComponent(id)}`;
    const send = async (path: string, body: unknown): Promise<Reply> => {
      try {
        const answer = await post(`${at}/${path}`, body);
        return { cancel: (answer.body as { cancel?: unknown } | undefined)?.cancel === true };
      } catch (error) {
        // A refused token ends the runner; for this invocation it means "post nothing more".
        if (error instanceof Unauthorized) {
          fail(error);
          throw new LeaseLost(error.message);
        }
        throw error;
      }
    };
    return {
      output: (chunks) => send('output', { chunks }),
      heartbeat: () => send('heartbeat', {}),
      finish: async (finish: Finish) => void (await send('finish', finish)),
    };
  }

  /** One claim: an invocation, or undefined when none came (or the runner is stopping). */
  async function claim(): Promise<ClaimedInvocation | undefined> {
    const answer = await post(
      '/api/v1/runner/claim',
      { version: o.version, hostname: o.hostname, commands: names, wait_seconds: waitSeconds },
      noMoreClaims,
    );
    if (answer.status === 204) return undefined;
    const parsed = ClaimAnswer.safeParse(answer.body);
    if (parsed.success) return parsed.data.invocation;
    const id = (answer.body as { invocation?: { id?: unknown } } | undefined)?.invocation?.id;
    const problem = `the claim's answer is not what this runner understands (${parsed.error.issues[0]?.message})`;
    o.log(problem);
    // Not runnable, but ours now: say so rather than let the lease run out.
    if (typeof id === 'string')
      await reporterFor(id)
        .finish({ outcome: 'failed', error: problem })
        .catch((error: unknown) => o.log(`${id}: could not report the finish (${(error as Error).message})`));
    return undefined;
  }

  async function loop(): Promise<void> {
    let backoff = 0;
    while (!noMoreClaims.aborted) {
      let invocation: ClaimedInvocation | undefined;
      try {
        invocation = await claim();
        backoff = 0;
      } catch (error) {
        if (noMoreClaims.aborted) return;
        if (error instanceof Refused) return fail(error);
        backoff = backoff ? Math.min(backoff * 2, MAX_BACKOFF_MS) : 1_000;
        logOutage(`cannot claim from ${o.url} (${(error as Error).message}); trying again in ${backoff / 1000} s`);
        await sleep(backoff, noMoreClaims);
        continue;
      }
      if (!invocation) continue;
      const reporter = reporterFor(invocation.id);
      if (noMoreClaims.aborted) {
        // Handed over just as the runner began to stop: give it back as cancelled rather than start it.
        await reporter.finish({ outcome: 'cancelled', error: 'runner stopped' }).catch(() => undefined);
        return;
      }
      running += 1;
      try {
        await execute(invocation, o.config, { ...o.timings, reporter, log: o.log, stop: stopCommands.signal });
      } finally {
        running -= 1;
      }
    }
  }

  let graceTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    if (fatalError) return;
    const plural = running === 1 ? ' gets' : 's get';
    o.log(
      running
        ? `stopping: no new claims; ${running} running command${plural} up to ${graceMs / 1000} s ` +
            '(signal again to stop them now)'
        : 'stopping',
    );
    graceTimer = setTimeout(() => stopCommands.abort(), graceMs);
  };
  const onHurry = () => stopCommands.abort();
  o.stop.addEventListener('abort', onStop, { once: true });
  o.hurry?.addEventListener('abort', onHurry, { once: true });
  o.log(
    `group from token; ${names.length} command${names.length === 1 ? '' : 's'}: ${names.join(', ')}; ` +
      `concurrency ${o.concurrency}; polling ${o.url}`,
  );
  try {
    await Promise.all(Array.from({ length: o.concurrency }, () => loop()));
  } finally {
    clearTimeout(graceTimer);
    o.stop.removeEventListener('abort', onStop);
    o.hurry?.removeEventListener('abort', onHurry);
  }
  if (fatalError) throw fatalError;
  o.log('stopped');
}
