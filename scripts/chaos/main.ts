// npm run chaos: the fault harness of issue 18 (see docs/reliability.md). This file only handles how
// the process ends: the run's exit code, a harness failure (2), the time box (3) and SIGINT/SIGTERM,
// each after the cleanup has stopped every process it started and removed its files.
import { Cleanup } from './cleanup.js';
import { HELP, parseOptions, type ChaosOptions } from './options.js';
import { createProgress } from './progress.js';
import { recheck } from './recheck.js';
import { runChaos } from './run.js';

const progress = createProgress();
const cleanup = new Cleanup();
let ending = false;

/** Cleans up once, then exits with `code`; a second signal while cleaning up exits at once. */
async function end(code: number, why?: string): Promise<never> {
  if (ending) process.exit(code);
  ending = true;
  if (why) progress.line(why);
  // However the cleanup goes, the process ends within a minute.
  setTimeout(() => process.exit(code), 60_000).unref();
  await cleanup.run((text) => progress.line(text));
  process.exit(code);
}

function options(): ChaosOptions {
  try {
    const parsed = parseOptions(process.argv.slice(2));
    if ('help' in parsed) {
      process.stdout.write(HELP);
      process.exit(0);
    }
    return parsed;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  }
}

const chosen = options();
process.once('SIGINT', () => void end(130, 'interrupted (SIGINT); cleaning up'));
process.once('SIGTERM', () => void end(143, 'terminated (SIGTERM); cleaning up'));
process.on('unhandledRejection', (error) => void end(2, `harness error: ${String(error)}`));
process.on('uncaughtException', (error) => void end(2, `harness error: ${error.stack ?? String(error)}`));
setTimeout(
  () => void end(3, `time box of ${Math.round(chosen.timeBoxMs / 1000)} s ran out (seed ${chosen.seed}); cleaning up`),
  chosen.timeBoxMs,
).unref();

try {
  const code = chosen.recheck ? recheck(chosen.recheck) : await runChaos(chosen, progress, cleanup);
  await end(code);
} catch (error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  await end(2, `harness error (seed ${chosen.seed}): ${text}`);
}
