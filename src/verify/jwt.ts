// Verifying a compact JWS JSON Web Token (RFC 7519, 7515, 7518) with node:crypto: decode, pick the
// algorithm's rules, check the signature against one key, then the time and identity claims.
// Everything here is pure (time comes in as `now`); fetching keys lives in jwks.ts.
//
// Algorithm confusion is ruled out by construction: an HS* algorithm is only ever checked with the
// configured shared secret, never with a key from a JWKS, and an asymmetric algorithm only with a
// public key whose type (and curve) is the one that algorithm names. The header's `alg` chooses the
// rules, but each rule refuses keys of any other kind.
import { createHmac, constants, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/** Why a token is not valid: stable codes that /verify answers and monitoring can match on. */
export const JWT_REASONS = [
  'malformed',
  'algorithm_not_allowed',
  'unknown_key',
  'bad_signature',
  'expired',
  'not_yet_valid',
  'wrong_issuer',
  'wrong_audience',
  'jwks_unavailable',
] as const;
export type JwtReason = (typeof JWT_REASONS)[number];

export interface JwtFailure {
  readonly code: JwtReason;
  readonly message: string;
}

/** Longest token we look at; real ones are well under 8 KiB. */
export const MAX_TOKEN_LENGTH = 16_384;
/** Leeway for `exp` and `nbf`, for clocks that disagree a little. */
export const CLOCK_SKEW_S = 60;

export interface JwtHeader {
  readonly alg: string;
  readonly kid?: string | undefined;
  readonly [name: string]: unknown;
}

export type JwtClaims = Readonly<Record<string, unknown>>;

export interface DecodedJwt {
  readonly header: JwtHeader;
  readonly claims: JwtClaims;
  /** `base64url(header) "." base64url(payload)`: the bytes the signature covers. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

/** A hash for HMAC and RSA, and the key type an asymmetric algorithm needs. */
interface AlgorithmRule {
  family: 'hmac' | 'rsa' | 'rsa-pss' | 'ecdsa' | 'eddsa';
  hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** The named curve (node's spelling) for ECDSA, or the OKP curves EdDSA accepts. */
  curves?: readonly string[];
}

const ALGORITHMS: Readonly<Record<string, AlgorithmRule>> = {
  HS256: { family: 'hmac', hash: 'sha256' },
  HS384: { family: 'hmac', hash: 'sha384' },
  HS512: { family: 'hmac', hash: 'sha512' },
  RS256: { family: 'rsa', hash: 'sha256' },
  RS384: { family: 'rsa', hash: 'sha384' },
  RS512: { family: 'rsa', hash: 'sha512' },
  PS256: { family: 'rsa-pss', hash: 'sha256' },
  PS384: { family: 'rsa-pss', hash: 'sha384' },
  PS512: { family: 'rsa-pss', hash: 'sha512' },
  ES256: { family: 'ecdsa', hash: 'sha256', curves: ['prime256v1'] },
  ES384: { family: 'ecdsa', hash: 'sha384', curves: ['secp384r1'] },
  ES512: { family: 'ecdsa', hash: 'sha512', curves: ['secp521r1'] },
  EdDSA: { family: 'eddsa', hash: null, curves: ['ed25519', 'ed448'] },
  Ed25519: { family: 'eddsa', hash: null, curves: ['ed25519'] },
};

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const PUBLIC_KEY_ALGORITHMS = Object.keys(ALGORITHMS).filter((alg) => !alg.startsWith('HS'));

const HASH_BYTES = { sha256: 32, sha384: 48, sha512: 64 } as const;
const MIN_RSA_BITS = 2048;
/** Bounds of a JavaScript Date, in seconds. */
const MAX_DATE_S = 8.64e12;

const fail = (code: JwtReason, message: string): JwtFailure => ({ code, message });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A base64url JSON object segment, or the words for what is wrong with it. */
function parseSegment(segment: string, what: string): { value: Record<string, unknown> } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return { problem: `the ${what} is not base64url-encoded JSON` };
  }
  return isObject(parsed) ? { value: parsed } : { problem: `the ${what} is not a JSON object` };
}

/** Splits and parses a compact JWS; a failure says what is wrong with its shape (never quoting it). */
export function decodeJwt(token: string): DecodedJwt | JwtFailure {
  const text = token.trim();
  if (text.length === 0) return fail('malformed', 'the token is empty');
  if (text.length > MAX_TOKEN_LENGTH)
    return fail('malformed', `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = text.split('.');
  if (parts.length === 5)
    return fail('malformed', 'the token has five parts: an encrypted JWT (JWE) cannot be verified here');
  if (parts.length !== 3)
    return fail('malformed', `a signed JWT has three dot-separated parts; this one has ${parts.length}`);
  const [head, body, sig] = parts as [string, string, string];
  if (!head || !body) return fail('malformed', 'the token has an empty header or payload');
  if (![head, body, sig].every((p) => /^[A-Za-z0-9_-]*$/.test(p)))
    return fail('malformed', 'the token has characters outside base64url');
  const headerPart = parseSegment(head, 'header');
  if ('problem' in headerPart) return fail('malformed', headerPart.problem);
  const claimsPart = parseSegment(body, 'payload');
  if ('problem' in claimsPart) return fail('malformed', claimsPart.problem);
  const header = headerPart.value;
  const claims = claimsPart.value;
  if (typeof header.alg !== 'string' || header.alg === '') return fail('malformed', 'the header has no "alg"');
  if (header.kid !== undefined && typeof header.kid !== 'string')
    return fail('malformed', 'the header\'s "kid" is not a string');
  // RFC 7515 §4.1.11: extensions marked critical that we do not implement (b64:false among them) must be refused.
  if (header.crit !== undefined)
    return fail('malformed', 'the header lists critical extensions ("crit"), which are not supported');
  return {
    header: header as JwtHeader,
    claims,
    signingInput: Buffer.from(`${head}.${body}`, 'ascii'),
    signature: Buffer.from(sig, 'base64url'),
  };
}

export function isJwtFailure(value: DecodedJwt | JwtFailure): value is JwtFailure {
  return !('header' in value);
}

/** Whether `alg` is one Vigil verifies with a shared secret, or with public keys, or neither. */
export function algorithmKind(alg: string): 'secret' | 'public' | undefined {
  const rule = ALGORITHMS[alg];
  if (!rule) return undefined;
  return rule.family === 'hmac' ? 'secret' : 'public';
}

/** Why `key` cannot check `alg` (wrong type, curve or size), or undefined when it fits. */
export function keyMismatch(alg: string, key: KeyObject): string | undefined {
  const rule = ALGORITHMS[alg];
  if (!rule || rule.family === 'hmac') return `${alg} is not a public-key algorithm`;
  if (key.type !== 'public') return 'the key is not a public key';
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  switch (rule.family) {
    case 'rsa':
    case 'rsa-pss':
      if (type !== 'rsa' && type !== 'rsa-pss') return `${alg} needs an RSA key; this is an ${describeKey(key)} key`;
      if ((details.modulusLength ?? 0) < MIN_RSA_BITS)
        return `the RSA key has ${details.modulusLength ?? 0} bits; at least ${MIN_RSA_BITS} are required`;
      return undefined;
    case 'ecdsa':
      if (type !== 'ec' || !rule.curves?.includes(details.namedCurve ?? ''))
        return `${alg} needs an EC ${curveName(rule.curves?.[0] ?? '')} key; this is an ${describeKey(key)} key`;
      return undefined;
    case 'eddsa':
      if (!rule.curves?.includes(type))
        return `${alg} needs an ${rule.curves?.map(curveName).join(' or ')} key; this is an ${describeKey(key)} key`;
      return undefined;
  }
}

const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
};
const curveName = (node: string) => CURVE_NAMES[node] ?? node;

/** "RSA", "EC P-256", "Ed25519": a key's type as an operator would say it. */
export function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ec') return `EC ${curveName(key.asymmetricKeyDetails?.namedCurve ?? '?')}`;
  if (type === 'rsa' || type === 'rsa-pss') return 'RSA';
  return curveName(type);
}

/** Checks the signature of a decoded token with a public key already known to fit its algorithm. */
export function verifyWithPublicKey(jwt: DecodedJwt, key: KeyObject): boolean {
  const rule = ALGORITHMS[jwt.header.alg];
  if (!rule || rule.family === 'hmac' || keyMismatch(jwt.header.alg, key) !== undefined) return false;
  try {
    switch (rule.family) {
      case 'rsa':
        return cryptoVerify(rule.hash, jwt.signingInput, { key, padding: constants.RSA_PKCS1_PADDING }, jwt.signature);
      case 'rsa-pss':
        return cryptoVerify(
          rule.hash,
          jwt.signingInput,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[rule.hash ?? 'sha256'] },
          jwt.signature,
        );
      case 'ecdsa':
        // JWS carries ECDSA signatures as the raw r‖s pair (RFC 7518 §3.4), not DER.
        return cryptoVerify(rule.hash, jwt.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
      case 'eddsa':
        return cryptoVerify(null, jwt.signingInput, key, jwt.signature);
    }
  } catch {
    // A signature of the wrong length or encoding makes node throw; it is simply not valid.
    return false;
  }
}

/** Checks an HS256/384/512 signature with the shared secret, in constant time. */
export function verifyWithSecret(jwt: DecodedJwt, secret: Buffer): boolean {
  const rule = ALGORITHMS[jwt.header.alg];
  if (rule?.family !== 'hmac' || !rule.hash) return false;
  const expected = createHmac(rule.hash, secret).update(jwt.signingInput).digest();
  return expected.length === jwt.signature.length && timingSafeEqual(expected, jwt.signature);
}

export interface ClaimExpectations {
  issuer: string;
  /** When set, `aud` (a string or an array) must contain it. */
  audience?: string | undefined;
  now: Date;
  skewS?: number;
}

/** A NumericDate claim as seconds, undefined when absent, or a failure when it is not a usable number. */
function numericDate(claims: JwtClaims, name: string): number | undefined | JwtFailure {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_DATE_S)
    return fail('malformed', `the "${name}" claim is not a NumericDate (seconds since 1970)`);
  return value;
}

/** The registered claims a verdict reports, read from the (possibly unverified) payload. */
export interface ClaimsView {
  subject: string | null;
  issuer: string | null;
  audience: string | string[] | null;
  expiresAt: Date | null;
  issuedAt: Date | null;
}

/** What a token says about itself; values of the wrong type are left out rather than trusted. */
export function viewClaims(claims: JwtClaims): ClaimsView {
  const date = (name: string) => {
    const s = numericDate(claims, name);
    return typeof s === 'number' ? new Date(s * 1000) : null;
  };
  const aud = claims.aud;
  return {
    subject: typeof claims.sub === 'string' ? claims.sub : null,
    issuer: typeof claims.iss === 'string' ? claims.iss : null,
    audience:
      typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
        ? (aud as string | string[])
        : null,
    expiresAt: date('exp'),
    issuedAt: date('iat'),
  };
}

/** Checks exp, nbf, iat's type, iss and aud; undefined when they all pass. */
export function checkClaims(claims: JwtClaims, expect: ClaimExpectations): JwtFailure | undefined {
  const skew = expect.skewS ?? CLOCK_SKEW_S;
  const nowS = expect.now.getTime() / 1000;
  const exp = numericDate(claims, 'exp');
  const nbf = numericDate(claims, 'nbf');
  const iat = numericDate(claims, 'iat');
  for (const value of [exp, nbf, iat]) if (isObject(value)) return value as JwtFailure;
  if (typeof exp === 'number' && nowS >= exp + skew)
    return fail('expired', `the token expired at ${new Date(exp * 1000).toISOString()}`);
  if (typeof nbf === 'number' && nowS + skew < nbf)
    return fail('not_yet_valid', `the token is not valid before ${new Date(nbf * 1000).toISOString()}`);
  if (claims.iss !== expect.issuer) {
    return fail(
      'wrong_issuer',
      typeof claims.iss === 'string'
        ? `the token was issued by ${JSON.stringify(claims.iss)}, not ${JSON.stringify(expect.issuer)}`
        : `the token has no "iss" claim; ${JSON.stringify(expect.issuer)} is expected`,
    );
  }
  if (expect.audience !== undefined) {
    const aud = claims.aud;
    const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!list.includes(expect.audience)) {
      return fail(
        'wrong_audience',
        aud === undefined
          ? `the token has no "aud" claim; ${JSON.stringify(expect.audience)} is expected`
          : `the token's audience does not include ${JSON.stringify(expect.audience)}`,
      );
    }
  }
  return undefined;
}
