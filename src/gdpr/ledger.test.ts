import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalRow,
  checkLink,
  GENESIS_HASH,
  rowHash,
  statusOf,
  subjectKeyOf,
  supersedes,
  tooFarAhead,
  type ChainedRow,
} from './ledger.js';

const row = (seq: number, over: Partial<ChainedRow> = {}): ChainedRow => ({
  seq,
  id: `e${seq}`,
  subjectKey: 'ab'.repeat(16),
  purpose: 'newsletter',
  policyVersion: 1,
  decision: 'granted',
  at: '2026-01-15T08:00:00.000Z',
  source: 'signup "form"\n',
  proof: canonicalJson({ z: 1, a: ['é', null, 1.5] }) as string,
  recordedAt: '2026-01-15T09:00:00.000Z',
  ...over,
});

function chain(n: number) {
  const out: Array<ChainedRow & { prevHash: string; hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const r = row(seq);
    const hash = rowHash(prev, r);
    out.push({ ...r, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('the canonical row', () => {
  it('is exactly RFC 8785 of the row in wire names', () => {
    const r = row(7);
    expect(canonicalRow(r)).toBe(
      canonicalize({
        seq: 7,
        id: r.id,
        subject_key: r.subjectKey,
        purpose: r.purpose,
        policy_version: 1,
        decision: 'granted',
        at: r.at,
        source: r.source,
        proof: JSON.parse(r.proof),
        recorded_at: r.recordedAt,
      }),
    );
  });

  it('refuses what JSON cannot say canonically', () => {
    expect(canonicalJson({ a: '\ud800' })).toBeUndefined();
    expect(canonicalJson({ b: 2, a: 1 })).toBe('{"a":1,"b":2}');
  });
});

describe('checkLink', () => {
  const c = chain(4);
  const [r1, r2, r3] = c as [(typeof c)[0], (typeof c)[0], (typeof c)[0]];
  it.each([
    ['the first row', null, r1, null],
    ['the next row', { seq: 1, hash: r1.hash }, r2, null],
    ['a skipped row', { seq: 1, hash: r1.hash }, r3, 'seq gap'],
    ['a first row that is not 1', null, r2, 'seq gap'],
    ['a wrong link', { seq: 1, hash: r3.hash }, r2, 'prev_hash mismatch'],
    ['a changed decision', { seq: 1, hash: r1.hash }, { ...r2, decision: 'withdrawn' as const }, 'hash mismatch'],
    ['a changed proof', { seq: 1, hash: r1.hash }, { ...r2, proof: '{}' }, 'hash mismatch'],
    ['a changed subject key', { seq: 1, hash: r1.hash }, { ...r2, subjectKey: 'cd'.repeat(16) }, 'hash mismatch'],
  ])('%s', (_name, prev, r, reason) => expect(checkLink(prev, r)).toBe(reason));
});

describe('supersedes and statusOf', () => {
  const at = (s: string, seq: number, decision: 'granted' | 'withdrawn' = 'granted', policyVersion = 1) => ({
    at: s,
    seq,
    decision,
    policyVersion,
  });
  it.each([
    ['nothing before', undefined, at('2026-01-01T00:00:00.000Z', 1), true],
    ['later at', at('2026-01-01T00:00:00.000Z', 5), at('2026-01-02T00:00:00.000Z', 2), true],
    ['earlier at, later seq', at('2026-01-02T00:00:00.000Z', 1), at('2026-01-01T00:00:00.000Z', 9), false],
    ['same at, later seq', at('2026-01-01T00:00:00.000Z', 1), at('2026-01-01T00:00:00.000Z', 2), true],
    ['same at, earlier seq', at('2026-01-01T00:00:00.000Z', 3), at('2026-01-01T00:00:00.000Z', 2), false],
  ])('%s', (_name, current, next, wins) => expect(supersedes(current, next)).toBe(wins));

  it.each([
    [undefined, 1, 'none'],
    [{ decision: 'granted' as const, policyVersion: 2 }, 2, 'granted'],
    [{ decision: 'granted' as const, policyVersion: 1 }, 2, 'stale'],
    [{ decision: 'withdrawn' as const, policyVersion: 1 }, 2, 'withdrawn'],
    [{ decision: 'withdrawn' as const, policyVersion: 2 }, 2, 'withdrawn'],
  ])('%o under version %i: %s', (latest, current, status) => expect(statusOf(latest, current)).toBe(status));
});

describe('tooFarAhead and subjectKeyOf', () => {
  const now = new Date('2026-01-15T09:00:00.000Z');
  it.each([
    ['2026-01-15T09:00:00.000Z', false],
    ['2026-01-15T09:05:00.000Z', false],
    ['2026-01-15T09:05:00.001Z', true],
    ['2020-01-01T00:00:00.000Z', false],
  ])('%s: %s', (at, ahead) => expect(tooFarAhead(new Date(at), now)).toBe(ahead));

  it('keys a subject by HMAC: stable per key, different across keys', () => {
    const k1 = Buffer.alloc(32, 1);
    expect(subjectKeyOf(k1, 'user-1')).toBe(subjectKeyOf(k1, 'user-1'));
    expect(subjectKeyOf(k1, 'user-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(subjectKeyOf(Buffer.alloc(32, 2), 'user-1')).not.toBe(subjectKeyOf(k1, 'user-1'));
  });
});
