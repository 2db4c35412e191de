// Running one claimed invocation on this host: check its parameters again, find its command in
// runner.yaml, substitute the placeholders (one argv element in, one literal argument out), spawn the
// program without a shell, stream its output, and report how it ended.
//
// Everything that talks to Vigil goes through a Reporter, so this file runs real child processes in
// its unit tests without a server. The rules it keeps:
//   - output is posted in order, one post at a time, at most every `flushMs` (sooner once 16 KiB wait),
//     and nothing beyond 64 KiB is sent (the server keeps no more; the rest is still counted);
//   - when nothing was posted for `heartbeatMs`, a heartbeat keeps the lease;
//   - an answer with `cancel: true`, the timeout, or the runner stopping sends SIGTERM, then SIGKILL
//     after `killAfterMs`; the output is flushed before the finish;
//   - a 409 (LeaseLost) means another runner or the sweep owns the invocation now: the command is
//     killed and nothing more is posted, not even the finish.
// The command gets its own process group (POSIX), so a Ctrl-C at the runner's terminal reaches the
// runner alone, which then gives commands their grace; stopping a command signals its whole group.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { checkParams, fitChunk, renderArgv, type ParamSpec } from '../../actions/index.js';
import type { RunnerCommand, RunnerConfig } from './config.js';

/** An invocation as POST /api/v1/runner/claim hands it over. */
export interface ClaimedInvocation {
  id: string;
  name: string;
  command: string;
  params: Record<string, unknown>;
  param_specs: ParamSpec[];
  dry_run: boolean;
  dry_run_flag: string | null;
  timeout_seconds: number;
  incident: { id: string; number: string; title: string; severity: string };
  service: { id: string; name: string } | null;
}

export type Stream = 'stdout' | 'stderr';
export interface Chunk {
  stream: Stream;
  data: string;
}
export type Outcome = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
export interface Finish {
  outcome: Outcome;
  exit_code?: number;
  signal?: string;
  error?: string;
}
/** What Vigil answers an output post or a heartbeat. */
export interface Reply {
  cancel: boolean;
}

/** Vigil's side of a run; each call throws LeaseLost on a 409 and any other error when it did not get through. */
export interface Reporter {
  output(chunks: Chunk[]): Promise<Reply>;
  heartbeat(): Promise<Reply>;
  finish(result: Finish): Promise<void>;
}

/** The invocation is no longer this runner's (409): stop, and post nothing more. */
export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

export interface ExecuteOptions {
  reporter: Reporter;
  /** One line of the runner's log. */
  log(message: string): void;
  /** Aborted when the runner stops and the grace is over: the command is stopped and finished as cancelled. */
  stop?: AbortSignal;
  killAfterMs?: number;
  flushMs?: number;
  heartbeatMs?: number;
  /** How long posts that did not get through are retried before giving up (the lease is 30 s). */
  retryForMs?: number;
}

export interface ExecuteResult extends Finish {
  /** False when the finish was not posted (lease lost, or Vigil unreachable). */
  reported: boolean;
  /** Bytes of output the command wrote, and how many of them were sent. */
  outputBytes: number;
  sentBytes: number;
}

const FLUSH_BYTES = 16 * 1024;
/** The most chunks the output route takes in one post (stdout and stderr taking turns make many). */
const CHUNKS_PER_POST = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The command an invocation names, or why it cannot run. */
export function findCommand(config: RunnerConfig, name: string): RunnerCommand | string {
  return (
    config.commands.find((c) => c.name === name) ??
    `this runner's config has no command "${name}" (it has: ${config.commands.map((c) => c.name).join(', ')})`
  );
}

/** The argv to spawn, or why not: the parameters re-checked against the frozen definition, then substituted. */
export function prepareArgv(invocation: ClaimedInvocation, command: RunnerCommand): string[] | string {
  let params;
  try {
    params = checkParams(invocation.param_specs, invocation.params);
  } catch (error) {
    return reasonOf(error);
  }
  const argv = renderArgv(command.argv, {
    params,
    incident: invocation.incident,
    service: invocation.service,
    invocation: { id: invocation.id },
    dryRun: invocation.dry_run,
  });
  if (invocation.dry_run && invocation.dry_run_flag) argv.push(invocation.dry_run_flag);
  return argv;
}

/** Posts with retries while the error is not a LeaseLost, for up to `forMs`; rethrows the last error. */
async function persist<T>(post: () => Promise<T>, forMs: number): Promise<T> {
  const until = Date.now() + forMs;
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await post();
    } catch (error) {
      if (error instanceof LeaseLost || Date.now() + wait > until) throw error;
      await sleep(wait);
    }
  }
}

