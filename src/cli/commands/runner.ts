// `vigil runner`: the process on a host where an action's commands must run (docs/actions.md, "Runners").
// It reads runner.yaml, then claims invocations of its group from Vigil with its own token (vgr_…) and
// runs them; SIGINT/SIGTERM stop it gently (a second one at once). Logs go to stderr, one line each.
import fs from 'node:fs';
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadClientConfig } from '../../config.js';
import { CliError } from '../client.js';
import { loadRunnerConfig } from '../runner/config.js';
import { runRunner } from '../runner/runner.js';

/** This package's version, reported to Vigil on each claim. */
function packageVersion(): string {
  try {
    const file = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64');
  return n;
}

export function runnerCommand(): Command {
  return new Command('runner')
    .description(
      "run the commands of this host's runner.yaml when Vigil hands them over (actions with a runner target); " +
        'stop with SIGINT or SIGTERM (running commands get 30 s)',
    )
    .option('--url <url>', "Vigil's address (default: VIGIL_URL, else http://127.0.0.1:8080)")
    .addOption(new Option('--token <token>', "the runner's vgr_… token").env('VIGIL_RUNNER_TOKEN'))
    .requiredOption('--config <file>', 'runner.yaml: the only commands this runner may run')
    .option('--concurrency <n>', 'how many commands may run at once', parseConcurrency, 4)
    .option('--json-logs', 'log one JSON object a line instead of text')
    .action(async (o: { url?: string; token?: string; config: string; concurrency: number; jsonLogs?: boolean }) => {
      const url = (o.url ?? loadClientConfig().url).replace(/\/+$/, '');
      if (!/^https?:\/\/[^/]/i.test(url)) throw new CliError(`--url: "${url}" is not an http:// or https:// URL`);
      const token = o.token;
      if (!token)
        throw new CliError(
          '--token (or VIGIL_RUNNER_TOKEN) is required: the vgr_… token `vigil actions runner-add` printed',
        );
      const config = loadRunnerConfig(o.config);

      const log = o.jsonLogs
        ? (message: string) =>
            process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), msg: message })}\n`)
        : (message: string) => process.stderr.write(`vigil runner: ${message}\n`);
      const stop = new AbortController();
      const hurry = new AbortController();
      const onSignal = () => (stop.signal.aborted ? hurry.abort() : stop.abort());
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await runRunner({
          url,
          token,
          config,
          concurrency: o.concurrency,
          version: packageVersion(),
          hostname: os.hostname(),
          log,
          stop: stop.signal,
          hurry: hurry.signal,
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
