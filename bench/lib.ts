// What the benchmarks share: a real `vigil serve` child process, its CPU and memory from /proc, a
// scratch PostgreSQL database, and rewriting a benchmark's generated block of docs/benchmarks.md.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs one statement (CREATE/DROP DATABASE, SHOW) on the PostgreSQL server at `serverUrl`. */
async function pgAdmin(serverUrl: string, statement: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  name: string;
  /** `serverUrl` with the scratch database as its path. */
  url: string;
  /** "PostgreSQL 15.x". */
  version: string;
  drop(): Promise<void>;
}

/**
 * Creates a database for one run on the PostgreSQL server at `serverUrl`; `drop` removes it. Throws if the server is
 * unreachable.
 */
export async function scratchPostgres(serverUrl: string): Promise<ScratchDatabase> {
  const name = `vigil_bench_${randomBytes(5).toString('hex')}`;
  await pgAdmin(serverUrl, `CREATE DATABASE ${name}`);
  const { rows } = await pgAdmin(serverUrl, 'show server_version');
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const serverVersion = (rows[0] as { server_version?: string } | undefined)?.server_version;
  return {
    name,
    url: url.toString(),
    version: `PostgreSQL ${String(serverVersion ?? '').split(' ')[0]}`.trim(),
    drop: async () => void (await pgAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

export interface Server {
  url: string;
  pid: number;
  child: ChildProcess;
  exited: Promise<void>;
  stderr: () => string;
}

/**
 * Starts `vigil serve` on 127.0.0.1 with a free port in `dataDir`, from dist/ when `dist` (else src/
 * through tsx), with none of this process's VIGIL_* or DATABASE_URL settings but `env`'s; resolves
 * once it says where it serves. BENCH_SERVER_NODE_ARGS adds Node flags to the server alone, e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it (Node refuses --cpu-prof in NODE_OPTIONS).
 */
export function startServer(o: {
  dataDir: string;
  dist: boolean;
  env: Record<string, string>;
  nodeArgs?: string[];
}): Promise<Server> {
  const entry = o.dist ? [path.join(ROOT, 'dist/main.js')] : ['--import', 'tsx', path.join(ROOT, 'src/main.ts')];
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VIGIL_') && k !== 'DATABASE_URL') env[k] = v;
  Object.assign(env, { VIGIL_DATA_DIR: o.dataDir, VIGIL_LOG_LEVEL: 'warn', NODE_ENV: 'production', ...o.env });
  const child = spawn(
    process.execPath,
    [...(o.nodeArgs ?? []), ...serverNodeArgs(), ...entry, 'serve', '--host', '127.0.0.1', '--port', '0'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s\n${stdout}\n${stderr}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /^Vigil is serving on (http:\/\/\S+)/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, pid: child.pid as number, child, exited, stderr: () => stderr });
      }
    });
    void exited.then(() => reject(new Error(`server exited during start-up\n${stdout}\n${stderr}`)));
  });
}

function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

/** SIGTERM, then SIGKILL after 15 s; resolves once the server has exited. */
export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  process.kill(server.pid, 'SIGTERM');
  const hard = setTimeout(() => process.kill(server.pid, 'SIGKILL'), 15_000);
  await server.exited;
  clearTimeout(hard);
}

/** Resident memory now and at its peak (VmHWM), in MB. */
export function procStatus(pid: number): { rssMb: number; hwmMb: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** User+system CPU seconds a process has used (from /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
}

/**
 * Replaces the block between `<!-- bench:<key>:begin -->` and `<!-- bench:<key>:end -->` in
 * docs/benchmarks.md with `body`; without the markers, appends a `heading` section holding them.
 */
export function rewriteDocs(key: string, heading: string, body: string): void {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = `<!-- bench:${key}:begin -->`;
  const end = `<!-- bench:${key}:end -->`;
  const block = `${begin}\n${body.trimEnd()}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  const next =
    i >= 0 && j > i
      ? text.slice(0, i) + block + text.slice(j + end.length)
      : `${text.trimEnd()}\n\n## ${heading} (\`npm run bench:${key}\`)\n\n${block}\n\n` +
        `The figures above are rewritten by each \`npm run bench:${key}\` (between the \`bench:${key}\` markers).\n`;
  fs.writeFileSync(file, next);
}

const argv = process.argv.slice(2);

/** Whether the benchmark was started with this flag (e.g. --dist). */
export function flag(name: string): boolean {
  return argv.includes(name);
}

/**
 * The word after `name` on the command line, even an empty one; undefined when `name` is not given or ends the line.
 */
export function argValue(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The value after `name` on the command line, or `fallback` when it is not given or empty. */
export function option(name: string, fallback: string): string {
  return argValue(name) || fallback;
}

/** A numeric option: the value after `name` as a number, or `fallback` when it is not given or empty. */
export function numberOption(name: string, fallback: number): number {
  const value = argValue(name);
  return value ? Number(value) : fallback;
}

/** The checked-out commit and whether src/ has uncommitted changes, for the figures' provenance. */
export function gitState(): { sha: string; dirty: boolean } {
  try {
    const git = (a: string[]) => execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
    return { sha: git(['rev-parse', '--short', 'HEAD']), dirty: git(['status', '--porcelain', '--', 'src']) !== '' };
  } catch {
    return { sha: 'unknown', dirty: false };
  }
}

/** The commit as the docs name it: its short sha, marked when src/ had uncommitted changes. */
export function commitLabel(): string {
  const { sha, dirty } = gitState();
  return dirty ? `${sha} (with uncommitted changes in src/)` : sha;
}
