// POST /verify end to end: real tokens signed with node:crypto, a JWKS served by a real HTTP server on
// 127.0.0.1 (let through the SSRF guard by VIGIL_OUTBOUND_ALLOW, as an admin would), key rotation,
// every reason a token is refused, configuration errors, and the token kept out of answers and logs.
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { fetchJwks } from '../src/verify/index.js';
import { createJwksCache } from '../src/verify/jwks.js';
import { FakeClock } from '../src/clock.js';
import type { Config } from '../src/config.js';
import { buildServer } from '../src/http/server.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness } from './http-harness.js';
import { generateKey, signJwt, startJwksServer, type JwksServer, type TestKey } from './jwt-signer.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'vigil';
const SECRET = 'a-shared-hs256-secret-of-at-least-32-characters';
const START = '2026-11-28T12:00:00.000Z';
const startS = Date.parse(START) / 1000;

const keys = {
  rs256: generateKey('RS256', 'rsa-1'),
  rs512: generateKey('RS512', 'rsa-512'),
  ps256: generateKey('PS256', 'ps-1'),
  es256: generateKey('ES256', 'ec-1'),
  es384: generateKey('ES384', 'ec-384'),
  eddsa: generateKey('EdDSA', 'ed-1'),
};
const published = Object.values(keys).map((k) => k.jwk);

/** A config trusting `jwt`; the SSRF allowlist lets the loopback JWKS servers through unless `guarded`. */
function jwtConfig(jwt: Partial<Config['jwt']>, { guarded = false } = {}): Config {
  const base = testConfig();
  const outboundAllow = guarded ? undefined : '127.0.0.1/32';
  return {
    ...base,
    jwt: { jwksUrl: undefined, secret: undefined, issuer: undefined, audience: undefined, ...jwt },
    notify: { ...base.notify, outboundAllow },
  };
}

/** Claims that pass, relative to the harness clock (which starts at START). */
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  sub: 'user-42',
  aud: AUDIENCE,
  iat: startS - 30,
  exp: startS + 3600,
  ...extra,
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Answer {
  valid: boolean;
  reason?: { code: string; message: string };
  [field: string]: unknown;
}

