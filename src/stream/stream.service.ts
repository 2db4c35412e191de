// The live-update bus behind GET /api/v1/stream.
//
// Incidents tell it, after a transaction commits, which timeline entries it wrote (never for a
// rolled-back one: see incidents' onCommitted). It reads those incidents as committed and publishes
// small events on the database's event channel (db/event-channel.ts): NOTIFY on PostgreSQL, so every
// instance's streams hear them; an in-process loopback on SQLite, where one process owns the file.
//
// Each process numbers what it receives: ids are "<boot>-<seq>", boot random per process, seq
// counting up from 1. A client that reconnects with Last-Event-ID gets the events it missed from a
// ring of the last RING_SIZE, if this process has them all and its channel was up the whole time;
// otherwise a `reset` event tells it to reload (events from another process, an older run, a gap
// while the channel was down or nobody listened). The channel is listened to only while someone
// subscribes, so an idle server holds no connection for it.
import { randomBytes } from 'node:crypto';
import { authorize, type Actor } from '../access/index.js';
import { MAX_PAYLOAD_BYTES, type EventChannel } from '../db/event-channel.js';
import type { Incident } from '../incident.js';
import type { CommittedEntry } from '../incidents/index.js';
import { eventsOf, frame, matches, pack, unpack, type StreamEvent, type StreamFilter } from './events.js';

const RING_SIZE = 1000;

export interface StreamDeps {
  channel: EventChannel;
  /** Incidents by id as committed (missing ones left out). */
  load(ids: readonly string[]): Promise<Incident[]>;
  /** Told of failures after commit (the change itself stands; only its live update is lost). */
  onError?: (error: unknown) => void;
}

/** Where a subscription's frames go; returns false when the subscriber cannot keep up (it is then dropped). */
export interface Sink {
  write(frame: string): boolean;
  /** Ends the subscriber's stream (it reconnects). */
  end(): void;
}

export interface Subscription {
  /** Frames to send first: missed events replayed, or a `reset`. */
  readonly initial: string[];
  close(): void;
}

export function createStreamService(deps: StreamDeps) {
  const { channel } = deps;
  const boot = randomBytes(4).toString('hex');
  let seq = 0;
  /** Resuming after a seq below this could miss events (the channel was down or not listened to). */
  let gapAt = 0;
  const ring: Array<{ seq: number; event: StreamEvent }> = [];
  const subscribers = new Set<{ filter: StreamFilter; sink: Sink }>();
  let listening: Promise<void> | undefined;

  const idOf = (n: number) => `${boot}-${n}`;

  function send(sub: { filter: StreamFilter; sink: Sink }, text: string): void {
    if (sub.sink.write(text)) return;
    subscribers.delete(sub);
    sub.sink.end();
    if (subscribers.size === 0) void stopListening();
  }

  function receive(payload: string): void {
    for (const event of unpack(payload)) {
      seq += 1;
      ring.push({ seq, event });
      if (ring.length > RING_SIZE) ring.shift();
      const text = frame(idOf(seq), event.event, event.data);
      for (const sub of [...subscribers]) if (matches(sub.filter, event)) send(sub, text);
    }
  }

  function reset(reason: string): void {
    gapAt = seq;
    const text = frame(idOf(seq), 'reset', { reason });
    for (const sub of [...subscribers]) send(sub, text);
  }

  function startListening(): Promise<void> {
    listening ??= channel.listen({
      message: receive,
      down: () => reset('events_interrupted'),
      up: () => reset('events_resumed'),
    });
    return listening;
  }

  async function stopListening(): Promise<void> {
    if (!listening) return;
    listening = undefined;
    gapAt = seq; // nothing is received until someone listens again
    await channel.unlisten();
  }

  /** The frames a subscriber resuming after `lastEventId` needs first. */
  function resume(lastEventId: string | undefined, filter: StreamFilter): string[] {
    if (lastEventId === undefined) return [];
    const m = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId);
    const after = m && m[1] === boot ? Number(m[2]) : -1;
    const oldest = ring[0]?.seq ?? seq + 1;
    if (after < gapAt || after > seq || after < oldest - 1)
      return [frame(idOf(seq), 'reset', { reason: 'events_missed' })];
    return ring
      .filter((r) => r.seq > after && matches(filter, r.event))
      .map((r) => frame(idOf(r.seq), r.event.event, r.event.data));
  }

  return {
    /** Subscribes `sink` to events matching `filter` (needs read permission); resolves once events flow. */
    async subscribe(
      actor: Actor,
      filter: StreamFilter,
      lastEventId: string | undefined,
      sink: Sink,
    ): Promise<Subscription> {
      authorize(actor, 'read');
      await startListening();
      const sub = { filter, sink };
      subscribers.add(sub);
      return {
        initial: resume(lastEventId, filter),
        close() {
          if (subscribers.delete(sub) && subscribers.size === 0) void stopListening();
        },
      };
    },

    /** Publishes the events of a committed transaction's timeline entries; errors go to onError. */
    async committed(entries: readonly CommittedEntry[]): Promise<void> {
      // On SQLite only this process can listen, so with nobody subscribed there is nothing to do.
      if (!channel.shared && subscribers.size === 0) return;
      try {
        const incidents = await deps.load(entries.map((e) => e.incidentId));
        await channel.publish(pack(eventsOf(entries, incidents), MAX_PAYLOAD_BYTES));
      } catch (error) {
        deps.onError?.(error);
      }
    },

    /** Ends every open stream and stops listening (server shutdown). */
    async close(): Promise<void> {
      for (const sub of [...subscribers]) sub.sink.end();
      subscribers.clear();
      await stopListening();
    },

    /** Open subscriptions, for tests and metrics. */
    get size(): number {
      return subscribers.size;
    },
  };
}

export type StreamService = ReturnType<typeof createStreamService>;
