// Email over SMTP (nodemailer): plain text, and the same text as simple HTML.
import nodemailer from 'nodemailer';
import { ChannelError, deliveryIdsHeader, mayHaveArrived, type Channel } from '../channel.js';

export interface EmailChannelDeps {
  /** smtp://user:pass@host:port, or smtps:// for TLS from the first byte. */
  smtpUrl: string;
  from: string;
  timeoutMs?: number;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A message that carries `unsubscribe_url` in its payload (status-page subscribers) gets the List-Unsubscribe
 * header and, for mail clients that unsubscribe in one click, List-Unsubscribe-Post (RFC 8058).
 */
function unsubscribeHeaders(payload: Record<string, unknown>): Record<string, string> {
  const url = payload.unsubscribe_url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return {};
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export function createEmailChannel({
  smtpUrl,
  from,
  timeoutMs = 10_000,
}: EmailChannelDeps): Channel & { close(): void } {
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    ...(url.username && { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(m) {
      try {
        await transport.sendMail({
          from,
          to: m.destination,
          subject: m.subject,
          text: m.body,
          html:
            `<div style="font-family:sans-serif"><h3>${escapeHtml(m.subject)}</h3>` +
            `<pre style="white-space:pre-wrap;font-family:inherit">${escapeHtml(m.body)}</pre></div>`,
          headers: { 'X-Vigil-Delivery': m.deliveryId, ...deliveryIdsHeader(m), ...unsubscribeHeaders(m.payload) },
          messageId: `<${m.deliveryId}@vigil>`,
        });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        const reason = error instanceof Error ? error.message : String(error);
        // SMTP 5xx is a permanent refusal (no such mailbox, policy); 4xx and connection trouble may pass. An
        // answer from the server means it did not take the message; a timeout or a broken connection may not.
        throw new ChannelError(
          `SMTP: ${reason}`,
          !(code && code >= 500 && code < 600),
          undefined,
          code === undefined && mayHaveArrived(error),
        );
      }
    },
    close: () => transport.close(),
  };
}
