// The SSRF guard's rules: a corpus of addresses refused when saved and when sent to, the allowlist,
// and the send-time resolution that refuses a name if any of its answers is forbidden.
import { describe, expect, it } from 'vitest';
import { checkUrl, forbiddenAddress, type Lookup, parseAllowlist, resolveAndCheck } from './guard.js';

const none = parseAllowlist(undefined);

const toAnswers = (addresses: string[]) =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
/** A fake resolver giving these answers for any name. */
const answers =
  (...addresses: string[]): Lookup =>
  () =>
    Promise.resolve(toAnswers(addresses));
/** A resolver that says every name is public: the worst case for the name rules, which must not depend on DNS. */
const saysPublic = answers('93.184.216.34');

const LOOP = /^loopback address 127\.0\.0\.1\b/;
const META = /^cloud metadata address 169\.254\.169\.254\b/;

/** Refused when saved, without an allowlist, for the reason given — whatever the spelling. */
const REFUSED_AT_SAVE: Array<[url: string, reason: RegExp]> = [
  // IPv4 ranges
  ['http://127.0.0.1/', LOOP],
  ['http://127.255.255.254:8080/x', /^loopback address 127\.255\.255\.254/],
  ['http://10.0.0.1/', /^private address 10\.0\.0\.1/],
  ['http://172.16.0.1/', /^private address 172\.16\.0\.1/],
  ['http://172.31.255.255/', /^private address/],
  ['http://192.168.1.1/', /^private address 192\.168\.1\.1/],
  ['http://169.254.0.1/', /^link-local address 169\.254\.0\.1/],
  ['http://169.254.169.254/latest/meta-data/', META],
  ['http://169.254.170.2/v2/credentials', /^cloud metadata address 169\.254\.170\.2/],
  ['http://100.100.100.200/latest/meta-data/', /^cloud metadata address 100\.100\.100\.200/],
  ['http://168.63.129.16/', /^cloud metadata address 168\.63\.129\.16/],
  ['http://100.64.0.1/', /^shared \(CGNAT\) address 100\.64\.0\.1/],
  ['http://100.127.255.254/', /^shared \(CGNAT\) address/],
  ['http://0.0.0.0/', /^unspecified address 0\.0\.0\.0/],
  ['http://0/', /^unspecified address 0\.0\.0\.0/],
  ['http://224.0.0.1/', /^multicast address 224\.0\.0\.1/],
  ['http://239.255.255.250/', /^multicast address/],
  ['http://255.255.255.255/', /^broadcast address 255\.255\.255\.255/],
  ['http://4294967295/', /^broadcast address 255\.255\.255\.255/],
  ['http://240.0.0.1/', /^reserved address 240\.0\.0\.1/],
  ['http://192.0.0.8/', /^reserved address 192\.0\.0\.8/],
  ['http://198.18.0.1/', /^benchmarking address 198\.18\.0\.1/],
  ['http://198.19.255.1/', /^benchmarking address/],
  ['http://192.0.2.1/', /^documentation address 192\.0\.2\.1/],
  ['http://198.51.100.7/', /^documentation address/],
  ['http://203.0.113.9/', /^documentation address/],
  // Other spellings that URL parsing turns into dotted IPv4
  ['http://2130706433/', LOOP],
  ['http://0177.0.0.1/', LOOP],
  ['http://0x7f.0.0.1/', LOOP],
  ['http://0x7f000001/', LOOP],
  ['http://0x7f.1/', LOOP],
  ['http://127.1/', LOOP],
  ['http://017700000001/', LOOP],
  ['http://127.000.000.001/', LOOP],
  ['http://127.0.0.1./', LOOP],
  ['http://１２７.０.０.１/', LOOP],
  ['http://%31%32%37.0.0.1/', LOOP],
  ['http://2852039166/', META],
  ['http://0xa9.0xfe.0xa9.0xfe/', META],
  ['http://0251.0376.0251.0376/', META],
  ['http://0xA9FEA9FE/', META],
  ['http://10.1/', /^private address 10\.0\.0\.1/],
  ['http://3232235777/', /^private address 192\.168\.1\.1/],
  // IPv6, compressed and expanded
  ['http://[::1]/', /^loopback address ::1/],
  ['http://[0:0:0:0:0:0:0:1]/', /^loopback address ::1/],
  ['http://[0000:0000:0000:0000:0000:0000:0000:0001]:8080/', /^loopback address ::1/],
  ['http://[::]/', /^unspecified address ::/],
  ['http://[fe80::1]/', /^link-local address fe80::1/],
  ['http://[febf:ffff::1]/', /^link-local address/],
  ['http://[fc00::1]/', /^private address fc00::1/],
  ['http://[fd12:3456::1]/', /^private address/],
  ['http://[fec0::1]/', /^private address fec0::1/],
  ['http://[ff02::1]/', /^multicast address ff02::1/],
  ['http://[ff05::1:3]/', /^multicast address/],
  ['http://[fd00:ec2::254]/', /^cloud metadata address fd00:ec2::254/],
  ['http://[2001:db8::1]/', /^documentation address 2001:db8::1/],
  ['http://[3fff::1]/', /^documentation address/],
  ['http://[2001::1]/', /^reserved address 2001::1/],
  ['http://[100::1]/', /^reserved address 100::1/],
  // IPv4 inside IPv6: mapped, translated, compatible, NAT64, 6to4
  ['http://[::ffff:127.0.0.1]/', /^loopback address 127\.0\.0\.1 \(inside ::ffff:7f00:1\)/],
  ['http://[::ffff:7f00:1]/', LOOP],
  [
    'http://[0:0:0:0:0:ffff:169.254.169.254]/',
    /^cloud metadata address 169\.254\.169\.254 \(inside ::ffff:a9fe:a9fe\)/,
  ],
  ['http://[0000:0000:0000:0000:0000:ffff:a9fe:a9fe]/', META],
  ['http://[::ffff:10.1.2.3]/', /^private address 10\.1\.2\.3/],
  ['http://[::ffff:192.168.0.1]/', /^private address 192\.168\.0\.1/],
  ['http://[::ffff:0:7f00:1]/', LOOP],
  ['http://[::127.0.0.1]/', LOOP],
  ['http://[::a9fe:a9fe]/', META],
  ['http://[64:ff9b::10.0.0.1]/', /^private address 10\.0\.0\.1 \(inside 64:ff9b::a00:1\)/],
  ['http://[64:ff9b::a9fe:a9fe]/', META],
  ['http://[64:ff9b:1::a00:1]/', /^private address 64:ff9b:1::a00:1/],
  ['http://[2002:c0a8:0101::1]/', /^private address 192\.168\.1\.1 \(inside 2002:c0a8:101::1\)/],
  ['http://[2002:7f00:1::]/', LOOP],
  ['http://[2002:a9fe:a9fe::]/', META],
  // Names that only mean something local, or a metadata service
  ['http://localhost/', /^local-only host name "localhost"/],
  ['http://LOCALHOST:9000/', /^local-only host name "localhost"/],
  ['http://localhost./', /^local-only host name "localhost"/],
  ['http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/', /^local-only host name "localhost"/],
  ['http://foo.localhost/', /^local-only host name/],
  ['http://localhost.localdomain/', /^local-only host name/],
  ['http://printer.local/', /^local-only host name/],
  ['http://router.lan/', /^local-only host name/],
  ['http://nas.home.arpa/', /^local-only host name/],
  ['http://api.corp.internal/', /^local-only host name/],
  ['http://metadata.google.internal/computeMetadata/v1/', /^cloud metadata host name "metadata\.google\.internal"/],
  ['http://METADATA.GOOGLE.INTERNAL./', /^cloud metadata host name/],
  ['http://metadata/', /^cloud metadata host name "metadata"/],
  ['http://metadata.goog/', /^cloud metadata host name/],
  ['http://instance-data/latest/meta-data/', /^cloud metadata host name/],
  ['http://intranet/hook', /^single-label host name "intranet"/],
  // Schemes, credentials and parser tricks
  ['file:///etc/passwd', /file scheme is not allowed/],
  ['gopher://127.0.0.1:25/', /gopher scheme is not allowed/],
  ['ftp://example.com/', /ftp scheme is not allowed/],
  ['data:text/plain,hi', /data scheme is not allowed/],
  ['javascript:alert(1)', /javascript scheme is not allowed/],
  ['ws://example.com/socket', /ws scheme is not allowed/],
  ['dict://127.0.0.1:11211/', /dict scheme is not allowed/],
  ['http://user:pass@example.com/', /credentials in the URL/],
  ['http://example.com@127.0.0.1/', /credentials in the URL/],
  ['http://127.0.0.1:80\\@example.com/', LOOP],
  ['http://127.0.0.1#@example.com/', LOOP],
  ['http://[::1', /not a valid URL/],
  ['http://', /not a valid URL/],
];

