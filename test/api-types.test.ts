// web/src/shared/api-types.gen.ts is what scripts/api-types.ts writes from the schemas in src/http/views/
// today: the script's --check passes on the committed file and fails, naming the file, on a stale copy.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const GENERATED = path.join(ROOT, 'web/src/shared/api-types.gen.ts');
const check = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/api-types.ts', '--check', ...args], { cwd: ROOT });

describe('generated API types', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('the committed file is up to date with the server’s schemas', async () => {
    await expect(check()).resolves.toBeDefined();
  });

  it('a stale file fails the check and is named', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-api-types-'));
    dirs.push(dir);
    const stale = path.join(dir, 'api-types.gen.ts');
    await copyFile(GENERATED, stale);
    await appendFile(stale, 'export interface Renamed {\n  old_name: string;\n}\n');
    const failed = await check('--file', stale).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('api-types.gen.ts is stale');
  });
});
