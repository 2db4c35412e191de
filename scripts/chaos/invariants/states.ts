// Invariant 6: the delivery log tells the truth. Each notification's recorded state is compared with
// what the receivers got:
//
// - sent: some copy was answered 2xx (250) while its sender waited, and its incident's timeline has the
//   notification_sent entry.
// - cancelled ("not sent"): no copy was answered 2xx. A copy the receiver refused was not delivered;
//   one the sender gave up on (timeout) may or may not have been, which the sender cannot know.
// - unknown ("outcome unknown": its sender was lost mid-send and it was not sent again): either way.
// - dead: likewise no copy was answered 2xx.
//   (A copy answered right at the sender's timeout may count either way, in every rule.)
// - failed, pending or sending (still to do when the run ended): no copy was answered 2xx, unless that
//   copy's sender was killed mid-send (the lease brings the row back, at least once).
//
// A `sent` row no delivered message named is "unverifiable" rather than wrong when its destination got
// a bundle that did not list all its ids around its sent time (invariant 10 counts those messages).
import type { Delivery, RunRecords } from '../records.js';
import { receiptsById } from './receipts.js';
import { count, iso, violation, type InvariantResult, type Violation } from './result.js';
import { answeredAtDeadline, killAfterCopy } from './windows.js';

/** States that mean "not finished": the dispatcher will still try (or the run ended mid-try). */
const IN_PROGRESS = new Set(['pending', 'sending', 'failed']);
/** How far from a row's sent time an incomplete bundle to its destination may explain not seeing it. */
const BUNDLE_NEAR_MS = 60_000;

export function checkStatesAgree(records: RunRecords): InvariantResult {
  const receipts = receiptsById(records.deliveries);
  const timelineSent = new Set(
    records.db.timeline.filter((e) => e.kind === 'notification_sent').map((e) => String(e.data.notification_id)),
  );
  const incomplete = records.deliveries.filter((d) => d.carried.length < d.bundled);
  const violations: Violation[] = [];
  const states = new Map<string, number>();
  let unverifiable = 0;
  let unrecognised = 0;

  for (const n of records.db.notifications) {
    states.set(n.state, (states.get(n.state) ?? 0) + 1);
    const copies: Delivery[] = (receipts.get(n.id) ?? []).map((r) => r.delivery);
    const delivered = copies.filter((c) => c.outcome === 'ok');
    const surelyDelivered = delivered.filter((c) => !answeredAtDeadline(c));
    const wrong = (why: string) =>
      violations.push(
        violation(`notification ${n.id} (${n.kind}, ${n.channel}) is ${n.state}: ${why}`, [n.incidentId], [n.id]),
      );
    const copiesText = () =>
      copies.map((c) => `${c.outcome} at ${iso(c.arrivalMs)} from pid ${c.senderPid ?? '?'}`).join('; ');

    if (n.state === 'sent') {
      if (delivered.length === 0) {
        // A bundle that named only some of its pages may have carried this one.
        const explained = incomplete.some(
          (d) =>
            d.outcome === 'ok' &&
            d.destination === n.destination &&
            Math.abs(d.arrivalMs - (n.sentMs ?? 0)) < BUNDLE_NEAR_MS,
        );
        if (explained) unverifiable++;
        else wrong(copies.length === 0 ? 'no receiver got it' : `no copy was answered 2xx (${copiesText()})`);
      }
      if (n.incidentId && !timelineSent.has(n.id)) wrong('its incident has no notification_sent entry for it');
    } else if (n.state === 'cancelled') {
      if (surelyDelivered.length > 0) wrong(`recorded as not sent, but delivered: ${copiesText()}`);
    } else if (n.state === 'dead') {
      if (surelyDelivered.length > 0) wrong(`recorded dead, but delivered: ${copiesText()}`);
    } else if (IN_PROGRESS.has(n.state)) {
      const unexplained = surelyDelivered.filter((c) => !killAfterCopy(records.faults, c));
      if (unexplained.length > 0) wrong(`still to send, but delivered by a live sender: ${copiesText()}`);
    } else if (n.state !== 'unknown') unrecognised++;
  }

  const breakdown = [...states].map(([state, n]) => `${state} ${count(n)}`).join(', ');
  const wrongRows = new Set(violations.flatMap((v) => v.deliveryIds)).size;
  return {
    key: 'state-disagrees',
    title: "notifications whose recorded state disagrees with the receivers' records",
    figure: `${count(wrongRows)} of ${count(records.db.notifications.length)}`,
    holds: violations.length === 0,
    violations,
    notes: [
      `states: ${breakdown || 'none'}`,
      ...(unverifiable > 0 ? [`${count(unverifiable)} sent rows only an incomplete bundle could have carried`] : []),
      ...(unrecognised > 0 ? [`${count(unrecognised)} rows in a state the harness does not know`] : []),
    ],
  };
}
