import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './signature.js';

const now = new Date('2031-01-01T00:00:00.000Z');
const t = now.getTime() / 1000;
const body = '{"event":"page","delivery_id":"ntf_1"}';

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256, hex, per the documented header', () => {
    const expected = createHmac('sha256', 'whsec').update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(body, ['whsec'], now)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies with either secret while one rotates, and not with a dropped one', () => {
    const header = signatureHeader(body, ['old', 'new'], now);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifySignature(header, body, ['old'], now)).toEqual({ ok: true });
    expect(verifySignature(header, body, ['new'], now)).toEqual({ ok: true });
    const afterRotation = signatureHeader(body, ['new'], now);
    expect(verifySignature(afterRotation, body, ['old'], now)).toEqual({ ok: false, reason: 'no signature matches' });
  });

  it.each([
    ['a tampered body', signatureHeader(body, ['s'], now), `${body} `, now, 'no signature matches'],
    [
      'a stale timestamp',
      signatureHeader(body, ['s'], new Date(now.getTime() - 301_000)),
      body,
      now,
      'timestamp is more than 300 s from now',
    ],
    [
      'a future timestamp',
      signatureHeader(body, ['s'], new Date(now.getTime() + 301_000)),
      body,
      now,
      'timestamp is more than 300 s from now',
    ],
    ['no header', undefined, body, now, 'no signature header'],
    ['no timestamp', 'v1=' + 'a'.repeat(64), body, now, 'no timestamp'],
    ['no v1', `t=${t}`, body, now, 'no v1 signature'],
    ['a short v1', `t=${t},v1=abc`, body, now, 'malformed v1 signature'],
    ['two timestamps', `t=${t},t=${t},v1=${'a'.repeat(64)}`, body, now, 'malformed timestamp'],
    ['a non-numeric t', 't=soon,v1=' + 'a'.repeat(64), body, now, 'malformed timestamp'],
  ])('refuses %s', (_name, header, payload, at, reason) => {
    expect(verifySignature(header, payload, ['s'], at)).toEqual({ ok: false, reason });
  });

  it('refuses to sign with no secret at all', () => {
    expect(() => signatureHeader(body, [], now)).toThrow(/at least one secret/);
  });

  it('never throws on any header or body', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.string(),
        fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
        (header, payload, secrets) => {
          const result = verifySignature(header, payload, secrets, now);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
    );
  });
});