/** Names that look public when saved but resolve to a forbidden address when sent. */
const REFUSED_AT_SEND: Array<[url: string, dns: string[], reason: RegExp]> = [
  ['http://127.0.0.1.nip.io/', ['127.0.0.1'], /resolves to a forbidden address: loopback address 127\.0\.0\.1/],
  [
    'http://169.254.169.254.nip.io/latest/',
    ['169.254.169.254'],
    /resolves to a forbidden address: cloud metadata address 169\.254\.169\.254/,
  ],
  ['https://rebind.example/', ['93.184.216.34', '10.0.0.1'], /private address 10\.0\.0\.1/],
  ['https://v6.example/', ['::1'], /loopback address ::1/],
  ['https://mapped.example/', ['::ffff:169.254.169.254'], /cloud metadata address 169\.254\.169\.254/],
  ['https://nat64.example/', ['64:ff9b::a00:1'], /private address 10\.0\.0\.1/],
  ['https://carrier.example/', ['100.64.0.5'], /shared \(CGNAT\) address/],
  ['https://imds6.example/', ['2600:1f18::1', 'fd00:ec2::254'], /cloud metadata address fd00:ec2::254/],
];

const ALLOWED: Array<[url: string, dns: string[]]> = [
  ['https://hooks.slack.com/services/T0/B0/x', ['3.5.140.2']],
  ['http://93.184.216.34/hook', []],
  ['https://[2606:4700::1111]/', []],
  ['https://[2001:4860:4860::8888]/', []],
  ['https://example.com:8443/a?b=c', ['93.184.216.34', '2606:2800:220:1::1']],
  ['http://[::ffff:93.184.216.34]/', []],
  ['http://[64:ff9b::8.8.8.8]/', []],
  ['http://[2002:5db8:d822::1]/', []],
  ['http://100.63.255.255/', []],
  ['http://100.128.0.1/', []],
  ['http://172.15.255.255/', []],
  ['http://172.32.0.1/', []],
  ['http://198.20.0.1/', []],
  ['http://HOOKS.Example.COM./x', ['93.184.216.34']],
];

