// JSON Web Key Sets (RFC 7517): fetched over HTTP through the SSRF guard, turned into public
// KeyObjects, and cached for /verify. Only public signing keys are kept: a symmetric ("oct") key in a
// JWKS is never used, so a public document can never become an HMAC secret.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { checkUrl, guardedDispatcher, parseAllowlist } from '../net/index.js';

export interface PublicJwk {
  readonly kid: string | undefined;
  /** The key's own `alg`, when the set pins one. */
  readonly alg: string | undefined;
  readonly key: KeyObject;
}

export interface KeySet {
  readonly keys: readonly PublicJwk[];
  /** Entries left out, each with why ("key 2 (kid "a"): symmetric keys are never used"). */
  readonly skipped: readonly string[];
}

/** Largest JWKS document read, and most keys taken from it. */
const MAX_BYTES = 1 << 20;
const MAX_KEYS = 100;
export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;

/** The public members of each key type: anything else (a private `d`, say) is dropped before import. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] };

/** A parsed JWKS document → its usable public signing keys; throws a JwksError when it is not a key set. */
export function importJwks(document: unknown): KeySet {
  const entries = typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(entries)) throw new JwksError('the answer is JSON but not a key set (no "keys" array)');
  const keys: PublicJwk[] = [];
  const skipped: string[] = [];
  for (const [i, entry] of entries.slice(0, MAX_KEYS).entries()) {
    const jwk = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    const label = `key ${i + 1}${kid === undefined ? '' : ` (kid ${JSON.stringify(kid)})`}`;
    const members = PUBLIC_MEMBERS[String(jwk.kty)];
    if (jwk.kty === 'oct') skipped.push(`${label}: symmetric keys are never used`);
    else if (!members) skipped.push(`${label}: key type ${JSON.stringify(jwk.kty ?? null)} is not supported`);
    else if (jwk.use !== undefined && jwk.use !== 'sig')
      skipped.push(`${label}: it is for ${JSON.stringify(jwk.use)}, not signatures`);
    else if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify'))
      skipped.push(`${label}: its key_ops do not include "verify"`);
    else {
      const pub: JsonWebKey = { kty: jwk.kty as string };
      for (const m of members) pub[m] = jwk[m];
      try {
        const key = createPublicKey({ key: pub, format: 'jwk' });
        keys.push({ kid, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined, key });
      } catch (error) {
        skipped.push(
          `${label}: not a valid ${String(jwk.kty)} key (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    }
  }
  if (entries.length > MAX_KEYS) skipped.push(`${entries.length - MAX_KEYS} keys past the first ${MAX_KEYS}`);
  return { keys, skipped };
}

/** The JWKS could not be fetched or read; the message says why, for an operator. */
export class JwksError extends Error {
  override name = 'JwksError';
}

/** Why a request failed, in an operator's words (undici hides the useful part in `cause`). */
function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code;
  if (
    e.name === 'TimeoutError' ||
    e.name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  )
    return `no answer within ${timeoutMs} ms`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed before an answer';
  const message = e.cause?.message ?? e.message ?? String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** GETs a JWKS with one dispatcher and imports it; throws a JwksError naming the URL and the cause. */
export async function downloadJwks(
  url: string,
  dispatcher: Dispatcher,
  allow: ReturnType<typeof parseAllowlist>,
  timeoutMs = DEFAULT_JWKS_TIMEOUT_MS,
): Promise<KeySet> {
  const checked = checkUrl(url, allow);
  if (!checked.ok) throw new JwksError(`JWKS ${url}: ${checked.reason}`);
  let status: number;
  let text = '';
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher,
      headers: { accept: 'application/jwk-set+json, application/json', 'user-agent': 'Vigil' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    if (status !== 200) {
      await res.body.dump().catch(() => undefined);
      throw new JwksError(`JWKS ${url} answered HTTP ${status}, not 200`);
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BYTES) {
        res.body.destroy();
        throw new JwksError(`JWKS ${url} is larger than ${MAX_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof JwksError) throw error;
    throw new JwksError(`JWKS ${url} could not be fetched: ${describeFailure(error, timeoutMs)}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new JwksError(`JWKS ${url} did not answer JSON`);
  }
  try {
    return importJwks(document);
  } catch (error) {
    throw new JwksError(`JWKS ${url}: ${(error as Error).message}`);
  }
}

export interface FetchJwksOptions {
  /** VIGIL_OUTBOUND_ALLOW's text (config.notify.outboundAllow): what the SSRF guard lets through. */
  allow?: string | undefined;
  timeoutMs?: number;
}

/**
 * One check of an issuer's JWKS URL, for monitors: how many usable signing keys it serves and their
 * ids, or an AppError `jwks.unavailable` whose message says what went wrong (refused by the SSRF
 * guard, refused connection, timeout, HTTP status, not JSON, not a key set, no usable keys).
 */
export async function fetchJwks(
  url: string,
  options: FetchJwksOptions = {},
): Promise<{ keys: number; keyIds: string[]; skipped: string[] }> {
  const allow = parseAllowlist(options.allow);
  const timeoutMs = options.timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS;
  const dispatcher = guardedDispatcher(allow, { timeoutMs });
  try {
    const set = await downloadJwks(url, dispatcher, allow, timeoutMs);
    if (set.keys.length === 0)
      throw new JwksError(
        `JWKS ${url} has no usable signing keys${set.skipped.length ? ` (${set.skipped.join('; ')})` : ''}`,
      );
    return {
      keys: set.keys.length,
      keyIds: set.keys.flatMap((k) => (k.kid === undefined ? [] : [k.kid])),
      skipped: [...set.skipped],
    };
  } catch (error) {
    throw new AppError(
      'jwks.unavailable',
      error instanceof JwksError ? error.message : `JWKS ${url}: ${String(error)}`,
      { url },
    );
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

export interface JwksCacheOptions {
  url: string;
  allow?: string | undefined;
  clock: Clock;
  /** How long a fetched set is used before it is fetched again (default 5 minutes). */
  ttlMs?: number;
  /**
   * Least time between two fetches caused by an unknown `kid` (default 10 s), so random kids cannot hammer the
   * issuer.
   */
  cooldownMs?: number;
  timeoutMs?: number;
}

export interface JwksCache {
  /** The cached set while fresh, else a new fetch (concurrent callers share one). Throws JwksError. */
  current(): Promise<KeySet>;
  /** Fetches again for a `kid` the set lacks, unless the last fetch is younger than the cooldown; undefined then. */
  refetch(): Promise<KeySet | undefined>;
}

/** Keeps one issuer's keys: fetched on first use, reused for `ttlMs`, refetched once for an unknown kid. */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const ttlMs = options.ttlMs ?? 300_000;
  const cooldownMs = options.cooldownMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS;
  const allow = parseAllowlist(options.allow);
  let dispatcher: Dispatcher | undefined;
  let cached: { set: KeySet; at: number } | undefined;
  let inflight: Promise<KeySet> | undefined;

  const load = (): Promise<KeySet> => {
    inflight ??= (async () => {
      dispatcher ??= guardedDispatcher(allow, { timeoutMs });
      try {
        const set = await downloadJwks(options.url, dispatcher, allow, timeoutMs);
        cached = { set, at: options.clock.now().getTime() };
        return set;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };
  const age = () => (cached ? options.clock.now().getTime() - cached.at : Infinity);

  return {
    current: () => (cached && age() < ttlMs ? Promise.resolve(cached.set) : load()),
    refetch: async () => (age() < cooldownMs ? undefined : load()),
  };
}
