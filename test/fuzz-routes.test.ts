// Random input on every route never yields a 5xx, and every 4xx is `{"error":{"code","message"}}`.
// The routes come from the server itself (its OpenAPI document, cross-checked against the router),
// so a route added later is fuzzed without touching this file.
import { PAGERDUTY_BODY_LIMIT, WEBHOOK_BODY_LIMIT } from '../src/http/routes/ingest.js';
import { RUNNER_OUTPUT_BODY_LIMIT } from '../src/http/routes/runner.js';
// GDPR: the consent ledger (issue 20, part ledger)
import { consentsBodyLimit } from '../src/http/routes/gdpr-ledger.js';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { bootstrapAdmin } from '../src/credentials/index.js';
import { FakeClock } from '../src/clock.js';
import { createDb } from '../src/db/database.js';
import { buildServer } from '../src/http/server.js';
import { describeEachDialect, testConfig } from './dialects.js';
import {
  body,
  fieldBody,
  garbageAuthorization,
  pathSegment,
  pathSpelling,
  queryString,
  requestId,
  type BodySpec,
  type JsonSchema,
} from './fuzz-inputs.js';

interface Route {
  method: string;
  /** OpenAPI style: /api/v1/incidents/{id}. */
  path: string;
  query: string[];
  body: JsonSchema | undefined;
  /** Allowed values of enum path parameters, by name: the fuzzer uses them as the "real ids" there. */
  pathEnums?: Record<string, string[]>;
}

/** Routes the OpenAPI document hides; everything else the router knows must be in the document. */
const NON_API: Route[] = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/api/v1/openapi.json',
  '/docs',
  '/docs/json',
  '/docs/yaml',
  '/docs/static/{*}',
]
  .map((p) => ({ method: 'GET', path: p, query: [], body: undefined }))
  // The status page's form and one-click (RFC 8058) unsubscribe: pages for browsers and mail clients.
  .concat(
    ['/status/subscribe', '/status/unsubscribe'].map((p) => ({ method: 'POST', path: p, query: [], body: undefined })),
  );
const MIN_ROUTES = 20;

/** The status page's links people open from a mail or a form: they answer a person, in HTML, not JSON. */
const HTML_PAGES = ['/status/subscribe', '/status/subscribers/confirm', '/status/unsubscribe'];
function isHtmlPage(url: string): boolean {
  try {
    return HTML_PAGES.includes(decodeURIComponent(url.split('?')[0] as string).replace(/\/+$/, ''));
  } catch {
    return false; // a malformed escape never reaches a route
  }
}
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** Every route, from the server's own OpenAPI document plus the hidden ones. */
async function enumerateRoutes(server: FastifyInstance): Promise<Route[]> {
  const res = await server.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json() as { paths: Record<string, Record<string, OpenApiOperation>> };
  const routes = new Map<string, Route>();
  for (const [p, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const query = (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name);
      const pathEnums = Object.fromEntries(
        (op.parameters ?? [])
          .filter((x) => x.in === 'path' && x.schema?.enum?.length)
          .map((x) => [x.name, (x.schema?.enum ?? []).map(String)]),
      );
      routes.set(`${method.toUpperCase()} ${p}`, {
        method: method.toUpperCase(),
        path: p,
        query,
        body: op.requestBody?.content?.['application/json']?.schema,
        pathEnums,
      });
    }
  }
  for (const r of NON_API) if (!routes.has(`${r.method} ${r.path}`)) routes.set(`${r.method} ${r.path}`, r);
  return [...routes.values()];
}

/** "METHOD /path/{param}" for every route the router holds, parsed from printRoutes' tree. */
function registeredRoutes(server: FastifyInstance): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    const full = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) if (method !== 'HEAD') out.push(`${method} ${full}`);
  }
  return out;
}

// Enumerated once at load time, over a throwaway database, so that each route gets its own test.
const probe = createDb({ sqlitePath: ':memory:' });
const probeServer = await buildServer(createApp(testConfig(), probe, new FakeClock()));
await probeServer.ready();
const ROUTES = await enumerateRoutes(probeServer);
const REGISTERED = registeredRoutes(probeServer);
await probeServer.close();
await probe.close();