describe('the SSRF corpus, without an allowlist', () => {
  it(`has at least 40 refused addresses and URLs (${REFUSED_AT_SAVE.length + REFUSED_AT_SEND.length})`, () => {
    expect(REFUSED_AT_SAVE.length + REFUSED_AT_SEND.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REFUSED_AT_SAVE)('refuses %s when saved', (url, reason) => {
    const verdict = checkUrl(url, none);
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(reason) as string });
  });

  it.each(REFUSED_AT_SAVE.filter(([url]) => /^https?:\/\/[^@]+$/.test(url) && URL.canParse(url)))(
    'refuses %s again when sent, whatever DNS says',
    async (url, reason) => {
      const verdict = await resolveAndCheck(new URL(url), none, saysPublic);
      expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(reason) as string });
    },
  );

  it.each(REFUSED_AT_SEND)(
    'lets %s be saved but refuses it when sent (resolving to %j)',
    async (url, addresses, reason) => {
      const saved = checkUrl(url, none);
      expect(saved.ok).toBe(true);
      const verdict = await resolveAndCheck(new URL(url), none, answers(...addresses));
      expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(reason) as string });
    },
  );

  it.each(ALLOWED)('lets the public %s through, saved and sent', async (url, addresses) => {
    const saved = checkUrl(url, none);
    expect(saved.ok).toBe(true);
    expect(await resolveAndCheck(new URL(url), none, answers(...addresses))).toMatchObject({ ok: true });
  });
});

