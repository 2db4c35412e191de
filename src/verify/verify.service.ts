// The runbook's "Emergency user verification" (POST /verify): is this JWT one our identity provider
// issued and still good? The question is always answered — an invalid token is a verdict with a
// stable reason code, not an error — unless Vigil has not been told which issuer to trust.
// The token itself is never stored, logged or returned.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { authorize, type Actor } from '../access/index.js';
import { createJwksCache, JwksError, type JwksCache, type PublicJwk } from './jwks.js';
import {
  algorithmKind,
  checkClaims,
  CLOCK_SKEW_S,
  decodeJwt,
  describeKey,
  HMAC_ALGORITHMS,
  isJwtFailure,
  keyMismatch,
  PUBLIC_KEY_ALGORITHMS,
  verifyWithPublicKey,
  verifyWithSecret,
  viewClaims,
  type ClaimsView,
  type DecodedJwt,
  type JwtFailure,
} from './jwt.js';

export interface Verdict extends ClaimsView {
  valid: boolean;
  /** Why not, when `valid` is false. */
  reason: JwtFailure | null;
  algorithm: string | null;
  /** The header's `kid`, else the id of the JWKS key that verified it. */
  keyId: string | null;
  checkedAt: Date;
}

export interface VerifyServiceDeps {
  jwt: Config['jwt'];
  /** VIGIL_OUTBOUND_ALLOW's text: the SSRF guard's allowlist for the JWKS URL. */
  outboundAllow: string | undefined;
  clock: Clock;
  /** Test seam: the JWKS cache (default: one over `jwt.jwksUrl`). */
  jwks?: JwksCache;
}

export interface VerifyService {
  verify(actor: Actor, token: string): Promise<Verdict>;
}

const NO_CLAIMS: ClaimsView = { subject: null, issuer: null, audience: null, expiresAt: null, issuedAt: null };

export function createVerifyService(deps: VerifyServiceDeps): VerifyService {
  const { jwt, clock } = deps;
  const secret = jwt.secret === undefined ? undefined : Buffer.from(jwt.secret, 'utf8');
  const jwks =
    deps.jwks ??
    (jwt.jwksUrl === undefined ? undefined : createJwksCache({ url: jwt.jwksUrl, allow: deps.outboundAllow, clock }));

  /** Which VIGIL_JWT_* variables are still needed before a token can be checked. */
  function missingSettings(): string[] {
    const missing: string[] = [];
    if (secret === undefined && jwks === undefined) missing.push('VIGIL_JWT_JWKS_URL or VIGIL_JWT_SECRET');
    if (jwt.issuer === undefined) missing.push('VIGIL_JWT_ISSUER');
    return missing;
  }

  /** The signature check with the public keys of the JWKS; undefined and the verifying key when it holds. */
  async function checkWithJwks(
    token: DecodedJwt,
    cache: JwksCache,
  ): Promise<{ failure: JwtFailure } | { key: PublicJwk }> {
    const { alg, kid } = token.header;
    let set;
    try {
      set = await cache.current();
      if (kid !== undefined && !set.keys.some((k) => k.kid === kid)) set = (await cache.refetch()) ?? set;
    } catch (error) {
      return {
        failure: {
          code: 'jwks_unavailable',
          message: error instanceof JwksError ? error.message : `the JWKS could not be fetched: ${String(error)}`,
        },
      };
    }
    const named = kid === undefined ? set.keys : set.keys.filter((k) => k.kid === kid);
    if (named.length === 0) {
      const known =
        set.keys.map((k) => (k.kid === undefined ? '(no kid)' : JSON.stringify(k.kid))).join(', ') || 'none';
      const why =
        kid === undefined
          ? 'the token names no key ("kid") and the JWKS has no usable keys'
          : `no key with kid ${JSON.stringify(kid)} in the JWKS (keys: ${known})`;
      return { failure: { code: 'unknown_key', message: why } };
    }
    const fitting = named.filter(
      (k) => (k.alg === undefined || k.alg === alg) && keyMismatch(alg, k.key) === undefined,
    );
    if (fitting.length === 0) {
      const first = named[0] as PublicJwk;
      const why = keyMismatch(alg, first.key) ?? `the key is pinned to ${first.alg ?? '?'}, the token says ${alg}`;
      const which =
        kid === undefined
          ? `no key in the JWKS fits ${alg} (keys: ${named.map((k) => describeKey(k.key)).join(', ')})`
          : why;
      return { failure: { code: 'algorithm_not_allowed', message: which } };
    }
    const match = fitting.find((k) => verifyWithPublicKey(token, k.key));
    return match
      ? { key: match }
      : {
          failure: {
            code: 'bad_signature',
            message:
              `the signature does not match the ${describeKey((fitting[0] as PublicJwk).key)} ` +
              `key${kid === undefined ? 's' : ` ${JSON.stringify(kid)}`} of the JWKS`,
          },
        };
  }

  return {
    async verify(actor, text) {
      authorize(actor, 'read');
      const missing = missingSettings();
      if (missing.length > 0) {
        throw new AppError(
          'verify.not_configured',
          `token verification is not configured: set ${missing.join(' and ')} (VIGIL_JWT_AUDIENCE is optional)`,
          { missing },
          'conflict',
        );
      }
      const checkedAt = clock.now();
      const decoded = decodeJwt(text);
      if (isJwtFailure(decoded))
        return { valid: false, reason: decoded, ...NO_CLAIMS, algorithm: null, keyId: null, checkedAt };
      const { alg, kid } = decoded.header;
      const verdict = (reason: JwtFailure | null, keyId: string | undefined = kid): Verdict => ({
        valid: reason === null,
        reason,
        ...viewClaims(decoded.claims),
        algorithm: alg,
        keyId: keyId ?? null,
        checkedAt,
      });

      const kind = algorithmKind(alg);
      if (alg.toLowerCase() === 'none')
        return verdict({ code: 'algorithm_not_allowed', message: 'unsigned tokens (alg "none") are never accepted' });
      if (kind === undefined)
        return verdict({
          code: 'algorithm_not_allowed',
          message:
            `${JSON.stringify(alg)} is not a supported algorithm ` +
            `(${[...HMAC_ALGORITHMS, ...PUBLIC_KEY_ALGORITHMS].join(', ')})`,
        });
      let keyId = kid;
      if (kind === 'secret') {
        // An HMAC token is only ever checked with the shared secret: a JWKS's public keys are public.
        if (secret === undefined)
          return verdict({
            code: 'algorithm_not_allowed',
            message:
              `${alg} needs a shared secret (VIGIL_JWT_SECRET); ` +
              'this issuer is configured with a JWKS, whose public keys are never used as HMAC secrets',
          });
        if (!verifyWithSecret(decoded, secret))
          return verdict({
            code: 'bad_signature',
            message: 'the signature does not match the shared secret (VIGIL_JWT_SECRET)',
          });
      } else {
        if (jwks === undefined)
          return verdict({
            code: 'algorithm_not_allowed',
            message: `${alg} needs the issuer's public keys (VIGIL_JWT_JWKS_URL); only a shared secret is configured`,
          });
        const checked = await checkWithJwks(decoded, jwks);
        if ('failure' in checked) return verdict(checked.failure);
        keyId = kid ?? checked.key.kid;
      }
      const claims = checkClaims(decoded.claims, {
        issuer: jwt.issuer as string,
        audience: jwt.audience,
        now: checkedAt,
        skewS: CLOCK_SKEW_S,
      });
      return verdict(claims ?? null, keyId);
    },
  };
}
