// The checks themselves. Every connection goes through the SSRF guard: the host is resolved once by
// resolveAndCheck, refused if any answer is forbidden (unless VIGIL_OUTBOUND_ALLOW lets it through),
// and the probe connects to the checked address — with TLS still verifying the original host name —
// so a monitor cannot be pointed at loopback, the private network or a metadata service, and a DNS
// answer that changes between check and connect cannot slip past.
//
// http: method and headers as configured, redirects not followed, the expected status (default any
// 2xx or 3xx), optionally a keyword in the first MiB of the body; https records the certificate's
// expiry, and an untrusted certificate is a failure naming why. auth: the target is an issuer's JWKS
// URL, which must answer 200 with JSON whose `keys` is an array of at least one key (an object with a
// `kty`), and then, when set, a login endpoint (probeLogin). tcp: a connection is accepted. postgres:
// connect and `select 1`. All within timeout_ms.
import http from 'node:http';
import https from 'node:https';
import net, { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import pg from 'pg';
import type { Clock } from '../clock.js';
import { decodeJwt, importJwks, isJwtFailure, verifyWithPublicKey } from '../verify/index.js';
import { deadline, resolveAndCheck, type Allowlist } from '../net/index.js';
import type { CheckResult, Monitor } from './monitor.js';

const BODY_LIMIT = 1 << 20;

export interface ProbeOptions {
  allow: Allowlist;
  /** The injected clock: a login's token is judged expired by it, like every other time in Vigil. */
  clock: Clock;
  /** Extra trusted certificate authorities (tests use their own). */
  ca?: string | Buffer | undefined;
}

const fail = (error: string, extra: Partial<CheckResult> = {}): CheckResult => ({
  ok: false,
  latencyMs: null,
  status: null,
  error,
  ...extra,
});
const elapsed = (start: number) => Math.max(0, Math.round(performance.now() - start));

/** host:port ("[::1]:5432" for IPv6) → its parts, or undefined. */
export function parseHostPort(target: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(target);
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port >= 1 && port <= 65_535)) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** Why a network error failed a check, in words an operator reads at 3 a.m. */
function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  const tls: Record<string, string> = {
    DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
    SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed certificate that is not trusted',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted authority',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate issuer is not trusted',
    CERT_HAS_EXPIRED: 'the certificate has expired',
    CERT_NOT_YET_VALID: 'the certificate is not valid yet',
    ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  };
  if (tls[code]) return `TLS certificate rejected: ${tls[code]} (${code})`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset by the peer';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  const message = e instanceof Error ? e.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

interface HttpAnswer {
  status: number;
  body: string | null;
  latencyMs: number;
  tlsExpiresAt?: Date | undefined;
}

/**
 * One request through the guard; the body is read (up to 1 MiB) only when `readBody`. `to` is the
 * monitor's target unless given (an auth monitor's login endpoint), `send` a JSON body to post.
 */
