// Signing outbound webhooks so receivers can tell Vigil's requests from forgeries and replays:
// `X-Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. While a secret
// rotates, the body is signed with every current secret (one v1 each), so receivers holding either
// the old or the new one accept it.
import { createHmac, timingSafeEqual } from 'node:crypto';

const hmac = (secret: string, t: number, body: string | Buffer) =>
  createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');

/** The header value for `body` at `now`, one v1 per secret. */
export function signatureHeader(body: string | Buffer, secrets: string[], now: Date): string {
  if (secrets.length === 0) throw new Error('signing needs at least one secret');
  const t = Math.floor(now.getTime() / 1000);
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmac(s, t, body)}`)].join(',');
}

/** Checks a header as a receiver would: well formed, timestamp within tolerance, some v1 matching some secret. */
export function verifySignature(
  header: string | undefined,
  body: string | Buffer,
  secrets: string[],
  now: Date,
  toleranceSeconds = 300,
): { ok: true } | { ok: false; reason: string } {
  if (!header) return { ok: false, reason: 'no signature header' };
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (!key || value === undefined || rest.length > 0)
      return { ok: false, reason: `malformed part "${part.slice(0, 40)}"` };
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || t !== undefined) return { ok: false, reason: 'malformed timestamp' };
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed v1 signature' };
      signatures.push(value);
    }
  }
  if (t === undefined) return { ok: false, reason: 'no timestamp' };
  if (signatures.length === 0) return { ok: false, reason: 'no v1 signature' };
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds)
    return { ok: false, reason: `timestamp is more than ${toleranceSeconds} s from now` };
  const stamp = t;
  const expected = secrets.map((s) => Buffer.from(hmac(s, stamp, body), 'hex'));
  const match = signatures.some((sig) => expected.some((e) => timingSafeEqual(e, Buffer.from(sig, 'hex'))));
  return match ? { ok: true } : { ok: false, reason: 'no signature matches' };
}
