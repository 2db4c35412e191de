// Every message the receivers got, in arrival order, and a signal when a page arrives so the load
// generator can acknowledge its incident the way a person who was just paged would.
import type { Delivery } from '../records.js';
import type { ReceiverName } from '../schedule.js';

export interface PageArrival {
  incidentId: string;
  title: string;
  arrivalMs: number;
}

export interface DeliveryLog {
  record(delivery: Omit<Delivery, 'seq'>): Delivery;
  /** Tells listeners that pages for these incidents just arrived (webhook bodies name them). */
  pagesArrived(pages: PageArrival[]): void;
  onPages(listener: (pages: PageArrival[]) => void): void;
  all(): readonly Delivery[];
  countBy(receiver: ReceiverName): number;
}

export function createDeliveryLog(): DeliveryLog {
  const deliveries: Delivery[] = [];
  const listeners: Array<(pages: PageArrival[]) => void> = [];
  let seq = 0;
  return {
    record(delivery) {
      const full = { ...delivery, seq: ++seq };
      deliveries.push(full);
      return full;
    },
    pagesArrived(pages) {
      if (pages.length > 0) for (const listener of listeners) listener(pages);
    },
    onPages: (listener) => void listeners.push(listener),
    all: () => deliveries,
    countBy: (receiver) => deliveries.filter((d) => d.receiver === receiver).length,
  };
}
