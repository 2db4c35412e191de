// Where the CLI finds its token, on a real file system: VIGIL_TOKEN first, else the admin token the
// server saved in the first data dir that has one; and, with none, a failure that names where it
// looked and how to give it a token.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClientConfig } from '../config.js';
import { CliError, clientToken, createClient } from './client.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-client-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A folder under the test's root, with an admin token saved in its data/ when `token` is given. */
function folder(name: string, token?: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  if (token) fs.writeFileSync(path.join(dir, 'data', 'admin-token'), `${token}\n`, { mode: 0o600 });
  return dir;
}

describe('the CLI’s token', () => {
  const home = folder('vigil-checkout', 'vgl_from_checkout');

  it('is the admin token saved beside Vigil when run from a folder without data/admin-token', () => {
    const elsewhere = folder('elsewhere');
    expect(clientToken(loadClientConfig({}, { cwd: elsewhere, home }))).toBe('vgl_from_checkout');
  });

  it('is ./data/admin-token first when the current folder has one', () => {
    const here = folder('server-folder', 'vgl_from_cwd');
    expect(clientToken(loadClientConfig({}, { cwd: here, home }))).toBe('vgl_from_cwd');
  });

  it('is VIGIL_TOKEN whenever it is set', () => {
    const here = folder('with-env', 'vgl_from_cwd');
    expect(clientToken(loadClientConfig({ VIGIL_TOKEN: 'vgl_env' }, { cwd: here, home }))).toBe('vgl_env');
  });

  it('comes only from $VIGIL_DATA_DIR when that is set', () => {
    const data = path.join(folder('server', 'vgl_from_data_dir'), 'data');
    expect(clientToken(loadClientConfig({ VIGIL_DATA_DIR: data }, { cwd: root, home }))).toBe('vgl_from_data_dir');
    const empty = path.join(folder('empty-data-dir'), 'data');
    expect(clientToken(loadClientConfig({ VIGIL_DATA_DIR: empty }, { cwd: root, home }))).toBeUndefined();
  });

  it('missing, fails the request naming every file looked at and how to set VIGIL_TOKEN', async () => {
    const here = folder('nothing-here');
    const bare = folder('bare-checkout');
    const client = createClient(loadClientConfig({ VIGIL_URL: 'http://127.0.0.1:9' }, { cwd: here, home: bare }));
    const failure = client.request('GET', '/api/v1/incidents');
    await expect(failure).rejects.toBeInstanceOf(CliError);
    await expect(failure).rejects.toThrow(
      `no token: VIGIL_TOKEN is unset and there is no admin token at ${here}/data/admin-token or ` +
        `${bare}/data/admin-token; set VIGIL_TOKEN to an API token ` +
        '(on the server host: export VIGIL_TOKEN=$(cat <data dir>/admin-token)), ' +
        "or VIGIL_DATA_DIR to the server's data dir",
    );
  });
});
