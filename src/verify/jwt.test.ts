import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKey, signJwt, type TestAlg } from '../../test/jwt-signer.js';
import { importJwks } from './jwks.js';
import {
  algorithmKind,
  checkClaims,
  decodeJwt,
  isJwtFailure,
  keyMismatch,
  viewClaims,
  verifyWithPublicKey,
  verifyWithSecret,
  type DecodedJwt,
} from './jwt.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const NOW = new Date('2026-11-28T12:00:00.000Z');
const nowS = NOW.getTime() / 1000;
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function decoded(token: string): DecodedJwt {
  const d = decodeJwt(token);
  if (isJwtFailure(d)) throw new Error(`expected a decodable token: ${d.message}`);
  return d;
}

describe('decodeJwt', () => {
  const good = `${b64({ alg: 'HS256' })}.${b64({ sub: 'x' })}.c2ln`;
  it.each([
    ['empty', '', 'empty'],
    ['spaces only', '   ', 'empty'],
    ['one part', 'abc', 'three dot-separated parts'],
    ['two parts', 'abc.def', 'three dot-separated parts'],
    ['four parts', 'a.b.c.d', 'three dot-separated parts'],
    ['a JWE', 'a.b.c.d.e', 'encrypted JWT'],
    ['empty header', `.${b64({})}.sig`, 'empty header or payload'],
    ['empty payload', `${b64({ alg: 'HS256' })}..sig`, 'empty header or payload'],
    ['not base64url', `${b64({ alg: 'HS256' })}.${b64({})}.si+g/`, 'outside base64url'],
    ['header not JSON', `${b64('nope')}.${b64({})}.sig`, 'header is not base64url-encoded JSON'],
    ['header an array', `${b64([1])}.${b64({})}.sig`, 'header is not a JSON object'],
    ['payload a string', `${b64({ alg: 'HS256' })}.${b64('"text"')}.sig`, 'payload is not a JSON object'],
    ['payload null', `${b64({ alg: 'HS256' })}.${b64('null')}.sig`, 'payload is not a JSON object'],
    ['no alg', `${b64({ typ: 'JWT' })}.${b64({})}.sig`, 'no "alg"'],
    ['alg a number', `${b64({ alg: 256 })}.${b64({})}.sig`, 'no "alg"'],
    ['kid a number', `${b64({ alg: 'RS256', kid: 7 })}.${b64({})}.sig`, '"kid" is not a string'],
    ['crit', `${b64({ alg: 'HS256', crit: ['b64'], b64: false })}.${b64({})}.sig`, 'critical extensions'],
    ['too long', `${b64({ alg: 'HS256' })}.${b64({ pad: 'x'.repeat(20_000) })}.sig`, 'longer than'],
  ])('refuses %s as malformed', (_name, token, words) => {
    const result = decodeJwt(token);
    expect(isJwtFailure(result)).toBe(true);
    expect(result).toMatchObject({ code: 'malformed' });
    expect((result as { message: string }).message).toContain(words);
  });

  it('splits a good token, keeping the signed bytes and the raw signature', () => {
    const d = decoded(good);
    expect(d.header).toEqual({ alg: 'HS256' });
    expect(d.claims).toEqual({ sub: 'x' });
    expect(d.signingInput.toString()).toBe(good.slice(0, good.lastIndexOf('.')));
    expect(d.signature.toString()).toBe('sig');
  });

  it('does not take a payload shaped like a failure for one', () => {
    const d = decodeJwt(`${b64({ alg: 'HS256' })}.${b64({ code: 'malformed', message: 'x' })}.sig`);
    expect(isJwtFailure(d)).toBe(false);
  });

  it('never quotes the token in a failure', () => {
    const token = `${b64({ typ: 'JWT' })}.${b64({ sub: 'secret-subject' })}.c2lnbmF0dXJl`;
    const result = decodeJwt(token);
    expect(JSON.stringify(result)).not.toContain('c2lnbmF0dXJl');
    expect(JSON.stringify(result)).not.toContain('secret-subject');
  });
});

