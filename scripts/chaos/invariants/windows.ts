// Fault windows: spans of the run during which a fault could excuse what an invariant would otherwise
// count (a late escalation while PostgreSQL was down, a re-send after the sender was killed, a dead
// letter while its receiver was failing). Each rule below says which faults excuse what, and for how
// long after them.
import type { Delivery, FaultRecord } from '../records.js';
import type { ReceiverName } from '../schedule.js';

export interface Window {
  fromMs: number;
  toMs: number;
  fault: FaultRecord;
}

/**
 * A send can be in flight this long after its request began and still not be recorded: the slowest
 * channel's timeout (SMTP, 10 s) plus time to write the outcome under load. A copy whose sender was
 * killed within this span after the copy arrived may be re-sent (at least once).
 */
export const SEND_SETTLE_MS = 20_000;

/** After a fault the engine is given this long to catch up before lateness counts again. */
export const RECOVERY_MS = 10_000;

/** A receiver is counted unhealthy this long after its fault window ends (its timeouts end later). */
export const RECEIVER_TAIL_MS = 15_000;

/**
 * A receiver answering this late may have answered after the sender gave up: Vigil's HTTP and SMS
 * channels waited 5 s before ad71689 and 10 s since; SMTP gives up after 10 s without progress.
 */
export function atRiskAfterMs(receiver: ReceiverName): number {
  return receiver === 'email' ? 9_500 : 4_500;
}

/**
 * Faults that can hold up every instance's engine (escalations, monitor checks): PostgreSQL restarts,
 * bursts (two cores shared by all) and instances exiting on their own (all may go at once), each from
 * its start to its end plus RECOVERY_MS. Kills and SIGTERMs are not among them: they take one instance
 * away, and the others' engines are meant to carry on unhindered. Skewed clocks do not hold anything
 * up; they make the skewed instance's own times wrong (see writtenWhileSkewed).
 */
export function engineWindows(faults: readonly FaultRecord[]): Window[] {
  return faults
    .filter((f) => f.kind === 'pg-restart' || f.kind === 'burst' || f.kind === 'crash')
    .map((fault) => ({ fromMs: fault.startMs, toMs: fault.endMs + RECOVERY_MS, fault }));
}

/**
 * Whether a time read from the database may have been written by a skewed instance: it lies within a
 * skew window widened by the offset (the skewed instance stamps its writes that far off).
 */
export function writtenWhileSkewed(faults: readonly FaultRecord[], ms: number): boolean {
  return skewsOverlapping(faults, ms, ms).length > 0;
}

/** The first window overlapping [fromMs, toMs], if any. */
export function overlapping(windows: readonly Window[], fromMs: number, toMs: number): Window | undefined {
  return windows.find((w) => w.fromMs <= toMs && fromMs <= w.toMs);
}

/**
 * The skew windows overlapping [fromMs, toMs] in the database's times: the skewed process stamps what
 * it writes off by its offset, so its window reaches that far earlier (clock behind) or later (ahead).
 */
export function skewsOverlapping(faults: readonly FaultRecord[], fromMs: number, toMs: number): FaultRecord[] {
  return faults.filter((f) => {
    if (f.kind !== 'skew') return false;
    const offset = (f.offsetSeconds ?? 0) * 1000;
    return f.startMs + Math.min(0, offset) <= toMs && fromMs <= f.endMs + Math.max(0, offset);
  });
}

/** The receiver's fault window covering `atMs` (plus its tail), if it was failing then. */
export function receiverFaultAt(
  faults: readonly FaultRecord[],
  receiver: ReceiverName,
  atMs: number,
): FaultRecord | undefined {
  return faults.find(
    (f) => f.kind === 'receiver' && f.receiver === receiver && f.startMs <= atMs && atMs <= f.endMs + RECEIVER_TAIL_MS,
  );
}

/**
 * The harness notes a request when its event loop gets to it, which under load can be a moment after
 * the sender wrote it: a sender killed up to this long before a copy was noted may still have sent it.
 */
export const NOTICE_LAG_MS = 2_000;

/**
 * The death that explains a copy not being recorded: SIGKILL (or an exit of its own) of the copy's
 * sender (any instance when the sender could not be told) within SEND_SETTLE_MS after the copy arrived
 * (or NOTICE_LAG_MS before).
 */
export function killAfterCopy(faults: readonly FaultRecord[], copy: Delivery): FaultRecord | undefined {
  return faults.find(
    (f) =>
      (f.kind === 'kill' || f.kind === 'crash') &&
      f.startMs >= copy.arrivalMs - NOTICE_LAG_MS &&
      f.startMs <= copy.arrivalMs + SEND_SETTLE_MS &&
      (copy.senderPid === null || f.pid === copy.senderPid),
  );
}

/**
 * Whether the receiver answered 2xx so late that the sender may have given up first (see atRiskAfterMs):
 * such a copy may count as delivered or as failed.
 */
export function answeredAtDeadline(copy: Delivery): boolean {
  return copy.outcome === 'ok' && copy.endMs - copy.arrivalMs >= atRiskAfterMs(copy.receiver);
}

/** Which faults to name first when several were in force: the database, then lost instances, then the rest. */
const BLAME_ORDER: ReadonlyArray<FaultRecord['kind']> = [
  'pg-restart',
  'crash',
  'kill',
  'sigterm',
  'burst',
  'skew',
  'receiver',
];

/**
 * The fault most likely behind something at `atMs`, to name in evidence: one in force then (or ended
 * within 5 s), in BLAME_ORDER; else the latest that began in the minute before.
 */
export function nearestFault(faults: readonly FaultRecord[], atMs: number): FaultRecord | undefined {
  const rank = (f: FaultRecord) => BLAME_ORDER.indexOf(f.kind);
  const active = faults
    .filter((f) => f.startMs <= atMs && atMs <= f.endMs + 5_000)
    .sort((a, b) => rank(a) - rank(b) || b.startMs - a.startMs);
  if (active[0]) return active[0];
  return faults.filter((f) => f.startMs <= atMs && atMs - f.startMs <= 60_000).sort((a, b) => b.startMs - a.startMs)[0];
}
