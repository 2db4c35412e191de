// Real JWTs for the /verify tests, signed with node:crypto (keys generated per test run) and a JWKS
// served by a real HTTP server on 127.0.0.1 whose keys can be rotated and which can fail on demand.
import { createHmac, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type TestAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

export interface TestKey {
  kid: string;
  alg: TestAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK as a JWKS would carry it. */
  jwk: Record<string, unknown>;
}

const HASH: Record<string, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

/** RSASSA-PSS salt length in JWS: the hash's size (RFC 7518 §3.5). */
const PSS_SALT: Record<string, number> = { PS256: 32, PS384: 48, PS512: 64 };

/** A fresh key pair for `alg`, with `kid`. */
export function generateKey(alg: TestAlg, kid: string, options: { rsaBits?: number } = {}): TestKey {
  const pair =
    alg.startsWith('RS') || alg.startsWith('PS')
      ? generateKeyPairSync('rsa', { modulusLength: options.rsaBits ?? 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : alg === 'ES384'
          ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
          : alg === 'ES512'
            ? generateKeyPairSync('ec', { namedCurve: 'P-521' })
            : generateKeyPairSync('ed25519');
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `claims` with `key` (a TestKey, or a shared secret for HS*); `header` adds or overrides header fields. */
export function signJwt(
  claims: Record<string, unknown>,
  key: TestKey | { secret: string; alg?: 'HS256' | 'HS384' | 'HS512' },
  header: Record<string, unknown> = {},
): string {
  const alg = 'secret' in key ? (key.alg ?? 'HS256') : key.alg;
  const head = { alg, typ: 'JWT', ...('secret' in key ? {} : { kid: key.kid }), ...header };
  const input = `${b64(head)}.${b64(claims)}`;
  let signature: Buffer;
  if ('secret' in key)
    signature = createHmac(HASH[alg] as string, key.secret)
      .update(input)
      .digest();
  else if (alg.startsWith('PS'))
    signature = sign(HASH[alg] as string, Buffer.from(input), {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: PSS_SALT[alg],
    });
  else if (alg.startsWith('ES'))
    signature = sign(HASH[alg] as string, Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  else signature = sign(HASH[alg] ?? null, Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

export interface JwksServer {
  readonly url: string;
  /** How many times the JWKS was fetched. */
  readonly hits: number;
  /** The keys served from now on (rotation). */
  setKeys(keys: Array<Record<string, unknown>>): void;
  /** Answer with this status (and a non-JWKS body) instead, or null for normal service. */
  failWith(status: number | null): void;
  /** Stop answering at all (the request hangs until the client gives up), or resume. */
  hang(on: boolean): void;
  close(): Promise<void>;
}

/** A JWKS endpoint at http://127.0.0.1:<port>/.well-known/jwks.json. */
export async function startJwksServer(keys: Array<Record<string, unknown>>): Promise<JwksServer> {
  let current = keys;
  let failure: number | null = null;
  let hanging = false;
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    if (hanging) return;
    if (failure !== null) {
      res.writeHead(failure, { 'content-type': 'text/plain' }).end('upstream trouble');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get hits() {
      return hits;
    },
    setKeys: (next) => (current = next),
    failWith: (status) => (failure = status),
    hang: (on) => (hanging = on),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
