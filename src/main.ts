#!/usr/bin/env node
// CLI entry: `vigil serve` runs the server (loadConfig → createDb → createServices → start); the
// other commands talk to its HTTP API. Failures print one line and exit non-zero.
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';

async function main(): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`vigil: ${message}`);
    process.exitCode = 1;
  }
}

await main();
