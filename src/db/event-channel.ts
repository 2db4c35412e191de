// A broadcast channel of small text messages between the instances on one database, for live updates.
//
// PostgreSQL: `NOTIFY vigil_events, '<payload>'` through the pool, and `LISTEN vigil_events` on one
// dedicated connection per process (a pooled client would be handed to other queries). Every
// listener, the sender's own process included, receives each message, so a process delivers its own
// events the same way as everyone else's. If the listening connection drops, `down` is called and it
// reconnects with backoff (250 ms doubling to 10 s); `up` follows once it listens again. What was sent
// meanwhile is lost: the listener's owner must tell its clients to reload.
//
// SQLite: one process owns a data file (WAL, one writer), so nobody else can change it and an
// in-process loopback is the whole channel.
import pg from 'pg';
import type { Database } from './database.js';

/** PostgreSQL's limit is 8000 bytes per payload; senders stay under this. */
export const MAX_PAYLOAD_BYTES = 7900;
const CHANNEL = 'vigil_events';
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;

export interface ChannelHandlers {
  message(payload: string): void;
  /** The channel stopped receiving: messages may be missed until `up`. */
  down(): void;
  /** Receiving again after `down`. */
  up(): void;
}

export interface EventChannel {
  /** True when other processes may publish or listen (PostgreSQL). */
  readonly shared: boolean;
  /** Sends each payload (at most MAX_PAYLOAD_BYTES) to every process listening on this database. */
  publish(payloads: readonly string[]): Promise<void>;
  /** Starts listening; resolves once listening (or, if the first connection fails, once a retry is scheduled). */
  listen(handlers: ChannelHandlers): Promise<void>;
  /** Stops listening and releases the connection. */
  unlisten(): Promise<void>;
}

/** The channel for this database; nothing is opened until `listen`. */
export function openEventChannel(database: Database): EventChannel {
  return database.pgPool ? postgresChannel(database.pgPool) : loopbackChannel();
}

function loopbackChannel(): EventChannel {
  let handlers: ChannelHandlers | undefined;
  return {
    shared: false,
    async publish(payloads) {
      // Delivered on a later tick, as a notification would be, never inside the publisher's call.
      for (const payload of payloads) queueMicrotask(() => handlers?.message(payload));
    },
    async listen(h) {
      handlers = h;
    },
    async unlisten() {
      handlers = undefined;
    },
  };
}

function postgresChannel(pool: pg.Pool): EventChannel {
  let handlers: ChannelHandlers | undefined;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoff = BACKOFF_MIN_MS;
  let wasDown = false;
  let connecting: Promise<void> | undefined;

  function lost(c: pg.Client): void {
    if (client !== c) return; // an old connection's late error
    client = undefined;
    c.end().catch(() => undefined);
    if (!handlers) return;
    if (!wasDown) handlers.down();
    wasDown = true;
    timer = setTimeout(() => void connect(), backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  }

  async function connect(): Promise<void> {
    timer = undefined;
    if (!handlers) return;
    const c = new pg.Client(pool.options);
    client = c;
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    c.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload !== undefined) handlers?.message(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch {
      lost(c);
      return;
    }
    if (client !== c) return; // unlistened meanwhile
    backoff = BACKOFF_MIN_MS;
    if (wasDown) handlers?.up();
    wasDown = false;
  }

  return {
    shared: true,
    async publish(payloads) {
      // One round trip for the whole transaction's messages; they arrive in this order.
      if (payloads.length === 1) await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payloads[0]]);
      else if (payloads.length > 1)
        await pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i', [
          CHANNEL,
          payloads,
        ]);
    },
    async listen(h) {
      handlers = h;
      if (!client && !timer) connecting = connect();
      await connecting; // a second caller waits for the same LISTEN
    },
    async unlisten() {
      handlers = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      wasDown = false;
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
