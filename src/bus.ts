// One typed event bus for the app. A feature publishes what happened to it ("incident.resolved",
// "escalation.paged") and knows nothing of who listens; app.ts, and only app.ts, subscribes the
// reactions, each under a name, so who reacts to what reads in one place.
//
// Subscribers run one after another, in the order they subscribed, and each is awaited before the
// next. An event published inside a transaction carries it (`trx`): what its subscribers write
// commits or rolls back with the change that caused it, and a subscriber's error goes back to the
// publisher, which fails the change. Events published after a commit carry no transaction; their
// subscribers must not throw.

/** Reacts to one event. */
export type Subscriber<T> = (event: T) => Promise<void> | void;

/** An event's name with its payload, for each event of E. */
export type EventArgs<E> = { [K in keyof E & string]: [name: K, event: E[K]] }[keyof E & string];

/**
 * Tells every subscriber of `name`, in order; resolves once the last one is done. A bus's Publish
 * over all events is also a Publish of any subset of them, so each feature is handed one that knows
 * only its own events.
 */
export type Publish<E> = (...args: EventArgs<E>) => Promise<void>;

export interface Bus<E> {
  /** Subscribes `subscriber` to `name`; `reaction` says in a few words what it does. */
  on<K extends keyof E & string>(name: K, reaction: string, subscriber: Subscriber<E[K]>): void;
  publish: Publish<E>;
  /** Every subscription, in order, as "event: reaction" (for the docs and for tests). */
  reactions(): string[];
}

const DONE = Promise.resolve();

export function createBus<E>(): Bus<E> {
  const subscribers = new Map<string, Array<Subscriber<never>>>();
  const named: string[] = [];

  async function tell<T>(list: ReadonlyArray<Subscriber<T>>, event: T): Promise<void> {
    for (const subscriber of list) await subscriber(event);
  }

  return {
    on(name, reaction, subscriber) {
      const list = subscribers.get(name) ?? [];
      list.push(subscriber as Subscriber<never>);
      subscribers.set(name, list);
      named.push(`${name}: ${reaction}`);
    },
    // The first subscriber runs before publish returns (a synchronous one is done by then); an event
    // nobody subscribed to costs one map lookup.
    publish(...[name, event]) {
      const list = subscribers.get(name) as Array<Subscriber<typeof event>> | undefined;
      return list ? tell(list, event) : DONE;
    },
    reactions: () => [...named],
  };
}
