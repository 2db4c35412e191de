// Runs one CLI invocation and turns every failure into one line on stderr ("vigil: …") and a
// non-zero exit code. main.ts calls it with the process's argv; tests call it in-process.
import { CommanderError, type Command } from 'commander';
import { buildProgram, type LocalCommands } from './program.js';

/** Where commander's help and usage errors and the final error line go; console.log output is the commands' own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: CliIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** Collapses a multi-line message (config errors list one variable a line) into one line. */
function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length <= 1) return lines[0] ?? '';
  // "invalid configuration:" + one line per variable reads best as "…: A; B".
  const [head, ...rest] = lines as [string, ...string[]];
  return /[:(]$/.test(head) ? `${head} ${rest.join('; ')}` : lines.join(' ');
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander only copies output and exit settings to subcommands made with `.command()`, not to those
 * added with `.addCommand()`, so they are applied to the whole tree here: usage errors then come out
 * as one "vigil: …" line and throw instead of calling process.exit.
 */
function configureTree(cmd: Command, io: CliIo): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: io.out,
    writeErr: io.err,
    outputError: (text, write) =>
      write(`vigil: ${oneLine(text.replace(/^error: /, ''))} (see '${fullName(cmd)} --help')\n`),
  });
  for (const sub of cmd.commands) configureTree(sub, io);
}

/**
 * Parses `args` (without node and script), runs the command, and returns the exit code. `local` runs
 * serve and migrate (main.ts passes serve.ts's, loaded on demand).
 */
export async function runCli(args: readonly string[], local: LocalCommands, io: CliIo = stdio): Promise<number> {
  const program = buildProgram(local);
  configureTree(program, io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    // Usage errors were already printed by outputError; help and --version end here with code 0.
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    io.err(`vigil: ${oneLine(message)}\n`);
    return 1;
  }
}
