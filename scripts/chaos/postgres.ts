// A PostgreSQL cluster of the run's own, so restarting it harms nothing else on the machine. It uses
// Debian's server binaries (/usr/lib/postgresql/<newest version>/bin), listens on 127.0.0.1 on a free
// port with its socket inside the run's directory, trusts local connections and keeps fsync on (the
// faults are about durability). initdb refuses to run as root, so as root every server command runs
// as the postgres user (runuser) over a data directory that user owns.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, runCommand } from './processes.js';

const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory. */
export function findPostgresBin(root = DEBIAN_ROOT): string {
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v) && fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(`no PostgreSQL server binaries under ${root}/<version>/bin (apt-get install postgresql)`);
  return path.join(root, versions[0] as string, 'bin');
}

export interface Cluster {
  readonly port: number;
  /** A connection string for `database` on this cluster. */
  url(database: string): string;
  /** pg_ctl stop -m fast: connections are cut, the server shuts down cleanly. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server if it runs (immediately), for cleanup. */
  destroy(): Promise<void>;
}

/** Runs a server binary, as the postgres user when the harness is root. */
function asOwner(bin: string, tool: string, args: string[], timeoutMs = 90_000) {
  const command = path.join(bin, tool);
  return process.getuid?.() === 0
    ? runCommand('runuser', ['-u', 'postgres', '--', command, ...args], { timeoutMs })
    : runCommand(command, args, { timeoutMs });
}

/** Numeric uid and gid of the postgres user. */
async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await runCommand('id', ['-u', 'postgres'])).output.trim());
  const gid = Number((await runCommand('id', ['-g', 'postgres'])).output.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no postgres user to run the cluster as');
  return { uid, gid };
}

/**
 * Creates, starts and returns a fresh cluster under `dir` (which it creates; as root its parent is
 * opened to other users so the postgres user can reach it), with an empty database `vigil`.
 */
export async function startCluster(dir: string): Promise<Cluster> {
  const bin = findPostgresBin();
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'socket');
  const logFile = path.join(dir, 'server.log');
  fs.mkdirSync(socket, { recursive: true });
  if (process.getuid?.() === 0) {
    const { uid, gid } = await postgresIds();
    // The postgres user must reach the directory through its parent (mkdtemp makes that 0700).
    fs.chmodSync(path.dirname(dir), 0o755);
    fs.chownSync(dir, uid, gid);
    fs.chownSync(socket, uid, gid);
  }
  await asOwner(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const serverOptions = [
    `-c listen_addresses=127.0.0.1`,
    `-p ${port}`,
    `-k ${socket}`,
    `-c fsync=on`,
    `-c max_connections=300`,
  ].join(' ');
  let running = false;
  const cluster: Cluster = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await asOwner(bin, 'pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
      running = true;
    },
    async stop() {
      await asOwner(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    async destroy() {
      if (!running && !fs.existsSync(path.join(data, 'postmaster.pid'))) return;
      await asOwner(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
      running = false;
    },
  };
  await cluster.start();
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE vigil');
  } finally {
    await admin.end();
  }
  return cluster;
}
