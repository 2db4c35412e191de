// The SSRF guard on every outbound URL. A webhook address is chosen by a user, so without a guard it
// could point Vigil at its own loopback, the private network or a cloud metadata service. Rules:
// http/https only, no credentials in the URL, and no address in a loopback, private, link-local,
// CGNAT, multicast, broadcast, reserved, benchmarking, documentation or metadata range — in IPv4,
// IPv6 and the IPv6 forms that embed an IPv4 address (mapped, compatible, translated, NAT64, 6to4) —
// and no obviously local host name, unless the admin allowlist (VIGIL_OUTBOUND_ALLOW: CIDRs,
// addresses and host names) lets it through.
//
// The check runs when an address is saved (checkUrl) and again on every connection: the pinned agent
// (pinned-agent.ts) resolves the host once, refuses if any resolved address is forbidden, and connects
// to the address it checked, so a DNS answer that changes between check and connect (rebinding)
// cannot slip past.
// IPv4 spellings such as 2130706433, 0177.0.0.1, 0x7f.1, 127.1 or fullwidth digits need no special
// code: URL parsing (WHATWG) turns them into dotted form before the check.
import dns from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Forbidden ranges, most specific label first (metadata before link-local, benchmarking before reserved). */
const RANGES: Array<[label: string, cidrs: string[]]> = [
  // AWS/GCP/Azure/OCI/DigitalOcean IMDS, ECS task and EKS pod identity, Alibaba, Azure wireserver, old Oracle;
  // their IPv6 twins.
  [
    'cloud metadata address',
    [
      '169.254.169.254/32',
      '169.254.170.2/32',
      '169.254.170.23/32',
      '100.100.100.200/32',
      '168.63.129.16/32',
      '192.0.0.192/32',
      'fd00:ec2::254/128',
      'fd00:ec2::23/128',
      'fd20:ce::254/128',
    ],
  ],
  ['unspecified address', ['0.0.0.0/8', '::/128']],
  ['loopback address', ['127.0.0.0/8', '::1/128']],
  ['private address', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10', '64:ff9b:1::/48']],
  ['link-local address', ['169.254.0.0/16', 'fe80::/10']],
  ['shared (CGNAT) address', ['100.64.0.0/10']],
  ['multicast address', ['224.0.0.0/4', 'ff00::/8']],
  ['broadcast address', ['255.255.255.255/32']],
  ['benchmarking address', ['198.18.0.0/15', '2001:2::/48']],
  ['documentation address', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20']],
  // IETF protocol assignments (Teredo among them), 6to4 relays, discard-only, deprecated IPv4-compatible, SRv6.
  [
    'reserved address',
    ['240.0.0.0/4', '192.0.0.0/24', '192.88.99.0/24', '100::/64', '2001::/23', '::/96', '5f00::/16'],
  ],
];

const BLOCKS = RANGES.map(([label, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/') as [string, string];
    list.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  }
  return { label, list };
});

/** Host names that only ever mean a cloud's metadata service. */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

/** Host names that only ever mean something local (RFC 6761, 6762, 8375 and ICANN's `.internal`). */
const LOCAL_NAMES = [
  /^localhost$/,
  /\.localhost$/,
  /(^|\.)localdomain$/,
  /\.local$/,
  /\.internal$/,
  /\.home\.arpa$/,
  /\.lan$/,
];

/** Lower case, without the trailing dot of a fully qualified name. */
export const normalName = (host: string) => host.toLowerCase().replace(/\.$/, '');

/** Why a host name is local-only, or undefined. Single-label names resolve through local search domains. */
function localName(host: string): string | undefined {
  const name = normalName(host);
  if (METADATA_NAMES.has(name)) return `cloud metadata host name "${name}"`;
  if (LOCAL_NAMES.some((re) => re.test(name))) return `local-only host name "${name}"`;
  if (!name.includes('.')) return `single-label host name "${name}" (resolved through local search domains)`;
  return undefined;
}

/** The IPv4 address an IPv6 address carries (mapped, translated, compatible, NAT64, 6to4), if any. */
function embeddedV4(v6: string): string | undefined {
  const groups = expandV6(v6);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeroTo(5) && g5 === 0xffff) return v4(g6, g7); // ::ffff:a.b.c.d (mapped)
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return v4(g6, g7); // ::ffff:0:a.b.c.d (SIIT translated)
  if (zeroTo(6) && (g6 !== 0 || g7 > 1)) return v4(g6, g7); // ::a.b.c.d (compatible); :: and ::1 are themselves
  // 64:ff9b::/96 NAT64
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4(g6, g7);
  if (g0 === 0x2002) return v4(g1, g2); // 2002::/16 6to4
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (already known to be valid). */
function expandV6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 1) return undefined;
  const parts = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) =>
    parseInt(g, 16),
  );
  return parts.length === 8 && parts.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? parts : undefined;
}

