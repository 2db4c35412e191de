// `vigil gdpr consents|purposes|verify` end to end, once per engine against a real `vigil serve`: a CSV
// import with good rows, a duplicate, refused lines reported by line number (the rest imported), a wrong
// header refused before anything is sent, status, purposes, and verify naming a row tampered with raw SQL.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSuccess, inProcess, type Env } from './cli-harness.js';
import { pgAdmin, pgDatabaseUrl, pgProblem } from './dialects.js';
import { startServer, type ServerProcess } from './vigil-process.js';

const PROOF = '"{""form"":""v3""}"';
const HEADER = 'id,subject_id,purpose,policy_version,decision,at,source,proof';

for (const engine of ['sqlite', 'postgres'] as const) {
  if (engine === 'postgres' && pgProblem) {
    describe.skip(`vigil gdpr ledger CLI [${engine}]`, () => undefined);
    continue;
  }
  describe(`vigil gdpr ledger CLI [${engine}]`, () => {
    let dataDir: string;
    let dbName: string | undefined;
    let server: ServerProcess | undefined;
    const env = (): Env => ({ VIGIL_URL: server?.url, VIGIL_DATA_DIR: dataDir });
    const run = (...args: string[]) => inProcess(args, env());
    const csv = (name: string, lines: string[]) => {
      const file = path.join(dataDir, name);
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    };
    async function rawSql(text: string): Promise<void> {
      if (dbName) {
        const client = new pg.Client({ connectionString: pgDatabaseUrl(dbName) });
        await client.connect();
        await client.query(text).finally(() => client.end());
      } else {
        const db = new SQLite(path.join(dataDir, 'vigil.db'));
        db.exec(text);
        db.close();
      }
    }

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-cli-gdpr-${engine}-`));
      const serverEnv: Env = { VIGIL_DATA_DIR: dataDir };
      if (engine === 'postgres') {
        dbName = `vigil_cli_gdpr_${randomBytes(6).toString('hex')}`;
        await pgAdmin(`CREATE DATABASE ${dbName}`);
        serverEnv.DATABASE_URL = pgDatabaseUrl(dbName);
      }
      server = await startServer(serverEnv);
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
      if (dbName) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('adds, changes and lists purposes', async () => {
      const added = expectSuccess(
        await run(
          'gdpr',
          'purposes',
          'add',
          'newsletter',
          '--name',
          'Newsletter',
          '--basis',
          'consent',
          '--recipients',
          'marketing,mailer',
        ),
      );
      expect(added).toMatch(/^recipients\s+marketing, mailer$/m);
      expect(added).toMatch(/^missing\s+data_categories, subject_categories, retention_days, security_measures$/m);
      const set = JSON.parse(
        expectSuccess(await run('gdpr', 'purposes', 'set', 'newsletter', '--retention-days', '365', '--json')),
      );
      expect(set.retention_days).toBe(365);
      const lowered = await run('gdpr', 'purposes', 'set', 'newsletter', '--policy-version', '1');
      expect(lowered.code).toBe(0);
      const list = expectSuccess(await run('gdpr', 'purposes', 'list'));
      expect(list.split('\n')[0]).toMatch(/^KEY\s+NAME\s+BASIS\s+VERSION\s+MISSING$/);
      expect(list).toContain('newsletter');
    });

    it('refuses a file with the wrong header before sending any row', async () => {
      const file = csv('wrong.csv', [
        'id,subject,purpose,policy_version,decision,at,source,proof',
        'w1,u1,newsletter,1,granted,2026-01-01T00:00:00Z,form,',
      ]);
      const res = await run('gdpr', 'consents', 'import', file);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/the header must be exactly id,subject_id,purpose/);
      const ledger = JSON.parse((await run('gdpr', 'verify', '--json')).stdout);
      expect(ledger.rows).toBe(0);
    });

    it('imports good rows, skips a duplicate, and reports refused lines by number', async () => {
      const lines = [HEADER];
      for (let i = 0; i < 1500; i++)
        lines.push(
          `ev-${i},user-${i % 300},newsletter,1,granted,2026-01-0${1 + (i % 5)}T10:00:00Z,signup-form,${PROOF}`,
        );
      lines.push(`ev-7,user-7,newsletter,1,granted,2026-01-03T10:00:00Z,signup-form,${PROOF}`); // duplicate (line 1502)
      lines.push('bad-1,user-1,nope,1,granted,2026-01-01T10:00:00Z,signup-form,'); // 1503 unknown purpose
      lines.push('bad-2,user-1,newsletter,1,maybe,2026-01-01T10:00:00Z,signup-form,'); // 1504 bad decision
      lines.push('bad-3,user-1,newsletter,1,granted,2026-01-01T10:00:00Z,signup-form,not json'); // 1505 bad proof
      lines.push('ev-1,user-9,newsletter,1,withdrawn,2026-01-01T10:00:00Z,signup-form,'); // 1506 id reused
      lines.push('last,user-1,newsletter,1,withdrawn,2026-01-09T10:00:00Z,app,'); // 1507 good
      const file = csv('consents.csv', lines);
      const res = await run('gdpr', 'consents', 'import', file, '--json');
      expect(res.code, res.stderr).toBe(1);
      const summary = JSON.parse(res.stdout);
      expect(summary.imported).toBe(1501);
      expect(summary.duplicates).toBe(1);
      expect(summary.rejected.map((r: { line: number }) => r.line)).toEqual([1503, 1504, 1505, 1506]);
      expect(summary.rejected[0].message).toContain('unknown purpose');
      expect(summary.rejected[3].message).toContain('"ev-1"');
      expect(res.stderr).toMatch(/vigil: 4 lines rejected: 1503, 1504, 1505, 1506/);
      // Again: everything is a duplicate now.
      const again = await run('gdpr', 'consents', 'import', file);
      expect(again.stdout).toMatch(/^imported: 0\nduplicates skipped: 1502\nrejected: 4$/m);
    });

    it('shows a subject’s status', async () => {
      const out = expectSuccess(await run('gdpr', 'consents', 'status', 'user-1'));
      expect(out.split('\n')[1]).toMatch(/^newsletter\s+withdrawn\s+1\s+1\s+2026-01-09T10:00:00.000Z\s+app$/);
    });

    it('verifies the chain, and names a row changed with raw SQL (exit 1)', async () => {
      const ok = await run('gdpr', 'verify');
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/^ok: 1501 rows verified/);
      expect(ok.stderr).toMatch(/verifying 1501 rows/);
      await rawSql(`update gdpr_consent_events set source = 'forged' where seq = 1200`);
      const broken = await run('gdpr', 'verify');
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(
        /^BROKEN at row 1200 \(id ev-1199\): hash mismatch; verified up to row 1199 of 1501/,
      );
      expect(broken.stderr).toMatch(/vigil: the consent ledger is broken at row 1200 \(id ev-1199\): hash mismatch/);
    });

    it('explains itself in --help', async () => {
      const help = await run('gdpr', 'consents', 'import', '--help');
      expect(help.stdout).toContain(HEADER);
      expect(help.stdout).toContain('line numbers');
    });
  });
}
