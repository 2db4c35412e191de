// The pinned-address agent against a real local receiver: refused addresses never get a connection,
// allowed ones are reached at the address checked, redirects are not followed, slow lookups time out.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowlist, type Lookup } from './guard.js';
import { ForbiddenAddressError, guardedDispatcher } from './pinned-agent.js';

const none = parseAllowlist(undefined);
/** A fake resolver giving these answers for any name. */
const answers =
  (...addresses: string[]): Lookup =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('guardedDispatcher against a real local receiver', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else res.end('reached');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses the receiver without the allowlist, with a clear error', async () => {
    const attempt = request(`http://127.0.0.1:${port}/`, { dispatcher: guardedDispatcher(none) });
    await expect(attempt).rejects.toThrow(/^forbidden address: loopback address 127\.0\.0\.1/);
    await expect(request(`http://127.0.0.1:${port}/`, { dispatcher: guardedDispatcher(none) })).rejects.toBeInstanceOf(
      ForbiddenAddressError,
    );
  });

  it('reaches the receiver when 127.0.0.1/32 is allowed', async () => {
    const res = await request(`http://127.0.0.1:${port}/`, {
      dispatcher: guardedDispatcher(parseAllowlist('127.0.0.1/32')),
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('reached');
  });

  it('connects to the address it checked, not to what a second lookup would say', async () => {
    let lookups = 0;
    const rebinding: Lookup = () => {
      lookups += 1;
      return Promise.resolve([{ address: lookups === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }]);
    };
    const res = await request(`http://receiver.test:${port}/`, {
      dispatcher: guardedDispatcher(parseAllowlist('127.0.0.1/32'), { lookup: rebinding }),
    });
    expect(await res.body.text()).toBe('reached');
    expect(lookups).toBe(1);
  });

  it('refuses a name that resolves to the metadata address', async () => {
    const dispatcher = guardedDispatcher(parseAllowlist('127.0.0.1/32'), { lookup: answers('169.254.169.254') });
    await expect(request(`http://meta.test:${port}/`, { dispatcher })).rejects.toThrow(
      /^forbidden address: meta\.test resolves to a forbidden address: cloud metadata address 169\.254\.169\.254/,
    );
  });

  it('does not follow a redirect to a forbidden address', async () => {
    const res = await request(`http://127.0.0.1:${port}/redirect`, {
      dispatcher: guardedDispatcher(parseAllowlist('127.0.0.1/32')),
    });
    expect(res.statusCode).toBe(302);
    await res.body.dump();
  });

  it('fails with a plain (retryable) error when the name does not resolve, or not in time', async () => {
    const unresolved = request(`http://nowhere.test:${port}/`, {
      dispatcher: guardedDispatcher(none, { lookup: () => Promise.reject(new Error('ENOTFOUND')) }),
    });
    await expect(unresolved).rejects.toThrow(/^could not resolve nowhere\.test: ENOTFOUND/);
    const hung = request(`http://slow.test:${port}/`, {
      dispatcher: guardedDispatcher(none, { timeoutMs: 50, lookup: () => new Promise(() => undefined) }),
    });
    await expect(hung).rejects.toThrow(/^could not resolve slow\.test within 50 ms/);
  });
});
