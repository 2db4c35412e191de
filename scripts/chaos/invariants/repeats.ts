// Invariants 3, 4 and 10: how pages reached the receivers.
//
// 3. A logical page (a pages row, sent to one destination) reaches the receiver under one key a
//    receiver can drop repeats by. Two copies under different keys (a page inside a bundle that carried
//    another page's id, then alone under its own) get through a receiver's dedup: the person is paged twice.
//    Only copies that may have been delivered count: answered 2xx, or an HTTP request the sender gave
//    up on (the receiver may have acted on it); not one the receiver refused, nor an email the server
//    never accepted with 250.
// 4. A copy under a key already received is a re-send. Re-sends are counted and sorted by cause: a
//    retry after the receiver refused or the sender gave up (allowed), a re-send after the sender was
//    killed mid-send (at least once: allowed), anything else (a healthy instance sending twice: not).
// 10. A message names every notification it carries, so a receiver can drop exactly the repeats:
//    a bundle whose id list is shorter than the bundle breaks 3 and 4 for the pages left out. The list
//    header is bounded (100 ids), so only bundles within that bound, or webhooks (whose body lists
//    them all), count.
import type { Delivery, RunRecords } from '../records.js';
import { notificationsById, receiptsById } from './receipts.js';
import { count, iso, violation, type InvariantResult, type Violation } from './result.js';
import { answeredAtDeadline, killAfterCopy, nearestFault } from './windows.js';

/** The most ids the list header carries (the product's contract); larger bundles go without it. */
export const LIST_HEADER_MAX = 100;

/** Whether a copy may have reached the person: see invariant 3. */
export const mayHaveDelivered = (d: Delivery): boolean =>
  d.outcome === 'ok' || (d.outcome === 'aborted' && d.receiver !== 'email');

/** Invariant 3: no logical page delivered under two different keys. */
export function checkOnePageOneId(records: RunRecords): InvariantResult {
  const rows = notificationsById(records.db.notifications);
  const keysByPage = new Map<string, Map<string, Delivery>>();
  for (const [id, receipts] of receiptsById(records.deliveries)) {
    const row = rows.get(id);
    if (row?.kind !== 'page' || !row.pageId) continue;
    const page = `${row.pageId}\n${row.destination}`;
    const keys = keysByPage.get(page) ?? new Map<string, Delivery>();
    for (const r of receipts)
      if (mayHaveDelivered(r.delivery) && !keys.has(r.dedupKey)) keys.set(r.dedupKey, r.delivery);
    if (keys.size > 0) keysByPage.set(page, keys);
  }
  const violations: Violation[] = [];
  for (const [page, keys] of keysByPage) {
    if (keys.size < 2) continue;
    const [pageId, destination] = page.split('\n');
    const incident = records.db.pages.find((p) => p.id === pageId)?.incidentId;
    const copies = [...keys]
      .map(([key, d]) => `${key} (${d.bundled > 1 ? `in a bundle of ${d.bundled}` : 'alone'}, ${iso(d.arrivalMs)})`)
      .join(', ');
    violations.push(
      violation(
        `page ${pageId} to ${destination} arrived under ${keys.size} ids: ${copies}`,
        [incident],
        [...keys.keys()],
      ),
    );
  }
  return {
    key: 'page-two-ids',
    title: 'pages delivered more than once under different ids',
    figure: `${count(violations.length)} of ${count(keysByPage.size)}`,
    holds: violations.length === 0,
    violations,
    notes: [],
  };
}

/** Invariant 4: re-sends under the same id, by cause; those no crash explains are violations. */
export function checkResends(records: RunRecords): InvariantResult {
  const rows = notificationsById(records.db.notifications);
  const violations: Violation[] = [];
  let retries = 0;
  let afterCrash = 0;
  for (const [id, receipts] of receiptsById(records.deliveries)) {
    const byKey = new Map<string, typeof receipts>();
    for (const r of receipts) byKey.set(r.dedupKey, [...(byKey.get(r.dedupKey) ?? []), r]);
    for (const [key, copies] of byKey) {
      for (let k = 1; k < copies.length; k++) {
        const before = (copies[k - 1] as (typeof copies)[number]).delivery;
        const copy = (copies[k] as (typeof copies)[number]).delivery;
        if (before.outcome !== 'ok' || answeredAtDeadline(before)) retries++;
        else if (killAfterCopy(records.faults, before)) afterCrash++;
        else {
          // What kept the first copy's outcome from being recorded is most likely in force when it was sent.
          const cause = nearestFault(records.faults, before.endMs);
          violations.push(
            violation(
              `notification ${id} (key ${key}) re-sent at ${iso(copy.arrivalMs)} by pid ${copy.senderPid ?? '?'}; ` +
                `the copy of ${iso(before.arrivalMs)} was answered ${before.receiver === 'email' ? '250' : '2xx'} ` +
                `and its sender (pid ${before.senderPid ?? '?'}) was not killed` +
                (cause ? `; fault then: ${cause.detail}` : ''),
              [rows.get(id)?.incidentId],
              [id],
            ),
          );
        }
      }
    }
  }
  return {
    key: 'resend-healthy',
    title: 're-sends under the same id outside a crash window',
    figure: `${count(violations.length)} (re-sends: ${count(afterCrash)} after a crash, ${count(retries)} retries)`,
    holds: violations.length === 0,
    violations,
    notes: [
      `${count(afterCrash + violations.length)} re-sends of delivered copies, ${count(afterCrash)} explained by a kill`,
      `${count(retries)} retries after a refused or timed-out copy`,
    ],
  };
}

/** Invariant 10: every message lists every notification it carries (within the list's bound). */
export function checkIdsComplete(records: RunRecords): InvariantResult {
  const rows = notificationsById(records.db.notifications);
  const violations: Violation[] = [];
  let bundles = 0;
  const unknown = new Set<string>();
  for (const d of records.deliveries) {
    for (const id of d.carried) if (!rows.has(id)) unknown.add(id);
    if (d.bundled <= 1) continue;
    bundles++;
    const bound = d.receiver === 'webhook' || d.bundled <= LIST_HEADER_MAX;
    if (bound && d.carried.length < d.bundled)
      violations.push(
        violation(
          `${d.receiver} message ${d.messageId ?? '?'} at ${iso(d.arrivalMs)} carries ${d.bundled} notifications ` +
            `but names ${d.carried.length} (read from ${d.idSource})`,
          d.carried.map((id) => rows.get(id)?.incidentId),
          d.carried,
        ),
      );
  }
  return {
    key: 'ids-incomplete',
    title: 'messages not naming every notification they carry',
    figure: `${count(violations.length)} of ${count(bundles)} bundles`,
    holds: violations.length === 0,
    violations,
    notes: unknown.size > 0 ? [`${count(unknown.size)} ids received that are not in the notifications table`] : [],
  };
}
