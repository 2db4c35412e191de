// `vigil serve` and `vigil migrate` as real processes on SQLite: the admin token is generated,
// printed once and saved with mode 0600 on first start, taken from VIGIL_ADMIN_TOKEN when set, and
// bad environment values stop start-up with a message naming the variable.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runVigil, startServer, type ServerProcess } from './vigil-process.js';

let root: string;
const running = new Set<ServerProcess>();

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-serve-'));
});

afterEach(async () => {
  await Promise.all([...running].map((server) => server.stop()));
  running.clear();
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

async function serve(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const server = await startServer(env);
  running.add(server);
  return server;
}

async function me(
  url: string,
  token: string,
): Promise<{ status: number; body: { user?: { handle: string }; role?: string } }> {
  const response = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { user?: { handle: string }; role?: string } };
}

const TOKEN_LINE = /Admin token \(shown once[^\n]*\n\n\s+(\S+)\n/;

describe('vigil serve', () => {
  it('generates the admin token on first start, prints it once, saves it 0600, and keeps it on restart', async () => {
    const dataDir = path.join(root, 'first-start');
    const first = await serve({ VIGIL_DATA_DIR: dataDir });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.url).not.toMatch(/:0$/);

    const [, printed] = await first.waitForStdout(TOKEN_LINE);
    const file = path.join(dataDir, 'admin-token');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(printed);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.output().stdout.split(printed as string)).toHaveLength(2);

    expect(await me(first.url, printed as string)).toMatchObject({
      status: 200,
      body: { user: { handle: 'admin' }, role: 'admin' },
    });
    expect((await me(first.url, `${printed}x`)).status).toBe(401);
    await first.stop();
    expect(first.output().code).toBe(0); // SIGTERM shuts down cleanly

    const second = await serve({ VIGIL_DATA_DIR: dataDir });
    expect(await me(second.url, printed as string)).toMatchObject({ status: 200, body: { role: 'admin' } });
    await second.stop();
    const { stdout, stderr } = second.output();
    expect(stdout).toMatch(/^Vigil is serving on http:\/\/127\.0\.0\.1:\d+ \(SQLite at /m);
    expect(stdout + stderr).not.toContain(printed);
    expect(stdout).not.toContain('Admin token');
  });

  it('uses VIGIL_ADMIN_TOKEN when set and writes no token file', async () => {
    const dataDir = path.join(root, 'env-token');
    const token = `env_${randomBytes(24).toString('hex')}`;
    const server = await serve({ VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_TOKEN: token });
    expect(await me(server.url, token)).toMatchObject({
      status: 200,
      body: { user: { handle: 'admin' }, role: 'admin' },
    });
    expect(fs.existsSync(path.join(dataDir, 'admin-token'))).toBe(false);
    await server.stop();
    expect(server.output().stdout).not.toContain('Admin token');
    expect(server.output().stdout).not.toContain(token);
  });
});

// No server here: these processes are independent, so they run side by side.
describe.concurrent('vigil serve and migrate without a running server', () => {
  it.each([
    ['VIGIL_PORT', 'abc', /^vigil: invalid configuration: VIGIL_PORT: must be a whole number/],
    ['DATABASE_URL', 'mysql://x', /^vigil: invalid configuration: DATABASE_URL: must be a postgres:\/\//],
  ])('exits non-zero on a bad %s, naming it in one line', async (name, value, message) => {
    const dataDir = path.join(root, `bad-${name}`);
    const result = await runVigil(['serve'], { VIGIL_DATA_DIR: dataDir, [name]: value });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toContain('Vigil is serving');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('migrate applies the migrations to a fresh data dir, then reports it is up to date', async () => {
    const dataDir = path.join(root, 'migrate');
    const first = await runVigil(['migrate'], { VIGIL_DATA_DIR: dataDir });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^applied \d+ migration\(s\) to SQLite at .*vigil\.db: 001-foundation, /);

    const second = await runVigil(['migrate', '--data-dir', dataDir], {});
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toMatch(/SQLite at .*vigil\.db is up to date\n$/);
  });
});
