// The server process: `vigil serve` (load the config, open and migrate the database, bootstrap the
// admin token, compose the app, listen, start the engine, shut down cleanly) and `vigil migrate`.
// main.ts loads this file only for those two commands, so client commands start without it.
import { createApp, type App } from './app.js';
import { bootstrapAdmin } from './credentials/index.js';
import { offsetClock, systemClock } from './clock.js';
import { loadConfig, type Config, type ConfigOverrides } from './config.js';
import { createDb, migrate, type Database } from './db/database.js';
import { buildServer, createLogBuffer } from './http/index.js';
import pino from 'pino';
import path from 'node:path';
import v8 from 'node:v8';

export function openDatabase(config: Config): Database {
  return createDb({ databaseUrl: config.databaseUrl, sqlitePath: path.join(config.dataDir, 'vigil.db') });
}

function describe(_config: Config, database: Database): string {
  return database.dialect === 'sqlite' ? `SQLite at ${database.location}` : `PostgreSQL at ${database.location}`;
}

/** Applies pending migrations and reports what it did. */
export async function runMigrate(overrides: ConfigOverrides): Promise<void> {
  const config = loadConfig(process.env, overrides);
  const database = openDatabase(config);
  try {
    const applied = await migrate(database.db);
    console.log(
      applied.length
        ? `applied ${applied.length} migration(s) to ${describe(config, database)}: ${applied.join(', ')}`
        : `${describe(config, database)} is up to date`,
    );
  } finally {
    await database.close();
  }
}

/**
 * How far V8 lets the heap grow past what the last full collection kept before collecting again. Its
 * default (up to 4×, when memory is plentiful) let an Alertmanager storm's garbage take the server to
 * ~290 MB resident while ~35 MB was live; at 20 % the peak in bench:ingest is ~180 MB at about the
 * same throughput (docs/benchmarks.md). Read by V8 at each collection, so setting it here takes effect.
 */
const HEAP_GROWING_PERCENT = 20;

/** Migrates, bootstraps the admin token, listens, starts the engine, and shuts down cleanly on SIGINT/SIGTERM. */
export async function runServe(overrides: ConfigOverrides): Promise<void> {
  const config = loadConfig(process.env, overrides);
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const database = openDatabase(config);
  const clock = offsetClock(systemClock, config.clockOffsetMs);
  let boot: Awaited<ReturnType<typeof bootstrapAdmin>>;
  let server: Awaited<ReturnType<typeof buildServer>>;
  let app: App;
  try {
    await migrate(database.db);
    boot = await bootstrapAdmin(database.db, clock, { adminToken: config.adminToken, dataDir: config.dataDir });
    app = createApp(config, database, clock);
    await app.checklists.importDefault(); // the seed's runbook, at the first start only
    await app.actionDefinitions.importExamples(); // the seed's Phase 3 steps as disabled actions, once
    // Log lines go to stdout and into the ring `GET /api/v1/logs` (and `vigil logs`) read.
    const logBuffer = createLogBuffer();
    const stream = pino.multistream([
      { level: config.logLevel, stream: pino.destination(1) },
      { level: config.logLevel, stream: logBuffer.stream },
    ]);
    server = await buildServer(app, { logger: { level: config.logLevel, stream }, logBuffer });
    await server.listen({ host: config.host, port: config.port });
  } catch (error) {
    // A port in use or an unreachable database: release the pool so the process can exit with the error.
    await database.close().catch(() => undefined);
    throw error;
  }
  const engine = app.engine.start(server.log);

  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  console.log(`Vigil is serving on ${url} (${describe(config, database)})`);
  if (boot.generated) {
    console.log(`\nAdmin token (shown once; also saved to ${boot.tokenFile} with mode 0600):\n\n  ${boot.generated}\n`);
    console.log(`Try: curl -H "Authorization: Bearer $(cat ${boot.tokenFile})" ${url}/api/v1/me\n`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    await engine.stop();
    await server.close();
    await app.ingest.close(); // queued events commit before the database closes
    await app.errorTracking.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** The commands that run here rather than against the HTTP API, for the CLI (cli/run.ts). */
export const localCommands = { serve: runServe, migrate: runMigrate };
