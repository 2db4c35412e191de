// What every delivery channel does: take one rendered message and hand it to the outside world, or
// say why it could not and whether trying again later might help.

export const CHANNELS = ['email', 'sms', 'voice', 'slack', 'teams', 'mattermost', 'webhook'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

export interface OutboundMessage {
  /**
   * The message's id (X-Vigil-Delivery): a lone notification's own id, or for a bundle of pages an id made
   * from all of theirs, so the same bundle sent again has the same id and a different one never does.
   */
  deliveryId: string;
  /**
   * The id of every notification the message carries (X-Vigil-Delivery-Ids; JSON bodies' delivery_ids): a
   * page has one id in every message that carries it, bundled or alone, first try or retry.
   */
  deliveryIds: string[];
  channel: ChannelKind;
  /** An email address, a phone number, or a URL, by channel. */
  destination: string;
  /** Signing secret of a webhook destination. */
  secret: string | null;
  subject: string;
  /** Plain text; channels that show formatting build it from this and `payload`. */
  body: string;
  /** The JSON document webhooks receive: {event, incident, message, delivery_id}. */
  payload: Record<string, unknown>;
}

/** A failed delivery. `retryable` false means the same message can never succeed (e.g. a 404 URL). */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Seconds the receiver asked us to wait (Retry-After), if it said. */
    readonly retryAfterSeconds?: number,
    /**
     * The message may have reached the receiver anyway (it timed out or the connection broke after it was
     * written), as opposed to a refusal or a connection that never opened.
     */
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/**
 * How long an HTTP channel (webhooks, chat, the SMS/voice gateway) waits for the receiver's answer. Receivers
 * that do real work before answering (a ticket system, a gateway under load) take seconds; the dispatcher's
 * lease (30 s) covers it with room to spare.
 */
export const SEND_TIMEOUT_MS = 10_000;

/** Network errors after which nothing can have been delivered: the connection never opened. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether a request that failed with `error` may still have been received (a timeout, a reset mid-answer). */
export function mayHaveArrived(error: unknown): boolean {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).code ??
    (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return false;
  return !(error instanceof Error && /^forbidden address/.test(error.message));
}

/**
 * The most ids X-Vigil-Delivery-Ids lists (about 3 KB); a bigger bundle (a storm to one person) lists them in
 * its JSON body only, as HTTP servers commonly refuse headers past 8–16 KB.
 */
export const MAX_IDS_IN_HEADER = 100;

/** The X-Vigil-Delivery-Ids header for `m`, when it fits. */
export function deliveryIdsHeader(m: Pick<OutboundMessage, 'deliveryIds'>): Record<string, string> {
  return m.deliveryIds.length <= MAX_IDS_IN_HEADER ? { 'x-vigil-delivery-ids': m.deliveryIds.join(',') } : {};
}

export interface Channel {
  send(message: OutboundMessage): Promise<void>;
}

export type Channels = Partial<Record<ChannelKind, Channel>>;
