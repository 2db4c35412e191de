// What every delivery channel does: take one rendered message and hand it to the outside world, or
// say why it could not and whether trying again later might help.

export const CHANNELS = ['email', 'sms', 'voice', 'slack', 'teams', 'mattermost', 'webhook'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

export interface OutboundMessage {
  /** The idempotency id (X-Vigil-Delivery for webhooks). */
  deliveryId: string;
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
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface Channel {
  send(message: OutboundMessage): Promise<void>;
}

export type Channels = Partial<Record<ChannelKind, Channel>>;
