// Invariants 8 and 9: nothing gives up on a healthy peer, and nothing stops checking.
//
// 8. A notification goes dead after its last retry, or at once on an answer retrying cannot fix. The
//    receivers here only ever fail for a while (slow, 500, timeouts) and never refuse for good, so a
//    dead row is only excused when its receiver was inside a fault window when it went dead (the time
//    of its notification_dead timeline entry).
// 9. Each HTTP monitor is checked every interval: no gap between checks (or from the monitor's first
//    expected check to the first one, or from the last one to the end of the run) longer than three
//    intervals. A skewed instance stamps its checks off by its offset, so a gap overlapping a skew
//    window may be that much longer. Heartbeat monitors are judged by beats the load sends, not by
//    checks Vigil runs, so they are left to invariant 1.
import type { RunRecords } from '../records.js';
import type { ReceiverName } from '../schedule.js';
import { count, iso, seconds, violation, type InvariantResult, type Violation } from './result.js';
import { receiverFaultAt, skewsOverlapping } from './windows.js';

const RECEIVER_OF: Record<string, ReceiverName> = {
  webhook: 'webhook',
  slack: 'slack',
  sms: 'sms',
  voice: 'sms',
  email: 'email',
};

export function checkNoDeadWhileHealthy(records: RunRecords): InvariantResult {
  const deadAt = new Map<string, number>();
  for (const e of records.db.timeline)
    if (e.kind === 'notification_dead') deadAt.set(String(e.data.notification_id), e.atMs);
  const violations: Violation[] = [];
  const dead = records.db.notifications.filter((n) => n.state === 'dead');
  let excused = 0;
  for (const n of dead) {
    const receiver = RECEIVER_OF[n.channel];
    const at = deadAt.get(n.id);
    const fault = receiver && at !== undefined ? receiverFaultAt(records.faults, receiver, at) : undefined;
    if (fault) {
      excused++;
      continue;
    }
    violations.push(
      violation(
        `notification ${n.id} (${n.kind}, ${n.channel} to ${n.destination}) went dead ` +
          (at === undefined ? '(no notification_dead entry says when)' : `at ${iso(at)} with its receiver healthy`) +
          `: ${n.lastError ?? 'no error recorded'}`,
        [n.incidentId],
        [n.id],
      ),
    );
  }
  return {
    key: 'dead-while-healthy',
    title: 'notifications dead-lettered while their receiver was healthy',
    figure: `${count(violations.length)} of ${count(dead.length)} dead`,
    holds: violations.length === 0,
    violations,
    notes: excused > 0 ? [`${count(excused)} went dead while their receiver was failing`] : [],
  };
}

/** Checks may not stop for longer than this many intervals. */
export const MAX_MISSED_INTERVALS = 3;

export function checkMonitorsKeepChecking(records: RunRecords): InvariantResult {
  const violations: Violation[] = [];
  let monitors = 0;
  for (const m of records.db.monitors) {
    if (m.kind === 'heartbeat') continue;
    monitors++;
    const interval = m.intervalSeconds * 1000;
    const from = Math.max(m.createdMs, records.startMs) + interval;
    const points = [from, ...m.samplesMs.filter((t) => t > from && t < records.endMs), records.endMs];
    let worst: { from: number; to: number; allowed: number } | undefined;
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1] as number;
      const b = points[i] as number;
      const skew = Math.max(0, ...skewsOverlapping(records.faults, a, b).map((f) => Math.abs(f.offsetSeconds ?? 0)));
      const allowed = MAX_MISSED_INTERVALS * interval + 2 * skew * 1000;
      if (b - a > allowed && (!worst || b - a > worst.to - worst.from)) worst = { from: a, to: b, allowed };
    }
    if (worst)
      violations.push(
        violation(
          `monitor ${m.id} (every ${m.intervalSeconds} s) went ${seconds(worst.to - worst.from)} without a check, ` +
            `${iso(worst.from)} to ${iso(worst.to)} (allowed ${seconds(worst.allowed)})`,
        ),
      );
  }
  return {
    key: 'monitor-gaps',
    title: 'monitors whose checks stopped for more than 3 intervals',
    figure: `${count(violations.length)} of ${count(monitors)}`,
    holds: violations.length === 0,
    violations,
    notes: [],
  };
}

/**
 * Invariant 11: no Vigil process exits unless told to. Faults may take the database away or make
 * receivers fail; an instance is meant to ride that out (answering 503 meanwhile), not to die.
 */
export function checkNoCrashes(records: RunRecords): InvariantResult {
  const crashes = records.faults.filter((f) => f.kind === 'crash');
  return {
    key: 'crashes',
    title: 'Vigil processes that exited without being stopped',
    figure: count(crashes.length),
    holds: crashes.length === 0,
    violations: crashes.map((f) => violation(`${iso(f.startMs)}: ${f.detail}`)),
    notes: [],
  };
}
