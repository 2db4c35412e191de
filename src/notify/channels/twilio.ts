// SMS and voice through a Twilio-compatible REST API (Twilio itself, or any gateway speaking its
// Messages and Calls endpoints): form-encoded POSTs with the account's SID and token as basic auth.
import { request, type Dispatcher } from 'undici';
import {
  ChannelError,
  deliveryIdsHeader,
  mayHaveArrived,
  SEND_TIMEOUT_MS,
  type Channel,
  type OutboundMessage,
} from '../channel.js';
import { retryAfter } from './http.js';

export interface TwilioDeps {
  /** https://<AccountSid>:<AuthToken>@api.twilio.com, or a compatible gateway's base URL. */
  url: string;
  /** The sending number, E.164. */
  from: string;
  dispatcher: Dispatcher;
  timeoutMs?: number;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function createTwilioChannels({ url, from, dispatcher, timeoutMs = SEND_TIMEOUT_MS }: TwilioDeps): {
  sms: Channel;
  voice: Channel;
} {
  const base = new URL(url);
  const sid = decodeURIComponent(base.username);
  const auth = `Basic ${Buffer.from(`${sid}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  const root =
    `${base.protocol}//${base.host}${base.pathname.replace(/\/$/, '')}` +
    `/2010-04-01/Accounts/${encodeURIComponent(sid)}`;

  async function post(resource: 'Messages' | 'Calls', form: Record<string, string>, m: OutboundMessage): Promise<void> {
    let status: number;
    let text = '';
    let wait: string | string[] | undefined;
    try {
      const response = await request(`${root}/${resource}.json`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'Vigil',
          'x-vigil-delivery': m.deliveryId,
          ...deliveryIdsHeader(m),
        },
        body: new URLSearchParams(form).toString(),
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.statusCode;
      wait = response.headers['retry-after'];
      text = (await response.body.text().catch(() => '')).slice(0, 200);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ChannelError(
        `${resource} request failed: ${reason}`,
        !/^forbidden address/.test(reason),
        undefined,
        mayHaveArrived(error),
      );
    }
    if (status >= 200 && status < 300) return;
    const what = `the SMS/voice gateway answered ${status}${text ? `: ${text}` : ''}`;
    const retryable = status === 429 || status === 408 || status >= 500;
    // A gateway's Retry-After reaches the dispatcher, as for the JSON channels.
    throw new ChannelError(what, retryable, retryable ? retryAfter(wait) : undefined);
  }

  return {
    sms: {
      send: (m) =>
        post('Messages', { To: m.destination, From: from, Body: `${m.subject}\n${m.body}`.slice(0, 1500) }, m),
    },
    voice: {
      send: (m) =>
        post(
          'Calls',
          {
            To: m.destination,
            From: from,
            Twiml: `<Response><Say>${escapeXml(`${m.subject}. ${m.body}`.slice(0, 1000))}</Say></Response>`,
          },
          m,
        ),
    },
  };
}