describeEachDialect('POST /verify', (env) => {
  let jwks: JwksServer;
  let h: Harness;
  let viewer: Caller;
  const harnesses: Harness[] = [];

  /** A harness whose server checks tokens with `config`. */
  async function harness(config: Config): Promise<Harness> {
    const made = await startHarness(env, { clock: new FakeClock(START), config });
    harnesses.push(made);
    return made;
  }
  const verify = async (token: unknown, on: Harness = h, as: Caller | string | undefined = viewer) =>
    on.call('POST', '/verify', { as, body: { token } });
  const answer = async (token: string, on: Harness = h): Promise<Answer> => {
    const res = await verify(token, on);
    expect(res.statusCode, res.body).toBe(200);
    if (token.length > 0) expect(res.body).not.toContain(token);
    return res.json() as Answer;
  };

  beforeAll(async () => {
    jwks = await startJwksServer(published);
    h = await harness(jwtConfig({ jwksUrl: jwks.url, secret: SECRET, issuer: ISSUER, audience: AUDIENCE }));
    viewer = await h.caller('viewer', 'verify-viewer');
  });
  afterAll(async () => {
    for (const made of harnesses) await made.close();
    await jwks?.close();
  });

  describe('valid tokens', () => {
    it.each(Object.entries(keys))('accepts %s with a key from the JWKS', async (_name, key) => {
      const token = signJwt(claims(), key);
      const body = await answer(token);
      expect(body).toEqual({
        valid: true,
        subject: 'user-42',
        issuer: ISSUER,
        audience: AUDIENCE,
        expires_at: '2026-11-28T13:00:00.000Z',
        issued_at: '2026-11-28T11:59:30.000Z',
        algorithm: key.alg,
        key_id: key.kid,
        checked_at: START,
      });
    });

    it.each(['HS256', 'HS384', 'HS512'] as const)('accepts %s with the shared secret', async (alg) => {
      const body = await answer(signJwt(claims({ aud: ['other', AUDIENCE] }), { secret: SECRET, alg }));
      expect(body).toMatchObject({ valid: true, algorithm: alg, key_id: null, audience: ['other', AUDIENCE] });
    });

    it('finds the key of a token without a kid among the keys that fit its algorithm', async () => {
      const body = await answer(signJwt(claims(), keys.es384, { kid: undefined }));
      expect(body).toMatchObject({ valid: true, algorithm: 'ES384', key_id: 'ec-384' });
    });

    it('accepts a token 59 s past its exp (clock skew) and refuses it at 60 s', async () => {
      const token = signJwt(claims({ exp: startS - 59 }), keys.rs256);
      expect((await answer(token)).valid).toBe(true);
      const late = signJwt(claims({ exp: startS - 60 }), keys.rs256);
      expect((await answer(late)).reason?.code).toBe('expired');
    });

    it('answers viewers, and refuses callers without a valid bearer token', async () => {
      const token = signJwt(claims(), keys.rs256);
      expectError(await h.call('POST', '/verify', { body: { token } }), 401, 'auth.unauthorized');
      expectError(await verify(token, h, 'vgl_not-a-real-token'), 401, 'auth.unauthorized');
      expect((await h.call('POST', '/verify/', { as: viewer, body: { token } })).statusCode).toBe(200);
      expectError(await h.call('POST', '/verify/', { body: { token } }), 401, 'auth.unauthorized');
    });
  });

  describe('refusals', () => {
    const other = generateKey('RS256', 'rsa-1');
    const cases: Array<[string, () => string, string, string]> = [
      [
        'an expired token',
        () => signJwt(claims({ exp: startS - 3600 }), keys.rs256),
        'expired',
        'expired at 2026-11-28T11:00:00.000Z',
      ],
      [
        'a token not valid yet',
        () => signJwt(claims({ nbf: startS + 600 }), keys.es256),
        'not_yet_valid',
        'not valid before 2026-11-28T12:10:00.000Z',
      ],
      [
        'another issuer',
        () => signJwt(claims({ iss: 'https://evil.example.test/' }), keys.eddsa),
        'wrong_issuer',
        '"https://evil.example.test/", not "https://id.example.test/"',
      ],
      ['no issuer', () => signJwt(claims({ iss: undefined }), keys.eddsa), 'wrong_issuer', 'no "iss" claim'],
      [
        'another audience',
        () => signJwt(claims({ aud: 'billing' }), keys.ps256),
        'wrong_audience',
        'does not include "vigil"',
      ],
      [
        'an audience list without ours',
        () => signJwt(claims({ aud: ['billing', 'crm'] }), { secret: SECRET }),
        'wrong_audience',
        'does not include "vigil"',
      ],
      ['no audience', () => signJwt(claims({ aud: undefined }), keys.rs256), 'wrong_audience', 'no "aud" claim'],
      [
        'a signature by another key with the same kid',
        () => signJwt(claims(), other),
        'bad_signature',
        'does not match the RSA key "rsa-1"',
      ],
      [
        'a changed payload',
        () => tamper(signJwt(claims(), keys.es256), { ...claims(), sub: 'admin' }),
        'bad_signature',
        'does not match the EC P-256 key "ec-1"',
      ],
      ['a wrong shared secret', () => signJwt(claims(), { secret: `${SECRET}-not` }), 'bad_signature', 'shared secret'],
      ['alg none', () => unsigned(claims(), 'none'), 'algorithm_not_allowed', 'alg "none"'],
      ['alg NONE', () => unsigned(claims(), 'NONE'), 'algorithm_not_allowed', 'alg "none"'],
      [
        'an unsupported alg',
        () => signJwt(claims(), keys.rs256, { alg: 'RSA-OAEP' }),
        'algorithm_not_allowed',
        'is not a supported algorithm',
      ],
      [
        'RS256 naming an EC key',
        () => signJwt(claims(), keys.rs256, { kid: 'ec-1' }),
        'algorithm_not_allowed',
        'needs an RSA key; this is an EC P-256 key',
      ],
      [
        'ES384 naming a P-256 key',
        () => signJwt(claims(), keys.es384, { kid: 'ec-1' }),
        'algorithm_not_allowed',
        'ES384 needs an EC P-384 key; this is an EC P-256 key',
      ],
      [
        'PS256 naming a key pinned to RS256',
        () => signJwt(claims(), keys.ps256, { kid: 'rsa-1' }),
        'algorithm_not_allowed',
        'pinned to RS256, the token says PS256',
      ],
      [
        'a token without kid whose algorithm no key fits',
        () => signJwt(claims(), keys.es256, { kid: undefined, alg: 'ES512' }),
        'algorithm_not_allowed',
        'no key in the JWKS fits ES512',
      ],
      [
        'an unknown kid',
        () => signJwt(claims(), generateKey('ES256', 'nobody')),
        'unknown_key',
        'no key with kid "nobody"',
      ],
      ['garbage', () => 'not a token', 'malformed', 'three dot-separated parts'],
      ['an empty token', () => '', 'malformed', 'empty'],
      ['a JWE', () => 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', 'malformed', 'encrypted'],
      [
        'exp as text',
        () => signJwt(claims({ exp: 'tomorrow' }), keys.rs256),
        'malformed',
        '"exp" claim is not a NumericDate',
      ],
    ];
    it.each(cases)('refuses %s', async (_name, make, code, words) => {
      const body = await answer(make());
      expect(body.valid).toBe(false);
      expect(body.reason?.code).toBe(code);
      expect(body.reason?.message).toContain(words);
      expect(Object.keys(body)).toEqual([
        'valid',
        'reason',
        'subject',
        'issuer',
        'audience',
        'expires_at',
        'issued_at',
        'algorithm',
        'key_id',
        'checked_at',
      ]);
    });

    it('shows what an invalid token claims, for diagnosis, but marks it invalid', async () => {
      const body = await answer(signJwt(claims({ exp: startS - 3600 }), keys.rs256));
      expect(body).toMatchObject({
        valid: false,
        subject: 'user-42',
        issuer: ISSUER,
        expires_at: '2026-11-28T11:00:00.000Z',
        algorithm: 'RS256',
        key_id: 'rsa-1',
      });
      const garbage = await answer('x.y');
      expect(garbage).toMatchObject({
        valid: false,
        subject: null,
        issuer: null,
        audience: null,
        expires_at: null,
        issued_at: null,
        algorithm: null,
        key_id: null,
        checked_at: START,
      });
    });

    it('never checks an HMAC token against the JWKS: with only a JWKS, HS256 is refused', async () => {
      const onlyJwks = await harness(jwtConfig({ jwksUrl: jwks.url, issuer: ISSUER }));
      // The classic confusion: an HMAC "signed" with the issuer's public key as the secret.
      const pem = keys.rs256.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const body = await answer(signJwt(claims(), { secret: pem }, { kid: 'rsa-1' }), onlyJwks);
      expect(body.reason).toEqual({
        code: 'algorithm_not_allowed',
        message: expect.stringContaining('needs a shared secret (VIGIL_JWT_SECRET)'),
      });
      expect((await answer(signJwt(claims(), keys.eddsa), onlyJwks)).valid).toBe(true);
    });

    it('with only a shared secret, refuses public-key algorithms', async () => {
      const onlySecret = await harness(jwtConfig({ secret: SECRET, issuer: ISSUER }));
      const body = await answer(signJwt(claims(), keys.rs256), onlySecret);
      expect(body.reason).toEqual({
        code: 'algorithm_not_allowed',
        message: expect.stringContaining("needs the issuer's public keys (VIGIL_JWT_JWKS_URL)"),
      });
      // No audience configured: aud is not checked.
      expect(await answer(signJwt(claims({ aud: 'anything' }), { secret: SECRET }), onlySecret)).toMatchObject({
        valid: true,
        audience: 'anything',
      });
    });
  });

  describe('the JWKS', () => {
    it('is fetched once and cached for five minutes', async () => {
      const server = await startJwksServer(published);
      const own = await harness(jwtConfig({ jwksUrl: server.url, issuer: ISSUER, audience: AUDIENCE }));
      try {
        for (let i = 0; i < 3; i++) expect((await answer(signJwt(claims(), keys.rs256), own)).valid).toBe(true);
        expect(server.hits).toBe(1);
        own.clock.advance(299_000);
        await answer(signJwt(claims({ exp: startS + 7200 }), keys.rs256), own);
        expect(server.hits).toBe(1);
        own.clock.advance(2_000);
        await answer(signJwt(claims({ exp: startS + 7200 }), keys.rs256), own);
        expect(server.hits).toBe(2);
      } finally {
        await server.close();
      }
    });

    it('follows a key rotation: an unknown kid fetches the set again, at most once per 10 s', async () => {
      const oldKey = generateKey('RS256', 'gen-1');
      const newKey = generateKey('ES256', 'gen-2');
      const server = await startJwksServer([oldKey.jwk]);
      const own = await harness(jwtConfig({ jwksUrl: server.url, issuer: ISSUER }));
      const token = (key: TestKey) => signJwt(claims({ exp: startS + 86_400 }), key);
      try {
        expect((await answer(token(oldKey), own)).valid).toBe(true);
        expect(server.hits).toBe(1);

        // The issuer rotates: the new key is published and the old one withdrawn.
        server.setKeys([newKey.jwk]);
        own.clock.advance(30_000);
        expect(await answer(token(newKey), own)).toMatchObject({ valid: true, key_id: 'gen-2' });
        expect(server.hits).toBe(2);

        // The old kid is gone; the set was fetched moments ago, so it is not fetched again.
        expect((await answer(token(oldKey), own)).reason?.code).toBe('unknown_key');
        expect(server.hits).toBe(2);
        own.clock.advance(11_000);
        const gone = await answer(token(oldKey), own);
        expect(gone.reason).toEqual({
          code: 'unknown_key',
          message: 'no key with kid "gen-1" in the JWKS (keys: "gen-2")',
        });
        expect(server.hits).toBe(3);
      } finally {
        await server.close();
      }
    });

    it('answers jwks_unavailable with the cause when the JWKS answers an error', async () => {
      const server = await startJwksServer(published);
      server.failWith(503);
      const own = await harness(jwtConfig({ jwksUrl: server.url, issuer: ISSUER }));
      try {
        const body = await answer(signJwt(claims(), keys.rs256), own);
        expect(body).toMatchObject({
          valid: false,
          reason: { code: 'jwks_unavailable', message: `JWKS ${server.url} answered HTTP 503, not 200` },
          algorithm: 'RS256',
          key_id: 'rsa-1',
        });
        // Failures are not cached: once the issuer is back, the next check works.
        server.failWith(null);
        expect((await answer(signJwt(claims({ aud: undefined }), keys.rs256), own)).valid).toBe(true);
      } finally {
        await server.close();
      }
    });

    it('answers jwks_unavailable when nothing listens there', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/jwks.json`;
      const own = await harness(jwtConfig({ jwksUrl: url, issuer: ISSUER }));
      const body = await answer(signJwt(claims(), keys.es256), own);
      expect(body.reason).toEqual({
        code: 'jwks_unavailable',
        message: `JWKS ${url} could not be fetched: connection refused`,
      });
    });

    it('fetches only through the SSRF guard: loopback needs VIGIL_OUTBOUND_ALLOW', async () => {
      const guarded = await harness(jwtConfig({ jwksUrl: jwks.url, issuer: ISSUER }, { guarded: true }));
      const before = jwks.hits;
      const body = await answer(signJwt(claims(), keys.rs256), guarded);
      expect(body.reason?.code).toBe('jwks_unavailable');
      expect(body.reason?.message).toContain('loopback address 127.0.0.1');
      expect(body.reason?.message).toContain('VIGIL_OUTBOUND_ALLOW');
      expect(jwks.hits).toBe(before);
    });

    it('gives up on a JWKS that does not answer within the timeout', async () => {
      const server = await startJwksServer(published);
      server.hang(true);
      try {
        const cache = createJwksCache({
          url: server.url,
          allow: '127.0.0.1/32',
          clock: new FakeClock(START),
          timeoutMs: 300,
        });
        await expect(cache.current()).rejects.toThrow(
          `JWKS ${server.url} could not be fetched: no answer within 300 ms`,
        );
      } finally {
        await server.close();
      }
    });

    it('fetchJwks (for monitors) counts the usable keys or says what is wrong', async () => {
      const server = await startJwksServer([...published, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }]);
      try {
        expect(await fetchJwks(server.url, { allow: '127.0.0.1/32', timeoutMs: 2_000 })).toEqual({
          keys: 6,
          keyIds: ['rsa-1', 'rsa-512', 'ps-1', 'ec-1', 'ec-384', 'ed-1'],
          skipped: ['key 7 (kid "hmac"): symmetric keys are never used'],
        });
        await expect(fetchJwks(server.url)).rejects.toMatchObject({
          code: 'jwks.unavailable',
          message: expect.stringContaining('loopback address 127.0.0.1 is not reachable from Vigil'),
        });
        server.setKeys([]);
        await expect(fetchJwks(server.url, { allow: '127.0.0.1/32' })).rejects.toMatchObject({
          code: 'jwks.unavailable',
          message: `JWKS ${server.url} has no usable signing keys`,
        });
        server.failWith(404);
        await expect(fetchJwks(server.url, { allow: '127.0.0.1/32' })).rejects.toMatchObject({
          message: `JWKS ${server.url} answered HTTP 404, not 200`,
        });
      } finally {
        await server.close();
      }
    });
  });

  describe('requests it cannot answer', () => {
    it('is 409 verify.not_configured until an issuer is configured, naming the variables to set', async () => {
      const bare = await harness(jwtConfig({}));
      const caller = await bare.caller('viewer', 'verify-bare');
      const error = expectError(
        await verify(signJwt(claims(), { secret: SECRET }), bare, caller),
        409,
        'verify.not_configured',
      );
      expect(error.message).toBe(
        'token verification is not configured: set VIGIL_JWT_JWKS_URL or VIGIL_JWT_SECRET and VIGIL_JWT_ISSUER ' +
          '(VIGIL_JWT_AUDIENCE is optional)',
      );
      expect(error.details).toEqual({ missing: ['VIGIL_JWT_JWKS_URL or VIGIL_JWT_SECRET', 'VIGIL_JWT_ISSUER'] });

      const noIssuer = await harness(jwtConfig({ secret: SECRET }));
      const again = expectError(
        await verify(signJwt(claims(), { secret: SECRET }), noIssuer, caller),
        409,
        'verify.not_configured',
      );
      expect(again.details).toEqual({ missing: ['VIGIL_JWT_ISSUER'] });
    });

    it.each<[string, unknown, string]>([
      ['no token', {}, 'body.token'],
      ['a number', { token: 42 }, 'body.token'],
      ['null', { token: null }, 'body.token'],
      ['an object', { token: { jwt: 'x' } }, 'body.token'],
      ['an unknown field', { token: 'a.b.c', user: 'ana' }, 'user'],
    ])('answers 400 naming the field for %s', async (_name, body, field) => {
      const error = expectError(await h.call('POST', '/verify', { as: viewer, body }), 400, 'request.invalid');
      expect(error.message).toContain(field);
    });

    it('answers 400 for a body that is not a JSON object, and 415 for other content types', async () => {
      expectError(
        await h.call('POST', '/verify', {
          as: viewer,
          body: '["a.b.c"]',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'request.invalid',
      );
      expectError(
        await h.call('POST', '/verify', {
          as: viewer,
          body: '{"token":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'request.invalid_json',
      );
      expectError(
        await h.call('POST', '/verify', {
          as: viewer,
          body: 'token=a.b.c',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'request.unsupported_media_type',
      );
    });
  });

  it('answers any string, or any token-shaped junk, with a verdict and never a 5xx', async () => {
    const part = fc.oneof(
      fc.base64String().map((t) => t.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
      fc.json().map((j) => Buffer.from(j).toString('base64url')),
    );
    const header = fc
      .record({
        alg: fc.constantFrom('RS256', 'ES256', 'EdDSA', 'HS256', 'none', 'PS512', 'ES512', 'Ed25519', 'x'),
        kid: fc.option(fc.constantFrom('rsa-1', 'ec-1', 'ed-1', 'zzz'), { nil: undefined }),
      })
      .map((h) => Buffer.from(JSON.stringify(h)).toString('base64url'));
    const payload = fc
      .dictionary(fc.constantFrom('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'x'), fc.jsonValue())
      .map((c) => Buffer.from(JSON.stringify(c)).toString('base64url'));
    const token = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.tuple(part, part, part).map((p) => p.join('.')),
      fc.tuple(header, payload, part).map((p) => p.join('.')),
    );
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const res = await verify(t);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as Answer;
        expect(body.valid, res.body).toBe(false);
        expect(typeof body.reason?.code).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the token out of every log line and answer', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const clock = new FakeClock(START);
    const app = createApp(
      jwtConfig({ jwksUrl: jwks.url, secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
      env.database,
      clock,
    );
    const server = await buildServer(app, { logger: { level: 'trace', stream } });
    await server.ready();
    const caller = await h.caller('viewer', 'verify-logs');
    try {
      const tokens = [
        signJwt(claims(), keys.rs256),
        signJwt(claims({ exp: startS - 3600 }), keys.es256),
        signJwt(claims(), { secret: `${SECRET}-bad` }),
        'garbage.token.value',
        signJwt(claims(), keys.eddsa, { kid: 'missing' }),
      ];
      for (const token of tokens) {
        for (const payload of [{ token }, { token, extra: token }]) {
          const res = await server.inject({
            method: 'POST',
            url: '/verify',
            headers: { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json' },
            payload: JSON.stringify(payload),
          });
          expect(res.statusCode).toBeLessThan(500);
          expect(res.body).not.toContain(token);
        }
      }
      const log = lines.join('');
      expect(log).toContain('/verify');
      for (const token of tokens) {
        expect(log).not.toContain(token);
        expect(log).not.toContain(token.slice(token.lastIndexOf('.') + 1));
      }
    } finally {
      await server.close();
    }
  });
});

/** The token with its payload replaced and its signature kept. */
function tamper(token: string, payload: Record<string, unknown>): string {
  const [head, , sig] = token.split('.');
  return `${head}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
}

/** An unsigned token: header alg none (in any spelling) and an empty signature. */
function unsigned(payload: Record<string, unknown>, alg: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg, typ: 'JWT' })}.${part(payload)}.`;
}
