#!/usr/bin/env node
// CLI entry: `vigil serve` runs the server (serve.ts: loadConfig → createApp → listen → engine); the
// other commands talk to its HTTP API. serve.ts is loaded only for serve and migrate, so client
// commands start without the server's modules. Failures print one line and exit non-zero (cli/run.ts).
import { runCli, type LocalCommands } from './cli/index.js';

const local: LocalCommands = {
  serve: async (options) => (await import('./serve.js')).runServe(options),
  migrate: async (options) => (await import('./serve.js')).runMigrate(options),
};

process.exitCode = await runCli(process.argv.slice(2), local);
