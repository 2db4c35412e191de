#!/usr/bin/env node
// CLI entry: `vigil serve` runs the server (loadConfig → createDb → createServices → start); the
// other commands talk to its HTTP API. Failures print one line and exit non-zero (see cli/run.ts).
import { runCli } from './cli/run.js';

process.exitCode = await runCli(process.argv.slice(2));