async function fetchOnce(
  m: Monitor,
  o: ProbeOptions,
  readBody: boolean,
  method: string,
  to = m.target,
  send?: string,
): Promise<HttpAnswer | CheckResult> {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    return fail(`${to === m.target ? 'the target' : 'the login URL'} is not a URL`);
  }
  const start = performance.now();
  const verdict = await resolveAndCheck(url, o.allow);
  if (!verdict.ok) return fail(verdict.reason);
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const left = Math.max(1, m.timeoutMs - elapsed(start));
  return deadline<HttpAnswer | CheckResult>(
    left,
    (settle) => {
      const options: https.RequestOptions = {
        host: verdict.address,
        family: verdict.family,
        port: url.port ? Number(url.port) : secure ? 443 : 80,
        path: `${url.pathname}${url.search}`,
        method,
        headers: {
          host: url.host,
          'user-agent': 'Vigil-Monitor/1',
          ...(m.headers ?? {}),
          ...(send !== undefined && {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(send)),
          }),
        },
        agent: false,
        ...(secure && { servername: isIP(hostname) ? undefined : hostname, ...(o.ca !== undefined && { ca: o.ca }) }),
      };
      const req = (secure ? https : http).request(options, (res) => {
        let tlsExpiresAt: Date | undefined;
        const socket = res.socket as TLSSocket;
        if (secure && typeof socket.getPeerCertificate === 'function') {
          const validTo = socket.getPeerCertificate()?.valid_to;
          const at = validTo ? new Date(validTo) : undefined;
          if (at && !Number.isNaN(at.getTime())) tlsExpiresAt = at;
        }
        const status = res.statusCode ?? 0;
        if (!readBody) {
          res.resume();
          res.on('end', () => settle({ status, body: null, latencyMs: elapsed(start), tlsExpiresAt }));
          res.on('error', (error) => settle(fail(reasonOf(error), { status, tlsExpiresAt })));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () =>
          settle({ status, body: Buffer.concat(chunks).toString('utf8'), latencyMs: elapsed(start), tlsExpiresAt });
        res.on('data', (chunk: Buffer) => {
          if (size >= BODY_LIMIT) return;
          chunks.push(chunk.subarray(0, BODY_LIMIT - size));
          size += chunk.length;
          if (size >= BODY_LIMIT) {
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', (error) => settle(fail(reasonOf(error), { status, tlsExpiresAt })));
      });
      req.on('error', (error) => settle(fail(reasonOf(error), { latencyMs: null })));
      req.end(send);
      return () => req.destroy();
    },
    () => fail(`timed out after ${m.timeoutMs} ms`),
  );
}

const answered = (a: HttpAnswer | CheckResult): a is HttpAnswer => 'body' in a;

async function probeHttp(m: Monitor, o: ProbeOptions): Promise<CheckResult> {
  const a = await fetchOnce(m, o, m.expectKeyword !== null, m.method ?? 'GET');
  if (!answered(a)) return a;
  const base = { latencyMs: a.latencyMs, status: a.status, tlsExpiresAt: a.tlsExpiresAt };
  const statusOk = m.expectStatus !== null ? a.status === m.expectStatus : a.status >= 200 && a.status < 400;
  if (!statusOk) return { ok: false, ...base, error: `HTTP ${a.status} (expected ${m.expectStatus ?? '2xx or 3xx'})` };
  if (m.expectKeyword !== null && !(a.body ?? '').includes(m.expectKeyword))
    return { ok: false, ...base, error: `the response does not contain ${JSON.stringify(m.expectKeyword)}` };
  return { ok: true, ...base, error: null };
}

async function probeAuth(
  m: Monitor,
  o: ProbeOptions & { unsealLogin: (m: Monitor) => Record<string, unknown> | null },
): Promise<CheckResult> {
  const a = await fetchOnce(m, o, true, 'GET');
  if (!answered(a)) return a;
  const base = { latencyMs: a.latencyMs, status: a.status, tlsExpiresAt: a.tlsExpiresAt };
  if (a.status !== 200)
    return { ok: false, ...base, error: `the JWKS endpoint answered HTTP ${a.status} (expected 200)` };
  let doc: unknown;
  try {
    doc = JSON.parse(a.body ?? '');
  } catch {
    return { ok: false, ...base, error: 'the JWKS endpoint did not answer JSON' };
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return { ok: false, ...base, error: 'the JWKS document has no "keys" array' };
  const usable = keys.filter(
    (k) => k !== null && typeof k === 'object' && typeof (k as { kty?: unknown }).kty === 'string',
  );
  if (usable.length === 0) return { ok: false, ...base, error: 'the JWKS document lists no keys' };
  if (m.loginUrl === null) return { ok: true, ...base, error: null };
  const login = await probeLogin(m, o, doc);
  return {
    ...login,
    latencyMs: login.latencyMs === null ? null : a.latencyMs + login.latencyMs,
    tlsExpiresAt: a.tlsExpiresAt,
  };
}

/** Where a login answer usually carries its token. */
const TOKEN_FIELDS = ['access_token', 'id_token', 'token'] as const;

/**
 * The seed's "test user login flow": the login endpoint must answer 2xx — with credentials, posted as
 * JSON, a token too — and a token that is a JWT must be signed by a key of the JWKS just fetched and
 * not be expired, so an issuer that signs with a key it no longer publishes is caught.
 */
async function probeLogin(
  m: Monitor,
  o: ProbeOptions & { unsealLogin: (m: Monitor) => Record<string, unknown> | null },
  jwks: unknown,
): Promise<CheckResult> {
  const credentials = o.unsealLogin(m);
  const a = await fetchOnce(
    m,
    o,
    credentials !== null,
    credentials !== null ? 'POST' : 'GET',
    m.loginUrl as string,
    credentials !== null ? JSON.stringify(credentials) : undefined,
  );
  if (!answered(a)) return { ...a, error: `login: ${a.error}` };
  const base = { latencyMs: a.latencyMs, status: a.status };
  if (a.status < 200 || a.status >= (credentials ? 300 : 400))
    return {
      ok: false,
      ...base,
      error: `login: the endpoint answered HTTP ${a.status} (expected ${credentials ? '2xx' : '2xx or 3xx'})`,
    };
  if (!credentials) return { ok: true, ...base, error: null };
  let answer: Record<string, unknown> | null = null;
  try {
    answer = JSON.parse(a.body ?? '') as Record<string, unknown>;
  } catch {
    return { ok: false, ...base, error: 'login: the answer is not JSON' };
  }
  const token = TOKEN_FIELDS.map((f) => answer?.[f]).find((v): v is string => typeof v === 'string' && v.length > 0);
  if (!token) return { ok: false, ...base, error: `login: the answer carries no token (${TOKEN_FIELDS.join(', ')})` };
  const jwt = decodeJwt(token);
  // An opaque token cannot be checked further; that the login handed one out is the check.
  if (isJwtFailure(jwt)) return { ok: true, ...base, error: null };
  let keys;
  try {
    keys = importJwks(jwks).keys;
  } catch (error) {
    return { ok: false, ...base, error: `login: ${error instanceof Error ? error.message : String(error)}` };
  }
  const candidates = keys.filter((k) => jwt.header.kid === undefined || k.kid === jwt.header.kid);
  if (!candidates.some((k) => verifyWithPublicKey(jwt, k.key)))
    return {
      ok: false,
      ...base,
      error:
        `login: the token (kid ${JSON.stringify(jwt.header.kid ?? null)}, ${jwt.header.alg}) ` +
        'is not signed by any key of the JWKS',
    };
  const exp = jwt.claims.exp;
  if (typeof exp === 'number' && exp * 1000 < o.clock.now().getTime())
    return { ok: false, ...base, error: `login: the token it issued expired at ${new Date(exp * 1000).toISOString()}` };
  return { ok: true, ...base, error: null };
}

async function probeTcp(m: Monitor, o: ProbeOptions): Promise<CheckResult> {
  const target = parseHostPort(m.target);
  if (!target) return fail('the target is not host:port');
  const start = performance.now();
  const verdict = await resolveAndCheck(target.host, o.allow);
  if (!verdict.ok) return fail(verdict.reason);
  return deadline<CheckResult>(
    Math.max(1, m.timeoutMs - elapsed(start)),
    (settle) => {
      const socket = net.connect({ host: verdict.address, port: target.port, family: verdict.family });
      socket.once('connect', () => {
        settle({ ok: true, latencyMs: elapsed(start), status: null, error: null });
        socket.destroy();
      });
      socket.once('error', (error) => settle(fail(reasonOf(error))));
      return () => socket.destroy();
    },
    () => fail(`timed out after ${m.timeoutMs} ms connecting to ${m.target}`),
  );
}

/** A postgres:// URL's parts for pg.Client, with the host replaced by the checked address. */
function pgConfig(url: URL, address: string): pg.ClientConfig {
  const mode = url.searchParams.get('sslmode');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const ssl =
    mode === null || mode === 'disable' || mode === 'allow' || mode === 'prefer'
      ? false
      : {
          rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full',
          ...(isIP(host) ? {} : { servername: host }),
        };
  return {
    host: address,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
    ssl,
  };
}

async function probePostgres(m: Monitor, connectionString: string, o: ProbeOptions): Promise<CheckResult> {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return fail('the connection string is not a URL');
  }
  const start = performance.now();
  const verdict = await resolveAndCheck(url.hostname, o.allow);
  if (!verdict.ok) return fail(verdict.reason);
  const left = Math.max(1, m.timeoutMs - elapsed(start));
  const client = new pg.Client({
    ...pgConfig(url, verdict.address),
    connectionTimeoutMillis: left,
    query_timeout: left,
    application_name: 'vigil-monitor',
  });
  client.on('error', () => undefined);
  return deadline<CheckResult>(
    left,
    (settle) => {
      client
        .connect()
        .then(() => client.query('select 1'))
        .then(
          () => settle({ ok: true, latencyMs: elapsed(start), status: null, error: null }),
          (error: unknown) => settle(fail(reasonOf(error))),
        )
        .finally(() => void client.end().catch(() => undefined));
      return () => void client.end().catch(() => undefined);
    },
    () => fail(`timed out after ${m.timeoutMs} ms (connect and select 1)`),
  );
}

/** Runs one check of `m` (not heartbeats: those are judged by their beats). */
export async function probe(
  m: Monitor,
  o: ProbeOptions & {
    unsealTarget: (m: Monitor) => string;
    unsealLogin: (m: Monitor) => Record<string, unknown> | null;
  },
): Promise<CheckResult> {
  try {
    switch (m.kind) {
      case 'http':
        return await probeHttp(m, o);
      case 'auth':
        return await probeAuth(m, o);
      case 'tcp':
        return await probeTcp(m, o);
      case 'postgres':
        return await probePostgres(m, o.unsealTarget(m), o);
      case 'heartbeat':
        return fail('heartbeat monitors are not probed');
    }
  } catch (error) {
    return fail(reasonOf(error));
  }
}