/** Output waiting to be posted, capped at what Vigil keeps. */
class OutputQueue {
  private pending: Chunk[] = [];
  pendingBytes = 0;
  /** Bytes taken into the queue (sent or waiting); nothing more is taken past 64 KiB. */
  queuedBytes = 0;
  /** Bytes Vigil has acknowledged. */
  sentBytes = 0;
  /** Bytes the command wrote, kept or not. */
  totalBytes = 0;

  add(stream: Stream, data: string): void {
    if (!data) return;
    this.totalBytes += Buffer.byteLength(data);
    const { keep } = fitChunk(this.queuedBytes, data);
    if (!keep) return;
    const bytes = Buffer.byteLength(keep);
    this.queuedBytes += bytes;
    this.pendingBytes += bytes;
    const last = this.pending.at(-1);
    if (last?.stream === stream) last.data += keep;
    else this.pending.push({ stream, data: keep });
  }

  sent(chunks: Chunk[]): void {
    for (const c of chunks) this.sentBytes += Buffer.byteLength(c.data);
  }

  /** The oldest chunks, as many as one post may carry. */
  take(): Chunk[] {
    const chunks = this.pending.slice(0, CHUNKS_PER_POST);
    this.pending = this.pending.slice(CHUNKS_PER_POST);
    for (const c of chunks) this.pendingBytes -= Buffer.byteLength(c.data);
    return chunks;
  }

  /** Whether enough waits to post without waiting for the next tick. */
  get full(): boolean {
    return this.pendingBytes >= FLUSH_BYTES || this.pending.length >= CHUNKS_PER_POST;
  }

  /** Puts chunks whose post failed back in front, so the order holds. */
  putBack(chunks: Chunk[]): void {
    this.pending = [...chunks, ...this.pending];
    this.pendingBytes = this.pending.reduce((n, c) => n + Buffer.byteLength(c.data), 0);
  }
}

type StopReason = 'cancelled' | 'timed_out' | 'stopped' | 'lease_lost';