describe('route enumeration', () => {
  it(`finds at least ${MIN_ROUTES} routes, and every route the router holds`, () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(MIN_ROUTES);
    expect(REGISTERED.length).toBeGreaterThanOrEqual(MIN_ROUTES);
    const fuzzed = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    // The swagger UI's static files sit under a wildcard the tree prints oddly; /docs/static/{*} covers them.
    const missing = REGISTERED.filter((r) => !fuzzed.has(r) && !r.startsWith('GET /docs'));
    expect(missing, 'routes the router holds but the fuzzer does not know; add hidden ones to NON_API').toEqual([]);
  });
});

type Auth = { kind: 'admin' } | { kind: 'viewer' } | { kind: 'none' } | { kind: 'garbage'; header: string };

interface FuzzRequest {
  method: string;
  url: string;
  auth: Auth;
  body: BodySpec;
  requestId: string | undefined;
}

/**
 * DESIGN.md section 3: a bearer token on /api/* and /functions/* (and the runbook's /verify); the OpenAPI document
 * is public. POST /api/v1/session (signing in) needs no token, but it stays guarded here: random bodies never hold
 * a valid password or token.
 */
const needsToken = (p: string): boolean =>
  (/^\/(api|functions)\//.test(p) && p !== '/api/v1/openapi.json') || p === '/verify';

/** Codes that mean the request never got past routing, authentication or parsing. */
const EDGE_CODE = /^(request|route|auth)\./;

describeEachDialect('random input on every route never yields a 5xx', (env) => {
  const adminToken = randomBytes(24).toString('hex');
  let dataDir: string;
  let server: FastifyInstance;
  let viewerToken: string;
  let runnerToken: string;
  const realIds: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fuzz-'));
    const clock = new FakeClock();
    const app = env.app(clock);
    await bootstrapAdmin(env.database.db, clock, { adminToken, dataDir });
    // GET /api/v1/stream is fuzzed like every other route, but a request that passes its checks is a
    // live event stream that inject() would wait on forever: here streams end after 50 ms (the
    // route's lifetime option, 15 min in production), so such requests answer a finished 200.
    // Likewise a runner's claim is a long poll: here it waits not at all (30 s at most in production).
    server = await buildServer(app, { stream: { maxMs: 50 }, runner: { maxWaitSeconds: 0 } });
    await server.ready();
    const viewer = await app.users.create(env.admin, {
      handle: 'fuzz-viewer',
      name: 'Viewer',
      email: 'viewer@example.test',
    });
    viewerToken = (await app.tokens.create(env.admin, { user: viewer.id, role: 'viewer' })).secret;
    // The runner routes take a runner token instead of an API token: "admin" requests there carry it.
    runnerToken = (await app.actionDefinitions.createRunner(env.admin, { name: 'fuzz', group: 'fuzz' })).token;
    // Besides the seeded objects: a well-formed number nobody has, numbers, and files the docs UI serves.
    realIds.push('INC-20990101-0001', '1', '0', '-1', 'index.html', 'swagger-ui.css', 'swagger-initializer.js');
  });

  afterAll(async () => {
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Fresh objects for the next route, since earlier fuzzing may have deleted or deactivated the last ones. */
  async function seed(): Promise<void> {
    const app = env.app();
    const tag = randomBytes(4).toString('hex');
    const user = await app.users.create(env.admin, {
      handle: `fuzz-${tag}`,
      name: `Fuzz ${tag}`,
      email: `fuzz-${tag}@example.test`,
    });
    const { token } = await app.tokens.create(env.admin, { user: user.id, role: 'responder' });
    const { service } = await app.services.create(env.admin, { name: `svc ${tag}` });
    const open = await app.incidents.create(env.admin, { title: `open ${tag}`, severity: 'P2', serviceId: service.id });
    const done = await app.incidents.create(env.admin, { title: `done ${tag}`, severity: 'P3' });
    await app.incidents.resolve(env.admin, done.id, 'fixed');
    realIds.push(user.id, user.handle, token.id, service.id, service.name, open.id, open.number, done.id, done.number);
    // GDPR breaches (issue 20, part "breaches")
    const breach = await app.breaches.open(env.admin, { title: `breach ${tag}`, incidentId: open.id });
    realIds.push(breach.breach.id, breach.breach.number);
  }

  function authHeader(auth: Auth, url: string): Record<string, string> {
    if (auth.kind === 'admin')
      return { authorization: `Bearer ${url.startsWith('/api/v1/runner/') ? runnerToken : adminToken}` };
    if (auth.kind === 'viewer') return { authorization: `Bearer ${viewerToken}` };
    if (auth.kind === 'garbage') return { authorization: auth.header };
    return {};
  }

  async function send(req: FuzzRequest): Promise<LightMyRequestResponse> {
    return server.inject({
      method: req.method as (typeof METHODS)[number],
      url: req.url,
      headers: {
        ...req.body.headers,
        ...authHeader(req.auth, req.url),
        ...(req.requestId !== undefined && { 'x-request-id': req.requestId }),
      },
      ...(req.body.payload !== undefined && { payload: req.body.payload }),
    });
  }

  /** status < 500, and a 4xx carries exactly `{"error":{"code","message"[,"details"]}}`; returns the error code. */
  function check(req: FuzzRequest, res: LightMyRequestResponse): string | undefined {
    const where = `${req.method} ${req.url.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 500)}`;
    expect(res.statusCode, where).toBeLessThan(500);
    if (res.statusCode < 400 || req.method === 'HEAD') return undefined;
    if (isHtmlPage(req.url) && String(res.headers['content-type']).startsWith('text/html')) {
      expect(res.body, where).toMatch(/^<!doctype html>/);
      return `html.${res.statusCode}`;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw new Error(`not JSON: ${where}`);
    }
    if (req.method === 'POST' && isPagerDutyPath(req.url)) {
      // The PagerDuty-compatible endpoints answer in PagerDuty's own error shape (other methods there are unknown
      // routes).
      const pd = parsed as { status?: unknown; message?: unknown; errors?: unknown };
      expect(Object.keys(pd), where).toEqual(['status', 'message', 'errors']);
      expect(typeof pd.status, where).toBe('string');
      expect(Array.isArray(pd.errors) && pd.errors.every((e) => typeof e === 'string'), where).toBe(true);
      return res.statusCode === 413 ? 'request.too_large' : `pagerduty.${res.statusCode}`;
    }
    const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
    expect(Object.keys(parsed as object), where).toEqual(['error']);
    expect(typeof error?.code, where).toBe('string');
    expect(typeof error?.message, where).toBe('string');
    return error?.code as string;
  }

  function isPagerDutyPath(url: string): boolean {
    let path = url.split('?')[0] ?? url;
    try {
      path = decodeURIComponent(path);
    } catch {
      return false;
    }
    return path.startsWith('/v2/');
  }

  /** The body limit of a route: the ingest endpoints take more than the API's default. */
  function bodyLimitOf(path: string): number {
    if (path.startsWith('/v2/')) return PAGERDUTY_BODY_LIMIT;
    if (path.startsWith('/api/v1/integrations/')) return WEBHOOK_BODY_LIMIT;
    if (path === '/api/v1/gdpr/consents') return consentsBodyLimit(env.config.bodyLimit);
    if (path === '/api/v1/runner/invocations/{id}/output') return RUNNER_OUTPUT_BODY_LIMIT;
    return env.config.bodyLimit;
  }

  /** A path parameter: mostly one of its enum values when it has them, else any segment. */
  function enumOrSegment(values: string[] | undefined): fc.Arbitrary<string> {
    return values?.length
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: pathSegment(realIds) })
      : pathSegment(realIds);
  }

  function urlOf(route: Route): fc.Arbitrary<string> {
    const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    return fc
      .tuple(
        pathSpelling(route.path),
        fc.tuple(...names.map((name) => enumOrSegment(route.pathEnums?.[name]))),
        queryString(route.query, realIds),
      )
      .map(([spelling, segments, query]) => {
        let i = 0;
        return spelling.replace(/\{[^}]+\}/g, () => segments[i++] ?? '') + query;
      });
  }

  const plainBody = fc.constant<BodySpec>({ headers: {} });

  /**
   * A GET or HEAD whose dot segments ("/api/%2e%2e/…") lead out of /api is, once the URL is normalised
   * (as inject and every browser do), a console page: the public index.html shell, which holds no data
   * (a HEAD answer carries its headers without the body).
   */
  function leftTheApi(req: FuzzRequest, res: { headers: Record<string, unknown>; body: string }): boolean {
    const normalised = new URL(req.url, 'http://vigil.test').pathname.toLowerCase();
    const shell = req.method === 'HEAD' ? res.body === '' : res.body.startsWith('<!doctype html>');
    return (
      (req.method === 'GET' || req.method === 'HEAD') &&
      !normalised.startsWith('/api/') &&
      String(res.headers['content-type']).startsWith('text/html') &&
      shell
    );
  }

  /**
   * Runs `numRuns` random requests and checks each; on a protected route, no request without a valid
   * token may succeed. Returns how many admin requests got past the HTTP edge into a service.
   */
  async function fuzz(arb: fc.Arbitrary<FuzzRequest>, numRuns: number, protectedRoute = false): Promise<number> {
    let reached = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (req) => {
        const res = await send(req);
        const code = check(req, res);
        if (req.auth.kind === 'admin' && (code === undefined || !EDGE_CODE.test(code))) reached++;
        if ((req.auth.kind === 'none' || req.auth.kind === 'garbage') && protectedRoute && !leftTheApi(req, res)) {
          expect(
            res.statusCode,
            `answered without a valid token: ${req.method} ${req.url.slice(0, 300)}`,
          ).not.toBeLessThan(300);
        }
      }),
      { numRuns },
    );
    return reached;
  }

  async function adminStillWorks(): Promise<void> {
    const res = await server.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}`, async () => {
      await seed();
      const admin = fc.constant<Auth>({ kind: 'admin' });
      const hasBody = route.body !== undefined || route.method === 'POST' || route.method === 'PATCH';

      // Path parameters and query strings, with a body of the route's own fields where it takes one.
      const fields = hasBody ? fieldBody(route.body, realIds) : plainBody;
      const reachedByUrl = await fuzz(
        fc.record({ method: fc.constant(route.method), url: urlOf(route), auth: admin, body: fields, requestId }),
        80,
      );

      // Bodies of every kind, on a mostly real URL.
      const reachedByBody = await fuzz(
        fc.record({
          method: fc.constant(route.method),
          url: urlOf(route),
          auth: admin,
          body: body(route.body, realIds),
          requestId,
        }),
        hasBody ? 120 : 40,
      );

      // No token, a garbage token, a viewer's token; and other methods on the same path.
      const auth = fc.oneof(
        fc.constant<Auth>({ kind: 'none' }),
        fc.constant<Auth>({ kind: 'viewer' }),
        garbageAuthorization.map((header): Auth => ({ kind: 'garbage', header })),
      );
      const guarded = needsToken(route.path);
      await fuzz(
        fc.record({
          method: fc.constant(route.method),
          url: urlOf(route),
          auth,
          body: body(route.body, realIds),
          requestId,
        }),
        40,
        guarded,
      );
      await fuzz(
        fc.record({
          method: fc.constantFrom(...METHODS),
          url: urlOf(route),
          auth: fc.oneof(admin, auth),
          body: body(route.body, realIds),
          requestId,
        }),
        30,
        guarded,
      );

      // A body over the limit is refused at the edge.
      const oversize = {
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ text: 'x'.repeat(bodyLimitOf(route.path)) }),
      };
      const bigReq: FuzzRequest = {
        method: route.method,
        url: route.path.replace(/\{[^}]+\}/g, realIds.at(-1) ?? 'x'),
        auth: { kind: 'admin' },
        body: oversize,
        requestId: undefined,
      };
      const bigCode = check(bigReq, await send(bigReq));
      if (hasBody) expect(bigCode).toBe('request.too_large');

      // The fuzzing reached the services, not just the validators, and left the admin able to work.
      // (The docs UI's static wildcard has only a few real names, so random segments rarely find one.)
      if (!route.path.includes('{*}'))
        expect(reachedByUrl + reachedByBody, 'no request got past the HTTP edge').toBeGreaterThan(0);
      await adminStillWorks();
    }, 120_000);
  }
});