describe('algorithms and keys', () => {
  const keys = {
    rsa: generateKey('RS256', 'rsa'),
    p256: generateKey('ES256', 'p256'),
    p384: generateKey('ES384', 'p384'),
    ed: generateKey('EdDSA', 'ed'),
  };
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  const ed448 = generateKeyPairSync('ed448').publicKey;

  it.each([
    ['HS256', 'secret'],
    ['HS512', 'secret'],
    ['RS256', 'public'],
    ['PS256', 'public'],
    ['ES384', 'public'],
    ['EdDSA', 'public'],
    ['none', undefined],
    ['hs256', undefined],
    ['RSA-OAEP', undefined],
  ])('%s is a %s algorithm', (alg, kind) => expect(algorithmKind(alg)).toBe(kind));

  it.each<[string, keyof typeof keys | 'rsa1024' | 'ed448', string | undefined]>([
    ['RS256', 'rsa', undefined],
    ['RS512', 'rsa', undefined],
    ['PS256', 'rsa', undefined],
    ['RS256', 'p256', 'needs an RSA key; this is an EC P-256 key'],
    ['RS256', 'rsa1024', 'has 1024 bits; at least 2048'],
    ['ES256', 'p256', undefined],
    ['ES256', 'p384', 'needs an EC P-256 key; this is an EC P-384 key'],
    ['ES384', 'p384', undefined],
    ['ES256', 'rsa', 'needs an EC P-256 key; this is an RSA key'],
    ['EdDSA', 'ed', undefined],
    ['EdDSA', 'ed448', undefined],
    ['Ed25519', 'ed448', 'needs an Ed25519 key; this is an Ed448 key'],
    ['EdDSA', 'p256', 'needs an Ed25519 or Ed448 key'],
    ['HS256', 'rsa', 'HS256 is not a public-key algorithm'],
  ])('%s with the %s key: %s', (alg, name, mismatch) => {
    const key = name === 'rsa1024' ? rsa1024 : name === 'ed448' ? ed448 : keys[name].publicKey;
    const found = keyMismatch(alg, key);
    if (mismatch === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(mismatch);
  });

  it.each<TestAlg>(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])(
    'verifies a real %s signature and refuses a tampered one',
    (alg) => {
      const key = generateKey(alg, `k-${alg}`);
      const token = signJwt({ sub: 'ana', iss: 'https://id.example' }, key);
      expect(verifyWithPublicKey(decoded(token), key.publicKey)).toBe(true);
      const [h, , s] = token.split('.');
      const tampered = `${h}.${b64({ sub: 'root', iss: 'https://id.example' })}.${s}`;
      expect(verifyWithPublicKey(decoded(tampered), key.publicKey)).toBe(false);
      expect(verifyWithPublicKey(decoded(token), generateKey(alg, 'other').publicKey)).toBe(false);
      // A signature cut short (the wrong length for ECDSA's r‖s) is not valid rather than an exception.
      expect(verifyWithPublicKey(decoded(token.slice(0, -10)), key.publicKey)).toBe(false);
    },
  );

  it('refuses a public key that does not fit the token’s algorithm even when it signed it', () => {
    const key = generateKey('ES256', 'ec');
    const token = signJwt({}, key, { alg: 'ES384' });
    expect(verifyWithPublicKey(decoded(token), key.publicKey)).toBe(false);
  });

  it.each(['HS256', 'HS384', 'HS512'] as const)('verifies %s with the shared secret only', (alg) => {
    const token = signJwt({ sub: 'ana' }, { secret: SECRET, alg });
    expect(verifyWithSecret(decoded(token), Buffer.from(SECRET))).toBe(true);
    expect(verifyWithSecret(decoded(token), Buffer.from(`${SECRET}!`))).toBe(false);
    expect(verifyWithSecret(decoded(token.slice(0, -4)), Buffer.from(SECRET))).toBe(false);
    // The HMAC path never runs for a public-key algorithm, whatever the secret.
    const rs = signJwt({}, { secret: SECRET, alg }, { alg: 'RS256' });
    expect(verifyWithSecret(decoded(rs), Buffer.from(SECRET))).toBe(false);
  });
});

