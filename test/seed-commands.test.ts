// The runbook's own curl commands, read from the seed and run with the real curl against a real
// `vigil serve`: only the host changes and an Authorization header is added (and the runbook's
// placeholders ALERT_ID and YOUR_NAME are filled in). The commands for functions Vigil does not have
// yet are listed exactly, so building one makes this test name it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from './jwt-signer.js';
import { startServer, type ServerProcess } from './vigil-process.js';

const run = promisify(execFile);
// A copy of the team's runbook (docs/runbook.md summarises it), so a clone has its commands.
const SEED = fileURLToPath(new URL('./fixtures/runbook.txt', import.meta.url));
// The identity provider /verify trusts (a shared HS256 secret), and a token it issued for USER_TOKEN.
const JWT = {
  VIGIL_JWT_SECRET: 'seed-commands-shared-secret-0123456789abcdef',
  VIGIL_JWT_ISSUER: 'https://id.seed.example/',
};

/** Shell words of one command line: spaces split, single and double quotes group (no expansions). */
function words(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: '"' | "'" | null = null;
  let any = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (word || any) out.push(word);
      word = '';
      any = false;
    } else word += ch;
  }
  if (word || any) out.push(word);
  return out;
}

/** Every `curl` command of the seed, continuation lines joined, as argument lists. */
function seedCommands(text: string): string[][] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('curl '))
    .map((l) => words(l).slice(1));
}

describe('the runbook’s curl commands against vigil serve', () => {
  let server: ServerProcess;
  let dataDir: string;
  let token: string;
  let commands: string[][];
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-seed-'));
    server = await startServer({ VIGIL_DATA_DIR: dataDir, ...JWT });
    token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    commands = seedCommands(fs.readFileSync(SEED, 'utf8'));
  });
  afterAll(async () => {
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the runbook’s commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const args of commands) expect(args.slice(0, 2)).toEqual(['-X', 'POST']);
  });

  it(
    'runs every command of a function Vigil has, ' +
      'as written but for the host and a token; names the ones it has not',
    async () => {
      // Something for Phase 1 to acknowledge, and the engineer who does.
      const service = await api('POST', '/api/v1/services', { name: 'checkout' });
      const engineer = await api('POST', '/api/v1/users', {
        handle: 'ana',
        name: 'Ana Lima',
        email: 'ana@example.test',
      });
      expect([service.status, engineer.status]).toEqual([201, 201]);
      const sent = await fetch(`${server.url}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          routing_key: service.body.integration_key,
          event_action: 'trigger',
          dedup_key: 'checkout-5xx',
          payload: { summary: 'checkout 5xx above 5 %', source: 'lb-1', severity: 'critical' },
        }),
      });
      expect(sent.status).toBe(202);
      // A purpose and a consent for the runbook's USER_ID, so get_consent_status answers with real data.
      const purpose = await api('POST', '/api/v1/gdpr/purposes', {
        key: 'marketing',
        name: 'Marketing e-mails',
        lawful_basis: 'consent',
      });
      const consent = await api('POST', '/api/v1/gdpr/consents', {
        id: 'seed-consent-1',
        subject_id: 'USER_ID',
        purpose: 'marketing',
        policy_version: 1,
        decision: 'granted',
        at: new Date(Date.now() - 60_000).toISOString(),
        source: 'signup-form',
        proof: { form: 'signup-v3' },
      });
      expect([purpose.status, consent.status]).toEqual([201, 201]);

      const ran: string[] = [];
      const missing: string[] = [];
      for (const args of commands) {
        const url = args.find((a) => /^https?:\/\//.test(a)) as string;
        const dataAt = args.indexOf('-d');
        const body = JSON.parse(args[dataAt + 1] as string) as Record<string, unknown>;
        const pathname = new URL(url).pathname;
        const label = `${pathname} ${String(body.action ?? '')}`.trim();
        const userToken = signJwt(
          { iss: JWT.VIGIL_JWT_ISSUER, sub: 'ana', exp: Math.floor(Date.now() / 1000) + 600 },
          { secret: JWT.VIGIL_JWT_SECRET },
        );
        const filled = (args[dataAt + 1] as string)
          .replace('ALERT_ID', 'checkout-5xx')
          .replace('YOUR_NAME', 'Ana Lima')
          .replace('USER_TOKEN', userToken);
        const argv = [
          ...args.map((a, i) => (a === url ? `${server.url}${pathname}` : i === dataAt + 1 ? filled : a)),
          '-H',
          `Authorization: Bearer ${token}`,
          '-sS',
          '-w',
          '\n%{http_code}',
        ];
        const { stdout } = await run('curl', argv, { timeout: 20_000 });
        const status = Number(stdout.slice(stdout.lastIndexOf('\n') + 1));
        const answer = JSON.parse(stdout.slice(0, stdout.lastIndexOf('\n'))) as Record<string, unknown>;
        if (
          status === 404 &&
          (answer.error as { code?: string } | undefined)?.code?.endsWith('not_found') &&
          !pathname.startsWith('/functions/v1/production-monitoring') &&
          !pathname.startsWith('/functions/v1/database-scalability')
        ) {
          missing.push(label);
          continue;
        }
        if (
          status === 400 &&
          String((answer.error as { message?: string } | undefined)?.message).includes('is not an action of')
        ) {
          missing.push(label);
          continue;
        }
        expect({ label, status }, JSON.stringify(answer)).toEqual({ label, status: 200 });
        if (pathname === '/verify')
          expect(
            { valid: answer.valid, subject: answer.subject, checked: typeof answer.checked_at },
            JSON.stringify(answer),
          ).toEqual({ valid: true, subject: 'ana', checked: 'string' });
        else expect(typeof answer.generated_at).toBe('string');
        if (label.endsWith('compliance_report'))
          expect(answer).toMatchObject({ report_type: 'emergency', status: expect.any(String) as unknown });
        if (label.endsWith('get_consent_status'))
          expect(answer).toMatchObject({
            user_id: 'USER_ID',
            purposes: [{ purpose: 'marketing', status: 'granted', policy_version: 1, current_policy_version: 1 }],
          });
        ran.push(label);
      }
      expect(ran).toEqual([
        '/functions/v1/production-monitoring acknowledge_alert',
        '/functions/v1/production-monitoring health_check',
        '/functions/v1/database-scalability health_check',
        '/functions/v1/error-tracking get_error_analytics',
        '/functions/v1/production-monitoring performance_report',
        '/functions/v1/database-scalability connection_pool_status',
        '/functions/v1/gdpr-compliance compliance_report',
        '/functions/v1/gdpr-compliance get_consent_status',
        '/functions/v1/database-scalability performance_analysis',
        '/verify',
      ]);
      // Every function the runbook calls is built.
      expect(missing).toEqual([]);
      // Phase 1 did what it says: the incident is acknowledged.
      const incidents = await api('GET', '/api/v1/incidents');
      expect((incidents.body.data as Array<{ status: string; acknowledged_by?: unknown }>)[0]?.status).toBe(
        'acknowledged',
      );
    },
  );
});
