// The consent ledger's pure rules: the canonical form of a row and its hash chain, how one row is checked
// against the one before it, which event is a subject's latest for a purpose, and what that makes their
// status. No I/O: the repo stores what these compute and verify walks what they check.
//
// The chain: row n stores prev_hash = hash of row n−1 (GENESIS for the first) and
// hash = sha256(prev_hash ‖ canonical JSON of the row), hex. "Canonical JSON" is RFC 8785 (JCS) through the
// `canonicalize` package: sorted keys, no whitespace, ECMAScript number form, so any implementation can
// recompute the hash. The row covers the pseudonymous subject key (HMAC of the subject id), never the plain
// id, so erasing the plain id later leaves every hash true.
import { createHash, createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';

export const DECISIONS = ['granted', 'withdrawn'] as const;
export type Decision = (typeof DECISIONS)[number];
export type ConsentStatus = 'granted' | 'withdrawn' | 'stale' | 'none';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);
/** How far in the future an event's `at` may be (clients' clocks drift). */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;
/** Events per POST at most. */
export const MAX_BATCH = 1000;

/** What the hash covers: every stored field but the plain subject id and the hashes themselves. */
export interface ChainedRow {
  seq: number;
  id: string;
  subjectKey: string;
  purpose: string;
  policyVersion: number;
  decision: Decision;
  /** ISO 8601 UTC with milliseconds. */
  at: string;
  source: string;
  /** The proof as canonical JSON text. */
  proof: string;
  recordedAt: string;
}

/** The RFC 8785 text of a JSON value, or undefined when it has none (NaN, lone surrogates, cycles…). */
export function canonicalJson(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch {
    return undefined;
  }
}

/** The canonical JSON the hash covers (wire names; the proof as the object it is). */
export function canonicalRow(row: ChainedRow): string {
  const q = JSON.stringify;
  return (
    `{"at":${q(row.at)},"decision":${q(row.decision)},"id":${q(row.id)},` +
    `"policy_version":${row.policyVersion},"proof":${row.proof},"purpose":${q(row.purpose)},` +
    `"recorded_at":${q(row.recordedAt)},"seq":${row.seq},"source":${q(row.source)},` +
    `"subject_key":${q(row.subjectKey)}}`
  );
}

/** sha256(prev_hash ‖ canonical row), hex. */
export function rowHash(prevHash: string, row: ChainedRow): string {
  return createHash('sha256').update(prevHash).update(canonicalRow(row)).digest('hex');
}

/**
 * The pseudonym the chain stores for a subject id: HMAC-SHA256(key, id) cut to its first 128 bits, hex. 128
 * bits keep collisions out of reach for any number of subjects a ledger holds, and the shorter key keeps the
 * subject indexes (every append touches them at random places) half the size.
 */
export function subjectKeyOf(key: Buffer, subjectId: string): string {
  return createHmac('sha256', key).update(subjectId).digest('hex').slice(0, 32);
}

/** Why a row breaks the chain; `missing rows`: the head counts rows the table no longer has. */
export type BreakReason = 'seq gap' | 'prev_hash mismatch' | 'hash mismatch' | 'missing rows';

/**
 * Why `row` does not follow the row before it (`prev`: its seq and hash, or null for the first), or null
 * when it does. Checked in this order: its place (seq), its link (prev_hash), its content (hash).
 */
export function checkLink(
  prev: { seq: number; hash: string } | null,
  row: ChainedRow & { prevHash: string; hash: string },
): Exclude<BreakReason, 'missing rows'> | null {
  if (row.seq !== (prev ? prev.seq + 1 : 1)) return 'seq gap';
  if (row.prevHash !== (prev ? prev.hash : GENESIS_HASH)) return 'prev_hash mismatch';
  if (row.hash !== rowHash(row.prevHash, row)) return 'hash mismatch';
  return null;
}

export interface Decided {
  decision: Decision;
  policyVersion: number;
  /** ISO text; compares as time. */
  at: string;
  seq: number;
}

/** True when `next` replaces `current` as the latest decision: later by `at`, ties by seq. */
export function supersedes(current: Decided | undefined, next: Decided): boolean {
  if (!current) return true;
  if (next.at !== current.at) return next.at > current.at;
  return next.seq > current.seq;
}

/** A subject's status for a purpose from their latest decision and the purpose's current version. */
export function statusOf(
  latest: Pick<Decided, 'decision' | 'policyVersion'> | undefined,
  current: number,
): ConsentStatus {
  if (!latest) return 'none';
  if (latest.decision === 'withdrawn') return 'withdrawn';
  return latest.policyVersion < current ? 'stale' : 'granted';
}

/** True when `at` lies further ahead of `now` than the clock tolerance. */
export function tooFarAhead(at: Date, now: Date): boolean {
  return at.getTime() - now.getTime() > CLOCK_TOLERANCE_MS;
}