describe('checkClaims', () => {
  const issuer = 'https://id.example';
  const base = { iss: issuer, sub: 'ana', aud: 'vigil', iat: nowS - 10, exp: nowS + 600 };
  it.each<[string, Record<string, unknown>, string | undefined, string | undefined]>([
    ['a good token', base, 'vigil', undefined],
    ['no audience configured', { ...base, aud: undefined }, undefined, undefined],
    ['an audience array holding ours', { ...base, aud: ['other', 'vigil'] }, 'vigil', undefined],
    ['an audience array without ours', { ...base, aud: ['other'] }, 'vigil', 'wrong_audience'],
    ['another audience', { ...base, aud: 'other' }, 'vigil', 'wrong_audience'],
    ['no audience', { ...base, aud: undefined }, 'vigil', 'wrong_audience'],
    ['expired long ago', { ...base, exp: nowS - 3600 }, 'vigil', 'expired'],
    ['expired 61 s ago', { ...base, exp: nowS - 61 }, 'vigil', 'expired'],
    ['expired 60 s ago (the skew ends)', { ...base, exp: nowS - 60 }, 'vigil', 'expired'],
    ['expired 59 s ago (within the skew)', { ...base, exp: nowS - 59 }, 'vigil', undefined],
    ['no exp', { ...base, exp: undefined }, 'vigil', undefined],
    ['nbf in 10 minutes', { ...base, nbf: nowS + 600 }, 'vigil', 'not_yet_valid'],
    ['nbf in 30 s (within the skew)', { ...base, nbf: nowS + 30 }, 'vigil', undefined],
    ['nbf passed', { ...base, nbf: nowS - 30 }, 'vigil', undefined],
    ['another issuer', { ...base, iss: 'https://evil.example' }, 'vigil', 'wrong_issuer'],
    ['no issuer', { ...base, iss: undefined }, 'vigil', 'wrong_issuer'],
    ['an issuer differing in a trailing slash', { ...base, iss: `${issuer}/` }, 'vigil', 'wrong_issuer'],
    ['exp a string', { ...base, exp: String(nowS + 600) }, 'vigil', 'malformed'],
    ['nbf out of range', { ...base, nbf: 1e300 }, 'vigil', 'malformed'],
    ['iat a string', { ...base, iat: 'yesterday' }, 'vigil', 'malformed'],
  ])('%s', (_name, claims, audience, code) => {
    const result = checkClaims(JSON.parse(JSON.stringify(claims)) as Record<string, unknown>, {
      issuer,
      audience,
      now: NOW,
    });
    expect(result?.code).toBe(code);
  });

  it('says when a token expired and who issued it', () => {
    expect(checkClaims({ ...base, exp: nowS - 3600 }, { issuer, now: NOW })?.message).toBe(
      'the token expired at 2026-11-28T11:00:00.000Z',
    );
    expect(checkClaims({ ...base, iss: 'https://evil.example' }, { issuer, now: NOW })?.message).toContain(
      '"https://evil.example", not "https://id.example"',
    );
  });

  it('reports what a token says, leaving out claims of the wrong type', () => {
    expect(viewClaims({ ...base, aud: ['a', 'b'] })).toEqual({
      subject: 'ana',
      issuer,
      audience: ['a', 'b'],
      expiresAt: new Date((nowS + 600) * 1000),
      issuedAt: new Date((nowS - 10) * 1000),
    });
    expect(viewClaims({ sub: 7, iss: null, aud: [1], exp: 'soon', iat: 1e300 })).toEqual({
      subject: null,
      issuer: null,
      audience: null,
      expiresAt: null,
      issuedAt: null,
    });
  });
});

describe('importJwks', () => {
  const rsa = generateKey('RS256', 'rsa-1');
  const ec = generateKey('ES256', 'ec-1');
  const ed = generateKey('EdDSA', 'ed-1');

  it('keeps public signing keys and says why it left the others out', () => {
    const set = importJwks({
      keys: [
        rsa.jwk,
        { ...ec.jwk, alg: undefined },
        ed.jwk,
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
        { ...rsa.jwk, kid: 'enc', use: 'enc' },
        { ...rsa.jwk, kid: 'ops', key_ops: ['encrypt'] },
        { kty: 'EC', kid: 'broken', crv: 'P-256', x: 'AAAA', y: 'AAAA' },
        { kty: 'XYZ', kid: 'odd' },
        'not an object',
      ],
    });
    expect(set.keys.map((k) => [k.kid, k.alg, k.key.asymmetricKeyType])).toEqual([
      ['rsa-1', 'RS256', 'rsa'],
      ['ec-1', undefined, 'ec'],
      ['ed-1', 'EdDSA', 'ed25519'],
    ]);
    expect(set.skipped).toHaveLength(6);
    expect(set.skipped[0]).toBe('key 4 (kid "hmac"): symmetric keys are never used');
    expect(set.skipped.join('\n')).toContain('not signatures');
    expect(set.skipped.join('\n')).toContain('key_ops');
  });

  it('imports only the public part of a key that carries its private part', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = { ...pair.privateKey.export({ format: 'jwk' }), kid: 'leaky' };
    const [key] = importJwks({ keys: [privateJwk] }).keys;
    expect(key?.key.type).toBe('public');
    expect(key?.key.export({ format: 'jwk' })).toEqual(createPublicKey(pair.privateKey).export({ format: 'jwk' }));
  });

  it.each([null, 'keys', { keys: 'none' }, { jwks: [] }])('refuses %j as not a key set', (document) => {
    expect(() => importJwks(document)).toThrow('not a key set');
  });
});
