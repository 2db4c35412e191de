// Mitigation actions over the API, on both dialects: definitions and their checks, invoking with the
// parameters checked, two-person approval (never the invoker, never after 15 minutes), the runner protocol
// spoken over HTTP (claim with a lease, output capped at 64 KiB, finish, a lost lease failing as "runner
// lost"), HTTP targets run by Vigil against a real receiver with every placeholder escaped by position,
// maintenance mode silencing the service's pages for its duration, and the roles. The real `vigil runner`
// process is in test/runner.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';

const MIN = 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Json = any;

function receiver() {
  const hits: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  let status = 200;
  let reply = '{"ok":true}';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'application/json' }).end(reply);
    });
  });
  return {
    hits,
    answer(code: number, text: string) {
      status = code;
      reply = text;
    },
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeEachDialect('mitigation actions', (env) => {
  const peer = receiver();
  const clock = new FakeClock('2026-12-07T09:00:00Z');
  let h: Harness;
  let admin: Caller;
  let ana: Caller;
  let ben: Caller;
  let viewer: Caller;
  let base: string;
  let service: Json;

  beforeAll(async () => {
    base = await peer.start();
    h = await startHarness(env, {
      clock,
      config: testConfig({
        notify: { ...testConfig().notify, outboundAllow: '127.0.0.1/32' },
        secretKey: Buffer.alloc(32, 7),
      }),
    });
    admin = await h.caller('admin');
    ana = await h.caller('responder', 'ana');
    ben = await h.caller('responder', 'ben');
    viewer = await h.caller('viewer');
    service = await json('POST', '/api/v1/services', { name: unique('trust') });
  });
  afterAll(async () => {
    await h.app.httpLane.idle();
    await h.close();
    await peer.stop();
  });

  async function json(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, as: Caller = admin) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.statusCode === 204 ? undefined : (res.json() as Json);
  }
  const incident = (severity: string, title = 'trust-scorer failing') =>
    json('POST', '/api/v1/incidents', { title, severity, service_id: service.id }, ana);
  const timeline = async (id: string) =>
    ((await json('GET', `/api/v1/incidents/${id}/timeline?limit=200`)).data as Json[]).map((e) => e.kind);

  async function runnerToken(group = 'production'): Promise<string> {
    const created = await json('POST', '/api/v1/actions/runners', { name: unique('host'), group });
    expect(created.token).toMatch(/^vgr_/);
    return created.token as string;
  }
  const asRunner = (token: string, url: string, body: unknown = {}) => h.call('POST', url, { as: token, body });

  const restart = (group = 'production') => ({
    name: unique('restart'),
    category: 'restart',
    service_ids: [service.id],
    params: [
      { name: 'function', type: 'enum', enum: ['trust-scorer', 'auth-verify'], required: true },
      { name: 'project', type: 'string', pattern: '[a-z]{4,20}', required: true },
      { name: 'replicas', type: 'integer', min: 1, max: 5, default: 1 },
    ],
    target: { kind: 'runner', group, command: 'supabase-deploy' },
    dry_run: { supported: true, flag: '--dry-run' },
  });

  it('defines actions: defaults, checks that name the field, secret headers never shown, roles', async () => {
    const created = await json('POST', '/api/v1/actions/definitions', restart());
    expect(created).toMatchObject({
      category: 'restart',
      approval: 'p0_p1',
      timeout_seconds: 300,
      enabled: true,
      dry_run: { supported: true, param: null, flag: '--dry-run' },
    });
    expect(await json('GET', `/api/v1/actions/definitions/${created.name}`, undefined, viewer)).toEqual(created);

    const bad = async (body: unknown, status: number, code: string, field?: string) => {
      const e = expectError(await h.call('POST', '/api/v1/actions/definitions', { as: admin, body }), status, code);
      if (field) expect(e.message).toContain(field);
    };
    await bad(
      { ...restart(), params: [{ name: 'x', type: 'string', pattern: '(' }] },
      422,
      'action.invalid_param',
      'params[0].pattern',
    );
    await bad({ ...restart(), params: [{ name: 'x', type: 'enum' }] }, 422, 'action.invalid_param', 'params[0].enum');
    await bad({ ...restart(), params: [{ name: 'n', type: 'integer', min: 5, max: 1 }] }, 422, 'action.invalid_param');
    await bad({ ...restart(), service_ids: ['svc_nobody'] }, 422, 'action.unknown_service', 'service_ids[0]');
    await bad({ ...restart(), name: created.name }, 409, 'action.already_exists');
    await bad({ ...restart(), dry_run: { supported: true } }, 422, 'action.invalid_dry_run');
    await bad({ ...restart(), category: 'maintenance_mode' }, 422, 'action.invalid_param', 'duration_minutes');
    const http = (url: string, extra: object = {}) => ({
      name: unique('hook'),
      category: 'rollback',
      params: [{ name: 'version', type: 'string', required: true }],
      target: { kind: 'http', method: 'POST', url, ...extra },
    });
    // A private address without the allowlist (10/8 is not on this server's list), a placeholder in the host.
    await bad(http('http://10.1.2.3/rollback'), 422, 'action.forbidden_address', 'private address');
    await bad(http('http://{{params.version}}.example.com/'), 422, 'action.invalid_target', 'target.url');
    await bad(http(`${base}/x?v={{params.nope}}`), 422, 'action.invalid_template', '{{params.nope}}');
    await bad(http(`${base}/x`, { body: { a: '{{incident.secret}}' } }), 422, 'action.invalid_template');
    await bad({ ...http(`${base}/x`), surprise: 1 }, 400, 'request.invalid');

    const withSecret = await json(
      'POST',
      '/api/v1/actions/definitions',
      http(`${base}/rollback`, { secret_headers: { Authorization: 'Bearer s3cret' } }),
    );
    expect(withSecret.target.secret_headers).toEqual(['Authorization']);
    expect(JSON.stringify(withSecret)).not.toContain('s3cret');
    const stored = await env.database.db
      .selectFrom('action_definitions')
      .select('target')
      .where('id', '=', withSecret.id)
      .executeTakeFirstOrThrow();
    expect(stored.target).not.toContain('s3cret');
    // A change that leaves the target's secret headers out keeps them.
    const changed = await json('PATCH', `/api/v1/actions/definitions/${withSecret.id}`, { description: 'roll back' });
    expect(changed.target.secret_headers).toEqual(['Authorization']);

    expectError(
      await h.call('POST', '/api/v1/actions/definitions', { as: ana, body: restart() }),
      403,
      'auth.forbidden',
    );
    await json('DELETE', `/api/v1/actions/definitions/${withSecret.id}`);
    expectError(
      await h.call('GET', `/api/v1/actions/definitions/${withSecret.id}`, { as: admin }),
      404,
      'action.not_found',
    );
  });

  it('checks parameters on invoke, dry-runs without approval, needs a second person for a P1', async () => {
    const def = await json('POST', '/api/v1/actions/definitions', restart());
    const inc = await incident('P1');
    const invoke = (body: object, as: Caller = ana) =>
      h.call('POST', `/api/v1/incidents/${inc.id}/actions`, { as, body });
    const refused = async (params: object, field: string) => {
      const e = expectError(await invoke({ definition_id: def.name, params }), 422, 'action.invalid_param');
      expect(e.message).toContain(field);
    };
    await refused({ function: 'rm -rf', project: 'abcd' }, 'params.function');
    await refused({ function: 'trust-scorer', project: 'ABCD' }, 'params.project');
    await refused({ function: 'trust-scorer', project: 'abcd', replicas: 9 }, 'params.replicas');
    await refused({ function: 'trust-scorer', project: 'abcd', replicas: 'two' }, 'params.replicas');
    await refused({ function: 'trust-scorer' }, 'params.project');
    await refused({ function: 'trust-scorer', project: 'abcd', extra: 1 }, 'params.extra');
    expectError(await invoke({ definition_id: def.name, params: {} }, viewer), 403, 'auth.forbidden');
    expect((await json('GET', `/api/v1/incidents/${inc.id}/actions`)).data).toEqual([]);

    // A dry run is queued at once; the real run waits for a second person.
    const dry = (
      await invoke({ definition_id: def.name, params: { function: 'trust-scorer', project: 'abcd' }, dry_run: true })
    ).json();
    expect(dry).toMatchObject({ state: 'queued', dry_run: true, approval_required: false, params: { replicas: 1 } });
    const real = (
      await invoke({ definition_id: def.id, params: { function: 'trust-scorer', project: 'abcd', replicas: '2' } })
    ).json();
    expect(real).toMatchObject({
      state: 'awaiting_approval',
      approval_required: true,
      approval_expires_at: new Date(clock.now().getTime() + 15 * MIN).toISOString(),
      params: { function: 'trust-scorer', project: 'abcd', replicas: 2 },
      invoked_by: { id: ana.userId },
    });
    expect(real.definition.target).toEqual({ kind: 'runner', group: 'production', command: 'supabase-deploy' });

    const approve = (id: string, as: Caller) => h.call('POST', `/api/v1/actions/invocations/${id}/approve`, { as });
    expectError(await approve(real.id, ana), 403, 'action.forbidden');
    expectError(await approve(real.id, viewer), 403, 'auth.forbidden');
    const approved = (await approve(real.id, ben)).json();
    expect(approved).toMatchObject({ state: 'queued', decided_by: { id: ben.userId } });
    expectError(await approve(real.id, admin), 409, 'action.invalid_transition');

    // An approval asked for and left: after 15 minutes approving is a 409, and the sweep cancels it.
    const late = (
      await invoke({ definition_id: def.name, params: { function: 'auth-verify', project: 'abcd' } })
    ).json();
    clock.advance(15 * MIN);
    const expired = expectError(await approve(late.id, ben), 409, 'action.conflict');
    expect(expired.message).toContain('expired');
    expect(await h.app.actions.sweep()).toBeGreaterThanOrEqual(1);
    expect(await json('GET', `/api/v1/actions/invocations/${late.id}`)).toMatchObject({
      state: 'cancelled',
      reason: expect.stringContaining('approval expired'),
    });
    // Rejected by a second person; cancelled by anyone who may.
    const third = (
      await invoke({ definition_id: def.name, params: { function: 'auth-verify', project: 'abcd' } })
    ).json();
    expectError(
      await h.call('POST', `/api/v1/actions/invocations/${third.id}/reject`, { as: ana }),
      403,
      'action.forbidden',
    );
    expect(
      (
        await h.call('POST', `/api/v1/actions/invocations/${third.id}/reject`, { as: ben, body: { reason: 'not now' } })
      ).json(),
    ).toMatchObject({ state: 'rejected', reason: 'not now' });
    const kinds = await timeline(inc.id);
    for (const kind of ['action_invoked', 'action_approved', 'action_rejected', 'action_finished'])
      expect(kinds).toContain(kind);
    const audit = (await json('GET', '/api/v1/audit?limit=200')).data as Json[];
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['action.invoke', 'action.approve', 'action.reject']),
    );

    // Both queued ones go to a runner of the group; clean up.
    for (const id of [dry.id, real.id]) await json('POST', `/api/v1/actions/invocations/${id}/cancel`, undefined, ana);
  });

  it('speaks the runner protocol: a leased claim, output capped at 64 KiB, finish; a lost lease fails it', async () => {
    const group = unique('web');
    const def = await json('POST', '/api/v1/actions/definitions', { ...restart(group), approval: 'none' });
    const inc = await incident('P2');
    const token = await runnerToken(group);
    // A runner token is no API token, and an API token opens no runner route.
    expectError(await h.call('GET', '/api/v1/incidents', { as: token }), 401, 'auth.unauthorized');
    expectError(await asRunner(admin.token, '/api/v1/runner/claim', { wait_seconds: 0 }), 401, 'auth.unauthorized');
    expect((await asRunner(token, '/api/v1/runner/claim', { wait_seconds: 0 })).statusCode).toBe(204);

    const inv = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      {
        definition_id: def.name,
        params: { function: 'trust-scorer', project: 'abcd' },
      },
      ana,
    );
    const other = await runnerToken('staging');
    expect((await asRunner(other, '/api/v1/runner/claim', { wait_seconds: 0 })).statusCode).toBe(204);
    const claim = await asRunner(token, '/api/v1/runner/claim', {
      version: '1.2.3',
      hostname: 'web-1',
      commands: ['supabase-deploy'],
      wait_seconds: 0,
    });
    expect(claim.statusCode, claim.body).toBe(200);
    expect(claim.json()).toMatchObject({
      lease_seconds: 30,
      invocation: {
        id: inv.id,
        command: 'supabase-deploy',
        params: { function: 'trust-scorer', project: 'abcd', replicas: 1 },
        dry_run: false,
        incident: { number: inc.number, severity: 'P2' },
        service: { id: service.id },
      },
    });
    const runners = (await json('GET', '/api/v1/actions/runners', undefined, viewer)).data as Json[];
    expect(runners.find((r) => r.version === '1.2.3')).toMatchObject({
      hostname: 'web-1',
      commands: ['supabase-deploy'],
      online: true,
    });
    const url = (what: string) => `/api/v1/runner/invocations/${inv.id}/${what}`;
    expectError(await asRunner(other, url('heartbeat')), 409, 'action.conflict');

    const big = 'x'.repeat(40 * 1024);
    expect(
      (await asRunner(token, url('output'), { chunks: [{ stream: 'stdout', data: 'deploying\n' }] })).json(),
    ).toMatchObject({ cancel: false });
    await asRunner(token, url('output'), {
      chunks: [
        { stream: 'stderr', data: big },
        { stream: 'stdout', data: big },
      ],
    });
    await asRunner(token, url('output'), { chunks: [{ stream: 'stdout', data: 'dropped' }] });
    const out = await json('GET', `/api/v1/actions/invocations/${inv.id}/output`, undefined, viewer);
    const text = (out.data as Json[]).map((c) => c.data).join('');
    expect(out.truncated).toBe(true);
    expect(text).toContain('[output truncated at 64 KiB]');
    expect(text).not.toContain('dropped');
    expect(Buffer.byteLength(text.replace('\n[output truncated at 64 KiB]\n', ''))).toBe(64 * 1024);
    expect((out.data as Json[]).map((c) => c.stream)).toEqual(['stdout', 'stderr', 'stdout', 'system']);
    const later = await json('GET', `/api/v1/actions/invocations/${inv.id}/output?after=2`);
    expect((later.data as Json[]).map((c) => c.seq)).toEqual([3, 4]);

    expect((await asRunner(token, url('finish'), { outcome: 'succeeded', exit_code: 0 })).json()).toEqual({
      id: inv.id,
      state: 'succeeded',
    });
    expectError(
      await asRunner(token, url('output'), { chunks: [{ stream: 'stdout', data: 'late' }] }),
      409,
      'action.conflict',
    );
    const done = await json('GET', `/api/v1/actions/invocations/${inv.id}`);
    expect(done).toMatchObject({
      state: 'succeeded',
      exit_code: 0,
      runner: { name: expect.any(String) },
      output_truncated: true,
    });
    const entries = (await json('GET', `/api/v1/incidents/${inc.id}/timeline?limit=200`)).data as Json[];
    const finished = entries.find((e) => e.kind === 'action_finished');
    expect(finished?.data).toMatchObject({ invocation_id: inv.id, state: 'succeeded', exit_code: 0 });

    // A long poll waits for work: a claim made before the invocation is queued gets it.
    const waiting = asRunner(token, '/api/v1/runner/claim', { wait_seconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const polled = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      { definition_id: def.name, params: { function: 'auth-verify', project: 'abcd' } },
      ana,
    );
    const got = await waiting;
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().invocation.id).toBe(polled.id);
    // The last of the output may ride with the finish.
    await asRunner(token, `/api/v1/runner/invocations/${polled.id}/finish`, {
      outcome: 'succeeded',
      exit_code: 0,
      chunks: [{ stream: 'stdout', data: 'redeployed\n' }],
    });
    const carried = await json('GET', `/api/v1/actions/invocations/${polled.id}/output`);
    expect(carried.data).toMatchObject([{ seq: 1, stream: 'stdout', data: 'redeployed\n' }]);
    const polledEntries = (await json('GET', `/api/v1/incidents/${inc.id}/timeline?limit=200`)).data as Json[];
    expect(
      polledEntries.find((e) => e.kind === 'action_finished' && e.data.invocation_id === polled.id)?.data.output,
    ).toBe('redeployed');

    // A runner that goes quiet: after the lease the sweep fails the invocation as "runner lost".
    const second = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      {
        definition_id: def.name,
        params: { function: 'auth-verify', project: 'abcd' },
      },
      ana,
    );
    expect((await asRunner(token, '/api/v1/runner/claim', { wait_seconds: 0 })).json().invocation.id).toBe(second.id);
    clock.advance(29_000);
    expect(await h.app.actions.sweep()).toBe(0);
    clock.advance(2_000);
    expect(await h.app.actions.sweep()).toBe(1);
    expect(await json('GET', `/api/v1/actions/invocations/${second.id}`)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('runner lost'),
    });
    expectError(
      await asRunner(token, `/api/v1/runner/invocations/${second.id}/finish`, { outcome: 'succeeded' }),
      409,
      'action.conflict',
    );

    // Cancelling a running one: the runner hears cancel: true and finishes as cancelled.
    const third = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      {
        definition_id: def.name,
        params: { function: 'auth-verify', project: 'abcd' },
      },
      ana,
    );
    await asRunner(token, '/api/v1/runner/claim', { wait_seconds: 0 });
    expect((await json('POST', `/api/v1/actions/invocations/${third.id}/cancel`, undefined, ben)).state).toBe(
      'running',
    );
    expect((await asRunner(token, `/api/v1/runner/invocations/${third.id}/heartbeat`)).json()).toMatchObject({
      cancel: true,
    });
    await asRunner(token, `/api/v1/runner/invocations/${third.id}/finish`, { outcome: 'failed', signal: 'SIGTERM' });
    expect((await json('GET', `/api/v1/actions/invocations/${third.id}`)).state).toBe('cancelled');

    // A revoked runner is refused.
    const id = runners.find((r) => r.version === '1.2.3')?.id as string;
    await json('DELETE', `/api/v1/actions/runners/${id}`);
    expectError(await asRunner(token, '/api/v1/runner/claim', { wait_seconds: 0 }), 401, 'auth.unauthorized');
  });

  it('runs an HTTP rollback against a receiver with the parameters escaped by position', async () => {
    const def = await json('POST', '/api/v1/actions/definitions', {
      name: unique('rollback'),
      category: 'rollback',
      approval: 'none',
      service_ids: [service.id],
      params: [
        { name: 'version', type: 'string', required: true },
        { name: 'replicas', type: 'integer', default: 3 },
        { name: 'dry_run', type: 'boolean', default: false },
      ],
      target: {
        kind: 'http',
        method: 'POST',
        url: `${base}/deploys/{{service.name}}/rollback?to={{params.version}}&inc={{incident.number}}`,
        headers: { 'X-Version': '{{params.version}}' },
        secret_headers: { Authorization: 'Bearer hook-secret' },
        body: {
          version: '{{params.version}}',
          replicas: '{{params.replicas}}',
          note: 'to {{params.version}} for {{incident.title}}',
          dry: '{{params.dry_run}}',
        },
      },
      dry_run: { supported: true, param: 'dry_run' },
    });
    const inc = await incident('P2', 'checkout "broken" & slow');
    // Query separators, quotes, a placeholder and shell syntax in a value all arrive as that value.
    const evil = 'v1.2&x=1 "quoted" {{params.replicas}} $(id) `id`';
    peer.answer(200, '{"rolled_back":true}');
    const inv = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      { definition_id: def.name, params: { version: evil } },
      ana,
    );
    await h.app.httpLane.idle();
    const hit = peer.hits.at(-1);
    expect(hit?.method).toBe('POST');
    const url = new URL(hit?.url ?? '', 'http://x');
    expect(url.pathname).toBe(`/deploys/${encodeURIComponent(service.name)}/rollback`);
    expect(url.searchParams.get('to')).toBe(evil);
    expect(url.searchParams.get('x')).toBeNull();
    expect(url.searchParams.get('inc')).toBe(inc.number);
    expect(hit?.headers.authorization).toBe('Bearer hook-secret');
    expect(JSON.parse(hit?.body ?? '')).toEqual({
      version: evil,
      replicas: 3,
      note: `to ${evil} for checkout "broken" & slow`,
      dry: false,
    });
    const done = await json('GET', `/api/v1/actions/invocations/${inv.id}`);
    expect(done).toMatchObject({ state: 'succeeded', http_status: 200 });
    const out = await json('GET', `/api/v1/actions/invocations/${inv.id}/output`);
    expect((out.data as Json[]).map((c) => c.data).join('')).toContain('{"rolled_back":true}');
    expect(JSON.stringify(done)).not.toContain('hook-secret');
    expect(hit?.headers['x-version']).toBe(evil);

    // A line break cannot reach a header: the run fails, saying so, and nothing is sent.
    const hits = peer.hits.length;
    const split = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      { definition_id: def.name, params: { version: 'v1\r\nX-Evil: 1' } },
      ana,
    );
    await h.app.httpLane.idle();
    expect(peer.hits.length).toBe(hits);
    expect(await json('GET', `/api/v1/actions/invocations/${split.id}`)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('line break'),
    });

    // A dry run sets its parameter; a non-2xx answer fails it.
    peer.answer(503, 'busy');
    const dry = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      { definition_id: def.name, params: { version: 'v1' }, dry_run: true },
      ana,
    );
    await h.app.httpLane.idle();
    expect(JSON.parse(peer.hits.at(-1)?.body ?? '').dry).toBe(true);
    expect(await json('GET', `/api/v1/actions/invocations/${dry.id}`)).toMatchObject({
      state: 'failed',
      http_status: 503,
      reason: 'the endpoint answered HTTP 503',
    });
    peer.answer(200, '{}');
  });

  it('refuses a private address again at run time when the allowlist no longer lets it through', async () => {
    const def = await json('POST', '/api/v1/actions/definitions', {
      name: unique('private-hook'),
      category: 'custom',
      target: { kind: 'http', method: 'POST', url: `${base}/private` },
    });
    const inc = await incident('P3', 'allowlist narrowed');
    // The same database served by an instance started without VIGIL_OUTBOUND_ALLOW.
    const strict = await startHarness(env, { clock, config: testConfig() });
    try {
      const hits = peer.hits.length;
      const res = await strict.call('POST', `/api/v1/incidents/${inc.id}/actions`, {
        as: ana,
        body: { definition_id: def.name },
      });
      expect(res.statusCode, res.body).toBe(201);
      await strict.app.httpLane.idle();
      expect(peer.hits.length).toBe(hits);
      expect(await json('GET', `/api/v1/actions/invocations/${res.json().id}`)).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(/^refused: forbidden address: .*loopback/),
      });
    } finally {
      await strict.close();
    }
  });

  it('maintenance mode silences the service’s pages for its duration and closes its window if it fails', async () => {
    const def = await json('POST', '/api/v1/actions/definitions', {
      name: unique('maint'),
      category: 'maintenance_mode',
      params: [{ name: 'duration_minutes', type: 'integer', min: 1, max: 120, required: true }],
      target: {
        kind: 'http',
        method: 'POST',
        url: `${base}/maintenance`,
        body: { minutes: '{{params.duration_minutes}}' },
      },
    });
    const inc = await incident('P2', 'database struggling');
    const inv = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      { definition_id: def.id, params: { duration_minutes: 30 } },
      ana,
    );
    expect(inv.maintenance_window_ids).toHaveLength(1);
    await h.app.httpLane.idle();
    expect(JSON.parse(peer.hits.at(-1)?.body ?? '')).toEqual({ minutes: 30 });
    const windows = (await json('GET', `/api/v1/services/${service.id}/maintenance`)).data as Json[];
    expect(windows.find((w) => w.id === inv.maintenance_window_ids[0])).toMatchObject({
      active: true,
      end: new Date(clock.now().getTime() + 30 * MIN).toISOString(),
    });

    // A new incident on the service during the window does not escalate or page.
    const quiet = await incident('P1', 'during maintenance mode');
    await h.app.escalation.sweep();
    expect((await json('GET', `/api/v1/incidents/${quiet.id}/escalation`)).escalation).toBeNull();
    expect((await json('GET', `/api/v1/incidents/${quiet.id}/pages`)).data).toEqual([]);
    // After it, one does.
    clock.advance(31 * MIN);
    const loud = await incident('P1', 'after maintenance mode');
    await h.app.escalation.sweep();
    expect((await json('GET', `/api/v1/incidents/${loud.id}/escalation`)).escalation).not.toBeNull();

    // A maintenance_mode action that fails closes the window it opened.
    peer.answer(500, 'no');
    const failing = await json(
      'POST',
      `/api/v1/incidents/${inc.id}/actions`,
      { definition_id: def.id, params: { duration_minutes: 60 } },
      ana,
    );
    await h.app.httpLane.idle();
    expect((await json('GET', `/api/v1/actions/invocations/${failing.id}`)).state).toBe('failed');
    const after = (await json('GET', `/api/v1/services/${service.id}/maintenance`)).data as Json[];
    expect(after.find((w) => w.id === failing.maintenance_window_ids[0])).toBeUndefined();
    peer.answer(200, '{}');
    for (const i of [inc, quiet, loud]) await json('POST', `/api/v1/incidents/${i.id}/resolve`, undefined, ana);
  });

  it('offers "roll back this deploy" for a change event with its version prefilled', async () => {
    const def = await json('POST', '/api/v1/actions/definitions', {
      name: unique('rollback-offer'),
      category: 'rollback',
      service_ids: [service.id],
      params: [{ name: 'version', type: 'string', required: true }],
      target: { kind: 'runner', group: 'production', command: 'rollback' },
    });
    const key = (await json('POST', `/api/v1/services/${service.id}/rotate-key`)).integration_key as string;
    const sent = await h.call('POST', '/v2/change/enqueue', {
      body: {
        routing_key: key,
        payload: { summary: 'deploy v2.4.1', source: 'ci', custom_details: { version: 'v2.4.1' } },
      },
    });
    expect(sent.statusCode, sent.body).toBe(202);
    const changes = (await json('GET', `/api/v1/services/${service.id}/changes`)).data as Json[];
    const offers = (await json('GET', `/api/v1/actions/offers/${changes[0].id}`, undefined, viewer)).data as Json[];
    expect(offers).toContainEqual({ definition_id: def.id, name: def.name, params: { version: 'v2.4.1' } });
    expectError(await h.call('GET', '/api/v1/actions/offers/chg_nobody', { as: admin }), 404, 'change.not_found');
  });

  it('a runbook step naming an action completes when it succeeds, and the post-mortem lists what ran', async () => {
    const svc = await json('POST', '/api/v1/services', { name: unique('edge') });
    const action = await json('POST', '/api/v1/actions/definitions', {
      name: unique('purge-cache'),
      category: 'custom',
      params: [{ name: 'zone', type: 'string', default: 'all' }],
      target: { kind: 'http', method: 'POST', url: `${base}/purge`, body: { zone: '{{params.zone}}' } },
    });
    await json('POST', '/api/v1/runbooks', {
      name: unique('edge runbook'),
      applies_to: { service_ids: [svc.id] },
      steps: [
        { phase: 'mitigation', text: 'Purge the CDN cache', action: action.name },
        { phase: 'resolution', text: 'Verify' },
      ],
    });
    const inc = await json(
      'POST',
      '/api/v1/incidents',
      { title: 'stale pages', severity: 'P1', service_id: svc.id },
      ana,
    );
    const stepOf = async () =>
      ((await json('GET', `/api/v1/incidents/${inc.id}/checklist`)).steps as Json[]).find(
        (s) => s.action === action.name,
      );
    expect(await stepOf()).toMatchObject({ text: 'Purge the CDN cache', done: false });

    peer.answer(200, '{"purged":true}');
    await json('POST', `/api/v1/incidents/${inc.id}/actions`, { definition_id: action.name, params: {} }, ana);
    await h.app.httpLane.idle();
    expect(await stepOf()).toMatchObject({ done: true, completed_on: 'action.succeeded' });

    await json('POST', `/api/v1/incidents/${inc.id}/resolve`, undefined, ana);
    const pm = await json('GET', `/api/v1/incidents/${inc.id}/postmortem`);
    const summaries = (pm.timeline as Json[]).map((t) => t.summary as string);
    expect(summaries).toContain(`Mitigation action ${action.name} succeeded (HTTP 200)`);
  });
});
