// Channels that POST JSON to a URL: generic webhooks (signed), and the Slack, Microsoft Teams and
// Mattermost incoming-webhook formats. Every request goes through `dispatcher` (the SSRF guard pins
// each connection to a checked address), with a timeout and without following redirects.
import { request, type Dispatcher } from 'undici';
import {
  ChannelError,
  deliveryIdsHeader,
  mayHaveArrived,
  SEND_TIMEOUT_MS,
  type Channel,
  type OutboundMessage,
} from '../channel.js';

export interface HttpChannelDeps {
  dispatcher: Dispatcher;
  /** X-Vigil-Signature for a body, signed with the destination's secret(s). */
  sign: (body: string, secrets: string[]) => string;
  timeoutMs?: number;
}

/** What to send for a message: the JSON body. */
type Shape = (m: OutboundMessage) => unknown;

const escapeSlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const SHAPES = {
  webhook: (m: OutboundMessage) => m.payload,
  slack: (m: OutboundMessage) => ({
    // The fallback text is mrkdwn too: unescaped, "<!channel>" in an alert's title would notify everyone.
    text: escapeSlack(m.subject),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: m.subject.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: escapeSlack(m.body).slice(0, 3000) } },
    ],
  }),
  teams: (m: OutboundMessage) => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: m.subject, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: m.body, wrap: true },
          ],
        },
      },
    ],
  }),
  // "@channel", "@all" and "@here" in an alert's text would notify the whole channel: a zero-width space keeps
  // them readable and inert.
  mattermost: (m: OutboundMessage) => ({ username: 'Vigil', text: defuseMentions(`#### ${m.subject}\n${m.body}`) }),
} satisfies Record<string, Shape>;

/** Mattermost's channel-wide mentions, made inert. */
export function defuseMentions(text: string): string {
  // Only a mention of its own: not inside an address (ops@all.example) or a longer name (@channel-team).
  return text.replace(/(?<![\w.@])@(channel|all|here)(?![\w-])/gi, '@\u200B$1');
}

/**
 * Seconds a Retry-After header (delta seconds or an HTTP date) asks for, capped at an hour; undefined
 * when absent or unreadable. An HTTP date is the receiver's real time, so it is measured against the
 * real clock; the seconds it yields are then counted on the injected clock like every other delay.
 */
export function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.min(seconds, 3600));
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.min((at - Date.now()) / 1000, 3600)) : undefined;
}

function channel(shape: Shape, deps: HttpChannelDeps, signed: boolean): Channel {
  const timeout = deps.timeoutMs ?? SEND_TIMEOUT_MS;
  return {
    async send(m) {
      const body = JSON.stringify(shape(m));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'Vigil',
        'x-vigil-delivery': m.deliveryId,
        ...deliveryIdsHeader(m),
      };
      const secrets =
        signed && m.secret
          ? m.secret
              .split('\n')
              .map((x) => x.trim())
              .filter(Boolean)
          : [];
      if (secrets.length > 0) headers['x-vigil-signature'] = deps.sign(body, secrets);
      let status: number;
      let answer: {
        headers: Record<string, string | string[] | undefined>;
        body: { text(): Promise<string>; dump(): Promise<void> };
      };
      try {
        const response = await request(m.destination, {
          method: 'POST',
          headers,
          body,
          dispatcher: deps.dispatcher,
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal: AbortSignal.timeout(timeout),
        });
        status = response.statusCode;
        answer = response;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // The SSRF guard's refusals cannot get better by waiting; network trouble can.
        throw new ChannelError(
          `POST ${new URL(m.destination).host} failed: ${reason}`,
          !/^forbidden address/.test(reason),
          undefined,
          mayHaveArrived(error),
        );
      }
      if (status >= 200 && status < 300) {
        await answer.body.dump();
        return;
      }
      const text = (await answer.body.text().catch(() => '')).slice(0, 200);
      const what = `${new URL(m.destination).host} answered ${status}${text ? `: ${text}` : ''}`;
      if (status >= 300 && status < 400) throw new ChannelError(`${what} (redirects are not followed)`, false);
      if (status === 429 || status === 408 || status >= 500)
        throw new ChannelError(what, true, retryAfter(answer.headers['retry-after']));
      throw new ChannelError(what, false);
    },
  };
}

/** The four JSON-over-HTTP channels sharing one guarded dispatcher. */
export function createHttpChannels(deps: HttpChannelDeps) {
  return {
    webhook: channel(SHAPES.webhook, deps, true),
    slack: channel(SHAPES.slack, deps, false),
    teams: channel(SHAPES.teams, deps, false),
    mattermost: channel(SHAPES.mattermost, deps, false),
  };
}