/** Runs one claimed invocation to its end and reports it; never throws. */
export async function execute(
  invocation: ClaimedInvocation,
  config: RunnerConfig,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const { reporter, log } = options;
  const killAfterMs = options.killAfterMs ?? 5_000;
  const flushMs = options.flushMs ?? 250;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const retryForMs = options.retryForMs ?? 25_000;
  const startedAt = Date.now();
  const queue = new OutputQueue();
  const tag = `${invocation.id} (${invocation.name} on ${invocation.incident.number})`;

  async function report(finish: Finish, leaseLost = false): Promise<ExecuteResult> {
    let reported = false;
    if (!leaseLost)
      try {
        await persist(() => reporter.finish(finish), retryForMs);
        reported = true;
      } catch (error) {
        log(`${tag}: could not report the finish (${reasonOf(error)})`);
      }
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const how = finish.signal
      ? `signal ${finish.signal}`
      : finish.exit_code !== undefined
        ? `exit ${finish.exit_code}`
        : '';
    const detail = [how, finish.error].filter(Boolean).join('; ');
    const ended = leaseLost ? 'abandoned (lease lost)' : finish.outcome;
    log(`${tag}: ${ended}${detail ? ` (${detail})` : ''} after ${seconds} s`);
    return { ...finish, reported, outputBytes: queue.totalBytes, sentBytes: queue.sentBytes };
  }

  const command = findCommand(config, invocation.command);
  if (typeof command === 'string') return report({ outcome: 'failed', error: command });
  const argv = prepareArgv(invocation, command);
  if (typeof argv === 'string') return report({ outcome: 'failed', error: argv });
  const [file, ...args] = argv as [string, ...string[]];
  if (command.cwd && !fs.statSync(command.cwd, { throwIfNoEntry: false })?.isDirectory())
    return report({ outcome: 'failed', error: `working directory not found: ${command.cwd}` });

  const timeoutSeconds = Math.min(command.timeout ?? Infinity, invocation.timeout_seconds);
  log(`${tag}: running ${command.name}${invocation.dry_run ? ' (dry run)' : ''}, timeout ${timeoutSeconds} s`);

  const child = spawn(file, args, {
    shell: false,
    cwd: command.cwd,
    env: { ...process.env, ...command.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });

  let stopReason: StopReason | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  function signalChild(signal: NodeJS.Signals): void {
    try {
      if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  }
  function stopChild(reason: StopReason): void {
    if (reason === 'lease_lost') stopReason = reason;
    if (killTimer) return;
    stopReason ??= reason;
    signalChild('SIGTERM');
    killTimer = setTimeout(() => signalChild('SIGKILL'), killAfterMs);
  }

  // Posting output and heartbeats, one at a time.
  let inFlight: Promise<void> | undefined;
  let lastPostAt = Date.now();
  function post(): void {
    if (inFlight || stopReason === 'lease_lost') return;
    const chunks = queue.take();
    if (chunks.length === 0 && Date.now() - lastPostAt < heartbeatMs) return;
    lastPostAt = Date.now();
    inFlight = (chunks.length ? reporter.output(chunks) : reporter.heartbeat())
      .then((reply) => {
        queue.sent(chunks);
        if (reply.cancel) stopChild('cancelled');
      })
      .catch((error: unknown) => {
        if (error instanceof LeaseLost) {
          log(`${tag}: Vigil says this runner no longer holds it (${error.message}); stopping the command`);
          stopChild('lease_lost');
          return;
        }
        log(`${tag}: could not reach Vigil (${reasonOf(error)}); will try again`);
        queue.putBack(chunks);
      })
      .finally(() => {
        inFlight = undefined;
        if (queue.full) post();
      });
  }
  const ticker = setInterval(post, flushMs);

  function read(stream: Stream, from: NodeJS.ReadableStream | null): void {
    const decoder = new StringDecoder('utf8');
    from?.on('data', (bytes: Buffer) => {
      queue.add(stream, decoder.write(bytes));
      if (queue.full) post();
    });
    from?.on('end', () => queue.add(stream, decoder.end()));
  }
  read('stdout', child.stdout);
  read('stderr', child.stderr);

  const timeout = setTimeout(() => stopChild('timed_out'), timeoutSeconds * 1000);
  const onStop = () => stopChild('stopped');
  if (options.stop?.aborted) onStop();
  options.stop?.addEventListener('abort', onStop);

  const ended = await waitForEnd(child);
  clearTimeout(timeout);
  clearTimeout(killTimer);
  clearInterval(ticker);
  options.stop?.removeEventListener('abort', onStop);
  await inFlight;

  if (stopReason === 'lease_lost') return report({ outcome: 'failed' }, true);
  // What is left of the output goes before the finish.
  for (let rest = queue.take(); rest.length; rest = queue.take())
    try {
      await persist(() => reporter.output(rest), retryForMs);
      queue.sent(rest);
    } catch (error) {
      if (error instanceof LeaseLost) return report({ outcome: 'failed' }, true);
      log(`${tag}: could not send the last output (${reasonOf(error)})`);
      break;
    }

  return report(outcomeOf(ended, stopReason, file, timeoutSeconds));
}

type Ended = { code: number | null; signal: NodeJS.Signals | null } | { spawnError: NodeJS.ErrnoException };

/**
 * Resolves when the command has exited and its output is read. A command that leaves a child holding
 * its stdout would keep 'close' from coming, so after the exit its pipes get two seconds more.
 */
function waitForEnd(child: ChildProcess): Promise<Ended> {
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ spawnError: error });
    });
    child.once('exit', (code, signal) => {
      const done = () => resolve({ code, signal });
      const late = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        done();
      }, 2_000);
      child.once('close', () => {
        clearTimeout(late);
        done();
      });
    });
  });
}

function outcomeOf(ended: Ended, stopReason: StopReason | undefined, file: string, timeoutSeconds: number): Finish {
  if ('spawnError' in ended) {
    const { code, message } = ended.spawnError;
    const error =
      code === 'ENOENT'
        ? `command not found: ${file}`
        : code === 'EACCES'
          ? `cannot run ${file}: permission denied`
          : `cannot run ${file}: ${message}`;
    return { outcome: 'failed', error };
  }
  const how = {
    ...(ended.code !== null && { exit_code: ended.code }),
    ...(ended.signal !== null && { signal: ended.signal }),
  };
  switch (stopReason) {
    case 'timed_out':
      return { outcome: 'timed_out', ...how, error: `timed out after ${timeoutSeconds} s` };
    case 'cancelled':
      return { outcome: 'cancelled', ...how };
    case 'stopped':
      return { outcome: 'cancelled', ...how, error: 'runner stopped' };
    default:
      if (ended.code === 0) return { outcome: 'succeeded', ...how };
      return { outcome: 'failed', ...how, ...(ended.signal !== null && { error: `killed by ${ended.signal}` }) };
  }
}