describe('the allowlist', () => {
  const allow = parseAllowlist(
    ' 127.0.0.1/32, 10.0.0.0/8,fd00::/8, [::1], 169.254.169.254, ' +
      'Hooks.Corp.Internal, *.lan.example, *.office.lan, intranet ',
  );

  it.each([
    ['http://127.0.0.1:9000/', true],
    ['http://2130706433/', true],
    ['http://[::ffff:127.0.0.1]/', true],
    ['http://127.0.0.2/', false],
    ['http://10.20.30.40/', true],
    ['http://[fd00::5]/', true],
    ['http://[fc00::5]/', false],
    ['http://[::1]:8080/', true],
    ['http://169.254.169.254/', true],
    ['http://169.254.169.253/', false],
    ['http://hooks.corp.internal/', true],
    ['http://HOOKS.corp.internal./', true],
    ['http://other.corp.internal/', false],
    ['http://a.b.office.lan/', true],
    ['http://office.lan/', false],
    ['http://x.lan/', false],
    ['http://intranet/', true],
    ['http://localhost/', false],
  ])('at save time, %s → %s', (url, ok) => {
    expect(checkUrl(url, allow).ok).toBe(ok);
  });

  it(
    'lets an allowed name through whatever it resolves to, ' + 'and an allowed address whatever name leads there',
    async () => {
      expect(await resolveAndCheck('hooks.corp.internal', allow, answers('192.168.7.7'))).toEqual({
        ok: true,
        address: '192.168.7.7',
        family: 4,
      });
      expect(await resolveAndCheck('x.lan.example', allow, answers('172.16.0.9'))).toMatchObject({ ok: true });
      expect(await resolveAndCheck('lan.example.evil.com', allow, answers('172.16.0.9'))).toMatchObject({ ok: false });
      expect(await resolveAndCheck('evil-lan.example', allow, answers('172.16.0.9'))).toMatchObject({ ok: false });
      expect(await resolveAndCheck('receiver.test', allow, answers('10.9.8.7'))).toEqual({
        ok: true,
        address: '10.9.8.7',
        family: 4,
      });
      expect(await resolveAndCheck('receiver.test', allow, answers('10.9.8.7', '192.168.0.1'))).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/192\.168\.0\.1/) as string,
      });
    },
  );

  it('does not let the apex of a wildcard entry through', () => {
    expect(parseAllowlist('*.lan.example').host('lan.example')).toBe(false);
  });

  it('lets nothing through when empty', () => {
    for (const text of [undefined, '', ' , '])
      expect(checkUrl('http://127.0.0.1/', parseAllowlist(text)).ok).toBe(false);
  });

  it.each([
    ['10.0.0.0/40', /"10\.0\.0\.0\/40" is not an address or CIDR/],
    ['::1/129', /"::1\/129" is not an address or CIDR/],
    ['10.0.0.0/8/1', /is not an address or CIDR/],
    ['10.0.0.0/x', /is not an address or CIDR/],
    ['http://x', /"http:\/\/x" is not an address or CIDR/],
    ['bad host!', /"bad host!" is not a host name, address or CIDR/],
    ['127.1', /"127\.1" is not a host name, address or CIDR/],
    ['*.', /is not a host name/],
    ['*', /is not a host name/],
  ])('names the bad entry in %s', (text, message) => {
    expect(() => parseAllowlist(`example.com, ${text}`)).toThrow(message);
  });
});

describe('forbiddenAddress', () => {
  it.each([
    ['8.8.8.8', undefined],
    ['::ffff:8.8.8.8', undefined],
    ['2002:0a00:0001::', /^private address 10\.0\.0\.1 \(inside 2002:0a00:0001::\)/],
    ['fe80::1%eth0', /^link-local address fe80::1/],
    ['[::1]', /^loopback address ::1/],
    ['not-an-ip', /not an IP address/],
  ])('classifies %s', (address, reason) => {
    const why = forbiddenAddress(address);
    if (reason) expect(why).toMatch(reason);
    else expect(why).toBeUndefined();
  });
});

describe('resolveAndCheck', () => {
  it('resolves once, and answers the address to connect to', async () => {
    let calls = 0;
    const lookup: Lookup = (host) => {
      calls += 1;
      expect(host).toBe('hooks.slack.com');
      return Promise.resolve([
        { address: '2600:1f18::5', family: 6 },
        { address: '3.5.140.2', family: 4 },
      ]);
    };
    expect(await resolveAndCheck(new URL('https://hooks.slack.com./services/x'), none, lookup)).toEqual({
      ok: true,
      address: '2600:1f18::5',
      family: 6,
    });
    expect(calls).toBe(1);
  });

  it('reports a name that does not resolve as temporary, not as a refusal', async () => {
    expect(
      await resolveAndCheck('nowhere.example', none, () =>
        Promise.reject(new Error('getaddrinfo ENOTFOUND nowhere.example')),
      ),
    ).toEqual({
      ok: false,
      reason: expect.stringMatching(/could not resolve nowhere\.example/) as string,
      temporary: true,
    });
    expect(await resolveAndCheck('empty.example', none, answers())).toMatchObject({ ok: false, temporary: true });
  });

  it('checks local names before asking DNS', async () => {
    const lookup: Lookup = () => Promise.reject(new Error('must not be called'));
    expect(await resolveAndCheck('localhost', none, lookup)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^local-only host name "localhost"/) as string,
    });
  });
});
