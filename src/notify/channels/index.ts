// The delivery channels this server has, built from its configuration: the JSON-over-HTTP ones always
// (through the SSRF guard), email when an SMTP server is configured, SMS and voice when a
// Twilio-compatible gateway is.
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Channels } from '../channel.js';
import { signatureHeader } from '../signature.js';
import { guardedDispatcher, parseAllowlist } from '../../net/index.js';
import { createEmailChannel } from './email.js';
import { createHttpChannels } from './http.js';
import { createTwilioChannels } from './twilio.js';

export function createChannels(config: Config['notify'], clock: Clock): Channels {
  const dispatcher = guardedDispatcher(parseAllowlist(config.outboundAllow));
  const http = createHttpChannels({ dispatcher, sign: (body, secrets) => signatureHeader(body, secrets, clock.now()) });
  return {
    ...http,
    ...(config.smtpUrl && { email: createEmailChannel({ smtpUrl: config.smtpUrl, from: config.smtpFrom }) }),
    ...(config.twilioUrl &&
      config.twilioFrom &&
      createTwilioChannels({ url: config.twilioUrl, from: config.twilioFrom, dispatcher })),
  };
}
