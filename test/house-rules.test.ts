// The house rules `npm run lint` checks (.dependency-cruiser.cjs), run against small trees written
// here: a tidy one passes, and each deliberate breach (a circle, a deep import into another feature,
// a feature reaching back into app.ts, a lower floor importing a feature) fails under its rule.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const run = promisify(execFile);
const made: string[] = [];

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Writes `files` (path → source) under a fresh folder and cruises its src/ with the real rules. */
async function cruise(files: Record<string, string>): Promise<Violation[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-house-'));
  made.push(dir);
  const tsconfig = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [file, source] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), source);
  }
  // Exit code 1 means violations were found; the JSON says which.
  const { stdout } = await run(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd: dir,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** A house that keeps the rules: a composition root, two features with doors, the floor and a basic. */
const TIDY: Record<string, string> = {
  'src/clock.ts': 'export const now = () => new Date();\n',
  'src/db/database.ts': "import { now } from '../clock.js';\nexport const open = () => now();\n",
  'src/access/index.ts': "export const can = (role: string) => role === 'admin';\n",
  'src/users/users.service.ts': [
    "import { can } from '../access/index.js';",
    "import { open } from '../db/database.js';",
    'export const createUsers = () => ({ open, can });',
    '',
  ].join('\n'),
  'src/users/index.ts': "export { createUsers } from './users.service.js';\n",
  'src/incidents/incidents.service.ts': [
    "import { createUsers } from '../users/index.js';",
    'export const createIncidents = (users: ReturnType<typeof createUsers>) => ({ users });',
    '',
  ].join('\n'),
  'src/incidents/index.ts': "export { createIncidents } from './incidents.service.js';\n",
  'src/app.ts': [
    "import { createIncidents } from './incidents/index.js';",
    "import { createUsers } from './users/index.js';",
    'export const createApp = () => createIncidents(createUsers());',
    '',
  ].join('\n'),
};

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the house rules (.dependency-cruiser.cjs)', () => {
  it('pass a house that keeps them', async () => {
    expect(await cruise(TIDY)).toEqual([]);
  });

  it('fail a circle, a deep import, a feature reaching into app.ts and a lower floor importing a feature', async () => {
    const violations = await cruise({
      ...TIDY,
      // users → incidents while incidents → users: a circle through both doors.
      'src/users/users.service.ts': [
        "import { can } from '../access/index.js';",
        "import { open } from '../db/database.js';",
        "import type { createIncidents } from '../incidents/index.js';",
        'export type Back = typeof createIncidents;',
        'export const createUsers = () => ({ open, can });',
        '',
      ].join('\n'),
      // A feature taking another's inner file, and one reaching back into the composition root.
      'src/alerts/alerts.service.ts': [
        "import { createIncidents } from '../incidents/incidents.service.js';",
        "import type { createApp } from '../app.js';",
        'export const createAlerts = (app: ReturnType<typeof createApp>) => ({ app, createIncidents });',
        '',
      ].join('\n'),
      'src/alerts/index.ts': "export { createAlerts } from './alerts.service.js';\n",
      // access/ sits under every feature.
      'src/access/roles.ts': "import { createUsers } from '../users/index.js';\nexport const roles = createUsers;\n",
    });
    const found = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'through-the-door: src/alerts/alerts.service.ts → src/incidents/incidents.service.ts',
        'app-from-above: src/alerts/alerts.service.ts → src/app.ts',
        'under-the-features: src/access/roles.ts → src/users/index.ts',
      ]),
    );
    expect(
      found.filter((f) => f.startsWith('no-circular: src/users/') || f.startsWith('no-circular: src/incidents/')),
    ).not.toHaveLength(0);
  });
});
