import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUrl, forbiddenAddress, guardedDispatcher, parseAllowlist, resolveAndCheck } from './ssrf.js';

const none = parseAllowlist(undefined);

/** Refused without an allowlist, whatever the spelling. */
const REFUSED = [
  // IPv4 ranges
  'http://127.0.0.1/', 'http://127.255.255.254:8080/x', 'http://10.0.0.1/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.1/',
  'http://169.254.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://100.64.0.1/', 'http://100.100.100.200/', 'http://0.0.0.0/', 'http://0/',
  'http://224.0.0.1/', 'http://239.255.255.250/', 'http://240.0.0.1/', 'http://255.255.255.255/', 'http://198.18.0.1/', 'http://192.0.2.1/',
  'http://203.0.113.9/', 'http://168.63.129.16/',
  // Other spellings of 127.0.0.1 and 169.254.169.254 that URL parsing normalizes
  'http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.0.0.1/', 'http://0x7f000001/', 'http://127.1/', 'http://017700000001/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/',
  // IPv6 and IPv4 inside IPv6
  'http://[::1]/', 'http://[::]/', 'http://[0:0:0:0:0:0:0:1]/', 'http://[fe80::1]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[ff02::1]/',
  'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[0:0:0:0:0:ffff:169.254.169.254]/', 'http://[::ffff:10.1.2.3]/', 'http://[64:ff9b::10.0.0.1]/',
  'http://[2002:c0a8:0101::1]/', 'http://[fd00:ec2::254]/', 'http://[2001:db8::1]/',
  // Names that only mean something local
  'http://localhost/', 'http://LOCALHOST:9000/', 'http://foo.localhost/', 'http://printer.local/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://metadata/',
  // Schemes and credentials
  'file:///etc/passwd', 'gopher://127.0.0.1:25/', 'ftp://example.com/', 'data:text/plain,hi', 'javascript:alert(1)', 'http://user:pass@example.com/', 'http://example.com@127.0.0.1/',
];

describe('the SSRF guard at save time', () => {
  it(`has a corpus of at least 40 refused URLs (${REFUSED.length})`, () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REFUSED)('refuses %s without an allowlist', (url) => {
    const verdict = checkUrl(url, none);
    expect(verdict.ok).toBe(false);
  });

  it.each([
    ['http://127.0.0.1/', /^loopback address 127\.0\.0\.1/],
    ['http://2130706433/', /^loopback address 127\.0\.0\.1/],
    ['http://169.254.169.254/', /^cloud metadata address 169\.254\.169\.254/],
    ['http://[::ffff:10.1.2.3]/', /^private address ::ffff:a01:203/],
    ['http://100.64.3.4/', /^shared \(CGNAT\) address/],
    ['ftp://example.com/', /ftp scheme is not allowed/],
    ['http://localhost/', /local-only host name/],
  ])('names the reason for %s', (url, reason) => {
    const verdict = checkUrl(url, none);
    expect(verdict.ok ? '' : verdict.reason).toMatch(reason);
  });

  it.each(['https://hooks.slack.com/services/T0/B0/x', 'http://93.184.216.34/hook', 'https://[2606:4700::1111]/', 'https://example.com:8443/a?b=c', 'http://[::ffff:93.184.216.34]/'])('lets the public address %s through', (url) => {
    expect(checkUrl(url, none).ok).toBe(true);
  });

  it('lets an admin allow CIDRs, addresses, exact hosts and wildcard domains', () => {
    const allow = parseAllowlist('127.0.0.1/32, 10.0.0.0/8,fd00::/8, hooks.corp.internal, *.lan.example');
    expect(checkUrl('http://127.0.0.1:9000/', allow).ok).toBe(true);
    expect(checkUrl('http://10.20.30.40/', allow).ok).toBe(true);
    expect(checkUrl('http://[fd00::5]/', allow).ok).toBe(true);
    expect(checkUrl('http://hooks.corp.internal/', allow).ok).toBe(true);
    expect(checkUrl('http://a.b.lan.example/', allow).ok).toBe(true);
    expect(checkUrl('http://127.0.0.2/', allow).ok).toBe(false);
    expect(checkUrl('http://other.internal/', allow).ok).toBe(false);
  });

  it('names a bad allowlist entry', () => {
    expect(() => parseAllowlist('10.0.0.0/40')).toThrow(/"10\.0\.0\.0\/40" is not an address or CIDR/);
    expect(() => parseAllowlist('http://x')).toThrow(/"http:\/\/x" is not an address or CIDR/);
    expect(() => parseAllowlist('bad host!')).toThrow(/"bad host!" is not a host name, address or CIDR/);
  });

  it('classifies addresses directly', () => {
    expect(forbiddenAddress('8.8.8.8')).toBeUndefined();
    expect(forbiddenAddress('::ffff:8.8.8.8')).toBeUndefined();
    expect(forbiddenAddress('2002:0a00:0001::')).toMatch(/private address 10\.0\.0\.1/);
    expect(forbiddenAddress('not-an-ip')).toMatch(/not an IP address/);
  });
});

describe('the SSRF guard at send time', () => {
  const answers = (...addresses: string[]) => () => Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

  it('refuses a name that resolves to a forbidden address (any of its answers), and names it', async () => {
    expect(await resolveAndCheck('rebind.example', none, answers('93.184.216.34', '169.254.169.254'))).toEqual({ ok: false, reason: expect.stringMatching(/cloud metadata address 169\.254\.169\.254/) as string });
    expect(await resolveAndCheck('127.0.0.1.nip.io', none, answers('127.0.0.1'))).toMatchObject({ ok: false });
    expect(await resolveAndCheck('hooks.slack.com', none, answers('34.1.2.3'))).toEqual({ ok: true, address: '34.1.2.3', family: 4 });
    expect(await resolveAndCheck('nowhere.example', none, () => Promise.reject(new Error('ENOTFOUND')))).toMatchObject({ ok: false, reason: expect.stringMatching(/could not resolve/) as string });
  });

  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses to connect to a local receiver without the allowlist, and connects with it', async () => {
    await expect(request(`http://127.0.0.1:${port}/`, { dispatcher: guardedDispatcher(none) })).rejects.toThrow(/forbidden address: loopback address 127\.0\.0\.1/);
    const allowed = await request(`http://127.0.0.1:${port}/`, { dispatcher: guardedDispatcher(parseAllowlist('127.0.0.1/32')) });
    expect(await allowed.body.text()).toBe('reached');
  });

  it('connects to the address it checked, not to what a second lookup might say', async () => {
    let lookups = 0;
    const lookup = () => {
      lookups += 1;
      return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    };
    const dispatcher = guardedDispatcher(parseAllowlist('127.0.0.1/32'), { lookup });
    const res = await request(`http://receiver.test:${port}/`, { dispatcher });
    expect(await res.body.text()).toBe('reached');
    expect(lookups).toBe(1);
    await expect(request(`http://meta.test:${port}/`, { dispatcher: guardedDispatcher(none, { lookup: answers('169.254.169.254') }) })).rejects.toThrow(/forbidden address/);
  });
});
