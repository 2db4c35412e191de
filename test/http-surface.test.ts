// The HTTP surface around the features on both dialects: the error shape for every kind of bad
// request, body limits and media types, /metrics, the OpenAPI document, readiness, and the audit log.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';

describeEachDialect('HTTP error surface', (env) => {
  let h: Harness;
  let small: Harness;
  let admin: Caller;
  let incidentId: string;

  beforeAll(async () => {
    h = await startHarness(env);
    small = await startHarness(env, { config: testConfig({ bodyLimit: 2048 }) });
    admin = await h.caller('admin', 'surface-admin');
    incidentId = (await h.app.incidents.create(env.admin, { title: 'surface target', severity: 'P3' })).id;
  });
  afterAll(async () => {
    await h?.close();
    await small?.close();
  });

  it('answers an unknown route with 404 route.not_found', async () => {
    const api = expectError(await h.call('GET', '/api/v1/nothing-here', { as: admin }), 404, 'route.not_found');
    expect(api.message).toContain('/api/v1/nothing-here');
    // Other GET paths are the web console's client-side routes (web-serve.test.ts); /v2 stays the API's.
    expectError(await h.call('GET', '/v2/no/such/page?x=1'), 404, 'route.not_found');
    expectError(await h.call('PUT', '/api/v1/incidents', { as: admin, body: {} }), 404, 'route.not_found');
    expectError(await h.call('DELETE', `/api/v1/incidents/${incidentId}`, { as: admin }), 404, 'route.not_found');
  });

  it('answers an unknown incident with 404 incident.not_found naming it', async () => {
    const error = expectError(
      await h.call('GET', '/api/v1/incidents/inc_missing', { as: admin }),
      404,
      'incident.not_found',
    );
    expect(error.message).toContain('inc_missing');
    expect(error.details).toEqual({ incident: 'inc_missing' });
  });

  it('answers a body that is not JSON with 400 request.invalid_json, and creates nothing', async () => {
    const before = await h.app.incidents.counts();
    for (const payload of ['{"title": "x", "severity": "P1"', 'title=x', '{"title":"x",}', "{'title':'x'}"]) {
      const res = await h.call('POST', '/api/v1/incidents', {
        as: admin,
        body: payload,
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 400, 'request.invalid_json');
    }
    expect(await h.app.incidents.counts()).toEqual(before);
  });

  it('accepts an empty JSON body, or none, on acknowledge and resolve', async () => {
    const a = await h.app.incidents.create(env.admin, { title: unique('empty-body'), severity: 'P3' });
    const empty = await h.call('POST', `/api/v1/incidents/${a.id}/acknowledge`, {
      as: admin,
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json().status).toBe('acknowledged');
    const braces = await h.call('POST', `/api/v1/incidents/${a.id}/resolve`, { as: admin, body: {} });
    expect(braces.json().status).toBe('resolved');

    const b = await h.app.incidents.create(env.admin, { title: unique('no-body'), severity: 'P3' });
    const none = await h.call('POST', `/api/v1/incidents/${b.id}/acknowledge`, { as: admin });
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json().status).toBe('acknowledged');
  });

  it('answers an unknown body field with 400 naming the field, and changes nothing', async () => {
    const create = expectError(
      await h.call('POST', '/api/v1/incidents', { as: admin, body: { title: 'x', severity: 'P1', sevrity: 'P0' } }),
      400,
      'request.invalid',
    );
    expect(create.message).toContain('sevrity');
    expect(create.details).toEqual({ errors: [expect.objectContaining({ field: 'body.sevrity' })] });

    const ack = expectError(
      await h.call('POST', `/api/v1/incidents/${incidentId}/acknowledge`, { as: admin, body: { force: true } }),
      400,
      'request.invalid',
    );
    expect(ack.message).toContain('force');
    expect((await h.call('GET', `/api/v1/incidents/${incidentId}`, { as: admin })).json().status).toBe('triggered');

    const service = expectError(
      await h.call('POST', '/api/v1/services', {
        as: admin,
        body: { name: unique('bad'), integration_key: 'a'.repeat(32) },
      }),
      400,
      'request.invalid',
    );
    expect(service.message).toContain('integration_key');
    const query = expectError(
      await h.call('GET', '/api/v1/incidents?stauts=triggered', { as: admin }),
      400,
      'request.invalid',
    );
    expect(query.message).toContain('stauts');
  });

  it('answers invalid values with 400 naming the field', async () => {
    const severity = expectError(
      await h.call('POST', '/api/v1/incidents', { as: admin, body: { title: 'x', severity: 'P7' } }),
      400,
      'request.invalid',
    );
    expect(severity.message).toContain('body.severity');
    const title = expectError(
      await h.call('POST', '/api/v1/incidents', { as: admin, body: { title: '   ', severity: 'P1' } }),
      400,
      'request.invalid',
    );
    expect(title.message).toContain('body.title');
    const nul = expectError(
      await h.call('POST', '/api/v1/incidents', { as: admin, body: { title: 'a\u0000b', severity: 'P1' } }),
      400,
      'request.invalid',
    );
    expect(nul.message).toContain('NUL');
    const notObject = expectError(
      await h.call('POST', '/api/v1/incidents', {
        as: admin,
        body: '[1,2]',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'request.invalid',
    );
    expect(notObject.message).toContain('body');
  });

  it('answers a body over the configured limit with 413 request.too_large, and creates nothing', async () => {
    const smallAdmin = await small.caller('admin', 'small-admin');
    const before = await small.app.incidents.counts();
    const fits = await small.call('POST', '/api/v1/incidents', {
      as: smallAdmin,
      body: { title: 'fits', severity: 'P3', description: 'd'.repeat(1500) },
    });
    expect(fits.statusCode).toBe(201);
    const big = await small.call('POST', '/api/v1/incidents', {
      as: smallAdmin,
      body: { title: 'too big', severity: 'P3', description: 'd'.repeat(3000) },
    });
    expectError(big, 413, 'request.too_large');
    const counts = await small.app.incidents.counts();
    const total = (rows: Array<{ count: number }>) => rows.reduce((n, r) => n + r.count, 0);
    expect(total(counts)).toBe(total(before) + 1);
    // The same body is fine under the default limit.
    expect(
      (
        await h.call('POST', '/api/v1/incidents', {
          as: admin,
          body: { title: 'not too big here', severity: 'P3', description: 'd'.repeat(3000) },
        })
      ).statusCode,
    ).toBe(201);
  });

  it('answers a content type it does not read with 415', async () => {
    for (const type of [
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
    ]) {
      const res = await h.call('POST', '/api/v1/incidents', {
        as: admin,
        body: 'title=x&severity=P1',
        headers: { 'content-type': type },
      });
      expectError(res, 415, 'request.unsupported_media_type');
    }
    const charset = await h.call('POST', '/api/v1/incidents', {
      as: admin,
      body: JSON.stringify({ title: unique('charset'), severity: 'P3' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(charset.statusCode).toBe(201);
  });

  it('answers a malformed or over-long URL in the error shape', async () => {
    expectError(await h.call('GET', '/api/v1/incidents/%ZZ', { as: admin }), 400, 'request.bad_url');
    // 200 characters is the longest id, number or name a path may carry (`ref` in schemas.ts).
    expectError(await h.call('GET', `/api/v1/incidents/${'x'.repeat(200)}`, { as: admin }), 404, 'incident.not_found');
    expectError(
      await h.call('GET', `/api/v1/incidents/${'x'.repeat(201)}`, { as: admin }),
      414,
      'request.param_too_long',
    );
  });

  it('echoes the caller’s x-request-id, and makes one up otherwise', async () => {
    const sent = await h.call('GET', '/healthz', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(sent.headers['x-request-id']).toBe('trace-abc-123');
    const made = await h.call('GET', '/healthz');
    const again = await h.call('GET', '/healthz');
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(made.headers['x-request-id']).toMatch(UUID);
    expect(again.headers['x-request-id']).toMatch(UUID);
    expect(again.headers['x-request-id']).not.toBe(made.headers['x-request-id']);
  });

  it('replaces an x-request-id that is too long or has odd characters with a fresh one', async () => {
    for (const bad of ['x'.repeat(129), 'has space', 'semi;colon', '<script>']) {
      const res = await h.call('GET', '/healthz', { headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).not.toBe(bad);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describeEachDialect('HTTP metrics, OpenAPI and readiness', (env) => {
  let h: Harness;
  let admin: Caller;

  beforeAll(async () => {
    h = await startHarness(env);
    admin = await h.caller('admin', 'metrics-admin');
  });
  afterAll(async () => h?.close());

  const metrics = async () => {
    const res = await h.call('GET', '/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.body;
  };
  const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('counts requests and their latency by route pattern, not by raw URL', async () => {
    const incident = await h.call('POST', '/api/v1/incidents', {
      as: admin,
      body: { title: unique('metrics'), severity: 'P2' },
    });
    const id = incident.json().id as string;
    await h.call('GET', `/api/v1/incidents/${id}`, { as: admin });
    await h.call('GET', `/api/v1/incidents/${id}`, { as: admin });
    await h.call('GET', '/api/v1/incidents/inc_missing_for_metrics', { as: admin });
    await h.call('GET', '/api/v1/not-a-route-for-metrics', { as: admin });

    const text = await metrics();
    expect(text).toContain('# TYPE vigil_http_requests_total counter');
    expect(text).toContain('# TYPE vigil_http_request_duration_seconds histogram');
    expect(
      sample(text, 'vigil_http_requests_total', { method: 'POST', route: '/api/v1/incidents', status_code: '201' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'vigil_http_requests_total', { method: 'GET', route: '/api/v1/incidents/:id', status_code: '200' }),
    ).toBe(2);
    expect(
      sample(text, 'vigil_http_requests_total', { method: 'GET', route: '/api/v1/incidents/:id', status_code: '404' }),
    ).toBe(1);
    expect(
      sample(text, 'vigil_http_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'vigil_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/incidents/:id',
        status_code: '200',
      }),
    ).toBe(2);
    expect(
      sample(text, 'vigil_http_request_duration_seconds_bucket', {
        le: '+Inf',
        route: '/api/v1/incidents/:id',
        status_code: '200',
      }),
    ).toBe(2);
    // Ids and unknown paths never become label values.
    expect(text).not.toContain(id);
    expect(text).not.toContain('not-a-route-for-metrics');
  });

  it('reports the ingest queue depth', async () => {
    const text = await metrics();
    expect(text).toContain('# TYPE vigil_ingest_queue_depth gauge');
    expect(text).toMatch(/^vigil_ingest_queue_depth 0$/m);
  });

  it('reports incidents by status and severity', async () => {
    const read = async () => {
      const text = await metrics();
      expect(text).toContain('# TYPE vigil_incidents gauge');
      return {
        triggered: sample(text, 'vigil_incidents', { status: 'triggered', severity: 'P0' }) ?? 0,
        acknowledged: sample(text, 'vigil_incidents', { status: 'acknowledged', severity: 'P0' }) ?? 0,
      };
    };
    const before = await read();
    const a = await h.call('POST', '/api/v1/incidents', {
      as: admin,
      body: { title: unique('gauge-a'), severity: 'P0' },
    });
    await h.call('POST', '/api/v1/incidents', { as: admin, body: { title: unique('gauge-b'), severity: 'P0' } });
    expect(await read()).toEqual({ triggered: before.triggered + 2, acknowledged: before.acknowledged });
    await h.call('POST', `/api/v1/incidents/${a.json().id}/acknowledge`, { as: admin });
    expect(await read()).toEqual({ triggered: before.triggered + 1, acknowledged: before.acknowledged + 1 });

    const counts = await h.app.incidents.counts();
    const text = await metrics();
    for (const row of counts)
      expect(sample(text, 'vigil_incidents', { status: row.status, severity: row.severity })).toBe(row.count);
  });

  it('publishes an OpenAPI 3.1 document listing the API', async () => {
    const res = await h.call('GET', '/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Vigil API');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    for (const [path, methods] of Object.entries({
      '/api/v1/incidents': ['get', 'post'],
      '/api/v1/incidents/{id}': ['get'],
      '/api/v1/incidents/{id}/acknowledge': ['post'],
      '/api/v1/incidents/{id}/timeline': ['get'],
      '/api/v1/services': ['get', 'post'],
      '/api/v1/services/{id}': ['get', 'patch', 'delete'],
      '/api/v1/services/{id}/rotate-key': ['post'],
      '/api/v1/users': ['get', 'post'],
      '/api/v1/tokens': ['get', 'post'],
      '/api/v1/users/{id}/password': ['put'],
      '/api/v1/session': ['get', 'post', 'delete'],
      '/api/v1/audit': ['get'],
      // GDPR breaches (issue 20, part "breaches")
      '/api/v1/gdpr/breaches': ['get', 'post'],
      '/api/v1/gdpr/breaches/{id}': ['get', 'patch'],
      '/api/v1/gdpr/breaches/{id}/notifications': ['post'],
      '/api/v1/gdpr/breaches/{id}/report': ['get'],
      '/api/v1/incidents/{id}/personal-data': ['post'],
      '/api/v1/gdpr/settings': ['get', 'put'],
      '/healthz': ['get'],
      '/readyz': ['get'],
    })) {
      expect(Object.keys(doc.paths), path).toContain(path);
      expect(Object.keys(doc.paths[path] ?? {}), path).toEqual(expect.arrayContaining(methods));
    }
    const create = doc.paths['/api/v1/incidents']?.post as {
      requestBody?: {
        content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }>;
      };
    };
    const schema = create.requestBody?.content?.['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(['title', 'severity', 'service_id']));
    expect(schema?.required).toEqual(expect.arrayContaining(['title', 'severity']));
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });

  it('is ready, naming the database engine', async () => {
    const res = await h.call('GET', '/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', database: env.dialect });
    expect(typeof res.json().latency_ms).toBe('number');
    expect((await h.call('GET', '/healthz')).json()).toEqual({ status: 'ok' });
  });
});

describeEachDialect('HTTP audit log', (env) => {
  let h: Harness;
  let admin: Caller;
  let responder: Caller;

  beforeAll(async () => {
    h = await startHarness(env, { clock: new FakeClock('2033-09-09T09:09:09.000Z') });
    admin = await h.caller('admin', 'audit-admin');
    responder = await h.caller('responder', 'audit-responder');
  });
  afterAll(async () => h?.close());

  interface AuditJson {
    id: string;
    at: string;
    actor: { type: string; id: string | null; name: string };
    action: string;
    target: { type: string; id: string | null };
    request_id: string | null;
    details: Record<string, unknown>;
  }
  const auditFor = async (targetId: string): Promise<AuditJson[]> => {
    const res = await h.call('GET', `/api/v1/audit?target_id=${encodeURIComponent(targetId)}&limit=200`, { as: admin });
    expect(res.statusCode).toBe(200);
    return res.json().data as AuditJson[];
  };

  it('writes an audit row for each mutation with actor, action, target and the caller’s request id', async () => {
    const rid = (n: string) => ({ 'x-request-id': `${unique('rid')}-${n}` });

    const userHeaders = rid('user');
    const handle = unique('audited');
    const user = await h.call('POST', '/api/v1/users', {
      as: admin,
      body: { handle, name: 'Audited', email: `${handle}@example.test` },
      headers: userHeaders,
    });
    const tokenHeaders = rid('token');
    const token = await h.call('POST', '/api/v1/tokens', {
      as: admin,
      body: { user: handle, role: 'viewer' },
      headers: tokenHeaders,
    });
    const serviceHeaders = rid('service');
    const service = await h.call('POST', '/api/v1/services', {
      as: admin,
      body: { name: unique('audited-svc') },
      headers: serviceHeaders,
    });
    const rotateHeaders = rid('rotate');
    await h.call('POST', `/api/v1/services/${service.json().id}/rotate-key`, { as: admin, headers: rotateHeaders });
    const incidentHeaders = rid('incident');
    const incident = await h.call('POST', '/api/v1/incidents', {
      as: responder,
      body: { title: unique('audited-inc'), severity: 'P2' },
      headers: incidentHeaders,
    });
    const ackHeaders = rid('ack');
    await h.call('POST', `/api/v1/incidents/${incident.json().id}/acknowledge`, { as: responder, headers: ackHeaders });
    const revokeHeaders = rid('revoke');
    await h.call('DELETE', `/api/v1/tokens/${token.json().id}`, { as: admin, headers: revokeHeaders });
    const deactivateHeaders = rid('deactivate');
    await h.call('PATCH', `/api/v1/users/${handle}`, {
      as: admin,
      body: { active: false },
      headers: deactivateHeaders,
    });

    const at = h.clock.now().toISOString();
    const adminActor = { type: 'user', id: admin.userId, name: admin.handle };
    const responderActor = { type: 'user', id: responder.userId, name: responder.handle };

    expect(await auditFor(user.json().id)).toEqual([
      {
        id: expect.any(String),
        at,
        actor: adminActor,
        action: 'user.update',
        target: { type: 'user', id: user.json().id },
        request_id: deactivateHeaders['x-request-id'],
        details: { active: false },
      },
      {
        id: expect.any(String),
        at,
        actor: adminActor,
        action: 'user.create',
        target: { type: 'user', id: user.json().id },
        request_id: userHeaders['x-request-id'],
        details: { handle },
      },
    ]);
    expect((await auditFor(token.json().id)).map((a) => [a.action, a.actor, a.request_id])).toEqual([
      ['token.revoke', adminActor, revokeHeaders['x-request-id']],
      ['token.create', adminActor, tokenHeaders['x-request-id']],
    ]);
    expect((await auditFor(service.json().id)).map((a) => [a.action, a.target, a.request_id])).toEqual([
      ['service.rotate_key', { type: 'service', id: service.json().id }, rotateHeaders['x-request-id']],
      ['service.create', { type: 'service', id: service.json().id }, serviceHeaders['x-request-id']],
    ]);
    const incidentAudit = await auditFor(incident.json().id);
    expect(incidentAudit.map((a) => [a.action, a.actor, a.request_id])).toEqual([
      ['incident.role_assigned', responderActor, ackHeaders['x-request-id']],
      ['incident.acknowledged', responderActor, ackHeaders['x-request-id']],
      ['incident.created', responderActor, incidentHeaders['x-request-id']],
    ]);
    expect(incidentAudit[2]?.details).toMatchObject({ number: incident.json().number, severity: 'P2' });

    // Neither the token nor the integration key made it into the audit details.
    const all = await h.call('GET', '/api/v1/audit?limit=200', { as: admin });
    expect(all.body).not.toContain(token.json().token);
    expect(all.body).not.toContain(service.json().integration_key);
  });

  it('writes no audit row for reads, refused writes or invalid requests', async () => {
    const latest = async () =>
      (await h.call('GET', '/api/v1/audit?limit=1', { as: admin })).json().data[0]?.id as string | undefined;
    const before = await latest();
    const incident = (await h.app.incidents.create(env.admin, { title: unique('quiet'), severity: 'P3' })).id;
    const afterCreate = await latest();
    expect(afterCreate).not.toBe(before);

    await h.call('GET', `/api/v1/incidents/${incident}`, { as: responder });
    await h.call('GET', '/api/v1/incidents', { as: responder });
    await h.call('POST', '/api/v1/services', { as: responder, body: { name: unique('refused') } });
    await h.call('POST', `/api/v1/incidents/${incident}/acknowledge`, { as: responder, body: { bogus: 1 } });
    await h.call('POST', `/api/v1/incidents/${incident}/reopen`, { as: responder });
    await h.call('POST', '/api/v1/incidents', {
      as: 'vgl_not-a-real-token-at-all-0000000000000000000',
      body: { title: 'x', severity: 'P1' },
    });
    expect(await latest()).toBe(afterCreate);
  });

  it('filters by action and pages newest first', async () => {
    for (let i = 0; i < 3; i++)
      await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique(`audit-page-${i}`) } });
    const filtered = await h.call('GET', '/api/v1/audit?action=service.create&limit=200', { as: admin });
    const rows = filtered.json().data as AuditJson[];
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.action === 'service.create')).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.call(
        'GET',
        `/api/v1/audit?action=service.create&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { as: admin },
      );
      seen.push(...(res.json().data as AuditJson[]).map((r) => r.id));
      cursor = res.json().next_cursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => r.id));
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it('lets only admins read the audit log', async () => {
    const viewer = await h.caller('viewer', 'audit-viewer');
    for (const caller of [viewer, responder]) {
      const error = expectError(await h.call('GET', '/api/v1/audit', { as: caller }), 403, 'auth.forbidden');
      expect(error.message).toContain('audit.read');
    }
    const res = await h.call('GET', '/api/v1/audit?limit=1', { as: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(1);
  });

  it('refuses UPDATE and DELETE on audit_log in the database itself', async () => {
    const { db } = env.database;
    const count = async () =>
      Number((await sql<{ n: number | string }>`select count(*) as n from audit_log`.execute(db)).rows[0]?.n);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const row = (
      await sql<{ id: string; action: string }>`select id, action from audit_log order by id limit 1`.execute(db)
    ).rows[0];
    expect(row).toBeDefined();

    await expect(sql`update audit_log set action = 'tampered' where id = ${row!.id}`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`update audit_log set request_id = null`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = ${row!.id}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);

    expect(await count()).toBe(before);
    const again = (await sql<{ action: string }>`select action from audit_log where id = ${row!.id}`.execute(db))
      .rows[0];
    expect(again?.action).toBe(row!.action);
    // Inserting still works: append-only, not read-only.
    await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique('after-tamper') } });
    expect(await count()).toBe(before + 1);
  });
});
