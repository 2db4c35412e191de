// The receivers' records turned around: for each notification id, every message that carried it, in
// the order they arrived, with the key a receiver would have dropped its repeats by.
import type { DbNotification, Delivery } from '../records.js';

export interface Receipt {
  delivery: Delivery;
  dedupKey: string;
}

/** Receipts by notification id, each list sorted by arrival. */
export function receiptsById(deliveries: readonly Delivery[]): Map<string, Receipt[]> {
  const byId = new Map<string, Receipt[]>();
  for (const delivery of deliveries) {
    for (const id of delivery.carried) {
      const list = byId.get(id) ?? [];
      list.push({ delivery, dedupKey: delivery.dedupKeys[id] ?? delivery.messageId ?? id });
      byId.set(id, list);
    }
  }
  for (const list of byId.values())
    list.sort((a, b) => a.delivery.arrivalMs - b.delivery.arrivalMs || a.delivery.seq - b.delivery.seq);
  return byId;
}

export const notificationsById = (rows: readonly DbNotification[]) => new Map(rows.map((n) => [n.id, n]));
