// The runbook's two gdpr-compliance curl commands (get_consent_status, and compliance_report with
// report_type emergency), exactly as the runbook writes them (only the host changed and an Authorization
// header added), against a real `vigil serve` on SQLite and on PostgreSQL: 200 with the user's consent
// per registered purpose, a stale grant after the policy version was raised, every purpose `none` for a
// user the ledger has never seen, and the emergency report with the ledger's real figures.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgAdmin, pgDatabaseUrl, pgProblem } from './dialects.js';
import { startServer, type ServerProcess } from './vigil-process.js';

const run = promisify(execFile);
const SEED = fileURLToPath(new URL('./fixtures/runbook.txt', import.meta.url));

/** The runbook's gdpr-compliance command for `action`: its URL and its -d body, as written. */
function seedCommand(action = 'get_consent_status'): { url: string; body: string } {
  const text = fs.readFileSync(SEED, 'utf8').replace(/\\\n\s*/g, ' ');
  const line = text.split('\n').find((l) => l.includes('gdpr-compliance') && l.includes(action));
  const url = /(https?:\/\/\S+)/.exec(line ?? '')?.[1];
  const body = /-d '([^']*)'/.exec(line ?? '')?.[1];
  if (!url || !body) throw new Error(`the runbook has no ${action} command`);
  return { url, body };
}

for (const engine of ['sqlite', 'postgres'] as const) {
  if (engine === 'postgres' && pgProblem) {
    describe.skip(`the runbook's gdpr-compliance calls [${engine}]`, () => undefined);
    continue;
  }
  describe(`the runbook's gdpr-compliance calls [${engine}]`, () => {
    let server: ServerProcess | undefined;
    let dataDir: string;
    let dbName: string | undefined;
    let token: string;
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${server?.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return res.json() as Promise<Record<string, unknown>>;
    };
    /** The seed's curl with the host swapped, the user id as given, and a token. */
    const curl = async (userId: string, action?: string) => {
      const { url, body } = seedCommand(action);
      const { stdout } = await run(
        'curl',
        [
          '-X',
          'POST',
          `${server?.url}${new URL(url).pathname}`,
          '-H',
          'Content-Type: application/json',
          '-d',
          body.replace('USER_ID', userId),
          '-H',
          `Authorization: Bearer ${token}`,
          '-sS',
          '-w',
          '\n%{http_code}',
        ],
        { timeout: 20_000 },
      );
      const at = stdout.lastIndexOf('\n');
      return { status: Number(stdout.slice(at + 1)), body: JSON.parse(stdout.slice(0, at)) as Record<string, unknown> };
    };

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-seed-gdpr-${engine}-`));
      const env: Record<string, string> = { VIGIL_DATA_DIR: dataDir };
      if (engine === 'postgres') {
        dbName = `vigil_seed_gdpr_${randomBytes(6).toString('hex')}`;
        await pgAdmin(`CREATE DATABASE ${dbName}`);
        env.DATABASE_URL = pgDatabaseUrl(dbName);
      }
      server = await startServer(env);
      token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      await api('POST', '/api/v1/gdpr/purposes', {
        key: 'marketing',
        name: 'Marketing e-mails',
        lawful_basis: 'consent',
      });
      await api('POST', '/api/v1/gdpr/purposes', { key: 'analytics', name: 'Analytics', lawful_basis: 'consent' });
      const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
      const event = (id: string, purpose: string, decision: string, minutesAgo: number) => ({
        id,
        subject_id: 'user-42',
        purpose,
        policy_version: 1,
        decision,
        at: at(minutesAgo),
        source: 'signup-form',
        proof: { form: 'signup-v3' },
      });
      await api('POST', '/api/v1/gdpr/consents', {
        events: [
          event('c1', 'marketing', 'granted', 30),
          event('c2', 'analytics', 'granted', 30),
          event('c3', 'analytics', 'withdrawn', 10),
        ],
      });
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
      if (dbName) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers 200 with the user’s consent per purpose', async () => {
      const { status, body } = await curl('user-42');
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({
        user_id: 'user-42',
        purposes: [
          {
            purpose: 'analytics',
            status: 'withdrawn',
            policy_version: 1,
            current_policy_version: 1,
            source: 'signup-form',
          },
          {
            purpose: 'marketing',
            status: 'granted',
            policy_version: 1,
            current_policy_version: 1,
            source: 'signup-form',
          },
        ],
      });
      expect(typeof body.checked_at).toBe('string');
      await api('PATCH', '/api/v1/gdpr/purposes/marketing', { policy_version: 2 });
      const after = await curl('user-42');
      expect((after.body.purposes as Array<{ status: string }>)[1]).toMatchObject({
        status: 'stale',
        policy_version: 1,
        current_policy_version: 2,
      });
    });

    it('answers the emergency compliance report (200) with real figures', async () => {
      const { status, body } = await curl('', 'compliance_report');
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({
        report_type: 'emergency',
        breaches: { open: 0, overdue: 0 },
        requests: { open: 0, overdue: 0 },
        ledger: { rows: 3 },
        health: { ledger_writable: true },
        records_of_processing: { purposes: 2 },
      });
      const coverage = body.consent_coverage as { subjects: number; purposes: Array<Record<string, unknown>> };
      expect(coverage.subjects).toBe(1);
      expect(coverage.purposes.map((p) => [p.purpose, p.granted, p.withdrawn, p.stale])).toEqual(
        expect.arrayContaining([
          ['analytics', 0, 1, 0],
          ['marketing', expect.any(Number), 0, expect.any(Number)],
        ]),
      );
    });

    it('answers every purpose none for a user it has never seen (200)', async () => {
      const { status, body } = await curl('USER_ID');
      expect(status).toBe(200);
      expect((body.purposes as Array<{ status: string }>).map((p) => p.status)).toEqual(['none', 'none']);
    });
  });
}