/** Why an IP address may not be reached ("loopback address 127.0.0.1"), or undefined for a public address. */
export function forbiddenAddress(ip: string): string | undefined {
  // A zone id (fe80::1%eth0) says nothing about the range.
  const address = ip.replace(/^\[|\]$/g, '').split('%')[0] ?? '';
  const version = isIP(address);
  if (version === 0) return `"${ip}" is not an IP address`;
  if (version === 6) {
    const v4 = embeddedV4(address);
    const inner = v4 ? forbiddenAddress(v4) : undefined;
    if (inner) return `${inner} (inside ${address})`;
  }
  const family = version === 6 ? 'ipv6' : 'ipv4';
  for (const { label, list } of BLOCKS) if (list.check(address, family)) return `${label} ${address}`;
  return undefined;
}

export interface Allowlist {
  /** Whether the admin let this host name through (exact, or a `*.` suffix entry). */
  host(name: string): boolean;
  /** Whether the admin let this address through (an address or CIDR entry). */
  address(ip: string): boolean;
}

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

/**
 * VIGIL_OUTBOUND_ALLOW: comma-separated addresses, CIDRs and host names (exact, any case, or
 * `*.example.com` for every host below example.com but not example.com itself). A host name entry lets
 * the name through whatever it resolves to. Throws an Error naming the first bad entry.
 */
export function parseAllowlist(text: string | undefined): Allowlist {
  const blocks = new BlockList();
  const names = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    if (!entry) continue;
    const [net, bits, extra] = entry.split('/');
    const version = isIP(net ?? '');
    if (bits !== undefined || version !== 0) {
      const max = version === 6 ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (version === 0 || extra !== undefined || !/^\d+$/.test(bits ?? String(max)) || prefix > max)
        throw new Error(`VIGIL_OUTBOUND_ALLOW: "${raw.trim()}" is not an address or CIDR`);
      blocks.addSubnet(net as string, prefix, version === 6 ? 'ipv6' : 'ipv4');
    } else if (HOST_NAME.test(normalName(entry)) && !/(^|\.)(\d+|0x[0-9a-f]*)$/.test(normalName(entry))) {
      // A name ending in a number (127.1, 0x7f.1) is an IPv4 address to URL parsing and could never match.
      if (entry.startsWith('*.')) suffixes.push(normalName(entry.slice(1)));
      else names.add(normalName(entry));
    } else {
      throw new Error(`VIGIL_OUTBOUND_ALLOW: "${raw.trim()}" is not a host name, address or CIDR`);
    }
  }
  return {
    host: (name) => {
      const n = normalName(name);
      return names.has(n) || suffixes.some((s) => n.endsWith(s));
    },
    address: (ip) => {
      const bare = ip.replace(/^\[|\]$/g, '');
      const version = isIP(bare);
      return version !== 0 && blocks.check(bare, version === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

export const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');
const ALLOW_HINT = 'add it to VIGIL_OUTBOUND_ALLOW to permit it';

/** The save-time check: scheme, credentials, and the host if it is an address or a local-only name. */
export function checkUrl(text: string, allow: Allowlist): { ok: true; url: URL } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: `the ${url.protocol.replace(/:$/, '')} scheme is not allowed (http or https only)` };
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not allowed' };
  const host = bare(url.hostname);
  if (!host) return { ok: false, reason: 'the URL has no host' };
  const why = isIP(host)
    ? allow.address(host)
      ? undefined
      : forbiddenAddress(host)
    : allow.host(host)
      ? undefined
      : localName(host);
  return why ? { ok: false, reason: `${why} is not reachable from Vigil (${ALLOW_HINT})` } : { ok: true, url };
}

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;
const systemLookup: Lookup = (host) => dns.lookup(host, { all: true, verbatim: true });

/** A refusal, or (temporary) a name that did not resolve, which may work later. */
export type Refusal = { ok: false; reason: string; temporary?: true };

/**
 * The send-time check: resolves the host once, refuses if any answer is forbidden (so a name with one
 * public and one private address cannot win by racing), and returns the address to connect to.
 */
export async function resolveAndCheck(
  target: URL | string,
  allow: Allowlist,
  lookup: Lookup = systemLookup,
): Promise<{ ok: true; address: string; family: 4 | 6 } | Refusal> {
  const name = bare(typeof target === 'string' ? target : target.hostname);
  const literal = isIP(name);
  if (literal) {
    const why = allow.address(name) ? undefined : forbiddenAddress(name);
    return why
      ? { ok: false, reason: `${why} is not allowed` }
      : { ok: true, address: name, family: literal === 6 ? 6 : 4 };
  }
  const byName = allow.host(name);
  const local = byName ? undefined : localName(name);
  if (local) return { ok: false, reason: `${local} is not allowed` };
  let answers: Array<{ address: string; family: number }>;
  try {
    answers = await lookup(normalName(name));
  } catch (error) {
    return {
      ok: false,
      reason: `could not resolve ${name}: ${error instanceof Error ? error.message : String(error)}`,
      temporary: true,
    };
  }
  if (answers.length === 0) return { ok: false, reason: `${name} has no addresses`, temporary: true };
  for (const a of answers) {
    const why = byName || allow.address(a.address) ? undefined : forbiddenAddress(a.address);
    if (why) return { ok: false, reason: `${name} resolves to a forbidden address: ${why} is not allowed` };
  }
  const first = (answers[0] as { address: string }).address;
  return isIP(first)
    ? { ok: true, address: first, family: isIP(first) === 6 ? 6 : 4 }
    : { ok: false, reason: `${name} resolved to "${first}", which is not an address` };
}
